// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay: the element. GStreamer glue over gpmf::overlay::Dashboard: properties, caps, the
// choice between attaching the dashboard as a GstVideoOverlayCompositionMeta and blending it
// into the frame. The layout is in gstgpmfoverlay-layout.cpp, the telemetry's reading in
// gstgpmfoverlay-telemetry.cpp, the drawing in gstgpmfoverlay-{render,widgets,map}.cpp.

/**
 * SECTION:element-gpmfoverlay
 * @title: gpmfoverlay
 *
 * Draws a telemetry dashboard on raw video: speed, G-force, altitude, heading, date and time,
 * GPS fix, a horizon (roll and pitch) and a route map. It reads nothing but the #GstGpmfMeta
 * that `gpmfattach` puts on each frame from the GoPro's telemetry, so it goes after
 * `gpmfattach` (or after anything that attaches the meta, e.g. an application's pad probe).
 *
 * Widgets:
 * - `speed`: ground speed (GPS 2D speed) in km/h, mph or m/s (#GstGpmfOverlay:units), a bar
 *   and the maximum so far.
 * - `gforce`: the magnitude of the acceleration in g (9.80665 m/s²; 1.00 at rest) and a dot for
 *   its horizontal part: right for lateral, up for forward acceleration. Low-passed (0.15 s).
 * - `altitude`: GPS altitude in metres (feet with units=mph).
 * - `heading`: a compass tape of the course over ground; greyed below 0.5 m/s, where GPS course
 *   is noise.
 * - `time`: time and date, in the camera's time zone when the recording has one (tz-offset),
 *   else UTC (#GstGpmfOverlay:local-time).
 * - `gps`: fix quality (3D, 2D, none) and the fix's age when it is over 1.5 s old.
 * - `horizon`: the horizon as the camera sees it, from the gravity vector (GRAV, HERO8 and
 *   later) or else the slow mean of the accelerometer; roll and pitch in degrees.
 * - `map`: the track so far as a line (no map tiles) with a dot, or with #GstGpmfOverlay:route-file
 *   the whole route, the part driven highlighted.
 *
 * The default layout puts time, GPS, heading and map along the top and altitude, speed, horizon
 * and G-force along the bottom; sizes follow the frame's height, so it looks the same at any
 * resolution, on 16:9 and 4:3 frames alike. #GstGpmfOverlay:layout moves, sizes and hides
 * widgets with a short text: `speed:x=0.05,y=0.8,w=0.2,h=0.15;map:hide`, or
 * `all:hide;speed;gforce` (see the property; docs/overlay.md has the details).
 *
 * Each widget is drawn with Cairo and Pango into a canvas of its own, again only when what it
 * shows changes (a new digit, a dot moved by a pixel) and only where it changed. When
 * downstream accepts it (the `meta:GstVideoOverlayComposition` caps feature and the meta in its
 * ALLOCATION answer, as glimagesink does), the dashboard goes downstream as a
 * #GstVideoOverlayCompositionMeta and the pixels are left alone; otherwise it is blended into the
 * frame: I420, YV12, NV12, NV21 and 32-bit RGB through a fast path (what was redrawn converted
 * once to the frame's colour space), every other format of the pad templates (8 to 16-bit YUV
 * and RGB: YUY2, UYVY, v210, P010...) with GStreamer's gst_video_blend() on a window of the frame
 * around each widget. A frame whose memory is shared (a decoder's reference frame) is copied,
 * a band at a time, each band blended while in the cache.
 *
 * Frames without a #GstGpmfMeta pass through untouched: no dashboard, not even the last one, so
 * video before the telemetry starts or after it ends is never covered by stale values.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=GX010001.MP4 ! qtdemux name=d \
 *     d.video_0 ! queue ! decodebin ! videoconvert ! a.video \
 *     d.meta_0 ! queue ! a.gpmf \
 *     gpmfattach name=a ! gpmfoverlay ! videoconvert ! autovideosink
 * ... gpmfattach name=a ! gpmfoverlay units=mph layout="map:hide;speed:x=0.4,y=0.75,w=0.2,h=0.2" ! ...
 * gpmf2json --geojson -o ride.geojson GX010001.MP4
 * ... gpmfattach name=a ! gpmfoverlay route-file=ride.geojson ! ...
 * ]|
 *
 * Since: 0.1
 */

#include "gstgpmfoverlay.h"

#include <atomic>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>

#include <gst/video/video.h>

#include "gstgpmf-utils.h"
#include "gstgpmfmeta.h"
#include "gstgpmfoverlay-layout.h"
#include "gstgpmfoverlay-map.h"
#include "gstgpmfoverlay-render.h"

