// SPDX-License-Identifier: GPL-2.0-or-later
// Hostile and damaged input: sizes that lie, deep nesting, bad TYPE and SCAL, truncation at
// every byte and bit flips of a real payload, and the regressions found by fuzzing (fuzz/).
// Not crashing is implicit in every test; each also checks what the user gets back.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "gpmf/decoder.h"
#include "gpmf/header.h"
#include "gpmf/klv.h"
#include "gpmf/klv_writer.h"
#include "gpmf/records.h"
#include "gpmf/track_splitter.h"
#include "samples.h"

using namespace gpmf;

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// One KLV exactly as given: the header says what the caller says, whatever the data holds.
Bytes klv(const char (&key)[5], char type, std::uint8_t structSize, std::uint16_t repeat, const Bytes &data = {})
{
	Bytes out(key, key + 4);
	out.push_back(std::uint8_t(type));
	out.push_back(structSize);
	appendBe(out, repeat, 2);
	out.insert(out.end(), data.begin(), data.end());
	while (out.size() % 4)
		out.push_back(0);
	return out;
}

// A nested KLV around the given children, with an honest size.
Bytes nest(const char (&key)[5], std::initializer_list<Bytes> children)
{
	Bytes body;
	for (const Bytes &c : children)
		body.insert(body.end(), c.begin(), c.end());
	Bytes out(key, key + 4);
	out.push_back(0);
	out.push_back(4);
	appendBe(out, body.size() / 4, 2);
	out.insert(out.end(), body.begin(), body.end());
	return out;
}

Bytes be32(std::uint32_t v)
{
	Bytes b;
	appendBe(b, v, 4);
	return b;
}

Bytes floatBytes(float f)
{
	std::uint32_t bits;
	std::memcpy(&bits, &f, 4);
	return be32(bits);
}

Bytes doubleBytes(double d)
{
	std::uint64_t bits;
	std::memcpy(&bits, &d, 8);
	Bytes b;
	appendBe(b, bits, 8);
	return b;
}

Bytes concat(std::initializer_list<Bytes> parts)
{
	Bytes out;
	for (const Bytes &p : parts)
		out.insert(out.end(), p.begin(), p.end());
	return out;
}

// A camera DEVC (DVID 1) with one STRM of the given children.
Bytes cameraStream(std::initializer_list<Bytes> strm)
{
	return nest("DEVC", {klv("DVID", 'L', 4, 1, be32(1)), klv("DVNM", 'c', 1, 6, {'C', 'a', 'm', 'e', 'r', 'a'}),
			     nest("STRM", strm)});
}

// A pointer into a temporary payload would dangle: keep the payload in a variable.
const Stream *findStream(const Payload &&p, FourCC key) = delete;

const Stream *findStream(const Payload &p, FourCC key)
{
	for (const auto &d : p.devices)
		for (const auto &s : d.streams)
			if (s.key == key)
				return &s;
	return nullptr;
}

bool hasCode(const std::vector<Diagnostic> &diagnostics, Errc code)
{
	for (const auto &d : diagnostics)
		if (d.code == code)
			return true;
	return false;
}

std::string diagnosticsText(const std::vector<Diagnostic> &diagnostics)
{
	std::string s;
	for (const auto &d : diagnostics)
		s += d.message() + "\n";
	return s;
}

// The 16-bit ACCL stream every test below damages: 2 samples of x, y, z and SCAL 10.
Bytes accelStream()
{
	Bytes data;
	for (std::int64_t v : {981, 10, -20, 982, 11, -21})
		appendBe(data, std::uint64_t(v), 2);
	return concat({klv("SCAL", 's', 2, 1, {0, 10}), klv("ACCL", 's', 6, 2, data)});
}

} // namespace

// --- Sizes that lie ------------------------------------------------------------------------

