// SPDX-License-Identifier: GPL-2.0-or-later
// Real GoPro recordings: every file decodes, and the numbers agree with other tools' outputs
// (gopro2gpx CSVs, dustin/gpmf goldens) and with physics.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpmf/decoder.h"
#include "gpmf/gps.h"
#include "gpmf/records.h"
#include "gpmf/track_splitter.h"
#include "samples.h"

using namespace gpmf;
using gpmf::test::readFile;

namespace {

struct Decoded {
	std::vector<Payload> payloads;
	Summary summary;
	std::size_t diagnostics = 0; ///< structural problems
	std::size_t badTimes = 0;    ///< GPS times that cannot be right (Errc::BadTime)
};

Decoded decodeTrack(const std::filesystem::path &path, DecodeOptions options = {})
{
	const auto bytes = readFile(path);
	const auto split = splitRawTrack(bytes);
	EXPECT_FALSE(split.error) << path << ": " << split.error->message();
	const auto times = rawTrackTimes(split.payloads);
	Decoder decoder(options);
	Decoded out;
	for (std::size_t i = 0; i < split.payloads.size(); i++) {
		out.payloads.push_back(decoder.decode(split.payloads[i].bytes, times[i].pts, times[i].duration));
		// Real recordings are well formed; what they may hold is a GPS clock not set yet.
		for (const auto &d : out.payloads.back().diagnostics) {
			if (d.code == Errc::BadTime) {
				out.badTimes++;
				continue;
			}
			ADD_FAILURE() << path << " payload " << i << ": " << d.message();
			out.diagnostics++;
		}
	}
	out.summary = decoder.summary();
	return out;
}

// A pointer into a temporary payload would dangle: keep the payload in a variable.
const Stream *findStream(const Payload &&p, FourCC key, std::uint32_t device = 1) = delete;

const Stream *findStream(const Payload &p, FourCC key, std::uint32_t device = 1)
{
	for (const auto &d : p.devices)
		if (d.id == device)
			for (const auto &s : d.streams)
				if (s.key == key)
					return &s;
	return nullptr;
}

// Rows of a gopro2gpx CSV: all fields are quoted.
struct CsvPoint {
	double lat, lon, ele, speed;
	std::string time, name;
};

std::vector<CsvPoint> readGopro2gpxCsv(const std::filesystem::path &path)
{
	std::ifstream in(path);
	std::string line;
	std::getline(in, line); // header
	std::vector<CsvPoint> rows;
	while (std::getline(in, line)) {
		std::vector<std::string> cells;
		std::stringstream ss(line);
		std::string cell;
		while (std::getline(ss, cell, ','))
			cells.push_back(cell.size() >= 2 ? cell.substr(1, cell.size() - 2) : cell);
		if (cells.size() < 8)
			continue;
		rows.push_back({std::stod(cells[0]), std::stod(cells[1]), std::stod(cells[2]), std::stod(cells[7]), cells[3],
				cells[5]});
	}
	return rows;
}

// "2017-04-17T17:31:03.055556Z" -> seconds since 1970, through our own GPSU parser.
double csvTime(const std::string &iso)
{
	const std::string gpsu = iso.substr(2, 2) + iso.substr(5, 2) + iso.substr(8, 2) + iso.substr(11, 2) +
				 iso.substr(14, 2) + iso.substr(17, 2) + ".000";
	return *parseGpsu(gpsu) + std::stod("0" + iso.substr(19, iso.size() - 20));
}

double norm(const Values &v, std::size_t sample, std::size_t fields)
{
	double sum = 0;
	for (std::size_t f = 0; f < fields; f++)
		sum += v.number(sample, f) * v.number(sample, f);
	return std::sqrt(sum);
}

} // namespace

struct TrackCount {
	const char *file;
	std::size_t payloads;
};

class EverySample : public ::testing::TestWithParam<TrackCount> {};

