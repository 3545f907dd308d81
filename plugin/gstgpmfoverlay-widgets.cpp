// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's widgets: views and Cairo/Pango drawing (the map is in gstgpmfoverlay-map.cpp).
//
// Sizes are fractions of the widget's box, so a widget looks the same at any resolution and in
// any box the layout gives it. A view holds every number the drawing uses, already rounded, so
// drawWidget() reads only the view: equal views give equal pixels, and the dashboard redraws a
// widget only when its view changes.

#include "gstgpmfoverlay-widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <glib.h>

namespace gpmf::overlay
{

namespace
{

constexpr double kPi = 3.14159265358979323846;
constexpr double kKmh = 3.6, kMph = 2.2369362920544, kFeet = 3.280839895;

// Below this ground speed the GPS course is noise: the heading is greyed.
constexpr double kMinCourseSpeed = 0.5; // m/s
// GPS older than this is shown as stale.
constexpr double kStaleGps = 1.5; // s
// Degrees the heading tape shows across its width.
constexpr double kHeadingSpan = 110.0;

const Rgba kFixGood{0.30, 0.85, 0.40, 1}, kFixWeak{1.0, 0.80, 0.15, 1}, kFixNone{0.95, 0.30, 0.25, 1};

__attribute__((format(printf, 1, 2))) std::string format(const char *fmt, ...)
{
	char buffer[128];
	va_list args;
	va_start(args, fmt);
	std::vsnprintf(buffer, sizeof buffer, fmt, args);
	va_end(args);
	return buffer;
}

std::int64_t quantize(double value, double steps) noexcept
{
	return std::llround(value * steps);
}

double speedIn(Units units, double metresPerSecond) noexcept
{
	switch (units) {
	case Units::Kmh:
		return metresPerSecond * kKmh;
	case Units::Mph:
		return metresPerSecond * kMph;
	case Units::Ms:
		break;
	}
	return metresPerSecond;
}

const char *speedUnit(Units units) noexcept
{
	switch (units) {
	case Units::Kmh:
		return "km/h";
	case Units::Mph:
		return "mph";
	case Units::Ms:
		break;
	}
	return "m/s";
}

std::string speedText(Units units, double metresPerSecond)
{
	const double v = speedIn(units, metresPerSecond);
	return units == Units::Ms ? format("%.1f", v) : format("%.0f", std::max(0.0, v));
}

// A signed number with a real minus sign (U+2212), e.g. "−3°".
std::string signedDegrees(double value)
{
	const long rounded = std::lround(value);
	return rounded < 0 ? format("\u2212%ld\u00b0", -rounded) : format("%ld\u00b0", rounded);
}

const char *compassPoint(double degrees) noexcept
{
	static const char *const points[] = {"N", "NE", "E", "SE", "S", "SW", "W", "NW"};
	const long i = std::lround(std::fmod(std::fmod(degrees, 360.0) + 360.0, 360.0) / 45.0) % 8;
	return points[i];
}

// Speed bar scale: the maximum so far rounded up to a round number, at least a bike's pace.
double barScale(Units units, double maxSpeed) noexcept
{
	const double step = units == Units::Ms ? 5 : 10;
	const double floor = units == Units::Ms ? 10 : 30;
	return std::max(floor, std::ceil(speedIn(units, maxSpeed) / step) * step);
}

View speedView(const FrameValues &v, const Extremes &e, const Style &s, int w, int h)
{
	View view;
	const double pad = panelRadius(w, h);
	const double scale = barScale(s.units, e.maxSpeed);
	view.texts = {v.speed ? speedText(s.units, *v.speed) : "--", speedUnit(s.units),
		      e.maxSpeed > 0 ? "MAX " + speedText(s.units, e.maxSpeed) : ""};
	const double fill = v.speed ? std::clamp(speedIn(s.units, *v.speed) / scale, 0.0, 1.0) : 0;
	view.marks = {quantize(fill * (w - 2 * pad), 1)};
	view.dim = !v.speed;
	return view;
}

View gforceView(const FrameValues &v, int w, int h)
{
	View view;
	view.dim = !v.gTotal;
	view.texts = {v.gTotal ? format("%.2f g", *v.gTotal) : "-- g"};
	const double radius = std::min(w, h) * 0.30;
	// The dot: lateral to the right, forward acceleration up; 1 g on the outer ring.
	const double x = std::clamp(v.gLateral, -1.2, 1.2) * radius;
	const double y = -std::clamp(v.gLongitudinal, -1.2, 1.2) * radius;
	view.marks = {quantize(x, 1), quantize(y, 1)};
	return view;
}

View altitudeView(const FrameValues &v, const Style &s)
{
	View view;
	view.dim = !v.altitude;
	if (v.altitude) {
		const bool feet = s.units == Units::Mph;
		view.texts = {format("%.0f %s", *v.altitude * (feet ? kFeet : 1.0), feet ? "ft" : "m")};
	} else {
		view.texts = {"--"};
	}
	return view;
}

View headingView(const FrameValues &v, int w)
{
	View view;
	const double course = v.course ? std::fmod(std::fmod(*v.course, 360.0) + 360.0, 360.0) : 0;
	view.dim = !v.course || !v.speed || *v.speed < kMinCourseSpeed;
	view.texts = {v.course ? format("%03ld\u00b0", std::lround(course) % 360) : "---\u00b0",
		      v.course ? compassPoint(course) : ""};
	// The tape moves by whole pixels: w / kHeadingSpan pixels a degree.
	view.marks = {quantize(course * w / kHeadingSpan, 1)};
	return view;
}

View timeView(const FrameValues &v, const Style &s)
{
	View view;
	view.dim = !v.utc;
	if (!v.utc) {
		view.texts = {"--:--:--", "no time", ""};
		return view;
	}
	const bool local = s.localTime && v.tzOffset;
	const gint64 offset = local ? *v.tzOffset : 0;
	GDateTime *time = g_date_time_new_from_unix_utc(gint64(std::floor(*v.utc)) + offset * 60);
	if (!time) {
		view.texts = {"--:--:--", "bad time", ""};
		view.dim = true;
		return view;
	}
	view.texts = {format("%02d:%02d:%02d", g_date_time_get_hour(time), g_date_time_get_minute(time),
			     g_date_time_get_second(time)),
		      format("%04d-%02d-%02d", g_date_time_get_year(time), g_date_time_get_month(time),
			     g_date_time_get_day_of_month(time)),
		      !local ? std::string("UTC")
			     : format("UTC%s%02ld:%02ld", offset < 0 ? "\u2212" : "+",
				      long(std::abs(offset) / 60), long(std::abs(offset) % 60))};
	g_date_time_unref(time);
	return view;
}

View gpsView(const FrameValues &v)
{
	View view;
	const int fix = v.gpsFix.value_or(v.position ? 3 : 0);
	const bool stale = v.gpsAge && *v.gpsAge > kStaleGps;
	view.texts = {fix >= 3	 ? "GPS 3D fix"
		      : fix == 2 ? "GPS 2D fix"
				 : "No GPS fix",
		      stale ? format("%.0f s old", *v.gpsAge) : ""};
	view.marks = {fix >= 3 ? 3 : fix == 2 ? 2 : 0};
	view.dim = stale || (!v.gpsFix && !v.position);
	return view;
}

View horizonView(const FrameValues &v)
{
	View view;
	view.dim = !v.roll;
	view.texts = {v.roll ? "ROLL " + signedDegrees(*v.roll) : "ROLL --",
		      v.pitch ? "PITCH " + signedDegrees(*v.pitch) : "PITCH --"};
	// Half degrees: a quarter of a pixel at the rim of a 1080p dial.
	view.marks = {quantize(v.roll.value_or(0), 2), quantize(v.pitch.value_or(0), 2)};
	return view;
}

Rgba textColor(const Style &s, const View &view) noexcept
{
	return view.dim ? s.text.withAlpha(0.45) : s.text;
}

Rgba labelColor(const Style &s) noexcept
{
	return s.text.withAlpha(0.7);
}

struct SpeedGeometry {
	double pad, inner, column, barH, barY;
};

SpeedGeometry speedGeometry(int w, int h) noexcept
{
	SpeedGeometry g;
	g.pad = panelRadius(w, h);
	g.inner = w - 2 * g.pad;
	// The number right-aligned in a column, so the unit after it stays put as digits change.
	g.column = g.pad + g.inner * 0.64;
	g.barH = std::max(2.0, 0.055 * h);
	g.barY = h - g.pad - g.barH;
	return g;
}

void drawSpeedStatic(cairo_t *cr, PangoContext *pango, const Style &s, int w, int h)
{
	const SpeedGeometry g = speedGeometry(w, h);
	drawText(cr, pango, s, "SPEED", 0.13 * h, g.pad, g.pad + 0.07 * h, g.inner / 2, Align::Left,
		 labelColor(s));
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	cairo_set_line_width(cr, g.barH);
	setColor(cr, s.text.withAlpha(0.2));
	cairo_move_to(cr, g.pad + g.barH / 2, g.barY + g.barH / 2);
	cairo_line_to(cr, w - g.pad - g.barH / 2, g.barY + g.barH / 2);
	cairo_stroke(cr);
}

// The speed widget's texts: 0 the number, 1 the unit, 2 the maximum.
Area speedTextArea(PangoContext *pango, const Style &s, const View &view, int i, int w, int h)
{
	const SpeedGeometry g = speedGeometry(w, h);
	switch (i) {
	case 0:
		return textArea(pango, s, view.texts[0], 0.52 * h, g.column, 0.53 * h, g.inner * 0.64,
				Align::Right, w, h);
	case 1:
		return textArea(pango, s, view.texts[1], 0.18 * h, g.column + 0.04 * g.inner, 0.62 * h,
				g.inner * 0.32, Align::Left, w, h);
	default:
		return textArea(pango, s, view.texts[2], 0.13 * h, w - g.pad, g.pad + 0.07 * h, g.inner / 2,
				Align::Right, w, h);
	}
}

void drawSpeed(cairo_t *cr, PangoContext *pango, const View &view, const Style &s, int w, int h)
{
	const SpeedGeometry g = speedGeometry(w, h);
	drawText(cr, pango, s, view.texts[2], 0.13 * h, w - g.pad, g.pad + 0.07 * h, g.inner / 2, Align::Right,
		 labelColor(s));
	drawText(cr, pango, s, view.texts[0], 0.52 * h, g.column, 0.53 * h, g.inner * 0.64, Align::Right,
		 textColor(s, view));
	drawText(cr, pango, s, view.texts[1], 0.18 * h, g.column + 0.04 * g.inner, 0.62 * h, g.inner * 0.32,
		 Align::Left, textColor(s, view));
	const double fill = double(view.marks[0]);
	if (fill > 0) {
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
		cairo_set_line_width(cr, g.barH);
		setColor(cr, s.accent);
		cairo_move_to(cr, g.pad + g.barH / 2, g.barY + g.barH / 2);
		cairo_line_to(cr, g.pad + g.barH / 2 + std::max(0.0, fill - g.barH), g.barY + g.barH / 2);
		cairo_stroke(cr);
	}
}

void speedAreas(PangoContext *pango, const Style &s, const View &a, const View &b, int w, int h,
		std::vector<Area> &out)
{
	for (int i = 0; i < 3; i++) {
		if (a.texts[i] != b.texts[i] || (i < 2 && a.dim != b.dim)) {
			out.push_back(speedTextArea(pango, s, a, i, w, h));
			out.push_back(speedTextArea(pango, s, b, i, w, h));
		}
	}
	if (a.marks[0] != b.marks[0]) {
		// The accent's round end moves between the two fills; the track under it is static.
		const SpeedGeometry g = speedGeometry(w, h);
		const double lo = double(std::min(a.marks[0], b.marks[0])),
			     hi = double(std::max(a.marks[0], b.marks[0]));
		out.push_back(Area::around(g.pad + lo - g.barH, g.barY, g.pad + std::max(hi, g.barH) + g.barH,
					   g.barY + g.barH, 2, w, h));
	}
}

struct DialGeometry {
	double pad, side, radius, cx, cy;
};

// The G-force's and the horizon's dials: a disc at the bottom, centred.
DialGeometry dialGeometry(int w, int h) noexcept
{
	DialGeometry g;
	g.pad = panelRadius(w, h);
	g.side = std::min(w, h);
	g.radius = g.side * 0.30;
	g.cx = w / 2.0;
	g.cy = h - g.pad - g.radius - 0.02 * g.side;
	return g;
}

void drawGForceStatic(cairo_t *cr, PangoContext *pango, const Style &s, int w, int h)
{
	const DialGeometry g = dialGeometry(w, h);
	drawText(cr, pango, s, "G", 0.11 * g.side, g.pad, g.pad + 0.06 * g.side, w / 3.0, Align::Left,
		 labelColor(s));
	cairo_set_line_width(cr, std::max(1.0, g.side * 0.008));
	setColor(cr, s.text.withAlpha(0.35));
	for (double ring : {0.5, 1.0}) {
		cairo_new_sub_path(cr);
		cairo_arc(cr, g.cx, g.cy, g.radius * ring, 0, 2 * kPi);
	}
	cairo_move_to(cr, g.cx - g.radius, g.cy);
	cairo_line_to(cr, g.cx + g.radius, g.cy);
	cairo_move_to(cr, g.cx, g.cy - g.radius);
	cairo_line_to(cr, g.cx, g.cy + g.radius);
	cairo_stroke(cr);
}

Area gforceTextArea(PangoContext *pango, const Style &s, const View &view, int w, int h)
{
	const DialGeometry g = dialGeometry(w, h);
	return textArea(pango, s, view.texts[0], 0.13 * g.side, w - g.pad, g.pad + 0.06 * g.side, w * 0.7,
			Align::Right, w, h);
}

Area gforceDotArea(const View &view, int w, int h)
{
	if (view.dim)
		return {};
	const DialGeometry g = dialGeometry(w, h);
	const double x = g.cx + double(view.marks[0]), y = g.cy + double(view.marks[1]);
	const double r = g.side * 0.055 + std::max(1.0, g.side * 0.012) / 2;
	return Area::around(x - r, y - r, x + r, y + r, 2, w, h);
}

void drawGForce(cairo_t *cr, PangoContext *pango, const View &view, const Style &s, int w, int h)
{
	const DialGeometry g = dialGeometry(w, h);
	drawText(cr, pango, s, view.texts[0], 0.13 * g.side, w - g.pad, g.pad + 0.06 * g.side, w * 0.7,
		 Align::Right, textColor(s, view));
	if (view.dim)
		return;
	const double x = g.cx + double(view.marks[0]), y = g.cy + double(view.marks[1]);
	Rgba ring = s.background;
	ring.a = 1;
	drawDot(cr, pango, x, y, g.side * 0.055, s.accent, ring, std::max(1.0, g.side * 0.012));
}

void gforceAreas(PangoContext *pango, const Style &s, const View &a, const View &b, int w, int h,
		 std::vector<Area> &out)
{
	if (a.texts != b.texts || a.dim != b.dim) {
		out.push_back(gforceTextArea(pango, s, a, w, h));
		out.push_back(gforceTextArea(pango, s, b, w, h));
	}
	if (a.marks != b.marks || a.dim != b.dim) {
		out.push_back(gforceDotArea(a, w, h));
		out.push_back(gforceDotArea(b, w, h));
	}
}

// One row: the corner radius is small, so the texts keep a margin of their own.
double altitudePad(int w, int h) noexcept
{
	return std::max(panelRadius(w, h), 0.22 * h);
}

void drawAltitudeStatic(cairo_t *cr, PangoContext *pango, const Style &s, int w, int h)
{
	drawText(cr, pango, s, "ALT", 0.36 * h, altitudePad(w, h), h / 2.0, w / 3.0, Align::Left, labelColor(s));
}

Area altitudeArea(PangoContext *pango, const Style &s, const View &view, int w, int h)
{
	const double pad = altitudePad(w, h);
	const double left = textWidth(pango, s, "ALT", 0.36 * h, w / 3.0);
	return textArea(pango, s, view.texts[0], 0.62 * h, w - pad, h / 2.0, w - 2 * pad - left - pad,
			Align::Right, w, h);
}

void drawAltitude(cairo_t *cr, PangoContext *pango, const View &view, const Style &s, int w, int h)
{
	const double pad = altitudePad(w, h);
	const double left = textWidth(pango, s, "ALT", 0.36 * h, w / 3.0);
	drawText(cr, pango, s, view.texts[0], 0.62 * h, w - pad, h / 2.0, w - 2 * pad - left - pad,
		 Align::Right, textColor(s, view));
}

// The heading tape's fade at both ends as alpha values: the gradient drawn once per size (kept on
// the Pango context, as the texts are) instead of on every frame.
cairo_surface_t *fadeMaskOf(PangoContext *pango, int w, int h)
{
	char key[64];
	std::snprintf(key, sizeof key, "gpmfoverlay-fade-%dx%d", w, h);
	auto *mask = static_cast<cairo_surface_t *>(g_object_get_data(G_OBJECT(pango), key));
	if (mask)
		return mask;
	mask = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
	cairo_t *cr = cairo_create(mask);
	cairo_pattern_t *fade = cairo_pattern_create_linear(0, 0, w, 0);
	cairo_pattern_add_color_stop_rgba(fade, 0.0, 0, 0, 0, 0);
	cairo_pattern_add_color_stop_rgba(fade, 0.18, 0, 0, 0, 1);
	cairo_pattern_add_color_stop_rgba(fade, 0.82, 0, 0, 0, 1);
	cairo_pattern_add_color_stop_rgba(fade, 1.0, 0, 0, 0, 0);
	cairo_set_source(cr, fade);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_pattern_destroy(fade);
	cairo_destroy(cr);
	cairo_surface_flush(mask);
	g_object_set_data_full(G_OBJECT(pango), key, mask,
			       [](gpointer data) { cairo_surface_destroy(static_cast<cairo_surface_t *>(data)); });
	return mask;
}

void drawHeading(cairo_t *cr, PangoContext *pango, const View &view, const Style &s, int w, int h)
{
	const double span = kHeadingSpan;
	const double perDegree = w / span, cx = w / 2.0;
	const double course = double(view.marks[0]) / perDegree;
	const Rgba ink = textColor(s, view);
	// The reading's box in the middle; tape labels it would half hide are left out.
	const double boxW = std::min(w * 0.36, h * 2.6), boxH = h * 0.56;

	// The tape, fading out at both ends.
	// The ticks and labels between x0 and x1 (what a clip to them shows): the ticks as
	// rectangles (a butt-capped line's shape) in one path per shade, which Cairo fills at
	// once; a stroke per tick costs many times that.
	const double tickW = std::max(1.0, h * 0.03);
	auto tape = [&](double x0, double x1) {
		const double first = std::floor((course - span / 2) / 5) * 5;
		for (int shade = 0; shade < 2; shade++) {
			bool any = false;
			for (double d = first; d <= course + span / 2; d += 5) {
				const double x = cx + (d - course) * perDegree;
				const long whole = std::lround(std::fmod(std::fmod(d, 360.0) + 360.0, 360.0));
				if ((whole % 15 == 0) != (shade == 0) || x + tickW < x0 || x - tickW > x1)
					continue;
				const double tick = whole % 45 == 0 ? 0.26 : whole % 15 == 0 ? 0.18 : 0.1;
				cairo_rectangle(cr, x - tickW / 2, h * (1 - tick) - h * 0.06, tickW, h * tick);
				any = true;
			}
			if (any) {
				setColor(cr, ink.withAlpha(shade == 0 ? 0.9 : 0.55));
				cairo_fill(cr);
			}
		}
		for (double d = first; d <= course + span / 2; d += 5) {
			const double x = cx + (d - course) * perDegree;
			const long whole = std::lround(std::fmod(std::fmod(d, 360.0) + 360.0, 360.0));
			if (whole % 45 == 0 && std::abs(x - cx) > boxW / 2 + 0.25 * h &&
			    x + perDegree * 20 >= x0 && x - perDegree * 20 <= x1)
				drawText(cr, pango, s, compassPoint(double(whole)), 0.34 * h, x, 0.36 * h,
					 perDegree * 40, Align::Center, ink);
		}
	};
	// Where the fade is 1 (whole pixels) the tape is drawn as it is; only the two ends go
	// through a group and the fading mask, which costs a pass over each pixel it covers.
	const double fadeIn = std::ceil(0.18 * w), fadeOut = std::floor(0.82 * w);
	cairo_save(cr);
	cairo_rectangle(cr, fadeIn, 0, fadeOut - fadeIn, h);
	cairo_clip(cr);
	tape(fadeIn, fadeOut);
	cairo_restore(cr);
	cairo_surface_t *fade = fadeMaskOf(pango, w, h);
	for (const auto &[x0, x1] : {std::pair{0.0, fadeIn}, std::pair{fadeOut, double(w)}}) {
		cairo_save(cr);
		cairo_rectangle(cr, x0, 0, x1 - x0, h);
		cairo_clip(cr);
		cairo_push_group(cr);
		tape(x0, x1);
		cairo_pop_group_to_source(cr);
		cairo_mask_surface(cr, fade, 0, 0);
		cairo_restore(cr);
	}

	// The reading in a box over the middle of the tape, and a pointer under it.
	const double boxX = cx - boxW / 2, boxY = h * 0.08;
	const double r = boxH * 0.25;
	cairo_new_sub_path(cr);
	cairo_arc(cr, boxX + boxW - r, boxY + r, r, -kPi / 2, 0);
	cairo_arc(cr, boxX + boxW - r, boxY + boxH - r, r, 0, kPi / 2);
	cairo_arc(cr, boxX + r, boxY + boxH - r, r, kPi / 2, kPi);
	cairo_arc(cr, boxX + r, boxY + r, r, kPi, 1.5 * kPi);
	cairo_close_path(cr);
	setColor(cr, view.dim ? s.text.withAlpha(0.3) : s.accent);
	cairo_fill(cr);
	cairo_move_to(cr, cx - h * 0.1, boxY + boxH);
	cairo_line_to(cr, cx + h * 0.1, boxY + boxH);
	cairo_line_to(cr, cx, boxY + boxH + h * 0.12);
	cairo_close_path(cr);
	cairo_fill(cr);
	Rgba dark = s.background;
	dark.a = 1;
	const std::string reading =
	    view.texts[1].empty() ? view.texts[0] : view.texts[0] + " " + view.texts[1];
	drawText(cr, pango, s, reading, 0.4 * h, cx, boxY + boxH / 2, boxW * 0.88, Align::Center, dark);
}

void drawTime(cairo_t *cr, PangoContext *pango, const View &view, const Style &s, int w, int h)
{
	const double pad = panelRadius(w, h);
	const double inner = w - 2 * pad;
	drawText(cr, pango, s, view.texts[0], 0.5 * h, pad, 0.4 * h, inner, Align::Left, textColor(s, view));
	const std::string line = view.texts[2].empty() ? view.texts[1] : view.texts[1] + "  " + view.texts[2];
	drawText(cr, pango, s, line, 0.19 * h, pad, 0.8 * h, inner, Align::Left, labelColor(s));
}

void drawGps(cairo_t *cr, PangoContext *pango, const View &view, const Style &s, int w, int h)
{
	const double pad = std::max(panelRadius(w, h), 0.2 * h);
	const double dot = h * 0.2;
	const Rgba colour = view.marks[0] == 3 ? kFixGood : view.marks[0] == 2 ? kFixWeak : kFixNone;
	setColor(cr, view.dim ? colour.withAlpha(0.5) : colour);
	cairo_arc(cr, pad + dot, h / 2.0, dot, 0, 2 * kPi);
	cairo_fill(cr);
	const std::string line =
	    view.texts[1].empty() ? view.texts[0] : view.texts[0] + " \u00b7 " + view.texts[1];
	drawText(cr, pango, s, line, 0.5 * h, pad + 2 * dot + h * 0.25, h / 2.0,
		 w - 2 * pad - 2 * dot - h * 0.25, Align::Left, textColor(s, view));
}

std::string horizonText(const View &view)
{
	return view.texts[0] + "   " + view.texts[1];
}

Area horizonTextArea(PangoContext *pango, const Style &s, const View &view, int w, int h)
{
	const DialGeometry g = dialGeometry(w, h);
	return textArea(pango, s, horizonText(view), 0.1 * g.side, w / 2.0, g.pad + 0.06 * g.side,
			w - 2 * g.pad, Align::Center, w, h);
}

void drawHorizon(cairo_t *cr, PangoContext *pango, const View &view, const Style &s, int w, int h)
{
	const DialGeometry g = dialGeometry(w, h);
	const double side = g.side, radius = g.radius, cx = g.cx, cy = g.cy;
	drawText(cr, pango, s, horizonText(view), 0.1 * side, w / 2.0, g.pad + 0.06 * side, w - 2 * g.pad,
		 Align::Center, textColor(s, view));
	const double roll = double(view.marks[0]) / 2 * kPi / 180;
	const double pitch = double(view.marks[1]) / 2 * kPi / 180;

	cairo_save(cr);
	cairo_arc(cr, cx, cy, radius, 0, 2 * kPi);
	cairo_clip(cr);
	setColor(cr, s.text.withAlpha(0.08));
	cairo_paint(cr);
	if (!view.dim) {
		// The world's horizon as the camera sees it: turned against the roll, and lower in
		// the picture when the lens looks up.
		cairo_translate(cr, cx, cy);
		cairo_rotate(cr, -roll);
		cairo_translate(cr, 0, std::sin(pitch) * radius);
		setColor(cr, s.accent.withAlpha(0.35));
		cairo_rectangle(cr, -2 * radius, 0, 4 * radius, 3 * radius);
		cairo_fill(cr);
		setColor(cr, s.text);
		cairo_set_line_width(cr, std::max(1.0, side * 0.014));
		cairo_move_to(cr, -2 * radius, 0);
		cairo_line_to(cr, 2 * radius, 0);
		cairo_stroke(cr);
	}
	cairo_restore(cr);

	cairo_set_line_width(cr, std::max(1.0, side * 0.01));
	setColor(cr, s.text.withAlpha(0.5));
	cairo_arc(cr, cx, cy, radius, 0, 2 * kPi);
	cairo_stroke(cr);
	// The camera: fixed wings and a centre dot.
	setColor(cr, s.accent);
	cairo_set_line_width(cr, std::max(1.5, side * 0.02));
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	cairo_move_to(cr, cx - radius * 0.6, cy);
	cairo_line_to(cr, cx - radius * 0.22, cy);
	cairo_move_to(cr, cx + radius * 0.22, cy);
	cairo_line_to(cr, cx + radius * 0.6, cy);
	cairo_stroke(cr);
	cairo_arc(cr, cx, cy, side * 0.022, 0, 2 * kPi);
	cairo_fill(cr);
}

void horizonAreas(PangoContext *pango, const Style &s, const View &a, const View &b, int w, int h,
		  std::vector<Area> &out)
{
	if (a.texts != b.texts || a.dim != b.dim) {
		out.push_back(horizonTextArea(pango, s, a, w, h));
		out.push_back(horizonTextArea(pango, s, b, w, h));
	}
	if (a.marks != b.marks || a.dim != b.dim) {
		// The disc, with the rim and the wings drawn over it.
		const DialGeometry g = dialGeometry(w, h);
		out.push_back(Area::around(g.cx - g.radius, g.cy - g.radius, g.cx + g.radius, g.cy + g.radius,
					   std::max(1.0, g.side * 0.01) + 2, w, h));
	}
}

} // namespace

Rgba Rgba::fromArgb(std::uint32_t argb) noexcept
{
	return {((argb >> 16) & 0xff) / 255.0, ((argb >> 8) & 0xff) / 255.0, (argb & 0xff) / 255.0,
		((argb >> 24) & 0xff) / 255.0};
}

void Extremes::update(const FrameValues &values) noexcept
{
	if (values.speed && *values.speed > maxSpeed && *values.speed < 1000)
		maxSpeed = *values.speed;
}

void setColor(cairo_t *cr, const Rgba &c) noexcept
{
	cairo_set_source_rgba(cr, c.r, c.g, c.b, std::clamp(c.a, 0.0, 1.0));
}

double panelRadius(double w, double h) noexcept
{
	return std::max(2.0, std::min(w, h) * 0.1);
}

void drawPanel(cairo_t *cr, const Style &style, double w, double h)
{
	const double r = std::min(panelRadius(w, h), std::min(w, h) / 2);
	cairo_new_sub_path(cr);
	cairo_arc(cr, w - r, r, r, -kPi / 2, 0);
	cairo_arc(cr, w - r, h - r, r, 0, kPi / 2);
	cairo_arc(cr, r, h - r, r, kPi / 2, kPi);
	cairo_arc(cr, r, r, r, kPi, 1.5 * kPi);
	cairo_close_path(cr);
	setColor(cr, style.background);
	cairo_fill(cr);
}

namespace
{

// Laid-out texts, kept on the Pango context (object data): values repeat (the same digits come
// back frame after frame), and laying a text out costs more than drawing it.
struct LaidOut {
	PangoLayout *layout;
	double width, height, x;	     ///< logical extents, pixels
	double inkX0, inkY0, inkX1, inkY1; ///< ink extents from the layout's origin, pixels
};

class TextCache
{
public:
	static constexpr std::size_t kMaxEntries = 512;

