// SPDX-License-Identifier: GPL-2.0-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay on the real GoPro samples, behind gpmfattach and qtdemux, with the built plugin:
// every frame gets its meta, and the dashboard changes pixels inside the widgets' boxes only.
// Samples come from GPMF_SAMPLES_DIR; absent, the tests skip (and fail under CI=true).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include "gstgpmfoverlay-layout.h"
#include "samples.h"

namespace ov = gpmf::overlay;

namespace
{

struct Rendered {
	int frames = 0;
	int framesWithMeta = 0;
	int width = 0, height = 0;
	std::vector<std::uint8_t> rgba; ///< frame `pick`, RGBA
	std::string error;
};

// Decodes the sample through gpmfattach and gpmfoverlay with this layout; keeps frame `pick`.
Rendered render(const std::filesystem::path &file, const char *layout, int pick)
{
	Rendered run;
	const std::string description =
	    "filesrc location=\"" + file.string() +
	    "\" ! qtdemux name=d d.video_0 ! queue ! decodebin ! videoconvert ! video/x-raw,format=RGBA ! "
	    "a.video "
	    "d.meta_0 ! queue ! a.gpmf gpmfattach name=a ! gpmfoverlay layout=\"" +
	    layout + "\" ! appsink name=out sync=false";
	GError *error = nullptr;
	GstElement *pipeline = gst_parse_launch(description.c_str(), &error);
	if (!pipeline) {
		run.error = error ? error->message : "cannot build the pipeline";
		g_clear_error(&error);
		return run;
	}
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	while (GstSample *sample = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
		GstBuffer *buffer = gst_sample_get_buffer(sample);
		run.framesWithMeta += gst_buffer_get_custom_meta(buffer, "GstGpmfMeta") != nullptr;
		if (run.frames == pick) {
			GstVideoInfo info;
			gst_video_info_from_caps(&info, gst_sample_get_caps(sample));
			GstVideoFrame frame;
			if (gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ)) {
				run.width = GST_VIDEO_INFO_WIDTH(&info);
				run.height = GST_VIDEO_INFO_HEIGHT(&info);
				for (int y = 0; y < run.height; y++) {
					const auto *line =
					    static_cast<const std::uint8_t *>(
						GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)) +
					    std::size_t(y) * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
					run.rgba.insert(run.rgba.end(), line, line + run.width * 4);
				}
				gst_video_frame_unmap(&frame);
			}
		}
		run.frames++;
		gst_sample_unref(sample);
	}
	GstBus *bus = gst_element_get_bus(pipeline);
	if (GstMessage *message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
		gchar *debug = nullptr;
		gst_message_parse_error(message, &error, &debug);
		run.error = std::string(error->message) + " (" + (debug ? debug : "") + ")";
		g_clear_error(&error);
		g_free(debug);
		gst_message_unref(message);
	}
	gst_object_unref(bus);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
	return run;
}

class OverlaySamples : public ::testing::TestWithParam<const char *>
{
protected:
	void SetUp() override
	{
		for (const char *factory : {"gpmfoverlay", "gpmfattach", "qtdemux", "appsink"}) {
			GstElementFactory *f = gst_element_factory_find(factory);
			if (!f) {
				if (gpmf::test::underCi())
					FAIL() << factory << " is missing under CI";
				GTEST_SKIP() << factory << " is not available";
			}
			gst_object_unref(f);
		}
		GstElementFactory *h264 = gst_element_factory_find("avdec_h264");
		if (!h264)
			GTEST_SKIP() << "no H.264 decoder (avdec_h264, gstreamer1.0-libav)";
		gst_object_unref(h264);
	}
};

TEST_P(OverlaySamples, EveryFrameGetsTheDashboardInsideTheWidgetsOnly)
{
	GPMF_REQUIRE_SAMPLE(path, GetParam());
	constexpr int kPick = 150; // 5 s in: GPS and the filters have settled
	const Rendered plain = render(path, "all:hide", kPick);
	ASSERT_EQ(plain.error, "");
	const Rendered drawn = render(path, "", kPick);
	ASSERT_EQ(drawn.error, "");
	ASSERT_GT(drawn.frames, kPick);
	EXPECT_EQ(drawn.frames, plain.frames);
	// gpmfattach puts a meta on every frame of these recordings; the overlay keeps it.
	EXPECT_EQ(drawn.framesWithMeta, drawn.frames);
	ASSERT_EQ(drawn.rgba.size(), plain.rgba.size());
	ASSERT_FALSE(drawn.rgba.empty());

	ov::LayoutSpec spec;
	ASSERT_FALSE(ov::LayoutSpec::parse("", spec));
	const ov::Layout layout = spec.resolve(double(drawn.width) / drawn.height);
	const int w = drawn.width, h = drawn.height;
	std::vector<int> owner(std::size_t(w) * h, -1);
	std::vector<int> area(ov::kWidgetCount, 0), changed(ov::kWidgetCount, 0);
	for (std::size_t i = 0; i < ov::kWidgetCount; i++) {
		const ov::Placement &p = layout.widgets[i];
		const int x0 = int(std::lround(p.x * w)), y0 = int(std::lround(p.y * h));
		const int x1 = std::min(w, int(std::lround((p.x + p.w) * w)));
		const int y1 = std::min(h, int(std::lround((p.y + p.h) * h)));
		for (int y = y0; y < y1; y++)
			for (int x = x0; x < x1; x++)
				owner[std::size_t(y) * w + x] = int(i);
		area[i] = (x1 - x0) * (y1 - y0);
	}
	int outside = 0;
	for (std::size_t k = 0; k < owner.size(); k++) {
		const bool differs =
		    !std::equal(&drawn.rgba[k * 4], &drawn.rgba[k * 4] + 3, &plain.rgba[k * 4]);
		if (owner[k] < 0)
			outside += differs;
		else
			changed[std::size_t(owner[k])] += differs;
	}
	EXPECT_EQ(outside, 0);
	for (std::size_t i = 0; i < ov::kWidgetCount; i++)
		EXPECT_GT(changed[i], area[i] / 2) << ov::widgetName(static_cast<ov::Widget>(i));
}

INSTANTIATE_TEST_SUITE_P(Mp4, OverlaySamples, ::testing::Values("hero7.mp4", "karma.mp4", "max-heromode.mp4"),
			 [](const ::testing::TestParamInfo<const char *> &info) {
				 std::string name = info.param;
				 name = name.substr(0, name.find('.'));
				 std::replace(name.begin(), name.end(), '-', '_');
				 return name;
			 });

} // namespace
