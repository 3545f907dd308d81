// SPDX-License-Identifier: GPL-2.0-or-later
// GPS tracks written by gpmf2json: point by point against gopro2gpx's outputs
// (expected/gopro2gpx/*.csv), read back by gpsbabel and ogr2ogr, and checked against the
// formats' rules (GPX with a time on every point, GeoJSON coordinates in RFC 7946 order).

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cli_support.h"
#include "gpmf/gps.h"

using namespace gpmf::cli;

namespace {

// A row of gopro2gpx's CSV (every cell quoted): latitude, longitude, elevation, time, ..., name, ..., speed.
struct TheirPoint {
	double lat, lon, ele, speed, utc;
	std::string name;
};

// A row of ours: time_s,utc,lat_deg,lon_deg,alt_m,speed2d_mps,speed3d_mps,fix,dop.
struct OurPoint {
	double t, utc, lat, lon, alt, speed2d;
};

std::vector<std::string> cells(const std::string &line)
{
	std::vector<std::string> out;
	std::stringstream ss(line);
	for (std::string cell; std::getline(ss, cell, ',');)
		out.push_back(cell.size() >= 2 && cell.front() == '"' ? cell.substr(1, cell.size() - 2) : cell);
	if (!line.empty() && line.back() == ',')
		out.emplace_back();
	return out;
}

// "2017-04-17T17:31:03.055556Z" (any number of decimals) in seconds since 1970, through the
// core's GPSU parser for the whole seconds.
double isoTime(const std::string &iso)
{
	const std::string gpsu = iso.substr(2, 2) + iso.substr(5, 2) + iso.substr(8, 2) + iso.substr(11, 2) +
				 iso.substr(14, 2) + iso.substr(17, 2) + ".000";
	const auto whole = gpmf::parseGpsu(gpsu);
	return whole ? *whole + std::stod("0" + iso.substr(19, iso.size() - 20)) : NAN;
}

std::vector<TheirPoint> theirPoints(const fs::path &csv)
{
	std::vector<TheirPoint> out;
	const auto rows = lines(readText(csv));
	for (std::size_t i = 1; i < rows.size(); i++) {
		const auto c = cells(rows[i]);
		out.push_back({ std::stod(c[0]), std::stod(c[1]), std::stod(c[2]), std::stod(c[7]), isoTime(c[3]), c[5] });
	}
	return out;
}

std::vector<OurPoint> ourPoints(const std::string &csv)
{
	std::vector<OurPoint> out;
	const auto rows = lines(csv);
	EXPECT_FALSE(rows.empty());
	if (!rows.empty()) {
		EXPECT_EQ(rows[0], "time_s,utc,lat_deg,lon_deg,alt_m,speed2d_mps,speed3d_mps,fix,dop");
	}
	for (std::size_t i = 1; i < rows.size(); i++) {
		const auto c = cells(rows[i]);
		out.push_back({ std::stod(c[0]), isoTime(c[1]), std::stod(c[2]), std::stod(c[3]), std::stod(c[4]), std::stod(c[5]) });
	}
	return out;
}

// Per payload: how many GPS samples of `fourcc` it has, and its duration.
struct PayloadGps {
	std::size_t count;
	double duration;
};
std::vector<PayloadGps> payloadGps(const fs::path &track, const std::string &fourcc)
{
	std::vector<PayloadGps> out;
	const Result r = run({ "-b", "--streams", fourcc, track.string() });
	EXPECT_EQ(r.status, 0) << r.err;
	for (const Json &p : recordsOfType(parseNdjson(r.out), "payload"))
		out.push_back({ findStream(p, fourcc)["samples"].size(), p["duration"].number() });
	return out;
}

} // namespace

class Gopro2gpx : public ::testing::TestWithParam<const char *>
{
};

