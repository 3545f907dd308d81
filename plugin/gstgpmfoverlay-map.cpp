// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's route map: GeoJSON route files (json-glib), projection, drawing.

#include "gstgpmfoverlay-map.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <json-glib/json-glib.h>

namespace gpmf::overlay
{

namespace
{

constexpr double kPi = 3.14159265358979323846;
constexpr double kMetresPerDegree = 6371000.0 * kPi / 180.0;
// The map shows at least this much ground, so standing still is not a zoom into GPS noise.
constexpr double kMinExtent = 40.0; // m
// Route files are read whole; this bounds the memory a wrong file can take.
constexpr std::size_t kMaxRoutePoints = 10'000'000;

bool readPosition(JsonNode *node, GeoPoint &out)
{
	if (!node || !JSON_NODE_HOLDS_ARRAY(node))
		return false;
	JsonArray *coords = json_node_get_array(node);
	if (json_array_get_length(coords) < 2)
		return false;
	JsonNode *lon = json_array_get_element(coords, 0), *lat = json_array_get_element(coords, 1);
	if (json_node_get_value_type(lon) != G_TYPE_DOUBLE && json_node_get_value_type(lon) != G_TYPE_INT64)
		return false;
	if (json_node_get_value_type(lat) != G_TYPE_DOUBLE && json_node_get_value_type(lat) != G_TYPE_INT64)
		return false;
	out.lon = json_node_get_double(lon);
	out.lat = json_node_get_double(lat);
	return std::isfinite(out.lat) && std::isfinite(out.lon) && std::abs(out.lat) <= 90 &&
	       std::abs(out.lon) <= 180;
}

// The positions of a LineString's "coordinates" (an array of positions).
void readLine(JsonNode *node, std::vector<RoutePoint> &points)
{
	if (!node || !JSON_NODE_HOLDS_ARRAY(node))
		return;
	JsonArray *line = json_node_get_array(node);
	for (guint i = 0; i < json_array_get_length(line); i++) {
		GeoPoint p;
		if (readPosition(json_array_get_element(line, i), p))
			points.push_back({p, std::nullopt});
	}
}

} // namespace

std::optional<std::string> Route::load(const std::string &path, Route &out)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = nullptr;
	if (!json_parser_load_from_file(parser, path.c_str(), &error))
		return std::string(error->message);
	JsonNode *root = json_parser_get_root(parser);
	JsonObject *collection = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : nullptr;
	if (!collection ||
	    g_strcmp0(json_object_get_string_member_with_default(collection, "type", ""),
		      "FeatureCollection") != 0 ||
	    !json_object_has_member(collection, "features") ||
	    !JSON_NODE_HOLDS_ARRAY(json_object_get_member(collection, "features")))
		return std::string("not a GeoJSON FeatureCollection (gpmf2json --geojson writes one)");

	JsonArray *features = json_object_get_array_member(collection, "features");
	std::vector<RoutePoint> points;
	bool timed = true;
	for (guint i = 0; i < json_array_get_length(features) && points.size() < kMaxRoutePoints; i++) {
		JsonNode *node = json_array_get_element(features, i);
		if (!JSON_NODE_HOLDS_OBJECT(node))
			continue;
		JsonObject *feature = json_node_get_object(node);
		JsonObject *geometry =
		    json_object_has_member(feature, "geometry") &&
			    JSON_NODE_HOLDS_OBJECT(json_object_get_member(feature, "geometry"))
			? json_object_get_object_member(feature, "geometry")
			: nullptr;
		if (!geometry)
			continue;
		const gchar *type = json_object_get_string_member_with_default(geometry, "type", "");
		JsonNode *coords = json_object_get_member(geometry, "coordinates");
		if (g_strcmp0(type, "Point") == 0) {
			RoutePoint p;
			if (!readPosition(coords, p.at))
				continue;
			JsonObject *props =
			    json_object_has_member(feature, "properties") &&
				    JSON_NODE_HOLDS_OBJECT(json_object_get_member(feature, "properties"))
				? json_object_get_object_member(feature, "properties")
				: nullptr;
			if (props)
				p.utc = parseUtc(
				    json_object_get_string_member_with_default(props, "utc", nullptr));
			if (!p.utc || (!points.empty() && points.back().utc && *p.utc < *points.back().utc))
				timed = false;
			points.push_back(p);
		} else if (g_strcmp0(type, "LineString") == 0) {
			readLine(coords, points);
			timed = false;
		} else if (g_strcmp0(type, "MultiLineString") == 0 && coords &&
			   JSON_NODE_HOLDS_ARRAY(coords)) {
			JsonArray *lines = json_node_get_array(coords);
			for (guint k = 0; k < json_array_get_length(lines); k++)
				readLine(json_array_get_element(lines, k), points);
			timed = false;
		}
	}
	if (points.empty())
		return std::string(
		    "the FeatureCollection holds no positions (Point, LineString or MultiLineString)");
	out.points_ = std::move(points);
	out.timed_ = timed;
	return std::nullopt;
}

