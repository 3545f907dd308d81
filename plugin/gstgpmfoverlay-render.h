// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's dashboard: each frame's telemetry in, a GstVideoOverlayComposition out, one
// rectangle per visible widget, each redrawn only when what it shows changes.
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

	/// Reads a frame's GstGpmfMeta and returns the dashboard to put on it (transfer full), or
	/// nullptr when no widget is visible. Widgets whose view did not change keep their
	/// rectangle, so an unchanged dashboard is the same composition as the last one.
	GstVideoOverlayComposition *render(const GstStructure *meta, GstClockTime duration,
					   const Layout &layout, int width, int height);

	/// Blends the dashboard render() made last into a frame mapped for writing. False when the
	/// frame's format could not be blended.
	bool blend(GstVideoFrame *frame);

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
		GstVideoOverlayRectangle *rect = nullptr;
		Box box;
		View view;
		PreparedPixels prepared; ///< rect's pixels for the fast blend, made on first use
		/// The rectangle drawn before rect: its pixel memory is drawn into again once nothing
		/// else holds it (no downstream composition), so a redraw allocates nothing.
		GstVideoOverlayRectangle *retired = nullptr;
		/// The panel alone at box's size, copied under each drawing (cheaper than filling it).
		std::vector<std::uint8_t> panel;
		int panelW = 0, panelH = 0;
	};

	void clearSlots() noexcept;
	GstVideoOverlayRectangle *paint(Widget widget, const View &view, const Box &box, Slot &slot);

	Telemetry telemetry_;
	Extremes extremes_;
	MapWidget map_;
	Style style_;
	PangoFontMap *fontMap_ = nullptr;
	PangoContext *pango_ = nullptr;
	std::array<Slot, kWidgetCount> slots_{};
	GstVideoOverlayComposition *composition_ = nullptr;
	std::array<std::uint64_t, kWidgetCount> redraws_{};
};

} // namespace gpmf::overlay