// Payload counts are the ones SOURCES.md lists, found by an independent KLV walk.
TEST_P(EverySample, DecodesWithoutDiagnosticsIntoTheListedPayloadCount)
{
	GPMF_REQUIRE_SAMPLE(path, GetParam().file);
	const Decoded d = decodeTrack(path);
	EXPECT_EQ(d.payloads.size(), GetParam().payloads);
	EXPECT_EQ(d.diagnostics, 0u);
	std::size_t streams = 0;
	for (const auto &p : d.payloads)
		for (const auto &dev : p.devices)
			streams += dev.streams.size();
	EXPECT_GT(streams, 0u);
}

// hero8-basement was recorded without a GPS lock: its GPSU says 2015-10-18, the camera's clock
// before it was ever set. No UTC is better than a wrong one.
TEST(GpsTime, AClockNeverSetGivesNoUtc)
{
	GPMF_REQUIRE_SAMPLE(path, "hero8-basement-track.bin");
	const Decoded d = decodeTrack(path);
	EXPECT_EQ(d.badTimes, d.payloads.size());
	for (const auto &p : d.payloads) {
		if (const Stream *gps = findStream(p, FourCC("GPS5"))) {
			for (double utc : gps->utc)
				EXPECT_TRUE(std::isnan(utc));
		}
	}
	for (const auto &s : d.summary.streams)
		EXPECT_TRUE(std::isnan(s.firstUtc)) << s.key.str();
}

INSTANTIATE_TEST_SUITE_P(
	Samples, EverySample,
	::testing::Values(TrackCount{"hero5.raw", 1}, TrackCount{"hero5-track.bin", 34}, TrackCount{"hero6.raw", 1},
			  TrackCount{"hero6-track.bin", 23}, TrackCount{"hero6+ble.raw", 1},
			  TrackCount{"hero6+ble-track.bin", 11}, TrackCount{"hero7.raw", 17},
			  TrackCount{"hero7-track.bin", 97}, TrackCount{"hero8-basement-track.bin", 123},
			  TrackCount{"hero8-grass-track.bin", 13}, TrackCount{"hero11.raw", 11},
			  TrackCount{"hero11-track.bin", 679}, TrackCount{"fusion.raw", 1},
			  TrackCount{"fusion-track.bin", 15}, TrackCount{"karma.raw", 1}, TrackCount{"karma-track.bin", 13},
			  TrackCount{"hero7-udta-gpmf.raw", 1}, TrackCount{"hero6-photo-app6.raw", 1}),
	[](const ::testing::TestParamInfo<TrackCount> &info) {
		std::string name = info.param.file;
		std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
		return name;
	});

class Gopro2gpxGps5 : public ::testing::TestWithParam<const char *> {};

