// SPDX-License-Identifier: GPL-2.0-or-later
// GPS time parsing and formatting, and track points from decoded payloads.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpmf/decoder.h"
#include "gpmf/gps.h"
#include "gpmf/klv_writer.h"
#include "gpmf/records.h"
#include "gpmf/track_splitter.h"
#include "samples.h"

namespace gpmf {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/*
 * 2017-04-17T17:31:03Z worked out by hand: 47 years 1970..2016 with 12 leap years (1972..2016)
 * give 47 * 365 + 12 = 17167 days; Jan + Feb + Mar 2017 = 90 days, plus 16 days of April:
 * 17273 days = 1492387200 s; 17:31:03 = 63063 s. Total 1492450263 (`date -u -d '2017-04-17
 * 17:31:03' +%s` agrees).
 */
constexpr double kHero5Start = 1492450263.0;
/* 2000-01-01T00:00:00Z = 10957 days (30 years, 7 leap years) * 86400. */
constexpr double k2000 = 946684800.0;
/* 2017-01-01T00:00:00Z = 17167 days * 86400 (see above). */
constexpr double k2017 = 1483228800.0;

TEST(FixFromMavlink, NoneTwoDThreeDAndCorrectedFixes)
{
	// MAVLink GPS_FIX_TYPE: 0 no GPS, 1 no fix, 2 2D, 3 3D, 4 DGPS, 5-6 RTK float/fixed.
	EXPECT_EQ(fixFromMavlink(0), 0);
	EXPECT_EQ(fixFromMavlink(1), 0);
	EXPECT_EQ(fixFromMavlink(2), 2);
	EXPECT_EQ(fixFromMavlink(3), 3);
	EXPECT_EQ(fixFromMavlink(6), 3);
	EXPECT_EQ(fixFromMavlink(std::nan("")), -1);
}

TEST(ParseGpsu, Hero5FirstFix)
{
	auto t = parseGpsu("170417173103.000");
	ASSERT_TRUE(t);
	EXPECT_EQ(*t, kHero5Start);
}

TEST(ParseGpsu, KeepsMilliseconds)
{
	auto t = parseGpsu("170417173103.055");
	ASSERT_TRUE(t);
	EXPECT_NEAR(*t, kHero5Start + 0.055, 1e-6);
	// HERO6 sample: GPSU 180124192801.699. 2018-01-24 = 17167 + 365 + 23 days after 1970.
	auto h6 = parseGpsu("180124192801.699");
	ASSERT_TRUE(h6);
	EXPECT_NEAR(*h6, (17167 + 365 + 23) * 86400.0 + 19 * 3600 + 28 * 60 + 1.699, 1e-6);
}

TEST(ParseGpsu, TrailingNulFromTypeU)
{
	// Type 'U' is 16 bytes; a decoder may hand the string over with its padding.
	auto t = parseGpsu(std::string_view("170417173103.000\0", 17));
	ASSERT_TRUE(t);
	EXPECT_EQ(*t, kHero5Start);
}

TEST(ParseGpsu, RejectsGarbage)
{
	// What cameras write before a lock (gpmf-parser#162), and other malformed strings.
	for (const char *bad : { "5509100082240400", "", "170417173103", "170417173103.0000", "17041717310.000",
				 "1704171731O3.000", "170417173103,000", "17041717310a.000", "-70417173103.000",
				 " 70417173103.000", "170417173103.-00" })
		EXPECT_FALSE(parseGpsu(bad)) << '"' << bad << '"';
}

TEST(ParseGpsu, RejectsOutOfRangeFields)
{
	for (const char *bad : { "170017173103.000", // month 0
				 "171317173103.000", // month 13
				 "170400173103.000", // day 0
				 "170431173103.000", // 31 April
				 "170132173103.000", // 32 January
				 "170229120000.000", // 2017 is not a leap year
				 "210229120000.000", // nor is 2021
				 "170417243103.000", // hour 24
				 "170417176003.000", // minute 60
				 "170417173161.000" }) // second 61
		EXPECT_FALSE(parseGpsu(bad)) << bad;
}

TEST(ParseGpsu, LeapDays)
{
	// 2000 is a leap year (divisible by 400); 2020 and 2024 by 4.
	auto d2000 = parseGpsu("000229000000.000");
	ASSERT_TRUE(d2000);
	EXPECT_EQ(*d2000, k2000 + (31 + 28) * 86400.0);
	auto d2020 = parseGpsu("200229000000.000");
	auto d2020mar = parseGpsu("200301000000.000");
	ASSERT_TRUE(d2020 && d2020mar);
	EXPECT_EQ(*d2020mar - *d2020, 86400.0);
	EXPECT_TRUE(parseGpsu("240229235959.999"));
	// 2017-12-31 is the 365th day of 2017; 2018-01-01 follows it.
	auto newYear = parseGpsu("180101000000.000");
	ASSERT_TRUE(newYear);
	EXPECT_EQ(*newYear, k2017 + 365 * 86400.0);
}

// Every day of 2000-2099 against a day counter that walks the calendar one day at a time.
TEST(ParseGpsu, EveryDayOfTheCentury)
{
	const int monthDays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	double expected = k2000;
	for (int year = 2000; year < 2100; year++) {
		for (int month = 1; month <= 12; month++) {
			// Within 2000-2099 every year divisible by 4 is a leap year (2000 included).
			const int days = monthDays[month - 1] + (month == 2 && year % 4 == 0 ? 1 : 0);
			for (int day = 1; day <= days; day++) {
				char gpsu[32];
				std::snprintf(gpsu, sizeof(gpsu), "%02d%02d%02d120000.000", year % 100, month, day);
				auto t = parseGpsu(gpsu);
				ASSERT_TRUE(t) << gpsu;
				ASSERT_EQ(*t, expected + 12 * 3600) << gpsu;

				char iso[48];
				std::snprintf(iso, sizeof(iso), "%04d-%02d-%02dT12:00:00.000Z", year, month, day);
				ASSERT_EQ(formatUtc(*t), iso);
				expected += 86400;
			}
		}
	}
	// 100 years with 25 leap days.
	EXPECT_EQ(expected, k2000 + (100 * 365 + 25) * 86400.0);
}

TEST(Gps9Utc, DaysSince2000)
{
	EXPECT_EQ(gps9Utc(0, 0), k2000);
	/*
	 * HERO11 sample, GPSU 220920132938.299. 2000-01-01 to 2022-01-01: 22 years with 6 leap years
	 * (2000..2020) = 8036 days; Jan..Aug 2022 = 243 days, plus 19: day 8298. 13:29:38.299 =
	 * 48578.299 s. `date -u -d '2022-09-20 13:29:38' +%s` = 1663680578.
	 */
	EXPECT_NEAR(gps9Utc(8298, 48578.299), 1663680578.299, 1e-6);
	EXPECT_EQ(formatUtc(gps9Utc(8298, 48578.299)), "2022-09-20T13:29:38.299Z");
	auto gpsu = parseGpsu("220920132938.299");
	ASSERT_TRUE(gpsu);
	EXPECT_NEAR(gps9Utc(8298, 48578.299), *gpsu, 1e-6);
	// Day 8294 is four days earlier: 2022-09-16.
	EXPECT_EQ(formatUtc(gps9Utc(8294, 0)), "2022-09-16T00:00:00.000Z");
}

TEST(FormatUtc, Iso8601WithMilliseconds)
{
	EXPECT_EQ(formatUtc(0), "1970-01-01T00:00:00.000Z");
	EXPECT_EQ(formatUtc(kHero5Start), "2017-04-17T17:31:03.000Z");
	EXPECT_EQ(formatUtc(*parseGpsu("170417173103.055")), "2017-04-17T17:31:03.055Z");
	EXPECT_EQ(formatUtc(k2000 + (31 + 28) * 86400.0), "2000-02-29T00:00:00.000Z");
	EXPECT_EQ(formatUtc(-0.5), "1969-12-31T23:59:59.500Z");
}

TEST(FormatUtc, RoundsToMillisecondsWithCarry)
{
	// gopro2gpx's third HERO5 point: 17:31:03 + 2/18 s = .111111 s.
	EXPECT_EQ(formatUtc(kHero5Start + 2.0 / 18), "2017-04-17T17:31:03.111Z");
	EXPECT_EQ(formatUtc(kHero5Start + 1.0 / 18), "2017-04-17T17:31:03.056Z");
	// The carry runs through seconds, minutes, hours, the day, the month and the year.
	EXPECT_EQ(formatUtc(kHero5Start + 56.9996), "2017-04-17T17:32:00.000Z");
	EXPECT_EQ(formatUtc(k2017 - 0.0003), "2017-01-01T00:00:00.000Z");
	EXPECT_EQ(formatUtc(k2017 - 0.0006), "2016-12-31T23:59:59.999Z");
	EXPECT_EQ(formatUtc(k2017 + 0.0004), "2017-01-01T00:00:00.000Z");
}

// Every day from 1600 to 2399 (full Gregorian leap rule, two 400-year eras, dates before 1970)
// against a calendar walked one day at a time; day 0 is wherever the walk meets 1970-01-01.
TEST(FormatUtc, EveryDayFrom1600To2399)
{
	const int monthDays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	std::vector<std::string> dates;
	for (int year = 1600; year < 2400; year++) {
		const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
		for (int month = 1; month <= 12; month++) {
			const int days = monthDays[month - 1] + (month == 2 && leap ? 1 : 0);
			for (int day = 1; day <= days; day++) {
				char iso[48];
				std::snprintf(iso, sizeof(iso), "%04d-%02d-%02dT00:00:00.000Z", year, month, day);
				dates.push_back(iso);
			}
		}
	}
	const auto epoch = std::find(dates.begin(), dates.end(), "1970-01-01T00:00:00.000Z");
	ASSERT_NE(epoch, dates.end());
	const std::ptrdiff_t epochIndex = epoch - dates.begin();
	for (std::size_t i = 0; i < dates.size(); i++)
		ASSERT_EQ(formatUtc(double(std::ptrdiff_t(i) - epochIndex) * 86400.0), dates[i]);
}

TEST(FormatUtc, EmptyForUnrepresentable)
{
	EXPECT_EQ(formatUtc(kNaN), "");
	EXPECT_EQ(formatUtc(std::numeric_limits<double>::infinity()), "");
	EXPECT_EQ(formatUtc(1e300), "");
	EXPECT_EQ(formatUtc(-1e300), "");
}

// Hand-built payloads, laid out as the Decoder leaves them: scaled values, times and UTC filled.

Values numericValues(std::size_t fields, std::vector<double> numbers)
{
	Values v;
	v.type = 'l';
	v.setFields(FieldList(fields, Field{ 'l', 4 }));
	v.sampleCount = std::uint32_t(numbers.size() / fields);
	v.numbers = std::move(numbers);
	return v;
}

Property numberProperty(FourCC key, char type, std::vector<double> numbers)
{
	Property p;
	p.key = key;
	p.values.type = type;
	p.values.setFields({ Field{ type, 4 } });
	p.values.sampleCount = std::uint32_t(numbers.size());
	p.values.numbers = std::move(numbers);
	return p;
}

Stream gps5Stream()
{
	Stream s;
	s.key = FourCC("GPS5");
	s.sticky.push_back(numberProperty(FourCC("GPSF"), 'L', { 3 }));
	s.sticky.push_back(numberProperty(FourCC("GPSP"), 'S', { 213 }));
	s.sticky.push_back(numberProperty(FourCC("SCAL"), 'l', { 1e7, 1e7, 1000, 1000, 100 }));
	// The first three points of the HERO5 track, with a zero (no data) point in the middle.
	s.values = numericValues(5, { 33.1264969, -117.3273542, -20.184, 0.167, 0.16,
				      0, 0, 0, 0, 0,
				      33.1264968, -117.3273541, -20.102, 0.162, 0.14 });
	s.times = { 10.0, 10.0 + 1.0 / 18, 10.0 + 2.0 / 18 };
	s.utc = { kHero5Start, kHero5Start + 1.0 / 18, kHero5Start + 2.0 / 18 };
	return s;
}

Stream gps9Stream()
{
	Stream s;
	s.key = FourCC("GPS9");
	s.sticky.push_back(numberProperty(FourCC("SCAL"), 'l', { 1e7, 1e7, 1000, 1000, 100, 1, 1000, 100, 1 }));
	// lat, lon, alt, speed2d, speed3d, days, secs, dop, fix: 2022-09-20T13:29:38.299Z, then 0.1 s later.
	s.values = numericValues(9, { 44.7261443, 6.6026374, 1810.5, 1.25, 1.3, 8298, 48578.299, 1.57, 3,
				      44.7261450, 6.6026380, 1810.6, 1.27, 1.31, 8298, 48578.399, 2.5, 2 });
	s.times = { 0.5, 0.6 };
	s.utc = { gps9Utc(8298, 48578.299), gps9Utc(8298, 48578.399) };
	return s;
}

Payload payloadWith(std::vector<Stream> streams)
{
	Payload p;
	p.pts = 10;
	p.duration = 1;
	Device d;
	d.id = 1;
	d.name = "Camera";
	d.streams = std::move(streams);
	p.devices.push_back(std::move(d));
	return p;
}

TEST(GpsPoints, Gps5WithStickyFixAndDop)
{
	const auto points = gpsPoints(payloadWith({ gps5Stream() }));
	ASSERT_EQ(points.size(), 2u); // the zero point is left out
	EXPECT_EQ(points[0].source, "GPS5");
	EXPECT_EQ(points[0].lat, 33.1264969);
	EXPECT_EQ(points[0].lon, -117.3273542);
	EXPECT_EQ(points[0].alt, -20.184);
	EXPECT_EQ(points[0].speed2d, 0.167);
	EXPECT_EQ(points[0].speed3d, 0.16);
	EXPECT_EQ(points[0].fix, 3);
	EXPECT_DOUBLE_EQ(points[0].dop, 2.13);
	EXPECT_EQ(points[0].time, 10.0);
	EXPECT_EQ(points[0].utc, kHero5Start);
	// The third sample keeps its own time and UTC, not the skipped one's.
	EXPECT_EQ(points[1].lat, 33.1264968);
	EXPECT_EQ(points[1].time, 10.0 + 2.0 / 18);
	EXPECT_EQ(formatUtc(points[1].utc), "2017-04-17T17:31:03.111Z");
	EXPECT_EQ(points[1].fix, 3);
}

TEST(GpsPoints, Gps5WithoutStickyOrUtc)
{
	Stream s = gps5Stream();
	s.sticky.clear();
	s.utc.clear();
	s.times.clear();
	const auto points = gpsPoints(payloadWith({ s }));
	ASSERT_EQ(points.size(), 2u);
	EXPECT_EQ(points[0].fix, -1);
	EXPECT_EQ(points[0].dop, -1);
	EXPECT_TRUE(std::isnan(points[0].utc));
	// Without Decoder times, the samples are spread over the payload: 10 + i/3 s.
	EXPECT_DOUBLE_EQ(points[0].time, 10.0);
	EXPECT_DOUBLE_EQ(points[1].time, 10.0 + 2.0 / 3);
}

TEST(GpsPoints, Gps9PerSampleFixAndDop)
{
	const auto points = gpsPoints(payloadWith({ gps9Stream() }));
	ASSERT_EQ(points.size(), 2u);
	EXPECT_EQ(points[0].source, "GPS9");
	EXPECT_EQ(points[0].lat, 44.7261443);
	EXPECT_EQ(points[0].lon, 6.6026374);
	EXPECT_EQ(points[0].alt, 1810.5);
	EXPECT_EQ(points[0].speed2d, 1.25);
	EXPECT_EQ(points[0].speed3d, 1.3);
	EXPECT_EQ(points[0].dop, 1.57);
	EXPECT_EQ(points[0].fix, 3);
	EXPECT_EQ(points[0].time, 0.5);
	EXPECT_EQ(formatUtc(points[0].utc), "2022-09-20T13:29:38.299Z");
	EXPECT_EQ(points[1].dop, 2.5);
	EXPECT_EQ(points[1].fix, 2);
	EXPECT_EQ(formatUtc(points[1].utc), "2022-09-20T13:29:38.399Z");
}

TEST(GpsPoints, Gps9DateUsedWhenNoUtcWasGiven)
{
	Stream s = gps9Stream();
	s.utc.clear();
	const auto points = gpsPoints(payloadWith({ s }));
	ASSERT_EQ(points.size(), 2u);
	EXPECT_NEAR(points[0].utc, 1663680578.299, 1e-6);
}

TEST(GpsPoints, Gps9WinsOverGps5)
{
	// HERO11 writes both; GPS5 first in the file must not matter.
	const auto points = gpsPoints(payloadWith({ gps5Stream(), gps9Stream() }));
	ASSERT_EQ(points.size(), 2u);
	for (const GpsPoint &p : points)
		EXPECT_EQ(p.source, "GPS9");
}

TEST(GpsPoints, EachDeviceOnItsOwn)
{
	Payload p = payloadWith({ gps9Stream() });
	Device other;
	other.id = 16778241;
	other.streams.push_back(gps5Stream());
	p.devices.push_back(other);
	const auto points = gpsPoints(p);
	ASSERT_EQ(points.size(), 4u);
	EXPECT_EQ(points[0].source, "GPS9");
	EXPECT_EQ(points[1].source, "GPS9");
	EXPECT_EQ(points[2].source, "GPS5");
	EXPECT_EQ(points[3].source, "GPS5");
}

TEST(GpsPoints, RawValuesAreScaledWithScal)
{
	Stream s = gps5Stream();
	s.raw = true;
	s.values = numericValues(5, { 331264969, -1173273542, -20184, 167, 16 });
	auto points = gpsPoints(payloadWith({ s }));
	ASSERT_EQ(points.size(), 1u);
	EXPECT_DOUBLE_EQ(points[0].lat, 33.1264969);
	EXPECT_DOUBLE_EQ(points[0].lon, -117.3273542);
	EXPECT_DOUBLE_EQ(points[0].alt, -20.184);
	EXPECT_DOUBLE_EQ(points[0].speed2d, 0.167);
	EXPECT_DOUBLE_EQ(points[0].speed3d, 0.16);
	// GPSP is not covered by SCAL: still DOP × 100.
	EXPECT_DOUBLE_EQ(points[0].dop, 2.13);

	// One SCAL value for every field.
	s.sticky = { numberProperty(FourCC("SCAL"), 'l', { 10 }) };
	s.values = numericValues(5, { 331, -1173, -201, 16, 15 });
	points = gpsPoints(payloadWith({ s }));
	ASSERT_EQ(points.size(), 1u);
	EXPECT_DOUBLE_EQ(points[0].lat, 33.1);
	EXPECT_DOUBLE_EQ(points[0].speed3d, 1.5);

	Stream g = gps9Stream();
	g.raw = true;
	g.utc.clear();
	g.values = numericValues(9, { 447261443, 66026374, 1810500, 1250, 130, 8298, 48578299, 157, 3 });
	points = gpsPoints(payloadWith({ g }));
	ASSERT_EQ(points.size(), 1u);
	EXPECT_DOUBLE_EQ(points[0].lat, 44.7261443);
	EXPECT_DOUBLE_EQ(points[0].dop, 1.57);
	EXPECT_EQ(formatUtc(points[0].utc), "2022-09-20T13:29:38.299Z");
}

TEST(GpsPoints, MalformedStreamsGiveNoPoints)
{
	// Too few fields for GPS5, and fewer numbers than sampleCount says: nothing read out of bounds.
	Stream narrow = gps5Stream();
	narrow.values = numericValues(3, { 33.1, -117.3, 10 });
	EXPECT_TRUE(gpsPoints(payloadWith({ narrow })).empty());

	Stream shortData = gps5Stream();
	shortData.values.sampleCount = 1000;
	EXPECT_EQ(gpsPoints(payloadWith({ shortData })).size(), 2u);

	Stream empty;
	empty.key = FourCC("GPS9");
	EXPECT_TRUE(gpsPoints(payloadWith({ empty })).empty());
	EXPECT_TRUE(gpsPoints(Payload{}).empty());
}

// Real tracks against the points juanmcasillas/gopro2gpx extracted from the same dumps.

struct ReferencePoint {
	double lat, lon, alt, utc, speed;
	std::string source;
};

double parseNumber(std::string_view s)
{
	double v = kNaN;
	std::from_chars(s.data(), s.data() + s.size(), v);
	return v;
}

// gopro2gpx's "2017-04-17T17:31:03.055556Z" in seconds since 1970: the whole seconds through
// parseGpsu (checked against independent values above), the microseconds added.
double parseReferenceTime(const std::string &iso)
{
	if (iso.size() < 21 || iso[19] != '.')
		return kNaN;
	const std::string gpsu = iso.substr(2, 2) + iso.substr(5, 2) + iso.substr(8, 2) + iso.substr(11, 2) +
				 iso.substr(14, 2) + iso.substr(17, 2) + ".000";
	const auto whole = parseGpsu(gpsu);
	const std::size_t end = iso.find('Z');
	return whole ? *whole + parseNumber("0" + iso.substr(19, end - 19)) : kNaN;
}

// Columns: "latitude","longitude","elevation","time","hr","name","cadence","speed",...
std::vector<ReferencePoint> readGopro2gpxCsv(const std::filesystem::path &path)
{
	std::vector<ReferencePoint> points;
	std::ifstream in(path);
	std::string line;
	std::getline(in, line); // header
	while (std::getline(in, line)) {
		std::vector<std::string> cells;
		for (std::size_t pos = 0; pos < line.size();) {
			const std::size_t open = line.find('"', pos);
			const std::size_t close = open == std::string::npos ? open : line.find('"', open + 1);
			if (close == std::string::npos)
				break;
			cells.push_back(line.substr(open + 1, close - open - 1));
			pos = close + 1;
		}
		if (cells.size() < 8)
			continue;
		points.push_back({ parseNumber(cells[0]), parseNumber(cells[1]), parseNumber(cells[2]),
				   parseReferenceTime(cells[3]), parseNumber(cells[7]), cells[5] });
	}
	return points;
}

// A raw gpmd dump decoded the way the tools do: 1 s per payload, unless STMP says otherwise.
std::vector<GpsPoint> decodeTrack(const std::filesystem::path &path, const DecodeOptions &options = {})
{
	const std::vector<std::uint8_t> data = test::readFile(path);
	const SplitResult split = splitRawTrack(data);
	EXPECT_FALSE(split.error);
	const std::vector<PayloadTime> times = rawTrackTimes(split.payloads);
	EXPECT_EQ(times.size(), split.payloads.size());
	Decoder decoder(options);
	std::vector<GpsPoint> points;
	for (std::size_t i = 0; i < split.payloads.size() && i < times.size(); i++) {
		const Payload payload = decoder.decode(split.payloads[i].bytes, times[i].pts, times[i].duration);
		for (GpsPoint &p : gpsPoints(payload))
			points.push_back(std::move(p));
	}
	return points;
}

TEST(GpsRealTracks, Hero5MatchesGopro2gpx)
{
	GPMF_REQUIRE_SAMPLE(track, "hero5-track.bin");
	GPMF_REQUIRE_SAMPLE(csv, "expected/gopro2gpx/hero5-track.csv");
	const auto reference = readGopro2gpxCsv(csv);
	const auto points = decodeTrack(track);
	ASSERT_EQ(reference.size(), 618u);
	ASSERT_EQ(points.size(), reference.size());
	EXPECT_EQ(points.front().utc, kHero5Start);

	/*
	 * gopro2gpx dates sample i of a payload GPSU + i/18 s. The Decoder spreads each payload's
	 * samples over its own duration, and HERO5 payloads hold 17 to 19 samples: the last sample of
	 * a 19-sample payload is 18/19 s after GPSU here and 18/18 s there, 0.053 s apart. The first
	 * sample of every payload is GPSU in both.
	 */
	double worstUtc = 0;
	for (std::size_t i = 0; i < points.size(); i++) {
		const GpsPoint &p = points[i];
		const ReferencePoint &r = reference[i];
		EXPECT_EQ(p.source, "GPS5");
		EXPECT_EQ(r.source, "GPS5");
		EXPECT_NEAR(p.lat, r.lat, 1e-7) << "point " << i;
		EXPECT_NEAR(p.lon, r.lon, 1e-7) << "point " << i;
		EXPECT_NEAR(p.alt, r.alt, 1e-3) << "point " << i;
		EXPECT_NEAR(p.speed2d, r.speed, 1e-3) << "point " << i; // gopro2gpx's speed is the 2D one
		EXPECT_NEAR(p.utc, r.utc, 0.06) << "point " << i;
		EXPECT_EQ(p.fix, 3) << "point " << i; // GPSF is 3 throughout this clip
		EXPECT_GT(p.dop, 0) << "point " << i;
		worstUtc = std::max(worstUtc, std::fabs(p.utc - r.utc));
	}
	// The spread above accounts for all of it: no payload is shifted by a whole sample or more.
	EXPECT_LT(worstUtc, 1.0 / 18);
}

TEST(GpsRealTracks, Hero11KeepsGps9Only)
{
	GPMF_REQUIRE_SAMPLE(track, "hero11-track.bin");
	GPMF_REQUIRE_SAMPLE(csv, "expected/gopro2gpx/hero11-track.csv");
	// gopro2gpx writes every HERO11 fix twice, from GPS5 and GPS9 (its issue #62): compare with
	// its GPS9 rows, which carry the same per-sample date and time as ours.
	std::vector<ReferencePoint> reference;
	for (ReferencePoint &r : readGopro2gpxCsv(csv))
		if (r.source == "GPS9")
			reference.push_back(std::move(r));
	const auto points = decodeTrack(track);
	ASSERT_EQ(reference.size(), 679u);
	ASSERT_EQ(points.size(), reference.size());
	for (std::size_t i = 0; i < points.size(); i++) {
		const GpsPoint &p = points[i];
		const ReferencePoint &r = reference[i];
		EXPECT_EQ(p.source, "GPS9");
		EXPECT_NEAR(p.lat, r.lat, 1e-7) << "point " << i;
		EXPECT_NEAR(p.lon, r.lon, 1e-7) << "point " << i;
		EXPECT_NEAR(p.alt, r.alt, 1e-3) << "point " << i;
		EXPECT_NEAR(p.speed2d, r.speed, 1e-3) << "point " << i;
		EXPECT_NEAR(p.utc, r.utc, 1e-3) << "point " << i;
		EXPECT_TRUE(p.fix == 0 || p.fix == 2 || p.fix == 3) << "point " << i;
	}
	EXPECT_EQ(formatUtc(points.front().utc), "2025-01-07T10:33:02.100Z");
}

// With raw values the SCAL divisors are applied by gpsPoints itself: the same points come out.
TEST(GpsRealTracks, RawDecodeGivesTheSamePoints)
{
	GPMF_REQUIRE_SAMPLE(hero5, "hero5-track.bin");
	GPMF_REQUIRE_SAMPLE(hero11, "hero11-track.bin");
	DecodeOptions raw;
	raw.raw = true;
	for (const auto &track : { hero5, hero11 }) {
		const auto scaled = decodeTrack(track);
		const auto unscaled = decodeTrack(track, raw);
		ASSERT_FALSE(scaled.empty());
		ASSERT_EQ(unscaled.size(), scaled.size()) << track;
		for (std::size_t i = 0; i < scaled.size(); i++) {
			EXPECT_DOUBLE_EQ(unscaled[i].lat, scaled[i].lat) << track << " point " << i;
			EXPECT_DOUBLE_EQ(unscaled[i].lon, scaled[i].lon) << track << " point " << i;
			EXPECT_DOUBLE_EQ(unscaled[i].alt, scaled[i].alt) << track << " point " << i;
			EXPECT_DOUBLE_EQ(unscaled[i].speed3d, scaled[i].speed3d) << track << " point " << i;
			EXPECT_DOUBLE_EQ(unscaled[i].dop, scaled[i].dop) << track << " point " << i;
			EXPECT_EQ(unscaled[i].fix, scaled[i].fix) << track << " point " << i;
		}
	}
}

} // namespace
} // namespace gpmf

