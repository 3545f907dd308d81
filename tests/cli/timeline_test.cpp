// SPDX-License-Identifier: GPL-2.0-or-later
// gpmf2json --merge: chapters on one movie timeline, edit lists honoured.
#include <algorithm>

#include "cli_support.h"

using namespace gpmf::cli;

namespace {

std::vector<double> payloadStarts(const std::string &ndjson)
{
	std::vector<double> starts;
	for (const Json &p : recordsOfType(parseNdjson(ndjson), "payload"))
		starts.push_back(p["pts"].number());
	return starts;
}

} // namespace

// A recording cut as `ffmpeg -t 6` / `-ss 6` cuts it: the second part starts with the payload
// that holds the cut (also the first part's last) and an edit list that skips into it.
TEST(Timeline, ChaptersWithAnEditListMergeIntoOneTimelineWithoutRepeats)
{
	GPMF_REQUIRE_SAMPLE(track, "hero5-track.bin");
	const gpmf::Mp4Recording whole = recordingOfTrack(track);
	ASSERT_GE(whole.samples.size(), 10u);
	gpmf::Mp4Recording first, second;
	first.samples.assign(whole.samples.begin(), whole.samples.begin() + 6);
	second.samples.assign(whole.samples.begin() + 5, whole.samples.end());
	second.editListStart = 995; // ms into its first payload
	TempDir dir;
	writeBytes(dir / "GX010042.MP4", gpmf::writeMp4(first));
	writeBytes(dir / "GX020042.MP4", gpmf::writeMp4(second));

	const Result r = run({"--no-progress", "--merge", "-o", "-", "GX010042.MP4", "GX020042.MP4"}, dir.path());
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_NE(r.err.find("left out"), std::string::npos) << r.err;
	const std::vector<double> starts = payloadStarts(r.out);
	ASSERT_EQ(starts.size(), whole.samples.size()) << "each payload once";
	EXPECT_TRUE(std::is_sorted(starts.begin(), starts.end()));
	EXPECT_NEAR(starts[6], 6.006 - 0.995 + 1.001, 1e-6); // the second part's second payload
}

TEST(Timeline, MergingInputsOfDifferentRecordingsSaysTheyAreWrittenApart)
{
	GPMF_REQUIRE_SAMPLE(track, "hero5-track.bin");
	const gpmf::Mp4Recording whole = recordingOfTrack(track);
	TempDir dir;
	writeBytes(dir / "GX010042.MP4", gpmf::writeMp4(whole));
	writeBytes(dir / "GX010043.MP4", gpmf::writeMp4(whole));
	const Result r = run({"--no-progress", "--merge", "GX010042.MP4", "GX010043.MP4"}, dir.path());
	EXPECT_EQ(r.status, 0) << r.err;
	EXPECT_NE(r.err.find("not chapters of one recording"), std::string::npos) << r.err;
	EXPECT_TRUE(fs::exists(dir / "GX010042.ndjson"));
	EXPECT_TRUE(fs::exists(dir / "GX010043.ndjson"));
}
