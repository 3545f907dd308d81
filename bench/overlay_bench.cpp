// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay alone, in the calling thread (one core): raw frames with a GstGpmfMeta of a made-up
// ride (every value moving, as in a real recording) through GstHarness, blended into the frame
// or attached as a meta. bench/overlay.sh runs it.
//
//   overlay-bench [FRAMES [WIDTHxHEIGHT [FORMAT [LAYOUT]]]]      defaults: 600 1920x1080 I420 ''
//
// LAYOUT is gpmfoverlay's layout property, e.g. 'all:hide;map' to time one widget.

#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "gstgpmfmeta.h"
#include "gstgpmfoverlay.h"

namespace
{

constexpr double kPi = 3.14159265358979323846;

gboolean removeGpmfMeta(GstBuffer *, GstMeta **meta, gpointer)
{
	if (gst_meta_info_is_custom((*meta)->info) &&
	    gst_custom_meta_has_name(reinterpret_cast<GstCustomMeta *>(*meta), GST_GPMF_META_NAME))
		*meta = nullptr;
	return TRUE;
}

// Frame i of a bike ride: 30 fps, speed and heading changing, bumps in the acceleration.
void addRideMeta(GstBuffer *buffer, int i, std::mt19937 &random)
{
	std::normal_distribution<double> bump(0.0, 1.2);
	const double t = i / 30.0;
	GstStructure *s = gst_buffer_add_gpmf_meta(buffer);
	const long ms = 395 + long(t * 1000);
	char utc[64];
	std::snprintf(utc, sizeof utc, "2019-05-06T18:%02ld:%02ld.%03ldZ", 15 + ms / 60000, (ms / 1000) % 60,
		      ms % 1000);
	gst_structure_set(
	    s, GST_GPMF_META_UTC, G_TYPE_STRING, utc, GST_GPMF_META_TZ_OFFSET, G_TYPE_INT, 120,
	    GST_GPMF_META_LATITUDE, G_TYPE_DOUBLE, 47.37 + 0.002 * std::sin(t / 40), GST_GPMF_META_LONGITUDE,
	    G_TYPE_DOUBLE, 8.54 + 0.003 * (1 - std::cos(t / 40)), GST_GPMF_META_ALTITUDE, G_TYPE_DOUBLE,
	    410 + 5 * std::sin(t / 20), GST_GPMF_META_SPEED_2D, G_TYPE_DOUBLE, 8 + 4 * std::sin(t / 5),
	    GST_GPMF_META_SPEED_3D, G_TYPE_DOUBLE, 8 + 4 * std::sin(t / 5), GST_GPMF_META_COURSE,
	    G_TYPE_DOUBLE, std::fmod(90 + t * 180 / kPi / 40, 360), GST_GPMF_META_GPS_FIX, G_TYPE_INT, 3,
	    GST_GPMF_META_GPS_AGE, G_TYPE_DOUBLE, 0.03, nullptr);
	const double accel[3] = {9.81 + bump(random), 0.8 * std::sin(t) + 0.3 * bump(random),
				 0.5 * std::cos(t / 5) + 0.3 * bump(random)};
	const double gravity[3] = {0.05 * std::sin(t / 3), 0.99, -0.1};
	gst_gpmf_meta_set_vector(s, GST_GPMF_META_ACCELERATION, accel, 3);
	gst_gpmf_meta_set_vector(s, GST_GPMF_META_GRAVITY, gravity, 3);
}

// CPU time of this thread: on a shared machine wall time also counts the other programs' turns.
double threadSeconds()
{
	timespec t{};
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

struct Timing {
	double wall, cpu;
};

Timing run(int frames, int width, int height, const char *format, const char *layout, bool attach)
{
	GstHarness *h = gst_harness_new("gpmfoverlay");
	g_object_set(h->element, "layout", layout, nullptr);
	const std::string caps = "video/x-raw,format=" + std::string(format) +
				 ",width=" + std::to_string(width) + ",height=" + std::to_string(height) +
				 ",framerate=30/1";
	const std::string sinkCaps = attach ? "video/x-raw(" GST_CAPS_FEATURE_MEMORY_SYSTEM_MEMORY
					      ", " GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION ")," +
						  caps.substr(caps.find(',') + 1)
					    : caps;
	if (attach)
		gst_harness_add_propose_allocation_meta(h, GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE,
							nullptr);
	gst_harness_set_caps_str(h, caps.c_str(), sinkCaps.c_str());

	GstVideoInfo info;
	gst_video_info_set_format(&info, gst_video_format_from_string(format), guint(width), guint(height));
	GstBuffer *buffer = gst_buffer_new_allocate(nullptr, info.size, nullptr);
	gst_buffer_memset(buffer, 0, 0x60, info.size);
	std::mt19937 random(1);
	// The same buffer goes round: no allocation in the loop, only the overlay's work.
	const auto start = std::chrono::steady_clock::now();
	const double cpuStart = threadSeconds();
	for (int i = 0; i < frames; i++) {
		gst_buffer_foreach_meta(buffer, removeGpmfMeta, nullptr);
		if (GstVideoOverlayCompositionMeta *old =
			gst_buffer_get_video_overlay_composition_meta(buffer))
			gst_buffer_remove_meta(buffer, &old->meta);
		addRideMeta(buffer, i, random);
		GST_BUFFER_PTS(buffer) = gst_util_uint64_scale(GstClockTime(i), GST_SECOND, 30);
		GST_BUFFER_DURATION(buffer) = GST_SECOND / 30;
		buffer = gst_harness_push_and_pull(h, buffer);
		if (!buffer) {
			std::fprintf(stderr, "overlay-bench: no output at frame %d\n", i);
			std::exit(1);
		}
	}
	const Timing timing{std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
			    threadSeconds() - cpuStart};
	gst_buffer_unref(buffer);
	gst_harness_teardown(h);
	return timing;
}

} // namespace

int main(int argc, char **argv)
{
	gst_init(&argc, &argv);
	GST_ELEMENT_REGISTER(gpmfoverlay, nullptr);
	const int frames = argc > 1 ? std::atoi(argv[1]) : 600;
	int width = 1920, height = 1080;
	if (argc > 2 && std::sscanf(argv[2], "%dx%d", &width, &height) != 2) {
		std::fprintf(stderr, "usage: overlay-bench [FRAMES [WIDTHxHEIGHT [FORMAT [LAYOUT]]]]\n");
		return 2;
	}
	const char *format = argc > 3 ? argv[3] : "I420";
	const char *layout = argc > 4 ? argv[4] : "";
	run(30, width, height, format, layout, false); // warm-up: fonts, caches
	for (bool attach : {false, true}) {
		const Timing t = run(frames, width, height, format, layout, attach);
		std::printf("gpmfoverlay %dx%d %s%s%s, %s: %d frames in %.2f s of CPU = %.0f frames/s "
			    "(%.3f ms a frame; wall %.2f s)\n",
			    width, height, format, *layout ? ", layout " : "", layout,
			    attach ? "attached as a meta" : "blended", frames, t.cpu, frames / t.cpu,
			    1000 * t.cpu / frames, t.wall);
	}
	gst_deinit();
	return 0;
}
