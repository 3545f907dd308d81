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

namespace {

// Payload times never go back, and every sample lies in its payload's span, give or take the
// stream's TIMO (the delay the camera says its data has).
void expectOneTimeline(const std::string &ndjson, const std::string &what)
{
	double last = -1;
	for (const Json &p : recordsOfType(parseNdjson(ndjson), "payload")) {
		const double pts = p["pts"].number(), end = pts + p["duration"].number();
		EXPECT_GE(pts, last) << what << ": payload " << p["index"].number();
		last = pts;
		const Json devices = p["devices"];
		for (std::size_t d = 0; d < devices.size(); d++) {
			const Json streams = devices[d]["streams"];
			for (std::size_t s = 0; s < streams.size(); s++) {
				const Json stream = streams[s];
				const double timo = stream["TIMO"].valid() ? std::abs(stream["TIMO"].number()) : 0.0;
				const Json samples = stream["samples"];
				for (std::size_t i = 0; i < samples.size(); i++) {
					const double t = samples[i]["t"].number();
					EXPECT_TRUE(t >= pts - timo - 1e-6 && t <= end + timo + 1e-6)
						<< what << ": " << stream["fourcc"].string() << " sample at " << t << " s outside ["
						<< pts << ", " << end << ")";
				}
			}
		}
	}
}

} // namespace

TEST(Timeline, EverySampleIsOneTimeline)
{
	for (const char *name : {"hero7.mp4", "karma.mp4", "max-heromode.mp4", "hero5-track.bin", "hero6-track.bin",
				 "hero6+ble-track.bin", "hero7-track.bin", "hero8-basement-track.bin",
				 "hero8-grass-track.bin", "hero11-track.bin", "fusion-track.bin", "karma-track.bin"}) {
		GPMF_REQUIRE_SAMPLE(path, name);
		const Result r = run({"--no-progress", "-o", "-", path.string()});
		ASSERT_EQ(r.status, 0) << name << ": " << r.err;
		expectOneTimeline(r.out, name);
	}
}

// Every track dump cut into two chapters, with and without an edit list on the second, and
// merged again.
TEST(Timeline, EverySampleCutIntoChaptersAndMergedIsOneTimeline)
{
	for (const char *name : {"hero5-track.bin", "hero6-track.bin", "hero6+ble-track.bin", "hero7-track.bin",
				 "hero8-basement-track.bin", "hero8-grass-track.bin", "hero11-track.bin",
				 "fusion-track.bin", "karma-track.bin"}) {
		GPMF_REQUIRE_SAMPLE(track, name);
		const gpmf::Mp4Recording whole = recordingOfTrack(track);
		ASSERT_GE(whole.samples.size(), 4u) << name;
		const std::size_t cut = whole.samples.size() / 2;
		for (const std::uint32_t edit : {0u, 500u}) {
			gpmf::Mp4Recording first, second;
			first.samples.assign(whole.samples.begin(), whole.samples.begin() + long(cut));
			second.samples.assign(whole.samples.begin() + long(cut) - (edit ? 1 : 0), whole.samples.end());
			second.editListStart = edit;
			TempDir dir;
			writeBytes(dir / "GX010007.MP4", gpmf::writeMp4(first));
			writeBytes(dir / "GX020007.MP4", gpmf::writeMp4(second));
			const Result r =
			    run({"--no-progress", "--merge", "-o", "-", "GX010007.MP4", "GX020007.MP4"}, dir.path());
			ASSERT_EQ(r.status, 0) << name << ": " << r.err;
			EXPECT_EQ(recordsOfType(parseNdjson(r.out), "payload").size(), whole.samples.size()) << name;
			expectOneTimeline(r.out, std::string(name) + (edit ? " in chapters with an edit list" : " in chapters"));
		}
	}
}