GST_DEBUG_CATEGORY_STATIC(gst_gpmf_overlay_debug);
#define GST_CAT_DEFAULT gst_gpmf_overlay_debug

using gpmf::gst::ObjectLocker;
namespace ov = gpmf::overlay;

enum {
	PROP_0,
	PROP_LAYOUT,
	PROP_UNITS,
	PROP_FONT,
	PROP_TEXT_COLOR,
	PROP_BACKGROUND_COLOR,
	PROP_ACCENT_COLOR,
	PROP_ROUTE_FILE,
	PROP_LOCAL_TIME,
};

namespace
{

constexpr guint kDefaultTextColor = 0xffffffff;
constexpr guint kDefaultBackgroundColor = 0xaa0f1217; // dark, 67 % opaque
constexpr guint kDefaultAccentColor = 0xffffb300;     // amber
constexpr const char *kDefaultFont = "Sans Bold";

// A gap in the frames' times longer than this restarts the filters (G-force, "up").
constexpr GstClockTime kMaxGap = GST_SECOND;

} // namespace

// C++ state of the element; GObject only zero-fills the instance struct, so it lives here.
struct GstGpmfOverlayState {
	// Guarded by GST_OBJECT_LOCK. `version` grows with every change the streaming thread must see.
	struct Settings {
		std::string layoutText;
		ov::LayoutSpec layout;
		/// A layout refused while stopped: start() fails with it, so gst-launch says why.
		std::optional<ov::LayoutError> layoutError;
		GstGpmfOverlayUnits units = GST_GPMF_OVERLAY_UNITS_KMH;
		std::string font = kDefaultFont;
		guint textColor = kDefaultTextColor;
		guint backgroundColor = kDefaultBackgroundColor;
		guint accentColor = kDefaultAccentColor;
		std::string routeFile;
		bool localTime = true;
		std::uint64_t version = 1;
	} settings;

	// Set from any thread (RECONFIGURE, FLUSH_STOP), taken by the streaming thread.
	std::atomic<bool> checkAllocation = true;
	std::atomic<bool> needReset = false;

	// Streaming thread only (and start/stop, which run with the pads inactive).
	ov::Dashboard dashboard;
	ov::LayoutSpec layoutSpec;
	ov::Layout layout;
	std::uint64_t appliedVersion = 0;
	GstVideoInfo info;
	bool haveInfo = false;
	bool capsHaveMeta = false; ///< the src caps carry meta:GstVideoOverlayComposition
	bool attach = false;	   ///< ... and downstream said it takes the meta: attach, don't blend
	double aspect = 16.0 / 9.0;
	GstClockTime lastPts = GST_CLOCK_TIME_NONE;
	std::shared_ptr<const ov::Route> route;
};

struct _GstGpmfOverlay {
	GstBaseTransform parent;
	GstGpmfOverlayState *state;
};

// Raw video in system memory; downstream may also take the dashboard as a meta (then nothing is
// blended). The formats: GST_VIDEO_OVERLAY_COMPOSITION_BLEND_FORMATS but those where the blended
// picture is not the RGBA one within rounding (tests/plugin/overlay_test.cpp checks each):
// 2-bit alpha (RGB10A2_LE, BGR10A2_LE, Y410), 4×4 chroma (YUV9, YVU9), palette (RGB8P) and grey.
#define GPMF_OVERLAY_FORMATS                                                                                 \
	"{ ABGR64_LE, BGRA64_LE, AYUV64, ARGB64_LE, ARGB64, RGBA64_LE, ABGR64_BE, BGRA64_BE, "               \
	"ARGB64_BE, RGBA64_BE, GBRA_12LE, GBRA_12BE, Y412_LE, Y412_BE, A444_10LE, GBRA_10LE, "               \
	"A444_10BE, GBRA_10BE, A422_10LE, A422_10BE, A420_10LE, A420_10BE, GBRA, ABGR, VUYA, "               \
	"BGRA, AYUV, ARGB, RGBA, A420, AV12, Y444_16LE, Y444_16BE, v216, P016_LE, P016_BE, "                 \
	"Y444_12LE, GBR_12LE, Y444_12BE, GBR_12BE, I422_12LE, I422_12BE, Y212_LE, Y212_BE, "                 \
	"I420_12LE, I420_12BE, P012_LE, P012_BE, Y444_10LE, GBR_10LE, Y444_10BE, GBR_10BE, "                 \
	"r210, I422_10LE, I422_10BE, NV16_10LE32, Y210, v210, UYVP, I420_10LE, I420_10BE, "                  \
	"P010_10LE, NV12_10LE32, NV12_10LE40, P010_10BE, NV12_10BE_8L128, Y444, RGBP, GBR, "                 \
	"BGRP, NV24, xBGR, BGRx, xRGB, RGBx, BGR, IYU2, v308, RGB, Y42B, NV61, NV16, VYUY, "                 \
	"UYVY, YVYU, YUY2, I420, YV12, NV21, NV12, NV12_8L128, NV12_64Z32, NV12_4L4, "                       \
	"NV12_32L32, NV12_16L32S, Y41B, IYU1, RGB16, BGR16, RGB15, BGR15 }"
