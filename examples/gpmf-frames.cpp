// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// Prints the telemetry gpmfattach puts on each video frame of a GoPro MP4: the frame's time, the
// GPS speed and the UTC time at its middle, and the faces the camera saw. The telemetry is read
// from the frame itself (a GstCustomMeta named "GstGpmfMeta": no header of the plugin needed),
// the faces from its GstVideoRegionOfInterestMeta. gpmf-frames.py does the same in Python.
//
//   meson devenv -C build gpmf-frames GX010001.MP4 [--record]

#include <cstdio>
#include <cstring>
#include <string>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

namespace
{

void printFrame(GstBuffer *buffer, bool record)
{
	std::printf("%10.3f s", double(GST_BUFFER_PTS(buffer)) / GST_SECOND);
	GstCustomMeta *meta = gst_buffer_get_custom_meta(buffer, "GstGpmfMeta");
	if (!meta) {
		std::printf("  (no telemetry)\n");
		return;
	}
	const GstStructure *s = gst_custom_meta_get_structure(meta);
	gdouble speed;
	if (gst_structure_get_double(s, "speed-2d", &speed))
		std::printf("  speed %6.2f m/s", speed);
	else
		std::printf("  speed      -    ");
	if (const gchar *utc = gst_structure_get_string(s, "utc"))
		std::printf("  utc %s", utc);
	guint faces = 0;
	gpointer state = nullptr;
	while (GstMeta *m = gst_buffer_iterate_meta_filtered(buffer, &state,
							     GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)) {
		auto *roi = reinterpret_cast<GstVideoRegionOfInterestMeta *>(m);
		faces += roi->roi_type == g_quark_from_static_string("face") ? 1 : 0;
	}
	if (faces)
		std::printf("  faces %u", faces);
	std::printf("\n");
	if (record) {
		if (const gchar *text = gst_structure_get_string(s, "record"))
			std::printf("%s\n", text);
	}
}

} // namespace

int main(int argc, char **argv)
{
	gst_init(&argc, &argv);
	const char *file = nullptr;
	bool record = false;
	for (int i = 1; i < argc; i++) {
		if (std::strcmp(argv[i], "--record") == 0)
			record = true;
		else
			file = argv[i];
	}
	if (!file) {
		std::fprintf(stderr, "usage: %s FILE.MP4 [--record]\n", argv[0]);
		return 2;
	}
	GstElementFactory *factory = gst_element_factory_find("gpmfattach");
	if (!factory) {
		std::fprintf(
		    stderr,
		    "gpmfattach not found: run through `meson devenv -C build` or install the plugin\n");
		return 1;
	}
	gst_object_unref(factory);

	GError *error = nullptr;
	GstElement *pipeline =
	    gst_parse_launch("filesrc name=src ! qtdemux name=d "
			     "d.video_0 ! queue ! gpmfattach name=attach ! appsink name=sink sync=false "
			     "d.meta_0 ! attach.gpmf",
			     &error);
	if (!pipeline) {
		std::fprintf(stderr, "%s\n", error->message);
		g_error_free(error);
		return 1;
	}
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
	g_object_set(src, "location", file, nullptr);
	gst_object_unref(src);
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");

	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	guint frames = 0;
	GstMessage *message = nullptr;
	for (;;) {
		// A pipeline that fails (a cut file) never ends the appsink's stream: look at the bus
		// between frames rather than wait for a sample that will not come.
		GstSample *sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), GST_SECOND / 10);
		if (!sample) {
			message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
			if (message || gst_app_sink_is_eos(GST_APP_SINK(sink)))
				break;
			continue;
		}
		printFrame(gst_sample_get_buffer(sample), record);
		gst_sample_unref(sample);
		frames++;
	}

	int status = 0;
	if (!message)
		message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
	if (message) {
		gchar *debug = nullptr;
		gst_message_parse_error(message, &error, &debug);
		std::fprintf(stderr, "error: %s (%s)\n", error->message, debug ? debug : "");
		g_error_free(error);
		g_free(debug);
		gst_message_unref(message);
		status = 1;
	}
	gst_object_unref(bus);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
	std::fprintf(stderr, "%u frames\n", frames);
	return status;
}
