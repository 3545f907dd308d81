// SPDX-License-Identifier: LGPL-2.1-or-later
// Writes the seed corpora into <dir>/decode, <dir>/header and <dir>/split:
// - from the real samples (read where they are, never copied into the repository): payloads of
//   the track dumps, the .raw files, the udta atoms of the MP4s and the settings GPMF blobs;
// - built with KlvWriter: layouts the samples lack (complex TYPEs, every type character, MTRX,
//   GPS9, grouped and nested streams, compressed data, HLMT HiLights, udta atoms).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gpmf/byte_reader.h"
#include "gpmf/klv_writer.h"
#include "support/mp4_writer.h"
#include "gpmf/track_splitter.h"

using namespace gpmf;

namespace {

using Bytes = std::vector<std::uint8_t>;

void put(const std::filesystem::path &dir, const std::string &name, const Bytes &bytes)
{
	std::filesystem::create_directories(dir);
	std::ofstream out(dir / name, std::ios::binary);
	out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
}

Bytes prefixed(std::uint8_t first, const Bytes &rest)
{
	Bytes out{first};
	out.insert(out.end(), rest.begin(), rest.end());
	return out;
}

void beginCamera(KlvWriter &w, std::int64_t id = 1, const char *name = "HERO8 Black")
{
	w.begin(FourCC("DEVC"));
	w.integers(FourCC("DVID"), 'L', {id});
	w.string(FourCC("DVNM"), name);
}

// IMU with ORIN/ORIO, SCAL, TSMP, STMP, TIMO, and a GYRO remapped by MTRX.
Bytes imuPayload(std::int64_t tsmp, std::uint64_t stmp)
{
	KlvWriter w;
	beginCamera(w);
	w.begin(FourCC("STRM"));
	w.integers(FourCC("STMP"), 'J', {std::int64_t(stmp)});
	w.integers(FourCC("TSMP"), 'L', {tsmp});
	w.string(FourCC("STNM"), "Accelerometer");
	w.string(FourCC("ORIN"), "ZXY");
	w.string(FourCC("ORIO"), "zxY");
	w.string(FourCC("SIUN"), "m/s\xb2");
	w.integers(FourCC("SCAL"), 's', {418});
	w.floats(FourCC("TMPC"), 'f', {41.5});
	w.floats(FourCC("TIMO"), 'f', {0.012});
	w.integers(FourCC("ACCL"), 's', {4100, -20, 300, 4101, -22, 298, 4099, -19, 301}, 3);
	w.end();
	w.begin(FourCC("STRM"));
	w.integers(FourCC("STMP"), 'J', {std::int64_t(stmp + 500)});
	w.integers(FourCC("TSMP"), 'L', {tsmp});
	w.string(FourCC("STNM"), "Gyroscope");
	w.floats(FourCC("MTRX"), 'f', {0, 1, 0, 1, 0, 0, 0, 0, -1});
	w.string(FourCC("SIUN"), "rad/s");
	w.integers(FourCC("SCAL"), 's', {939});
	w.integers(FourCC("GYRO"), 's', {10, 20, 30, -10, -20, -30, 5, 6, 7}, 3);
	w.end();
	w.end();
	return w.take();
}

// GPS5 with its sticky GPSU/GPSF/GPSP, and GPS9 as a TYPE-described complex struct.
Bytes gpsPayload()
{
	KlvWriter w;
	beginCamera(w, 1, "HERO11 Black");
	w.begin(FourCC("STRM"));
	w.integers(FourCC("TSMP"), 'L', {2});
	w.string(FourCC("STNM"), "GPS (Lat., Long., Alt., 2D speed, 3D speed)");
	w.integers(FourCC("GPSF"), 'L', {3});
	w.raw(FourCC("GPSU"), 'U', 16, 1, std::span(reinterpret_cast<const std::uint8_t *>("220920132938.299"), 16));
	w.integers(FourCC("GPSP"), 'S', {213});
	w.strings(FourCC("UNIT"), {"deg", "deg", "m", "m/s", "m/s"});
	w.integers(FourCC("SCAL"), 'l', {10000000, 10000000, 1000, 1000, 100});
	w.integers(FourCC("GPS5"), 'l', {331264969, -1173273542, -20184, 167, 19, 331264970, -1173273540, -20180, 168, 20}, 5);
	w.end();
	w.begin(FourCC("STRM"));
	w.integers(FourCC("TSMP"), 'L', {1});
	w.string(FourCC("STNM"), "GPS (Lat., Long., Alt., 2D, 3D, days, secs, DOP, fix)");
	w.strings(FourCC("UNIT"), {"deg", "deg", "m", "m/s", "m/s", "", "s", "", ""});
	w.integers(FourCC("SCAL"), 'l', {10000000, 10000000, 1000, 1000, 100, 1, 1000, 100, 1});
	w.string(FourCC("TYPE"), "lllllllSS");
	Bytes gps9;
	for (std::int64_t v : {331264969LL, -1173273542LL, -20184LL, 167LL, 19LL, 8298LL, 48578299LL})
		appendBe(gps9, std::uint64_t(v), 4);
	appendBe(gps9, 213, 2);
	appendBe(gps9, 3, 2);
	w.raw(FourCC("GPS9"), '?', std::uint8_t(gps9.size()), 1, gps9);
	w.end();
	w.end();
	return w.take();
}

// Multi-sample streams: FACE slots of several items (one empty), SCEN "Ff", HUES "BB", and a
// FACE nested with TICK/TOCK as HERO6 writes it.
Bytes groupedPayload()
{
	KlvWriter w;
	beginCamera(w, 1, "Hero7 Black");
	w.begin(FourCC("STRM"));
	w.string(FourCC("STNM"), "Face Coordinates and details");
	w.string(FourCC("TYPE"), "Lffffffffffffffffffffffff");
	w.integers(FourCC("SCAL"), 'l', {1});
	Bytes face;
	for (int i = 0; i < 25; i++)
		appendBe(face, i == 0 ? 7 : 0x3e800000u + std::uint64_t(i), 4);
	w.raw(FourCC("FACE"), '?', 100, 1, face);
	w.raw(FourCC("FACE"), '?', 100, 0, {});
	Bytes two = face;
	two.insert(two.end(), face.begin(), face.end());
	w.raw(FourCC("FACE"), '?', 100, 2, two);
	w.end();
	w.begin(FourCC("STRM"));
	w.string(FourCC("STNM"), "Scene classification[[CLASSIFIER_FOUR_CC,prob], ...]");
	w.string(FourCC("TYPE"), "Ff");
	Bytes scen;
	for (const char *c : {"SNOW", "URBA"}) {
		scen.insert(scen.end(), c, c + 4);
		appendBe(scen, 0x3f000000, 4);
	}
	w.raw(FourCC("SCEN"), '?', 8, 2, scen);
	w.raw(FourCC("SCEN"), '?', 8, 1, std::span(scen).first(8));
	w.end();
	w.begin(FourCC("STRM"));
	w.string(FourCC("TYPE"), "BB");
	w.raw(FourCC("HUES"), '?', 2, 3, Bytes{10, 200, 90, 30, 170, 2});
	w.end();
	w.begin(FourCC("STRM"));
	w.begin(FourCC("FACE"));
	w.integers(FourCC("TICK"), 'L', {1000});
	w.integers(FourCC("FACE"), 'S', {1, 100, 200, 50, 60}, 5);
	w.integers(FourCC("TOCK"), 'L', {1500});
	w.end();
	w.end();
	w.end();
	return w.take();
}

// Every type character once, fixed-width string arrays, "f[8]L" and "c[16]" in TYPE, a
// FourCC device id, and a compressed '#' KLV left undecoded.
Bytes typesPayload()
{
	KlvWriter w;
	w.begin(FourCC("DEVC"));
	w.fourccs(FourCC("DVID"), {FourCC("FOVL")});
	w.string(FourCC("DVNM"), "Lens");
	w.begin(FourCC("STRM"));
	w.integers(FourCC("b8b8"), 'b', {-128, 127}, 2);
	w.integers(FourCC("B8B8"), 'B', {0, 255}, 2);
	w.integers(FourCC("j64x"), 'j', {-1, 1LL << 62}, 1);
	w.integers(FourCC("J64x"), 'J', {0, 1LL << 53}, 1);
	w.floats(FourCC("dbl1"), 'd', {3.141592653589793, -0.0, 1e-310});
	w.raw(FourCC("q16x"), 'q', 4, 1, Bytes{0xff, 0xfe, 0x80, 0x00});
	w.raw(FourCC("Q32x"), 'Q', 8, 1, Bytes{0, 0, 0, 1, 0x80, 0, 0, 0});
	w.raw(FourCC("guid"), 'G', 16, 1, Bytes(16, 0xab));
	w.raw(FourCC("utf8"), 'u', 1, 6, Bytes{'c', 0xc3, 0xa9, 0xe2, 0x82, 0xac});
	w.strings(FourCC("UNIT"), {"deg", "m"});
	w.string(FourCC("TYPE"), "f[8]Lc[16]");
	Bytes complexData;
	for (int i = 0; i < 8; i++)
		appendBe(complexData, 0x40490fdb, 4);
	appendBe(complexData, 42, 4);
	const char label[16] = "label\xb0";
	complexData.insert(complexData.end(), label, label + 16);
	w.raw(FourCC("CMPX"), '?', std::uint8_t(complexData.size()), 1, complexData);
	w.end();
	w.begin(FourCC("STRM"));
	w.integers(FourCC("QUAN"), 'L', {1});
	w.raw(FourCC("ACCL"), '#', 4, 2, Bytes{'A', 'C', 'C', 'L', 's', 6, 0, 1});
	w.end();
	w.end();
	return w.take();
}

// Karma style: a second device with a big numeric id, per-field one-letter units, TYPE "JJ".
Bytes twoDevicePayload()
{
	KlvWriter w;
	beginCamera(w, 1, "Camera");
	w.begin(FourCC("STRM"));
	w.integers(FourCC("ISOG"), 'f', {100, 110});
	w.end();
	w.end();
	beginCamera(w, 16835857, "GoPro Karma v1.0");
	w.begin(FourCC("STRM"));
	w.string(FourCC("STNM"), "system time");
	w.string(FourCC("UNIT"), "ss");
	w.string(FourCC("TYPE"), "JJ");
	Bytes syst;
	appendBe(syst, 123456789, 8);
	appendBe(syst, 1490000000000ull, 8);
	w.raw(FourCC("SYST"), '?', 16, 1, syst);
	w.end();
	w.end();
	return w.take();
}

// udta GPMF box: global settings and HLMT HiLights (TYPE LLLllfFff, RMRK, SCAL).
Bytes settingsGpmf()
{
	KlvWriter w;
	beginCamera(w, 1, "Global Settings");
	w.string(FourCC("MINF"), "HERO8 Black");
	w.string(FourCC("FMWR"), "HD8.01.02.50.00");
	w.string(FourCC("CASN"), "C3301325048787");
	w.integers(FourCC("MUID"), 'L', {1, 2, 3, 4, 5, 6, 7, 8});
	w.string(FourCC("LINF"), "LAJ8052419610170");
	w.end();
	w.begin(FourCC("DEVC"));
	w.fourccs(FourCC("DVID"), {FourCC("HLMT")});
	w.string(FourCC("DVNM"), "Highlights");
	w.begin(FourCC("STRM"));
	w.string(FourCC("RMRK"), "struct: time_ms, in_ms, out_ms, lat, lon, alt, type, conf, score");
	w.string(FourCC("TYPE"), "LLLllfFff");
	w.floats(FourCC("SCAL"), 'f', {1, 1, 1, 1e7, 1e7, 1, 1, 1, 1});
	Bytes hlmt;
	for (std::uint32_t t : {1500u, 7250u}) {
		appendBe(hlmt, t, 4);
		appendBe(hlmt, t - 500, 4);
		appendBe(hlmt, t + 500, 4);
		appendBe(hlmt, 331264969, 4);
		appendBe(hlmt, std::uint64_t(std::uint32_t(-1173273542)), 4);
		appendBe(hlmt, 0x41200000, 4);
		hlmt.insert(hlmt.end(), {'M', 'A', 'N', 'L'});
		appendBe(hlmt, 0x42c80000, 4);
		appendBe(hlmt, 0x3f800000, 4);
	}
	w.raw(FourCC("HLMT"), '?', 36, 2, hlmt);
	w.end();
	w.end();
	return w.take();
}

Bytes atom(const char *type, const Bytes &body)
{
	Bytes out;
	appendBe(out, body.size() + 8, 4);
	out.insert(out.end(), type, type + 4);
	out.insert(out.end(), body.begin(), body.end());
	return out;
}

Bytes text(const char *s)
{
	return Bytes(s, s + std::char_traits<char>::length(s));
}

// The children of a moov/udta as a MAX writes them.
Bytes udtaAtoms()
{
	Bytes hmmt;
	appendBe(hmmt, 2, 4);
	appendBe(hmmt, 1500, 4);
	appendBe(hmmt, 9000, 4);
	hmmt.resize(hmmt.size() + 4 * 8, 0);
	Bytes muid;
	for (std::uint8_t i = 0; i < 32; i++)
		muid.push_back(i);
	Bytes xyz{0, 17, 0x15, 0xc7};
	const Bytes loc = text("+52.3700+004.8900/");
	xyz.insert(xyz.end(), loc.begin(), loc.end());
	Bytes all;
	for (const Bytes &a : {atom("FIRM", text("H19.03.01.30.00")), atom("LENS", text("LAJ9050339607283")),
			       atom("CAME", Bytes(16, 0x5a)), atom("\xa9xyz", xyz), atom("MUID", muid),
			       atom("HMMT", hmmt), atom("GPMF", settingsGpmf()), atom("free", Bytes(12, 0))})
		all.insert(all.end(), a.begin(), a.end());
	return all;
}

Bytes readFile(const std::filesystem::path &path)
{
	std::ifstream in(path, std::ios::binary);
	return Bytes(std::istreambuf_iterator<char>(in), {});
}

// The body of the first box of `type` among the boxes in `bytes` (ISO BMFF framing).
std::optional<std::span<const std::uint8_t>> findBox(std::span<const std::uint8_t> bytes, const char *type)
{
	while (bytes.size() >= 8) {
		std::uint64_t size = loadBe32(bytes.data());
		std::size_t header = 8;
		if (size == 1) {
			if (bytes.size() < 16)
				return std::nullopt;
			size = loadBe64(bytes.data() + 8);
			header = 16;
		} else if (size == 0) {
			size = bytes.size();
		}
		if (size < header || size > bytes.size())
			return std::nullopt;
		if (std::equal(type, type + 4, bytes.begin() + 4))
			return bytes.subspan(header, std::size_t(size) - header);
		bytes = bytes.subspan(std::size_t(size));
	}
	return std::nullopt;
}

// Each atom of a udta body, whole (size and type included), as qtdemux sends them.
std::vector<std::span<const std::uint8_t>> atomsOf(std::span<const std::uint8_t> udta)
{
	std::vector<std::span<const std::uint8_t>> atoms;
	while (udta.size() >= 8) {
		const std::uint32_t size = loadBe32(udta.data());
		if (size < 8 || size > udta.size())
			break;
		atoms.push_back(udta.first(size));
		udta = udta.subspan(size);
	}
	return atoms;
}

// Bigger inputs only slow the fuzzers down: the payloads repeat the same layout.
constexpr std::size_t kMaxSeed = 32 * 1024;
constexpr std::size_t kSeedsPerTrack = 24;

void samplesSeeds(const std::filesystem::path &root, const std::filesystem::path &samples)
{
	std::vector<std::filesystem::path> files;
	for (const auto &entry : std::filesystem::directory_iterator(samples))
		if (entry.is_regular_file())
			files.push_back(entry.path());
	std::sort(files.begin(), files.end());

	for (const auto &path : files) {
		const std::string name = path.filename().string();
		const std::string ext = path.extension().string();
		const Bytes bytes = readFile(path);
		if (name.find("udta") != std::string::npos || name.find("app6") != std::string::npos) {
			put(root / "header", name, prefixed(1, bytes));
			continue;
		}
		if (ext == ".mp4") {
			const auto moov = findBox(bytes, "moov");
			const auto udta = moov ? findBox(*moov, "udta") : std::nullopt;
			if (!udta) {
				std::fprintf(stderr, "fuzz-make-seeds: no moov/udta in %s\n", name.c_str());
				continue;
			}
			put(root / "mp4", name + "-moov", Bytes(moov->begin(), moov->end()));
			put(root / "header", name + "-udta", prefixed(0, Bytes(udta->begin(), udta->end())));
			for (const auto &a : atomsOf(*udta)) {
				std::string type(reinterpret_cast<const char *>(a.data()) + 4, 4);
				std::replace_if(type.begin(), type.end(), [](char c) { return c < 0x21 || c > 0x7e; }, '_');
				put(root / "header", name + "-atom-" + type, prefixed(0, Bytes(a.begin(), a.end())));
			}
			continue;
		}
		if (ext != ".raw" && ext != ".bin")
			continue;
		if (bytes.size() <= kMaxSeed) {
			put(root / "decode", name, prefixed(0, bytes));
			put(root / "split", name, bytes);
		}
		// Payloads spread over the track, with options varying from one to the next; and the
		// first payloads of the dump, whole, up to kMaxSeed, for the splitter.
		const SplitResult split = splitRawTrack(bytes);
		const std::size_t n = split.payloads.size();
		const std::size_t stride = std::max<std::size_t>(1, n / kSeedsPerTrack);
		static constexpr std::uint8_t kOptions[] = {0x00, 0x81, 0x1e, 0x01, 0x20, 0x9f};
		for (std::size_t i = 0, k = 0; i < n; i += stride, k++) {
			const auto &p = split.payloads[i].bytes;
			put(root / "decode", name + "-payload" + std::to_string(i),
			    prefixed(kOptions[k % std::size(kOptions)], Bytes(p.begin(), p.end())));
		}
		std::size_t end = 0;
		for (const auto &p : split.payloads) {
			if (p.offset + p.bytes.size() > kMaxSeed)
				break;
			end = p.offset + p.bytes.size();
		}
		if (end && end < bytes.size())
			put(root / "split", name + "-head", Bytes(bytes.begin(), bytes.begin() + std::ptrdiff_t(end)));
	}
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		std::fprintf(stderr, "usage: %s CORPUS_DIR [SAMPLES_DIR] (writes CORPUS_DIR/{decode,header,split,mp4})\n",
			     argv[0]);
		return 2;
	}
	const std::filesystem::path root(argv[1]);
	if (argc == 3) {
		if (!std::filesystem::is_directory(argv[2])) {
			std::fprintf(stderr, "fuzz-make-seeds: no samples folder %s\n", argv[2]);
			return 1;
		}
		samplesSeeds(root, argv[2]);
	}

