// SPDX-License-Identifier: GPL-2.0-or-later
// Recording metadata from udta atoms and settings GPMF, checked against real GoPro files.
#include "gpmf/header.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpmf/klv_writer.h"
#include "gpmf/records.h"
#include "samples.h"

namespace {

using gpmf::FourCC;
using gpmf::Header;
using Bytes = std::vector<std::uint8_t>;

void putBe32(Bytes &out, std::uint32_t v)
{
	for (int shift = 24; shift >= 0; shift -= 8)
		out.push_back(std::uint8_t(v >> shift));
}

void putBe64(Bytes &out, std::uint64_t v)
{
	putBe32(out, std::uint32_t(v >> 32));
	putBe32(out, std::uint32_t(v));
}

Bytes bytesOf(std::string_view s)
{
	return Bytes(s.begin(), s.end());
}

// A whole atom as qtdemux hands it over: 32-bit size, type, body.
Bytes atom(std::string_view type, const Bytes &body)
{
	Bytes out;
	putBe32(out, std::uint32_t(8 + body.size()));
	out.insert(out.end(), type.begin(), type.end());
	out.insert(out.end(), body.begin(), body.end());
	return out;
}

// HMMT as the camera writes it: count, the times, then zeroed slots up to `slots`.
Bytes hmmt(std::initializer_list<std::uint32_t> ms, std::uint32_t slots = 100, std::uint32_t count = ~0u)
{
	Bytes body;
	putBe32(body, count == ~0u ? std::uint32_t(ms.size()) : count);
	for (std::uint32_t t : ms)
		putBe32(body, t);
	body.resize(4 + 4 * slots, 0);
	return atom("HMMT", body);
}

// One GPMF KLV, padded to 32 bits.
Bytes klv(std::string_view key, char type, std::uint8_t structSize, std::uint16_t repeat, const Bytes &data)
{
	Bytes out(key.begin(), key.end());
	out.push_back(std::uint8_t(type));
	out.push_back(structSize);
	out.push_back(std::uint8_t(repeat >> 8));
	out.push_back(std::uint8_t(repeat));
	out.insert(out.end(), data.begin(), data.end());
	out.resize(out.size() + (4 - data.size() % 4) % 4, 0);
	return out;
}

Bytes concat(std::initializer_list<Bytes> parts)
{
	Bytes out;
	for (const Bytes &p : parts)
		out.insert(out.end(), p.begin(), p.end());
	return out;
}

// A settings box holding one DVID 1 device with a MINF model name.
Bytes settingsWithModel(std::string_view model)
{
	Bytes dvid;
	putBe32(dvid, 1);
	const Bytes inner = concat({ klv("DVID", 'L', 4, 1, dvid),
				     klv("DVNM", 'c', 1, 15, bytesOf("Global Settings")),
				     klv("MINF", 'c', 1, std::uint16_t(model.size()), bytesOf(model)) });
	return klv("DEVC", 0, 1, std::uint16_t(inner.size()), inner);
}

void putFloat(Bytes &out, float f)
{
	putBe32(out, std::bit_cast<std::uint32_t>(f));
}

// A "Highlights" device with one HLMT sample laid out as HERO7+ write it.
Bytes hlmtDevice(std::uint32_t ms, std::int32_t lat1e7, std::int32_t lon1e7, float alt, std::string_view kind,
		 float confidence, float score)
{
	Bytes scal;
	for (std::int32_t v : { 1, 1, 1, 10000000, 10000000, 1, 1, 1, 1 })
		putBe32(scal, std::uint32_t(v));
	Bytes sample;
	putBe32(sample, ms);
	putBe32(sample, ms - 500);
	putBe32(sample, ms + 500);
	putBe32(sample, std::uint32_t(lat1e7));
	putBe32(sample, std::uint32_t(lon1e7));
	putFloat(sample, alt);
	sample.insert(sample.end(), kind.begin(), kind.end());
	putFloat(sample, confidence);
	putFloat(sample, score);
	const Bytes strm = concat({ klv("TYPE", 'c', 9, 1, bytesOf("LLLllfFff")), klv("SCAL", 'l', 4, 9, scal),
				    klv("HLMT", '?', 36, 1, sample) });
	const Bytes inner = concat({ klv("DVID", 'F', 4, 1, bytesOf("HLMT")), klv("DVNM", 'c', 1, 10, bytesOf("Highlights")),
				     klv("STRM", 0, 1, std::uint16_t(strm.size()), strm) });
	return klv("DEVC", 0, 1, std::uint16_t(inner.size()), inner);
}

// The children of moov/udta of an MP4 file, each as a whole atom, found by a plain box walk.
std::vector<Bytes> udtaAtoms(const std::filesystem::path &path)
{
	const Bytes file = gpmf::test::readFile(path);
	struct Box {
		std::string type;
		std::size_t begin, bodyBegin, end;
	};
	auto children = [&](std::size_t begin, std::size_t end) {
		std::vector<Box> boxes;
		std::size_t pos = begin;
		while (end - pos >= 8) {
			const std::uint8_t *p = file.data() + pos;
			std::uint64_t size = (std::uint64_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
			std::size_t header = 8;
			if (size == 1 && end - pos >= 16) {
				size = 0;
				for (int i = 8; i < 16; ++i)
					size = (size << 8) | p[i];
				header = 16;
			} else if (size == 0) {
				size = end - pos;
			}
			if (size < header || size > end - pos)
				break;
			boxes.push_back({ std::string(reinterpret_cast<const char *>(p + 4), 4), pos, pos + header,
					  pos + std::size_t(size) });
			pos += std::size_t(size);
		}
		return boxes;
	};

	std::vector<Bytes> atoms;
	for (const Box &moov : children(0, file.size())) {
		if (moov.type != "moov")
			continue;
		for (const Box &udta : children(moov.bodyBegin, moov.end)) {
			if (udta.type != "udta")
				continue;
			for (const Box &child : children(udta.bodyBegin, udta.end))
				atoms.emplace_back(file.begin() + child.begin, file.begin() + child.end);
		}
	}
	return atoms;
}

Header headerOfMp4(const std::filesystem::path &path)
{
	Header header;
	const std::vector<Bytes> atoms = udtaAtoms(path);
	EXPECT_FALSE(atoms.empty()) << "no moov/udta children in " << path;
	for (const Bytes &a : atoms)
		EXPECT_TRUE(gpmf::addUdtaAtomBytes(header, a));
	return header;
}

const std::string *findAtom(const Header &header, const std::string &key)
{
	for (const auto &[k, v] : header.atoms) {
		if (k == key)
			return &v;
	}
	return nullptr;
}

// The "KEY - Description: value" lines of an exiftool -GoPro:all output.
std::map<std::string, std::string> exiftoolValues(const std::filesystem::path &path)
{
	std::map<std::string, std::string> values;
	std::ifstream in(path);
	std::string line;
	while (std::getline(in, line)) {
		const std::size_t bracket = line.find("] ");
		const std::size_t colon = line.find(": ");
		if (bracket == std::string::npos || colon == std::string::npos || colon < bracket)
			continue;
		const std::string key = line.substr(bracket + 2, 4);
		values.emplace(key, line.substr(colon + 2));
	}
	return values;
}

} // namespace

// --- Real MP4 files: every udta child of moov, as qtdemux would send it. ---

// Firmware strings are from SOURCES.md. The other expected values were read with a Python
// walk over moov/udta (struct.unpack of the atom headers), and over the udta GPMF box as KLV
// (8-byte header: key, type, struct size, BE16 repeat; data padded to 4 bytes).
TEST(HeaderMp4, Hero7HasFirmwareModelLensLocationAndSettings)
{
	GPMF_REQUIRE_SAMPLE(path, "hero7.mp4");
	const Header header = headerOfMp4(path);

	EXPECT_EQ(header.firmware, "HD7.01.01.70.00");
	EXPECT_EQ(header.camera, "HERO7 Black");    // GPMF MINF
	EXPECT_EQ(header.serial, "C3281324500963"); // GPMF CASN
	EXPECT_EQ(header.lens, "LAJ8051935600462"); // LENS atom, NUL padded to 48 bytes

	// ©xyz: BE16 length 18, BE16 language 0x15c7, then ISO 6709 text.
	const std::string *xyz = findAtom(header, "\xc2\xa9xyz");
	ASSERT_NE(xyz, nullptr);
	EXPECT_EQ(*xyz, "+33.1268-117.3274/");
	const std::string *came = findAtom(header, "CAME");
	ASSERT_NE(came, nullptr);
	EXPECT_EQ(*came, "5f868fe0899aa39083f25bfba6e72a95");
	const std::string *sett = findAtom(header, "SETT");
	ASSERT_NE(sett, nullptr);
	EXPECT_EQ(*sett, "a510000c0010310000000000");
	EXPECT_EQ(findAtom(header, "free"), nullptr);
	EXPECT_EQ(findAtom(header, "FIRM"), nullptr); // shown as firmware, not again as an atom

	// The MUID atom holds the camera's uint32[8] little-endian; its first four words are the
	// big-endian MUID of the GPMF box (e08f865f 90a39a89 fb5bf283 952ae7a6 there).
	ASSERT_EQ(header.mediaUid.size(), 64u);
	EXPECT_EQ(header.mediaUid.substr(0, 32), "e08f865f90a39a89fb5bf283952ae7a6");

	ASSERT_EQ(header.settings.size(), 2u); // "Video Global Settings" and an empty "Highlights"
	EXPECT_EQ(header.settings[0].id, 1u);
	EXPECT_EQ(header.settings[0].name, "Video Global Settings");
	EXPECT_EQ(header.settings[1].idText, "HLMT");
	// HMMT count is 0 and the HLMT device has no stream in this clip.
	EXPECT_TRUE(header.hilights.empty());
	EXPECT_TRUE(header.diagnostics.empty());
}

TEST(HeaderMp4, KarmaHasNoGpmfBoxSoTheModelComesFromFirm)
{
	GPMF_REQUIRE_SAMPLE(path, "karma.mp4");
	const Header header = headerOfMp4(path);

	EXPECT_EQ(header.firmware, "HD5.02.02.00.00");
	EXPECT_EQ(header.camera, "HERO5 Black");
	EXPECT_EQ(header.lens, "LAE6101112400243");
	EXPECT_TRUE(header.serial.empty());
	EXPECT_TRUE(header.settings.empty());
	EXPECT_TRUE(header.hilights.empty());
	// AMBA is a 120-byte binary blob: too large to show.
	EXPECT_EQ(findAtom(header, "AMBA"), nullptr);
	const std::string *sett = findAtom(header, "SETT");
	ASSERT_NE(sett, nullptr);
	EXPECT_EQ(*sett, "e20000000000584100000000");
	// MUID bytes 2a bb 85 c6 ... read as little-endian words.
	EXPECT_EQ(header.mediaUid.substr(0, 16), "c685bb2ace12e896");
}

TEST(HeaderMp4, MaxHasModelSerialAndLensDevices)
{
	GPMF_REQUIRE_SAMPLE(path, "max-heromode.mp4");
	const Header header = headerOfMp4(path);

	EXPECT_EQ(header.firmware, "H19.03.01.30.00");
	EXPECT_EQ(header.camera, "GoPro Max");
	EXPECT_EQ(header.serial, "C3353424500199");
	EXPECT_EQ(header.lens, "C33632245042171");
	EXPECT_EQ(header.mediaUid.substr(0, 32), "98063a73a80cef545331877e443a9ba2");

	// Global Settings, then GEOC, BACK, FRNT and HLMT, in file order.
	ASSERT_EQ(header.settings.size(), 5u);
	EXPECT_EQ(header.settings[0].name, "Global Settings");
	EXPECT_EQ(header.settings[1].idText, "GEOC");
	EXPECT_EQ(header.settings[2].idText, "BACK");
	EXPECT_EQ(header.settings[3].idText, "FRNT");
	EXPECT_EQ(header.settings[4].idText, "HLMT");
	EXPECT_TRUE(header.hilights.empty());
	EXPECT_TRUE(header.diagnostics.empty());
}

// --- The udta GPMF box and JPEG APP6 on their own. ---

// Python KLV walk of hero7-udta-gpmf.raw: DEVC DVID 1 "Video Global Settings" whose STRM holds
// FMWR "HD7.01.01.90.00", CASN "C3281325934846", MINF "HERO7 Black", LINF "LAJ8101436601511",
// MUID L×8 60334976 f2d2208f 193c21ef f5167914 0 0 0 0; then DEVC DVID 'HLMT' "Highlights" with
// TSMP 3, TYPE "LLLllfFff", SCAL [1,1,1,1e7,1e7,1,1,1,1] and HLMT ?,36,3 whose samples unpack
// (">LLLllfIff") to (800,800,800,0,0,0.0,'MANL',100.0,100.0), (4720,...), (8480,...).
TEST(HeaderSettings, Hero7UdtaBoxGivesIdentityAndHiLights)
{
	GPMF_REQUIRE_SAMPLE(path, "hero7-udta-gpmf.raw");
	const Bytes box = gpmf::test::readFile(path);
	Header header;
	gpmf::addSettingsGpmf(header, box);

	EXPECT_EQ(header.firmware, "HD7.01.01.90.00");
	EXPECT_EQ(header.serial, "C3281325934846");
	EXPECT_EQ(header.camera, "HERO7 Black");
	EXPECT_EQ(header.lens, "LAJ8101436601511");
	EXPECT_EQ(header.mediaUid, "60334976f2d2208f193c21eff516791400000000000000000000000000000000");
	ASSERT_EQ(header.settings.size(), 2u);
	// The box is 25600 bytes of which 952 are used: the zero padding is not an error.
	EXPECT_TRUE(header.diagnostics.empty()) << header.diagnostics.front().message();

	ASSERT_EQ(header.hilights.size(), 3u);
	const double times[] = { 0.8, 4.72, 8.48 };
	for (std::size_t i = 0; i < 3; ++i) {
		const gpmf::HiLight &hl = header.hilights[i];
		EXPECT_DOUBLE_EQ(hl.time, times[i]);
		EXPECT_DOUBLE_EQ(hl.in, times[i]);
		EXPECT_DOUBLE_EQ(hl.out, times[i]);
		EXPECT_EQ(hl.kind, "MANL");
		EXPECT_DOUBLE_EQ(hl.confidence, 100);
		EXPECT_DOUBLE_EQ(hl.score, 100);
		EXPECT_DOUBLE_EQ(hl.lat, 0);
		EXPECT_DOUBLE_EQ(hl.lon, 0);
	}
}

TEST(HeaderSettings, Hero6PhotoApp6MatchesExiftool)
{
	GPMF_REQUIRE_SAMPLE(path, "hero6-photo-app6.raw");
	GPMF_REQUIRE_SAMPLE(expectedPath, "expected/exiftool/hero6-photo-app6.GoPro_2.out");
	const auto expected = exiftoolValues(expectedPath);
	ASSERT_EQ(expected.count("FMWR"), 1u);

	Header header;
	gpmf::addSettingsGpmf(header, gpmf::test::readFile(path));
	EXPECT_EQ(header.firmware, expected.at("FMWR"));
	EXPECT_EQ(header.serial, expected.at("CASN"));
	EXPECT_EQ(header.camera, expected.at("MINF"));
	EXPECT_EQ(header.lens, expected.at("LINF"));
	EXPECT_EQ(header.mediaUid, expected.at("MUID"));
	ASSERT_EQ(header.settings.size(), 1u);
	EXPECT_EQ(header.settings[0].name, expected.at("DVNM"));
	EXPECT_TRUE(header.hilights.empty());
}

TEST(HeaderSettings, App6TagBeforeTheGpmfIsSkipped)
{
	GPMF_REQUIRE_SAMPLE(path, "hero6-photo-app6.raw");
	Bytes segment = bytesOf(std::string_view("GoPro\0", 6));
	const Bytes gpmf = gpmf::test::readFile(path);
	segment.insert(segment.end(), gpmf.begin(), gpmf.end());
	Header header;
	gpmf::addSettingsGpmf(header, segment);
	EXPECT_EQ(header.firmware, "HD6.01.01.51.00");
}

TEST(HeaderSettings, SameBoxTwiceAddsNothingNew)
{
	GPMF_REQUIRE_SAMPLE(path, "hero7-udta-gpmf.raw");
	const Bytes box = gpmf::test::readFile(path);
	Header header;
	gpmf::addSettingsGpmf(header, box);
	gpmf::addSettingsGpmf(header, box);
	EXPECT_EQ(header.settings.size(), 2u);
	EXPECT_EQ(header.hilights.size(), 3u);
}

TEST(HeaderSettings, HlmtLocationIsScaledToDegrees)
{
	Header header;
	gpmf::addSettingsGpmf(header, hlmtDevice(12345, 471234560, -1225000000, 12.5f, "AIMU", 80.0f, 2.5f));
	ASSERT_EQ(header.hilights.size(), 1u);
	const gpmf::HiLight &hl = header.hilights[0];
	EXPECT_DOUBLE_EQ(hl.time, 12.345);
	EXPECT_DOUBLE_EQ(hl.in, 11.845);
	EXPECT_DOUBLE_EQ(hl.out, 12.845);
	EXPECT_NEAR(hl.lat, 47.123456, 1e-9);
	EXPECT_NEAR(hl.lon, -122.5, 1e-9);
	EXPECT_DOUBLE_EQ(hl.alt, 12.5);
	EXPECT_EQ(hl.kind, "AIMU");
	EXPECT_DOUBLE_EQ(hl.confidence, 80);
	EXPECT_DOUBLE_EQ(hl.score, 2.5);
	EXPECT_TRUE(header.camera.empty()); // a Highlights device does not name the camera
}

TEST(HeaderSettings, DeviceNameIsTheLastCameraFallback)
{
	Bytes dvid;
	putBe32(dvid, 1);
	const Bytes inner = concat({ klv("DVID", 'L', 4, 1, dvid), klv("DVNM", 'c', 1, 11, bytesOf("HERO7 Black")) });
	Header header;
	gpmf::addSettingsGpmf(header, klv("DEVC", 0, 1, std::uint16_t(inner.size()), inner));
	EXPECT_EQ(header.camera, "HERO7 Black");
	// "Global Settings" is what the settings device is called, not a camera.
	Header settings;
	const Bytes label = concat({ klv("DVID", 'L', 4, 1, dvid), klv("DVNM", 'c', 1, 15, bytesOf("Global Settings")) });
	gpmf::addSettingsGpmf(settings, klv("DEVC", 0, 1, std::uint16_t(label.size()), label));
	EXPECT_TRUE(settings.camera.empty());
	// A firmware prefix is a better name than a device name.
	gpmf::addUdtaAtom(header, FourCC("FIRM"), bytesOf("HD8.01.02.51.00"));
	EXPECT_EQ(header.camera, "HERO8 Black");
}

// --- HMMT: manual HiLights in a preallocated box. ---

TEST(HeaderHmmt, CountedTimesBecomeHiLightsInSeconds)
{
	Header header;
	ASSERT_TRUE(gpmf::addUdtaAtomBytes(header, hmmt({ 1500, 20250, 61001 })));
	ASSERT_EQ(header.hilights.size(), 3u);
	EXPECT_DOUBLE_EQ(header.hilights[0].time, 1.5);
	EXPECT_DOUBLE_EQ(header.hilights[1].time, 20.25);
	EXPECT_DOUBLE_EQ(header.hilights[2].time, 61.001);
	EXPECT_TRUE(header.hilights[0].kind.empty());
	EXPECT_EQ(header.hilights[0].in, -1);
	EXPECT_EQ(header.hilights[0].confidence, -1);
	EXPECT_TRUE(header.diagnostics.empty());
	EXPECT_TRUE(header.atoms.empty());
}

TEST(HeaderHmmt, ZeroCountGivesNoHiLights)
{
	Header header;
	ASSERT_TRUE(gpmf::addUdtaAtomBytes(header, hmmt({})));
	EXPECT_TRUE(header.hilights.empty());
}

TEST(HeaderHmmt, CountLargerThanTheBoxIsCapped)
{
	Header header;
	ASSERT_TRUE(gpmf::addUdtaAtomBytes(header, hmmt({ 1000, 2000 }, 2, 0xffffffffu - 1)));
	EXPECT_EQ(header.hilights.size(), 2u);
	ASSERT_EQ(header.diagnostics.size(), 1u);
	EXPECT_EQ(header.diagnostics[0].code, gpmf::Errc::BadSize);
}

TEST(HeaderHmmt, BoxWithoutCountIsReported)
{
	Header header;
	ASSERT_TRUE(gpmf::addUdtaAtomBytes(header, atom("HMMT", { 0, 0 })));
	EXPECT_TRUE(header.hilights.empty());
	ASSERT_EQ(header.diagnostics.size(), 1u);
	EXPECT_EQ(header.diagnostics[0].code, gpmf::Errc::Truncated);
}

TEST(HeaderHmmt, SameAtomTwiceIsOneSetOfHiLights)
{
	Header header;
	gpmf::addUdtaAtomBytes(header, hmmt({ 1500, 3000 }));
	gpmf::addUdtaAtomBytes(header, hmmt({ 1500, 3000 }));
	EXPECT_EQ(header.hilights.size(), 2u);
}

// HLMT times of hero7-udta-gpmf.raw are 800, 4720 and 8480 ms (see above).
TEST(HeaderHmmt, MergesWithHlmtWithinOneMillisecondInEitherOrder)
{
	GPMF_REQUIRE_SAMPLE(path, "hero7-udta-gpmf.raw");
	const Bytes box = gpmf::test::readFile(path);
	const Bytes manual = hmmt({ 800, 4721, 6000 });

	Header hmmtFirst;
	gpmf::addUdtaAtomBytes(hmmtFirst, manual);
	gpmf::addSettingsGpmf(hmmtFirst, box);
	Header gpmfFirst;
	gpmf::addSettingsGpmf(gpmfFirst, box);
	gpmf::addUdtaAtomBytes(gpmfFirst, manual);

	for (const Header *h : { &hmmtFirst, &gpmfFirst }) {
		ASSERT_EQ(h->hilights.size(), 4u);
		EXPECT_DOUBLE_EQ(h->hilights[0].time, 0.8);
		EXPECT_EQ(h->hilights[0].kind, "MANL");
		EXPECT_DOUBLE_EQ(h->hilights[1].time, 4.72);
		EXPECT_EQ(h->hilights[1].kind, "MANL");
		EXPECT_DOUBLE_EQ(h->hilights[2].time, 6.0);
		EXPECT_TRUE(h->hilights[2].kind.empty());
		EXPECT_DOUBLE_EQ(h->hilights[3].time, 8.48);
	}
}

// --- Plain atoms. ---

TEST(HeaderAtoms, TextAndSmallBinaryAtomsAreShownLargeBinaryOnesAreNot)
{
	Header header;
	ASSERT_TRUE(gpmf::addUdtaAtomBytes(header, atom("ABCD", bytesOf(std::string_view("hello\0\0\0", 8)))));
	ASSERT_TRUE(gpmf::addUdtaAtomBytes(header, atom("BIN1", Bytes(64, 0xab))));
	ASSERT_TRUE(gpmf::addUdtaAtomBytes(header, atom("BIN2", Bytes(65, 0xab))));
	ASSERT_TRUE(gpmf::addUdtaAtomBytes(header, atom("BCID", Bytes(36, 0))));

	ASSERT_NE(findAtom(header, "ABCD"), nullptr);
	EXPECT_EQ(*findAtom(header, "ABCD"), "hello");
	ASSERT_NE(findAtom(header, "BIN1"), nullptr);
	std::string abs;
	for (int i = 0; i < 64; ++i)
		abs += "ab";
	EXPECT_EQ(*findAtom(header, "BIN1"), abs);
	EXPECT_EQ(findAtom(header, "BIN2"), nullptr);
	ASSERT_NE(findAtom(header, "BCID"), nullptr);
	EXPECT_EQ(*findAtom(header, "BCID"), std::string(72, '0'));
}

TEST(HeaderAtoms, Latin1TextIsNotMistakenForUtf8)
{
	Header header;
	// "25\xb0" is Latin-1 for 25°; shown as hex rather than as invalid UTF-8.
	ASSERT_TRUE(gpmf::addUdtaAtomBytes(header, atom("TEMP", { '2', '5', 0xb0 })));
	ASSERT_NE(findAtom(header, "TEMP"), nullptr);
	EXPECT_EQ(*findAtom(header, "TEMP"), "3235b0");
	ASSERT_TRUE(gpmf::addUdtaAtomBytes(header, atom("UTF8", { '2', '5', 0xc2, 0xb0 })));
	EXPECT_EQ(*findAtom(header, "UTF8"), "25\xc2\xb0");
}

TEST(HeaderAtoms, CopyrightKeyIsUtf8)
{
	Header header;
	Bytes body = { 0x00, 0x05, 0x15, 0xc7 };
	const Bytes text = bytesOf("+1-2/");
	body.insert(body.end(), text.begin(), text.end());
	ASSERT_TRUE(gpmf::addUdtaAtomBytes(header, atom("\xa9nam", body)));
	ASSERT_EQ(header.atoms.size(), 1u);
	EXPECT_EQ(header.atoms[0].first, "\xc2\xa9nam");
	EXPECT_EQ(header.atoms[0].second, "+1-2/");
}

TEST(HeaderAtoms, RepeatedAtomReplacesItsValue)
{
	Header header;
	gpmf::addUdtaAtomBytes(header, atom("ABCD", bytesOf("one")));
	gpmf::addUdtaAtomBytes(header, atom("ABCD", bytesOf("two")));
	ASSERT_EQ(header.atoms.size(), 1u);
	EXPECT_EQ(header.atoms[0].second, "two");
}

TEST(HeaderAtoms, EmptyUntilSomethingIsAdded)
{
	Header header;
	EXPECT_TRUE(header.empty());
	gpmf::addUdtaAtomBytes(header, atom("free", Bytes(16, 0)));
	EXPECT_TRUE(header.empty());
	gpmf::addUdtaAtom(header, FourCC("FIRM"), bytesOf("HD7.01.01.70.00"));
	EXPECT_FALSE(header.empty());
}

// --- Camera name. ---

TEST(HeaderCamera, FirmwarePrefixNamesTheCamera)
{
	const std::pair<const char *, const char *> cases[] = {
		{ "HD5.02.02.00.00", "HERO5 Black" },  { "HD6.01.01.51.00", "HERO6 Black" },
		{ "HD7.01.01.70.00", "HERO7 Black" },  { "HD8.01.02.51.00", "HERO8 Black" },
		{ "HD9.01.01.72.00", "HERO9 Black" },  { "H19.03.01.30.00", "GoPro Max" },
		{ "H21.01.01.46.00", "HERO10 Black" }, { "H22.01.01.10.00", "HERO11 Black" },
		{ "H23.01.01.10.00", "HERO12 Black" }, { "H24.01.01.10.00", "HERO13 Black" },
	};
	for (const auto &[firmware, model] : cases) {
		Header header;
		gpmf::addUdtaAtom(header, FourCC("FIRM"), bytesOf(firmware));
		EXPECT_EQ(header.firmware, firmware);
		EXPECT_EQ(header.camera, model) << firmware;
	}
}

TEST(HeaderCamera, UnknownFirmwareLeavesTheCameraEmpty)
{
	Header header;
	gpmf::addUdtaAtom(header, FourCC("FIRM"), bytesOf("XYZ.01.01.00.00"));
	EXPECT_EQ(header.firmware, "XYZ.01.01.00.00");
	EXPECT_TRUE(header.camera.empty());
}

TEST(HeaderCamera, MinfWinsOverFirmwareInEitherOrder)
{
	const Bytes box = settingsWithModel("GoPro Max");
	Header firmFirst;
	gpmf::addUdtaAtom(firmFirst, FourCC("FIRM"), bytesOf("HD7.01.01.70.00"));
	gpmf::addSettingsGpmf(firmFirst, box);
	EXPECT_EQ(firmFirst.camera, "GoPro Max");

	Header gpmfFirst;
	gpmf::addSettingsGpmf(gpmfFirst, box);
	gpmf::addUdtaAtom(gpmfFirst, FourCC("FIRM"), bytesOf("HD7.01.01.70.00"));
	EXPECT_EQ(gpmfFirst.camera, "GoPro Max");
	EXPECT_EQ(gpmfFirst.firmware, "HD7.01.01.70.00");
}

// --- Hostile input: never crash, say what was wrong. ---

TEST(HeaderHostile, AtomShorterThanItsHeader)
{
	Header header;
	const Bytes bytes = { 0, 0, 0, 16, 'F', 'I' };
	EXPECT_FALSE(gpmf::addUdtaAtomBytes(header, bytes));
	EXPECT_FALSE(gpmf::addUdtaAtomBytes(header, {}));
	ASSERT_EQ(header.diagnostics.size(), 2u);
	EXPECT_EQ(header.diagnostics[0].code, gpmf::Errc::Truncated);
}

TEST(HeaderHostile, SizeLargerThanTheBytes)
{
	Header header;
	Bytes bytes = atom("FIRM", bytesOf("HD7.01.01.70.00"));
	bytes.pop_back();
	EXPECT_FALSE(gpmf::addUdtaAtomBytes(header, bytes));
	EXPECT_TRUE(header.firmware.empty());
	ASSERT_EQ(header.diagnostics.size(), 1u);
	EXPECT_EQ(header.diagnostics[0].code, gpmf::Errc::Truncated);
}

TEST(HeaderHostile, SizeSmallerThanTheHeader)
{
	Header header;
	Bytes bytes = atom("FIRM", bytesOf("HD7"));
	bytes[3] = 7;
	EXPECT_FALSE(gpmf::addUdtaAtomBytes(header, bytes));
	ASSERT_EQ(header.diagnostics.size(), 1u);
	EXPECT_EQ(header.diagnostics[0].code, gpmf::Errc::BadSize);
}

TEST(HeaderHostile, SizeZeroRunsToTheEndOfTheBytes)
{
	Header header;
	Bytes bytes = atom("FIRM", bytesOf("HD7.01.01.70.00"));
	bytes[3] = 0;
	EXPECT_TRUE(gpmf::addUdtaAtomBytes(header, bytes));
	EXPECT_EQ(header.firmware, "HD7.01.01.70.00");
}

TEST(HeaderHostile, LargeSize)
{
	const Bytes body = bytesOf("HD7.01.01.70.00");
	auto large = [&](std::uint64_t size) {
		Bytes out;
		putBe32(out, 1);
		out.insert(out.end(), { 'F', 'I', 'R', 'M' });
		putBe64(out, size);
		out.insert(out.end(), body.begin(), body.end());
		return out;
	};

	Header good;
	EXPECT_TRUE(gpmf::addUdtaAtomBytes(good, large(16 + body.size())));
	EXPECT_EQ(good.firmware, "HD7.01.01.70.00");

	Header tooLarge;
	EXPECT_FALSE(gpmf::addUdtaAtomBytes(tooLarge, large(~std::uint64_t(0))));
	EXPECT_FALSE(tooLarge.diagnostics.empty());

	Header tooSmall;
	EXPECT_FALSE(gpmf::addUdtaAtomBytes(tooSmall, large(12)));
	EXPECT_FALSE(tooSmall.diagnostics.empty());

	Header cut;
	const Bytes bytes = large(16 + body.size());
	EXPECT_FALSE(gpmf::addUdtaAtomBytes(cut, std::span(bytes).first(12)));
	EXPECT_TRUE(cut.firmware.empty());
}

TEST(HeaderHostile, GarbageGpmfBoxIsReported)
{
	Header header;
	Bytes garbage(256);
	for (std::size_t i = 0; i < garbage.size(); ++i)
		garbage[i] = std::uint8_t(i * 37 + 11);
	EXPECT_TRUE(gpmf::addUdtaAtomBytes(header, atom("GPMF", garbage)));
	EXPECT_FALSE(header.diagnostics.empty());
	EXPECT_TRUE(header.hilights.empty());
	EXPECT_TRUE(header.firmware.empty());
}

TEST(HeaderHostile, AllZeroGpmfBoxIsJustPadding)
{
	Header header;
	gpmf::addSettingsGpmf(header, Bytes(1024, 0));
	EXPECT_TRUE(header.empty());
}

TEST(HeaderHostile, TruncatedOrDamagedUdtaBoxNeverCrashes)
{
	GPMF_REQUIRE_SAMPLE(path, "hero7-udta-gpmf.raw");
	const Bytes box = gpmf::test::readFile(path);
	const std::size_t used = 952; // end of the last KLV (Python walk above)
	for (std::size_t cut = 0; cut < used; cut += 4) {
		Header header;
		gpmf::addSettingsGpmf(header, std::span(box).first(cut));
		EXPECT_LE(header.hilights.size(), 3u);
	}
	// Flip bytes one at a time across the used part (headers, sizes, TYPE, SCAL, samples).
	for (std::size_t i = 0; i < used; i += 3) {
		Bytes damaged = box;
		damaged[i] ^= 0xa5;
		Header header;
		gpmf::addSettingsGpmf(header, damaged);
		EXPECT_LE(header.hilights.size(), 3u);
		for (const gpmf::HiLight &hl : header.hilights)
			EXPECT_TRUE(std::isfinite(hl.time));
	}
}

namespace {

// A udta GPMF box: the Global Settings device with these numeric settings.
std::vector<std::uint8_t> settingsBox(std::initializer_list<std::pair<const char *, std::int64_t>> settings)
{
	gpmf::KlvWriter w;
	w.begin(gpmf::FourCC("DEVC"));
	w.integers(gpmf::FourCC("DVID"), 'L', {1});
	w.string(gpmf::FourCC("DVNM"), "Global Settings");
	for (const auto &[key, value] : settings)
		w.integers(*gpmf::FourCC::fromString(key), 'l', {value});
	w.end();
	return w.take();
}

} // namespace

TEST(HeaderSettings, TimeZoneAndCreationTimeAreTheCameraClock)
{
	gpmf::Header header;
	// 2024-05-18 11:41:07 on the camera's wall clock, in UTC+02:00.
	gpmf::addSettingsGpmf(header, settingsBox({{"TZON", 120}, {"CDAT", 1716032467}}));
	ASSERT_TRUE(header.timeZoneMinutes);
	EXPECT_EQ(*header.timeZoneMinutes, 120);
	ASSERT_TRUE(header.created);
	std::string json;
	gpmf::writeHeaderRecord(json, header);
	EXPECT_NE(json.find("\"time_zone\":120,\"created\":\"2024-05-18T11:41:07\""), std::string::npos) << json;
}

TEST(HeaderSettings, AnUnknownTimeZoneIsLeftOut)
{
	gpmf::Header header;
	gpmf::addSettingsGpmf(header, settingsBox({{"TZON", 32767}}));
	EXPECT_FALSE(header.timeZoneMinutes);
	std::string json;
	gpmf::writeHeaderRecord(json, header);
	EXPECT_EQ(json.find("time_zone"), std::string::npos) << json;
}

// The documentation's header tables: Global Settings (DVID 1) and the FOVL lens device.
TEST(SettingName, DocumentedKeysOfTheNewestCameras)
{
	EXPECT_EQ(gpmf::settingName(gpmf::FourCC("ZOOM")), "Digital zoom level");
	EXPECT_EQ(gpmf::settingName(gpmf::FourCC("TZON")), "Time zone (minutes east of UTC)");
	EXPECT_EQ(gpmf::settingName(gpmf::FourCC("CDAT")), "Creation time (local, seconds since 1970)");
	EXPECT_EQ(gpmf::settingName(gpmf::FourCC("LPID")), "Lens model");
	EXPECT_EQ(gpmf::settingName(gpmf::FourCC("FOCL")), "Lens focal length (mm)");
	EXPECT_EQ(gpmf::settingName(gpmf::FourCC("PRJT")), "Lens projection");
	EXPECT_EQ(gpmf::settingName(gpmf::FourCC("ZMPL")), "Zoom scale normalization");
	EXPECT_EQ(gpmf::settingName(gpmf::FourCC("MAPY")), "Lens Y mapping coefficients");
	EXPECT_EQ(gpmf::settingName(gpmf::FourCC("PWPR")), "Power profile");
	EXPECT_EQ(gpmf::settingName(gpmf::FourCC("ACCL")), ""); // a stream, not a setting
	EXPECT_EQ(gpmf::settingName(gpmf::FourCC("PVUL")), ""); // MAX writes it; undocumented
}
