// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's dashboard: widget rectangles, their cache, the composition.

#include "gstgpmfoverlay-render.h"

#include <cmath>
#include <cstring>

namespace gpmf::overlay
{

namespace
{

// Boxes smaller than this (pixels) are not drawn: nothing would be readable in them.
constexpr int kMinSide = 4;

} // namespace

Dashboard::~Dashboard()
{
	clearSlots();
	if (pango_)
		g_object_unref(pango_);
	if (fontMap_)
		g_object_unref(fontMap_);
}

void Dashboard::clearSlots() noexcept
{
	for (Slot &slot : slots_) {
		if (slot.rect)
			gst_video_overlay_rectangle_unref(slot.rect);
		if (slot.retired)
			gst_video_overlay_rectangle_unref(slot.retired);
		slot = Slot{};
	}
	if (composition_)
		gst_video_overlay_composition_unref(composition_);
	composition_ = nullptr;
}

void Dashboard::setStyle(const Style &style)
{
	if (style == style_)
		return;
	style_ = style;
	clearSlots();
}

void Dashboard::setRoute(std::shared_ptr<const Route> route)
{
	map_.setRoute(std::move(route));
	slots_[static_cast<std::size_t>(Widget::Map)].view = View{};
	slots_[static_cast<std::size_t>(Widget::Map)].box = Box{};
}

void Dashboard::reset()
{
	telemetry_ = Telemetry{};
	extremes_.reset();
	map_.reset();
	clearSlots();
}

GstVideoOverlayRectangle *Dashboard::paint(Widget widget, const View &view, const Box &box, Slot &slot)
{
	if (!pango_) {
		// One font map per element: Pango's are not meant to be shared between threads, and
		// each element draws in its own streaming thread.
		fontMap_ = pango_cairo_font_map_new();
		pango_ = pango_font_map_create_context(fontMap_);
		cairo_font_options_t *options = cairo_font_options_create();
		cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
		cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
		cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
		pango_cairo_context_set_font_options(pango_, options);
		cairo_font_options_destroy(options);
	}

	const int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, box.w);
	const gsize size = gsize(stride) * gsize(box.h);
	GstBuffer *buffer = nullptr;
	bool hasMeta = false;
	if (slot.retired) {
		// Ours alone (refcount 1): its pixels can be drawn over.
		if (GST_MINI_OBJECT_REFCOUNT_VALUE(slot.retired) == 1) {
			GstBuffer *old = gst_video_overlay_rectangle_get_pixels_unscaled_raw(
			    slot.retired, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
			GstVideoMeta *meta = old ? gst_buffer_get_video_meta(old) : nullptr;
			if (meta && meta->width == guint(box.w) && meta->height == guint(box.h) &&
			    meta->stride[0] == stride && gst_buffer_get_size(old) == size) {
				buffer = gst_buffer_ref(old);
				hasMeta = true;
			}
		}
		gst_video_overlay_rectangle_unref(slot.retired);
		slot.retired = nullptr;
		if (buffer && !gst_buffer_is_writable(buffer)) {
			gst_buffer_unref(buffer);
			buffer = nullptr;
		}
	}
	if (!buffer) {
		buffer = gst_buffer_new_allocate(nullptr, size, nullptr);
		hasMeta = false;
	}
	if (!buffer)
		return nullptr;
	GstMapInfo map;
	if (!gst_buffer_map(buffer, &map, GST_MAP_WRITE)) {
		gst_buffer_unref(buffer);
		return nullptr;
	}
	// Cairo's ARGB32 is premultiplied ARGB in native-endian 32-bit words: in memory, what
	// GStreamer calls GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB (BGRA on little-endian machines).
	if (slot.panel.size() != size || slot.panelW != box.w || slot.panelH != box.h) {
		slot.panel.assign(size, 0);
		slot.panelW = box.w;
		slot.panelH = box.h;
		cairo_surface_t *panel = cairo_image_surface_create_for_data(
		    slot.panel.data(), CAIRO_FORMAT_ARGB32, box.w, box.h, stride);
		cairo_t *cr = cairo_create(panel);
		drawPanel(cr, style_, box.w, box.h);
		cairo_destroy(cr);
		cairo_surface_flush(panel);
		cairo_surface_destroy(panel);
	}
	std::memcpy(map.data, slot.panel.data(), size);
	cairo_surface_t *surface =
	    cairo_image_surface_create_for_data(map.data, CAIRO_FORMAT_ARGB32, box.w, box.h, stride);
	cairo_t *cr = cairo_create(surface);
	pango_cairo_update_context(cr, pango_);
	if (widget == Widget::Map)
		map_.draw(cr, pango_, view, style_, box.w, box.h);
	else
		drawWidget(cr, pango_, widget, view, style_, box.w, box.h);
	cairo_destroy(cr);
	cairo_surface_flush(surface);
	cairo_surface_destroy(surface);
	gst_buffer_unmap(buffer, &map);

	if (!hasMeta) {
		gsize offsets[GST_VIDEO_MAX_PLANES] = {0};
		gint strides[GST_VIDEO_MAX_PLANES] = {stride};
		gst_buffer_add_video_meta_full(buffer, GST_VIDEO_FRAME_FLAG_NONE,
					       GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, guint(box.w),
					       guint(box.h), 1, offsets, strides);
	}
	GstVideoOverlayRectangle *rect =
	    gst_video_overlay_rectangle_new_raw(buffer, box.x, box.y, guint(box.w), guint(box.h),
						GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
	gst_buffer_unref(buffer);
	redraws_[static_cast<std::size_t>(widget)]++;
	return rect;
}

bool Dashboard::blend(GstVideoFrame *frame)
{
	bool ok = true;
	for (Slot &slot : slots_) {
		if (!slot.rect)
			continue;
		if (slot.prepared.matches(slot.rect, frame->info) ||
		    slot.prepared.prepare(slot.rect, frame->info))
			slot.prepared.blend(frame);
		else
			ok = blendRectangle(slot.rect, frame) && ok;
	}
	return ok;
}

GstVideoOverlayComposition *Dashboard::render(const GstStructure *meta, GstClockTime duration,
					      const Layout &layout, int width, int height)
{
	const FrameValues values = telemetry_.update(meta, duration);
	extremes_.update(values);

	bool changed = false;
	for (std::size_t i = 0; i < kWidgetCount; i++) {
		const Widget widget = static_cast<Widget>(i);
		const Placement &p = layout.widgets[i];
		Slot &slot = slots_[i];
		Box box;
		if (p.visible) {
			box.x = int(std::lround(p.x * width));
			box.y = int(std::lround(p.y * height));
			box.w = int(std::lround((p.x + p.w) * width)) - box.x;
			box.h = int(std::lround((p.y + p.h) * height)) - box.y;
			// Boxes running off the frame are cut at its edge.
			box.w = std::min(box.w, width - box.x);
			box.h = std::min(box.h, height - box.y);
		}
		if (!p.visible || box.w < kMinSide || box.h < kMinSide) {
			if (slot.rect) {
				gst_video_overlay_rectangle_unref(slot.rect);
				if (slot.retired)
					gst_video_overlay_rectangle_unref(slot.retired);
				slot = Slot{};
				changed = true;
			}
			continue;
		}
		View view = widget == Widget::Map ? map_.view(values, telemetry_.track(), box.w, box.h)
						  : viewOf(widget, values, extremes_, style_, box.w, box.h);
		if (slot.rect && slot.box == box && slot.view == view)
			continue;
		GstVideoOverlayRectangle *rect = paint(widget, view, box, slot);
		if (slot.retired)
			gst_video_overlay_rectangle_unref(slot.retired);
		slot.retired = slot.rect;
		slot.rect = rect;
		slot.box = box;
		slot.view = std::move(view);
		changed = true;
	}

	if (changed || !composition_) {
		if (composition_)
			gst_video_overlay_composition_unref(composition_);
		composition_ = nullptr;
		for (const Slot &slot : slots_) {
			if (!slot.rect)
				continue;
			if (!composition_)
				composition_ = gst_video_overlay_composition_new(slot.rect);
			else
				gst_video_overlay_composition_add_rectangle(composition_, slot.rect);
		}
	}
	return composition_ ? gst_video_overlay_composition_ref(composition_) : nullptr;
}

} // namespace gpmf::overlay
