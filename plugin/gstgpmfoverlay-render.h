// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's dashboard: each frame's telemetry in, the widgets drawn (each only where what it
// shows changed), out as a GstVideoOverlayComposition or blended into the frame.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "gstgpmfoverlay-blend.h" // first: it includes the video headers the right way

#include "gstgpmfoverlay-layout.h"
#include "gstgpmfoverlay-map.h"
#include "gstgpmfoverlay-telemetry.h"
#include "gstgpmfoverlay-widgets.h"

namespace gpmf::overlay
{

/// Streaming thread only (the element calls it from transform_ip and serialized events).
///
/// Each widget is drawn into a canvas of its own, over a layer holding what it shows whatever the
/// values (its panel, labels, scales); a new view redraws only the areas where it differs from the
/// last one (a digit, the dot that moved), and only those areas are converted again for blending.
/// GstVideoOverlayRectangles are made from the canvases only for a composition (downstream takes
/// the meta, or a format without the fast path).
class Dashboard
{
public:
	Dashboard() = default;
	~Dashboard();
	Dashboard(const Dashboard &) = delete;
	Dashboard &operator=(const Dashboard &) = delete;

	/// A new style redraws every widget.
	void setStyle(const Style &style);
	void setRoute(std::shared_ptr<const Route> route);
	/// Forgets the telemetry's history (filters, track, maxima) and the drawings.
	void reset();
	/// Restarts the filters only (G-force, "up"), after a jump in the frames' times.
	void restartFilters() noexcept { telemetry_.reset(); }

	/// Reads a frame's GstGpmfMeta and redraws what changed. False when no widget is visible.
	bool update(const GstStructure *meta, GstClockTime duration, const Layout &layout, int width,
		    int height);

	/// The dashboard update() drew last (transfer full), or nullptr when no widget is visible.
	/// Widgets that were not redrawn keep their rectangle, so an unchanged dashboard is the same
	/// composition as the last one.
	GstVideoOverlayComposition *composition();

	/// Blends the dashboard update() drew last into a frame mapped for writing. False when the
	/// frame's format could not be blended.
	bool blend(GstVideoFrame *frame);
	/// Fills a frame (a single memory, mapped for writing) from `source`, the memory of a frame
	/// of the same layout, and blends the dashboard into it, a band of lines at a time while
	/// they are in the cache. False when the frame's format could not be blended.
	bool copyAndBlend(GstVideoFrame *frame, const GstMapInfo &source);

	/// Drawings of a widget since the start (for tests and the debug log).
	std::uint64_t redraws(Widget widget) const noexcept
	{
		return redraws_[static_cast<std::size_t>(widget)];
	}

private:
	struct Box {
		int x = 0, y = 0, w = 0, h = 0;
		bool operator==(const Box &) const = default;
	};
	struct Slot {
		bool visible = false;
		Box box;
		View view;
		bool drawn = false;		     ///< canvas holds view's drawing
		std::vector<std::uint8_t> background; ///< panel and static layer, box.w × box.h ARGB32
		std::vector<std::uint8_t> canvas;     ///< the drawing, same layout
		/// Areas redrawn since prepared was last brought up to date; `all` means everything.
		std::vector<CanvasArea> changed;
		bool all = true;
		PreparedPixels prepared;
		/// The drawing as a rectangle, made on demand; null once the canvas changed.
		GstVideoOverlayRectangle *rect = nullptr;
		/// The rectangle before rect: its pixel memory is written again once nothing else
		/// holds it (no downstream composition), so a new rectangle allocates nothing.
		GstVideoOverlayRectangle *retired = nullptr;
	};

	void clearSlots() noexcept;
	void ensurePango();
	void drawBackground(Widget widget, Slot &slot);
	void paint(Widget widget, const View &view, Slot &slot, const std::vector<Area> *areas);
	GstVideoOverlayRectangle *rectangleOf(Slot &slot);
	static Canvas canvasOf(const Slot &slot) noexcept;

	Telemetry telemetry_;
	Extremes extremes_;
	MapWidget map_;
	Style style_;
	PangoFontMap *fontMap_ = nullptr;
	PangoContext *pango_ = nullptr;
	std::array<Slot, kWidgetCount> slots_{};
	GstVideoOverlayComposition *composition_ = nullptr;
	bool compositionStale_ = true; ///< a rectangle changed since composition_ was made
	std::array<std::uint64_t, kWidgetCount> redraws_{};
	std::vector<Area> areas_; ///< scratch
};

} // namespace gpmf::overlay
