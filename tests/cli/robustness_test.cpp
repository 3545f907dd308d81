// SPDX-License-Identifier: GPL-2.0-or-later
// gpmf2json on bad inputs: missing, empty, not GoPro, truncated and corrupt files. Each gives
// exit 1 and a one-line "gpmf2json: FILE: reason", keeps what could be decoded, and does not
// stop the other inputs.

#include "cli_support.h"
#include "support/mp4_writer.h"
#include "gpmf/track_splitter.h"

using namespace gpmf::cli;

namespace {

// The ACCL samples of each payload record, to compare a damaged run with a clean one.
std::vector<Json> accl(const std::vector<Json> &records)
{
	std::vector<Json> out;
	for (const Json &p : recordsOfType(records, "payload"))
		out.push_back(findStream(p, "ACCL")["samples"]);
	return out;
}

bool sameValues(const Json &a, const Json &b)
{
	if (a.size() != b.size())
		return false;
	for (std::size_t k = 0; k < a.size(); k++)
		if (!(a[k]["v"] == b[k]["v"]))
			return false;
	return true;
}

} // namespace

TEST(BadInput, MissingFileFailsAndTheOthersComplete)
{
	GPMF_REQUIRE_SAMPLE(good, "karma.mp4");
	TempDir dir;
	const std::string missing = (dir / "GX019999.MP4").string();
	const Result r = run({ missing, good.string(), "-o", (dir / "out").string() });
	EXPECT_EQ(r.status, 1);
	EXPECT_EQ(r.err, "gpmf2json: " + missing + ": No such file or directory\n");
	EXPECT_FALSE(fs::exists(dir / "out" / "GX019999.ndjson")); // no empty output for it
	const auto records = parseNdjson(readText(dir / "out" / "karma.ndjson"));
	EXPECT_EQ(records.back()["payloads"].number(), 13);
}

TEST(BadInput, DirectoryEmptyAndTextFilesFail)
{
	TempDir dir;
	std::ofstream(dir / "empty.MP4").close();
	std::ofstream(dir / "notes.txt") << "not a GoPro file\n";
	fs::create_directory(dir / "folder.MP4");
	for (const auto &[file, reason] : std::vector<std::pair<std::string, std::string>>{
		     { "empty.MP4", "" }, { "notes.txt", "" }, { "folder.MP4", "Is a directory" } }) {
		const Result r = run({ (dir / file).string() });
		EXPECT_EQ(r.status, 1) << file;
		const auto errors = lines(r.err);
		ASSERT_FALSE(errors.empty()) << file;
		EXPECT_EQ(errors.back().rfind("gpmf2json: " + (dir / file).string() + ": ", 0), 0u) << r.err;
		EXPECT_NE(errors.back().find(reason), std::string::npos) << r.err;
	}
	// A raw dump of garbage: nothing decodable.
	const Result raw = run({ "-b", (dir / "notes.txt").string() });
	EXPECT_EQ(raw.status, 1);
	EXPECT_NE(raw.err.find("no GPMF telemetry found"), std::string::npos) << raw.err;
}

// Cut at 50%, a GoPro MP4 has lost its moov (written last). The payloads recorded before the
// cut are still in mdat: they are found by scanning, and their samples are those of the full
// file's first payloads (times are estimated: the index that held them is gone).
TEST(BadInput, TruncatedMp4KeepsThePayloadsBeforeTheCut)
{
	GPMF_REQUIRE_SAMPLE(mp4, "hero7.mp4");
	TempDir dir;
	const auto bytes = gpmf::test::readFile(mp4);
	writeBytes(dir / "GX010007.MP4", std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + long(bytes.size() / 2)));
	const Result r = run({ (dir / "GX010007.MP4").string() });
	EXPECT_EQ(r.status, 1);
	EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
	EXPECT_EQ(r.err.rfind("gpmf2json: " + (dir / "GX010007.MP4").string() + ": truncated MP4: no moov box", 0), 0u)
		<< r.err;
	const auto partial = accl(parseNdjson(r.out));
	const auto full = accl(parseNdjson(run({ mp4.string() }).out));
	ASSERT_EQ(full.size(), 11u);
	EXPECT_GE(partial.size(), 4u);
	EXPECT_LT(partial.size(), full.size());
	for (std::size_t i = 0; i < partial.size(); i++)
		EXPECT_TRUE(sameValues(partial[i], full[i])) << "payload " << i;
}

