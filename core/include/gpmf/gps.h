// SPDX-License-Identifier: LGPL-2.1-or-later
// GPS: UTC from GPSU and GPS9, and a flat list of track points from decoded payloads.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gpmf/model.h"
#include "gpmf/timing.h"

namespace gpmf {

/// Parses a GPSU string "yymmddhhmmss.sss" (years 20yy) into seconds since 1970.
/// nullopt for malformed or out-of-range values (cameras write garbage before a lock).
std::optional<double> parseGpsu(std::string_view text) noexcept;

/// Seconds since 1970 for GPS9's "days since 2000-01-01" and "seconds since midnight".
double gps9Utc(double daysSince2000, double secondsOfDay) noexcept;

/// ISO 8601 UTC with milliseconds: "2017-04-17T17:31:03.055Z". Empty for NaN.
std::string formatUtc(double secondsSince1970);

/// ISO 8601 local time with its offset, to the millisecond: "2019-05-06T11:15:07.395-07:00" for
/// a UTC and a time zone `minutes` east of UTC (TZON). Empty for NaN.
std::string formatLocalTime(double secondsSince1970, int minutes);

/// Seconds since 1970 of a UTC written as formatUtc() writes it ("2017-04-17T17:31:03.055Z",
/// years 2000-2099); nullopt for anything else.
std::optional<double> parseUtc(std::string_view text) noexcept;

/// GpsPoint::fix for a MAVLink fix type (Karma's GPRI): 0-1 none (0), 2 2D, 3 and up (3D, with
/// or without corrections) 3; -1 when not a number.
int fixFromMavlink(double fixType) noexcept;

/// What a GPS stream's altitudes are measured from: its GPSA ("MSLV", mean sea level, on newer
/// cameras) where the camera wrote one, else "WGS84" (the ellipsoid, as the GPMF specification
/// gives for GPS5); empty for streams that are not GPS5 or GPS9.
std::string altitudeReference(const Stream &stream);

/*
 * The GPS clock of one stream, payload after payload. GPS5 has one GPSU per payload, the UTC of
 * the payload's first fix (GoPro, gopro/gpmf-parser#46); the fixes that follow come at the
 * receiver's period (55 ms on the 18 Hz cameras), which is measured here from GPSU to GPSU, so a
 * payload's times end where the next payload's GPSU begins. Each GPSU step is checked against
 * the camera's own clock (STMP where both payloads have it, else the media timeline) and against
 * the receiver's (the fixes between the two GPSUs at its period); agreeing with neither, a GPSU
 * that disagrees with an established clock is left out; a recording's first GPSU that the next
 * one contradicts (MAX and HERO8 write one 1.4-1.5 s early) is reported. UTC never goes back:
 * a payload whose first fixes would fall before the last time given is squeezed in after it
 * when that is within a fix period (the receiver's jitter), else those fixes get no UTC.
 */
class GpsClock {
public:
	/// Times one payload's GPS5 fixes. `gpsu`: its GPSU in seconds since 1970 (a plausible
	/// time: parseGpsu() checked); `times`: the fixes' times on the media timeline; `stmp`: its
	/// STMP in µs if written; `before`: the stream's fixes before this payload. Sets `utc` (NaN
	/// where left out) and adds one sentence to `problems` per thing found wrong.
	void time(double gpsu, std::span<const double> times, std::optional<std::uint64_t> stmp, double before,
		  std::vector<double> &utc, std::vector<std::string> &problems);
	/// Times the camera gave per fix (GPS9): only kept from going back (those are left out).
	void keepOrder(std::vector<double> &utc, std::vector<std::string> &problems);
	/// The receiver's fix period in GPS seconds, 0 while unknown (fewer than two GPSUs taken).
	double period() const noexcept;
	void reset();

	/// A GPSU step may differ from the camera clock's by this much (s) and still agree: the
	/// first fix of a payload arrives anywhere within a fix period, with the receiver's latency.
	static constexpr double kTolerance = 0.5;

private:
	struct Anchor {
		double gpsu = 0, time = 0;
		std::optional<std::uint64_t> stmp;
		double fixes = 0; ///< the stream's fixes before this payload
	};
	static double cameraSeconds(const Anchor &from, const Anchor &to);
	static double ratio(const Anchor &from, const Anchor &to);
	bool agrees(const Anchor &from, const Anchor &to) const;
	void order(std::vector<double> &utc, double period, std::vector<std::string> &problems);

	std::optional<Anchor> anchor_;   ///< the last GPSU taken
	bool confirmed_ = false;         ///< anchor_ agreed with the GPSU before it
	std::optional<Anchor> rejected_; ///< the last GPSU left out, if it was the last seen
	double ratio_ = std::numeric_limits<double>::quiet_NaN(); ///< GPS seconds per camera second
	RateFit fit_;                    ///< fixes counted against GPSU: the receiver's rate
	double lastUtc_ = std::numeric_limits<double>::quiet_NaN();
};

struct GpsPoint {
	double time = 0;  ///< seconds on the video timeline
	double utc = 0;   ///< seconds since 1970, NaN when unknown
	double lat = 0, lon = 0, alt = 0;
	double speed2d = 0, speed3d = 0;
	int fix = -1;     ///< 0 none, 2 2D, 3 3D; -1 unknown
	double dop = -1;  ///< dilution of precision; -1 unknown
	std::string source; ///< "GPS5", "GPS9" or "GPRI" (Karma's flight controller)
};

/// Track points of a decoded payload, per device: GPS9 where the camera wrote it, otherwise GPS5
/// (never both); a device with neither but a Karma GPRI stream gives those (no UTC: GPRI is timed
/// by the drone's clock). Points with lat = lon = 0 (no data) are left out.
std::vector<GpsPoint> gpsPoints(const Payload &payload);

/// A recording's track, payload by payload, by gpsPoints()'s choice with one rule across
/// payloads: once a device has written GPS9, its GPS5 (and GPRI) is never used again, so a
/// track cannot mix the two. With an interval, at most one point per `interval` seconds.
class GpsTrack {
public:
	explicit GpsTrack(double interval = 0) : interval_(interval) {}
	/// Appends the payload's points to `out`.
	void add(const Payload &payload, std::vector<GpsPoint> &out);
	void reset();

private:
	double interval_;
	double lastSlot_ = std::numeric_limits<double>::quiet_NaN();
	std::vector<std::string> devicesWithGps9_;
};

} // namespace gpmf