#define GPMF_OVERLAY_CAPS GST_VIDEO_CAPS_MAKE(GPMF_OVERLAY_FORMATS)
#define GPMF_OVERLAY_META_CAPS                                                                               \
	GST_VIDEO_CAPS_MAKE_WITH_FEATURES(GST_CAPS_FEATURE_MEMORY_SYSTEM_MEMORY                              \
					  "," GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION,           \
					  GPMF_OVERLAY_FORMATS)

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(GPMF_OVERLAY_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(GPMF_OVERLAY_META_CAPS ";" GPMF_OVERLAY_CAPS));

G_DEFINE_TYPE_WITH_CODE(GstGpmfOverlay, gst_gpmf_overlay, GST_TYPE_BASE_TRANSFORM,
			GST_DEBUG_CATEGORY_INIT(gst_gpmf_overlay_debug, "gpmfoverlay", 0,
						"GoPro telemetry dashboard overlay"))
GST_ELEMENT_REGISTER_DEFINE(gpmfoverlay, "gpmfoverlay", GST_RANK_NONE, GST_TYPE_GPMF_OVERLAY)

GType gst_gpmf_overlay_units_get_type(void)
{
	static const GEnumValue values[] = {
	    {GST_GPMF_OVERLAY_UNITS_KMH, "Speed in km/h, altitude in metres", "kmh"},
	    {GST_GPMF_OVERLAY_UNITS_MPH, "Speed in mph, altitude in feet", "mph"},
	    {GST_GPMF_OVERLAY_UNITS_MS, "Speed in m/s, altitude in metres", "ms"},
	    {0, nullptr, nullptr},
	};
	static gsize type = 0;
	if (g_once_init_enter(&type)) {
		GType t = g_enum_register_static("GstGpmfOverlayUnits", values);
		g_once_init_leave(&type, t);
	}
	return type;
}

/*
 * Exception boundary: every function GStreamer calls goes through this, so no C++ exception
 * (in practice std::bad_alloc) ever unwinds into C code.
 */
template <typename R, typename Fn>
static R gst_gpmf_overlay_guard(GstGpmfOverlay *self, R onError, const char *where, Fn &&fn) noexcept
{
	try {
		return fn();
	} catch (const std::bad_alloc &) {
		GST_ELEMENT_ERROR(self, CORE, FAILED, ("Out of memory while drawing the dashboard"),
				  ("%s", where));
	} catch (const std::exception &e) {
		GST_ELEMENT_ERROR(self, CORE, FAILED, (nullptr), ("%s: %s", where, e.what()));
	} catch (...) {
		GST_ELEMENT_ERROR(self, CORE, FAILED, (nullptr), ("%s: unknown C++ exception", where));
	}
	return onError;
}

/* Properties. */

// The layout property: parsed here, so a mistake is reported when it is made.
static void gst_gpmf_overlay_set_layout(GstGpmfOverlay *self, const gchar *text)
{
	ov::LayoutSpec spec;
	const std::optional<ov::LayoutError> error = ov::LayoutSpec::parse(text ? text : "", spec);
	bool running;
	{
		ObjectLocker lock(self);
		running = GST_STATE(self) >= GST_STATE_PAUSED;
		auto &s = self->state->settings;
		if (!error) {
			s.layoutText = text ? text : "";
			s.layout = std::move(spec);
			s.layoutError.reset();
			s.version++;
			return;
		}
		if (!running)
			s.layoutError = error;
	}
	// Keep the dashboard as it is; stopped, the element also refuses to start (start()).
	const std::string message = error->describe();
	GST_WARNING_OBJECT(self, "%s", message.c_str());
	GST_ELEMENT_WARNING(self, LIBRARY, SETTINGS, ("Invalid layout: %s", message.c_str()),
			    ("layout \"%s\" refused, the previous layout is kept", text ? text : ""));
}

