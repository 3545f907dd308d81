// SPDX-License-Identifier: GPL-2.0-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay: the layout parser, the telemetry's reading, and the element through GstHarness with
// frames carrying metas made here: where pixels change, hidden widgets, every raw format, frames
// without meta, the meta given downstream, redraws, route files and bad settings.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <unistd.h>
#include <vector>

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include "gstgpmfmeta.h"
#include "gstgpmfoverlay-layout.h"
#include "gstgpmfoverlay-telemetry.h"
#include "gstgpmfoverlay.h"

namespace ov = gpmf::overlay;

namespace
{

constexpr int kWidth = 640, kHeight = 360;

/// RGBA pixels.
struct Image {
	int w = 0, h = 0;
	std::vector<std::uint8_t> rgba;
};

struct PixelBox {
	ov::Widget widget;
	int x0, y0, x1, y1;
};

/// A frame's telemetry, as gpmfattach would put it on the frame.
struct MetaValues {
	double speed = 12.5, lat = 33.12684, lon = -117.32740, alt = 412.0, course = 47.0;
	int fix = 3;
	const char *utc = "2019-05-06T18:15:07.395Z";
	int tz = -420;
	double accel[3] = {9.81, 1.5, -0.8};
	double gravity[3] = {0.1, 0.99, 0.05};
};

void addMeta(GstBuffer *buffer, const MetaValues &v)
{
	GstStructure *s = gst_buffer_add_gpmf_meta(buffer);
	ASSERT_NE(s, nullptr);
	gst_structure_set(
	    s, GST_GPMF_META_UTC, G_TYPE_STRING, v.utc, GST_GPMF_META_TZ_OFFSET, G_TYPE_INT, v.tz,
	    GST_GPMF_META_LATITUDE, G_TYPE_DOUBLE, v.lat, GST_GPMF_META_LONGITUDE, G_TYPE_DOUBLE, v.lon,
	    GST_GPMF_META_ALTITUDE, G_TYPE_DOUBLE, v.alt, GST_GPMF_META_SPEED_2D, G_TYPE_DOUBLE, v.speed,
	    GST_GPMF_META_SPEED_3D, G_TYPE_DOUBLE, v.speed, GST_GPMF_META_COURSE, G_TYPE_DOUBLE, v.course,
	    GST_GPMF_META_GPS_FIX, G_TYPE_INT, v.fix, GST_GPMF_META_GPS_AGE, G_TYPE_DOUBLE, 0.05, nullptr);
	gst_gpmf_meta_set_vector(s, GST_GPMF_META_ACCELERATION, v.accel, 3);
	gst_gpmf_meta_set_vector(s, GST_GPMF_META_GRAVITY, v.gravity, 3);
}

std::string capsFor(const char *format, bool overlayMeta = false, int w = kWidth, int h = kHeight)
{
	return std::string("video/x-raw") +
	       (overlayMeta ? "(" GST_CAPS_FEATURE_MEMORY_SYSTEM_MEMORY
			      ", " GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION ")"
			    : "") +
	       ",format=" + format + ",width=" + std::to_string(w) + ",height=" + std::to_string(h) +
	       ",framerate=30/1,pixel-aspect-ratio=1/1";
}

/// Smooth gradients and a grid: every pixel differs from its neighbours a little.
Image pattern(int w = kWidth, int h = kHeight)
{
	Image image{w, h, std::vector<std::uint8_t>(std::size_t(w) * h * 4)};
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			std::uint8_t *p = &image.rgba[(std::size_t(y) * w + x) * 4];
			const bool grid = (x / 40 + y / 40) % 2 == 0;
			p[0] = std::uint8_t(40 + 170 * x / w);
			p[1] = std::uint8_t(40 + 170 * y / h);
			p[2] = grid ? 180 : 90;
			p[3] = 255;
		}
	}
	return image;
}

GstVideoInfo infoFor(GstVideoFormat format, int w, int h)
{
	GstVideoInfo info;
	gst_video_info_set_format(&info, format, guint(w), guint(h));
	info.fps_n = 30;
	info.fps_d = 1;
	return info;
}

// Converts between raw frames without dithering, so conversions are repeatable.
void convert(GstVideoFrame *in, GstVideoFrame *out)
{
	GstStructure *config =
	    gst_structure_new("config", GST_VIDEO_CONVERTER_OPT_DITHER_METHOD, GST_TYPE_VIDEO_DITHER_METHOD,
			      GST_VIDEO_DITHER_NONE, nullptr);
	GstVideoConverter *converter = gst_video_converter_new(&in->info, &out->info, config);
	ASSERT_NE(converter, nullptr);
	gst_video_converter_frame(converter, in, out);
	gst_video_converter_free(converter);
}

/// A frame of `format` holding the image (converted from RGBA).
GstBuffer *frameOf(const Image &image, GstVideoFormat format)
{
	GstVideoInfo rgbaInfo = infoFor(GST_VIDEO_FORMAT_RGBA, image.w, image.h);
	GstVideoInfo info = infoFor(format, image.w, image.h);
	GstBuffer *rgba = gst_buffer_new_allocate(nullptr, rgbaInfo.size, nullptr);
	GstVideoFrame in, out;
	gst_video_frame_map(&in, &rgbaInfo, rgba, GST_MAP_WRITE);
	for (int y = 0; y < image.h; y++)
		std::copy_n(&image.rgba[std::size_t(y) * image.w * 4], image.w * 4,
			    static_cast<std::uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(&in, 0)) +
				std::size_t(y) * GST_VIDEO_FRAME_PLANE_STRIDE(&in, 0));
	GstBuffer *buffer = gst_buffer_new_allocate(nullptr, info.size, nullptr);
	gst_video_frame_map(&out, &info, buffer, GST_MAP_WRITE);
	convert(&in, &out);
	gst_video_frame_unmap(&out);
	gst_video_frame_unmap(&in);
	gst_buffer_unref(rgba);
	GST_BUFFER_PTS(buffer) = 0;
	GST_BUFFER_DURATION(buffer) = GST_SECOND / 30;
	return buffer;
}