namespace {

// One payload of GPS5 at 10 Hz: these latitudes (degrees), longitude 4.869°, 1 s long.
std::vector<std::uint8_t> gps5Payload(std::initializer_list<double> latitudes)
{
	gpmf::KlvWriter w;
	w.begin(gpmf::FourCC("DEVC"));
	w.integers(gpmf::FourCC("DVID"), 'L', {1});
	w.begin(gpmf::FourCC("STRM"));
	w.integers(gpmf::FourCC("SCAL"), 'l', {10000000, 10000000, 1000, 1000, 100});
	std::vector<std::int64_t> values;
	for (double lat : latitudes)
		values.insert(values.end(), {std::int64_t(lat * 1e7), 48690000, 30000, 5000, 500});
	w.integers(gpmf::FourCC("GPS5"), 'l', values, 5);
	w.end();
	w.end();
	return w.take();
}

std::vector<double> keptLatitudes(const gpmf::Payload &p)
{
	std::vector<double> lats;
	for (const auto &point : gpmf::gpsPoints(p))
		lats.push_back(point.lat);
	return lats;
}

} // namespace

// 0.00001° of latitude is 1.1 m: these rides go 11 m/s (40 km/h).
TEST(GpsJumps, AnImpossibleJumpIsDroppedAndCounted)
{
	gpmf::DecodeOptions options;
	options.maxGpsSpeed = 100; // m/s
	gpmf::Decoder decoder(options);
	const gpmf::Payload p = decoder.decode(
	    gps5Payload({52.0, 52.00001, 52.00002, 52.5, 52.00004, 52.00005, 52.00006, 52.00007, 52.00008, 52.00009}), 0,
	    1);
	const std::vector<double> lats = keptLatitudes(p);
	ASSERT_EQ(lats.size(), 9u);
	EXPECT_EQ(std::count(lats.begin(), lats.end(), 52.5), 0);
	EXPECT_EQ(decoder.summary().streams.at(0).gpsOutliers, 1u);
	std::string json;
	gpmf::writeSummaryRecord(json, decoder.summary());
	EXPECT_NE(json.find("\"gps_outliers\":1"), std::string::npos) << json;
}