// Every GPS5 point matches gopro2gpx's: lat and lon to its 7 decimals, elevation and 2D speed to
// its 3. Times differ by design: gopro2gpx stamps the j-th point of a payload GPSU + j/18 s (it
// assumes 18 Hz); we stamp it GPSU + j·P, P the receiver's period measured from GPSU to GPSU
// (the first payload, before a second GPSU: its duration / N). So the first point of every
// payload agrees to the millisecond we print (or, when its GPSU comes before the previous
// payload's last point, is put just after that one), the others differ by exactly j·(1/18 − P),
// and P is the receiver's 55 ms (18.18 Hz) on these cameras.
TEST_P(Gopro2gpx, EveryGps5PointMatches)
{
	const std::string track = std::string(GetParam()) + "-track";
	GPMF_REQUIRE_SAMPLE(bin, track + ".bin");
	GPMF_REQUIRE_SAMPLE(csv, "expected/gopro2gpx/" + track + ".csv");
	const Result r = run({ "-b", "--csv", bin.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	const auto ours = ourPoints(r.out);
	const auto theirs = theirPoints(csv);
	ASSERT_EQ(ours.size(), theirs.size());

	std::size_t i = 0, payloads = 0;
	for (const PayloadGps &payload : payloadGps(bin, "GPS5")) {
		const std::size_t first = i, n = payload.count;
		const double period = n > 2 ? (ours[first + n - 1].utc - ours[first + 1].utc) / double(n - 2) : 0.0;
		if (n > 2) {
			// Printed to the millisecond: the period is known to 1 ms / (n - 2).
			EXPECT_NEAR(period, payloads == 0 ? payload.duration / double(n) : 0.055, 0.0011)
				<< "payload " << payloads;
		}
		payloads++;
		for (std::size_t j = 0; j < n; j++, i++) {
			ASSERT_LT(i, ours.size());
			SCOPED_TRACE("point " + std::to_string(i));
			EXPECT_EQ(theirs[i].name, "GPS5");
			EXPECT_NEAR(ours[i].lat, theirs[i].lat, 0.6e-7);
			EXPECT_NEAR(ours[i].lon, theirs[i].lon, 0.6e-7);
			EXPECT_NEAR(ours[i].alt, theirs[i].ele, 0.6e-3);
			EXPECT_NEAR(ours[i].speed2d, theirs[i].speed, 0.6e-3);
			if (j == 0 && i > 0 && theirs[i].utc <= ours[i - 1].utc + 0.0005) {
				EXPECT_GT(ours[i].utc, ours[i - 1].utc);
				continue;
			}
			const double spacing = double(j) * (1.0 / 18.0 - period);
			EXPECT_NEAR(ours[i].utc + spacing, theirs[i].utc, 0.0011 + 0.0011 * double(j) / double(n));
		}
	}
	EXPECT_EQ(i, ours.size());
}

INSTANTIATE_TEST_SUITE_P(Samples, Gopro2gpx, ::testing::Values("hero5", "hero6", "hero7", "fusion"),
			 [](const ::testing::TestParamInfo<const char *> &info) { return std::string(info.param); });

// The BLE sensor's device has no GPS: the track is the camera's, point for point.
TEST(Gopro2gpxBle, KeepsTheCameraGps)
{
	GPMF_REQUIRE_SAMPLE(bin, "hero6+ble-track.bin");
	GPMF_REQUIRE_SAMPLE(csv, "expected/gopro2gpx/hero6+ble-track.csv");
	const auto ours = ourPoints(run({ "-b", "--csv", bin.string() }).out);
	const auto theirs = theirPoints(csv);
	ASSERT_EQ(ours.size(), theirs.size());
	for (std::size_t i = 0; i < ours.size(); i++) {
		EXPECT_NEAR(ours[i].lat, theirs[i].lat, 0.6e-7) << i;
		EXPECT_NEAR(ours[i].lon, theirs[i].lon, 0.6e-7) << i;
	}
}

// HERO11 writes each fix twice, in GPS5 and GPS9. gopro2gpx kept the first point of each
// payload from both (its CSV alternates GPS5, GPS9); we write GPS9 only, all of its points,
// each with the time GPS9 carries. Our first point of each payload is gopro2gpx's GPS9 row.
TEST(Gopro2gpxHero11, Gps9OnlyAndItsFirstPointsMatch)
{
	GPMF_REQUIRE_SAMPLE(bin, "hero11-track.bin");
	GPMF_REQUIRE_SAMPLE(csv, "expected/gopro2gpx/hero11-track.csv");
	const Result r = run({ "-b", "--csv", bin.string() });
	ASSERT_EQ(r.status, 0) << r.err;
	const auto ours = ourPoints(r.out);
	const auto theirs = theirPoints(csv);
	const auto gps9 = payloadGps(bin, "GPS9");
	ASSERT_EQ(theirs.size(), 2 * gps9.size());
	std::size_t first = 0, total = 0;
	for (std::size_t p = 0; p < gps9.size(); p++) {
		SCOPED_TRACE("payload " + std::to_string(p));
		const TheirPoint &t9 = theirs[2 * p + 1];
		ASSERT_EQ(t9.name, "GPS9");
		ASSERT_GT(gps9[p].count, 0u);
		ASSERT_LT(first, ours.size());
		EXPECT_NEAR(ours[first].lat, t9.lat, 0.6e-7);
		EXPECT_NEAR(ours[first].lon, t9.lon, 0.6e-7);
		EXPECT_NEAR(ours[first].alt, t9.ele, 0.6e-3);
		EXPECT_NEAR(ours[first].utc, t9.utc, 0.0006 + 1e-6);
		first += gps9[p].count;
		total += gps9[p].count;
	}
	EXPECT_EQ(ours.size(), total); // never GPS5 as well
}

// gopro2gpx read Karma's GPS from the drone's GPRI stream (MAVLink GPS_RAW_INT), and so do we
// when the camera wrote no GPS5 or GPS9: every point it printed is in our track, with a 3D fix
// and no UTC (GPRI is timed by the drone's clock).
TEST(Gopro2gpxKarma, TheDronesGpsIsTheTrack)
{
	GPMF_REQUIRE_SAMPLE(bin, "karma-track.bin");
	GPMF_REQUIRE_SAMPLE(csv, "expected/gopro2gpx/karma-track.csv");
	const auto theirs = theirPoints(csv);
	ASSERT_FALSE(theirs.empty());
	const Result r = run({ "-b", "--csv", bin.string() });
	EXPECT_EQ(r.status, 0) << r.err;
	EXPECT_EQ(r.err, "");
	struct Row {
		double lat, lon, alt;
		std::string utc, fix;
	};
	std::vector<Row> ours;
	const auto rows = lines(r.out);
	for (std::size_t i = 1; i < rows.size(); i++) {
		const auto c = cells(rows[i]);
		ASSERT_EQ(c.size(), 9u) << rows[i];
		ours.push_back({ std::stod(c[2]), std::stod(c[3]), std::stod(c[4]), c[1], c[7] });
	}
	ASSERT_FALSE(ours.empty());
	for (const Row &o : ours) {
		EXPECT_EQ(o.utc, "");
		EXPECT_EQ(o.fix, "3");
	}
	for (const TheirPoint &t : theirs) {
		const bool found = std::any_of(ours.begin(), ours.end(), [&](const Row &o) {
			return std::fabs(o.lat - t.lat) < 0.6e-7 && std::fabs(o.lon - t.lon) < 0.6e-7 && std::fabs(o.alt - t.ele) < 0.6e-3;
		});
		EXPECT_TRUE(found) << t.lat << "," << t.lon;
	}
}

// From an MP4: the points are the GPS5 samples of the NDJSON, with their UTC.
TEST(GpsFromMp4, PointsAreTheGps5Samples)
{
	GPMF_REQUIRE_SAMPLE(mp4, "hero7.mp4");
	const auto ours = ourPoints(run({ "--csv", mp4.string() }).out);
	std::vector<Json> samples;
	for (const Json &p : recordsOfType(parseNdjson(run({ mp4.string() }).out), "payload"))
		for (std::size_t k = 0; k < findStream(p, "GPS5")["samples"].size(); k++)
			samples.push_back(findStream(p, "GPS5")["samples"][k]);
	ASSERT_EQ(ours.size(), samples.size());
	for (std::size_t i = 0; i < ours.size(); i++) {
		EXPECT_EQ(ours[i].lat, samples[i]["v"][0].number()) << i;
		EXPECT_EQ(ours[i].lon, samples[i]["v"][1].number()) << i;
		EXPECT_EQ(ours[i].t, samples[i]["t"].number()) << i;
		EXPECT_EQ(ours[i].utc, isoTime(samples[i]["utc"].string())) << i;
	}
}

class GpsFiles : public ::testing::Test
{
protected:
	// Four formats of four tracks (GPS5, GPS9, Fusion, two devices) into one folder, named
	// TRACK.gpx/.kml/.csv/.geojson as gps_clients_test.sh expects.
	void SetUp() override
	{
		for (const char *t : { "hero5-track.bin", "hero11-track.bin", "fusion-track.bin", "hero6+ble-track.bin" }) {
			GPMF_REQUIRE_SAMPLE(bin, t);
			const Result r = run({ "-b", "--gpx", "--kml", "--csv", "--geojson", bin.string(), "-o", dir_.path().string() });
			ASSERT_EQ(r.status, 0) << r.err;
		}
	}
	TempDir dir_;
};

TEST_F(GpsFiles, GpsbabelAndOgr2ogrReadThemAtTheirPositions)
{
	const char *script = std::getenv("GPS_CLIENTS_TEST");
	ASSERT_TRUE(script);
	const std::string command = std::string("bash '") + script + "' '" + dir_.path().string() + "' 2>&1";
	std::FILE *p = popen(command.c_str(), "r");
	ASSERT_TRUE(p);
	std::string out;
	char buf[4096];
	for (std::size_t n; (n = std::fread(buf, 1, sizeof(buf), p)) > 0;)
		out.append(buf, n);
	const int status = pclose(p);
	const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (code == 77 && !gpmf::test::underCi())
		GTEST_SKIP() << out;
	EXPECT_EQ(code, 0) << out;
	// 4 tracks: GPX by both readers, KML by both, CSV by ogr2ogr, GeoJSON by both.
	EXPECT_NE(out.find("28 passed, 0 failed"), std::string::npos) << out;
}

TEST_F(GpsFiles, GpxHasAUtcTimeOnEveryPoint)
{
	for (const char *t : { "hero5-track", "hero11-track", "fusion-track", "hero6+ble-track" }) {
		const std::string gpx = readText(dir_ / (std::string(t) + ".gpx"));
		std::size_t points = 0, at = 0;
		while ((at = gpx.find("<trkpt ", at)) != std::string::npos) {
			const std::size_t end = gpx.find("</trkpt>", at);
			ASSERT_NE(end, std::string::npos);
			const std::string point = gpx.substr(at, end - at);
			EXPECT_NE(point.find("<time>20"), std::string::npos) << t << ": " << point;
			EXPECT_NE(point.find("Z</time>"), std::string::npos) << t << ": " << point;
			points++;
			at = end;
		}
		EXPECT_EQ(points + 1, lines(readText(dir_ / (std::string(t) + ".csv"))).size()) << t;
	}
}

// RFC 7946: a FeatureCollection of Point features, coordinates [longitude, latitude, altitude].
TEST_F(GpsFiles, GeoJsonPointsAreLonLatAlt)
{
	const Json doc = Json::parse(readText(dir_ / "hero5-track.geojson"));
	const auto csv = ourPoints(readText(dir_ / "hero5-track.csv"));
	EXPECT_EQ(doc["type"].string(), "FeatureCollection");
	const Json features = doc["features"];
	ASSERT_EQ(features.size(), csv.size());
	for (std::size_t i = 0; i < csv.size(); i++) {
		EXPECT_EQ(features[i]["type"].string(), "Feature");
		EXPECT_EQ(features[i]["geometry"]["type"].string(), "Point");
		const Json c = features[i]["geometry"]["coordinates"];
		EXPECT_EQ(c[0].number(), csv[i].lon) << i;
		EXPECT_EQ(c[1].number(), csv[i].lat) << i;
		EXPECT_EQ(c[2].number(), csv[i].alt) << i;
	}
}