TEST(HostileSizes, RepeatAndStructSizeClaimingMegabytesFromSixteenBytes)
{
	// 255 × 65535 = 16.7 MB claimed; 8 bytes of data are there.
	const Bytes bytes = klv("ACCL", 's', 255, 65535, Bytes(8, 0x11));
	ASSERT_EQ(bytes.size(), 16u);
	const Payload p = decodePayload(bytes);
	ASSERT_TRUE(hasCode(p.diagnostics, Errc::Truncated)) << diagnosticsText(p.diagnostics);
	EXPECT_EQ(p.diagnostics[0].offset, 0u);
	EXPECT_TRUE(p.devices.empty());

	// The same inside a camera stream: not one whole 255-byte sample is there, so none comes
	// out, and nothing the size of the claim is allocated for it.
	const Bytes inStream = cameraStream({klv("SCAL", 's', 2, 1, {0, 10}), klv("ACCL", 's', 254, 65535, Bytes(8, 0x11))});
	const Payload q = decodePayload(inStream);
	EXPECT_TRUE(hasCode(q.diagnostics, Errc::Truncated)) << diagnosticsText(q.diagnostics);
	ASSERT_EQ(q.devices.size(), 1u);
	for (const Stream &s : q.devices[0].streams) {
		EXPECT_LE(s.values.numbers.capacity() * sizeof(double), 64 * inStream.size());
		EXPECT_LE(s.values.texts.capacity(), inStream.size());
	}
	const Stream *accl = findStream(q, "ACCL");
	EXPECT_TRUE(!accl || accl->values.sampleCount == 0);
}

TEST(HostileSizes, TruncatedDataKeepsTheWholeSamplesThatAreThere)
{
	// 1000 samples of 6 bytes claimed, 20 bytes present: 3 whole samples and 2 stray bytes.
	Bytes data;
	for (std::uint8_t i = 0; i < 20; i++)
		data.push_back(std::uint8_t(100 + i));
	const Payload p = decodePayload(cameraStream({klv("ACCL", 's', 6, 1000, data)}));
	ASSERT_TRUE(hasCode(p.diagnostics, Errc::Truncated)) << diagnosticsText(p.diagnostics);
	const Stream *accl = findStream(p, "ACCL");
	ASSERT_NE(accl, nullptr);
	EXPECT_EQ(accl->values.sampleCount, 3u);
	ASSERT_EQ(accl->values.numbers.size(), 9u);
	EXPECT_EQ(accl->values.numbers[0], double((100 << 8) | 101));
	EXPECT_EQ(accl->values.numbers[8], double((116 << 8) | 117));
}

TEST(HostileSizes, KlvHeaderAtExactlyTheEndOfTheBuffer)
{
	const Bytes intact = cameraStream({accelStream()});
	const Payload intactPayload = decodePayload(intact);
	const Stream *before = findStream(intactPayload, "ACCL");
	ASSERT_NE(before, nullptr);

	// A last header that promises 4 samples and has no byte of them: reported, and what came
	// before it is decoded as if the header were not there.
	const Bytes promising = concat({intact, klv("DEVC", 0, 4, 4)});
	const Payload p = decodePayload(promising);
	ASSERT_TRUE(hasCode(p.diagnostics, Errc::Truncated)) << diagnosticsText(p.diagnostics);
	EXPECT_EQ(p.diagnostics.back().offset, intact.size());
	const Stream *after = findStream(p, "ACCL");
	ASSERT_NE(after, nullptr);
	EXPECT_EQ(after->values.numbers, before->values.numbers);

	// An empty KLV (no data claimed) at the very end is well formed.
	const Bytes empty = cameraStream({accelStream(), klv("EMPT", 'L', 4, 0)});
	const Payload e = decodePayload(empty);
	EXPECT_TRUE(e.diagnostics.empty()) << diagnosticsText(e.diagnostics);

	// Seven of the eight header bytes: a header cut short is reported too.
	Bytes cut = concat({intact, klv("DEVC", 0, 4, 4)});
	cut.pop_back();
	const Payload c = decodePayload(cut);
	EXPECT_TRUE(hasCode(c.diagnostics, Errc::Truncated)) << diagnosticsText(c.diagnostics);
	ASSERT_NE(findStream(c, "ACCL"), nullptr);
}

TEST(HostileSizes, NestingDeeperThanSixteenLevels)
{
	// DEVC/STRM/STRM/.../STRM with ACCL samples at level 40: the decoder understands DEVC, STRM
	// and one nested data level (FACE with TICK/TOCK); deeper data is not taken as samples.
	Bytes inner = accelStream();
	for (int level = 0; level < 40; level++)
		inner = nest("STRM", {inner});
	const Bytes bytes = nest("DEVC", {klv("DVID", 'L', 4, 1, be32(1)), inner});
	const Payload p = decodePayload(bytes);
	ASSERT_EQ(p.devices.size(), 1u);
	EXPECT_EQ(findStream(p, "ACCL"), nullptr);
	for (const Stream &s : p.devices[0].streams)
		EXPECT_EQ(s.slotCount(), 0u);
	// Nesting the format does not define is reported, not silently dropped.
	EXPECT_FALSE(p.diagnostics.empty()) << "40 levels of STRM went unreported";

	// The same depth of DEVCs.
	Bytes devs = klv("DVID", 'L', 4, 1, be32(1));
	for (int level = 0; level < 40; level++)
		devs = nest("DEVC", {devs});
	const Payload q = decodePayload(devs);
	EXPECT_LE(q.devices.size(), 1u);
	EXPECT_FALSE(q.diagnostics.empty()) << "40 levels of DEVC went unreported";
}