TEST(GpsJumps, ATrackThatReallyMovedIsFollowedAfterThreePoints)
{
	gpmf::DecodeOptions options;
	options.maxGpsSpeed = 100;
	gpmf::Decoder decoder(options);
	// A tunnel: the receiver comes back 2.2 km further on and the ride goes on from there.
	decoder.decode(gps5Payload({52.0, 52.00001, 52.00002, 52.00003, 52.00004}), 0, 0.5);
	const gpmf::Payload p = decoder.decode(gps5Payload({52.02, 52.02001, 52.02002, 52.02003, 52.02004}), 0.5, 0.5);
	EXPECT_EQ(keptLatitudes(p), (std::vector<double>{52.02002, 52.02003, 52.02004}));
	EXPECT_EQ(decoder.summary().streams.at(0).gpsOutliers, 2u);
}

TEST(GpsJumps, OffByDefault)
{
	gpmf::Decoder decoder;
	const gpmf::Payload p = decoder.decode(gps5Payload({52.0, 52.5, 52.0}), 0, 1);
	EXPECT_EQ(keptLatitudes(p).size(), 3u);
	std::string json;
	gpmf::writeSummaryRecord(json, decoder.summary());
	EXPECT_EQ(json.find("gps_outliers"), std::string::npos);
}

