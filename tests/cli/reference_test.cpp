// SPDX-License-Identifier: GPL-2.0-or-later
// gpmf2json against the project's other front ends on every sample: its GPS tracks are
// gpmf-dump's (GPMF_DUMP), and its payload records those of gpmfparse behind qtdemux in a
// gst-launch-1.0 pipeline (GST_LAUNCH, with the built plugin from GPMF_PLUGIN_DIR).

#include <algorithm>

#include "cli_support.h"

using namespace gpmf::cli;

namespace {

// The samples whose name ends with `suffix`, sorted; empty when the folder is missing.
std::vector<std::string> samplesEndingWith(const std::string &suffix)
{
	std::vector<std::string> names;
	std::error_code ec;
	for (const auto &entry : fs::directory_iterator(gpmf::test::samplesDir(), ec)) {
		const std::string name = entry.path().filename().string();
		if (entry.is_regular_file() && name.ends_with(suffix))
			names.push_back(name);
	}
	std::sort(names.begin(), names.end());
	return names;
}

// The "payload" lines of NDJSON text, as written.
std::vector<std::string> payloadRecords(const std::string &ndjson)
{
	std::vector<std::string> out;
	for (const std::string &line : lines(ndjson))
		if (line.starts_with("{\"type\":\"payload\""))
			out.push_back(line);
	return out;
}

std::string environment(const char *name)
{
	const char *value = std::getenv(name);
	return value ? value : "";
}

} // namespace

#define REQUIRE_OR_SKIP(condition, why)                                                              \
	do {                                                                                         \
		if (!(condition)) {                                                                  \
			if (gpmf::test::underCi())                                                   \
				FAIL() << why;                                                       \
			GTEST_SKIP() << why;                                                         \
		}                                                                                    \
	} while (0)

// One rule for GPS in the library (gpmf::GpsTrack), so both tools write the same track: a
// device that wrote GPS9 once never has its GPS5 used, whatever a payload holds. Run in the
// samples folder: both name the track after the file as given.
TEST(SameAsGpmfDump, GpxOfEveryTrackDump)
{
	const std::string dump = environment("GPMF_DUMP");
	REQUIRE_OR_SKIP(!dump.empty(), "GPMF_DUMP is not set (meson test sets it)");
	const std::vector<std::string> tracks = samplesEndingWith("-track.bin");
	REQUIRE_OR_SKIP(!tracks.empty(), "no *-track.bin in " << gpmf::test::samplesDir());
	const fs::path dir = gpmf::test::samplesDir();
	for (const std::string &track : tracks) {
		SCOPED_TRACE(track);
		const Result ours = run({ "-b", "--gpx", track }, dir);
		const Result theirs = runProgram({ dump, "--gps", "gpx", track }, dir);
		ASSERT_EQ(ours.status, 0) << ours.err;
		ASSERT_EQ(theirs.status, 0) << theirs.err;
		EXPECT_NE(ours.out.find("<gpx "), std::string::npos);
		EXPECT_TRUE(ours.out == theirs.out);
	}
}

// gpmf2json decodes what gpmfdemux gives with the session gpmfparse uses: behind qtdemux, the
// element writes the same payload records, byte for byte (the header and summary records are
// left out: qtdemux and gpmfdemux may differ in the udta tags and the last time).
TEST(SameAsGpmfparse, PayloadRecordsOfEveryMp4)
{
	if (const std::string why = environment("GPMF_NO_GST_LAUNCH"); !why.empty())
		GTEST_SKIP() << "no gst-launch-1.0 comparison: " << why;
	const std::string launch = environment("GST_LAUNCH"), plugins = environment("GPMF_PLUGIN_DIR");
	REQUIRE_OR_SKIP(!launch.empty() && !plugins.empty(), "GST_LAUNCH or GPMF_PLUGIN_DIR is not set (meson test sets them)");
	const std::vector<std::string> mp4s = samplesEndingWith(".mp4");
	REQUIRE_OR_SKIP(!mp4s.empty(), "no *.mp4 in " << gpmf::test::samplesDir());
	TempDir dir;
	for (const std::string &mp4 : mp4s) {
		SCOPED_TRACE(mp4);
		const std::string input = sample(mp4), output = (dir / (mp4 + ".ndjson")).string();
		const Result element = runProgram({ launch, "-q", "filesrc", "location=" + input, "!", "qtdemux", "!", "queue", "!",
						    "gpmfparse", "!", "filesink", "location=" + output },
						  {},
						  { { "GST_PLUGIN_PATH_1_0", plugins },
						    { "GST_REGISTRY_1_0", (dir / "registry.bin").string() } });
		REQUIRE_OR_SKIP(element.err.find("no element \"qtdemux\"") == std::string::npos,
				"qtdemux is not installed (gst-plugins-good)");
		ASSERT_EQ(element.status, 0) << element.err;
		const Result ours = run({ input });
		ASSERT_EQ(ours.status, 0) << ours.err;
		const auto expected = payloadRecords(readText(output));
		EXPECT_FALSE(expected.empty());
		const auto records = payloadRecords(ours.out);
		ASSERT_EQ(records.size(), expected.size());
		for (std::size_t i = 0; i < records.size(); i++)
			EXPECT_TRUE(records[i] == expected[i]) << "payload record " << i;
	}
}
