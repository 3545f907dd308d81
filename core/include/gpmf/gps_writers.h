// SPDX-License-Identifier: LGPL-2.1-or-later
// GPS track files: GPX 1.1, KML 2.2, CSV and GeoJSON (RFC 7946), written point by point.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gpmf/gps.h"

namespace gpmf {

enum class GpsFormat { Gpx, Kml, Csv, GeoJson };

/// Streaming writer: begin() once, add() per point, end() once. Text is appended to `out`,
/// which the caller may flush and clear between calls: memory stays constant.
class GpsWriter {
public:
	virtual ~GpsWriter() = default;
	virtual void begin(std::string &out, std::string_view trackName) = 0;
	virtual void add(std::string &out, const GpsPoint &point) = 0;
	virtual void end(std::string &out) = 0;
};

/// `localMinutes`: the camera's time zone (TZON, minutes east of UTC) to add local times with:
/// a "local" column (CSV) or property (GeoJSON) beside "utc". GPX and KML keep UTC only (their
/// readers show local times themselves).
std::unique_ptr<GpsWriter> makeGpsWriter(GpsFormat format, std::optional<int> localMinutes = std::nullopt);

} // namespace gpmf
