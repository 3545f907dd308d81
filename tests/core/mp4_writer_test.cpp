// SPDX-License-Identifier: GPL-2.0-or-later
// writeMp4: the box layout GoPro cameras use and sample tables that point at the payloads;
// the demo recording: GoPro-like payloads that decode cleanly and obey the physics of the ride.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpmf/decoder.h"
#include "support/demo.h"
#include "gpmf/header.h"
#include "gpmf/klv.h"
#include "support/mp4_writer.h"

using namespace gpmf;

namespace {

using Bytes = std::vector<std::uint8_t>;

std::uint64_t be(std::span<const std::uint8_t> b, std::size_t at, int bytes)
{
	std::uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = (v << 8) | b[at + i];
	return v;
}

/// One ISO BMFF box as found in the file: type, where it starts, and its body.
struct Box {
	FourCC type;
	std::size_t offset = 0; ///< of the box header in the file
	std::span<const std::uint8_t> body;
};

/// Walks sibling boxes of `bytes` (which starts at file offset `base`); fails the test on a
/// size that runs past the end.
std::vector<Box> boxes(std::span<const std::uint8_t> bytes, std::size_t base = 0)
{
	std::vector<Box> out;
	std::size_t pos = 0;
	while (pos + 8 <= bytes.size()) {
		std::uint64_t size = be(bytes, pos, 4);
		std::size_t header = 8;
		if (size == 1) {
			size = be(bytes, pos + 8, 8);
			header = 16;
		}
		EXPECT_GE(size, header) << "box at " << base + pos;
		EXPECT_LE(pos + size, bytes.size()) << "box at " << base + pos;
		if (size < header || pos + size > bytes.size())
			break;
		out.push_back({FourCC(static_cast<std::uint32_t>(be(bytes, pos + 4, 4))), base + pos,
			       bytes.subspan(pos + header, size - header)});
		pos += size;
	}
	EXPECT_EQ(pos, bytes.size()) << "trailing bytes after the last box";
	return out;
}

std::vector<FourCC> typesOf(const std::vector<Box> &list)
{
	std::vector<FourCC> t;
	for (const Box &b : list)
		t.push_back(b.type);
	return t;
}

std::string typesText(const std::vector<Box> &list)
{
	std::string s;
	for (const Box &b : list)
		s += b.type.str() + " ";
	return s;
}

std::optional<Box> child(const Box &parent, FourCC type, std::size_t skip = 0)
{
	for (const Box &b : boxes(parent.body.subspan(skip), parent.offset + 8 + skip))
		if (b.type == type)
			return b;
	return std::nullopt;
}

/// Follows a path such as {"moov", "trak", "mdia"} from the top level.
std::optional<Box> find(std::span<const std::uint8_t> file, std::initializer_list<FourCC> path)
{
	std::optional<Box> at;
	for (FourCC type : path) {
		if (!at) {
			for (const Box &b : boxes(file))
				if (b.type == type)
					at = b;
		} else {
			at = child(*at, type);
		}
		if (!at)
			return std::nullopt;
	}
	return at;
}

/// A box walker's view of the gpmd track's sample table.
struct SampleTable {
	std::vector<std::pair<std::uint32_t, std::uint32_t>> stts; ///< count, duration
	std::vector<std::uint32_t> sizes;
	std::vector<std::uint64_t> offsets;
	bool co64 = false;
};

SampleTable sampleTable(std::span<const std::uint8_t> file)
{
	SampleTable t;
	const auto stbl = find(file, {"moov", "trak", "mdia", "minf", "stbl"});
	EXPECT_TRUE(stbl);
	if (!stbl)
		return t;
	if (auto stts = child(*stbl, "stts")) {
		const std::size_t n = be(stts->body, 4, 4);
		for (std::size_t i = 0; i < n; i++)
			t.stts.emplace_back(be(stts->body, 8 + 8 * i, 4), be(stts->body, 12 + 8 * i, 4));
	}
	if (auto stsz = child(*stbl, "stsz")) {
		EXPECT_EQ(be(stsz->body, 4, 4), 0u) << "sizes differ, so the common size must be 0";
		const std::size_t n = be(stsz->body, 8, 4);
		for (std::size_t i = 0; i < n; i++)
			t.sizes.push_back(static_cast<std::uint32_t>(be(stsz->body, 12 + 4 * i, 4)));
	}
	if (auto stco = child(*stbl, "stco")) {
		const std::size_t n = be(stco->body, 4, 4);
		for (std::size_t i = 0; i < n; i++)
			t.offsets.push_back(be(stco->body, 8 + 4 * i, 4));
	}
	if (auto co64 = child(*stbl, "co64")) {
		t.co64 = true;
		const std::size_t n = be(co64->body, 4, 4);
		for (std::size_t i = 0; i < n; i++)
			t.offsets.push_back(be(co64->body, 8 + 8 * i, 8));
	}
	return t;
}

Mp4Recording threeSamples()
{
	Mp4Recording rec;
	rec.timescale = 1000;
	rec.samples.push_back({Bytes(20, 0xa1), 1001});
	rec.samples.push_back({Bytes(36, 0xb2), 1001});
	rec.samples.push_back({Bytes(8, 0xc3), 500});
	return rec;
}

} // namespace

