// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmf-player: plays a GoPro video and prints its telemetry (speed, G-force) as the frames show,
// from the gpmfparse element's bus messages.
//
//   gpmf-player [--no-display] GX010001.MP4
//
// Pipeline: filesrc ! qtdemux, then for each pad qtdemux adds:
//   video:  queue ! decodebin ! videoconvert ! autovideosink   (fakesink with --no-display)
//   gpmd:   queue ! gpmfparse post-messages=true message-timing=clock interval=<1 frame> ! fakesink
// message-timing=clock makes gpmfparse post each record when the clock reaches it, i.e. when the
// matching video frame is shown; interval=<1 frame> gives one record per frame.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <gst/gst.h>
#include <json-glib/json-glib.h>

namespace
{

constexpr double kStandardGravity = 9.80665;

struct Player {
	GstElement *pipeline = nullptr;
	GstElement *videoQueue = nullptr;
	GstElement *gpmfQueue = nullptr;
	GstElement *gpmfparse = nullptr;
	GMainLoop *loop = nullptr;
	bool videoLinked = false;
	double speed = NAN; ///< last known, km/h: GPS comes at 10-18 Hz, slower than the frames
};

// The last sample's value of a stream ("v" is an array of fields, or one number).
JsonArray *lastSample(JsonObject *stream)
{
	JsonArray *samples = json_object_get_array_member(stream, "samples");
	const guint n = samples ? json_array_get_length(samples) : 0;
	if (n == 0)
		return nullptr;
	JsonNode *v = json_object_get_member(json_array_get_object_element(samples, n - 1), "v");
	return v && JSON_NODE_HOLDS_ARRAY(v) ? json_node_get_array(v) : nullptr;
}

int fieldIndex(JsonObject *stream, const char *name)
{
	if (!json_object_has_member(stream, "fields"))
		return -1;
	JsonArray *fields = json_object_get_array_member(stream, "fields");
	for (guint i = 0; i < json_array_get_length(fields); i++) {
		if (std::strcmp(json_array_get_string_element(fields, i), name) == 0)
			return int(i);
	}
	return -1;
}

// Prints speed (GPS9, else GPS5) and G-force (|ACCL| / g) of one "payload" record.
void printTelemetry(Player &player, const char *json, GstClockTime runningTime)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	if (!json_parser_load_from_data(parser, json, -1, nullptr))
		return;
	JsonObject *record = json_node_get_object(json_parser_get_root(parser));
	double speed = NAN, gforce = NAN;
	bool gps9 = false;
	JsonArray *devices = json_object_get_array_member(record, "devices");
	for (guint d = 0; devices && d < json_array_get_length(devices); d++) {
		JsonArray *streams =
		    json_object_get_array_member(json_array_get_object_element(devices, d), "streams");
		for (guint s = 0; streams && s < json_array_get_length(streams); s++) {
			JsonObject *stream = json_array_get_object_element(streams, s);
			const char *fourcc = json_object_get_string_member(stream, "fourcc");
			JsonArray *v = lastSample(stream);
			if (!v)
				continue;
			if (!std::strcmp(fourcc, "ACCL") && json_array_get_length(v) >= 3) {
				double sum = 0;
				for (guint i = 0; i < 3; i++)
					sum += std::pow(json_array_get_double_element(v, i), 2);
				gforce = std::sqrt(sum) / kStandardGravity;
			} else if ((!std::strcmp(fourcc, "GPS9") ||
				    (!std::strcmp(fourcc, "GPS5") && !gps9))) {
				const int i = fieldIndex(stream, "speed2d");
				if (i >= 0 && guint(i) < json_array_get_length(v)) {
					speed = json_array_get_double_element(v, guint(i)) * 3.6;
					gps9 = !std::strcmp(fourcc, "GPS9");
				}
			}
		}
	}
	if (!std::isnan(speed))
		player.speed = speed;
	speed = player.speed;
	if (std::isnan(speed) && std::isnan(gforce))
		return;
	std::printf("%8.3f s", GST_CLOCK_TIME_IS_VALID(runningTime) ? double(runningTime) / GST_SECOND : 0.0);
	if (!std::isnan(speed))
		std::printf("   speed %6.1f km/h", speed);
	if (!std::isnan(gforce))
		std::printf("   %5.2f G", gforce);
	std::printf("\n");
	std::fflush(stdout);
}

