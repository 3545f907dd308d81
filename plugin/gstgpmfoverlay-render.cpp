// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's dashboard: the widgets' canvases, their partial redraws, the composition.

#include "gstgpmfoverlay-render.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gpmf::overlay
{

namespace
{

// Boxes smaller than this (pixels) are not drawn: nothing would be readable in them.
constexpr int kMinSide = 4;
// Areas kept for the next conversion before it converts the whole canvas instead (a format
// without the fast path never converts, so they would pile up).
constexpr std::size_t kMaxChangedAreas = 64;

// Copies n bytes the processor does not keep in its caches (non-temporal stores), for the parts
// of a frame nothing is blended into: they would only push out the lines that are.
void copyUncached(std::uint8_t *dst, const std::uint8_t *src, std::size_t n) noexcept
{
#if defined(__SSE2__)
	std::size_t i = 0;
	while (i < n && (reinterpret_cast<std::uintptr_t>(dst + i) & 15) != 0) {
		dst[i] = src[i];
		i++;
	}
	for (; i + 64 <= n; i += 64) {
		const auto *s = reinterpret_cast<const __m128i *>(src + i);
		auto *d = reinterpret_cast<__m128i *>(dst + i);
		const __m128i a = _mm_loadu_si128(s), b = _mm_loadu_si128(s + 1), c = _mm_loadu_si128(s + 2),
			      e = _mm_loadu_si128(s + 3);
		_mm_stream_si128(d, a);
		_mm_stream_si128(d + 1, b);
		_mm_stream_si128(d + 2, c);
		_mm_stream_si128(d + 3, e);
	}
	std::memcpy(dst + i, src + i, n - i);
#else
	std::memcpy(dst, src, n);
#endif
}

int strideOf(int w) noexcept
{
	return cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, w);
}

// Drops empty areas and merges those that overlap (or nearly touch), so that no pixel is drawn or
// converted twice: a moved dot's old and new place become one area.
void mergeAreas(std::vector<Area> &areas)
{
	areas.erase(std::remove_if(areas.begin(), areas.end(), [](const Area &a) { return a.empty(); }),
		    areas.end());
	auto size = [](const Area &a) { return std::int64_t(a.x1 - a.x0) * (a.y1 - a.y0); };
	for (bool merged = true; merged;) {
		merged = false;
		for (std::size_t i = 0; i < areas.size() && !merged; i++) {
			for (std::size_t k = i + 1; k < areas.size() && !merged; k++) {
				const Area &a = areas[i], &b = areas[k];
				const Area u{std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1),
					     std::max(a.y1, b.y1)};
				if (size(u) <= size(a) + size(b)) {
					areas[i] = u;
					areas.erase(areas.begin() + std::ptrdiff_t(k));
					merged = true;
				}
			}
		}
	}
}

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
	compositionStale_ = true;
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
	// The route is part of the map's static layer: drawn again, whole.
	Slot &slot = slots_[static_cast<std::size_t>(Widget::Map)];
	slot.background.clear();
	slot.drawn = false;
}

void Dashboard::reset()
{
	telemetry_ = Telemetry{};
	extremes_.reset();
	map_.reset();
	clearSlots();
}

void Dashboard::ensurePango()
{
	if (pango_)
		return;
	// One font map per element: Pango's are not meant to be shared between threads, and each
	// element draws in its own streaming thread.
	fontMap_ = pango_cairo_font_map_new();
	pango_ = pango_font_map_create_context(fontMap_);
	cairo_font_options_t *options = cairo_font_options_create();
	cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
	cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(pango_, options);
	cairo_font_options_destroy(options);
}

