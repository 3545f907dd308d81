// SPDX-License-Identifier: LGPL-2.1-or-later
// GPS: UTC from GPSU and GPS9, and a flat list of track points from decoded payloads.

#include "gpmf/gps.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
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

std::string formatLocalTime(double secondsSince1970, int minutes)
{
	std::string text = formatUtc(secondsSince1970 + 60.0 * minutes);
	if (text.empty())
		return text;
	const int offset = minutes < 0 ? -minutes : minutes;
	char zone[8];
	std::snprintf(zone, sizeof zone, "%c%02d:%02d", minutes < 0 ? '-' : '+', (offset / 60) % 100, offset % 60);
	text.pop_back(); // the 'Z'
	return text + zone;
}

std::optional<double> parseUtc(std::string_view t) noexcept
{
	// "2017-04-17T17:31:03.055Z" is GPSU's "170417173103.055" with separators.
	if (t.size() != 24 || t.substr(0, 2) != "20" || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
	    t[16] != ':' || t[19] != '.' || t[23] != 'Z')
		return std::nullopt;
	char gpsu[16];
	const std::size_t from[] = {2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 19, 20, 21, 22};
	for (std::size_t i = 0; i < 16; i++)
		gpsu[i] = t[from[i]];
	return parseGpsu(std::string_view(gpsu, 16));
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

namespace {

std::string seconds(double s, int decimals = 3)
{
	char text[64];
	std::snprintf(text, sizeof text, "%.*f s", decimals, s);
	return text;
}

} // namespace

// Seconds of the camera's clock between two payloads: STMP, its microsecond clock, which runs in
// real time even where the media timeline does not (TimeWarp), else the timeline.
double GpsClock::cameraSeconds(const Anchor &from, const Anchor &to)
{
	return from.stmp && to.stmp ? (double(*to.stmp) - double(*from.stmp)) / 1e6 : to.time - from.time;
}

// GPS seconds per camera second between two payloads; NaN when they are too close to tell.
double GpsClock::ratio(const Anchor &from, const Anchor &to)
{
	const double camera = cameraSeconds(from, to);
	return camera > 0.1 ? (to.gpsu - from.gpsu) / camera : kNaN;
}

bool GpsClock::agrees(const Anchor &from, const Anchor &to) const
{
	const double gps = to.gpsu - from.gpsu;
	const double camera = cameraSeconds(from, to);
	if (std::abs(gps - camera) <= kTolerance)
		return true;
	// The receiver's own count: the fixes between the two at its period (a timeline that is
	// off, at a chapter's edit list, does not make a GPSU wrong), give or take two of them.
	if (const double p = period(); p > 0 && std::abs(gps - (to.fixes - from.fixes) * p) <= 2.5 * p)
		return true;
	// A recording that is not real time keeps its own ratio between the two clocks.
	return std::isfinite(ratio_) && std::abs(gps - ratio_ * camera) <= kTolerance * std::max(1.0, ratio_);
}

void GpsClock::time(double gpsu, std::span<const double> times, std::optional<std::uint64_t> stmp, double before,
		    std::vector<double> &utc, std::vector<std::string> &problems)
{
	const std::size_t n = times.size();
	utc.assign(n, kNaN);
	if (n == 0)
		return; // no fix to time: the GPSU says nothing about one
	const Anchor here{gpsu, times[0], stmp, before};
	const std::string gpsuText = formatUtc(gpsu);
	if (anchor_ && !agrees(*anchor_, here)) {
		const double step = gpsu - anchor_->gpsu;
		if (confirmed_ && !(rejected_ && agrees(*rejected_, here))) {
			// One GPSU against a clock that held until now: this one is wrong.
			rejected_ = here;
			problems.push_back("GPSU " + gpsuText + " is " + seconds(step) + " after the last GPSU taken (" +
					   formatUtc(anchor_->gpsu) + "), which the camera's clock does not allow; "
					   "the GPS5 samples of this payload have no UTC");
			return;
		}
		if (!confirmed_)
			// The GPSU taken before had nothing to agree with (a recording's first): it was the
			// wrong one, and the times given from it too.
			problems.push_back("GPSU " + gpsuText + " is " + seconds(step) + " after the previous GPSU (" +
					   formatUtc(anchor_->gpsu) + "), which the camera's clock does not allow: the "
					   "previous one was wrong, and so were the UTC times of its GPS5 samples");
		// else two GPSUs in a row agree with each other, not with the old clock: the GPS clock
		// moved (a receiver that learnt the leap seconds): follow it.
		// The step taken is the ratio the next one is checked against: a recording that is not
		// real time (TimeWarp without STMP) then goes on without a word after its first step.
		ratio_ = ratio(rejected_ ? *rejected_ : *anchor_, here);
		fit_ = RateFit{};
		confirmed_ = rejected_.has_value();
	} else if (anchor_) {
		if (const double r = ratio(*anchor_, here); std::isfinite(r))
			ratio_ = r;
		confirmed_ = true;
	}
	anchor_ = here;
	rejected_.reset();
	fit_.add(gpsu, before);
	// The receiver's period once two GPSUs agree; before, the timeline's spacing.
	double spacing = n > 1 ? (times[n - 1] - times[0]) / double(n - 1) : 0.0;
	if (const double p = period(); p > 0)
		spacing = p;
	for (std::size_t i = 0; i < n; i++)
		utc[i] = gpsu + double(i) * spacing;
	order(utc, spacing, problems);
}

void GpsClock::order(std::vector<double> &utc, double period, std::vector<std::string> &problems)
{
	constexpr double kSame = 1e-6; // well below the millisecond UTC is written with
	const std::size_t n = utc.size();
	if (std::isfinite(lastUtc_)) {
		// Leading fixes at or before the last time given (times rise within a payload).
		std::size_t early = 0, firstTimed = 0;
		while (firstTimed < n && !std::isfinite(utc[firstTimed]))
			firstTimed++;
		for (std::size_t i = firstTimed; i < n; i++)
			if (std::isfinite(utc[i]) && utc[i] <= lastUtc_ + kSame)
				early = i + 1;
		if (early > firstTimed) {
			const double overlap = lastUtc_ - utc[firstTimed];
			if (period > 0 && overlap <= 1.5 * period) {
				// Within the receiver's jitter: spread them between the last time and the next.
				const double next = early < n ? utc[early] : lastUtc_ + period;
				const double step = (next - lastUtc_) / double(early - firstTimed + 1);
				for (std::size_t i = firstTimed; i < early; i++)
					utc[i] = lastUtc_ + double(i - firstTimed + 1) * step;
			} else {
				std::size_t dropped = 0;
				for (std::size_t i = firstTimed; i < early; i++)
					if (std::isfinite(utc[i])) {
						utc[i] = kNaN;
						dropped++;
					}
				problems.push_back(std::to_string(dropped) + (dropped == 1 ? " fix" : " fixes") +
						   " of this payload would be timed up to " + seconds(overlap) +
						   " before the last UTC given (" + formatUtc(lastUtc_) +
						   "): the camera wrote more fixes than its GPS times allow; they have no UTC");
			}
		}
	}
	for (auto it = utc.rbegin(); it != utc.rend(); ++it)
		if (std::isfinite(*it)) {
			lastUtc_ = *it;
			break;
		}
}

void GpsClock::keepOrder(std::vector<double> &utc, std::vector<std::string> &problems)
{
	std::size_t dropped = 0;
	double last = lastUtc_;
	for (double &u : utc) {
		if (!std::isfinite(u))
			continue;
		if (std::isfinite(last) && u < last) {
			u = kNaN;
			dropped++;
			continue;
		}
		last = u;
	}
	if (dropped)
		problems.push_back(std::to_string(dropped) +
				   (dropped == 1 ? " fix of this payload is" : " fixes of this payload are") +
				   " timed before the last UTC given (" + formatUtc(lastUtc_) + "); " +
				   (dropped == 1 ? "it has" : "they have") + " no UTC");
	lastUtc_ = last;
}

double GpsClock::period() const noexcept
{
	const double rate = fit_.rate();
	return rate > 0 ? 1 / rate : 0;
}

void GpsClock::reset()
{
	*this = GpsClock{};
}

} // namespace gpmf