TEST(Mp4Writer, TopLevelIsFtypMdatMoovLikeGoPro)
{
	const Bytes file = writeMp4(threeSamples());
	const auto top = boxes(file);
	ASSERT_EQ(typesOf(top), (std::vector<FourCC>{"ftyp", "mdat", "moov"})) << typesText(top);

	const auto &ftyp = top[0].body;
	ASSERT_EQ(ftyp.size(), 16u);
	EXPECT_EQ(FourCC(static_cast<std::uint32_t>(be(ftyp, 0, 4))), FourCC("mp41"));
	EXPECT_EQ(FourCC(static_cast<std::uint32_t>(be(ftyp, 8, 4))), FourCC("mp41"));
	EXPECT_EQ(FourCC(static_cast<std::uint32_t>(be(ftyp, 12, 4))), FourCC("isom"));

	// The payloads back to back in mdat.
	EXPECT_EQ(top[1].body.size(), 20u + 36u + 8u);
}

TEST(Mp4Writer, TrackIsTheGoProMetadataTrack)
{
	const Bytes file = writeMp4(threeSamples());

	const auto moov = find(file, {"moov"});
	ASSERT_TRUE(moov);
	EXPECT_EQ(typesOf(boxes(moov->body, moov->offset + 8)), (std::vector<FourCC>{"mvhd", "trak"}))
		<< "no udta box without atoms";

	const auto tkhd = find(file, {"moov", "trak", "tkhd"});
	ASSERT_TRUE(tkhd);
	EXPECT_EQ(be(tkhd->body, 0, 4) & 1, 1u) << "track enabled";
	EXPECT_EQ(be(tkhd->body, 12, 4), 1u) << "track id";

	const auto mdhd = find(file, {"moov", "trak", "mdia", "mdhd"});
	ASSERT_TRUE(mdhd);
	EXPECT_EQ(be(mdhd->body, 12, 4), 1000u) << "timescale";
	EXPECT_EQ(be(mdhd->body, 16, 4), 1001u + 1001u + 500u) << "duration";

	const auto hdlr = find(file, {"moov", "trak", "mdia", "hdlr"});
	ASSERT_TRUE(hdlr);
	EXPECT_EQ(FourCC(static_cast<std::uint32_t>(be(hdlr->body, 4, 4))), FourCC("mhlr"));
	EXPECT_EQ(FourCC(static_cast<std::uint32_t>(be(hdlr->body, 8, 4))), FourCC("meta"));
	const auto name = hdlr->body.subspan(24);
	ASSERT_FALSE(name.empty());
	EXPECT_EQ(name[0], name.size() - 1) << "a Pascal string, as GoPro writes it";
	EXPECT_EQ(std::string(name.begin() + 1, name.end()), "GoPro MET");

	EXPECT_TRUE(find(file, {"moov", "trak", "mdia", "minf", "gmhd", "gmin"}));
	EXPECT_TRUE(find(file, {"moov", "trak", "mdia", "minf", "gmhd", "gpmd"}));
	const auto dref = find(file, {"moov", "trak", "mdia", "minf", "dinf", "dref"});
	ASSERT_TRUE(dref);
	EXPECT_EQ(be(dref->body, 4, 4), 1u);
	const auto url = child(*dref, "url ", 8);
	ASSERT_TRUE(url);
	EXPECT_EQ(be(url->body, 0, 4), 1u) << "flag: data in this file";

	const auto stsd = find(file, {"moov", "trak", "mdia", "minf", "stbl", "stsd"});
	ASSERT_TRUE(stsd);
	EXPECT_EQ(be(stsd->body, 4, 4), 1u);
	const auto entry = child(*stsd, "gpmd", 8);
	ASSERT_TRUE(entry) << "the sample entry qtdemux maps to meta/x-gst-fourcc-gpmd";
	EXPECT_EQ(be(entry->body, 6, 2), 1u) << "data reference index";
}

