// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's route map: the track so far, or a whole route read from a GeoJSON file, as a
// line (no map tiles) with a dot where the camera is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gstgpmfoverlay-widgets.h"

namespace gpmf::overlay
{

struct RoutePoint {
	GeoPoint at;
	std::optional<double> utc; ///< seconds since 1970, from the feature's "utc" property
};

/// A route read from `gpmf2json --geojson` output: a GeoJSON FeatureCollection of Points with
/// properties time, utc, speed2d... (LineString and MultiLineString features are read too, without
/// times).
class Route
{
public:
	/// Reads the file; returns an error message for people, or nothing when it worked.
	static std::optional<std::string> load(const std::string &path, Route &out);

	const std::vector<RoutePoint> &points() const noexcept { return points_; }
	/// How many points lie at or before this time; nullopt when the route has no times.
	std::optional<std::size_t> countUntil(double utc) const noexcept;

private:
	std::vector<RoutePoint> points_;
	bool timed_ = false; ///< every point has a time, in order
};

/// The map widget. It keeps the line it last drew in pixels, so a frame that moves nothing
/// visible gives an equal View. Streaming thread only.
class MapWidget
{
public:
	void setRoute(std::shared_ptr<const Route> route);
	/// Drops what depends on the box's size or the track.
	void reset() noexcept;

	View view(const FrameValues &values, const Track &track, int w, int h);
	/// Draws what does not move over the widget's panel: the north mark and a route's whole line
	/// (after view() for this size).
	void drawStatic(cairo_t *cr, PangoContext *pango, const Style &style, int w, int h) const;
	/// Draws the state view() computed last (view must be its result) over drawStatic()'s layer.
	void draw(cairo_t *cr, PangoContext *pango, const View &view, const Style &style, int w, int h);
	/// Where the drawing of the state view() computed last (`after`) differs from the last one
	/// draw() made (`before`): false when that is the whole box, else the areas in `out`.
	bool changedAreas(const View &before, const View &after, int w, int h, std::vector<Area> &out) const;

	struct Pixel {
		float x, y;
	};

private:
	struct Projection {
		double lat0 = 0, lon0 = 0; ///< the bounds' centre
		double cosLat = 1;
		double scale = 1;      ///< pixels per metre
		double cx = 0, cy = 0; ///< the centre's pixel
		Pixel project(GeoPoint p) const noexcept;
	};
	static Projection fit(double minLat, double maxLat, double minLon, double maxLon, int w,
			      int h) noexcept;
	/// Projects points and drops those within half a pixel of the previous one kept;
	/// `source` gets each kept pixel's index in points (for the route).
	static std::vector<Pixel> polyline(const Projection &projection, const std::vector<GeoPoint> &points,
					   std::vector<std::size_t> *source);

	std::shared_ptr<const Route> route_;
	// Route mode: the whole route in pixels, for one box size.
	int routeW_ = 0, routeH_ = 0;
	Projection routeProjection_;
	std::vector<Pixel> routeLine_;
	std::vector<std::size_t> routeSource_;
	// Track mode: the ground shown. It grows by half again when the track leaves it, so the
	// line stays put between those steps and a frame redraws only what moved.
	struct Bounds {
		double minLat, maxLat, minLon, maxLon;
	};
	std::optional<Bounds> trackView_;
	int trackW_ = 0, trackH_ = 0;
	// What the last view() saw: the line (the track so far, or the route), how much of it is
	// done, and the dot (on whole pixels).
	std::vector<Pixel> line_;
	std::size_t done_ = 0;
	std::optional<Pixel> dot_;
	// What draw() drew last, for changedAreas().
	bool drawn_ = false;
	std::vector<Pixel> drawnLine_;
	std::size_t drawnDone_ = 0;
	std::optional<Pixel> drawnDot_;
};

} // namespace gpmf::overlay