// --- TYPE and SCAL -------------------------------------------------------------------------

TEST(HostileType, StructsOfTwoHundredFiftyFiveBytes)
{
	// "B[255]": exactly 255 bytes, the largest struct there is; decoded field by field.
	Bytes sample(255);
	for (int i = 0; i < 255; i++)
		sample[std::size_t(i)] = std::uint8_t(i);
	const Payload ok = decodePayload(
		cameraStream({klv("TYPE", 'c', 1, 6, {'B', '[', '2', '5', '5', ']'}), klv("XDAT", '?', 255, 1, sample)}));
	EXPECT_TRUE(ok.diagnostics.empty()) << diagnosticsText(ok.diagnostics);
	const Stream *x = findStream(ok, "XDAT");
	ASSERT_NE(x, nullptr);
	ASSERT_EQ(x->values.fields.size(), 255u);
	ASSERT_EQ(x->values.numbers.size(), 255u);
	EXPECT_EQ(x->values.numbers[254], 254.0);

	// TYPEs whose width is not the struct size, or that cannot be parsed: reported, no samples.
	const std::vector<std::string> bad = {
		"f[255]",      // 1020 bytes for a 255-byte struct
		"d[32]",       // 256 bytes
		"B[255]B",     // 256 bytes, 256 fields
		"c[999]",      // a count past any struct
		"f[0]",        // nothing
		"f[",          // unclosed
		"[8]",         // repeats nothing
		"B[255]B[255]" // 510
	};
	for (const std::string &t : bad) {
		const Bytes typeData(t.begin(), t.end());
		const Payload p = decodePayload(cameraStream(
			{klv("TYPE", 'c', 1, std::uint16_t(t.size()), typeData), klv("XDAT", '?', 255, 2, Bytes(510, 0x42))}));
		EXPECT_TRUE(hasCode(p.diagnostics, Errc::BadSize) || hasCode(p.diagnostics, Errc::BadType))
			<< t << ": " << diagnosticsText(p.diagnostics);
		const Stream *s = findStream(p, "XDAT");
		EXPECT_TRUE(!s || s->values.sampleCount == 0) << t;
	}
}

TEST(HostileScale, ZeroOrNaNDivisorsLeaveTheValuesUnscaled)
{
	const Bytes data = {0x03, 0xd5, 0x00, 0x0a, 0xff, 0xec}; // 981, 10, -20
	for (const Bytes &scal : {klv("SCAL", 's', 2, 1, {0, 0}), klv("SCAL", 'f', 4, 1, floatBytes(NAN)),
				  klv("SCAL", 'f', 4, 1, floatBytes(INFINITY)), klv("SCAL", 'd', 8, 1, doubleBytes(kNaN))}) {
		const Payload p = decodePayload(cameraStream({scal, klv("ACCL", 's', 6, 1, data)}));
		const Stream *s = findStream(p, "ACCL");
		ASSERT_NE(s, nullptr);
		EXPECT_EQ(s->values.numbers, (std::vector<double>{981, 10, -20}));
		std::string record;
		writePayloadRecord(record, p);
		EXPECT_EQ(record.find("nan"), std::string::npos) << record;
		EXPECT_EQ(record.find("inf"), std::string::npos) << record;
	}

	// One divisor per field, one of them zero: the others still apply.
	const Payload mixed = decodePayload(
		cameraStream({klv("SCAL", 's', 2, 3, {0, 10, 0, 0, 0, 2}), klv("ACCL", 's', 6, 1, data)}));
	const Stream *s = findStream(mixed, "ACCL");
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->values.numbers, (std::vector<double>{98.1, 10, -10}));
}

// --- A real payload, cut at every byte and with bits flipped --------------------------------

