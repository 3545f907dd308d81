// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's widgets drawn with Cairo and Pango: what each shows (a View, compared to tell
// when to redraw) and how it is drawn, plus the drawing helpers the map shares.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "gstgpmfoverlay-layout.h"
#include "gstgpmfoverlay-telemetry.h"

namespace gpmf::overlay
{

enum class Units {
	Kmh, ///< km/h, metres
	Mph, ///< mph, feet
	Ms,  ///< m/s, metres
};

struct Rgba {
	double r = 1, g = 1, b = 1, a = 1;

	/// From a GStreamer-style 0xAARRGGBB.
	static Rgba fromArgb(std::uint32_t argb) noexcept;
	Rgba withAlpha(double factor) const noexcept { return {r, g, b, a * factor}; }
	bool operator==(const Rgba &) const = default;
};

/// How every widget looks; a change redraws them all.
struct Style {
	Rgba text{1, 1, 1, 1};
	Rgba background{0.06, 0.07, 0.09, 0.67};
	Rgba accent{1.0, 0.70, 0.0, 1};
	std::string font = "Sans Bold"; ///< Pango description; the size is each text's own
	Units units = Units::Kmh;
	bool localTime = true; ///< the camera's time zone (tz-offset) when recorded, else UTC

	bool operator==(const Style &) const = default;
};

/// What a widget shows, reduced to what its pixels depend on: its texts and a few numbers
/// rounded to what can be seen (pixels, half degrees). Equal views draw equal pixels.
struct View {
	std::vector<std::string> texts;
	std::vector<std::int64_t> marks;
	bool dim = false; ///< the value is missing or stale: drawn greyed

	bool operator==(const View &) const = default;
};

/// Running maxima the widgets show beside the current value (the speed bar's scale).
struct Extremes {
	double maxSpeed = 0; ///< m/s

	void update(const FrameValues &values) noexcept;
	void reset() noexcept { *this = {}; }
};

/// A rectangle of a widget's box, in pixels: [x0, x1) × [y0, y1).
struct Area {
	int x0 = 0, y0 = 0, x1 = 0, y1 = 0;

	bool empty() const noexcept { return x1 <= x0 || y1 <= y0; }
	/// Rounded out to whole pixels, `margin` pixels added on each side, clipped to w × h.
	static Area around(double x0, double y0, double x1, double y1, double margin, int w, int h) noexcept;
	bool operator==(const Area &) const = default;
};

/// The view of every widget but the map (gstgpmfoverlay-map.h), for a box of w × h pixels.
View viewOf(Widget widget, const FrameValues &values, const Extremes &extremes, const Style &style, int w,
	    int h);

/// Draws what the widget shows whatever its view (labels, scales) over its panel: the layer the
/// dashboard keeps and draws each view over (every widget but the map).
void drawStatic(cairo_t *cr, PangoContext *pango, Widget widget, const Style &style, int w, int h);

/// Draws the widget's view over its static layer (drawPanel(), then drawStatic()), in a surface
/// of w × h pixels. Drawn clipped to changedAreas(), it gives the pixels of a whole drawing there.
void drawWidget(cairo_t *cr, PangoContext *pango, Widget widget, const View &view, const Style &style, int w,
		int h);

/// Where the drawings of two views of the widget differ (every widget but the map): false when
/// that is the whole box, else the areas in `out`.
bool changedAreas(PangoContext *pango, Widget widget, const View &before, const View &after,
		  const Style &style, int w, int h, std::vector<Area> &out);

/* Helpers shared with the map. */

void setColor(cairo_t *cr, const Rgba &c) noexcept;
/// The rounded box every widget sits on, drawn once per size and style (the dashboard keeps it).
void drawPanel(cairo_t *cr, const Style &style, double w, double h);
/// The corner radius and inner padding of a panel of this size.
double panelRadius(double w, double h) noexcept;

enum class Align { Left, Center, Right };

/// Draws one line of text in the style's font at `sizePx` (shrunk to fit `maxWidth`), placed
/// by `align` at x, vertically centred on `centreY`. Returns the width drawn.
double drawText(cairo_t *cr, PangoContext *pango, const Style &style, const std::string &text, double sizePx,
		double x, double centreY, double maxWidth, Align align, const Rgba &color);
/// A disc of radius r filled with `fill`, ringed with `ring` (a stroke `ringWidth` wide on its
/// edge), centred on x, y. Drawn once per look and place within a pixel, then copied: moving
/// dots cost a copy of a few pixels.
void drawDot(cairo_t *cr, PangoContext *pango, double x, double y, double r, const Rgba &fill, const Rgba &ring,
	     double ringWidth);
/// The pixels drawText() with these arguments may touch, within a box of w × h.
Area textArea(PangoContext *pango, const Style &style, const std::string &text, double sizePx, double x,
	      double centreY, double maxWidth, Align align, int w, int h);
/// The width drawText() returns, without drawing.
double textWidth(PangoContext *pango, const Style &style, const std::string &text, double sizePx,
		 double maxWidth);

} // namespace gpmf::overlay
