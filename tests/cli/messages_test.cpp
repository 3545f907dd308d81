// SPDX-License-Identifier: GPL-2.0-or-later
// gpmf2json: what it says about inputs with nothing in them.
#include "cli_support.h"

using namespace gpmf::cli;

TEST(Messages, AnEmptyFileSaysItIsEmpty)
{
	TempDir dir;
	writeBytes(dir.path() / "GX010001.MP4", std::vector<std::uint8_t>{});
	const Result r = run({"--no-progress", (dir.path() / "GX010001.MP4").string()});
	EXPECT_EQ(r.status, 1);
	EXPECT_NE(r.err.find("GX010001.MP4: the file is empty"), std::string::npos) << r.err;
}

// A recording cut before its first payload: no moov, and nothing GPMF in the media data.
TEST(Messages, ACutMp4WithNothingRecoveredSaysSo)
{
	GPMF_REQUIRE_SAMPLE(karma, "karma.mp4");
	TempDir dir;
	std::vector<std::uint8_t> bytes = gpmf::test::readFile(karma);
	bytes.resize(100000);
	writeBytes(dir.path() / "cut.mp4", bytes);
	const Result r = run({"--no-progress", (dir.path() / "cut.mp4").string()});
	EXPECT_EQ(r.status, 1);
	EXPECT_NE(r.err.find("no telemetry could be recovered"), std::string::npos) << r.err;
	EXPECT_EQ(r.err.find("the telemetry was recovered"), std::string::npos) << r.err;
}

TEST(Messages, ACutMp4WithPayloadsSaysTheyWereRecovered)
{
	GPMF_REQUIRE_SAMPLE(karma, "karma.mp4");
	TempDir dir;
	std::vector<std::uint8_t> bytes = gpmf::test::readFile(karma);
	bytes.resize(bytes.size() / 3);
	writeBytes(dir.path() / "cut.mp4", bytes);
	const Result r = run({"--no-progress", (dir.path() / "cut.mp4").string()});
	EXPECT_EQ(r.status, 1);
	EXPECT_NE(r.err.find("the telemetry was recovered by scanning the media data"), std::string::npos) << r.err;
	EXPECT_GT(recordsOfType(parseNdjson(r.out), "payload").size(), 0u);
}