TEST(Mp4Writer, SampleTablePointsAtThePayloads)
{
	const Mp4Recording rec = threeSamples();
	const Bytes file = writeMp4(rec);
	const SampleTable t = sampleTable(file);

	// Run-length durations: two of 1001, one of 500.
	EXPECT_EQ(t.stts, (std::vector<std::pair<std::uint32_t, std::uint32_t>>{{2, 1001}, {1, 500}}));
	EXPECT_EQ(t.sizes, (std::vector<std::uint32_t>{20, 36, 8}));
	EXPECT_FALSE(t.co64);
	ASSERT_EQ(t.offsets.size(), 3u);
	for (std::size_t i = 0; i < 3; i++) {
		ASSERT_LE(t.offsets[i] + t.sizes[i], file.size());
		EXPECT_TRUE(std::equal(rec.samples[i].data.begin(), rec.samples[i].data.end(),
				       file.begin() + t.offsets[i]))
			<< "sample " << i;
	}

	// One sample per chunk.
	const auto stsc = find(file, {"moov", "trak", "mdia", "minf", "stbl", "stsc"});
	ASSERT_TRUE(stsc);
	ASSERT_EQ(be(stsc->body, 4, 4), 1u);
	EXPECT_EQ(be(stsc->body, 8, 4), 1u);
	EXPECT_EQ(be(stsc->body, 12, 4), 1u);
	EXPECT_EQ(be(stsc->body, 16, 4), 1u);
}

TEST(Mp4Writer, SixtyFourBitOffsetsOnRequest)
{
	Mp4Recording rec = threeSamples();
	rec.use64BitOffsets = true;
	const Bytes file = writeMp4(rec);
	EXPECT_FALSE(find(file, {"moov", "trak", "mdia", "minf", "stbl", "stco"}));
	const SampleTable t = sampleTable(file);
	EXPECT_TRUE(t.co64);
	ASSERT_EQ(t.offsets.size(), 3u);
	for (std::size_t i = 0; i < 3; i++)
		EXPECT_TRUE(std::equal(rec.samples[i].data.begin(), rec.samples[i].data.end(),
				       file.begin() + t.offsets[i]));
}

TEST(Mp4Writer, EditListOnlyWhenAsked)
{
	Mp4Recording rec = threeSamples();
	EXPECT_FALSE(find(writeMp4(rec), {"moov", "trak", "edts"}));

	rec.editListStart = 300;
	const Bytes file = writeMp4(rec);
	const auto elst = find(file, {"moov", "trak", "edts", "elst"});
	ASSERT_TRUE(elst);
	ASSERT_EQ(be(elst->body, 4, 4), 1u);
	const std::uint64_t total = 1001 + 1001 + 500;
	EXPECT_EQ(be(elst->body, 8, 4), total - 300) << "segment duration";
	EXPECT_EQ(be(elst->body, 12, 4), 300u) << "media time";
	EXPECT_EQ(be(elst->body, 16, 4), 0x00010000u) << "rate 1.0";

	// The presentation is what the edit shows; the media keeps its full length.
	const auto mvhd = find(file, {"moov", "mvhd"});
	ASSERT_TRUE(mvhd);
	EXPECT_EQ(be(mvhd->body, 12, 4), 1000u);
	EXPECT_EQ(be(mvhd->body, 16, 4), total - 300);
	const auto tkhd = find(file, {"moov", "trak", "tkhd"});
	ASSERT_TRUE(tkhd);
	EXPECT_EQ(be(tkhd->body, 20, 4), total - 300);
	const auto mdhd = find(file, {"moov", "trak", "mdia", "mdhd"});
	ASSERT_TRUE(mdhd);
	EXPECT_EQ(be(mdhd->body, 16, 4), total);
}