	const std::vector<std::pair<std::string, Bytes>> payloads = {
		{"imu", imuPayload(3, 1000000)}, {"gps", gpsPayload()}, {"grouped", groupedPayload()},
		{"types", typesPayload()},       {"two-devices", twoDevicePayload()},
	};
	// Option byte 0: defaults; 0x81: raw and split records; 0x1e: filters and GPS limits.
	for (const auto &[name, bytes] : payloads) {
		put(root / "decode", "gen-" + name, prefixed(0x00, bytes));
		put(root / "decode", "gen-" + name + "-raw-split", prefixed(0x81, bytes));
		put(root / "decode", "gen-" + name + "-filtered", prefixed(0x1e, bytes));
	}

	// A track of IMU payloads one STMP second apart, then one with two devices per payload.
	Bytes track;
	for (int i = 0; i < 4; i++) {
		const Bytes p = imuPayload(3 * (i + 1), 1000000 + 1001000ull * std::uint64_t(i));
		track.insert(track.end(), p.begin(), p.end());
	}
	put(root / "split", "gen-imu-track", track);
	Bytes karma;
	for (int i = 0; i < 3; i++) {
		const Bytes p = twoDevicePayload();
		karma.insert(karma.end(), p.begin(), p.end());
	}
	put(root / "split", "gen-two-device-track", karma);

