// SPDX-License-Identifier: GPL-2.0-or-later
// gpmf2json --local-time: the camera's local time (TZON) beside every UTC.
#include <cmath>

#include "cli_support.h"
#include "gpmf/klv_writer.h"

using namespace gpmf::cli;

namespace {

// hero5-track.bin (GPSU from 2017-04-17T17:31:03Z) in an MP4 whose udta GPMF box says the
// camera's time zone is `minutes` east of UTC.
void writeRecordingInZone(const fs::path &path, std::int64_t minutes)
{
	GPMF_REQUIRE_SAMPLE(track, "hero5-track.bin");
	gpmf::Mp4Recording recording = recordingOfTrack(track);
	gpmf::KlvWriter w;
	w.begin(gpmf::FourCC("DEVC"));
	w.integers(gpmf::FourCC("DVID"), 'L', {1});
	w.string(gpmf::FourCC("DVNM"), "Global Settings");
	w.integers(gpmf::FourCC("TZON"), 's', {minutes});
	w.end();
	recording.udta.emplace_back(gpmf::FourCC("GPMF"), w.take());
	writeBytes(path, gpmf::writeMp4(recording));
}

} // namespace

// A camera set to Pacific daylight time (TZON -420): each "utc" of the records is followed by
// "local", the same instant at UTC-07:00; the summary's first_utc and last_utc by first_local
// and last_local.
TEST(LocalTime, RecordsGetALocalTimeBesideEachUtc)
{
	TempDir dir;
	writeRecordingInZone(dir / "GX010001.MP4", -420);
	const Result r = run({"--no-progress", "--local-time", "-o", "-", "GX010001.MP4"}, dir.path());
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_EQ(r.err, "");
	const std::vector<Json> records = parseNdjson(r.out);
	EXPECT_EQ(records.front()["time_zone"].number(), -420);
	std::size_t checked = 0;
	for (const Json &p : recordsOfType(records, "payload")) {
		const Json streams = p["devices"][0]["streams"];
		for (std::size_t s = 0; s < streams.size(); s++) {
			const Json samples = streams[s]["samples"];
			for (std::size_t i = 0; i < samples.size(); i++) {
				EXPECT_EQ(samples[i].has("utc"), samples[i].has("local"));
				if (!samples[i].has("utc"))
					continue;
				// "2017-04-17T17:31:03.000Z" -> "2017-04-17T10:31:03.000-07:00"
				const std::string utc = samples[i]["utc"].string(), local = samples[i]["local"].string();
				ASSERT_EQ(local.size(), 29u) << local;
				EXPECT_EQ(local.substr(0, 11), utc.substr(0, 11));
				EXPECT_EQ(std::stoi(local.substr(11, 2)), (std::stoi(utc.substr(11, 2)) + 24 - 7) % 24);
				EXPECT_EQ(local.substr(13, 10), utc.substr(13, 10));
				EXPECT_EQ(local.substr(23), "-07:00");
				checked++;
			}
		}
	}
	EXPECT_GE(checked, 600u); // hero5-track.bin has 618 GPS5 fixes
	const Json first = recordsOfType(records, "payload").front()["devices"][0]["streams"];
	const Json summary = records.back()["streams"];
	bool gps = false;
	for (std::size_t s = 0; s < summary.size(); s++) {
		if (summary[s]["fourcc"].string() != "GPS5")
			continue;
		gps = true;
		EXPECT_EQ(summary[s]["first_utc"].string(), "2017-04-17T17:31:03.000Z");
		EXPECT_EQ(summary[s]["first_local"].string(), "2017-04-17T10:31:03.000-07:00");
		EXPECT_TRUE(summary[s].has("last_local"));
	}
	EXPECT_TRUE(gps);
}

// Without the option the records are as ever: no "local".
TEST(LocalTime, OffByDefault)
{
	TempDir dir;
	writeRecordingInZone(dir / "GX010001.MP4", -420);
	const Result r = run({"--no-progress", "-o", "-", "GX010001.MP4"}, dir.path());
	ASSERT_EQ(r.status, 0) << r.err;
	EXPECT_EQ(r.out.find("local"), std::string::npos);
}