TEST(Mp4Writer, UdtaAtomsComeAfterMvhdInOrder)
{
	Mp4Recording rec = threeSamples();
	const std::string firm = "HD7.01.01.70.00";
	rec.udta.emplace_back("FIRM", Bytes(firm.begin(), firm.end()));
	rec.udta.emplace_back("HMMT", Bytes{0, 0, 0, 1, 0, 0, 0x03, 0x20});

	const Bytes file = writeMp4(rec);
	const auto moov = find(file, {"moov"});
	ASSERT_TRUE(moov);
	const auto kids = boxes(moov->body, moov->offset + 8);
	EXPECT_EQ(typesOf(kids), (std::vector<FourCC>{"mvhd", "udta", "trak"})) << typesText(kids);

	const auto udta = find(file, {"moov", "udta"});
	ASSERT_TRUE(udta);
	const auto atoms = boxes(udta->body, udta->offset + 8);
	ASSERT_EQ(atoms.size(), 2u);
	EXPECT_EQ(atoms[0].type, FourCC("FIRM"));
	EXPECT_EQ(std::string(atoms[0].body.begin(), atoms[0].body.end()), firm);
	EXPECT_EQ(atoms[1].type, FourCC("HMMT"));
	EXPECT_EQ(Bytes(atoms[1].body.begin(), atoms[1].body.end()), rec.udta[1].second);

	// Adding atoms moves moov, never the payloads.
	const SampleTable t = sampleTable(file);
	ASSERT_EQ(t.offsets.size(), 3u);
	EXPECT_EQ(file[t.offsets[1]], 0xb2);
}

TEST(Mp4Writer, EmptyRecordingIsStillWellFormed)
{
	const Bytes file = writeMp4(Mp4Recording{});
	EXPECT_EQ(typesOf(boxes(file)), (std::vector<FourCC>{"ftyp", "mdat", "moov"}));
	const SampleTable t = sampleTable(file);
	EXPECT_TRUE(t.stts.empty());
	EXPECT_TRUE(t.sizes.empty());
	EXPECT_TRUE(t.offsets.empty());
}

/* ---------------------------------------------------------------------------------------------- */

namespace {

const Stream *findStream(const Payload &p, FourCC key)
{
	for (const Device &d : p.devices)
		for (const Stream &s : d.streams)
			if (s.key == key)
				return &s;
	return nullptr;
}

struct Decoded {
	Mp4Recording rec;
	std::vector<Payload> payloads;
};

Decoded decodeDemo(DemoCamera camera, double seconds = 60)
{
	Decoded d;
	DemoOptions o;
	o.camera = camera;
	o.seconds = seconds;
	d.rec = makeDemoRecording(o);
	for (const Mp4Sample &s : d.rec.samples)
		d.payloads.push_back(decodePayload(s.data));
	return d;
}

const DemoCamera kCameras[] = {DemoCamera::Hero5, DemoCamera::Hero7, DemoCamera::Hero8, DemoCamera::Hero11};

/// Seconds since 1970 of a GPSU text "yymmddhhmmss.sss".
double gpsuSeconds(const std::string &u)
{
	const auto num = [&](std::size_t at, std::size_t n) { return std::stoi(u.substr(at, n)); };
	int y = 2000 + num(0, 2), m = num(2, 2);
	const int d = num(4, 2);
	y -= m <= 2;
	const int era = y / 400, yoe = y - era * 400;
	const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const long days = era * 146097L + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
	return static_cast<double>(days) * 86400 + num(6, 2) * 3600 + num(8, 2) * 60 +
	       std::stod(u.substr(10));
}

} // namespace