	// Small whole MP4 files: stco, co64, an edit list, udta atoms.
	for (int variant = 0; variant < 3; variant++) {
		Mp4Recording rec;
		for (int i = 0; i < 3; i++)
			rec.samples.push_back(Mp4Sample{imuPayload(3, 1000000 + 1001000ull * std::uint64_t(i)), 1001});
		rec.use64BitOffsets = variant == 1;
		rec.editListStart = variant == 2 ? 500 : 0;
		rec.udta.push_back({FourCC("FIRM"), text("HD7.01.01.70.00")});
		put(root / "mp4", "gen-mp4-" + std::to_string(variant), writeMp4(rec));
	}

	// Header modes (see fuzz_header.cpp): 0 atoms, 1 settings GPMF, 2 type + body.
	put(root / "header", "gen-udta-atoms", prefixed(0, udtaAtoms()));
	put(root / "header", "gen-settings", prefixed(1, settingsGpmf()));
	Bytes app6 = text("GoPro");
	app6.push_back(0);
	const Bytes settings = settingsGpmf();
	app6.insert(app6.end(), settings.begin(), settings.end());
	put(root / "header", "gen-app6", prefixed(1, app6));
	Bytes hmmt = text("HMMT");
	for (std::uint32_t v : {3u, 100u, 2000u, 30000u})
		appendBe(hmmt, v, 4);
	put(root / "header", "gen-hmmt", prefixed(2, hmmt));
	return 0;
}