// gopro2gpx writes every GPS5 point with lat/lon to 7 decimals, elevation to 3, 2D speed, and
// time = GPSU + j/18 s for the j-th point of a payload: it assumes 18 Hz. We time it GPSU + j·P,
// P the receiver's period measured from GPSU to GPSU (55 ms on these cameras; in the first
// payload, before a second GPSU, duration/N), so the first point of every payload agrees to the
// millisecond and the others differ by exactly j·(1/18 − P). A payload's first point that its
// GPSU puts before the previous payload's last (the first payload's spacing was a guess) is put
// just after that instead: UTC never goes back.
TEST_P(Gopro2gpxGps5, EveryPointMatches)
{
	const std::string track = std::string(GetParam()) + "-track";
	GPMF_REQUIRE_SAMPLE(bin, track + ".bin");
	GPMF_REQUIRE_SAMPLE(csv, "expected/gopro2gpx/" + track + ".csv");
	const auto expected = readGopro2gpxCsv(csv);
	const Decoded d = decodeTrack(bin);
	struct Ours {
		GpsPoint point;
		std::size_t j;
		double period;
	};
	std::vector<Ours> ours;
	bool first = true;
	for (const auto &p : d.payloads) {
		const auto pts = gpsPoints(p);
		const std::size_t n = pts.size();
		const double period = n > 2 ? (pts[n - 1].utc - pts[1].utc) / double(n - 2) : 0.0;
		if (n > 2) {
			EXPECT_NEAR(period, first ? p.duration / double(n) : 0.055, 0.0005) << "payload " << p.index;
		}
		first = false;
		for (std::size_t j = 0; j < n; j++)
			ours.push_back({pts[j], j, period});
	}
	ASSERT_EQ(ours.size(), expected.size());
	for (std::size_t i = 0; i < ours.size(); i++) {
		SCOPED_TRACE("point " + std::to_string(i));
		const GpsPoint &o = ours[i].point;
		EXPECT_NEAR(o.lat, expected[i].lat, 0.6e-7);
		EXPECT_NEAR(o.lon, expected[i].lon, 0.6e-7);
		EXPECT_NEAR(o.alt, expected[i].ele, 0.6e-3);
		EXPECT_NEAR(o.speed2d, expected[i].speed, 0.6e-3);
		const double gpsu = csvTime(expected[i].time);
		if (ours[i].j == 0 && i > 0 && gpsu <= ours[i - 1].point.utc + 0.0005) {
			EXPECT_GT(o.utc, ours[i - 1].point.utc);
			EXPECT_LT(o.utc, ours[i + 1].point.utc);
			continue;
		}
		const double theirSpacingError = double(ours[i].j) * (1.0 / 18.0 - ours[i].period);
		EXPECT_NEAR(o.utc + theirSpacingError, gpsu, 0.001);
	}
}

INSTANTIATE_TEST_SUITE_P(Samples, Gopro2gpxGps5,
			 ::testing::Values("hero5", "hero6", "hero7", "fusion"),
			 [](const ::testing::TestParamInfo<const char *> &info) { return std::string(info.param); });

TEST(Gopro2gpx, BleTrackKeepsTheCameraGps)
{
	GPMF_REQUIRE_SAMPLE(bin, "hero6+ble-track.bin");
	GPMF_REQUIRE_SAMPLE(csv, "expected/gopro2gpx/hero6+ble-track.csv");
	const auto expected = readGopro2gpxCsv(csv);
	const Decoded d = decodeTrack(bin);
	std::vector<GpsPoint> ours;
	for (const auto &p : d.payloads) {
		const auto pts = gpsPoints(p);
		ours.insert(ours.end(), pts.begin(), pts.end());
	}
	ASSERT_EQ(ours.size(), expected.size());
	for (std::size_t i = 0; i < ours.size(); i++) {
		EXPECT_NEAR(ours[i].lat, expected[i].lat, 0.6e-7) << i;
		EXPECT_NEAR(ours[i].lon, expected[i].lon, 0.6e-7) << i;
	}
}