namespace {

// Where each stream's samples are in the intact payload, to tell which samples precede damage.
struct SampleSpan {
	std::size_t device = 0, stream = 0;
	FourCC key;
	std::size_t dataOffset = 0;
	std::size_t sampleSize = 0; ///< bytes per sample; a 'c' string of struct size 1 is one sample
};

std::vector<SampleSpan> sampleSpans(const Bytes &bytes, const Payload &intact)
{
	std::vector<SampleSpan> spans;
	KlvWalker top(bytes);
	std::size_t device = 0;
	while (auto devc = top.next()) {
		if (devc->key != FourCC("DEVC"))
			continue;
		KlvWalker children(devc->data, devc->offset + kKlvHeaderSize);
		std::size_t stream = 0;
		while (auto strm = children.next()) {
			if (strm->key != FourCC("STRM") || !strm->isNested())
				continue;
			const FourCC key = intact.devices.at(device).streams.at(stream).key;
			KlvWalker items(strm->data, strm->offset + kKlvHeaderSize);
			while (auto item = items.next()) {
				if (item->key == key && !item->isNested()) {
					const bool text = (item->type == 'c' || item->type == 'u') && item->structSize == 1;
					spans.push_back({device, stream, key, item->offset + kKlvHeaderSize,
							 text ? std::size_t{item->repeat} : std::size_t{item->structSize}});
					break;
				}
			}
			stream++;
		}
		device++;
	}
	return spans;
}

// Samples wholly before `damage` must come out as in the intact decode: same stream, same values.
void expectSamplesBeforeDamageKept(const Payload &intact, const Payload &damaged, const std::vector<SampleSpan> &spans,
				   std::size_t damage, const std::string &what)
{
	for (const SampleSpan &span : spans) {
		if (span.sampleSize == 0 || span.dataOffset + span.sampleSize > damage)
			continue;
		const std::size_t whole = (damage - span.dataOffset) / span.sampleSize;
		const Stream &good = intact.devices[span.device].streams[span.stream];
		const std::size_t samples = std::min<std::size_t>(whole, good.values.sampleCount);
		ASSERT_LT(span.device, damaged.devices.size()) << what;
		ASSERT_LT(span.stream, damaged.devices[span.device].streams.size()) << what << " " << span.key.str();
		const Stream &bad = damaged.devices[span.device].streams[span.stream];
		ASSERT_EQ(bad.key, span.key) << what;
		ASSERT_GE(bad.values.sampleCount, samples) << what << " " << span.key.str();
		const std::size_t nNum = good.values.numericFieldCount(), nText = good.values.textFieldCount();
		ASSERT_EQ(bad.values.numericFieldCount(), nNum) << what;
		for (std::size_t i = 0; i < samples * nNum; i++)
			ASSERT_EQ(bad.values.numbers[i], good.values.numbers[i]) << what << " " << span.key.str() << " #" << i;
		for (std::size_t i = 0; i < samples * nText; i++)
			ASSERT_EQ(bad.values.texts[i], good.values.texts[i]) << what << " " << span.key.str();
	}
}

// Offsets of every KLV header the decoder walks (top level, DEVC and STRM children).
std::vector<std::size_t> headerOffsets(const Bytes &bytes)
{
	std::vector<std::size_t> offsets;
	std::function<void(std::span<const std::uint8_t>, std::size_t, int)> walk =
		[&](std::span<const std::uint8_t> span, std::size_t base, int depth) {
			KlvWalker w(span, base);
			while (auto k = w.next()) {
				offsets.push_back(k->offset);
				if (k->isNested() && depth < 2)
					walk(k->data, k->offset + kKlvHeaderSize, depth + 1);
			}
		};
	walk(bytes, 0, 0);
	return offsets;
}

void truncateEverywhere(const char *name)
{
	GPMF_REQUIRE_SAMPLE(path, name);
	const Bytes bytes = test::readFile(path);
	const Payload intact = decodePayload(bytes);
	ASSERT_TRUE(intact.diagnostics.empty()) << diagnosticsText(intact.diagnostics);
	const std::vector<SampleSpan> spans = sampleSpans(bytes, intact);
	ASSERT_FALSE(spans.empty());

	// Top-level KLV boundaries: a cut there leaves whole payloads, which is not damage.
	std::vector<std::size_t> boundaries{0};
	KlvWalker top(bytes);
	while (auto k = top.next())
		boundaries.push_back(k->offset + kKlvHeaderSize + ((k->data.size() + 3) & ~std::size_t{3}));

	std::size_t reported = 0;
	for (std::size_t len = 0; len <= bytes.size(); len++) {
		const Bytes cut(bytes.begin(), bytes.begin() + std::ptrdiff_t(len));
		const Payload p = decodePayload(cut);
		const bool atBoundary = std::find(boundaries.begin(), boundaries.end(), len) != boundaries.end();
		if (!atBoundary) {
			ASSERT_FALSE(p.diagnostics.empty()) << name << " cut at " << len << " of " << bytes.size();
			reported++;
		}
		for (const Diagnostic &d : p.diagnostics)
			ASSERT_LE(d.offset, len) << d.message();
		expectSamplesBeforeDamageKept(intact, p, spans, len, std::string(name) + " cut at " + std::to_string(len));
	}
	EXPECT_EQ(reported + boundaries.size(), bytes.size() + 1);
}

} // namespace