namespace {

// 2019-11-18T23:45:14Z, the MAX sample's first GPSU.
constexpr double kGpsu = 1574120714.0;

// Times of n fixes spread over one payload [pts, pts + duration), as the Decoder gives them.
std::vector<double> fixTimes(double pts, std::size_t n, double duration = 1.001)
{
	std::vector<double> t;
	for (std::size_t i = 0; i < n; i++)
		t.push_back(pts + duration * double(i) / double(n));
	return t;
}

struct Timed {
	std::vector<double> utc;
	std::vector<std::string> problems;
};

// Feeds payloads of `counts` fixes, 1.001 s apart, with the given GPSUs.
std::vector<Timed> timeFixes(gpmf::GpsClock &clock, const std::vector<std::size_t> &counts,
			     const std::vector<double> &gpsus, const std::vector<std::uint64_t> &stmps = {})
{
	std::vector<Timed> out;
	double before = 0;
	for (std::size_t p = 0; p < counts.size(); p++) {
		Timed t;
		const std::vector<double> times = fixTimes(1.001 * double(p), counts[p]);
		clock.time(gpsus[p], times, p < stmps.size() ? std::optional<std::uint64_t>(stmps[p]) : std::nullopt, before,
			   t.utc, t.problems);
		before += double(counts[p]);
		out.push_back(std::move(t));
	}
	return out;
}

} // namespace