// On HERO11 gopro2gpx kept only the first point of each payload, once from GPS5 and once from
// GPS9 (its CSV alternates them). Our first GPS5 and GPS9 samples of each payload must match,
// and GPS9's own per-sample time must equal the time it printed.
TEST(Gopro2gpx, Hero11FirstPointsOfGps5AndGps9)
{
	GPMF_REQUIRE_SAMPLE(bin, "hero11-track.bin");
	GPMF_REQUIRE_SAMPLE(csv, "expected/gopro2gpx/hero11-track.csv");
	const auto expected = readGopro2gpxCsv(csv);
	const Decoded d = decodeTrack(bin);
	ASSERT_EQ(expected.size(), 2 * d.payloads.size());
	for (std::size_t i = 0; i < d.payloads.size(); i++) {
		SCOPED_TRACE("payload " + std::to_string(i));
		const Stream *gps5 = findStream(d.payloads[i], FourCC("GPS5"));
		const Stream *gps9 = findStream(d.payloads[i], FourCC("GPS9"));
		ASSERT_TRUE(gps5 && gps9);
		ASSERT_GT(gps5->slotCount(), 0u);
		ASSERT_GT(gps9->slotCount(), 0u);
		const CsvPoint &e5 = expected[2 * i], &e9 = expected[2 * i + 1];
		EXPECT_EQ(e5.name, "GPS5");
		EXPECT_EQ(e9.name, "GPS9");
		EXPECT_NEAR(gps5->values.number(0, 0), e5.lat, 0.6e-7);
		EXPECT_NEAR(gps5->values.number(0, 1), e5.lon, 0.6e-7);
		EXPECT_NEAR(gps5->values.number(0, 2), e5.ele, 0.6e-3);
		EXPECT_NEAR(gps9->values.number(0, 0), e9.lat, 0.6e-7);
		EXPECT_NEAR(gps9->values.number(0, 1), e9.lon, 0.6e-7);
		EXPECT_NEAR(gps9->utc.at(0), csvTime(e9.time), 0.0005);
		// gpsPoints prefers GPS9 and never reports both.
		const auto points = gpsPoints(d.payloads[i]);
		ASSERT_EQ(points.size(), gps9->slotCount());
		EXPECT_EQ(points.front().source, "GPS9");
	}
}

// Karma's flight controller GPS (GPRI, MAVLink GPS_RAW_INT) holds every point gopro2gpx printed.
TEST(Gopro2gpx, KarmaGpsRawHoldsThePrintedPoints)
{
	GPMF_REQUIRE_SAMPLE(bin, "karma-track.bin");
	GPMF_REQUIRE_SAMPLE(csv, "expected/gopro2gpx/karma-track.csv");
	const auto expected = readGopro2gpxCsv(csv);
	const Decoded d = decodeTrack(bin);
	std::vector<std::array<double, 3>> gpri;
	for (const auto &p : d.payloads)
		if (const Stream *s = findStream(p, FourCC("GPRI"), 16835857))
			for (std::size_t i = 0; i < s->values.sampleCount; i++)
				gpri.push_back({s->values.number(i, 1), s->values.number(i, 2), s->values.number(i, 3)});
	ASSERT_FALSE(expected.empty());
	for (const auto &e : expected) {
		const bool found = std::any_of(gpri.begin(), gpri.end(), [&](const auto &g) {
			return std::fabs(g[0] - e.lat) < 0.6e-7 && std::fabs(g[1] - e.lon) < 0.6e-7 && std::fabs(g[2] - e.ele) < 0.6e-3;
		});
		EXPECT_TRUE(found) << e.lat << "," << e.lon << " at " << e.time;
	}
}

// The same points make Karma's GPS track: gpsPoints() offers GPRI when no GPS5/GPS9 is there.
TEST(Gopro2gpx, KarmaGpsTrackComesFromGpsRaw)
{
	GPMF_REQUIRE_SAMPLE(bin, "karma-track.bin");
	GPMF_REQUIRE_SAMPLE(csv, "expected/gopro2gpx/karma-track.csv");
	const auto expected = readGopro2gpxCsv(csv);
	const Decoded d = decodeTrack(bin);
	std::vector<GpsPoint> track;
	for (const auto &p : d.payloads)
		for (GpsPoint &point : gpsPoints(p))
			track.push_back(std::move(point));
	ASSERT_FALSE(track.empty());
	for (const GpsPoint &p : track) {
		EXPECT_EQ(p.source, "GPRI");
		EXPECT_EQ(p.fix, 3) << "a 3D fix all along this flight";
		EXPECT_TRUE(std::isnan(p.utc));
	}
	for (const auto &e : expected) {
		const bool found = std::any_of(track.begin(), track.end(), [&](const GpsPoint &g) {
			return std::fabs(g.lat - e.lat) < 0.6e-7 && std::fabs(g.lon - e.lon) < 0.6e-7 && std::fabs(g.alt - e.ele) < 0.6e-3;
		});
		EXPECT_TRUE(found) << e.lat << "," << e.lon << " at " << e.time;
	}
}