TEST(Truncation, EveryLengthOfHero5Payload)
{
	truncateEverywhere("hero5.raw");
}

TEST(Truncation, EveryLengthOfKarmaPayloadWithComplexTypes)
{
	truncateEverywhere("karma.raw");
}

TEST(BitFlips, EverySingleBitOfTheFirst512BytesOfHero5)
{
	GPMF_REQUIRE_SAMPLE(path, "hero5.raw");
	const Bytes bytes = test::readFile(path);
	ASSERT_GE(bytes.size(), 512u);
	const Payload intact = decodePayload(bytes);
	const std::vector<SampleSpan> spans = sampleSpans(bytes, intact);
	const std::vector<std::size_t> headers = headerOffsets(bytes);

	std::size_t withDiagnostics = 0, keyFlips = 0;
	for (std::size_t byte = 0; byte < 512; byte++) {
		for (int bit = 0; bit < 8; bit++) {
			Bytes damaged = bytes;
			damaged[byte] ^= std::uint8_t(1u << bit);
			const Payload p = decodePayload(damaged);
			const std::string what = "bit " + std::to_string(bit) + " of byte " + std::to_string(byte);
			withDiagnostics += !p.diagnostics.empty();
			for (const Diagnostic &d : p.diagnostics)
				ASSERT_LE(d.offset, damaged.size()) << what << ": " << d.message();
			expectSamplesBeforeDamageKept(intact, p, spans, byte, what);

			// Bit 7 of a key byte makes the key non-ASCII, which is always reported.
			const bool inKey = std::any_of(headers.begin(), headers.end(),
						       [&](std::size_t h) { return byte >= h && byte < h + 4; });
			if (inKey && bit == 7) {
				keyFlips++;
				EXPECT_TRUE(hasCode(p.diagnostics, Errc::BadKey)) << what;
			}
			std::string record;
			writePayloadRecord(record, p);
			ASSERT_EQ(record.back(), '\n');
		}
	}
	EXPECT_GT(keyFlips, 20u);
	// Most flips land in sample values, which no decoder can tell from real ones.
	EXPECT_GT(withDiagnostics, keyFlips);
}

TEST(DamagedTrack, ASplitStopsAtTheFirstBrokenPayloadAndKeepsTheOnesBefore)
{
	GPMF_REQUIRE_SAMPLE(path, "hero5-track.bin");
	const Bytes dump = test::readFile(path);
	const SplitResult intact = splitRawTrack(dump);
	ASSERT_FALSE(intact.error.has_value());
	ASSERT_EQ(intact.payloads.size(), 34u);

	// A non-ASCII byte in the key of payload 10's DEVC: a dump has no index to resync from.
	Bytes damaged = dump;
	const std::size_t at = intact.payloads[10].offset;
	damaged[at] |= 0x80;
	const SplitResult split = splitRawTrack(damaged);
	ASSERT_TRUE(split.error.has_value());
	EXPECT_EQ(split.error->code, Errc::BadKey);
	EXPECT_EQ(split.error->offset, at);
	ASSERT_EQ(split.payloads.size(), 10u);
	for (std::size_t i = 0; i < 10; i++) {
		EXPECT_EQ(split.payloads[i].offset, intact.payloads[i].offset);
		EXPECT_EQ(split.payloads[i].bytes.size(), intact.payloads[i].bytes.size());
	}
}

// --- Regressions found by the fuzz targets and by reviewing their findings ------------------