	~TextCache() { clear(); }

	const LaidOut &get(PangoContext *pango, const Style &style, const std::string &text, double sizePx,
			   double maxWidth)
	{
		std::string key = style.font;
		key += '\x1f';
		key += std::to_string(std::lround(sizePx * 64)) + '\x1f' +
		       std::to_string(std::lround(maxWidth * 64));
		key += '\x1f';
		key += text;
		if (auto it = entries_.find(key); it != entries_.end())
			return it->second;
		if (entries_.size() >= kMaxEntries)
			clear();
		return entries_.emplace(std::move(key), layOut(pango, style, text, sizePx, maxWidth))
		    .first->second;
	}

	void clear() noexcept
	{
		for (auto &entry : entries_)
			g_object_unref(entry.second.layout);
		entries_.clear();
	}

private:
	static LaidOut layOut(PangoContext *pango, const Style &style, const std::string &text, double sizePx,
			      double maxWidth)
	{
		PangoLayout *layout = pango_layout_new(pango);
		PangoFontDescription *font = pango_font_description_from_string(style.font.c_str());
		pango_font_description_set_absolute_size(font, sizePx * PANGO_SCALE);
		pango_layout_set_font_description(layout, font);
		// Digits of one width, so numbers do not wobble as they change.
		PangoAttrList *attrs = pango_attr_list_new();
		pango_attr_list_insert(attrs, pango_attr_font_features_new("tnum=1"));
		pango_layout_set_attributes(layout, attrs);
		pango_attr_list_unref(attrs);
		pango_layout_set_text(layout, text.c_str(), -1);
		PangoRectangle ink, logical;
		pango_layout_get_extents(layout, &ink, &logical);
		double width = double(logical.width) / PANGO_SCALE;
		if (maxWidth > 0 && width > maxWidth) {
			pango_font_description_set_absolute_size(font,
								 sizePx * maxWidth / width * PANGO_SCALE);
			pango_layout_set_font_description(layout, font);
			pango_layout_get_extents(layout, &ink, &logical);
			width = double(logical.width) / PANGO_SCALE;
		}
		pango_font_description_free(font);
		const double scale = PANGO_SCALE;
		return {layout,
			width,
			double(logical.height) / scale,
			double(logical.x) / scale,
			std::min(ink.x, logical.x) / scale,
			std::min(ink.y, logical.y) / scale,
			std::max(ink.x + ink.width, logical.x + logical.width) / scale,
			std::max(ink.y + ink.height, logical.y + logical.height) / scale};
	}