TEST(DemoRecording, SixtyPayloadsOfOnePointZeroZeroOneSeconds)
{
	const Mp4Recording rec = makeDemoRecording();
	EXPECT_EQ(rec.timescale, 1000u);
	ASSERT_EQ(rec.samples.size(), 60u);
	for (const Mp4Sample &s : rec.samples)
		EXPECT_EQ(s.duration, 1001u);

	// A short request still gives whole payloads.
	DemoOptions o;
	o.seconds = 2.5;
	EXPECT_EQ(makeDemoRecording(o).samples.size(), 3u);
	// Nonsense lengths give the shortest recording rather than failing.
	o.seconds = -4;
	EXPECT_EQ(makeDemoRecording(o).samples.size(), 1u);
	o.seconds = std::nan("");
	EXPECT_EQ(makeDemoRecording(o).samples.size(), 1u);
}

TEST(DemoRecording, UdtaAtomsFollowTheCamera)
{
	auto keys = [](DemoCamera camera) {
		DemoOptions o;
		o.camera = camera;
		o.seconds = 1;
		std::vector<FourCC> k;
		for (const auto &atom : makeDemoRecording(o).udta)
			k.push_back(atom.first);
		return k;
	};
	// HERO5 had no settings GPMF box, only the HMMT list of manual tags.
	EXPECT_EQ(keys(DemoCamera::Hero5), (std::vector<FourCC>{"FIRM", "HMMT"}));
	EXPECT_EQ(keys(DemoCamera::Hero11), (std::vector<FourCC>{"FIRM", "GPMF", "HMMT"}));
}

TEST(DemoRecording, SameOptionsSameBytes)
{
	DemoOptions o;
	o.seconds = 5;
	EXPECT_EQ(writeMp4(makeDemoRecording(o)), writeMp4(makeDemoRecording(o)));
	DemoOptions other = o;
	other.seed = 2;
	EXPECT_NE(writeMp4(makeDemoRecording(o)), writeMp4(makeDemoRecording(other)));
}

TEST(DemoRecording, CameraNames)
{
	for (DemoCamera c : kCameras)
		EXPECT_EQ(demoCameraFromName(demoCameraName(c)), c);
	EXPECT_EQ(demoCameraFromName("HERO11"), DemoCamera::Hero11);
	EXPECT_FALSE(demoCameraFromName("hero9"));
	EXPECT_FALSE(demoCameraFromName(""));
}

TEST(DemoRecording, EveryLayoutDecodesWithoutDiagnostics)
{
	for (DemoCamera camera : kCameras) {
		SCOPED_TRACE(std::string(demoCameraName(camera)));
		const Decoded d = decodeDemo(camera, 20);
		for (std::size_t i = 0; i < d.payloads.size(); i++) {
			const Payload &p = d.payloads[i];
			for (const Diagnostic &diag : p.diagnostics)
				ADD_FAILURE() << "payload " << i << ": " << diag.message();
			EXPECT_TRUE(p.unsupported.empty()) << "payload " << i;
			ASSERT_EQ(p.devices.size(), 1u);
			EXPECT_EQ(p.devices[0].id, 1u);
			EXPECT_TRUE(findStream(p, "ACCL"));
			EXPECT_TRUE(findStream(p, "GYRO"));
			EXPECT_TRUE(findStream(p, "GPS5"));
		}
	}
}