std::optional<std::size_t> Route::countUntil(double utc) const noexcept
{
	if (!timed_)
		return std::nullopt;
	auto it = std::upper_bound(points_.begin(), points_.end(), utc,
				   [](double t, const RoutePoint &p) { return t < *p.utc; });
	return std::size_t(it - points_.begin());
}

MapWidget::Pixel MapWidget::Projection::project(GeoPoint p) const noexcept
{
	const double x = (p.lon - lon0) * cosLat * kMetresPerDegree;
	const double y = (p.lat - lat0) * kMetresPerDegree;
	return {float(cx + x * scale), float(cy - y * scale)};
}

MapWidget::Projection MapWidget::fit(double minLat, double maxLat, double minLon, double maxLon, int w,
				     int h) noexcept
{
	Projection p;
	p.lat0 = (minLat + maxLat) / 2;
	p.lon0 = (minLon + maxLon) / 2;
	p.cosLat = std::max(0.01, std::cos(p.lat0 * kPi / 180));
	const double extentX = std::max(kMinExtent, (maxLon - minLon) * p.cosLat * kMetresPerDegree);
	const double extentY = std::max(kMinExtent, (maxLat - minLat) * kMetresPerDegree);
	// Room for the line's width and the dot around it.
	const double margin = panelRadius(w, h) + std::min(w, h) * 0.05;
	const double innerW = std::max(1.0, w - 2 * margin), innerH = std::max(1.0, h - 2 * margin);
	p.scale = std::min(innerW / extentX, innerH / extentY);
	p.cx = w / 2.0;
	p.cy = h / 2.0;
	return p;
}

std::vector<MapWidget::Pixel> MapWidget::polyline(const Projection &projection,
						  const std::vector<GeoPoint> &points,
						  std::vector<std::size_t> *source)
{
	std::vector<Pixel> line;
	if (source)
		source->clear();
	for (std::size_t i = 0; i < points.size(); i++) {
		const Pixel px = projection.project(points[i]);
		if (!line.empty() && i + 1 < points.size()) {
			const float dx = px.x - line.back().x, dy = px.y - line.back().y;
			if (dx * dx + dy * dy < 0.25f)
				continue;
		}
		line.push_back(px);
		if (source)
			source->push_back(i);
	}
	return line;
}

void MapWidget::setRoute(std::shared_ptr<const Route> route)
{
	route_ = std::move(route);
	reset();
}

void MapWidget::reset() noexcept
{
	trackView_.reset();
	trackW_ = trackH_ = 0;
	routeW_ = routeH_ = 0;
	routeLine_.clear();
	routeSource_.clear();
	line_.clear();
	done_ = 0;
	dot_.reset();
	drawn_ = false;
	drawnLine_.clear();
	drawnDone_ = 0;
	drawnDot_.reset();
}