	std::unordered_map<std::string, LaidOut> entries_;
};

TextCache &textCacheOf(PangoContext *pango)
{
	static const char kKey[] = "gpmfoverlay-text-cache";
	auto *cache = static_cast<TextCache *>(g_object_get_data(G_OBJECT(pango), kKey));
	if (!cache) {
		cache = new TextCache();
		g_object_set_data_full(G_OBJECT(pango), kKey, cache,
				       [](gpointer data) { delete static_cast<TextCache *>(data); });
	}
	return *cache;
}

// Dots drawn once per look and place within a pixel (the G-force's and the map's move by whole
// pixels), kept on the Pango context as the texts are.
class DotCache
{
public:
	static constexpr std::size_t kMaxEntries = 16;

	~DotCache() { clear(); }

	void draw(cairo_t *cr, double x, double y, double r, const Rgba &fill, const Rgba &ring, double ringWidth)
	{
		const double ix = std::floor(x), iy = std::floor(y);
		const Key key{r, ringWidth, x - ix, y - iy, fill, ring};
		const Entry *entry = nullptr;
		for (const Entry &e : entries_) {
			if (e.key == key)
				entry = &e;
		}
		if (!entry) {
			if (entries_.size() >= kMaxEntries)
				clear();
			entries_.push_back(make(key));
			entry = &entries_.back();
		}
		cairo_save(cr);
		cairo_set_source_surface(cr, entry->sprite, ix - entry->half, iy - entry->half);
		cairo_paint(cr);
		cairo_restore(cr);
	}