TEST(DemoRecording, Hero11LayoutHasTheRealStreams)
{
	const Decoded d = decodeDemo(DemoCamera::Hero11, 3);
	const Payload &p = d.payloads[1];
	const FourCC all[] = {"ACCL", "GYRO", "SHUT", "WBAL", "WRGB", "ISOE", "YAVG",
			      "UNIF", "SCEN", "HUES", "FACE", "GPS5", "GPS9", "CORI",
			      "IORI", "GRAV", "WNDM", "MWET", "AALP", "MSKP", "LSKP"};
	for (FourCC key : all)
		EXPECT_TRUE(findStream(p, key)) << key.str();

	const Stream *accl = findStream(p, "ACCL");
	ASSERT_TRUE(accl);
	EXPECT_EQ(accl->units, std::vector<std::string>{"m/s\u00b2"}) << "SIUN in Latin-1 comes out as UTF-8";
	EXPECT_TRUE(accl->stmp.has_value());

	// Multi-sample streams: one slot per data KLV, a third of the frame rate for SCEN.
	const Stream *scen = findStream(p, "SCEN");
	ASSERT_TRUE(scen);
	EXPECT_EQ(scen->slotSizes, std::vector<std::uint32_t>(10, 6));
	const Stream *face = findStream(p, "FACE");
	ASSERT_TRUE(face);
	EXPECT_EQ(face->slotCount(), 15u) << "FACE at half the frame rate";

	// Frame-locked streams: 30 frames in each 1.001 s payload at 29.97 fps.
	const FourCC frameLocked[] = {"SHUT", "ISOE", "CORI", "IORI", "GRAV"};
	for (FourCC key : frameLocked) {
		const Stream *s = findStream(p, key);
		ASSERT_TRUE(s) << key.str();
		EXPECT_EQ(s->slotCount(), 30u) << key.str();
		EXPECT_EQ(s->tsmp.value_or(0), 60u) << key.str();
	}
}

TEST(DemoRecording, ImuCountsJitterLikeARealCamera)
{
	const Decoded d = decodeDemo(DemoCamera::Hero11);
	const DemoTruth truth = demoTruth();
	std::vector<std::size_t> counts;
	std::uint64_t total = 0;
	for (const Payload &p : d.payloads) {
		const Stream *accl = findStream(p, "ACCL");
		ASSERT_TRUE(accl);
		counts.push_back(accl->values.sampleCount);
		total += accl->values.sampleCount;
		ASSERT_TRUE(accl->tsmp);
		EXPECT_EQ(*accl->tsmp, total) << "TSMP counts every sample so far";
		EXPECT_EQ(findStream(p, "GYRO")->values.sampleCount, accl->values.sampleCount);
	}
	const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
	EXPECT_GE(*lo, 195u);
	EXPECT_LE(*hi, 206u);
	EXPECT_GE(*hi - *lo, 2u) << "counts vary from payload to payload (199, 202, 201...)";

	// On average the counts follow the true rate, which is not exactly 200 Hz.
	const double duration = static_cast<double>(d.payloads.size()) * truth.payloadDuration;
	EXPECT_NEAR(static_cast<double>(total) / duration, truth.imuRate, 0.1);
	EXPECT_NE(truth.imuRate, 200.0);
}

TEST(DemoRecording, AccelerometerReadsGravityOnTheVerticalAxis)
{
	// Whatever the layout (ORIN only, MTRX, or HERO5's fixed Z,X,Y order), the decoded axes come
	// out as Z, X, Y and Z carries g·cos(pitch) on average, Y −g·sin(pitch).
	const DemoTruth truth = demoTruth();
	constexpr double g = 9.80665;
	for (DemoCamera camera : kCameras) {
		SCOPED_TRACE(std::string(demoCameraName(camera)));
		const Decoded d = decodeDemo(camera, 30);
		double sum[3] = {0, 0, 0};
		std::size_t n = 0;
		for (const Payload &p : d.payloads) {
			const Stream *accl = findStream(p, "ACCL");
			ASSERT_TRUE(accl);
			ASSERT_EQ(accl->values.numericFieldCount(), 3u);
			for (std::uint32_t s = 0; s < accl->values.sampleCount; s++, n++)
				for (int a = 0; a < 3; a++)
					sum[a] += accl->values.number(s, a);
		}
		ASSERT_GT(n, 5000u);
		EXPECT_NEAR(sum[0] / n, g * std::cos(truth.mountPitch), 0.1);
		EXPECT_NEAR(sum[1] / n, 0, 0.15);
		EXPECT_NEAR(sum[2] / n, -g * std::sin(truth.mountPitch), 0.25);
	}
}