TEST(FuzzRegression, DeviceIdThatIsNotANumber)
{
	// DVID as a float NaN or infinity: converting it to an integer was undefined behaviour
	// (UBSan: "nan is outside the range of representable values of type 'unsigned int'").
	const Payload nan = decodePayload(nest("DEVC", {klv("DVID", 'f', 4, 1, floatBytes(NAN))}));
	ASSERT_EQ(nan.devices.size(), 1u);
	EXPECT_EQ(nan.devices[0].id, 0u);
	const Payload inf = decodePayload(nest("DEVC", {klv("DVID", 'f', 4, 1, floatBytes(INFINITY))}));
	ASSERT_EQ(inf.devices.size(), 1u);
	EXPECT_EQ(inf.devices[0].id, 4294967295u);
}

TEST(FuzzRegression, SampleCountsOutsideSixtyFourBits)
{
	// TSMP/STMP of 2^64 - 1 as 'J' (2^64 once a double), +inf, NaN or 1e30 as 'd': converting
	// them to uint64 was undefined behaviour. A count that cannot be one is not used.
	const Bytes accl = klv("ACCL", 's', 6, 1, {0, 1, 0, 2, 0, 3});
	const std::vector<Bytes> counts = {
		klv("TSMP", 'J', 8, 1, Bytes(8, 0xff)),
		klv("TSMP", 'd', 8, 1, doubleBytes(kInf)),
		klv("TSMP", 'd', 8, 1, doubleBytes(kNaN)),
		klv("TSMP", 'd', 8, 1, doubleBytes(1e30)),
	};
	for (const Bytes &tsmp : counts) {
		const Payload p = Decoder().decode(cameraStream({tsmp, accl}), 0, 1);
		const Stream *s = findStream(p, "ACCL");
		ASSERT_NE(s, nullptr);
		EXPECT_FALSE(s->tsmp.has_value()) << *s->tsmp;
		EXPECT_EQ(s->values.sampleCount, 1u);
	}
	// fuzz-split found the first of these within 18 000 executions.
	for (const Bytes &stmp : {klv("STMP", 'J', 8, 1, Bytes(8, 0xff)), klv("STMP", 'd', 8, 1, doubleBytes(kInf)),
				  klv("STMP", 'd', 8, 1, doubleBytes(1e300))}) {
		const Payload p = Decoder().decode(cameraStream({stmp, accl}), 0, 1);
		const Stream *s = findStream(p, "ACCL");
		ASSERT_NE(s, nullptr);
		EXPECT_FALSE(s->stmp.has_value()) << *s->stmp;
	}
}

TEST(FuzzRegression, Gps9WhoseFieldsAreText)
{
	// A GPS9 TYPE of nine FourCCs: the stream has names for its 9 fields but no numbers, and
	// the UTC and fix lookups read numbers[] out of bounds (ASan: heap-buffer-overflow / UBSan:
	// offset applied to a null pointer in Values::number).
	const Bytes stream = cameraStream({klv("TYPE", 'c', 1, 9, {'F', 'F', 'F', 'F', 'F', 'F', 'F', 'F', 'F'}),
					   klv("GPS9", '?', 36, 1, Bytes(36, 'A'))});
	DecodeOptions options;
	options.minGpsFix = 3;
	options.maxGpsDop = 5;
	const Payload p = Decoder(options).decode(stream, 0, 1);
	const Stream *s = findStream(p, "GPS9");
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->values.textFieldCount(), 9u);
	// No number, no UTC; the fix filter cannot apply, so the sample stays.
	for (double utc : s->utc)
		EXPECT_TRUE(std::isnan(utc));
	EXPECT_EQ(s->slotCount(), 1u);
}

TEST(FuzzRegression, Gps9FixFieldThatIsTextIsNotReadFromAnotherField)
{
	// TYPE "lllllllSF": the fix field is a FourCC. Its number was read from the wrong slot (the
	// latitude), so a southern point was dropped by minGpsFix as if its fix were negative.
	Bytes sample;
	for (std::int64_t v : {-331264969LL, 1173273542LL, 20184LL, 167LL, 19LL, 8298LL, 48578299LL})
		appendBe(sample, std::uint64_t(v), 4);
	appendBe(sample, 213, 2);
	sample.insert(sample.end(), {'3', 'D', 'F', 'X'});
	DecodeOptions options;
	options.minGpsFix = 3;
	const Payload p = Decoder(options).decode(
		cameraStream({klv("TYPE", 'c', 1, 9, {'l', 'l', 'l', 'l', 'l', 'l', 'l', 'S', 'F'}),
			      klv("SCAL", 'l', 4, 1, be32(1)), klv("GPS9", '?', 34, 1, sample)}),
		0, 1);
	const Stream *s = findStream(p, "GPS9");
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->slotCount(), 1u);
}