	void clear() noexcept
	{
		for (Entry &e : entries_)
			cairo_surface_destroy(e.sprite);
		entries_.clear();
	}

private:
	struct Key {
		double r, ringWidth, fx, fy;
		Rgba fill, ring;
		bool operator==(const Key &) const = default;
	};
	struct Entry {
		Key key;
		cairo_surface_t *sprite;
		int half; ///< the sprite is 2 half + 1 pixels square, the dot's pixel in its middle
	};

	static Entry make(const Key &key)
	{
		const int half = int(std::ceil(key.r + key.ringWidth / 2)) + 2;
		cairo_surface_t *sprite = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 2 * half + 1, 2 * half + 1);
		cairo_t *cr = cairo_create(sprite);
		setColor(cr, key.fill);
		cairo_arc(cr, half + key.fx, half + key.fy, key.r, 0, 2 * kPi);
		cairo_fill_preserve(cr);
		setColor(cr, key.ring);
		cairo_set_line_width(cr, key.ringWidth);
		cairo_stroke(cr);
		cairo_destroy(cr);
		cairo_surface_flush(sprite);
		return {key, sprite, half};
	}

	std::vector<Entry> entries_;
};

DotCache &dotCacheOf(PangoContext *pango)
{
	static const char kKey[] = "gpmfoverlay-dot-cache";
	auto *cache = static_cast<DotCache *>(g_object_get_data(G_OBJECT(pango), kKey));
	if (!cache) {
		cache = new DotCache();
		g_object_set_data_full(G_OBJECT(pango), kKey, cache,
				       [](gpointer data) { delete static_cast<DotCache *>(data); });
	}
	return *cache;
}

} // namespace

