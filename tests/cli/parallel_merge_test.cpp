// SPDX-License-Identifier: GPL-2.0-or-later
// gpmf2json with several inputs: -j N gives the outputs of -j 1, outputs are named after their
// inputs, and --merge joins a recording's chapter files into one timeline.

#include <map>

#include "cli_support.h"
#include "support/mp4_writer.h"
#include "gpmf/track_splitter.h"

using namespace gpmf::cli;

namespace {

std::map<std::string, std::string> folder(const fs::path &dir)
{
	std::map<std::string, std::string> files;
	for (const auto &e : fs::directory_iterator(dir))
		files[e.path().filename().string()] = readText(e.path());
	return files;
}

std::vector<std::uint8_t> text(const std::string &s)
{
	return std::vector<std::uint8_t>(s.begin(), s.end());
}

} // namespace

TEST(Parallel, TwoJobsWriteWhatOneJobWrites)
{
	std::vector<std::string> inputs;
	for (const char *s : { "karma.mp4", "hero7.mp4", "max-heromode.mp4", "hero5-track.bin", "hero11-track.bin" }) {
		GPMF_REQUIRE_SAMPLE(path, s);
		inputs.push_back(path.string());
	}
	TempDir dir;
	for (const char *jobs : { "1", "2" }) {
		std::vector<std::string> args = inputs;
		for (const char *a : { "--format", "json", "--gpx", "-j", jobs, "-o" })
			args.emplace_back(a);
		args.push_back((dir / (std::string("j") + jobs)).string());
		const Result r = run(args);
		ASSERT_EQ(r.status, 0) << r.err;
	}
	const auto one = folder(dir / "j1");
	EXPECT_EQ(one.size(), 10u);
	EXPECT_TRUE(one.count("hero11-track.json") && one.count("max-heromode.gpx"));
	EXPECT_TRUE(one == folder(dir / "j2"));
}

// One input and several threads: helpers write the records (gpmfparse threads), pushed in order.
TEST(Parallel, OneInputOnFourThreadsWritesWhatOneThreadWrites)
{
	TempDir dir;
	for (const char *s : { "karma.mp4", "hero11-track.bin" }) {
		GPMF_REQUIRE_SAMPLE(input, s);
		for (const char *interval : { "", "0.1" }) {
			std::string written[2];
			for (int k = 0; k < 2; k++) {
				const fs::path out = dir / (std::string(k ? "four" : "one") + ".ndjson");
				std::vector<std::string> args{ input.string(), "-j", k ? "4" : "1", "-o", out.string() };
				if (*interval)
					args.insert(args.end(), { "--interval", interval });
				const Result r = run(args);
				ASSERT_EQ(r.status, 0) << r.err;
				written[k] = readText(out);
			}
			EXPECT_GT(lines(written[0]).size(), 10u) << s;
			EXPECT_TRUE(written[0] == written[1]) << s << ", interval " << interval;
		}
	}
}

// Without -o, several outputs go beside their inputs.
TEST(Parallel, OutputsGoBesideTheirInputs)
{
	GPMF_REQUIRE_SAMPLE(a, "hero5-track.bin");
	GPMF_REQUIRE_SAMPLE(b, "hero6-track.bin");
	TempDir dir;
	fs::create_directory(dir / "x");
	fs::copy_file(a, dir / "x" / "a.bin");
	fs::copy_file(b, dir / "b.bin");
	const Result r = run({ "x/a.bin", "b.bin", "--csv" }, dir.path());
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_TRUE(r.out.empty());
	EXPECT_EQ(lines(readText(dir / "x" / "a.csv")).size(), 619u); // gopro2gpx's 618 points + header
	EXPECT_EQ(lines(readText(dir / "b.csv")).size(), 418u);
}