static void gst_gpmf_overlay_set_property(GObject *object, guint prop_id, const GValue *value,
					  GParamSpec *pspec)
{
	auto *self = GST_GPMF_OVERLAY(object);
	gst_gpmf_overlay_guard(self, 0, "set_property", [&]() {
		if (prop_id == PROP_LAYOUT) {
			gst_gpmf_overlay_set_layout(self, g_value_get_string(value));
			return 0;
		}
		ObjectLocker lock(self);
		auto &s = self->state->settings;
		switch (prop_id) {
		case PROP_UNITS:
			s.units = static_cast<GstGpmfOverlayUnits>(g_value_get_enum(value));
			break;
		case PROP_FONT: {
			const gchar *font = g_value_get_string(value);
			s.font = font && *font ? font : kDefaultFont;
			break;
		}
		case PROP_TEXT_COLOR:
			s.textColor = g_value_get_uint(value);
			break;
		case PROP_BACKGROUND_COLOR:
			s.backgroundColor = g_value_get_uint(value);
			break;
		case PROP_ACCENT_COLOR:
			s.accentColor = g_value_get_uint(value);
			break;
		case PROP_ROUTE_FILE: {
			const gchar *path = g_value_get_string(value);
			s.routeFile = path ? path : "";
			break;
		}
		case PROP_LOCAL_TIME:
			s.localTime = g_value_get_boolean(value);
			break;
		default:
			G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
			return 0;
		}
		s.version++;
		return 0;
	});
}

static void gst_gpmf_overlay_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	auto *self = GST_GPMF_OVERLAY(object);
	ObjectLocker lock(self);
	const auto &s = self->state->settings;
	switch (prop_id) {
	case PROP_LAYOUT:
		g_value_set_string(value, s.layoutText.c_str());
		break;
	case PROP_UNITS:
		g_value_set_enum(value, s.units);
		break;
	case PROP_FONT:
		g_value_set_string(value, s.font.c_str());
		break;
	case PROP_TEXT_COLOR:
		g_value_set_uint(value, s.textColor);
		break;
	case PROP_BACKGROUND_COLOR:
		g_value_set_uint(value, s.backgroundColor);
		break;
	case PROP_ACCENT_COLOR:
		g_value_set_uint(value, s.accentColor);
		break;
	case PROP_ROUTE_FILE:
		g_value_set_string(value, s.routeFile.c_str());
		break;
	case PROP_LOCAL_TIME:
		g_value_set_boolean(value, s.localTime);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

// The streaming thread: takes the settings when they changed.
static void gst_gpmf_overlay_apply_settings(GstGpmfOverlay *self)
{
	GstGpmfOverlayState &st = *self->state;
	ov::Style style;
	{
		ObjectLocker lock(self);
		const auto &s = st.settings;
		if (s.version == st.appliedVersion)
			return;
		st.appliedVersion = s.version;
		st.layoutSpec = s.layout;
		style.text = ov::Rgba::fromArgb(s.textColor);
		style.background = ov::Rgba::fromArgb(s.backgroundColor);
		style.accent = ov::Rgba::fromArgb(s.accentColor);
		style.font = s.font;
		style.units = s.units == GST_GPMF_OVERLAY_UNITS_MPH  ? ov::Units::Mph
			      : s.units == GST_GPMF_OVERLAY_UNITS_MS ? ov::Units::Ms
								     : ov::Units::Kmh;
		style.localTime = s.localTime;
	}
	st.dashboard.setStyle(style);
	st.layout = st.layoutSpec.resolve(st.aspect);
}

/* Caps: the src side may add meta:GstVideoOverlayComposition, the sink side never has it. */

static GstCaps *gst_gpmf_overlay_transform_caps(GstBaseTransform *trans, GstPadDirection direction,
						GstCaps *caps, GstCaps *filter)
{
	GstCaps *result = gst_caps_new_empty();
	const guint n = gst_caps_get_size(caps);
	for (guint i = 0; i < n; i++) {
		const GstCapsFeatures *features = gst_caps_get_features(caps, i);
		if (features && gst_caps_features_is_any(features))
			continue;
		GstStructure *with = gst_structure_copy(gst_caps_get_structure(caps, i));
		GstStructure *without = gst_structure_copy(with);
		if (direction == GST_PAD_SINK) {
			// Downstream: the meta's variant first, so it is preferred where accepted.
			result = gst_caps_merge_structure_full(
			    result, with,
			    gst_caps_features_new(GST_CAPS_FEATURE_MEMORY_SYSTEM_MEMORY,
						  GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION,
						  nullptr));
			result = gst_caps_merge_structure_full(
			    result, without,
			    gst_caps_features_new(GST_CAPS_FEATURE_MEMORY_SYSTEM_MEMORY, nullptr));
		} else {
			gst_structure_free(with);
			result = gst_caps_merge_structure_full(
			    result, without,
			    gst_caps_features_new(GST_CAPS_FEATURE_MEMORY_SYSTEM_MEMORY, nullptr));
		}
	}
	if (filter) {
		GstCaps *filtered = gst_caps_intersect_full(filter, result, GST_CAPS_INTERSECT_FIRST);
		gst_caps_unref(result);
		result = filtered;
	}
	GST_LOG_OBJECT(trans, "%s %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
		       direction == GST_PAD_SINK ? "downstream" : "upstream", static_cast<gpointer>(caps),
		       static_cast<gpointer>(result));
	return result;
}

static gboolean gst_gpmf_overlay_set_caps(GstBaseTransform *trans, GstCaps *incaps, GstCaps *outcaps)
{
	auto *self = GST_GPMF_OVERLAY(trans);
	GstGpmfOverlayState &st = *self->state;
	GstVideoInfo info;
	if (!gst_video_info_from_caps(&info, incaps)) {
		GST_WARNING_OBJECT(self, "caps %" GST_PTR_FORMAT " are not raw video",
				   static_cast<gpointer>(incaps));
		return FALSE;
	}
	const GstCapsFeatures *features = gst_caps_get_features(outcaps, 0);
	st.capsHaveMeta = features && gst_caps_features_contains(
					  features, GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION);
	st.info = info;
	st.haveInfo = true;
	const double par = info.par_n > 0 && info.par_d > 0 ? double(info.par_n) / info.par_d : 1.0;
	st.aspect = info.height > 0 ? double(info.width) * par / info.height : 16.0 / 9.0;
	st.appliedVersion = 0; // re-resolve the layout for the new aspect ratio
	st.checkAllocation = true;
	GST_DEBUG_OBJECT(self, "%dx%d %s, aspect %.3f, caps feature for the meta: %s", info.width,
			 info.height, gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info)), st.aspect,
			 st.capsHaveMeta ? "yes" : "no");
	return TRUE;
}