namespace
{

double leftOf(const LaidOut &t, double x, Align align) noexcept
{
	return align == Align::Left ? x : align == Align::Right ? x - t.width : x - t.width / 2;
}

} // namespace

double drawText(cairo_t *cr, PangoContext *pango, const Style &style, const std::string &text, double sizePx,
		double x, double centreY, double maxWidth, Align align, const Rgba &color)
{
	if (text.empty() || sizePx < 1)
		return 0;
	const LaidOut &t = textCacheOf(pango).get(pango, style, text, sizePx, maxWidth);
	cairo_move_to(cr, leftOf(t, x, align) - t.x, centreY - t.height / 2);
	setColor(cr, color);
	pango_cairo_show_layout(cr, t.layout);
	return t.width;
}

void drawDot(cairo_t *cr, PangoContext *pango, double x, double y, double r, const Rgba &fill, const Rgba &ring,
	     double ringWidth)
{
	dotCacheOf(pango).draw(cr, x, y, r, fill, ring, ringWidth);
}

Area textArea(PangoContext *pango, const Style &style, const std::string &text, double sizePx, double x,
	      double centreY, double maxWidth, Align align, int w, int h)
{
	if (text.empty() || sizePx < 1)
		return {};
	const LaidOut &t = textCacheOf(pango).get(pango, style, text, sizePx, maxWidth);
	const double originX = leftOf(t, x, align) - t.x, originY = centreY - t.height / 2;
	// Glyphs are antialiased (and hinted) a little past their ink extents.
	return Area::around(originX + t.inkX0, originY + t.inkY0, originX + t.inkX1, originY + t.inkY1, 2, w, h);
}