// HERO5's receiver gives a fix every 55 ms and each GPSU is the first fix's time: 17 fixes then
// a GPSU 0.935 s later, 19 then 1.045 s. Once two GPSUs are known, each payload's fixes are
// 55 ms apart and end before the next GPSU.
TEST(GpsClock, FixesComeAtTheReceiversPeriodFromGpsuToGpsu)
{
	gpmf::GpsClock clock;
	const auto timed = timeFixes(clock, {17, 19, 18}, {kGpsu, kGpsu + 0.935, kGpsu + 1.980});
	EXPECT_NEAR(clock.period(), 0.055, 1e-9);
	// The first payload, before a second GPSU, takes the timeline's spacing (1.001 s / 17).
	EXPECT_EQ(timed[0].utc[0], kGpsu);
	EXPECT_NEAR(timed[0].utc[16] - timed[0].utc[0], 16 * 1.001 / 17, 1e-6);
	// ... which ends 7 ms after the next GPSU: that payload's first fix is put after it, the rest
	// are at their GPSU + j * 55 ms.
	EXPECT_GT(timed[1].utc[0], timed[0].utc[16]);
	EXPECT_LT(timed[1].utc[0], timed[1].utc[1]);
	for (std::size_t j = 1; j < 19; j++)
		EXPECT_NEAR(timed[1].utc[j], kGpsu + 0.935 + 0.055 * double(j), 1e-6) << j;
	EXPECT_NEAR(timed[1].utc[18], kGpsu + 1.925, 1e-6); // 55 ms before the next GPSU
	EXPECT_NEAR(timed[2].utc[0], kGpsu + 1.980, 1e-9);
	for (const auto &t : timed)
		EXPECT_TRUE(t.problems.empty()) << t.problems.front();
}