// India (+05:30): CSV gets a "local" column after "utc", GeoJSON a "local" property; GPX keeps
// UTC only (its <time> is UTC by convention, and its readers convert).
TEST(LocalTime, GpsTracksOfAHalfHourZone)
{
	TempDir dir;
	writeRecordingInZone(dir / "GX010001.MP4", 330);
	const Result r = run({"--no-progress", "--local-time", "--csv", "--geojson", "--gpx", "GX010001.MP4"}, dir.path());
	ASSERT_EQ(r.status, 0) << r.err;
	const std::vector<std::string> csv = lines(readText(dir / "GX010001.csv"));
	ASSERT_GE(csv.size(), 2u);
	EXPECT_EQ(csv[0], "time_s,utc,local,lat_deg,lon_deg,alt_m,speed2d_mps,speed3d_mps,fix,dop");
	EXPECT_EQ(csv[1].substr(0, 57), "0,2017-04-17T17:31:03.000Z,2017-04-17T23:01:03.000+05:30,");
	const Json geojson = Json::parse(readText(dir / "GX010001.geojson"));
	const Json properties = geojson["features"][0]["properties"];
	EXPECT_EQ(properties["utc"].string(), "2017-04-17T17:31:03.000Z");
	EXPECT_EQ(properties["local"].string(), "2017-04-17T23:01:03.000+05:30");
	const std::string gpx = readText(dir / "GX010001.gpx");
	EXPECT_NE(gpx.find("<time>2017-04-17T17:31:03.000Z</time>"), std::string::npos);
	EXPECT_EQ(gpx.find("+05:30"), std::string::npos);
}

// --info: a "local time" line under "GPS time"; the JSON report and document: "local" members.
TEST(LocalTime, InfoAndJsonDocument)
{
	TempDir dir;
	writeRecordingInZone(dir / "GX010001.MP4", -420);
	const Result info = run({"--no-progress", "--local-time", "--info", "GX010001.MP4"}, dir.path());
	ASSERT_EQ(info.status, 0) << info.err;
	EXPECT_NE(info.out.find("  GPS time   2017-04-17T17:31:03.000Z .. "), std::string::npos) << info.out;
	EXPECT_NE(info.out.find("  local time 2017-04-17T10:31:03.000-07:00 .. 2017-04-17T10:31:3"), std::string::npos)
		<< info.out;
	const Result document = run({"--no-progress", "--local-time", "--format", "json", "-o", "-", "GX010001.MP4"}, dir.path());
	ASSERT_EQ(document.status, 0) << document.err;
	EXPECT_NE(document.out.find("\"utc\":\"2017-04-17T17:31:03.000Z\",\"local\":\"2017-04-17T10:31:03.000-07:00\""),
		  std::string::npos);
	EXPECT_TRUE(Json::parse(document.out).valid());
}

// A raw dump has no header, and 32767 is the camera's "unknown": said once, UTC only.
TEST(LocalTime, AnUnknownZoneIsSaidOnceAndUtcIsWritten)
{
	GPMF_REQUIRE_SAMPLE(track, "hero5-track.bin");
	const Result dump = run({"--no-progress", "--local-time", "-b", "-o", "-", track.string()});
	ASSERT_EQ(dump.status, 0) << dump.err;
	EXPECT_EQ(dump.err, "gpmf2json: " + track.string() +
				    ": note: the camera recorded no time zone (TZON), so the times are UTC only\n");
	EXPECT_EQ(dump.out.find("local"), std::string::npos);
	EXPECT_NE(dump.out.find("\"utc\":\"2017-04-17T17:31:03.000Z\""), std::string::npos);

	TempDir dir;
	writeRecordingInZone(dir / "GX010001.MP4", 32767);
	const Result unknown = run({"--no-progress", "--local-time", "--csv", "-o", "-", "GX010001.MP4"}, dir.path());
	ASSERT_EQ(unknown.status, 0) << unknown.err;
	EXPECT_NE(unknown.err.find("no time zone"), std::string::npos);
	EXPECT_EQ(lines(unknown.out).at(0), "time_s,utc,lat_deg,lon_deg,alt_m,speed2d_mps,speed3d_mps,fix,dop");
}