class DustinGolden : public ::testing::TestWithParam<const char *> {};

// dustin/gpmf prints per payload: the accelerometer's temperature, sample count and first sample
// (scaled, not axis-remapped), and every GPS5 point. We compare with our raw values over SCAL, and
// check that our output applies the stream's MTRX to them.
TEST_P(DustinGolden, AccelerometerAndGpsMatch)
{
	const std::string track = GetParam();
	GPMF_REQUIRE_SAMPLE(bin, track + ".bin");
	GPMF_REQUIRE_SAMPLE(golden, "expected/dustin-gpmf/" + track + ".golden");
	std::ifstream in(golden);
	std::string line;
	struct Block {
		std::vector<std::array<double, 5>> accel; // temp, count, x, y, z
		std::vector<std::array<double, 5>> gps;   // lat, lon, alt, spd2d, spd3d
	};
	std::vector<Block> blocks;
	bool inAccel = false, inGps = false;
	const std::regex accelRe(R"(Temp: ([-0-9.e]+) and (\d+) values like \(([-0-9.e]+),([-0-9.e]+),([-0-9.e]+)\))");
	const std::regex gpsRe(R"(\(([-0-9.e]+),([-0-9.e]+)\) alt=([-0-9.e]+) spd2d=([-0-9.e]+) spd3d=([-0-9.e]+))");
	std::smatch m;
	while (std::getline(in, line)) {
		if (line.rfind("Device 1:", 0) == 0)
			blocks.emplace_back();
		if (line.rfind("  ", 0) == 0 && line.rfind("   ", 0) != 0) {
			inAccel = line.find("Accelerometer") != std::string::npos;
			inGps = line.find("GPS (") != std::string::npos;
		}
		if (blocks.empty())
			continue;
		if (inAccel && std::regex_search(line, m, accelRe))
			blocks.back().accel.push_back({std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4]), std::stod(m[5])});
		if (inGps && std::regex_search(line, m, gpsRe))
			blocks.back().gps.push_back({std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4]), std::stod(m[5])});
	}

	DecodeOptions rawOptions;
	rawOptions.raw = true;
	const Decoded raw = decodeTrack(bin, rawOptions);
	const Decoded scaled = decodeTrack(bin);
	ASSERT_EQ(blocks.size(), raw.payloads.size());
	std::size_t gpsChecked = 0;
	for (std::size_t i = 0; i < blocks.size(); i++) {
		SCOPED_TRACE("payload " + std::to_string(i));
		const Stream *r = findStream(raw.payloads[i], FourCC("ACCL"));
		const Stream *s = findStream(scaled.payloads[i], FourCC("ACCL"));
		ASSERT_TRUE(r && s);
		ASSERT_EQ(blocks[i].accel.size(), 1u);
		const auto &e = blocks[i].accel[0];
		EXPECT_NEAR(r->findSticky(FourCC("TMPC"))->values.firstNumber(), e[0], 1e-4);
		EXPECT_EQ(double(r->values.sampleCount), e[1]);
		const double scal = r->findSticky(FourCC("SCAL"))->values.firstNumber();
		const Property *mtrx = r->findSticky(FourCC("MTRX"));
		ASSERT_NE(mtrx, nullptr);
		for (int f = 0; f < 3; f++) {
			EXPECT_NEAR(r->values.number(0, f) / scal, e[2 + f], 1e-5 * std::max(1.0, std::fabs(e[2 + f])));
			double mapped = 0;
			for (int k = 0; k < 3; k++)
				mapped += mtrx->values.numbers[f * 3 + k] * e[2 + k];
			EXPECT_NEAR(s->values.number(0, f), mapped, 1e-5 * std::max(1.0, std::fabs(mapped)));
		}
		const Stream *g = findStream(scaled.payloads[i], FourCC("GPS5"));
		ASSERT_NE(g, nullptr);
		ASSERT_EQ(g->values.sampleCount, blocks[i].gps.size());
		for (std::size_t k = 0; k < blocks[i].gps.size(); k++, gpsChecked++)
			for (int f = 0; f < 5; f++)
				EXPECT_NEAR(g->values.number(k, f), blocks[i].gps[k][f], 1e-6);
	}
	EXPECT_GT(gpsChecked, 0u);
}