/// The frame's pixels as RGBA.
Image imageOf(GstBuffer *buffer, GstVideoFormat format, int w = kWidth, int h = kHeight)
{
	GstVideoInfo info = infoFor(format, w, h);
	GstVideoInfo rgbaInfo = infoFor(GST_VIDEO_FORMAT_RGBA, w, h);
	Image image{w, h, std::vector<std::uint8_t>(std::size_t(w) * h * 4)};
	GstBuffer *rgba = gst_buffer_new_allocate(nullptr, rgbaInfo.size, nullptr);
	GstVideoFrame in, out;
	if (!gst_video_frame_map(&in, &info, buffer, GST_MAP_READ)) {
		ADD_FAILURE() << "cannot map the frame";
		gst_buffer_unref(rgba);
		return image;
	}
	gst_video_frame_map(&out, &rgbaInfo, rgba, GST_MAP_WRITE);
	convert(&in, &out);
	for (int y = 0; y < h; y++)
		std::copy_n(static_cast<const std::uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(&out, 0)) +
				std::size_t(y) * GST_VIDEO_FRAME_PLANE_STRIDE(&out, 0),
			    w * 4, &image.rgba[std::size_t(y) * w * 4]);
	gst_video_frame_unmap(&out);
	gst_video_frame_unmap(&in);
	gst_buffer_unref(rgba);
	return image;
}

/// The visible widgets' boxes in pixels, rounded as the dashboard rounds them.
std::vector<PixelBox> boxesOf(const char *layoutText, int w = kWidth, int h = kHeight)
{
	ov::LayoutSpec spec;
	EXPECT_FALSE(ov::LayoutSpec::parse(layoutText ? layoutText : "", spec));
	const ov::Layout layout = spec.resolve(double(w) / h);
	std::vector<PixelBox> boxes;
	for (std::size_t i = 0; i < ov::kWidgetCount; i++) {
		const ov::Placement &p = layout.widgets[i];
		if (!p.visible)
			continue;
		const int x0 = int(std::lround(p.x * w)), y0 = int(std::lround(p.y * h));
		boxes.push_back({static_cast<ov::Widget>(i), x0, y0,
				 std::min(w, int(std::lround((p.x + p.w) * w))),
				 std::min(h, int(std::lround((p.y + p.h) * h)))});
	}
	return boxes;
}

int pixelDiff(const Image &a, const Image &b, int x, int y)
{
	int diff = 0;
	for (int c = 0; c < 3; c++) {
		const std::size_t i = (std::size_t(y) * a.w + x) * 4 + c;
		diff = std::max(diff, std::abs(int(a.rgba[i]) - int(b.rgba[i])));
	}
	return diff;
}

/// How many pixels of the box differ by more than `threshold`.
int changedIn(const Image &a, const Image &b, const PixelBox &box, int threshold = 0)
{
	int count = 0;
	for (int y = box.y0; y < box.y1; y++)
		for (int x = box.x0; x < box.x1; x++)
			count += pixelDiff(a, b, x, y) > threshold;
	return count;
}

/// How many pixels outside every box differ at all.
int changedOutside(const Image &a, const Image &b, const std::vector<PixelBox> &boxes)
{
	int count = 0;
	for (int y = 0; y < a.h; y++) {
		for (int x = 0; x < a.w; x++) {
			const bool inside = std::any_of(boxes.begin(), boxes.end(), [&](const PixelBox &box) {
				return x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1;
			});
			count += !inside && pixelDiff(a, b, x, y) > 0;
		}
	}
	return count;
}

class OverlayTest : public ::testing::Test
{
protected:
	void SetUp() override { ASSERT_TRUE(GST_ELEMENT_REGISTER(gpmfoverlay, nullptr)); }

	void TearDown() override
	{
		if (h_) {
			if (bus_) {
				gst_bus_set_flushing(bus_, TRUE);
				gst_element_set_bus(h_->element, nullptr);
				gst_object_unref(bus_);
			}
			gst_harness_teardown(h_);
		}
	}

	/// A harness around gpmfoverlay; `overlayMeta`: downstream takes the overlay meta.
	void start(const char *format, const char *layout = nullptr, bool overlayMeta = false)
	{
		h_ = gst_harness_new("gpmfoverlay");
		ASSERT_NE(h_, nullptr);
		if (layout)
			g_object_set(h_->element, "layout", layout, nullptr);
		if (overlayMeta)
			gst_harness_add_propose_allocation_meta(
			    h_, GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, nullptr);
		gst_harness_set_caps_str(h_, capsFor(format).c_str(), capsFor(format, overlayMeta).c_str());
	}

	GstBus *bus()
	{
		if (!bus_) {
			bus_ = gst_bus_new();
			gst_element_set_bus(h_->element, bus_);
		}
		return bus_;
	}

	/// Pushes a frame of the image (with a meta unless told not to) and returns the output.
	GstBuffer *pushFrame(const Image &image, GstVideoFormat format, const MetaValues *meta,
			     GstClockTime pts = 0)
	{
		GstBuffer *buffer = frameOf(image, format);
		GST_BUFFER_PTS(buffer) = pts;
		if (meta)
			addMeta(buffer, *meta);
		return gst_harness_push_and_pull(h_, buffer);
	}

	/// The dashboard drawn over the pattern in RGBA with this layout.
	Image drawRgba(const char *layout, const MetaValues &meta = {})
	{
		start("RGBA", layout);
		GstBuffer *out = pushFrame(pattern(), GST_VIDEO_FORMAT_RGBA, &meta);
		Image image = imageOf(out, GST_VIDEO_FORMAT_RGBA);
		gst_buffer_unref(out);
		return image;
	}

	GstHarness *h_ = nullptr;
	GstBus *bus_ = nullptr;
};

/* The layout text. */