void Dashboard::drawBackground(Widget widget, Slot &slot)
{
	const int w = slot.box.w, h = slot.box.h, stride = strideOf(w);
	slot.background.assign(std::size_t(stride) * std::size_t(h), 0);
	cairo_surface_t *surface = cairo_image_surface_create_for_data(slot.background.data(),
								       CAIRO_FORMAT_ARGB32, w, h, stride);
	cairo_t *cr = cairo_create(surface);
	pango_cairo_update_context(cr, pango_);
	drawPanel(cr, style_, w, h);
	if (widget == Widget::Map)
		map_.drawStatic(cr, pango_, style_, w, h);
	else
		drawStatic(cr, pango_, widget, style_, w, h);
	cairo_destroy(cr);
	cairo_surface_flush(surface);
	cairo_surface_destroy(surface);
}

void Dashboard::paint(Widget widget, const View &view, Slot &slot, const std::vector<Area> *areas)
{
	const int w = slot.box.w, h = slot.box.h, stride = strideOf(w);
	const std::size_t size = std::size_t(stride) * std::size_t(h);
	if (!areas || slot.canvas.size() != size) {
		slot.canvas = slot.background;
		areas = nullptr;
	} else {
		// The static layer back under what changed; the rest of the canvas stays as drawn.
		for (const Area &a : *areas) {
			for (int j = a.y0; j < a.y1; j++) {
				const std::size_t at = std::size_t(j) * stride + std::size_t(a.x0) * 4;
				std::memcpy(&slot.canvas[at], &slot.background[at], std::size_t(a.x1 - a.x0) * 4);
			}
		}
	}
	cairo_surface_t *surface =
	    cairo_image_surface_create_for_data(slot.canvas.data(), CAIRO_FORMAT_ARGB32, w, h, stride);
	cairo_t *cr = cairo_create(surface);
	if (areas) {
		// Clipped to the areas, the drawing gives there the pixels of a whole one.
		for (const Area &a : *areas)
			cairo_rectangle(cr, a.x0, a.y0, a.x1 - a.x0, a.y1 - a.y0);
		cairo_clip(cr);
	}
	pango_cairo_update_context(cr, pango_);
	if (widget == Widget::Map)
		map_.draw(cr, pango_, view, style_, w, h);
	else
		drawWidget(cr, pango_, widget, view, style_, w, h);
	cairo_destroy(cr);
	cairo_surface_flush(surface);
	cairo_surface_destroy(surface);

	if (!areas || slot.all || slot.changed.size() + areas->size() > kMaxChangedAreas) {
		slot.all = true;
		slot.changed.clear();
	} else {
		for (const Area &a : *areas)
			slot.changed.push_back({a.x0, a.y0, a.x1, a.y1});
	}
	if (slot.rect) {
		if (slot.retired)
			gst_video_overlay_rectangle_unref(slot.retired);
		slot.retired = std::exchange(slot.rect, nullptr);
	}
	redraws_[static_cast<std::size_t>(widget)]++;
}

Canvas Dashboard::canvasOf(const Slot &slot) noexcept
{
	return {slot.canvas.data(), strideOf(slot.box.w), slot.box.x, slot.box.y, slot.box.w, slot.box.h};
}