// Attach or blend: attach only when the caps say so and downstream's ALLOCATION answer lists the
// meta (textoverlay's rule), so a sink that cannot draw it never gets a bare frame.
static void gst_gpmf_overlay_check_allocation(GstGpmfOverlay *self)
{
	GstGpmfOverlayState &st = *self->state;
	st.attach = false;
	if (!st.capsHaveMeta)
		return;
	GstCaps *caps = gst_pad_get_current_caps(GST_BASE_TRANSFORM_SRC_PAD(self));
	if (!caps)
		return;
	GstQuery *query = gst_query_new_allocation(caps, FALSE);
	if (gst_pad_peer_query(GST_BASE_TRANSFORM_SRC_PAD(self), query))
		st.attach = gst_query_find_allocation_meta(query, GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE,
							   nullptr);
	gst_query_unref(query);
	gst_caps_unref(caps);
	GST_DEBUG_OBJECT(self, "dashboard %s", st.attach ? "attached as a meta" : "blended into the frames");
}

static gboolean gst_gpmf_overlay_src_event(GstBaseTransform *trans, GstEvent *event)
{
	if (GST_EVENT_TYPE(event) == GST_EVENT_RECONFIGURE)
		GST_GPMF_OVERLAY(trans)->state->checkAllocation = true;
	return GST_BASE_TRANSFORM_CLASS(gst_gpmf_overlay_parent_class)->src_event(trans, event);
}

static gboolean gst_gpmf_overlay_sink_event(GstBaseTransform *trans, GstEvent *event)
{
	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_FLUSH_STOP:
	case GST_EVENT_STREAM_START:
		// A seek or a new stream: the track and the filters start again.
		GST_GPMF_OVERLAY(trans)->state->needReset = true;
		break;
	default:
		break;
	}
	return GST_BASE_TRANSFORM_CLASS(gst_gpmf_overlay_parent_class)->sink_event(trans, event);
}

/* Data. */