TEST(OverlayLayout, DefaultFitsTheFrameWithoutOverlaps)
{
	for (double aspect : {16.0 / 9.0, 4.0 / 3.0, 21.0 / 9.0, 1.0, 9.0 / 16.0}) {
		const ov::Layout layout = ov::defaultLayout(aspect);
		for (std::size_t i = 0; i < ov::kWidgetCount; i++) {
			const ov::Placement &a = layout.widgets[i];
			SCOPED_TRACE(std::string(ov::widgetName(static_cast<ov::Widget>(i))) + " at aspect " +
				     std::to_string(aspect));
			EXPECT_TRUE(a.visible);
			EXPECT_GE(a.x, 0.0);
			EXPECT_GE(a.y, 0.0);
			EXPECT_LE(a.x + a.w, 1.0);
			EXPECT_LE(a.y + a.h, 1.0);
			EXPECT_GT(a.w * a.h, 0.001);
			for (std::size_t k = i + 1; k < ov::kWidgetCount; k++) {
				const ov::Placement &b = layout.widgets[k];
				const bool apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y ||
						   b.y + b.h <= a.y;
				EXPECT_TRUE(apart)
				    << "overlaps " << ov::widgetName(static_cast<ov::Widget>(k));
			}
		}
	}
}

TEST(OverlayLayout, ChangesApplyInOrder)
{
	ov::LayoutSpec spec;
	ASSERT_FALSE(ov::LayoutSpec::parse(" speed : x=0.05, y=0.8 ,w=0.2,h=0.15 ; map:hide;;", spec));
	ov::Layout layout = spec.resolve(16.0 / 9.0);
	const ov::Placement &speed = layout[ov::Widget::Speed];
	EXPECT_TRUE(speed.visible);
	EXPECT_DOUBLE_EQ(speed.x, 0.05);
	EXPECT_DOUBLE_EQ(speed.y, 0.8);
	EXPECT_DOUBLE_EQ(speed.w, 0.2);
	EXPECT_DOUBLE_EQ(speed.h, 0.15);
	EXPECT_FALSE(layout[ov::Widget::Map].visible);
	EXPECT_TRUE(layout[ov::Widget::Time].visible);

	// "all:hide" then naming widgets shows only them; a later "hide" wins.
	ASSERT_FALSE(
	    ov::LayoutSpec::parse("all:hide;speed;gforce:y=0.1;speed:hide,show;altitude:show,hide", spec));
	layout = spec.resolve(4.0 / 3.0);
	for (std::size_t i = 0; i < ov::kWidgetCount; i++) {
		const auto w = static_cast<ov::Widget>(i);
		EXPECT_EQ(layout.widgets[i].visible, w == ov::Widget::Speed || w == ov::Widget::GForce)
		    << ov::widgetName(w);
	}
	EXPECT_DOUBLE_EQ(layout[ov::Widget::GForce].y, 0.1);
	EXPECT_DOUBLE_EQ(layout[ov::Widget::GForce].x, ov::defaultLayout(4.0 / 3.0)[ov::Widget::GForce].x);

	ASSERT_FALSE(ov::LayoutSpec::parse("", spec));
	EXPECT_TRUE(spec.empty());
}

TEST(OverlayLayout, BadTextIsRefusedWithWhereAndWhy)
{
	struct Case {
		const char *text;
		std::size_t offset;
		const char *says;
	};
	const Case cases[] = {
	    {"sped:hide", 0,
	     "unknown widget 'sped' (widgets: speed, gforce, altitude, heading, time, gps, horizon, map, or "
	     "all)"},
	    {"map:hide;speed:x=2", 17, "'x' needs a number from 0 to 1"},
	    {"speed:w=0", 8, "'w' needs a number above 0 and at most 1"},
	    {"speed:x=abc", 8, "not 'abc'"},
	    {"speed:x=0.1,,y=0.2", 12, "an option is missing"},
	    {"speed:", 6, "an option is missing"},
	    {"speed:z=0.1", 6, "unknown option 'z=0.1' (options: hide, show, x=, y=, w=, h=)"},
	    {"speed:big", 6, "unknown option 'big'"},
	    {" :hide", 1, "a widget name is missing"},
	    {"speed:x=0.1e", 8, "not '0.1e'"},
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.text);
		ov::LayoutSpec spec;
		ASSERT_FALSE(ov::LayoutSpec::parse("map:hide", spec));
		const auto error = ov::LayoutSpec::parse(c.text, spec);
		ASSERT_TRUE(error);
		EXPECT_EQ(error->offset, c.offset);
		EXPECT_NE(error->message.find(c.says), std::string::npos) << error->message;
		EXPECT_NE(error->describe().find("at character " + std::to_string(c.offset + 1)),
			  std::string::npos);
		// Nothing half-applied: the spec is the one before.
		EXPECT_FALSE(spec.resolve(1.5)[ov::Widget::Map].visible);
		EXPECT_TRUE(spec.resolve(1.5)[ov::Widget::Speed].visible);
	}
}

/* The telemetry's reading. */

GstStructure *metaStructure(const double *accel, const double *gravity)
{
	GstStructure *s = gst_structure_new_empty("GstGpmfMeta");
	if (accel)
		gst_gpmf_meta_set_vector(s, GST_GPMF_META_ACCELERATION, accel, 3);
	if (gravity)
		gst_gpmf_meta_set_vector(s, GST_GPMF_META_GRAVITY, gravity, 3);
	return s;
}

TEST(OverlayTelemetry, GForceIsLowPassedInG)
{
	ov::Telemetry telemetry;
	const double rest[3] = {ov::kStandardGravity, 0, 0};
	const double hard[3] = {2 * ov::kStandardGravity, 0, 0};
	GstStructure *still = metaStructure(rest, nullptr), *bump = metaStructure(hard, nullptr);
	EXPECT_NEAR(*telemetry.update(still, GST_SECOND / 30).gTotal, 1.0, 1e-9);
	// One frame of a 2 g step moves the reading part of the way; a second of it, all the way.
	const double first = *telemetry.update(bump, GST_SECOND / 30).gTotal;
	EXPECT_GT(first, 1.1);
	EXPECT_LT(first, 1.4);
	double last = first;
	for (int i = 0; i < 30; i++)
		last = *telemetry.update(bump, GST_SECOND / 30).gTotal;
	EXPECT_NEAR(last, 2.0, 0.01);
	gst_structure_free(still);
	gst_structure_free(bump);
}