TEST(DemoRecording, GyroMatchesOrientationAndCentripetalAcceleration)
{
	const Decoded d = decodeDemo(DemoCamera::Hero11);
	const DemoTruth truth = demoTruth();

	// Yaw from the gyro's vertical axis (Z, which the mount pitch shortens by cos p), integrated.
	double yaw = 0;
	double fitNum = 0, fitDen = 0;
	for (const Payload &p : d.payloads) {
		const Stream *accl = findStream(p, "ACCL");
		const Stream *gyro = findStream(p, "GYRO");
		const Stream *gps = findStream(p, "GPS9");
		ASSERT_TRUE(accl && gyro && gps);
		ASSERT_GT(gps->values.sampleCount, 0u);
		ASSERT_EQ(accl->values.sampleCount, gyro->values.sampleCount);
		const double speed = gps->values.number(0, 3); /* 2D speed, m/s */
		for (std::uint32_t s = 0; s < gyro->values.sampleCount; s++) {
			const double rate = gyro->values.number(s, 0) / std::cos(truth.mountPitch);
			yaw += rate / truth.imuRate;
			// A left turn (positive yaw rate) pushes the accelerometer's X towards the left
			// (negative).
			const double centripetal = speed * rate;
			fitNum += -accl->values.number(s, 1) * centripetal;
			fitDen += centripetal * centripetal;
		}
	}
	EXPECT_NEAR(fitNum / fitDen, 1.0, 0.1) << "lateral acceleration = speed × yaw rate";

	// CORI at the last frame: the heading change since the start, about the vertical axis.
	const Stream *cori = findStream(d.payloads.back(), "CORI");
	ASSERT_TRUE(cori);
	const std::uint32_t last = cori->values.sampleCount - 1;
	const double w = cori->values.number(last, 0), x = cori->values.number(last, 1),
		     y = cori->values.number(last, 2), z = cori->values.number(last, 3);
	EXPECT_NEAR(w * w + x * x + y * y + z * z, 1.0, 1e-3) << "a unit quaternion";
	const double heading = 2 * std::atan2(std::copysign(std::sqrt(x * x + y * y + z * z), y), w);
	EXPECT_GT(std::abs(heading), 0.2) << "the ride turns";
	EXPECT_NEAR(yaw, heading, 5 * std::numbers::pi / 180);
}