// The MAX sample: a first GPSU 23:45:14.000, then 23:45:16.470 with STMP 0.938 s later
// (17 fixes of 55 ms): the first was 1.5 s early. Said when the second comes; timing goes on
// from the second.
TEST(GpsClock, AFirstGpsuTheNextContradictsIsReported)
{
	gpmf::GpsClock clock;
	const auto timed =
	    timeFixes(clock, {17, 18, 19}, {kGpsu, kGpsu + 2.470, kGpsu + 3.460}, {101994, 1039682, 2026210});
	EXPECT_TRUE(timed[0].problems.empty());
	ASSERT_EQ(timed[1].problems.size(), 1u);
	EXPECT_EQ(timed[1].problems[0], "GPSU 2019-11-18T23:45:16.470Z is 2.470 s after the previous GPSU "
					"(2019-11-18T23:45:14.000Z), which the camera's clock does not allow: the "
					"previous one was wrong, and so were the UTC times of its GPS5 samples");
	EXPECT_EQ(timed[1].utc[0], kGpsu + 2.470);
	EXPECT_TRUE(timed[2].problems.empty());
	EXPECT_NEAR(timed[2].utc[0], kGpsu + 3.460, 1e-9);
	EXPECT_NEAR(clock.period(), 0.055, 1e-9);
}