TEST(OverlayTelemetry, LateralAndLongitudinalLeaveGravityOut)
{
	// Camera level: up = +Z (first axis); 0.3 g to the right, 0.2 g forward.
	ov::Telemetry telemetry;
	const double g = ov::kStandardGravity;
	const double accel[3] = {g, 0.3 * g, 0.2 * g};
	const double gravity[3] = {0, 1, 0}; // GRAV is (X right, Z up, Y forward)
	GstStructure *s = metaStructure(accel, gravity);
	const ov::FrameValues v = telemetry.update(s, GST_SECOND / 30);
	EXPECT_NEAR(v.gLateral, 0.3, 1e-6);
	EXPECT_NEAR(v.gLongitudinal, 0.2, 1e-6);
	EXPECT_NEAR(*v.roll, 0.0, 1e-6);
	EXPECT_NEAR(*v.pitch, 0.0, 1e-6);
	gst_structure_free(s);
}

TEST(OverlayTelemetry, RollAndPitchFromGravityWhateverItsSign)
{
	// Turned 10° clockwise (seen from behind): "up" leans to the camera's left.
	const double a = 10 * M_PI / 180;
	const double g = ov::kStandardGravity;
	const double accel[3] = {g * std::cos(a), -g * std::sin(a), 0};
	for (double sign : {1.0, -1.0}) {
		ov::Telemetry telemetry;
		const double gravity[3] = {-sign * std::sin(a), sign * std::cos(a), 0};
		GstStructure *s = metaStructure(accel, gravity);
		const ov::FrameValues v = telemetry.update(s, GST_SECOND / 30);
		EXPECT_NEAR(*v.roll, 10.0, 1e-6) << "GRAV sign " << sign;
		EXPECT_NEAR(*v.pitch, 0.0, 1e-6);
		EXPECT_NEAR(v.gLateral, 0.0, 1e-6);
		gst_structure_free(s);
	}
	// Without GRAV, the slow mean of the acceleration gives "up"; lens 20° up.
	ov::Telemetry telemetry;
	const double b = 20 * M_PI / 180;
	const double tilted[3] = {g * std::cos(b), 0, g * std::sin(b)};
	GstStructure *s = metaStructure(tilted, nullptr);
	const ov::FrameValues v = telemetry.update(s, GST_SECOND / 30);
	EXPECT_NEAR(*v.pitch, 20.0, 1e-6);
	gst_structure_free(s);
}

TEST(OverlayTelemetry, TrackSkipsNoFixAndThinsItself)
{
	ov::Track track;
	for (int i = 0; i < 3 * int(ov::Track::kMaxPoints); i++)
		track.add({47.0 + i * 1e-5, 8.0}); // ~1.1 m apart
	EXPECT_LE(track.points().size(), ov::Track::kMaxPoints);
	EXPECT_GT(track.points().size(), ov::Track::kMaxPoints / 4);
	EXPECT_NEAR(track.points().back().lat, 47.0 + (3 * int(ov::Track::kMaxPoints) - 1) * 1e-5, 1e-4);

	ov::Telemetry telemetry;
	GstStructure *s = gst_structure_new("GstGpmfMeta", GST_GPMF_META_LATITUDE, G_TYPE_DOUBLE, 47.0,
					    GST_GPMF_META_LONGITUDE, G_TYPE_DOUBLE, 8.0,
					    GST_GPMF_META_GPS_FIX, G_TYPE_INT, 0, nullptr);
	EXPECT_FALSE(telemetry.update(s, GST_SECOND / 30).position);
	EXPECT_TRUE(telemetry.track().points().empty());
	gst_structure_set(s, GST_GPMF_META_GPS_FIX, G_TYPE_INT, 3, nullptr);
	EXPECT_TRUE(telemetry.update(s, GST_SECOND / 30).position);
	EXPECT_EQ(telemetry.track().points().size(), 1u);
	gst_structure_free(s);
}

/* The element. */

TEST_F(OverlayTest, PixelsChangeInsideEachWidgetAndNowhereElse)
{
	for (const char *layout :
	     {"", "speed:x=0.05,y=0.5,w=0.3,h=0.2;map:hide;gps:hide", "all:hide;gforce;time"}) {
		SCOPED_TRACE(std::string("layout \"") + layout + "\"");
		const Image before = pattern();
		const Image after = drawRgba(layout);
		gst_harness_teardown(h_);
		h_ = nullptr;
		const std::vector<PixelBox> boxes = boxesOf(layout);
		ASSERT_FALSE(boxes.empty());
		EXPECT_EQ(changedOutside(before, after, boxes), 0);
		for (const PixelBox &box : boxes) {
			const int area = (box.x1 - box.x0) * (box.y1 - box.y0);
			// The panel covers the box but for its rounded corners.
			EXPECT_GT(changedIn(before, after, box), area * 8 / 10) << ov::widgetName(box.widget);
		}
	}
}

TEST_F(OverlayTest, HiddenWidgetsDrawNothing)
{
	const Image before = pattern();
	const Image all = drawRgba("");
	gst_harness_teardown(h_);
	h_ = nullptr;
	const Image noMap = drawRgba("map:hide");
	gst_harness_teardown(h_);
	h_ = nullptr;
	const std::vector<PixelBox> boxes = boxesOf("");
	const auto map = std::find_if(boxes.begin(), boxes.end(),
				      [](const PixelBox &b) { return b.widget == ov::Widget::Map; });
	ASSERT_NE(map, boxes.end());
	EXPECT_GT(changedIn(before, all, *map), 0);
	EXPECT_EQ(changedIn(before, noMap, *map), 0);
	// The others are drawn as before.
	for (const PixelBox &box : boxes) {
		if (box.widget != ov::Widget::Map) {
			EXPECT_EQ(changedIn(all, noMap, box), 0) << ov::widgetName(box.widget);
		}
	}
	// Everything hidden: the frame passes untouched.
	const Image none = drawRgba("all:hide");
	EXPECT_EQ(none.rgba, before.rgba);
}