// A dump cut inside a payload: the payloads before it are whole, and the cut one is decoded
// as far as it goes, with its diagnostics.
TEST(BadInput, TruncatedDumpKeepsWholePayloadsAndSaysWhatWasLost)
{
	GPMF_REQUIRE_SAMPLE(bin, "hero5-track.bin");
	TempDir dir;
	const auto bytes = gpmf::test::readFile(bin);
	const auto split = gpmf::splitRawTrack(bytes);
	ASSERT_EQ(split.payloads.size(), 34u);
	const std::size_t cut = split.payloads[20].offset + split.payloads[20].bytes.size() / 2;
	writeBytes(dir / "cut.bin", std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + long(cut)));
	const Result r = run({ "-b", (dir / "cut.bin").string() });
	EXPECT_EQ(r.status, 1);
	EXPECT_NE(r.err.find("cut.bin: warning:"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("the outputs hold the rest"), std::string::npos) << r.err;
	const auto partial = accl(parseNdjson(r.out));
	const auto full = accl(parseNdjson(run({ "-b", bin.string() }).out));
	ASSERT_GE(partial.size(), 20u);
	for (std::size_t i = 0; i < 20; i++)
		EXPECT_TRUE(sameValues(partial[i], full[i])) << "payload " << i;
}

// Garbage over the DEVC header of payload 9: that payload is skipped with a warning, the 33
// others are decoded as in the clean file.
TEST(BadInput, CorruptDumpSkipsTheDamagedPayloadOnly)
{
	GPMF_REQUIRE_SAMPLE(bin, "hero5-track.bin");
	TempDir dir;
	auto bytes = gpmf::test::readFile(bin);
	const std::size_t at = gpmf::splitRawTrack(bytes).payloads[9].offset;
	for (std::size_t i = 0; i < 8; i++)
		bytes[at + i] = 0xff;
	writeBytes(dir / "corrupt.bin", bytes);
	const Result r = run({ "-b", (dir / "corrupt.bin").string() });
	EXPECT_EQ(r.status, 1);
	EXPECT_NE(r.err.find("corrupt.bin: warning: Corrupt GPMF data skipped"), std::string::npos) << r.err;
	const auto records = parseNdjson(r.out);
	EXPECT_EQ(records.back()["payloads"].number(), 33);
	const auto partial = accl(records);
	const auto full = accl(parseNdjson(run({ "-b", bin.string() }).out));
	ASSERT_EQ(partial.size(), 33u);
	for (std::size_t i = 0; i < 33; i++)
		EXPECT_TRUE(sameValues(partial[i], full[i < 9 ? i : i + 1])) << "payload " << i;
}

TEST(BadOutput, UnwritableOutputFailsWithTheReason)
{
	GPMF_REQUIRE_SAMPLE(bin, "hero5-track.bin");
	TempDir dir;
	Result r = run({ "-b", bin.string(), "-o", (dir / "no" / "such" / "x.ndjson").string() });
	EXPECT_EQ(r.status, 1);
	EXPECT_NE(r.err.find("x.ndjson: No such file or directory"), std::string::npos) << r.err;
	r = run({ "-b", bin.string(), "-o", "/dev/full" });
	EXPECT_EQ(r.status, 1);
	EXPECT_NE(r.err.find("/dev/full: No space left on device"), std::string::npos) << r.err;
}

// Payloads decoded only in part say so on stderr, with their index and time: one cut short
// (its record ends with a diagnostic) and one whose ACCL is compressed, which this decoder leaves
// undecoded (its record ends with the "unsupported" list). The records keep what was decoded.
TEST(BadInput, PartlyDecodedPayloadsAreReportedWithTheirTime)
{
	GPMF_REQUIRE_SAMPLE(bin, "hero5-track.bin");
	TempDir dir;
	gpmf::Mp4Recording recording = recordingOfTrack(bin);
	recording.samples[3].data.resize(recording.samples[3].data.size() - 40);
	auto &fifth = recording.samples[5].data;
	const auto accl = std::search(fifth.begin(), fifth.end(), std::begin("ACCL"), std::end("ACCL") - 1);
	ASSERT_NE(accl, fifth.end());
	accl[4] = '#';
	writeBytes(dir / "GX010001.MP4", gpmf::writeMp4(recording));

	const Result r = run({ (dir / "GX010001.MP4").string() });
	EXPECT_EQ(r.status, 1);
	EXPECT_NE(r.err.find("payload 3 at 3.003 s: truncated"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("payload 5 at 5.005 s: unsupported"), std::string::npos) << r.err;
	const auto payloads = recordsOfType(parseNdjson(r.out), "payload");
	ASSERT_EQ(payloads.size(), 34u);
	EXPECT_TRUE(payloads[3].has("diagnostics"));
	EXPECT_TRUE(payloads[5].has("unsupported"));
	EXPECT_TRUE(findStream(payloads[5], "GYRO").has("samples"));
	EXPECT_FALSE(payloads[4].has("diagnostics"));
}