TEST(DemoRecording, GpsTrackIsARideAtCruisingSpeed)
{
	const Decoded d = decodeDemo(DemoCamera::Hero11);
	const DemoTruth truth = demoTruth();
	constexpr double kEarth = 6371000;

	std::vector<std::array<double, 3>> fixes; /* lat, lon, utc */
	double speedSum = 0;
	for (const Payload &p : d.payloads) {
		const Stream *gps9 = findStream(p, "GPS9");
		const Stream *gps5 = findStream(p, "GPS5");
		ASSERT_TRUE(gps9 && gps5);
		ASSERT_EQ(gps9->values.numericFieldCount(), 9u);
		ASSERT_EQ(gps9->values.sampleCount, gps5->values.sampleCount);
		for (std::uint32_t s = 0; s < gps9->values.sampleCount; s++) {
			const double utc =
				946684800.0 + gps9->values.number(s, 5) * 86400 + gps9->values.number(s, 6);
			fixes.push_back({gps9->values.number(s, 0), gps9->values.number(s, 1), utc});
			speedSum += gps9->values.number(s, 3);
			// GPS5 carries the same fix.
			EXPECT_NEAR(gps5->values.number(s, 0), gps9->values.number(s, 0), 1e-7);
			EXPECT_NEAR(gps5->values.number(s, 3), gps9->values.number(s, 3), 1e-3);
		}
		// GPSU is the UTC of the payload's first fix.
		const Property *gpsu = gps5->findSticky("GPSU");
		ASSERT_TRUE(gpsu);
		const double first =
			946684800.0 + gps9->values.number(0, 5) * 86400 + gps9->values.number(0, 6);
		EXPECT_NEAR(gpsuSeconds(gpsu->values.joinedText()), first, 1e-3);
	}
	ASSERT_GT(fixes.size(), 590u);

	// Starts where it says, at the UTC it says, 10 fixes a second.
	EXPECT_NEAR(fixes.front()[0], truth.startLat, 2e-5);
	EXPECT_NEAR(fixes.front()[1], truth.startLon, 3e-5);
	EXPECT_NEAR(fixes.front()[2], truth.startUtc, 0.1);
	EXPECT_NEAR((fixes.back()[2] - fixes.front()[2]) / static_cast<double>(fixes.size() - 1),
		    1 / truth.gpsRate, 1e-3);

	// Distance covered second by second agrees with the reported speed.
	double distance = 0;
	for (std::size_t i = 10; i < fixes.size(); i += 10) {
		const double dn = (fixes[i][0] - fixes[i - 10][0]) * std::numbers::pi / 180 * kEarth;
		const double de = (fixes[i][1] - fixes[i - 10][1]) * std::numbers::pi / 180 * kEarth *
				  std::cos(fixes[i][0] * std::numbers::pi / 180);
		distance += std::hypot(dn, de);
	}
	const double span = fixes[(fixes.size() - 1) / 10 * 10][2] - fixes.front()[2];
	const double meanSpeed = speedSum / static_cast<double>(fixes.size());
	EXPECT_NEAR(distance / span, meanSpeed, 0.05 * meanSpeed);
	EXPECT_GT(meanSpeed, 0.75 * truth.cruiseSpeed);
	EXPECT_LT(meanSpeed, 1.05 * truth.cruiseSpeed);
}

TEST(DemoRecording, HiLightsInHmmtAndSettingsAgree)
{
	const Mp4Recording rec = makeDemoRecording();
	const DemoTruth truth = demoTruth();
	Header header;
	for (const auto &[key, body] : rec.udta)
		addUdtaAtom(header, key, body);

	for (const Diagnostic &diag : header.diagnostics)
		ADD_FAILURE() << diag.message();
	EXPECT_EQ(header.firmware, "DEMO.01.00.00");
	EXPECT_NE(header.camera.find("demo"), std::string::npos) << header.camera;
	ASSERT_EQ(header.hilights.size(), 2u) << "HMMT and HLMT tags of the same moments merge";
	for (int i = 0; i < 2; i++) {
		EXPECT_NEAR(header.hilights[i].time, truth.hiLights[i], 1e-3);
		EXPECT_EQ(header.hilights[i].kind, "MANL");
		EXPECT_NEAR(header.hilights[i].lat, truth.startLat, 0.02);
		EXPECT_NEAR(header.hilights[i].lon, truth.startLon, 0.03);
	}
	EXPECT_GT(truth.hiLights[0], 0);
	EXPECT_LT(truth.hiLights[1], 60.06);
}

TEST(DemoRecording, WrittenFileIndexesEveryPayload)
{
	DemoOptions o;
	o.seconds = 10;
	const Mp4Recording rec = makeDemoRecording(o);
	const Bytes file = writeMp4(rec);
	const SampleTable t = sampleTable(file);
	ASSERT_EQ(t.offsets.size(), rec.samples.size());
	for (std::size_t i = 0; i < rec.samples.size(); i++) {
		EXPECT_EQ(t.sizes[i], rec.samples[i].data.size());
		const std::span<const std::uint8_t> payload(file.data() + t.offsets[i], t.sizes[i]);
		KlvWalker walker(payload);
		const auto devc = walker.next();
		ASSERT_TRUE(devc) << "payload " << i;
		EXPECT_EQ(devc->key, FourCC("DEVC"));
		EXPECT_EQ(kKlvHeaderSize + devc->data.size(), payload.size()) << "one DEVC fills the payload";
	}
}