TEST_F(OverlayTest, FramesWithoutMetaAreUntouched)
{
	for (const char *format : {"RGBA", "I420", "NV12", "YUY2"}) {
		SCOPED_TRACE(format);
		const GstVideoFormat f = gst_video_format_from_string(format);
		start(format);
		GstBuffer *in = frameOf(pattern(), f);
		GstMapInfo map;
		ASSERT_TRUE(gst_buffer_map(in, &map, GST_MAP_READ));
		const std::vector<std::uint8_t> bytes(map.data, map.data + map.size);
		gst_buffer_unmap(in, &map);
		GstBuffer *out = gst_harness_push_and_pull(h_, in);
		ASSERT_TRUE(gst_buffer_map(out, &map, GST_MAP_READ));
		EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), map.data, map.data + map.size));
		gst_buffer_unmap(out, &map);
		EXPECT_EQ(gst_buffer_get_video_overlay_composition_meta(out), nullptr);
		gst_buffer_unref(out);
		// A frame with the meta after it is drawn on, one without it again is not.
		MetaValues meta;
		out = pushFrame(pattern(), f, &meta, GST_SECOND / 30);
		EXPECT_NE(imageOf(out, f).rgba, imageOf(frameOf(pattern(), f), f).rgba);
		gst_buffer_unref(out);
		out = pushFrame(pattern(), f, nullptr, 2 * GST_SECOND / 30);
		GstBuffer *plain = frameOf(pattern(), f);
		EXPECT_EQ(imageOf(out, f).rgba, imageOf(plain, f).rgba);
		gst_buffer_unref(plain);
		gst_buffer_unref(out);
		gst_harness_teardown(h_);
		h_ = nullptr;
	}
}

// Every format of the element's sink pad template.
std::vector<std::string> templateFormats()
{
	std::vector<std::string> formats;
	GstElementFactory *factory = gst_element_factory_find("gpmfoverlay");
	for (const GList *l = gst_element_factory_get_static_pad_templates(factory); l; l = l->next) {
		auto *templ = static_cast<GstStaticPadTemplate *>(l->data);
		if (templ->direction != GST_PAD_SINK)
			continue;
		GstCaps *caps = gst_static_caps_get(&templ->static_caps);
		const GValue *list = gst_structure_get_value(gst_caps_get_structure(caps, 0), "format");
		for (guint i = 0; list && i < gst_value_list_get_size(list); i++)
			formats.push_back(g_value_get_string(gst_value_list_get_value(list, i)));
		gst_caps_unref(caps);
	}
	gst_object_unref(factory);
	return formats;
}

TEST_F(OverlayTest, EveryRawFormatGivesTheSamePicture)
{
	const MetaValues meta;
	const Image reference = drawRgba("", meta);
	gst_harness_teardown(h_);
	h_ = nullptr;
	const std::vector<std::string> formats = templateFormats();
	for (const char *common : {"I420", "YV12", "NV12", "NV21", "YUY2", "UYVY", "BGRx", "BGRA", "RGBA",
				   "RGBx", "xRGB", "ARGB", "RGB", "BGR", "P010_10LE", "v210"})
		EXPECT_NE(std::find(formats.begin(), formats.end(), common), formats.end()) << common;
	for (const std::string &name : formats) {
		const char *format = name.c_str();
		SCOPED_TRACE(format);
		const GstVideoFormat f = gst_video_format_from_string(format);
		ASSERT_NE(f, GST_VIDEO_FORMAT_UNKNOWN);
		start(format);
		GstBuffer *out = pushFrame(pattern(), f, &meta);
		const Image drawn = imageOf(out, f);
		gst_buffer_unref(out);
		gst_harness_teardown(h_);
		h_ = nullptr;
		// The RGBA picture put through the same format: what subsampling and rounding leave.
		GstBuffer *expectedFrame = frameOf(reference, f);
		const Image expected = imageOf(expectedFrame, f);
		gst_buffer_unref(expectedFrame);
		double total = 0;
		int far = 0;
		for (int y = 0; y < kHeight; y++) {
			for (int x = 0; x < kWidth; x++) {
				const int d = pixelDiff(expected, drawn, x, y);
				total += d;
				far += d > 48;
			}
		}
		const double mean = total / (kWidth * kHeight);
		EXPECT_LT(mean, 1.5) << "mean difference";
		EXPECT_LT(far, kWidth * kHeight / 200) << "pixels far off";
	}
}

TEST_F(OverlayTest, FramesSharedWithTheDecoderAreCopiedNotWrittenOver)
{
	// A decoder keeps its reference frames: their memory, shared with the frame pushed, must
	// not get the dashboard, and the frame must get the same picture as a frame of its own.
	for (const char *format : {"I420", "NV12", "BGRx", "RGBA"}) {
		SCOPED_TRACE(format);
		const GstVideoFormat videoFormat = gst_video_format_from_string(format);
		const MetaValues meta;
		start(format);
		GstBuffer *own = pushFrame(pattern(), videoFormat, &meta);
		const Image expected = imageOf(own, videoFormat);
		gst_buffer_unref(own);

		GstBuffer *frame = frameOf(pattern(), videoFormat);
		addMeta(frame, meta);
		GstBuffer *reference = gst_buffer_copy(frame); // shares the memory
		const Image before = imageOf(reference, videoFormat);
		GstBuffer *out = gst_harness_push_and_pull(h_, frame);
		ASSERT_NE(out, nullptr);
		EXPECT_EQ(changedOutside(expected, imageOf(out, videoFormat), {}), 0);
		EXPECT_EQ(imageOf(reference, videoFormat).rgba, before.rgba);
		gst_buffer_unref(out);
		gst_buffer_unref(reference);
		gst_harness_teardown(h_);
		h_ = nullptr;
	}
}

TEST_F(OverlayTest, DownstreamThatTakesTheMetaGetsItAndUntouchedPixels)
{
	start("I420", nullptr, true);
	MetaValues meta;
	GstBuffer *out = pushFrame(pattern(), GST_VIDEO_FORMAT_I420, &meta);
	GstVideoOverlayCompositionMeta *cm = gst_buffer_get_video_overlay_composition_meta(out);
	ASSERT_NE(cm, nullptr);
	const std::vector<PixelBox> boxes = boxesOf("");
	ASSERT_EQ(gst_video_overlay_composition_n_rectangles(cm->overlay), boxes.size());
	for (guint i = 0; i < boxes.size(); i++) {
		gint x, y;
		guint w, h;
		GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(cm->overlay, i);
		ASSERT_TRUE(gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &w, &h));
		EXPECT_EQ(x, boxes[i].x0);
		EXPECT_EQ(y, boxes[i].y0);
		EXPECT_EQ(int(w), boxes[i].x1 - boxes[i].x0);
		EXPECT_EQ(int(h), boxes[i].y1 - boxes[i].y0);
	}
	GstBuffer *plain = frameOf(pattern(), GST_VIDEO_FORMAT_I420);
	EXPECT_EQ(imageOf(out, GST_VIDEO_FORMAT_I420).rgba, imageOf(plain, GST_VIDEO_FORMAT_I420).rgba);
	gst_buffer_unref(plain);
	gst_buffer_unref(out);
}