// A GPSU 3 s off a clock that held for three payloads is left out; the one after, which agrees
// with the clock again, is taken.
TEST(GpsClock, AGpsuAgainstAnEstablishedClockIsLeftOut)
{
	gpmf::GpsClock clock;
	const auto timed = timeFixes(clock, {18, 18, 18, 18, 18},
				     {kGpsu, kGpsu + 0.990, kGpsu + 1.980, kGpsu + 5.970, kGpsu + 3.960});
	ASSERT_EQ(timed[3].problems.size(), 1u);
	EXPECT_NE(timed[3].problems[0].find("GPSU 2019-11-18T23:45:19.970Z is 3.990 s after the last GPSU taken "
					    "(2019-11-18T23:45:15.980Z)"),
		  std::string::npos)
		<< timed[3].problems[0];
	EXPECT_TRUE(std::all_of(timed[3].utc.begin(), timed[3].utc.end(), [](double u) { return std::isnan(u); }));
	EXPECT_TRUE(timed[4].problems.empty());
	EXPECT_NEAR(timed[4].utc[0], kGpsu + 3.960, 1e-9);
}

// A receiver that learns the leap seconds jumps 18 s for good: the first GPSU after the jump is
// left out, the second agrees with it and the clock follows.
TEST(GpsClock, TwoGpsusThatAgreeWithEachOtherMoveTheClock)
{
	gpmf::GpsClock clock;
	const auto timed = timeFixes(clock, {18, 18, 18, 18, 18},
				     {kGpsu, kGpsu + 0.990, kGpsu + 1.980 + 18, kGpsu + 2.970 + 18, kGpsu + 3.960 + 18});
	EXPECT_EQ(timed[2].problems.size(), 1u);
	EXPECT_TRUE(std::isnan(timed[2].utc[0]));
	EXPECT_TRUE(timed[3].problems.empty());
	EXPECT_NEAR(timed[3].utc[0], kGpsu + 2.970 + 18, 1e-9);
	EXPECT_NEAR(timed[4].utc[0], kGpsu + 3.960 + 18, 1e-9);
}