void printHeader(const char *json)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	if (!json_parser_load_from_data(parser, json, -1, nullptr))
		return;
	JsonObject *header = json_node_get_object(json_parser_get_root(parser));
	auto text = [header](const char *key) {
		return json_object_has_member(header, key) ? json_object_get_string_member(header, key) : "?";
	};
	std::printf("camera %s, firmware %s\n", text("camera"), text("firmware"));
}

gboolean onMessage(GstBus *, GstMessage *message, gpointer data)
{
	auto *player = static_cast<Player *>(data);
	switch (GST_MESSAGE_TYPE(message)) {
	case GST_MESSAGE_ELEMENT: {
		const GstStructure *s = gst_message_get_structure(message);
		if (!gst_structure_has_name(s, "gpmf"))
			break;
		const char *type = gst_structure_get_string(s, "record-type");
		const char *json = gst_structure_get_string(s, "json");
		GstClockTime runningTime = GST_CLOCK_TIME_NONE;
		gst_structure_get_clock_time(s, "running-time", &runningTime);
		if (!std::strcmp(type, "header"))
			printHeader(json);
		else if (!std::strcmp(type, "payload"))
			printTelemetry(*player, json, runningTime);
		break;
	}
	case GST_MESSAGE_TOC: {
		if (GST_MESSAGE_SRC(message) != GST_OBJECT(player->gpmfparse))
			break;
		GstToc *toc;
		gst_message_parse_toc(message, &toc, nullptr);
		for (GList *l = gst_toc_get_entries(toc); l; l = l->next) {
			gint64 start, stop;
			if (gst_toc_entry_get_start_stop_times(static_cast<GstTocEntry *>(l->data), &start,
							       &stop))
				std::printf("HiLight at %.3f s\n", double(start) / GST_SECOND);
		}
		gst_toc_unref(toc);
		break;
	}
	case GST_MESSAGE_ERROR: {
		g_autoptr(GError) error = nullptr;
		g_autofree gchar *debug = nullptr;
		gst_message_parse_error(message, &error, &debug);
		std::fprintf(stderr, "error: %s\n%s\n", error->message, debug ? debug : "");
		g_main_loop_quit(player->loop);
		break;
	}
	case GST_MESSAGE_EOS:
		g_main_loop_quit(player->loop);
		break;
	default:
		break;
	}
	return TRUE;
}

// qtdemux adds its pads once it has read the header: video goes to the decoder, gpmd to gpmfparse.
void onPadAdded(GstElement *, GstPad *pad, gpointer data)
{
	auto *player = static_cast<Player *>(data);
	g_autoptr(GstCaps) caps = gst_pad_get_current_caps(pad);
	if (!caps)
		return;
	const GstStructure *s = gst_caps_get_structure(caps, 0);
	const char *name = gst_structure_get_name(s);
	GstElement *target = nullptr;
	if (g_str_has_prefix(name, "video/") && !player->videoLinked) {
		target = player->videoQueue;
		player->videoLinked = true; // MAX .360 files have two video tracks: show the first
		gint num = 0, den = 1;
		if (gst_structure_get_fraction(s, "framerate", &num, &den) && num > 0) {
			// One telemetry record per video frame.
			g_object_set(player->gpmfparse, "interval",
				     guint64(gst_util_uint64_scale(GST_SECOND, den, num)), nullptr);
		}
	} else if (!std::strcmp(name, "meta/x-gst-fourcc-gpmd")) {
		target = player->gpmfQueue;
	}
	if (!target)
		return;
	g_autoptr(GstPad) sink = gst_element_get_static_pad(target, "sink");
	if (gst_pad_link(pad, sink) != GST_PAD_LINK_OK)
		std::fprintf(stderr, "could not link %s\n", name);
}