// Several --info reports to stdout come in input order whatever finishes first.
TEST(Parallel, InfoReportsKeepInputOrder)
{
	GPMF_REQUIRE_SAMPLE(big, "hero11-track.bin");
	GPMF_REQUIRE_SAMPLE(small, "karma.mp4");
	const Result r = run({ "--info", "-j", "2", big.string(), small.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_EQ(r.out.rfind("hero11-track.bin\n", 0), 0u);
	EXPECT_NE(r.out.find("\nkarma.mp4\n"), std::string::npos);
}

class Merge : public ::testing::Test
{
protected:
	// karma-track.bin's 13 payloads as one file, and as chapters GX010042 (7 payloads, with
	// the firmware) and GX020042 (6, with another firmware that must not show).
	void SetUp() override
	{
		GPMF_REQUIRE_SAMPLE(bin, "karma-track.bin");
		const auto bytes = gpmf::test::readFile(bin);
		const auto split = gpmf::splitRawTrack(bytes);
		ASSERT_EQ(split.payloads.size(), 13u);
		gpmf::Mp4Recording whole, first, second;
		for (std::size_t i = 0; i < split.payloads.size(); i++) {
			const gpmf::Mp4Sample s{ std::vector<std::uint8_t>(split.payloads[i].bytes.begin(),
									   split.payloads[i].bytes.end()),
						 1001 };
			whole.samples.push_back(s);
			(i < 7 ? first : second).samples.push_back(s);
		}
		whole.udta.emplace_back(gpmf::FourCC("FIRM"), text("HD5.02.02.00.00"));
		first.udta = whole.udta;
		second.udta.emplace_back(gpmf::FourCC("FIRM"), text("HD5.99.99.99.99"));
		writeBytes(dir_ / "whole.MP4", gpmf::writeMp4(whole));
		writeBytes(dir_ / "GX010042.MP4", gpmf::writeMp4(first));
		writeBytes(dir_ / "GX020042.MP4", gpmf::writeMp4(second));
	}
	TempDir dir_;
};

// The chapters merged give exactly the records of the unsplit recording: one header (the
// first chapter's), payload times and indexes going on across the cut (chapter 2 starts at
// 7 × 1.001 s), one summary over both.
TEST_F(Merge, ChaptersGiveTheRecordsOfTheWholeRecording)
{
	const Result whole = run({ (dir_ / "whole.MP4").string() });
	ASSERT_EQ(whole.status, 0) << whole.err;
	// Given out of order: chapters are sorted by their number.
	const Result merged = run({ "--merge", "-v", (dir_ / "GX020042.MP4").string(), (dir_ / "GX010042.MP4").string() });
	ASSERT_EQ(merged.status, 0) << merged.err;
	EXPECT_NE(merged.err.find("merging GX010042.MP4 + GX020042.MP4"), std::string::npos) << merged.err;
	EXPECT_EQ(merged.out, whole.out);
	const auto records = parseNdjson(merged.out);
	ASSERT_EQ(records.size(), 15u);
	EXPECT_EQ(records[0]["firmware"].string(), "HD5.02.02.00.00");
	EXPECT_EQ(records[8]["index"].number(), 7);
	EXPECT_NEAR(records[8]["pts"].number(), 7.007, 1e-9);
	EXPECT_EQ(records[14]["payloads"].number(), 13);
}

// The output is named after the first chapter; GPS and JSON documents merge the same way.
TEST_F(Merge, OutputIsNamedAfterTheFirstChapter)
{
	const Result r = run({ "--merge", "--format", "json", "--csv", (dir_ / "GX010042.MP4").string(),
			       (dir_ / "GX020042.MP4").string(), "-o", (dir_ / "out").string() });
	ASSERT_EQ(r.status, 0) << r.err;
	const Json doc = Json::parse(readText(dir_ / "out" / "GX010042.json"));
	EXPECT_EQ(doc["summary"]["payloads"].number(), 13);
	EXPECT_TRUE(fs::exists(dir_ / "out" / "GX010042.csv"));
	EXPECT_FALSE(fs::exists(dir_ / "out" / "GX020042.json"));
}

// Without --merge each chapter is its own recording, starting at 0.
TEST_F(Merge, WithoutMergeChaptersStayApart)
{
	const Result r = run({ (dir_ / "GX010042.MP4").string(), (dir_ / "GX020042.MP4").string(), "-o",
			       (dir_ / "out").string() });
	ASSERT_EQ(r.status, 0) << r.err;
	const auto second = parseNdjson(readText(dir_ / "out" / "GX020042.ndjson"));
	EXPECT_EQ(second[0]["firmware"].string(), "HD5.99.99.99.99");
	EXPECT_EQ(second[1]["pts"].number(), 0);
}

// The camera stopped while writing chapter 2: without its moov it cannot be joined. The first
// chapter is still written, and the message says what was left out.
TEST_F(Merge, TruncatedLastChapterLeavesTheOthers)
{
	const auto bytes = gpmf::test::readFile(dir_ / "GX020042.MP4");
	writeBytes(dir_ / "GX020042.MP4", std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + long(bytes.size() / 2)));
	const Result r = run({ "--merge", (dir_ / "GX010042.MP4").string(), (dir_ / "GX020042.MP4").string() });
	EXPECT_EQ(r.status, 1);
	EXPECT_NE(r.err.find("GX010042.MP4: chapter GX020042.MP4 is a truncated MP4 (no moov box): it and the chapters "
			     "after it were left out of the merge"),
		  std::string::npos)
		<< r.err;
	const auto whole = parseNdjson(run({ (dir_ / "whole.MP4").string() }).out);
	const auto records = parseNdjson(r.out);
	ASSERT_EQ(records.size(), 9u); // header, 7 payloads, summary
	for (std::size_t i = 1; i < 8; i++)
		EXPECT_TRUE(records[i] == whole[i]) << i;
}

// A missing chapter leaves a gap the user is told about; files that are no chapters are
// decoded on their own.
TEST_F(Merge, GapsAreReportedAndOtherFilesStayAlone)
{
	fs::rename(dir_ / "GX020042.MP4", dir_ / "GX030042.MP4");
	const Result r = run({ "--merge", (dir_ / "GX010042.MP4").string(), (dir_ / "GX030042.MP4").string(),
			       (dir_ / "whole.MP4").string(), "-o", (dir_ / "out").string() });
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_NE(r.err.find("GX030042.MP4: the chapter before it was not given"), std::string::npos) << r.err;
	EXPECT_EQ(parseNdjson(readText(dir_ / "out" / "GX010042.ndjson")).back()["payloads"].number(), 13);
	EXPECT_EQ(parseNdjson(readText(dir_ / "out" / "whole.ndjson")).back()["payloads"].number(), 13);
}

TEST(ChapterNames, HeroFiveAndLaterNamingSchemes)
{
	TempDir dir;
	// GOPR0042 is HERO5's first chapter and GP010042 its second: merged, the job is named after
	// GOPR0042 even though it was given last.
	const Result r = run({ "--merge", (dir / "GP010042.MP4").string(), (dir / "GOPR0042.MP4").string() });
	EXPECT_EQ(r.status, 1);
	EXPECT_EQ(r.err, "gpmf2json: " + (dir / "GOPR0042.MP4").string() + ": No such file or directory\n");
}