GstVideoOverlayRectangle *Dashboard::rectangleOf(Slot &slot)
{
	if (slot.rect)
		return slot.rect;
	const int w = slot.box.w, h = slot.box.h, stride = strideOf(w);
	const gsize size = gsize(stride) * gsize(h);
	GstBuffer *buffer = nullptr;
	bool hasMeta = false;
	if (slot.retired) {
		// Ours alone (refcount 1): its pixels can be written over.
		if (GST_MINI_OBJECT_REFCOUNT_VALUE(slot.retired) == 1) {
			GstBuffer *old = gst_video_overlay_rectangle_get_pixels_unscaled_raw(
			    slot.retired, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
			GstVideoMeta *meta = old ? gst_buffer_get_video_meta(old) : nullptr;
			if (meta && meta->width == guint(w) && meta->height == guint(h) &&
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
	// Cairo's ARGB32 is premultiplied ARGB in native-endian 32-bit words: in memory, what
	// GStreamer calls GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB (BGRA on little-endian machines).
	gst_buffer_fill(buffer, 0, slot.canvas.data(), size);
	if (!hasMeta) {
		gsize offsets[GST_VIDEO_MAX_PLANES] = {0};
		gint strides[GST_VIDEO_MAX_PLANES] = {stride};
		gst_buffer_add_video_meta_full(buffer, GST_VIDEO_FRAME_FLAG_NONE,
					       GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, guint(w), guint(h), 1,
					       offsets, strides);
	}
	slot.rect = gst_video_overlay_rectangle_new_raw(buffer, slot.box.x, slot.box.y, guint(w), guint(h),
							GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
	gst_buffer_unref(buffer);
	return slot.rect;
}

bool Dashboard::blend(GstVideoFrame *frame)
{
	bool ok = true;
	const bool fast = PreparedPixels::handles(GST_VIDEO_FRAME_FORMAT(frame));
	for (Slot &slot : slots_) {
		if (!slot.visible || !slot.drawn)
			continue;
		if (fast) {
			if (slot.all)
				slot.prepared.clear();
			const bool prepared = slot.prepared.prepare(canvasOf(slot), frame->info, slot.changed);
			slot.changed.clear();
			slot.all = false;
			if (prepared) {
				slot.prepared.blend(frame);
				continue;
			}
		}
		GstVideoOverlayRectangle *rect = rectangleOf(slot);
		ok = rect && blendRectangle(rect, frame) && ok;
	}
	return ok;
}

bool Dashboard::copyAndBlend(GstVideoFrame *frame, const GstMapInfo &source)
{
	auto *base = static_cast<std::uint8_t *>(frame->map[0].data);
	const std::size_t size = frame->map[0].size;
	const guint planes = GST_VIDEO_FRAME_N_PLANES(frame);
	bool fast = PreparedPixels::handles(GST_VIDEO_FRAME_FORMAT(frame)) && source.size == size;
	std::size_t offset[GST_VIDEO_MAX_PLANES] = {}, stride[GST_VIDEO_MAX_PLANES] = {};
	int lines[GST_VIDEO_MAX_PLANES] = {}, done[GST_VIDEO_MAX_PLANES] = {};
	for (guint p = 0; p < planes && fast; p++) {
		const auto *data = static_cast<const std::uint8_t *>(frame->data[p]);
		// Every plane in the one memory (the frame is mapped from one).
		fast = data >= base && data < base + size && GST_VIDEO_FRAME_PLANE_STRIDE(frame, p) > 0;
		offset[p] = std::size_t(data - base);
		stride[p] = std::size_t(GST_VIDEO_FRAME_PLANE_STRIDE(frame, p));
		gint comp[GST_VIDEO_MAX_COMPONENTS];
		gst_video_format_info_component(frame->info.finfo, p, comp);
		lines[p] = GST_VIDEO_FRAME_COMP_HEIGHT(frame, comp[0]);
	}
	for (Slot &slot : slots_) {
		if (!fast)
			break;
		if (!slot.visible || !slot.drawn)
			continue;
		if (slot.all)
			slot.prepared.clear();
		fast = slot.prepared.prepare(canvasOf(slot), frame->info, slot.changed);
		slot.changed.clear();
		slot.all = !fast;
	}
	if (!fast) {
		std::memcpy(base, source.data, std::min(size, source.size));
		return blend(frame);
	}
	// The bytes of the frame the widgets' lines cover.
	std::vector<std::pair<std::size_t, std::size_t>> covered;
	for (const Slot &slot : slots_) {
		if (!slot.visible || !slot.drawn)
			continue;
		for (guint p = 0; p < planes; p++) {
			gint comp[GST_VIDEO_MAX_COMPONENTS];
			gst_video_format_info_component(frame->info.finfo, p, comp);
			const int y0 = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT(frame->info.finfo, comp[0], slot.box.y);
			const int y1 = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT(frame->info.finfo, comp[0],
									  slot.box.y + slot.box.h + 1);
			covered.emplace_back(offset[p] + std::size_t(y0) * stride[p],
					     offset[p] + std::size_t(y1 + 1) * stride[p]);
		}
	}
	// Bands of this many bytes: copied, then the lines they complete blended while in the cache.
	constexpr std::size_t kBand = 64 * 1024;
	for (std::size_t copied = 0; copied < size;) {
		const std::size_t n = std::min(kBand, size - copied);
		const auto *from = static_cast<const std::uint8_t *>(source.data) + copied;
		const bool blended = std::any_of(covered.begin(), covered.end(), [&](const auto &c) {
			return c.first < copied + n && c.second > copied;
		});
		if (blended)
			std::memcpy(base + copied, from, n);
		else
			copyUncached(base + copied, from, n);
		copied += n;
		for (guint p = 0; p < planes; p++) {
			if (copied <= offset[p])
				continue;
			const int complete = int(std::min<std::size_t>(std::size_t(lines[p]),
								       (copied - offset[p]) / stride[p]));
			if (complete <= done[p] && copied < size)
				continue;
			const int last = copied < size ? complete : lines[p];
			for (const Slot &slot : slots_) {
				if (slot.visible && slot.drawn)
					slot.prepared.blendLines(frame, p, done[p], last);
			}
			done[p] = last;
		}
	}
#if defined(__SSE2__)
	_mm_sfence(); // the uncached stores, seen before the frame goes on
#endif
	return true;
}

GstVideoOverlayComposition *Dashboard::composition()
{
	if (compositionStale_ || !composition_) {
		if (composition_)
			gst_video_overlay_composition_unref(composition_);
		composition_ = nullptr;
		for (Slot &slot : slots_) {
			if (!slot.visible || !slot.drawn)
				continue;
			GstVideoOverlayRectangle *rect = rectangleOf(slot);
			if (!rect)
				continue;
			if (!composition_)
				composition_ = gst_video_overlay_composition_new(rect);
			else
				gst_video_overlay_composition_add_rectangle(composition_, rect);
		}
		compositionStale_ = false;
	}
	return composition_ ? gst_video_overlay_composition_ref(composition_) : nullptr;
}

bool Dashboard::update(const GstStructure *meta, GstClockTime duration, const Layout &layout, int width,
		       int height)
{
	const FrameValues values = telemetry_.update(meta, duration);
	extremes_.update(values);
	ensurePango();

	bool any = false;
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
			if (slot.visible) {
				if (slot.rect)
					gst_video_overlay_rectangle_unref(slot.rect);
				if (slot.retired)
					gst_video_overlay_rectangle_unref(slot.retired);
				slot = Slot{};
				compositionStale_ = true;
			}
			continue;
		}
		any = true;
		View view = widget == Widget::Map ? map_.view(values, telemetry_.track(), box.w, box.h)
						  : viewOf(widget, values, extremes_, style_, box.w, box.h);
		if (!slot.visible || slot.box != box) {
			slot.visible = true;
			slot.box = box;
			slot.drawn = false;
			slot.background.clear();
		}
		if (slot.drawn && slot.view == view)
			continue;
		if (slot.background.empty())
			drawBackground(widget, slot);
		const std::vector<Area> *areas = nullptr;
		if (slot.drawn) {
			areas_.clear();
			const bool partial =
			    widget == Widget::Map
				? map_.changedAreas(slot.view, view, box.w, box.h, areas_)
				: changedAreas(pango_, widget, slot.view, view, style_, box.w, box.h, areas_);
			if (partial) {
				mergeAreas(areas_);
				areas = &areas_;
			}
		}
		paint(widget, view, slot, areas);
		slot.view = std::move(view);
		slot.drawn = true;
		compositionStale_ = true;
	}
	return any;
}

} // namespace gpmf::overlay