double textWidth(PangoContext *pango, const Style &style, const std::string &text, double sizePx,
		 double maxWidth)
{
	if (text.empty() || sizePx < 1)
		return 0;
	return textCacheOf(pango).get(pango, style, text, sizePx, maxWidth).width;
}

Area Area::around(double x0, double y0, double x1, double y1, double margin, int w, int h) noexcept
{
	Area a;
	a.x0 = std::clamp(int(std::floor(x0 - margin)), 0, w);
	a.y0 = std::clamp(int(std::floor(y0 - margin)), 0, h);
	a.x1 = std::clamp(int(std::ceil(x1 + margin)), 0, w);
	a.y1 = std::clamp(int(std::ceil(y1 + margin)), 0, h);
	return a;
}

void drawStatic(cairo_t *cr, PangoContext *pango, Widget widget, const Style &style, int w, int h)
{
	switch (widget) {
	case Widget::Speed:
		drawSpeedStatic(cr, pango, style, w, h);
		break;
	case Widget::GForce:
		drawGForceStatic(cr, pango, style, w, h);
		break;
	case Widget::Altitude:
		drawAltitudeStatic(cr, pango, style, w, h);
		break;
	default:
		// The others move as a whole (heading, horizon) or change rarely (time, GPS).
		break;
	}
}