TEST(FuzzRegression, RawAndScaledDecodingFilterGpsAlike)
{
	// GPS9 with a NaN divisor for the fix field: scaled decoding ignores the divisor (fix 3,
	// kept); raw decoding divided by it (fix NaN, dropped). Both must keep the same points.
	Bytes sample;
	for (std::int64_t v : {331264969LL, -1173273542LL, 20184LL, 167LL, 19LL, 8298LL, 48578299LL})
		appendBe(sample, std::uint64_t(v), 4);
	appendBe(sample, 213, 2);
	appendBe(sample, 3, 2);
	Bytes scal;
	for (int i = 0; i < 8; i++)
		scal = concat({scal, floatBytes(i < 2 ? 1e7f : 1.0f)});
	scal = concat({scal, floatBytes(NAN)});
	const Bytes bytes = cameraStream({klv("TYPE", 'c', 1, 9, {'l', 'l', 'l', 'l', 'l', 'l', 'l', 'S', 'S'}),
					  klv("SCAL", 'f', 36, 1, scal), klv("GPS9", '?', 32, 1, sample)});
	for (bool raw : {false, true}) {
		DecodeOptions options;
		options.raw = raw;
		options.minGpsFix = 3;
		const Payload p = Decoder(options).decode(bytes, 0, 1);
		const Stream *s = findStream(p, "GPS9");
		ASSERT_NE(s, nullptr) << diagnosticsText(p.diagnostics);
		EXPECT_EQ(s->slotCount(), 1u) << (raw ? "raw" : "scaled");
	}
}

// --- Costs that must grow linearly with the input ------------------------------------------
// These measure time, so they are not part of the suite (which must not depend on timing):
// run them by hand with --gtest_also_run_disabled_tests --gtest_filter='*CostLinearTime'.