static GstFlowReturn gst_gpmf_overlay_draw(GstGpmfOverlay *self, GstBuffer *buffer)
{
	GstGpmfOverlayState &st = *self->state;
	gst_gpmf_overlay_apply_settings(self);
	if (st.checkAllocation.exchange(false))
		gst_gpmf_overlay_check_allocation(self);
	if (st.needReset.exchange(false)) {
		st.dashboard.reset();
		st.lastPts = GST_CLOCK_TIME_NONE;
	}

	const GstStructure *meta = gst_buffer_get_gpmf_meta(buffer);
	if (!meta || !st.haveInfo)
		return GST_FLOW_OK; // untouched: see the element's documentation

	const GstClockTime pts = GST_BUFFER_PTS(buffer);
	if (GST_CLOCK_TIME_IS_VALID(pts) && GST_CLOCK_TIME_IS_VALID(st.lastPts) &&
	    (pts < st.lastPts || pts - st.lastPts > kMaxGap))
		st.dashboard.restartFilters();
	st.lastPts = pts;

	GstClockTime duration = GST_BUFFER_DURATION(buffer);
	if (!GST_CLOCK_TIME_IS_VALID(duration) && st.info.fps_n > 0)
		duration = gst_util_uint64_scale_int(GST_SECOND, st.info.fps_d, st.info.fps_n);
	if (!st.dashboard.update(meta, duration, st.layout, GST_VIDEO_INFO_WIDTH(&st.info),
				 GST_VIDEO_INFO_HEIGHT(&st.info)))
		return GST_FLOW_OK;

	GstVideoOverlayCompositionMeta *upstream = gst_buffer_get_video_overlay_composition_meta(buffer);
	if (st.attach) {
		GstVideoOverlayComposition *composition = st.dashboard.composition();
		if (!composition)
			return GST_FLOW_OK;
		if (upstream) {
			// Another overlay's rectangles first, ours on top, in one composition.
			GstVideoOverlayComposition *merged =
			    gst_video_overlay_composition_copy(upstream->overlay);
			for (guint i = 0; i < gst_video_overlay_composition_n_rectangles(composition); i++)
				gst_video_overlay_composition_add_rectangle(
				    merged, gst_video_overlay_composition_get_rectangle(composition, i));
			gst_buffer_remove_meta(buffer, &upstream->meta);
			gst_video_overlay_composition_unref(composition);
			composition = merged;
		}
		gst_buffer_add_video_overlay_composition_meta(buffer, composition);
		gst_video_overlay_composition_unref(composition);
		return GST_FLOW_OK;
	}

	// A decoder's frame is often still one of its references (its memory shared): mapping it for
	// writing would copy it whole, then the blending would read the copy again. Copied here
	// instead, a band at a time, blended while the band is in the cache.
	GstMemory *shared = nullptr;
	GstMapInfo source;
	if (!upstream && gst_buffer_n_memory(buffer) == 1 &&
	    ov::PreparedPixels::handles(GST_VIDEO_INFO_FORMAT(&st.info))) {
		GstMemory *memory = gst_buffer_peek_memory(buffer, 0);
		if (!gst_mini_object_is_writable(GST_MINI_OBJECT_CAST(memory)) &&
		    gst_memory_map(memory, &source, GST_MAP_READ)) {
			GstAllocationParams params;
			gst_allocation_params_init(&params);
			params.align = 63;
			GstMemory *fresh = gst_allocator_alloc(nullptr, source.size, &params);
			if (fresh) {
				shared = gst_memory_ref(memory);
				gst_buffer_replace_all_memory(buffer, fresh);
			} else {
				gst_memory_unmap(memory, &source);
			}
		}
	}
	GstVideoFrame frame;
	if (!gst_video_frame_map(&frame, &st.info, buffer, GST_MAP_READWRITE)) {
		if (shared) {
			gst_memory_unmap(shared, &source);
			gst_memory_unref(shared);
		}
		GST_ELEMENT_ERROR(self, STREAM, FAILED, ("Could not write the dashboard into the frame"),
				  ("cannot map the buffer for writing"));
		return GST_FLOW_ERROR;
	}
	if (shared) {
		const bool ok = st.dashboard.copyAndBlend(&frame, source);
		gst_video_frame_unmap(&frame);
		gst_memory_unmap(shared, &source);
		gst_memory_unref(shared);
		if (!ok)
			GST_WARNING_OBJECT(self, "the blender does not handle %s frames",
					   gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&st.info)));
		return GST_FLOW_OK;
	}
	bool ok = true;
	if (upstream) {
		// Downstream will not draw an upstream overlay's meta either: blend it first.
		ok = ov::blendComposition(upstream->overlay, &frame);
		gst_buffer_remove_meta(buffer, &upstream->meta);
	}
	ok = st.dashboard.blend(&frame) && ok;
	gst_video_frame_unmap(&frame);
	if (!ok)
		GST_WARNING_OBJECT(self, "the blender does not handle %s frames",
				   gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&st.info)));
	return GST_FLOW_OK;
}

static GstFlowReturn gst_gpmf_overlay_transform_ip(GstBaseTransform *trans, GstBuffer *buffer)
{
	auto *self = GST_GPMF_OVERLAY(trans);
	return gst_gpmf_overlay_guard(self, GST_FLOW_ERROR, "transform_ip",
				      [&]() { return gst_gpmf_overlay_draw(self, buffer); });
}

/* States. */

