// SPDX-License-Identifier: GPL-2.0-or-later
// gpmf2json on the real samples: NDJSON from MP4s and raw dumps, the JSON document, --info,
// the filters, -v/-vv and the progress bar. Counts and firmware come from SOURCES.md.

#include <algorithm>
#include <map>
#include <set>

#include "cli_support.h"
#include "gpmf/klv_writer.h"
#include "support/mp4_writer.h"
#include "gpmf/track_splitter.h"

using namespace gpmf::cli;

namespace {

struct SampleFile {
	const char *file;
	bool raw;
	std::size_t payloads;  ///< SOURCES.md: qtdemux buffers, or DVID=1 DEVCs of a dump
	const char *camera;    ///< header "camera", "" for dumps (no udta)
	const char *firmware;  ///< udta FIRM
};

std::string testName(const std::string &file)
{
	std::string name = file.substr(0, file.rfind('.'));
	std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
	return name;
}

} // namespace

class EverySample : public ::testing::TestWithParam<SampleFile>
{
};

// One header first, one payload record per payload, one summary last that counts them all;
// nothing on stderr and exit 0.
TEST_P(EverySample, WritesTheRecordsOfEveryPayload)
{
	const SampleFile &s = GetParam();
	GPMF_REQUIRE_SAMPLE(path, s.file);
	const Result r = run(s.raw ? std::vector<std::string>{ "-b", path.string() } : std::vector<std::string>{ path.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	// Nothing said, but for the GPS times the camera got wrong: a clock never set (hero8-basement:
	// GPSU in 2015), a first GPSU 1.4-1.5 s early (max-heromode, hero8-grass) and more fixes in
	// a payload than its GPSU step allows (hero8-grass, which never had a fix).
	for (const std::string &line : lines(r.err))
		EXPECT_TRUE(line.find("is before 2016, before any GPMF camera") != std::string::npos ||
			    line.find("the previous one was wrong") != std::string::npos ||
			    line.find("more fixes than its GPS times allow") != std::string::npos)
			<< r.err;
	const std::vector<Json> records = parseNdjson(r.out);
	ASSERT_GE(records.size(), 3u);
	EXPECT_EQ(records.front()["type"].string(), "header");
	EXPECT_EQ(records.front()["camera"].string(), s.camera);
	EXPECT_EQ(records.front()["firmware"].string(), s.firmware);
	EXPECT_EQ(records.back()["type"].string(), "summary");
	EXPECT_EQ(records.back()["payloads"].number(), double(s.payloads));
	EXPECT_EQ(records.back()["corrupt_payloads"].number(), 0);
	const auto payloads = recordsOfType(records, "payload");
	ASSERT_EQ(payloads.size(), s.payloads);
	for (std::size_t i = 0; i < payloads.size(); i++) {
		EXPECT_EQ(payloads[i]["index"].number(), double(i));
		const Json diagnostics = payloads[i]["diagnostics"];
		for (std::size_t d = 0; diagnostics.valid() && d < diagnostics.size(); d++)
			EXPECT_EQ(diagnostics[d]["code"].string(), "bad_time") << i;
	}
	// Payloads follow each other on the timeline.
	for (std::size_t i = 1; i < payloads.size(); i++)
		EXPECT_NEAR(payloads[i]["pts"].number(), payloads[i - 1]["pts"].number() + payloads[i - 1]["duration"].number(),
			    1e-6)
			<< i;
}

INSTANTIATE_TEST_SUITE_P(
	Samples, EverySample,
	::testing::Values(SampleFile{ "karma.mp4", false, 13, "HERO5 Black", "HD5.02.02.00.00" },
			  SampleFile{ "hero7.mp4", false, 11, "HERO7 Black", "HD7.01.01.70.00" },
			  SampleFile{ "max-heromode.mp4", false, 11, "GoPro Max", "H19.03.01.30.00" },
			  SampleFile{ "hero5-track.bin", true, 34, "", "" }, SampleFile{ "hero6-track.bin", true, 23, "", "" },
			  SampleFile{ "hero6+ble-track.bin", true, 11, "", "" },
			  SampleFile{ "hero7-track.bin", true, 97, "", "" },
			  SampleFile{ "hero8-basement-track.bin", true, 123, "", "" },
			  SampleFile{ "hero8-grass-track.bin", true, 13, "", "" },
			  SampleFile{ "hero11-track.bin", true, 679, "", "" }, SampleFile{ "fusion-track.bin", true, 15, "", "" },
			  SampleFile{ "karma-track.bin", true, 13, "", "" }),
	[](const ::testing::TestParamInfo<SampleFile> &info) { return testName(info.param.file); });

// Dumps start with a DEVC and are recognised without -b.
TEST(Ndjson, RawDumpsNeedNoDashB)
{
	for (const char *file : { "hero5-track.bin", "hero11-track.bin", "karma-track.bin" }) {
		GPMF_REQUIRE_SAMPLE(path, file);
		const Result with = run({ "-b", path.string() });
		const Result without = run({ path.string() });
		EXPECT_EQ(without.status, 0) << without.err;
		EXPECT_EQ(with.out, without.out) << file;
	}
}

// SOURCES.md: karma-track.bin is byte for byte the gpmd track of karma.mp4. The tool's
// records for the two differ only by the header (the dump has no udta) and the payload times
// (qtdemux's 1.001 s samples against the dump's 1 s estimate): the samples are the same.
TEST(Ndjson, Mp4AndItsTrackDumpHoldTheSameSamples)
{
	GPMF_REQUIRE_SAMPLE(mp4, "karma.mp4");
	GPMF_REQUIRE_SAMPLE(bin, "karma-track.bin");
	const auto fromMp4 = recordsOfType(parseNdjson(run({ mp4.string() }).out), "payload");
	const auto fromBin = recordsOfType(parseNdjson(run({ "-b", bin.string() }).out), "payload");
	ASSERT_EQ(fromMp4.size(), fromBin.size());
	for (std::size_t i = 0; i < fromMp4.size(); i++) {
		for (const char *fourcc : { "ACCL", "GYRO" }) {
			const Json a = findStream(fromMp4[i], fourcc)["samples"], b = findStream(fromBin[i], fourcc)["samples"];
			ASSERT_EQ(a.size(), b.size());
			for (std::size_t k = 0; k < a.size(); k++)
				ASSERT_TRUE(a[k]["v"] == b[k]["v"]) << fourcc << " payload " << i << " sample " << k;
		}
	}
}

/* --format json */

// The document holds the NDJSON's header and summary as they are, and per device and stream
// every sample of every payload record, in order.
TEST(JsonDocument, HoldsEverySampleOfTheNdjsonPerStream)
{
	GPMF_REQUIRE_SAMPLE(path, "karma.mp4");
	const auto records = parseNdjson(run({ path.string() }).out);
	const Result r = run({ "--format", "json", path.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	const Json doc = Json::parse(r.out);
	EXPECT_EQ(doc.members(), (std::vector<std::string>{ "header", "devices", "summary" }));
	EXPECT_TRUE(doc["header"] == records.front());
	EXPECT_TRUE(doc["summary"] == records.back());

	const auto payloads = recordsOfType(records, "payload");
	const Json devices = doc["devices"];
	ASSERT_EQ(devices.size(), 2u); // the camera and the Karma drone
	EXPECT_EQ(devices[0]["id"].number(), 1);
	EXPECT_EQ(devices[1]["name"].string(), "GoPro Karma v1.0");
	std::size_t streams = 0;
	for (std::size_t d = 0; d < devices.size(); d++) {
		const Json list = devices[d]["streams"];
		for (std::size_t s = 0; s < list.size(); s++, streams++) {
			const Json stream = list[s];
			const std::string fourcc = stream["fourcc"].string();
			SCOPED_TRACE(fourcc);
			std::vector<Json> expected;
			std::size_t appearances = 0;
			for (const Json &p : payloads) {
				const Json in = findStream(p, fourcc, devices[d]["id"].number());
				if (!in.valid())
					continue;
				appearances++;
				for (std::size_t k = 0; k < in["samples"].size(); k++)
					expected.push_back(in["samples"][k]);
				EXPECT_TRUE(stream["name"] == in["name"]);
				EXPECT_TRUE(stream["units"] == in["units"]);
			}
			ASSERT_EQ(stream["samples"].size(), expected.size());
			for (std::size_t k = 0; k < expected.size(); k++)
				ASSERT_TRUE(stream["samples"][k] == expected[k]) << k;
			double last = -1e9;
			for (std::size_t k = 0; k < expected.size(); k++) {
				EXPECT_GE(stream["samples"][k]["t"].number(), last);
				last = stream["samples"][k]["t"].number();
			}
			// One metadata entry per payload the stream appears in (TSMP, SCAL, rate...).
			EXPECT_EQ(stream["metadata"].size(), appearances);
			EXPECT_TRUE(stream["metadata"][0].has("TSMP"));
		}
	}
	EXPECT_EQ(streams, doc["summary"]["streams"].size());
}

// Split records (--interval) and -s change nothing in the layout; ACCL of a HERO5 dump keeps
// the sample count the summary gives.
TEST(JsonDocument, RawDumpStreamsMatchTheSummaryCounts)
{
	GPMF_REQUIRE_SAMPLE(path, "hero5-track.bin");
	const Result r = run({ "-b", "--format=json", path.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	const Json doc = Json::parse(r.out);
	const Json summary = doc["summary"]["streams"];
	const Json streams = doc["devices"][0]["streams"];
	ASSERT_EQ(streams.size(), summary.size());
	for (std::size_t i = 0; i < streams.size(); i++) {
		EXPECT_EQ(streams[i]["fourcc"].string(), summary[i]["fourcc"].string());
		EXPECT_EQ(double(streams[i]["samples"].size()), summary[i]["samples"].number()) << summary[i]["fourcc"].string();
	}
}

/* --info */

TEST(Info, TextNamesCameraDevicesStreamsAndRates)
{
	GPMF_REQUIRE_SAMPLE(path, "karma.mp4");
	const Result r = run({ "--info", path.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	const auto summary = parseNdjson(run({ path.string() }).out).back();
	EXPECT_EQ(r.out.rfind("karma.mp4\n", 0), 0u) << r.out;
	for (const char *text : { "camera     HERO5 Black", "firmware   HD5.02.02.00.00", "payloads   13 (0 corrupt)",
				  "device 1 \"Camera\"", "device 16835857 \"GoPro Karma v1.0\"", "[m/s²]" })
		EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
	// Every stream of the summary has its line, with its rate to 3 decimals.
	const Json streams = summary["streams"];
	for (std::size_t i = 0; i < streams.size(); i++) {
		char rate[32];
		std::snprintf(rate, sizeof(rate), "%.3f Hz", streams[i]["rate"].number());
		const std::string line = "    " + streams[i]["fourcc"].string();
		const auto at = r.out.find(line + " ");
		ASSERT_NE(at, std::string::npos) << line;
		EXPECT_NE(r.out.substr(at, r.out.find('\n', at) - at).find(rate), std::string::npos) << rate;
	}
	EXPECT_EQ(r.out.find("\"samples\":["), std::string::npos);
}

TEST(Info, JsonHasTheSummaryStreamsWithUnitsAndNoSamples)
{
	GPMF_REQUIRE_SAMPLE(path, "hero7.mp4");
	const Result r = run({ "--info", "--format", "json", path.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	const Json info = Json::parse(r.out);
	const auto records = parseNdjson(run({ path.string() }).out);
	EXPECT_EQ(info["file"].string(), "hero7.mp4");
	EXPECT_TRUE(info["header"] == records.front());
	EXPECT_EQ(info["payloads"].number(), 11);
	const Json streams = info["streams"];
	ASSERT_EQ(streams.size(), records.back()["streams"].size());
	for (std::size_t i = 0; i < streams.size(); i++) {
		EXPECT_EQ(streams[i]["samples"].number(), records.back()["streams"][i]["samples"].number());
		EXPECT_FALSE(streams[i]["samples"].size()); // a count, not an array
	}
	EXPECT_TRUE(findStream(recordsOfType(records, "payload")[0], "GPS5")["units"] == streams[2]["units"]);
	EXPECT_EQ(streams[2]["fourcc"].string(), "GPS5");
}

TEST(Info, ShowsHiLights)
{
	GPMF_REQUIRE_SAMPLE(bin, "hero5-track.bin");
	TempDir dir;
	// An MP4 with two manual HiLights (HMMT: a count, then milliseconds).
	gpmf::Mp4Recording recording = recordingOfTrack(bin);
	recording.udta.emplace_back(gpmf::FourCC("HMMT"),
				    std::vector<std::uint8_t>{ 0, 0, 0, 2, 0, 0, 0x30, 0x39, 0, 0, 0x77, 0x24 });
	writeBytes(dir / "GX010001.MP4", gpmf::writeMp4(recording));
	const Result r = run({ "--info", (dir / "GX010001.MP4").string() });
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_NE(r.out.find("HiLights   2\n       12.345 s\n       30.500 s\n"), std::string::npos) << r.out;
}

// The MAX's settings (udta GPMF box) name themselves by the GPMF documentation's tables.
TEST(Info, NamesTheSettingsKeys)
{
	GPMF_REQUIRE_SAMPLE(path, "max-heromode.mp4");
	const Result r = run({ "--info", path.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	for (const char *line : { "    DZOM  N  (Digital zoom enabled)\n", "    DZST  0  (Digital zoom setting (0-100))\n",
				  "    ZFOV  137.38848876953125  (Diagonal field of view (degrees))\n",
				  "    VFOV  W  (Field of view)\n", "    PRJT  GPRO  (Lens projection)\n",
				  "    EISA  HS HLevel  (Stabilization applied)\n", "    MINF  GoPro Max  (Camera model)\n" })
		EXPECT_NE(r.out.find(line), std::string::npos) << line << r.out;
	// Keys the documentation does not list stay as they are.
	EXPECT_NE(r.out.find("    PVUL  F\n"), std::string::npos) << r.out;
}

// Newer cameras' keys (ZOOM, the lens model and focal length, the time zone), in a made udta
// GPMF box: named in the text report, and in the JSON report's "setting_names".
TEST(Info, NamesTheNewerCamerasSettingsInTextAndJson)
{
	GPMF_REQUIRE_SAMPLE(bin, "hero5-track.bin");
	TempDir dir;
	gpmf::Mp4Recording recording = recordingOfTrack(bin);
	gpmf::KlvWriter w;
	w.begin(gpmf::FourCC("DEVC"));
	w.integers(gpmf::FourCC("DVID"), 'L', { 1 });
	w.string(gpmf::FourCC("DVNM"), "Global Settings");
	w.floats(gpmf::FourCC("ZOOM"), 'f', { 2.5 });
	w.string(gpmf::FourCC("LPID"), "ILS");
	w.floats(gpmf::FourCC("FOCL"), 'f', { 25 });
	w.integers(gpmf::FourCC("TZON"), 's', { 60 });
	w.string(gpmf::FourCC("HCTL"), "Locked");
	w.end();
	recording.udta.emplace_back(gpmf::FourCC("GPMF"), w.take());
	writeBytes(dir / "GX010001.MP4", gpmf::writeMp4(recording));

	const Result text = run({ "--info", "GX010001.MP4" }, dir.path());
	ASSERT_EQ(text.status, 0) << text.err;
	for (const char *line : { "    ZOOM  2.5  (Digital zoom level)\n", "    LPID  ILS  (Lens model)\n",
				  "    FOCL  25  (Lens focal length (mm))\n", "    TZON  60  (Time zone (minutes east of UTC))\n",
				  "    HCTL  Locked  (Horizon control)\n" })
		EXPECT_NE(text.out.find(line), std::string::npos) << line << text.out;

	const Result json = run({ "--info", "--format", "json", "GX010001.MP4" }, dir.path());
	ASSERT_EQ(json.status, 0) << json.err;
	const Json names = Json::parse(json.out)["header"]["setting_names"];
	EXPECT_EQ(names["ZOOM"].string(), "Digital zoom level");
	EXPECT_EQ(names["LPID"].string(), "Lens model");
	EXPECT_EQ(names["FOCL"].string(), "Lens focal length (mm)");
	EXPECT_EQ(names["TZON"].string(), "Time zone (minutes east of UTC)");
	EXPECT_EQ(names["HCTL"].string(), "Horizon control");
	EXPECT_EQ(names.size(), 5u);
}

/* Filters */

TEST(Filters, StreamsKeepsOnlyTheNamedStreams)
{
	GPMF_REQUIRE_SAMPLE(path, "hero7.mp4");
	const Result r = run({ "--streams", "ACCL,GPS5", path.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	std::set<std::string> seen;
	for (const Json &p : recordsOfType(parseNdjson(r.out), "payload"))
		for (std::size_t s = 0; s < p["devices"][0]["streams"].size(); s++)
			seen.insert(p["devices"][0]["streams"][s]["fourcc"].string());
	EXPECT_EQ(seen, (std::set<std::string>{ "ACCL", "GPS5" }));
}

// HERO5 writes GPSP (DOP × 100) per payload: 6.06 in the first. --gps-max-dop 5 keeps the
// GPS5 samples of exactly the payloads whose GPSP is at most 500.
TEST(Filters, GpsMaxDopDropsThePayloadsAboveIt)
{
	GPMF_REQUIRE_SAMPLE(path, "hero5-track.bin");
	const auto all = recordsOfType(parseNdjson(run({ "-b", path.string() }).out), "payload");
	const Result r = run({ "-b", "--gps-max-dop", "5", "--csv", path.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	std::size_t expected = 0, dropped = 0;
	for (const Json &p : all) {
		const Json gps = findStream(p, "GPS5");
		(gps["GPSP"].number() <= 500 ? expected : dropped) += gps["samples"].size();
	}
	EXPECT_GT(dropped, 0u);
	EXPECT_GT(expected, 0u);
	EXPECT_EQ(lines(r.out).size(), expected + 1);
	for (const std::string &line : lines(r.out)) {
		if (line[0] == 't')
			continue;
		EXPECT_LE(std::stod(line.substr(line.rfind(',') + 1)), 5.0) << line;
	}
}

// The HERO8 basement clip never had a lock: GPSF 0 in every payload. -s drops every point
// the camera wrote; without it they are kept (with fix 0).
TEST(Filters, SkipDropsPointsWithoutAFix)
{
	GPMF_REQUIRE_SAMPLE(path, "hero8-basement-track.bin");
	const Result all = run({ "-b", "--csv", path.string() });
	const Result skipped = run({ "-b", "--csv", "-s", path.string() });
	ASSERT_EQ(all.status, 0) << all.err;
	ASSERT_EQ(skipped.status, 0) << skipped.err;
	ASSERT_GT(lines(all.out).size(), 1u);
	for (const std::string &line : lines(all.out)) {
		if (line[0] == 't')
			continue;
		EXPECT_EQ(line.substr(line.rfind(',', line.rfind(',') - 1) + 1, 1), "0") << line;
	}
	EXPECT_EQ(lines(skipped.out).size(), 1u) << skipped.out.substr(0, 300); // the header row
	// And on a clip with a 3D fix throughout, -s keeps everything.
	GPMF_REQUIRE_SAMPLE(good, "hero5-track.bin");
	EXPECT_EQ(run({ "-b", "--csv", "-s", good.string() }).out, run({ "-b", "--csv", good.string() }).out);
}

// --interval 100ms: payloads split into records of at most 0.1 s, numbered by "part", holding
// together the same samples as the whole payloads.
TEST(Filters, IntervalSplitsRecordsAndLosesNoSample)
{
	GPMF_REQUIRE_SAMPLE(path, "hero5-track.bin");
	const auto whole = recordsOfType(parseNdjson(run({ "-b", path.string() }).out), "payload");
	const Result r = run({ "-b", "--interval", "100ms", path.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	const auto parts = recordsOfType(parseNdjson(r.out), "payload");
	EXPECT_GT(parts.size(), 8 * whole.size());
	std::map<std::string, std::size_t> wholeCount, partCount;
	for (const Json &p : whole)
		for (std::size_t s = 0; s < p["devices"][0]["streams"].size(); s++)
			wholeCount[p["devices"][0]["streams"][s]["fourcc"].string()] += p["devices"][0]["streams"][s]["samples"].size();
	for (const Json &p : parts) {
		EXPECT_TRUE(p.has("part"));
		EXPECT_LE(p["duration"].number(), 0.1 + 1e-9);
		for (std::size_t s = 0; s < p["devices"][0]["streams"].size(); s++)
			partCount[p["devices"][0]["streams"][s]["fourcc"].string()] += p["devices"][0]["streams"][s]["samples"].size();
	}
	EXPECT_EQ(partCount, wholeCount);
}

// For GPS tracks --interval thins the points: at most one per interval of the video timeline.
TEST(Filters, IntervalThinsGpsPoints)
{
	GPMF_REQUIRE_SAMPLE(path, "hero5-track.bin");
	const Result r = run({ "-b", "--csv", "--interval", "1", path.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	const auto rows = lines(r.out);
	ASSERT_EQ(rows.size(), 1u + 34u); // one point in each second of the 34 s clip
	std::set<long> seconds;
	for (std::size_t i = 1; i < rows.size(); i++)
		EXPECT_TRUE(seconds.insert(long(std::stod(rows[i]))).second) << rows[i];
}

/* -o */

// A PATH ending in a slash names a directory, made if missing, even for a single output; so do
// "." and "..".
TEST(Output, TrailingSlashMakesADirectoryForOneOutput)
{
	GPMF_REQUIRE_SAMPLE(path, "hero5-track.bin");
	TempDir dir;
	Result r = run({ path.string(), "-o", "newdir/" }, dir.path());
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_TRUE(r.err.empty()) << r.err;
	EXPECT_EQ(lines(readText(dir / "newdir" / "hero5-track.ndjson")).size(), 36u); // header, 34 payloads, summary
	r = run({ "--gpx", path.string(), "-o", "a/b/" }, dir.path());
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_TRUE(fs::is_regular_file(dir / "a" / "b" / "hero5-track.gpx"));
	r = run({ "--csv", path.string(), "-o", "." }, dir.path());
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_TRUE(fs::is_regular_file(dir / "hero5-track.csv"));
	// Without the slash, a name that does not exist is the file itself.
	r = run({ "--csv", path.string(), "-o", "track" }, dir.path());
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_TRUE(fs::is_regular_file(dir / "track"));
}

/* -v, -vv, progress */

TEST(Verbose, SaysWhatWasReadAndWritten)
{
	GPMF_REQUIRE_SAMPLE(path, "karma.mp4");
	TempDir dir;
	const Result r = run({ "-v", path.string(), "-o", (dir / "k.ndjson").string() });
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_NE(r.err.find("karma.mp4: 13 payloads, 19 streams, 0.000 .. 12.977 s -> " + (dir / "k.ndjson").string()),
		  std::string::npos)
		<< r.err;
	EXPECT_FALSE(fs::exists(dir / "k.bin"));
}

// -vv writes the gpmd track as the demuxer gave it: for karma.mp4 that is karma-track.bin
// byte for byte (SOURCES.md); for a dump, the dump itself.
TEST(Verbose, TwiceAlsoWritesTheRawTrack)
{
	GPMF_REQUIRE_SAMPLE(mp4, "karma.mp4");
	GPMF_REQUIRE_SAMPLE(bin, "karma-track.bin");
	GPMF_REQUIRE_SAMPLE(dump, "hero6-track.bin");
	TempDir dir;
	Result r = run({ "-vv", mp4.string(), "-o", (dir / "k.ndjson").string() });
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_EQ(readText(dir / "k.bin"), readText(bin));
	r = run({ "-v", "-v", "--gpx", dump.string() }, dir.path()); // to stdout: the track goes to ./STEM.bin
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_EQ(readText(dir / "hero6-track.bin"), readText(dump));
	EXPECT_NE(r.err.find("raw track " + (dir / "hero6-track.bin").string()), std::string::npos) << r.err;
}

TEST(Progress, QuietWhenStderrIsNotATerminal)
{
	GPMF_REQUIRE_SAMPLE(path, "hero11-track.bin");
	const Result r = run({ "-b", "--format", "json", path.string() });
	EXPECT_EQ(r.status, 0);
	EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(Progress, ForcedBarEndsAtAHundredPercentAndIsErased)
{
	GPMF_REQUIRE_SAMPLE(a, "hero7.mp4");
	GPMF_REQUIRE_SAMPLE(b, "hero5-track.bin");
	TempDir dir;
	const Result r = run({ "--progress", a.string(), b.string(), "-o", dir.path().string() });
	EXPECT_EQ(r.status, 0) << r.err;
	EXPECT_NE(r.err.find("100%  2/2"), std::string::npos) << r.err;
	EXPECT_TRUE(r.err.ends_with("\r\033[K")) << r.err;
	EXPECT_EQ(r.err.find('\n'), std::string::npos) << r.err;
}