namespace {

double secondsFor(const std::function<void()> &fn)
{
	const auto start = std::chrono::steady_clock::now();
	fn();
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Four times the input may take at most eight times as long (a quadratic cost takes sixteen),
// plus a quarter second for other processes. Runs are repeated and the best kept, as noise
// only ever adds time.
void expectLinear(const std::function<void(std::size_t)> &work, std::size_t n, const char *what)
{
	double small = kInf;
	for (int i = 0; i < 3; i++)
		small = std::min(small, secondsFor([&] { work(n); }));
	double large = kInf;
	for (int i = 0; i < 2 && !(large <= 8 * small + 0.25); i++)
		large = std::min(large, secondsFor([&] { work(4 * n); }));
	EXPECT_LE(large, 8 * small + 0.25) << what << ": " << small << " s for " << n << ", " << large << " s for " << 4 * n;
}

// A 4-letter printable key per index, all distinct.
FourCC keyFor(std::size_t i)
{
	std::uint32_t value = 0;
	for (int k = 0; k < 4; k++, i /= 26)
		value = (value << 8) | std::uint32_t('a' + i % 26);
	return FourCC(value);
}

} // namespace

TEST(FuzzRegression, DISABLED_ManyHiLightsCostLinearTime)
{
	// HMMT of n tags: each tag was checked against every earlier one and the list re-sorted,
	// so a 64 KB atom (16 K tags) took minutes in the fuzzer (-timeout=10 s). Cameras
	// preallocate 100 tags: a decoder may keep only the first ones, if it says so.
	expectLinear(
		[](std::size_t n) {
			Bytes body;
			appendBe(body, n, 4);
			for (std::size_t i = 0; i < n; i++)
				appendBe(body, 7 * i, 4);
			Header header;
			addUdtaAtom(header, FourCC("HMMT"), body);
			ASSERT_FALSE(header.hilights.empty());
			EXPECT_TRUE(header.hilights.size() == n || hasCode(header.diagnostics, Errc::BadSize))
				<< "tags dropped silently";
			for (std::size_t i = 0; i < header.hilights.size(); i++)
				ASSERT_EQ(header.hilights[i].time, double(7 * i) / 1000.0) << i;
		},
		4096, "HMMT");
}

TEST(FuzzRegression, DISABLED_ManyStickyPropertiesCostLinearTime)
{
	// n distinct metadata KLVs in one STRM: writing the record looked for a later KLV of the
	// same key once per property (quadratic: 11 s for a 1 MB payload).
	expectLinear(
		[](std::size_t n) {
			KlvWriter w;
			w.begin(FourCC("DEVC"));
			w.begin(FourCC("STRM"));
			for (std::size_t i = 0; i < n; i++)
				w.raw(keyFor(i), 'f', 0, 0, {});
			w.integers(FourCC("ACCL"), 's', {1, 2, 3}, 3);
			w.end();
			w.end();
			const Payload p = decodePayload(w.bytes());
			std::string record;
			writePayloadRecord(record, p);
			ASSERT_GT(record.size(), 7 * n);
		},
		32768, "sticky properties");
}

TEST(FuzzRegression, DISABLED_ManyStreamsCostLinearTime)
{
	// A track whose payloads each bring a new stream key: the Decoder looked each stream up in
	// a list of every stream seen before, so the cost grew with the square of the track
	// (5 s for 65536 payloads of 24 bytes).
	expectLinear(
		[](std::size_t n) {
			Decoder decoder;
			for (std::size_t i = 0; i < n; i++) {
				KlvWriter w;
				w.begin(FourCC("DEVC"));
				w.begin(FourCC("STRM"));
				w.raw(keyFor(i), 'f', 0, 0, {});
				w.end();
				w.end();
				decoder.decode(w.bytes(), double(i), 1);
			}
			// The summary keeps the first 4,096 streams (EndlessNewDeviceIdsDoNotGrowTheSummary);
			// every payload's stream is still looked up.
			ASSERT_EQ(decoder.summary().streams.size(), std::min<std::size_t>(n, 4096));
		},
		16384, "streams");
}

// Hostile input can give every payload a new device id; the decoder's per-stream history (rates,
// summary) must not grow with the recording because of it.
TEST(FuzzRegression, EndlessNewDeviceIdsDoNotGrowTheSummary)
{
	Decoder decoder;
	for (std::uint32_t id = 1; id <= 6000; id++) {
		KlvWriter w;
		w.begin(FourCC("DEVC"));
		w.integers(FourCC("DVID"), 'L', {std::int64_t(id)});
		w.begin(FourCC("STRM"));
		w.integers(FourCC("ACCL"), 's', {1, 2, 3}, 3);
		w.end();
		w.end();
		const Payload p = decoder.decode(w.bytes(), double(id), 1.0);
		ASSERT_EQ(p.devices.size(), 1u);
		ASSERT_EQ(p.devices[0].streams.at(0).values.sampleCount, 1u); // still decoded
	}
	const Summary s = decoder.summary();
	EXPECT_EQ(s.payloads, 6000u);
	EXPECT_EQ(s.streams.size(), 4096u);
}

// Found by fuzz-decode: a multi-sample stream whose second data KLV has as many fields as the
// first, but text where the first has a number (GPSF as 'L', then as 'u'), was appended to it,
// leaving fewer numbers than samples. Such a slot is now refused as a layout change.
TEST(FuzzRegression, ASlotWithTextWhereNumbersWereIsNotAppended)
{
	KlvWriter w;
	w.begin(FourCC("DEVC"));
	w.integers(FourCC("DVID"), 'L', {1});
	w.begin(FourCC("STRM"));
	w.integers(FourCC("GPSF"), 'L', {3});
	w.raw(FourCC("GPSF"), 'u', 4, 1, std::vector<std::uint8_t>{'F', 'u', 's', 'i'});
	w.end();
	w.end();
	const Payload p = decodePayload(w.bytes());
	ASSERT_EQ(p.devices.size(), 1u);
	const Stream &s = p.devices[0].streams.at(0);
	EXPECT_EQ(s.values.sampleCount, 1u);
	EXPECT_EQ(s.values.numbers.size(), 1u);
	EXPECT_TRUE(s.values.texts.empty());
	ASSERT_EQ(p.diagnostics.size(), 1u);
	EXPECT_EQ(p.diagnostics[0].code, Errc::BadSize);
	std::string json;
	writePayloadRecord(json, p);
	EXPECT_NE(json.find("\"samples\":[{\"v\":[3]}]"), std::string::npos) << json;
}