bool changedAreas(PangoContext *pango, Widget widget, const View &before, const View &after,
		  const Style &style, int w, int h, std::vector<Area> &out)
{
	switch (widget) {
	case Widget::Speed:
		speedAreas(pango, style, before, after, w, h, out);
		return true;
	case Widget::GForce:
		gforceAreas(pango, style, before, after, w, h, out);
		return true;
	case Widget::Altitude:
		if (before.texts != after.texts || before.dim != after.dim) {
			out.push_back(altitudeArea(pango, style, before, w, h));
			out.push_back(altitudeArea(pango, style, after, w, h));
		}
		return true;
	case Widget::Horizon:
		horizonAreas(pango, style, before, after, w, h, out);
		return true;
	default:
		return false;
	}
}

View viewOf(Widget widget, const FrameValues &values, const Extremes &extremes, const Style &style, int w,
	    int h)
{
	switch (widget) {
	case Widget::Speed:
		return speedView(values, extremes, style, w, h);
	case Widget::GForce:
		return gforceView(values, w, h);
	case Widget::Altitude:
		return altitudeView(values, style);
	case Widget::Heading:
		return headingView(values, w);
	case Widget::Time:
		return timeView(values, style);
	case Widget::Gps:
		return gpsView(values);
	case Widget::Horizon:
		return horizonView(values);
	case Widget::Map:
		break;
	}
	return {};
}

void drawWidget(cairo_t *cr, PangoContext *pango, Widget widget, const View &view, const Style &style, int w,
		int h)
{
	switch (widget) {
	case Widget::Speed:
		drawSpeed(cr, pango, view, style, w, h);
		break;
	case Widget::GForce:
		drawGForce(cr, pango, view, style, w, h);
		break;
	case Widget::Altitude:
		drawAltitude(cr, pango, view, style, w, h);
		break;
	case Widget::Heading:
		drawHeading(cr, pango, view, style, w, h);
		break;
	case Widget::Time:
		drawTime(cr, pango, view, style, w, h);
		break;
	case Widget::Gps:
		drawGps(cr, pango, view, style, w, h);
		break;
	case Widget::Horizon:
		drawHorizon(cr, pango, view, style, w, h);
		break;
	case Widget::Map:
		break;
	}
}

} // namespace gpmf::overlay
