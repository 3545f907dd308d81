// SPDX-License-Identifier: LGPL-2.1-or-later
// GPS: UTC from GPSU and GPS9, and a flat list of track points from decoded payloads.

#include "gpmf/gps.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "gpmf/timing.h"

namespace gpmf {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// 2000-01-01T00:00:00Z, the GPS9 day origin, in seconds since 1970.
constexpr double kEpoch2000 = 946684800.0;

constexpr bool isLeapYear(std::int64_t y) noexcept
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr int daysInMonth(std::int64_t y, int m) noexcept
{
	constexpr int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && isLeapYear(y) ? 29 : days[m - 1];
}

// Floor division, so that dates before 1970 and negative times stay on the right day.
constexpr std::int64_t floorDiv(std::int64_t a, std::int64_t b) noexcept
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/*
 * Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. The year is shifted to
 * start in March so that the leap day falls at its end; then a year is 365 days plus the leap
 * days of the full 4-, 100- and 400-year cycles before it.
 */
constexpr std::int64_t daysFromCivil(std::int64_t y, int m, int d) noexcept
{
	const std::int64_t year = m <= 2 ? y - 1 : y;
	const std::int64_t monthFromMarch = m > 2 ? m - 3 : m + 9; // March = 0 ... February = 11
	// Days from March 1 to the first of the month: 153 days per 5 months (31+30+31+30+31).
	const std::int64_t dayOfYear = (153 * monthFromMarch + 2) / 5 + d - 1;
	const std::int64_t days = 365 * year + floorDiv(year, 4) - floorDiv(year, 100) + floorDiv(year, 400) + dayOfYear;
	// The same count for 1970-03-01 minus the 59 days of January and February 1970.
	constexpr std::int64_t days1970 = 365 * 1969 + 1969 / 4 - 1969 / 100 + 1969 / 400 + 306;
	return days - days1970;
}

static_assert(daysFromCivil(1970, 1, 1) == 0);
static_assert(daysFromCivil(2000, 1, 1) == 10957);
static_assert(daysFromCivil(2000, 3, 1) == 10957 + 31 + 29);

struct Civil {
	std::int64_t year;
	int month, day;
};

// The inverse of daysFromCivil: walk 400-year eras, then years, then months.
Civil civilFromDays(std::int64_t days) noexcept
{
	constexpr std::int64_t daysPerEra = 146097; // 400 years
	// Count from 2000-03-01, the start of a 400-year era in the March-based calendar.
	const std::int64_t z = days - daysFromCivil(2000, 3, 1);
	const std::int64_t era = floorDiv(z, daysPerEra);
	const std::int64_t dayOfEra = z - era * daysPerEra; // [0, 146096]
	// Year of the era: take out the leap days of the 4-, 100- and 400-year cycles elapsed so
	// that every year counts 365 days (the era's last day is the 400-year cycle's extra one).
	const std::int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / (daysPerEra - 1)) / 365;
	const std::int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
	const std::int64_t monthFromMarch = (5 * dayOfYear + 2) / 153;
	const int day = int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
	const int month = int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
	const std::int64_t year = 2000 + era * 400 + yearOfEra + (month <= 2 ? 1 : 0);
	return { year, month, day };
}

bool parseDigits(std::string_view s, int &out) noexcept
{
	int v = 0;
	for (char c : s) {
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	out = v;
	return true;
}

/*
 * Copies the numbers of a GPS stream, divided by SCAL when the decoder left them raw. SCAL holds
 * one divisor for all fields or one per field; a zero or missing divisor leaves the value alone.
 */
double scaledValue(const Stream &stream, const Property *scal, std::size_t sample, std::size_t field,
		   std::size_t stride) noexcept
{
	const double v = stream.values.numbers[sample * stride + field];
	if (!stream.raw || !scal || scal->values.numbers.empty())
		return v;
	const std::vector<double> &divisors = scal->values.numbers;
	const double d = divisors.size() == 1 ? divisors[0] : field < divisors.size() ? divisors[field] : 1.0;
	return d != 0 && std::isfinite(d) ? v / d : v;
}

int fixFromNumber(double v) noexcept
{
	return std::isfinite(v) && v >= 0 && v <= 255 ? int(v) : -1;
}

void appendPoints(const Payload &payload, const Stream &stream, bool gps9, std::vector<GpsPoint> &points)
{
	const std::size_t need = gps9 ? 9 : 5;
	const Values &values = stream.values;
	const std::size_t stride = values.numericFieldCount();
	// A stream whose layout does not match GPS5/GPS9 is not trusted for positions.
	if (stride < need || values.textFieldCount() != 0)
		return;
	const std::size_t count = std::min<std::size_t>(values.sampleCount, values.numbers.size() / stride);

	const Property *scal = stream.findSticky(FourCC("SCAL"));
	int stickyFix = -1;
	double stickyDop = -1;
	if (!gps9) {
		if (const Property *gpsf = stream.findSticky(FourCC("GPSF")))
			stickyFix = fixFromNumber(gpsf->values.firstNumber(-1));
		// GPSP is DOP × 100 whatever SCAL says: SCAL applies to the samples only.
		if (const Property *gpsp = stream.findSticky(FourCC("GPSP"))) {
			const double p = gpsp->values.firstNumber(kNaN);
			if (std::isfinite(p) && p >= 0)
				stickyDop = p / 100.0;
		}
	}

	for (std::size_t i = 0; i < count; i++) {
		GpsPoint p;
		p.lat = scaledValue(stream, scal, i, 0, stride);
		p.lon = scaledValue(stream, scal, i, 1, stride);
		if ((p.lat == 0 && p.lon == 0) || !std::isfinite(p.lat) || !std::isfinite(p.lon))
			continue;
		p.alt = scaledValue(stream, scal, i, 2, stride);
		p.speed2d = scaledValue(stream, scal, i, 3, stride);
		p.speed3d = scaledValue(stream, scal, i, 4, stride);

		if (i < stream.times.size())
			p.time = stream.times[i];
		else
			// Decoded without a Decoder: spread the samples over the payload as the spec's naive method.
			p.time = spreadTime(payload.pts, payload.duration, i, count, stream.timo);

		p.utc = i < stream.utc.size() ? stream.utc[i] : kNaN;
		if (gps9) {
			const double days = scaledValue(stream, scal, i, 5, stride);
			const double secs = scaledValue(stream, scal, i, 6, stride);
			// GPS9 carries its own date: use it when the Decoder gave no UTC (a zero day is no fix).
			if (i >= stream.utc.size() && days > 0)
				p.utc = gps9Utc(days, secs);
			const double dop = scaledValue(stream, scal, i, 7, stride);
			p.dop = std::isfinite(dop) && dop >= 0 ? dop : -1;
			p.fix = fixFromNumber(scaledValue(stream, scal, i, 8, stride));
			p.source = "GPS9";
		} else {
			p.fix = stickyFix;
			p.dop = stickyDop;
			p.source = "GPS5";
		}
		points.push_back(std::move(p));
	}
}

} // namespace