static gboolean gst_gpmf_overlay_start(GstBaseTransform *trans)
{
	auto *self = GST_GPMF_OVERLAY(trans);
	return gst_gpmf_overlay_guard(self, FALSE, "start", [&]() -> gboolean {
		GstGpmfOverlayState &st = *self->state;
		std::optional<ov::LayoutError> layoutError;
		std::string routeFile;
		{
			ObjectLocker lock(self);
			layoutError = st.settings.layoutError;
			routeFile = st.settings.routeFile;
		}
		if (layoutError) {
			const std::string message = layoutError->describe();
			GST_ELEMENT_ERROR(
			    self, LIBRARY, SETTINGS, ("Invalid layout: %s", message.c_str()),
			    ("widgets: %s, or all; options: hide, show, x=, y=, w=, h= (fractions of "
			     "the frame)",
			     ov::widgetNames().c_str()));
			return FALSE;
		}
		st.route.reset();
		if (!routeFile.empty()) {
			auto route = std::make_shared<ov::Route>();
			if (auto error = ov::Route::load(routeFile, *route)) {
				GST_ELEMENT_ERROR(
				    self, RESOURCE, READ,
				    ("Could not read the route file \"%s\".", routeFile.c_str()),
				    ("%s", error->c_str()));
				return FALSE;
			}
			GST_INFO_OBJECT(self, "route %s: %zu points", routeFile.c_str(),
					route->points().size());
			st.route = std::move(route);
		}
		st.dashboard.reset();
		st.dashboard.setRoute(st.route);
		st.appliedVersion = 0;
		st.lastPts = GST_CLOCK_TIME_NONE;
		st.needReset = false;
		st.checkAllocation = true;
		return TRUE;
	});
}

static gboolean gst_gpmf_overlay_stop(GstBaseTransform *trans)
{
	auto *self = GST_GPMF_OVERLAY(trans);
	GstGpmfOverlayState &st = *self->state;
	for (std::size_t i = 0; i < ov::kWidgetCount; i++) {
		const auto widget = static_cast<ov::Widget>(i);
		GST_DEBUG_OBJECT(self, "%s drawn %" G_GUINT64_FORMAT " times", ov::widgetName(widget),
				 st.dashboard.redraws(widget));
	}
	return gst_gpmf_overlay_guard(self, FALSE, "stop", [&]() -> gboolean {
		st.dashboard.reset();
		st.dashboard.setRoute(nullptr);
		st.route.reset();
		st.haveInfo = false;
		return TRUE;
	});
}

/* GObject. */

static void gst_gpmf_overlay_finalize(GObject *object)
{
	auto *self = GST_GPMF_OVERLAY(object);
	delete self->state;
	self->state = nullptr;
	G_OBJECT_CLASS(gst_gpmf_overlay_parent_class)->finalize(object);
}

static void gst_gpmf_overlay_init(GstGpmfOverlay *self)
{
	self->state = new GstGpmfOverlayState();
	gst_video_info_init(&self->state->info);
	gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self), TRUE);
	gst_gpmf_meta_register();
}