// 20 fixes in a payload whose next GPSU comes 0.935 s (17 fixes) later: the next payload's first
// fixes would come up to 110 ms (2 periods) before the last one given. The camera contradicts
// itself: those get no UTC, and it is said.
TEST(GpsClock, MoreFixesThanTheGpsTimeAllowsHaveNoUtc)
{
	gpmf::GpsClock clock;
	const auto timed =
	    timeFixes(clock, {18, 18, 20, 18}, {kGpsu, kGpsu + 0.990, kGpsu + 1.980, kGpsu + 2.915});
	ASSERT_EQ(timed[3].problems.size(), 1u);
	EXPECT_NE(timed[3].problems[0].find("3 fixes of this payload would be timed up to 0.110 s before the last "
					    "UTC given"),
		  std::string::npos)
		<< timed[3].problems[0];
	EXPECT_TRUE(std::isnan(timed[3].utc[0]) && std::isnan(timed[3].utc[2]));
	EXPECT_GT(timed[3].utc[3], timed[2].utc[19]);
}

// GPS9 gives each fix its own time: one that goes back is left out, not moved.
TEST(GpsClock, Gps9TimesThatGoBackAreLeftOut)
{
	gpmf::GpsClock clock;
	std::vector<std::string> problems;
	std::vector<double> first{kGpsu, kGpsu + 0.1}, second{kGpsu + 0.05, kGpsu + 0.2};
	clock.keepOrder(first, problems);
	clock.keepOrder(second, problems);
	EXPECT_TRUE(std::isnan(second[0]));
	EXPECT_EQ(second[1], kGpsu + 0.2);
	ASSERT_EQ(problems.size(), 1u);
	EXPECT_EQ(problems[0], "1 fix of this payload is timed before the last UTC given (2019-11-18T23:45:14.100Z); "
			       "it has no UTC");
}

// TZON is minutes east of UTC; the local time keeps the milliseconds and says its offset.
TEST(FormatLocalTime, OffsetsOfWholeAndHalfHoursAcrossMidnight)
{
	const double utc = gpmf::parseUtc("2017-04-17T17:31:03.055Z").value();
	EXPECT_EQ(utc, 1492450263.055);
	EXPECT_EQ(gpmf::formatLocalTime(utc, -420), "2017-04-17T10:31:03.055-07:00");
	EXPECT_EQ(gpmf::formatLocalTime(utc, 330), "2017-04-17T23:01:03.055+05:30");
	EXPECT_EQ(gpmf::formatLocalTime(utc, 0), "2017-04-17T17:31:03.055+00:00");
	EXPECT_EQ(gpmf::formatLocalTime(utc, 600), "2017-04-18T03:31:03.055+10:00");
	EXPECT_EQ(gpmf::formatLocalTime(utc, -570), "2017-04-17T08:01:03.055-09:30");
	EXPECT_EQ(gpmf::formatLocalTime(std::numeric_limits<double>::quiet_NaN(), 60), "");
}

TEST(ParseUtc, OnlyTheFormFormatUtcWrites)
{
	EXPECT_EQ(gpmf::parseUtc("2017-04-17T17:31:03.000Z"), 1492450263.0);
	EXPECT_FALSE(gpmf::parseUtc("2017-04-17T17:31:03Z"));
	EXPECT_FALSE(gpmf::parseUtc("2017-04-17 17:31:03.000Z"));
	EXPECT_FALSE(gpmf::parseUtc("2017-13-17T17:31:03.000Z"));
	EXPECT_FALSE(gpmf::parseUtc("1999-04-17T17:31:03.000Z"));
}

// A TimeWarp recording of a camera without STMP: every 1.001 s payload of video holds 15 s of
// GPS. The first step looks like a wrong first GPSU (it is said: nothing tells them apart), then
// the clocks keep that ratio and every GPSU is taken.
TEST(GpsClock, ATimeWarpKeepsItsRatioAfterTheFirstStep)
{
	gpmf::GpsClock clock;
	const auto timed = timeFixes(clock, {1, 1, 1, 1, 1},
				     {kGpsu, kGpsu + 15.015, kGpsu + 30.030, kGpsu + 45.045, kGpsu + 60.060});
	EXPECT_EQ(timed[1].problems.size(), 1u);
	for (std::size_t p = 2; p < timed.size(); p++) {
		EXPECT_TRUE(timed[p].problems.empty()) << p << ": " << timed[p].problems.front();
		EXPECT_NEAR(timed[p].utc[0], kGpsu + 15.015 * double(p), 1e-6);
	}
}
