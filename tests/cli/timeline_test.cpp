// SPDX-License-Identifier: GPL-2.0-or-later
// gpmf2json --merge: chapters on one movie timeline, edit lists honoured.
#include <algorithm>
#include <cmath>
#include <map>

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

// Seconds since 1970 of an ISO 8601 time ("2017-04-17T17:31:03.055Z"), NaN if it is not one.
double isoSeconds(const std::string &text)
{
	GDateTime *time = g_date_time_new_from_iso8601(text.c_str(), nullptr);
	if (!time)
		return NAN;
	const double s = double(g_date_time_to_unix(time)) + g_date_time_get_microsecond(time) / 1e6;
	g_date_time_unref(time);
	return s;
}

// The UTC of one GPS stream (device id and FourCC): its samples' media times and UTC, from the
// payload after the last one with a bad_time diagnostic on it (the decoder said the times
// before could not be trusted).
struct GpsTimes {
	std::vector<double> t, utc;
	double lastUtc = -INFINITY;
	int regressions = 0;
	std::string restart; ///< the diagnostic the series starts after
};

std::string badTime(const Json &payload, const std::string &fourcc)
{
	const Json diagnostics = payload["diagnostics"];
	for (std::size_t i = 0; i < diagnostics.size(); i++)
		if (diagnostics[i]["code"].string() == "bad_time" &&
		    diagnostics[i]["path"].string().find(fourcc) != std::string::npos)
			return diagnostics[i]["message"].string();
	return {};
}

// Payload times never go back, and every sample lies in its payload's span, give or take the
// stream's TIMO (the delay the camera says its data has). Every stream's UTC never goes back,
// and the GPS clock runs with the media clock: a real-time recording's UTC span is within 2 %
// of its samples' span on the timeline (counted from the last bad_time diagnostic: MAX and
// HERO8 write a first GPSU 1.4-1.5 s early, which the decoder reports when the next one comes).
// `extra`: seconds by which the input's timeline runs longer than the recording did from `joinAt`
// on (chapters that overlap by more than their edit list skips).
void expectOneTimeline(const std::string &ndjson, const std::string &what, double extra = 0, double joinAt = 0)
{
	double last = -1;
	std::map<std::string, GpsTimes> gps;
	for (const Json &p : recordsOfType(parseNdjson(ndjson), "payload")) {
		const double pts = p["pts"].number(), end = pts + p["duration"].number();
		EXPECT_GE(pts, last) << what << ": payload " << p["index"].number();
		last = pts;
		const Json devices = p["devices"];
		for (std::size_t d = 0; d < devices.size(); d++) {
			const Json streams = devices[d]["streams"];
			for (std::size_t s = 0; s < streams.size(); s++) {
				const Json stream = streams[s];
				const std::string fourcc = stream["fourcc"].string();
				const std::string key = devices[d]["id"].text() + "/" + fourcc;
				const double timo = stream["TIMO"].valid() ? std::abs(stream["TIMO"].number()) : 0.0;
				const Json samples = stream["samples"];
				if (const std::string why = badTime(p, fourcc); !why.empty() && gps.contains(key)) {
					gps[key].t.clear();
					gps[key].utc.clear();
					gps[key].restart = "payload " + p["index"].text() + ": " + why;
				}
				for (std::size_t i = 0; i < samples.size(); i++) {
					const double t = samples[i]["t"].number();
					EXPECT_TRUE(t >= pts - timo - 1e-6 && t <= end + timo + 1e-6)
						<< what << ": " << fourcc << " sample at " << t << " s outside ["
						<< pts << ", " << end << ")";
					if (!samples[i].has("utc"))
						continue;
					const double utc = isoSeconds(samples[i]["utc"].string());
					ASSERT_TRUE(std::isfinite(utc)) << what << ": " << samples[i]["utc"].text();
					GpsTimes &g = gps[key];
					if (utc < g.lastUtc && g.regressions++ < 3)
						ADD_FAILURE() << what << ": " << key << " utc " << samples[i]["utc"].string()
							      << " at " << t << " s goes back from the sample before";
					g.lastUtc = utc;
					g.t.push_back(t);
					g.utc.push_back(utc);
				}
			}
		}
	}
	for (const auto &[key, g] : gps) {
		EXPECT_EQ(g.regressions, 0) << what << ": " << key;
		// A few fixes say little about a rate.
		if (g.t.size() < 2 || g.t.back() - g.t.front() < 3.0)
			continue;
		const double longer = g.t.front() < joinAt && joinAt <= g.t.back() ? extra : 0.0;
		const double ratio = (g.utc.back() - g.utc.front() + longer) / (g.t.back() - g.t.front());
		EXPECT_NEAR(ratio, 1.0, 0.02) << what << ": " << key << " UTC span " << g.utc.back() - g.utc.front()
					      << " s against " << g.t.back() - g.t.front() << " s of samples"
					      << (g.restart.empty() ? "" : ", after " + g.restart);
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

// A track dump as the camera would have written it in an MP4: payloads as long as their STMPs
// say (HERO11's dump holds one every 0.5 s), else 1.001 s.
gpmf::Mp4Recording realTimeRecordingOfTrack(const fs::path &track)
{
	gpmf::Mp4Recording recording = recordingOfTrack(track);
	const auto bytes = gpmf::test::readFile(track);
	const auto payloads = gpmf::splitRawTrack(bytes).payloads;
	if (payloads.size() != recording.samples.size() ||
	    !std::all_of(payloads.begin(), payloads.end(), [](const auto &p) { return p.stmp.has_value(); }))
		return recording;
	const std::vector<gpmf::PayloadTime> times = gpmf::rawTrackTimes(payloads);
	for (std::size_t i = 0; i < times.size(); i++)
		recording.samples[i].duration = std::uint32_t(std::lround(times[i].duration * 1000));
	return recording;
}

// Every track dump cut into two chapters, with and without an edit list on the second, and
// merged again.
TEST(Timeline, EverySampleCutIntoChaptersAndMergedIsOneTimeline)
{
	for (const char *name : {"hero5-track.bin", "hero6-track.bin", "hero6+ble-track.bin", "hero7-track.bin",
				 "hero8-basement-track.bin", "hero8-grass-track.bin", "hero11-track.bin",
				 "fusion-track.bin", "karma-track.bin"}) {
		GPMF_REQUIRE_SAMPLE(track, name);
		const gpmf::Mp4Recording whole = realTimeRecordingOfTrack(track);
		ASSERT_GE(whole.samples.size(), 4u) << name;
		const std::size_t cut = whole.samples.size() / 2;
		// The edit list skips half of the repeated payload (500 ms of a 1.001 s one).
		for (const std::uint32_t edit : {0u, std::min(500u, whole.samples[cut - 1].duration / 2)}) {
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
			// The second part repeats the payload that holds the cut and skips `edit` ms of it.
			const double extra = edit ? (double(second.samples[0].duration) - edit) / 1000 : 0.0;
			double joinAt = 0;
			for (const auto &sample : first.samples)
				joinAt += sample.duration / 1000.0;
			expectOneTimeline(r.out, std::string(name) + (edit ? " in chapters with an edit list" : " in chapters"),
					  extra, joinAt);
		}
	}
}