static void gst_gpmf_overlay_class_init(GstGpmfOverlayClass *klass)
{
	auto *gobject_class = G_OBJECT_CLASS(klass);
	auto *element_class = GST_ELEMENT_CLASS(klass);
	auto *trans_class = GST_BASE_TRANSFORM_CLASS(klass);

	gobject_class->set_property = gst_gpmf_overlay_set_property;
	gobject_class->get_property = gst_gpmf_overlay_get_property;
	gobject_class->finalize = gst_gpmf_overlay_finalize;

	const auto flags =
	    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
	/**
	 * GstGpmfOverlay:layout:
	 *
	 * Changes to the default layout, applied in order: `entry;entry;...`, each entry a widget
	 * (speed, gforce, altitude, heading, time, gps, horizon, map, or all) then optionally `:`
	 * and comma-separated options: `hide`, `show`, `x=`, `y=`, `w=`, `h=`. x and w are fractions
	 * of the frame's width, y and h of its height, the box's top-left corner and size. Naming a
	 * widget shows it unless `hide` is given. Text that does not parse is refused with a
	 * warning (bus message) and the previous layout is kept; set before the element starts, it
	 * stops it from starting, with an error saying where the text is wrong.
	 */
	g_object_class_install_property(
	    gobject_class, PROP_LAYOUT,
	    g_param_spec_string(
		"layout", "Layout",
		"Changes to the default layout: 'widget:option,...;...' with widgets speed, gforce, "
		"altitude, heading, time, gps, horizon, map or all, and options hide, show, x=, y=, "
		"w=, h= (fractions of the frame's width for x and w, of its height for y and h), e.g. "
		"'speed:x=0.05,y=0.8,w=0.2,h=0.15;map:hide' or 'all:hide;speed;gforce'. Empty: the "
		"default layout.",
		"", flags));
	/**
	 * GstGpmfOverlay:units:
	 *
	 * Units of the speed (km/h, mph, m/s) and altitude (metres; feet with mph).
	 */
	g_object_class_install_property(
	    gobject_class, PROP_UNITS,
	    g_param_spec_enum("units", "Units",
			      "Units of speed (km/h, mph or m/s) and altitude (metres, or feet with mph).",
			      GST_TYPE_GPMF_OVERLAY_UNITS, GST_GPMF_OVERLAY_UNITS_KMH, flags));
	/**
	 * GstGpmfOverlay:font:
	 *
	 * A Pango font description: family, weight, style. Any size in it is ignored: each text is
	 * sized to its widget.
	 */
	g_object_class_install_property(
	    gobject_class, PROP_FONT,
	    g_param_spec_string(
		"font", "Font",
		"Pango font description of the texts, e.g. 'Sans Bold' or 'DejaVu Sans Condensed "
		"Bold'; sizes in it are ignored, as each text is sized to its widget.",
		kDefaultFont, flags));
	g_object_class_install_property(
	    gobject_class, PROP_TEXT_COLOR,
	    g_param_spec_uint("text-color", "Text colour",
			      "Colour of texts, lines and marks, as big-endian ARGB: 0xAARRGGBB.", 0,
			      G_MAXUINT32, kDefaultTextColor, flags));
	g_object_class_install_property(
	    gobject_class, PROP_BACKGROUND_COLOR,
	    g_param_spec_uint(
		"background-color", "Background colour",
		"Colour of the widgets' panels, as big-endian ARGB: 0xAARRGGBB (alpha 0: no panels).", 0,
		G_MAXUINT32, kDefaultBackgroundColor, flags));
	g_object_class_install_property(
	    gobject_class, PROP_ACCENT_COLOR,
	    g_param_spec_uint(
		"accent-color", "Accent colour",
		"Colour of the speed bar, the G-force dot, the route and the heading reading, as "
		"big-endian ARGB: 0xAARRGGBB.",
		0, G_MAXUINT32, kDefaultAccentColor, flags));
	/**
	 * GstGpmfOverlay:route-file:
	 *
	 * A GeoJSON file of the whole route, as `gpmf2json --geojson` writes it (a FeatureCollection
	 * of Points with a "utc" property). The map then shows the whole route from the start, the
	 * part driven highlighted (matched by UTC time, else by the nearest point) and a dot at the
	 * frame's position. Without it the map shows the track so far. Read when the element starts.
	 */
	g_object_class_install_property(
	    gobject_class, PROP_ROUTE_FILE,
	    g_param_spec_string(
		"route-file", "Route file",
		"GeoJSON FeatureCollection of the whole route (gpmf2json --geojson output): the map "
		"shows it all with a moving dot. Empty: the map shows the track so far.",
		"",
		static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
					 GST_PARAM_MUTABLE_READY)));
	g_object_class_install_property(
	    gobject_class, PROP_LOCAL_TIME,
	    g_param_spec_boolean(
		"local-time", "Local time",
		"Show the time in the camera's time zone when the recording has one (tz-offset); "
		"false: always UTC.",
		TRUE, flags));

	gst_element_class_add_static_pad_template(element_class, &sink_template);
	gst_element_class_add_static_pad_template(element_class, &src_template);
	gst_element_class_set_static_metadata(
	    element_class, "GoPro telemetry dashboard", "Filter/Editor/Video/Overlay",
	    "Draws a dashboard (speed, G-force, altitude, heading, time, GPS fix, horizon, route map) on "
	    "video from the GstGpmfMeta of each frame",
	    "The gst-gpmf authors");

	trans_class->transform_caps = gst_gpmf_overlay_transform_caps;
	trans_class->set_caps = gst_gpmf_overlay_set_caps;
	trans_class->transform_ip = gst_gpmf_overlay_transform_ip;
	trans_class->src_event = gst_gpmf_overlay_src_event;
	trans_class->sink_event = gst_gpmf_overlay_sink_event;
	trans_class->start = gst_gpmf_overlay_start;
	trans_class->stop = gst_gpmf_overlay_stop;
	trans_class->passthrough_on_same_caps = FALSE;
	trans_class->transform_ip_on_passthrough = FALSE;

	gst_type_mark_as_plugin_api(GST_TYPE_GPMF_OVERLAY_UNITS, static_cast<GstPluginAPIFlags>(0));
}