INSTANTIATE_TEST_SUITE_P(Samples, DustinGolden,
			 ::testing::Values("hero8-grass-track", "hero8-basement-track"),
			 [](const ::testing::TestParamInfo<const char *> &info) {
				 std::string n = info.param;
				 std::replace(n.begin(), n.end(), '-', '_');
				 return n;
			 });

class Physics : public ::testing::TestWithParam<const char *> {};

// Gravity dominates the accelerometer: the median magnitude over a clip is about 9.8 m/s².
// Orientation quaternions are unit length; gravity vectors too; GPS is on Earth.
TEST_P(Physics, SensorsObeyPhysics)
{
	GPMF_REQUIRE_SAMPLE(bin, GetParam());
	const Decoded d = decodeTrack(bin);
	std::vector<double> accel;
	std::size_t quaternions = 0;
	for (const auto &p : d.payloads) {
		for (const auto &dev : p.devices) {
			for (const auto &s : dev.streams) {
				const std::size_t n = s.values.sampleCount;
				if (s.key == FourCC("ACCL"))
					for (std::size_t i = 0; i < n; i++)
						accel.push_back(norm(s.values, i, 3));
				if (s.key == FourCC("CORI") || s.key == FourCC("IORI")) {
					for (std::size_t i = 0; i < n; i++, quaternions++)
						EXPECT_NEAR(norm(s.values, i, 4), 1.0, 0.01) << s.key.str();
				}
				if (s.key == FourCC("GRAV")) {
					for (std::size_t i = 0; i < n; i++) {
						const double g = norm(s.values, i, 3);
						if (g != 0) { // HERO8 writes zero vectors before the filter settles
							EXPECT_NEAR(g, 1.0, 0.01);
						}
					}
				}
				if (s.key == FourCC("GPS5") || s.key == FourCC("GPS9")) {
					for (std::size_t i = 0; i < n; i++) {
						EXPECT_LE(std::fabs(s.values.number(i, 0)), 90.0);
						EXPECT_LE(std::fabs(s.values.number(i, 1)), 180.0);
						EXPECT_GT(s.values.number(i, 2), -500.0);
						EXPECT_LT(s.values.number(i, 2), 9000.0);
						EXPECT_GE(s.values.number(i, 3), 0.0);
						EXPECT_LT(s.values.number(i, 3), 100.0);
					}
				}
			}
		}
	}
	ASSERT_FALSE(accel.empty());
	std::nth_element(accel.begin(), accel.begin() + accel.size() / 2, accel.end());
	// Vibration on a moving mount only adds to the magnitude (hero6-track: 10.5); a wrong SCAL or
	// a unit mistake would be off by a factor.
	EXPECT_NEAR(accel[accel.size() / 2], 9.81, 1.0);
}