// The element's own blending (a fast path for 4:2:0 and 32-bit RGB) against GStreamer's
// gst_video_overlay_composition_blend() with the same rectangles, on opaque and see-through frames.
TEST_F(OverlayTest, BlendingMatchesGStreamersBlend)
{
	for (const char *format : {"I420", "NV12", "NV21", "YV12", "BGRx", "RGBA", "ARGB", "BGRA"}) {
		for (std::uint8_t alpha : {std::uint8_t(255), std::uint8_t(96)}) {
			const GstVideoFormat f = gst_video_format_from_string(format);
			const GstVideoFormatInfo *finfo = gst_video_format_get_info(f);
			if (alpha != 255 && !GST_VIDEO_FORMAT_INFO_HAS_ALPHA(finfo))
				continue;
			SCOPED_TRACE(std::string(format) + " alpha " + std::to_string(alpha));
			Image background = pattern();
			for (std::size_t i = 3; i < background.rgba.size(); i += 4)
				background.rgba[i] = alpha;
			MetaValues meta;
			// The rectangles, as a downstream that takes the meta gets them.
			start(format, nullptr, true);
			GstBuffer *attached = pushFrame(background, f, &meta);
			GstVideoOverlayCompositionMeta *cm =
			    gst_buffer_get_video_overlay_composition_meta(attached);
			ASSERT_NE(cm, nullptr);
			GstBuffer *reference = frameOf(background, f);
			GstVideoInfo info = infoFor(f, kWidth, kHeight);
			GstVideoFrame frame;
			ASSERT_TRUE(gst_video_frame_map(&frame, &info, reference, GST_MAP_READWRITE));
			ASSERT_TRUE(gst_video_overlay_composition_blend(cm->overlay, &frame));
			gst_video_frame_unmap(&frame);
			gst_buffer_unref(attached);
			gst_harness_teardown(h_);
			h_ = nullptr;
			// The element blending itself.
			start(format);
			GstBuffer *blended = pushFrame(background, f, &meta);
			const Image ours = imageOf(blended, f), theirs = imageOf(reference, f);
			gst_buffer_unref(blended);
			gst_buffer_unref(reference);
			gst_harness_teardown(h_);
			h_ = nullptr;
			double total = 0;
			int far = 0;
			for (std::size_t i = 0; i < ours.rgba.size(); i++) {
				const int d = std::abs(int(ours.rgba[i]) - int(theirs.rgba[i]));
				total += d;
				far += d > 32;
			}
			EXPECT_LT(total / double(ours.rgba.size()), 1.5);
			EXPECT_LT(far, int(ours.rgba.size() / 400));
		}
	}
}

TEST_F(OverlayTest, OnlyWidgetsWhoseValuesChangeAreRedrawn)
{
	start("I420", nullptr, true);
	MetaValues meta;
	auto rectangles = [](GstBuffer *buffer) {
		std::vector<GstVideoOverlayRectangle *> rects;
		GstVideoOverlayCompositionMeta *cm = gst_buffer_get_video_overlay_composition_meta(buffer);
		for (guint i = 0; cm && i < gst_video_overlay_composition_n_rectangles(cm->overlay); i++)
			rects.push_back(gst_video_overlay_composition_get_rectangle(cm->overlay, i));
		return rects;
	};
	GstBuffer *first = pushFrame(pattern(), GST_VIDEO_FORMAT_I420, &meta, 0);
	GstBuffer *same = pushFrame(pattern(), GST_VIDEO_FORMAT_I420, &meta, GST_SECOND / 30);
	meta.speed += 3; // 10.8 km/h more: the speed's digits and bar change, nothing else
	GstBuffer *faster = pushFrame(pattern(), GST_VIDEO_FORMAT_I420, &meta, 2 * GST_SECOND / 30);
	const auto a = rectangles(first), b = rectangles(same), c = rectangles(faster);
	ASSERT_EQ(a.size(), ov::kWidgetCount);
	ASSERT_EQ(b.size(), a.size());
	ASSERT_EQ(c.size(), a.size());
	const std::vector<PixelBox> boxes = boxesOf("");
	for (std::size_t i = 0; i < a.size(); i++) {
		SCOPED_TRACE(ov::widgetName(boxes[i].widget));
		EXPECT_EQ(a[i], b[i]);
		if (boxes[i].widget == ov::Widget::Speed) {
			EXPECT_NE(b[i], c[i]);
		} else {
			EXPECT_EQ(b[i], c[i]);
		}
	}
	gst_buffer_unref(first);
	gst_buffer_unref(same);
	gst_buffer_unref(faster);
}