std::optional<double> parseGpsu(std::string_view text) noexcept
{
	// 'c' and 'U' strings may be NUL padded; the decoder may also have kept spaces.
	while (!text.empty() && (text.back() == '\0' || text.back() == ' '))
		text.remove_suffix(1);
	if (text.size() != 16 || text[12] != '.')
		return std::nullopt;

	int yy, mo, dd, hh, mi, ss, ms;
	if (!parseDigits(text.substr(0, 2), yy) || !parseDigits(text.substr(2, 2), mo) ||
	    !parseDigits(text.substr(4, 2), dd) || !parseDigits(text.substr(6, 2), hh) ||
	    !parseDigits(text.substr(8, 2), mi) || !parseDigits(text.substr(10, 2), ss) ||
	    !parseDigits(text.substr(13, 3), ms))
		return std::nullopt;

	const int year = 2000 + yy;
	// Second 60 is a leap second, which receivers may report; it maps onto the next minute.
	if (mo < 1 || mo > 12 || dd < 1 || dd > daysInMonth(year, mo) || hh > 23 || mi > 59 || ss > 60)
		return std::nullopt;

	const std::int64_t days = daysFromCivil(year, mo, dd);
	const std::int64_t seconds = days * 86400 + hh * 3600 + mi * 60 + ss;
	// Whole milliseconds, so the sum of the integer and fraction is the double nearest the value.
	return (double(seconds * 1000 + ms)) / 1000.0;
}

double gps9Utc(double daysSince2000, double secondsOfDay) noexcept
{
	return kEpoch2000 + daysSince2000 * 86400.0 + secondsOfDay;
}

std::string formatUtc(double secondsSince1970)
{
	// Years 0000-9999 only: ISO 8601 basic form has four year digits, and beyond that llround overflows.
	constexpr double limit = 253402300800.0; // 10000-01-01T00:00:00Z
	constexpr double lower = -62167219200.0; // 0000-01-01T00:00:00Z
	if (!std::isfinite(secondsSince1970) || secondsSince1970 < lower || secondsSince1970 >= limit)
		return {};

	// Round once to whole milliseconds, so 59.9996 s carries into the next minute (or day).
	const std::int64_t totalMs = std::llround(secondsSince1970 * 1000.0);
	const std::int64_t days = floorDiv(totalMs, 86400000);
	std::int64_t msOfDay = totalMs - days * 86400000;
	const Civil date = civilFromDays(days);
	if (date.year < 0 || date.year > 9999)
		return {};

	const int ms = int(msOfDay % 1000);
	msOfDay /= 1000;
	const int sec = int(msOfDay % 60);
	const int min = int(msOfDay / 60 % 60);
	const int hour = int(msOfDay / 3600);

	// "YYYY-MM-DDTHH:MM:SS.mmmZ", digits written by hand: no locale, and every field is in range.
	std::string out = "0000-00-00T00:00:00.000Z";
	const auto put = [&out](std::size_t pos, int width, std::int64_t value) {
		for (int i = width - 1; i >= 0; i--, value /= 10)
			out[pos + std::size_t(i)] = char('0' + value % 10);
	};
	put(0, 4, date.year);
	put(5, 2, date.month);
	put(8, 2, date.day);
	put(11, 2, hour);
	put(14, 2, min);
	put(17, 2, sec);
	put(20, 3, ms);
	return out;
}

std::vector<GpsPoint> gpsPoints(const Payload &payload)
{
	std::vector<GpsPoint> points;
	for (const Device &device : payload.devices) {
		const Stream *gps9 = nullptr;
		const Stream *gps5 = nullptr;
		for (const Stream &stream : device.streams) {
			if (stream.key == FourCC("GPS9") && !gps9)
				gps9 = &stream;
			else if (stream.key == FourCC("GPS5") && !gps5)
				gps5 = &stream;
		}
		// HERO11 writes the same fixes twice: GPS9 has per-point time, DOP and fix, so it wins.
		if (gps9)
			appendPoints(payload, *gps9, true, points);
		else if (gps5)
			appendPoints(payload, *gps5, false, points);
	}
	return points;
}

} // namespace gpmf
