// SPDX-License-Identifier: LGPL-2.1-or-later
// GPS: UTC from GPSU and GPS9, and a flat list of track points from decoded payloads.

#include "gpmf/gps.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "gpmf/timing.h"
#include "precision.h"
#include "utc.h"

namespace gpmf {

namespace {

using detail::daysFromCivil;
using detail::daysInMonth;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// 2000-01-01T00:00:00Z, the GPS9 day origin, in seconds since 1970.
constexpr double kEpoch2000 = 946684800.0;

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
	return v / detail::fieldDivisor(scal->values.numbers, field);
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
	std::int64_t ms;
	if (!detail::utcMilliseconds(secondsSince1970, ms))
		return {};
	std::string out(detail::kUtcTextSize, '0');
	detail::writeUtc(out.data(), ms);
	return out;
}

std::string altitudeReference(const Stream &stream)
{
	if (stream.key != FourCC("GPS5") && stream.key != FourCC("GPS9"))
		return {};
	if (const Property *gpsa = stream.findSticky(FourCC("GPSA"))) {
		std::string text = gpsa->values.joinedText();
		while (!text.empty() && (text.back() == '\0' || text.back() == ' '))
			text.pop_back();
		if (!text.empty())
			return text;
	}
	return "WGS84";
}

int fixFromMavlink(double fixType) noexcept
{
	return !std::isfinite(fixType) ? -1 : fixType >= 3 ? 3 : fixType >= 2 ? 2 : 0;
}

namespace {

// Karma's flight controller GPS (GPRI, MAVLink GPS_RAW_INT: time, lat, lon, alt, eph, epv, speed,
// course, fix, satellites), located by the field names the decoder gave it.
void appendGpriPoints(const Payload &payload, const Stream &stream, std::vector<GpsPoint> &points)
{
	const auto field = [&stream](std::string_view name) -> std::optional<std::size_t> {
		const auto it = std::find(stream.fields.begin(), stream.fields.end(), name);
		if (it == stream.fields.end())
			return std::nullopt;
		return std::size_t(it - stream.fields.begin());
	};
	const auto lat = field("lat"), lon = field("lon"), alt = field("alt"), speed = field("speed");
	const auto fix = field("fix");
	const Values &values = stream.values;
	const std::size_t stride = values.numericFieldCount();
	if (!lat || !lon || !alt || values.textFieldCount() != 0 || stride != stream.fields.size())
		return;
	const std::size_t count = std::min<std::size_t>(values.sampleCount, values.numbers.size() / stride);
	const Property *scal = stream.findSticky(FourCC("SCAL"));
	for (std::size_t i = 0; i < count; i++) {
		GpsPoint p;
		p.lat = scaledValue(stream, scal, i, *lat, stride);
		p.lon = scaledValue(stream, scal, i, *lon, stride);
		if ((p.lat == 0 && p.lon == 0) || !std::isfinite(p.lat) || !std::isfinite(p.lon))
			continue;
		p.alt = scaledValue(stream, scal, i, *alt, stride);
		if (speed)
			p.speed2d = p.speed3d = scaledValue(stream, scal, i, *speed, stride);
		p.time = i < stream.times.size() ? stream.times[i]
						  : spreadTime(payload.pts, payload.duration, i, count, stream.timo);
		p.utc = kNaN; // GPRI's time is the flight controller's clock, not UTC
		if (fix)
			p.fix = fixFromMavlink(scaledValue(stream, scal, i, *fix, stride));
		// GPRI's eph is a horizontal DOP, not the DOP that GPX's pdop and our dop carry: left out.
		p.source = "GPRI";
		points.push_back(std::move(p));
	}
}

} // namespace

namespace {

// gpsPoints() for one device.
std::vector<GpsPoint> gpsPointsOfDevice(const Payload &payload, const Device &device)
{
	std::vector<GpsPoint> points;
	{
		const Stream *gps9 = nullptr;
		const Stream *gps5 = nullptr;
		const Stream *gpri = nullptr;
		for (const Stream &stream : device.streams) {
			if (stream.key == FourCC("GPS9") && !gps9)
				gps9 = &stream;
			else if (stream.key == FourCC("GPS5") && !gps5)
				gps5 = &stream;
			else if (stream.key == FourCC("GPRI") && !gpri)
				gpri = &stream;
		}
		// HERO11 writes the same fixes twice: GPS9 has per-point time, DOP and fix, so it wins.
		if (gps9)
			appendPoints(payload, *gps9, true, points);
		else if (gps5)
			appendPoints(payload, *gps5, false, points);
		else if (gpri)
			appendGpriPoints(payload, *gpri, points);
	}
	return points;
}

} // namespace

std::vector<GpsPoint> gpsPoints(const Payload &payload)
{
	std::vector<GpsPoint> points;
	for (const Device &device : payload.devices) {
		std::vector<GpsPoint> more = gpsPointsOfDevice(payload, device);
		points.insert(points.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
	}
	return points;
}

void GpsTrack::add(const Payload &payload, std::vector<GpsPoint> &out)
{
	for (const Device &device : payload.devices) {
		const std::string id = device.idString();
		bool hasGps9 = false;
		for (const Stream &stream : device.streams)
			hasGps9 = hasGps9 || stream.key == FourCC("GPS9");
		const bool sawGps9 = std::find(devicesWithGps9_.begin(), devicesWithGps9_.end(), id) != devicesWithGps9_.end();
		if (hasGps9 && !sawGps9)
			devicesWithGps9_.push_back(id);
		if (!hasGps9 && sawGps9)
			continue; // a payload without GPS9 from a device that writes it: its GPS5 is a duplicate

		for (GpsPoint &p : gpsPointsOfDevice(payload, device)) {
			if (interval_ > 0 && std::isfinite(p.time)) {
				const double slot = std::floor(p.time / interval_);
				if (slot == lastSlot_)
					continue;
				lastSlot_ = slot;
			}
			out.push_back(std::move(p));
		}
	}
}

void GpsTrack::reset()
{
	lastSlot_ = std::numeric_limits<double>::quiet_NaN();
	devicesWithGps9_.clear();
}

} // namespace gpmf