View MapWidget::view(const FrameValues &values, const Track &track, int w, int h)
{
	dot_.reset();
	if (route_ && !route_->points().empty()) {
		if (routeW_ != w || routeH_ != h) {
			double minLat = 90, maxLat = -90, minLon = 180, maxLon = -180;
			std::vector<GeoPoint> points;
			points.reserve(route_->points().size());
			for (const RoutePoint &p : route_->points()) {
				minLat = std::min(minLat, p.at.lat);
				maxLat = std::max(maxLat, p.at.lat);
				minLon = std::min(minLon, p.at.lon);
				maxLon = std::max(maxLon, p.at.lon);
				points.push_back(p.at);
			}
			routeProjection_ = fit(minLat, maxLat, minLon, maxLon, w, h);
			routeLine_ = polyline(routeProjection_, points, &routeSource_);
			routeW_ = w;
			routeH_ = h;
		}
		line_ = routeLine_;
		std::optional<std::size_t> count =
		    values.utc ? route_->countUntil(*values.utc) : std::nullopt;
		if (values.position)
			dot_ = routeProjection_.project(*values.position);
		else if (count && *count > 0)
			dot_ = routeProjection_.project(route_->points()[*count - 1].at);
		if (count) {
			// The kept pixels of the points passed.
			done_ =
			    std::size_t(std::lower_bound(routeSource_.begin(), routeSource_.end(), *count) -
					routeSource_.begin());
		} else if (dot_) {
			// No times: the part up to the point nearest the dot.
			float best = std::numeric_limits<float>::max();
			for (std::size_t i = 0; i < line_.size(); i++) {
				const float dx = line_[i].x - dot_->x, dy = line_[i].y - dot_->y;
				if (dx * dx + dy * dy < best) {
					best = dx * dx + dy * dy;
					done_ = i + 1;
				}
			}
		} else {
			done_ = 0;
		}
	} else {
		const std::vector<GeoPoint> &points = track.points();
		double minLat = 90, maxLat = -90, minLon = 180, maxLon = -180;
		std::vector<GeoPoint> all(points);
		if (values.position)
			all.push_back(*values.position);
		for (const GeoPoint &p : all) {
			minLat = std::min(minLat, p.lat);
			maxLat = std::max(maxLat, p.lat);
			minLon = std::min(minLon, p.lon);
			maxLon = std::max(maxLon, p.lon);
		}
		if (all.empty()) {
			line_.clear();
		} else {
			const bool inside = trackView_ && trackW_ == w && trackH_ == h &&
					    minLat >= trackView_->minLat && maxLat <= trackView_->maxLat &&
					    minLon >= trackView_->minLon && maxLon <= trackView_->maxLon;
			if (!inside) {
				// Half again the track's extent (at least kMinExtent), around its middle.
				const double cosLat =
				    std::max(0.01, std::cos((minLat + maxLat) / 2 * kPi / 180));
				const double halfLat =
				    std::max(kMinExtent / kMetresPerDegree, (maxLat - minLat) * 1.5) / 2;
				const double halfLon = std::max(kMinExtent / kMetresPerDegree / cosLat,
								(maxLon - minLon) * 1.5) /
						       2;
				const double midLat = (minLat + maxLat) / 2, midLon = (minLon + maxLon) / 2;
				trackView_ = Bounds{midLat - halfLat, midLat + halfLat, midLon - halfLon,
						    midLon + halfLon};
				trackW_ = w;
				trackH_ = h;
			}
			const Projection projection = fit(trackView_->minLat, trackView_->maxLat,
							  trackView_->minLon, trackView_->maxLon, w, h);
			line_ = polyline(projection, all, nullptr);
			if (values.position)
				dot_ = projection.project(*values.position);
		}
		done_ = line_.size();
	}

	if (dot_) {
		dot_->x = std::round(dot_->x);
		dot_->y = std::round(dot_->y);
	}
	// The view: a hash of the line as drawn (half pixels), how much is done, and the dot.
	View view;
	std::uint64_t hash = 1469598103934665603ull;
	auto mix = [&hash](std::int64_t v) {
		hash ^= std::uint64_t(v);
		hash *= 1099511628211ull;
	};
	for (const Pixel &p : line_) {
		mix(std::llround(p.x * 2));
		mix(std::llround(p.y * 2));
	}
	view.marks = {std::int64_t(hash), std::int64_t(line_.size()), std::int64_t(done_),
		      dot_ ? std::llround(dot_->x) : -1, dot_ ? std::llround(dot_->y) : -1};
	view.dim = !dot_;
	view.texts = {line_.empty() ? "No GPS" : ""};
	return view;
}

namespace
{

double lineWidth(double side) noexcept
{
	return std::max(1.5, side * 0.018);
}

double dotRadius(double side) noexcept
{
	return std::max(2.5, side * 0.03);
}

void strokeLine(cairo_t *cr, const std::vector<MapWidget::Pixel> &line, std::size_t count, const Rgba &colour,
		double width)
{
	if (count == 0)
		return;
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	cairo_move_to(cr, line[0].x, line[0].y);
	for (std::size_t i = 1; i < count; i++)
		cairo_line_to(cr, line[i].x, line[i].y);
	if (count == 1)
		cairo_line_to(cr, line[0].x + 0.01, line[0].y);
	setColor(cr, colour);
	cairo_set_line_width(cr, width);
	cairo_stroke(cr);
}

} // namespace