void onDecodedPad(GstElement *, GstPad *pad, gpointer data)
{
	auto *convert = static_cast<GstElement *>(data);
	g_autoptr(GstPad) sink = gst_element_get_static_pad(convert, "sink");
	if (!gst_pad_is_linked(sink))
		gst_pad_link(pad, sink);
}

GstElement *make(const char *factory, GstElement *bin)
{
	GstElement *e = gst_element_factory_make(factory, nullptr);
	if (!e) {
		std::fprintf(stderr, "missing element %s (is the plugin installed or GST_PLUGIN_PATH set?)\n",
			     factory);
		std::exit(1);
	}
	gst_bin_add(GST_BIN(bin), e);
	return e;
}

} // namespace

int main(int argc, char **argv)
{
	gst_init(&argc, &argv);
	bool display = true;
	const char *file = nullptr;
	for (int i = 1; i < argc; i++) {
		if (!std::strcmp(argv[i], "--no-display"))
			display = false;
		else
			file = argv[i];
	}
	if (!file) {
		std::fprintf(stderr, "usage: %s [--no-display] FILE.MP4\n", argv[0]);
		return 2;
	}
	// A relative path is the current directory's: under `meson devenv`, the build directory
	// unless it was given -w (--workdir). Say so rather than fail later with a bus error.
	if (!g_file_test(file, G_FILE_TEST_IS_REGULAR)) {
		gchar *cwd = g_get_current_dir();
		const bool devenv = !g_path_is_absolute(file) && g_getenv("MESON_DEVENV");
		std::fprintf(stderr, "gpmf-player: %s: no such file in %s%s\n", file, cwd,
			     devenv ? " (meson devenv runs commands in the build directory: add -w . or give an absolute path)"
				    : "");
		g_free(cwd);
		return 1;
	}

	Player player;
	player.pipeline = gst_pipeline_new("player");
	GstElement *src = make("filesrc", player.pipeline);
	GstElement *demux = make("qtdemux", player.pipeline);
	g_object_set(src, "location", file, nullptr);
	gst_element_link(src, demux);

	player.videoQueue = make("queue", player.pipeline);
	GstElement *decode = make("decodebin", player.pipeline);
	GstElement *convert = make("videoconvert", player.pipeline);
	GstElement *videoSink = make(display ? "autovideosink" : "fakesink", player.pipeline);
	gst_element_link(player.videoQueue, decode);
	gst_element_link(convert, videoSink);
	g_signal_connect(decode, "pad-added", G_CALLBACK(onDecodedPad), convert);

	player.gpmfQueue = make("queue", player.pipeline);
	player.gpmfparse = make("gpmfparse", player.pipeline);
	GstElement *gpmfSink = make("fakesink", player.pipeline);
	g_object_set(player.gpmfparse, "post-messages", TRUE, nullptr);
	gst_util_set_object_arg(G_OBJECT(player.gpmfparse), "message-timing", "clock");
	g_object_set(videoSink, "sync", TRUE, nullptr);
	g_object_set(gpmfSink, "sync", TRUE, nullptr);
	gst_element_link_many(player.gpmfQueue, player.gpmfparse, gpmfSink, nullptr);
	g_signal_connect(demux, "pad-added", G_CALLBACK(onPadAdded), &player);

	player.loop = g_main_loop_new(nullptr, FALSE);
	GstBus *bus = gst_element_get_bus(player.pipeline);
	gst_bus_add_watch(bus, onMessage, &player);
	gst_object_unref(bus);

	if (gst_element_set_state(player.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
		std::fprintf(stderr, "cannot play %s\n", file);
		return 1;
	}
	g_main_loop_run(player.loop);

	gst_element_set_state(player.pipeline, GST_STATE_NULL);
	gst_object_unref(player.pipeline);
	g_main_loop_unref(player.loop);
	return 0;
}
