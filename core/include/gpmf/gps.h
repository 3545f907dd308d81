// SPDX-License-Identifier: LGPL-2.1-or-later
// GPS: UTC from GPSU and GPS9, and a flat list of track points from decoded payloads.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpmf/model.h"

namespace gpmf {

/// Parses a GPSU string "yymmddhhmmss.sss" (years 20yy) into seconds since 1970.
/// nullopt for malformed or out-of-range values (cameras write garbage before a lock).
std::optional<double> parseGpsu(std::string_view text) noexcept;

/// Seconds since 1970 for GPS9's "days since 2000-01-01" and "seconds since midnight".
double gps9Utc(double daysSince2000, double secondsOfDay) noexcept;

/// ISO 8601 UTC with milliseconds: "2017-04-17T17:31:03.055Z". Empty for NaN.
std::string formatUtc(double secondsSince1970);

/// GpsPoint::fix for a MAVLink fix type (Karma's GPRI): 0-1 none (0), 2 2D, 3 and up (3D, with
/// or without corrections) 3; -1 when not a number.
int fixFromMavlink(double fixType) noexcept;

/// What a GPS stream's altitudes are measured from: its GPSA ("MSLV", mean sea level, on newer
/// cameras) where the camera wrote one, else "WGS84" (the ellipsoid, as the GPMF specification
/// gives for GPS5); empty for streams that are not GPS5 or GPS9.
std::string altitudeReference(const Stream &stream);

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