INSTANTIATE_TEST_SUITE_P(Samples, Physics,
			 ::testing::Values("hero5-track.bin", "hero6-track.bin", "hero6+ble-track.bin", "hero7-track.bin",
					   "hero8-grass-track.bin", "hero8-basement-track.bin", "hero11-track.bin",
					   "fusion-track.bin", "karma-track.bin"),
			 [](const ::testing::TestParamInfo<const char *> &info) {
				 std::string n = info.param;
				 std::replace_if(n.begin(), n.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
				 return n;
			 });

// Expectations from gopro-telemetry's own tests on the same files.
TEST(KnownContents, KarmaHasCameraAndDroneDevices)
{
	GPMF_REQUIRE_SAMPLE(path, "karma.raw");
	const Decoded d = decodeTrack(path);
	ASSERT_EQ(d.payloads.size(), 1u);
	std::map<std::string, std::string> devices;
	for (const auto &dev : d.payloads[0].devices)
		devices[dev.idString()] = dev.name;
	EXPECT_EQ(devices, (std::map<std::string, std::string>{{"1", "Camera"}, {"16835857", "GoPro Karma v1.0"}}));
}

TEST(KnownContents, Hero6BleCameraStreams)
{
	GPMF_REQUIRE_SAMPLE(path, "hero6+ble.raw");
	const Decoded d = decodeTrack(path);
	std::vector<std::string> keys;
	for (const auto &s : d.payloads.at(0).devices.at(0).streams)
		if (s.values.sampleCount > 0 || !s.values.fields.empty())
			keys.push_back(s.key.str());
	std::sort(keys.begin(), keys.end());
	EXPECT_EQ(keys, (std::vector<std::string>{"ACCL", "FACE", "FCNM", "GPS5", "GYRO", "ISOE", "SHUT", "WBAL", "WRGB"}));
	ASSERT_EQ(d.payloads[0].devices.size(), 2u);
	EXPECT_EQ(d.payloads[0].devices[1].name, "SENSORB6");
	EXPECT_EQ(d.payloads[0].devices[1].streams.at(0).key.str(), "acc1");
}

// The GPMF documentation quotes measured rates of about 201.9 Hz (ACCL) and 403.8 Hz (GYRO) for
// HERO5's nominal 200 and 400 Hz, and 18.2 Hz for GPS5.
TEST(KnownContents, Hero5MeasuredRates)
{
	GPMF_REQUIRE_SAMPLE(path, "hero5-track.bin");
	const Decoded d = decodeTrack(path);
	std::map<std::string, double> rates;
	for (const auto &s : d.summary.streams)
		rates[s.key.str()] = s.rate;
	EXPECT_NEAR(rates["ACCL"], 202.0, 1.0);
	EXPECT_NEAR(rates["GYRO"], 404.0, 2.0);
	EXPECT_NEAR(rates["GPS5"], 18.2, 0.2);
}

// One Payload reused across every sample, camera after camera (the way the element decodes a
// recording): each record equals the one a fresh decode() writes.
TEST(EverySampleReused, DecodeIntoWritesTheRecordsOfAFreshDecode)
{
	const char *files[] = {"hero11-track.bin", "karma-track.bin", "hero5-track.bin", "fusion-track.bin",
			       "hero7-track.bin", "hero8-basement-track.bin", "hero6+ble-track.bin", "hero6-track.bin",
			       "hero7-udta-gpmf.raw", "hero6-photo-app6.raw", "hero11.raw"};
	Payload reused;
	std::size_t compared = 0;
	for (const char *file : files) {
		GPMF_REQUIRE_SAMPLE(path, file);
		const auto bytes = readFile(path);
		const auto split = splitRawTrack(bytes);
		const auto times = rawTrackTimes(split.payloads);
		Decoder fresh, reusing;
		for (std::size_t i = 0; i < split.payloads.size(); i++) {
			std::string expected, actual;
			writePayloadRecord(expected, fresh.decode(split.payloads[i].bytes, times[i].pts, times[i].duration));
			reusing.decodeInto(reused, split.payloads[i].bytes, times[i].pts, times[i].duration);
			writePayloadRecord(actual, reused);
			ASSERT_EQ(actual, expected) << file << " payload " << i;
			compared++;
		}
	}
	EXPECT_EQ(compared, 679u + 13 + 34 + 15 + 97 + 123 + 11 + 23 + 1 + 1 + 11);
}