TEST_F(OverlayTest, BadLayoutStopsTheStartWithAClearError)
{
	GstElement *element = gst_element_factory_make("gpmfoverlay", nullptr);
	ASSERT_NE(element, nullptr);
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(element, bus);
	g_object_set(element, "layout", "speed:x=0.1;sped:hide", nullptr);
	gchar *kept = nullptr;
	g_object_get(element, "layout", &kept, nullptr);
	EXPECT_STREQ(kept, "");
	g_free(kept);
	EXPECT_EQ(gst_element_set_state(element, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
	GstMessage *message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
	ASSERT_NE(message, nullptr);
	GError *error = nullptr;
	gchar *debug = nullptr;
	gst_message_parse_error(message, &error, &debug);
	EXPECT_STREQ(error->message, "Invalid layout: unknown widget 'sped' (widgets: speed, gforce, "
				     "altitude, heading, time, gps, horizon, map, or all) at character 13");
	g_error_free(error);
	g_free(debug);
	gst_message_unref(message);
	// A good layout afterwards clears it.
	g_object_set(element, "layout", "speed:hide", nullptr);
	EXPECT_NE(gst_element_set_state(element, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
	gst_element_set_state(element, GST_STATE_NULL);
	gst_bus_set_flushing(bus, TRUE);
	gst_element_set_bus(element, nullptr);
	gst_object_unref(bus);
	gst_object_unref(element);
}

TEST_F(OverlayTest, BadLayoutWhilePlayingWarnsAndKeepsTheDashboard)
{
	start("RGBA", "map:hide");
	GstBus *messages = bus();
	g_object_set(h_->element, "layout", "map:hide;speed:w=7", nullptr);
	GstMessage *message = gst_bus_pop_filtered(messages, GST_MESSAGE_WARNING);
	ASSERT_NE(message, nullptr);
	GError *error = nullptr;
	gst_message_parse_warning(message, &error, nullptr);
	EXPECT_NE(std::string(error->message).find("'w' needs a number above 0 and at most 1"),
		  std::string::npos)
	    << error->message;
	g_error_free(error);
	gst_message_unref(message);
	gchar *kept = nullptr;
	g_object_get(h_->element, "layout", &kept, nullptr);
	EXPECT_STREQ(kept, "map:hide");
	g_free(kept);

	MetaValues meta;
	GstBuffer *out = pushFrame(pattern(), GST_VIDEO_FORMAT_RGBA, &meta);
	const Image image = imageOf(out, GST_VIDEO_FORMAT_RGBA);
	gst_buffer_unref(out);
	EXPECT_EQ(changedOutside(pattern(), image, boxesOf("map:hide")), 0);
}

TEST_F(OverlayTest, LayoutChangesWhilePlaying)
{
	start("RGBA");
	MetaValues meta;
	GstBuffer *out = pushFrame(pattern(), GST_VIDEO_FORMAT_RGBA, &meta, 0);
	gst_buffer_unref(out);
	g_object_set(h_->element, "layout", "all:hide;speed:x=0.5,y=0.5,w=0.25,h=0.25", nullptr);
	out = pushFrame(pattern(), GST_VIDEO_FORMAT_RGBA, &meta, GST_SECOND / 30);
	const Image image = imageOf(out, GST_VIDEO_FORMAT_RGBA);
	gst_buffer_unref(out);
	const std::vector<PixelBox> boxes = boxesOf("all:hide;speed:x=0.5,y=0.5,w=0.25,h=0.25");
	ASSERT_EQ(boxes.size(), 1u);
	EXPECT_EQ(boxes[0].x0, 320);
	EXPECT_EQ(changedOutside(pattern(), image, boxes), 0);
	EXPECT_GT(changedIn(pattern(), image, boxes[0]), 0);
}

class RouteFile
{
public:
	explicit RouteFile(const std::string &text)
	    : path_(std::filesystem::temp_directory_path() /
		    ("gpmfoverlay-route-" + std::to_string(::getpid()) + ".geojson"))
	{
		std::ofstream(path_) << text;
	}
	~RouteFile() { std::filesystem::remove(path_); }
	std::string path() const { return path_.string(); }

private:
	std::filesystem::path path_;
};

/// A loop of 40 points, 2 s apart from 18:15:00 UTC, as gpmf2json --geojson writes them.
std::string loopRoute()
{
	std::string text = "{\"type\":\"FeatureCollection\",\"name\":\"test\",\"features\":[\n";
	for (int i = 0; i < 40; i++) {
		const double t = i * 2 * M_PI / 40;
		char feature[400];
		std::snprintf(
		    feature, sizeof feature,
		    "%s{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f,"
		    "410]},\"properties\":{\"time\":%d,\"utc\":\"2019-05-06T18:%02d:%02d.000Z\"}}\n",
		    i ? "," : "", -117.3274 + 0.004 * std::sin(t), 33.1268 + 0.003 * std::cos(t), 2 * i,
		    15 + (2 * i) / 60, (2 * i) % 60);
		text += feature;
	}
	text += "]}\n";
	return text;
}

TEST_F(OverlayTest, RouteFileDrawsTheWholeRoute)
{
	RouteFile route(loopRoute());
	const std::vector<PixelBox> boxes = boxesOf("all:hide;map");
	auto mapDrawn = [&](const char *routeFile) {
		// The route is read when the element starts, which the harness does at once.
		GstElement *element = gst_element_factory_make("gpmfoverlay", nullptr);
		g_object_set(element, "layout", "all:hide;map", "route-file", routeFile, nullptr);
		h_ = gst_harness_new_with_element(element, "sink", "src");
		gst_object_unref(element);
		gst_harness_set_caps_str(h_, capsFor("RGBA").c_str(), capsFor("RGBA").c_str());
		MetaValues meta;
		meta.lat = 33.1268 + 0.003; // the route's first point
		meta.lon = -117.3274;
		meta.utc = "2019-05-06T18:15:00.000Z";
		GstBuffer *out = pushFrame(pattern(), GST_VIDEO_FORMAT_RGBA, &meta);
		Image image = imageOf(out, GST_VIDEO_FORMAT_RGBA);
		gst_buffer_unref(out);
		gst_harness_teardown(h_);
		h_ = nullptr;
		return image;
	};
	const Image withRoute = mapDrawn(route.path().c_str());
	const Image trackOnly = mapDrawn("");
	EXPECT_EQ(changedOutside(pattern(), withRoute, boxes), 0);
	// The route's line: many more pixels than the track's one point.
	const Image panel = trackOnly;
	EXPECT_GT(changedIn(panel, withRoute, boxes[0], 24), 200);
}

TEST_F(OverlayTest, RedrawingOnlyWhatChangedGivesTheWholeDrawing)
{
	// Widgets are redrawn where their view changed only; after a ride of small changes, the
	// dashboard must be what a dashboard drawn at once shows. Nothing here depends on history
	// but the maximum speed (frame 0 sets it for both): the acceleration is constant (the
	// G-force filter stays put) and the map follows a route file (no track).
	RouteFile route(loopRoute());
	auto ride = [](int i) {
		MetaValues v;
		v.speed = i == 0 ? 20 : 8 + 0.31 * i;
		v.alt = 400 + 0.7 * i;
		v.course = 40 + 2.3 * i;
		v.gravity[0] = 0.1 + 0.02 * i;
		v.gravity[2] = 0.05 + 0.013 * i;
		// Along the route, which has a point every 2 s.
		const double t = i / 2.0 * 2 * M_PI / 40;
		v.lat = 33.1268 + 0.003 * std::cos(t);
		v.lon = -117.3274 + 0.004 * std::sin(t);
		return v;
	};
	constexpr int kFrames = 30;
	for (const char *format : {"RGBA", "I420"}) {
		SCOPED_TRACE(format);
		const GstVideoFormat videoFormat = gst_video_format_from_string(format);
		auto lastFrame = [&](const std::vector<int> &frames) {
			GstElement *element = gst_element_factory_make("gpmfoverlay", nullptr);
			g_object_set(element, "route-file", route.path().c_str(), nullptr);
			h_ = gst_harness_new_with_element(element, "sink", "src");
			gst_object_unref(element);
			gst_harness_set_caps_str(h_, capsFor(format).c_str(), capsFor(format).c_str());
			Image image;
			for (int i : frames) {
				const MetaValues meta = ride(i);
				char utc[40];
				std::snprintf(utc, sizeof utc, "2019-05-06T18:15:%02d.000Z", i);
				MetaValues withTime = meta;
				withTime.utc = utc;
				GstBuffer *out = pushFrame(pattern(), videoFormat, &withTime,
							   GstClockTime(i) * GST_SECOND / 30);
				if (i == frames.back())
					image = imageOf(out, videoFormat);
				gst_buffer_unref(out);
			}
			gst_harness_teardown(h_);
			h_ = nullptr;
			return image;
		};
		std::vector<int> all(kFrames);
		std::iota(all.begin(), all.end(), 0);
		const Image step = lastFrame(all);
		const Image once = lastFrame({0, kFrames - 1});
		const Image first = lastFrame({0});
		// The ride moved every widget but the GPS fix.
		const std::vector<PixelBox> boxes = boxesOf("");
		for (const PixelBox &box : boxes) {
			if (box.widget != ov::Widget::Gps) {
				EXPECT_GT(changedIn(first, step, box), 0) << ov::widgetName(box.widget);
			}
		}
		// The same pixels but for a few on the map's line, a few levels off: Cairo antialiases a
		// line redrawn within a rectangle a little differently from the whole line.
		EXPECT_LE(changedOutside(step, once, {}), 8);
		const PixelBox whole{ov::Widget::Map, 0, 0, kWidth, kHeight};
		EXPECT_EQ(changedIn(step, once, whole, 6), 0);
	}
}

TEST_F(OverlayTest, UnreadableRouteFileStopsTheStart)
{
	RouteFile notGeoJson("{\"type\":\"Feature\"}");
	for (const std::string &path : {notGeoJson.path(), std::string("/nonexistent/route.geojson")}) {
		SCOPED_TRACE(path);
		GstElement *element = gst_element_factory_make("gpmfoverlay", nullptr);
		GstBus *bus = gst_bus_new();
		gst_element_set_bus(element, bus);
		g_object_set(element, "route-file", path.c_str(), nullptr);
		EXPECT_EQ(gst_element_set_state(element, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
		GstMessage *message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
		ASSERT_NE(message, nullptr);
		GError *error = nullptr;
		gchar *debug = nullptr;
		gst_message_parse_error(message, &error, &debug);
		EXPECT_EQ(std::string(error->message), "Could not read the route file \"" + path + "\".");
		EXPECT_NE(debug, nullptr);
		g_error_free(error);
		g_free(debug);
		gst_message_unref(message);
		gst_element_set_state(element, GST_STATE_NULL);
		gst_bus_set_flushing(bus, TRUE);
		gst_element_set_bus(element, nullptr);
		gst_object_unref(bus);
		gst_object_unref(element);
	}
}

TEST_F(OverlayTest, UnitsChangeTheSpeed)
{
	MetaValues meta;
	meta.speed = 10.0; // 36 km/h, 22 mph, 10.0 m/s
	std::vector<Image> images;
	for (const char *units : {"kmh", "mph", "ms"}) {
		h_ = gst_harness_new("gpmfoverlay");
		gst_util_set_object_arg(G_OBJECT(h_->element), "units", units);
		g_object_set(h_->element, "layout", "all:hide;speed", nullptr);
		gst_harness_set_caps_str(h_, capsFor("RGBA").c_str(), capsFor("RGBA").c_str());
		GstBuffer *out = pushFrame(pattern(), GST_VIDEO_FORMAT_RGBA, &meta);
		images.push_back(imageOf(out, GST_VIDEO_FORMAT_RGBA));
		gst_buffer_unref(out);
		gst_harness_teardown(h_);
		h_ = nullptr;
	}
	const PixelBox box = boxesOf("all:hide;speed")[0];
	EXPECT_GT(changedIn(images[0], images[1], box), 100);
	EXPECT_GT(changedIn(images[0], images[2], box), 100);
	EXPECT_GT(changedIn(images[1], images[2], box), 100);
}

TEST_F(OverlayTest, SeekingForgetsTheTrack)
{
	start("RGBA", "all:hide;map");
	MetaValues meta;
	for (int i = 0; i < 10; i++) {
		meta.lat += 2e-4;
		gst_buffer_unref(pushFrame(pattern(), GST_VIDEO_FORMAT_RGBA, &meta, i * GST_SECOND / 30));
	}
	GstBuffer *out = pushFrame(pattern(), GST_VIDEO_FORMAT_RGBA, &meta, 10 * GST_SECOND / 30);
	const Image withTrack = imageOf(out, GST_VIDEO_FORMAT_RGBA);
	gst_buffer_unref(out);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_flush_start()));
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_flush_stop(TRUE)));
	GstSegment segment;
	gst_segment_init(&segment, GST_FORMAT_TIME);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_segment(&segment)));
	out = pushFrame(pattern(), GST_VIDEO_FORMAT_RGBA, &meta, 0);
	const Image fresh = imageOf(out, GST_VIDEO_FORMAT_RGBA);
	gst_buffer_unref(out);
	// After the flush only the dot is left: fewer pixels differ from the empty map.
	const PixelBox box = boxesOf("all:hide;map")[0];
	EXPECT_GT(changedIn(fresh, withTrack, box, 24), 50);
}

} // namespace