void MapWidget::drawStatic(cairo_t *cr, PangoContext *pango, const Style &style, int w, int h) const
{
	const double side = std::min(w, h);
	const double pad = panelRadius(w, h);
	drawText(cr, pango, style, "N", 0.08 * side, pad, pad + 0.04 * side, side * 0.2, Align::Left,
		 style.text.withAlpha(0.7));
	setColor(cr, style.text.withAlpha(0.7));
	cairo_move_to(cr, pad + 0.1 * side, pad + 0.075 * side);
	cairo_line_to(cr, pad + 0.13 * side, pad + 0.005 * side);
	cairo_line_to(cr, pad + 0.16 * side, pad + 0.075 * side);
	cairo_close_path(cr);
	cairo_fill(cr);
	// A route's whole line, under the part done.
	if (route_ && !route_->points().empty() && routeW_ == w && routeH_ == h)
		strokeLine(cr, routeLine_, routeLine_.size(), style.text.withAlpha(0.4), lineWidth(side) * 0.75);
}

void MapWidget::draw(cairo_t *cr, PangoContext *pango, const View &view, const Style &style, int w, int h)
{
	const double side = std::min(w, h);
	drawn_ = true;
	drawnLine_ = line_;
	drawnDone_ = done_;
	drawnDot_ = dot_;
	if (!view.texts.empty() && !view.texts[0].empty()) {
		drawText(cr, pango, style, view.texts[0], 0.1 * side, w / 2.0, h / 2.0, w - 2 * panelRadius(w, h),
			 Align::Center, style.text.withAlpha(0.45));
		return;
	}
	strokeLine(cr, line_, std::min(done_, line_.size()), style.accent, lineWidth(side));
	if (dot_) {
		const double r = dotRadius(side);
		drawDot(cr, pango, dot_->x, dot_->y, r, style.text, style.accent, std::max(1.0, r * 0.45));
	}
}

bool MapWidget::changedAreas(const View &before, const View &after, int w, int h, std::vector<Area> &out) const
{
	if (!drawn_ || before.texts != after.texts)
		return false;
	const double side = std::min(w, h);
	const double margin = lineWidth(side) / 2 + 2;
	// The points from `from` on of a line, the line's width around them.
	auto pointsFrom = [&](const std::vector<Pixel> &line, std::size_t from, std::size_t to) {
		if (from >= to)
			return;
		float x0 = line[from].x, y0 = line[from].y, x1 = x0, y1 = y0;
		for (std::size_t i = from; i < to; i++) {
			x0 = std::min(x0, line[i].x);
			x1 = std::max(x1, line[i].x);
			y0 = std::min(y0, line[i].y);
			y1 = std::max(y1, line[i].y);
		}
		out.push_back(Area::around(x0, y0, x1, y1, margin, w, h));
	};
	if (route_) {
		// The same line; the part done grew or shrank.
		if (drawnDone_ != done_) {
			const std::size_t lo = std::min(drawnDone_, done_), hi = std::max(drawnDone_, done_);
			pointsFrom(line_, lo > 0 ? lo - 1 : 0, std::min(hi, line_.size()));
		}
	} else {
		// The track: from the first point that moved, and the one before it (its join).
		std::size_t k = 0;
		const std::size_t common = std::min(drawnLine_.size(), line_.size());
		while (k < common && drawnLine_[k].x == line_[k].x && drawnLine_[k].y == line_[k].y)
			k++;
		if (k < drawnLine_.size() || k < line_.size()) {
			const std::size_t from = k > 0 ? k - 1 : 0;
			pointsFrom(drawnLine_, from, drawnLine_.size());
			pointsFrom(line_, from, line_.size());
		}
	}
	const bool sameDot = drawnDot_.has_value() == dot_.has_value() &&
			     (!dot_ || (drawnDot_->x == dot_->x && drawnDot_->y == dot_->y));
	if (!sameDot) {
		const double r = dotRadius(side) + std::max(1.0, dotRadius(side) * 0.45) / 2 + 2;
		for (const std::optional<Pixel> &dot : {drawnDot_, dot_}) {
			if (dot)
				out.push_back(Area::around(dot->x - r, dot->y - r, dot->x + r, dot->y + r, 0, w, h));
		}
	}
	// One area around them all: Cairo antialiases a line clipped to several rectangles a little
	// differently from the same line whole (a level or two on its edges), less so with one.
	if (out.size() > 1) {
		Area all = out[0];
		for (const Area &a : out) {
			all.x0 = std::min(all.x0, a.x0);
			all.y0 = std::min(all.y0, a.y0);
			all.x1 = std::max(all.x1, a.x1);
			all.y1 = std::max(all.y1, a.y1);
		}
		out.assign(1, all);
	}
	return true;
}

} // namespace gpmf::overlay
