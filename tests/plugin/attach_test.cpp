// SPDX-License-Identifier: GPL-2.0-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfattach: through GstHarness (the demo recording and hand-made payloads against video frames
// made here), and in qtdemux pipelines over the sample MP4s, against gpmfparse's records.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <gst/app/gstappsink.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>
#include <json-glib/json-glib.h>

#include "gpmf/decoder.h"
#include "gpmf/gps.h"
#include "gpmf/records.h"
#include "gpmf/session.h"
#include "support/demo.h"

#include "gstgpmfattach.h"
#include "gstgpmfmeta.h"
#include "gstgpmfparse.h"
#include "plugin_test_utils.h"
#include "samples.h"

namespace
{

using namespace gpmf::test;

// The demo recording's (and GoPro's NTSC) frame rate.
GstClockTime frameTime(std::uint64_t i)
{
	return gst_util_uint64_scale(i, 1001 * GST_SECOND, 30000);
}

struct Payload {
	std::vector<std::uint8_t> bytes;
	GstClockTime pts = 0, duration = 0;
};

std::vector<Payload> demoPayloads(gpmf::DemoCamera camera, double seconds)
{
	gpmf::DemoOptions options;
	options.camera = camera;
	options.seconds = seconds;
	const gpmf::Mp4Recording recording = gpmf::makeDemoRecording(options);
	std::vector<Payload> out;
	GstClockTime pts = 0;
	for (const gpmf::Mp4Sample &s : recording.samples) {
		const GstClockTime duration =
		    gst_util_uint64_scale(s.duration, GST_SECOND, recording.timescale);
		out.push_back(Payload{s.data, pts, duration});
		pts += duration;
	}
	return out;
}

// The samples of a payload record as "device/FOURCC sample-object", those with t in [from, to).
void collectSamples(const std::string &record, std::multiset<std::string> &out, double from = -INFINITY,
		    double to = INFINITY)
{
	Json json(record);
	ASSERT_TRUE(json.ok()) << json.error() << ": " << record.substr(0, 200);
	for (const StreamRef &ref : streamsOf(json)) {
		JsonNode *id = json_object_get_member(ref.device, "id");
		gchar *device = json_to_string(id, FALSE);
		JsonArray *samples = samplesOf(ref);
		for (guint i = 0; i < json_array_get_length(samples); i++) {
			JsonNode *node = json_array_get_element(samples, i);
			const double t = json_object_get_double_member(json_node_get_object(node), "t");
			if (!(t >= from && t < to))
				continue;
			gchar *text = json_to_string(node, FALSE);
			out.insert(std::string(device) + "/" + fourccOf(ref) + " " + text);
			g_free(text);
		}
		g_free(device);
	}
}

// What gpmfparse writes for these payloads (the same session, one record per payload).
std::multiset<std::string> expectedSamples(const std::vector<Payload> &payloads, double from, double to)
{
	std::vector<std::string> records;
	gpmf::SessionOptions options;
	options.header = options.summary = false;
	gpmf::Session session(options, [&](gpmf::SessionEvent &e) {
		if (e.kind == gpmf::SessionEvent::Kind::Payload && e.json)
			records.push_back(*e.json);
		return true;
	});
	for (const Payload &p : payloads)
		session.pushPayload(p.bytes, p.pts, p.duration);
	session.end();
	std::multiset<std::string> out;
	for (const std::string &r : records)
		collectSamples(r, out, from, to);
	return out;
}

struct Roi {
	guint x, y, w, h;
	double confidence = NAN, smile = NAN;
};

// What a frame came out with.
struct Frame {
	GstClockTime pts = GST_CLOCK_TIME_NONE, duration = GST_CLOCK_TIME_NONE;
	bool meta = false;
	GstStructure *fields = nullptr; // a copy of the meta's structure
	std::string record;
	std::vector<Roi> rois;
	GstMemory *memory = nullptr; // not a reference: compared only

	Frame() = default;
	Frame(const Frame &other) : Frame() { *this = other; }
	Frame &operator=(const Frame &other)
	{
		if (this == &other)
			return *this;
		if (fields)
			gst_structure_free(fields);
		pts = other.pts;
		duration = other.duration;
		meta = other.meta;
		fields = other.fields ? gst_structure_copy(other.fields) : nullptr;
		record = other.record;
		rois = other.rois;
		memory = other.memory;
		return *this;
	}
	~Frame()
	{
		if (fields)
			gst_structure_free(fields);
	}

	double number(const char *field) const
	{
		gdouble v = NAN;
		if (fields)
			gst_structure_get_double(fields, field, &v);
		return v;
	}
	bool has(const char *field) const { return fields && gst_structure_has_field(fields, field); }
	std::vector<double> vector(const char *field) const
	{
		double v[4];
		const guint n = fields ? gst_gpmf_meta_get_vector(fields, field, v, 4) : 0;
		return std::vector<double>(v, v + n);
	}
};

Frame inspect(GstBuffer *buffer)
{
	Frame f;
	f.pts = GST_BUFFER_PTS(buffer);
	f.duration = GST_BUFFER_DURATION(buffer);
	f.memory = gst_buffer_n_memory(buffer) ? gst_buffer_peek_memory(buffer, 0) : nullptr;
	if (const GstStructure *s = gst_buffer_get_gpmf_meta(buffer)) {
		f.meta = true;
		f.fields = gst_structure_copy(s);
		if (const gchar *record = gst_structure_get_string(s, GST_GPMF_META_RECORD))
			f.record = record;
	}
	gpointer state = nullptr;
	while (GstMeta *meta = gst_buffer_iterate_meta_filtered(buffer, &state,
								GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)) {
		auto *roi = reinterpret_cast<GstVideoRegionOfInterestMeta *>(meta);
		EXPECT_STREQ(g_quark_to_string(roi->roi_type), "face");
		Roi r{roi->x, roi->y, roi->w, roi->h};
		if (GstStructure *d = gst_video_region_of_interest_meta_get_param(roi, "detection")) {
			gst_structure_get_double(d, "confidence", &r.confidence);
			gst_structure_get_double(d, "smile", &r.smile);
		}
		f.rois.push_back(r);
	}
	return f;
}

// The element's INFO and WARNING messages, by text.
std::vector<std::string> messages(GstBus *bus, GstMessageType type)
{
	std::vector<std::string> out;
	while (GstMessage *m = gst_bus_pop_filtered(bus, type)) {
		GError *error = nullptr;
		gchar *debug = nullptr;
		if (type == GST_MESSAGE_INFO)
			gst_message_parse_info(m, &error, &debug);
		else
			gst_message_parse_warning(m, &error, &debug);
		out.push_back(error ? error->message : "");
		g_clear_error(&error);
		g_free(debug);
		gst_message_unref(m);
	}
	return out;
}

constexpr const char *kVideoCaps =
    "video/x-h264, stream-format=(string)avc, alignment=(string)au, width=(int)1920, height=(int)1080, "
    "framerate=(fraction)30000/1001";

/* The element between two harnesses: video in and out, gpmf in. */
class AttachTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		ASSERT_TRUE(GST_ELEMENT_REGISTER(gpmfattach, nullptr));
		element_ = gst_element_factory_make("gpmfattach", nullptr);
		ASSERT_NE(element_, nullptr);
		bus_ = gst_bus_new();
		gst_element_set_bus(element_, bus_);
	}
	void TearDown() override
	{
		if (gpmf_)
			gst_harness_teardown(gpmf_);
		if (video_)
			gst_harness_teardown(video_);
		if (element_) {
			gst_element_set_bus(element_, nullptr);
			gst_object_unref(element_);
		}
		if (bus_) {
			gst_bus_set_flushing(bus_, TRUE);
			gst_object_unref(bus_);
		}
	}

	// Both pads linked (or only the video's), not live unless asked. Liveness is set before the
	// element is added: a harness answers latency queries as live until told otherwise, and
	// GstAggregator may ask as soon as it starts.
	void start(bool linkGpmf = true, bool live = false)
	{
		static GstStaticPadTemplate any = GST_STATIC_PAD_TEMPLATE("any", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
		static GstStaticPadTemplate anySink =
		    GST_STATIC_PAD_TEMPLATE("any", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
		video_ = gst_harness_new_empty();
		gst_harness_set_live(video_, live);
		gst_harness_add_element_full(video_, element_, &any, "video", &anySink, "src");
		gst_harness_set_src_caps_str(video_, kVideoCaps);
		if (linkGpmf) {
			gpmf_ = gst_harness_new_empty();
			gst_harness_set_live(gpmf_, live);
			gst_harness_add_element_full(gpmf_, element_, &any, "gpmf", &anySink, nullptr);
			gst_harness_set_src_caps_str(gpmf_, "meta/x-gst-fourcc-gpmd");
		}
	}

	void pushPayload(const Payload &p)
	{
		ASSERT_EQ(gst_harness_push(gpmf_, makeBuffer(p.bytes, p.pts, p.duration)), GST_FLOW_OK);
	}
	GstBuffer *frameBuffer(std::uint64_t i)
	{
		GstBuffer *b = gst_buffer_new_allocate(nullptr, 16, nullptr);
		GST_BUFFER_PTS(b) = GST_BUFFER_DTS(b) = frameTime(i);
		GST_BUFFER_DURATION(b) = frameTime(i + 1) - frameTime(i);
		return b;
	}
	void pushFrame(std::uint64_t i)
	{
		const GstFlowReturn r = gst_harness_push(video_, frameBuffer(i));
		ASSERT_EQ(r, GST_FLOW_OK);
	}

	// Interleaved as qtdemux sends a GoPro file: each payload, then the frames before the next.
	std::uint64_t pushInterleaved(const std::vector<Payload> &payloads, std::uint64_t frames)
	{
		std::uint64_t next = 0;
		for (const Payload &p : payloads) {
			pushPayload(p);
			while (next < frames && frameTime(next) < p.pts + p.duration)
				pushFrame(next++);
		}
		while (next < frames)
			pushFrame(next++);
		return next;
	}

	// The next `count` frames out are frames 0, 1, ... in order, each with its GstGpmfMeta.
	void pullFramesWithTelemetry(std::uint64_t count)
	{
		for (std::uint64_t i = 0; i < count; i++) {
			GstBuffer *frame = gst_harness_pull(video_);
			ASSERT_NE(frame, nullptr);
			EXPECT_EQ(GST_BUFFER_PTS(frame), frameTime(i));
			EXPECT_NE(gst_buffer_get_gpmf_meta(frame), nullptr);
			gst_buffer_unref(frame);
		}
	}

	void endVideo() { ASSERT_TRUE(gst_harness_push_event(video_, gst_event_new_eos())); }
	void endGpmf() { ASSERT_TRUE(gst_harness_push_event(gpmf_, gst_event_new_eos())); }

	// Every frame until EOS.
	std::vector<Frame> pullAll()
	{
		std::vector<Frame> out;
		GstBuffer *buffer = nullptr;
		while (gst_harness_pull_until_eos(video_, &buffer) && buffer) {
			out.push_back(inspect(buffer));
			gst_buffer_unref(buffer);
			buffer = nullptr;
		}
		return out;
	}

	GstElement *element_ = nullptr;
	GstBus *bus_ = nullptr;
	GstHarness *video_ = nullptr;
	GstHarness *gpmf_ = nullptr;
};

TEST_F(AttachTest, Properties)
{
	gboolean record, faces;
	guint64 maxDelay;
	gchar *streams;
	g_object_get(element_, "attach-record", &record, "faces", &faces, "max-delay", &maxDelay, "streams",
		     &streams, nullptr);
	EXPECT_TRUE(record);
	EXPECT_TRUE(faces);
	EXPECT_EQ(maxDelay, 2 * GST_SECOND);
	EXPECT_STREQ(streams, "");
	g_free(streams);
	g_object_set(element_, "attach-record", FALSE, "faces", FALSE, "max-delay", guint64(GST_SECOND),
		     "streams", "GPS5, ACCL", nullptr);
	g_object_get(element_, "attach-record", &record, "faces", &faces, "max-delay", &maxDelay, "streams",
		     &streams, nullptr);
	EXPECT_FALSE(record);
	EXPECT_FALSE(faces);
	EXPECT_EQ(maxDelay, GST_SECOND);
	EXPECT_STREQ(streams, "GPS5, ACCL");
	g_free(streams);
}

// Every frame gets a meta; together the records hold every sample of the video's span once,
// each in the frame whose [PTS, PTS + duration) holds its time.
TEST_F(AttachTest, EverySampleInExactlyOneFrame)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 5);
	start();
	const std::uint64_t frames = pushInterleaved(payloads, 149);
	endGpmf();
	endVideo();
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), frames);

	std::multiset<std::string> got;
	for (std::size_t i = 0; i < out.size(); i++) {
		const Frame &f = out[i];
		EXPECT_EQ(f.pts, frameTime(i));
		ASSERT_TRUE(f.meta) << "frame " << i;
		GstClockTime pts = 0, duration = 0;
		EXPECT_TRUE(gst_structure_get_clock_time(f.fields, GST_GPMF_META_PTS, &pts));
		EXPECT_TRUE(gst_structure_get_clock_time(f.fields, GST_GPMF_META_DURATION, &duration));
		EXPECT_EQ(pts, f.pts);
		EXPECT_EQ(duration, f.duration);
		ASSERT_FALSE(f.record.empty());
		// Each sample lies in its frame.
		const double b = seconds(f.pts), e = seconds(f.pts + f.duration);
		for (double t : sampleTimes(Json(f.record))) {
			EXPECT_GE(t, b - 1e-9) << "frame " << i;
			EXPECT_LT(t, e + 1e-9) << "frame " << i;
		}
		collectSamples(f.record, got);
	}
	const double end = seconds(frameTime(frames));
	const std::multiset<std::string> expected = expectedSamples(payloads, 0, end);
	EXPECT_EQ(got.size(), expected.size());
	EXPECT_TRUE(got == expected);
	// The data went through untouched: the output has the input's memory.
	EXPECT_NE(out[0].memory, nullptr);
}

// Frame edges: a sample at a frame's start is that frame's, one at its end the next frame's.
TEST_F(AttachTest, SamplesAtFrameEdges)
{
	// 64 ACCL samples in one second: t = k/64 exactly, as are frames of 1/64 s.
	PayloadSpec spec;
	spec.accl = 64;
	spec.gps = 0;
	Payload p{makePayload(spec), 0, GST_SECOND};
	PayloadSpec next = spec;
	Payload p2{makePayload(next), GST_SECOND, GST_SECOND};
	std::multiset<std::string> all = expectedSamples({p, p2}, 0, 1);
	ASSERT_EQ(all.size(), 64u);

	gst_harness_set_src_caps_str(video_ = gst_harness_new_with_element(element_, "video", "src"),
				     "video/x-raw, format=I420, width=64, height=64, framerate=64/1");
	gst_harness_set_live(video_, FALSE);
	gpmf_ = gst_harness_new_with_element(element_, "gpmf", nullptr);
	gst_harness_set_live(gpmf_, FALSE);
	gst_harness_set_src_caps_str(gpmf_, "meta/x-gst-fourcc-gpmd");
	// (As qtdemux sends them: a payload, the frames of its time, the next payload...)
	pushPayload(p);
	const GstClockTime step = GST_SECOND / 64;
	for (int i = 0; i < 64; i++) {
		GstBuffer *b = gst_buffer_new_allocate(nullptr, 8, nullptr);
		GST_BUFFER_PTS(b) = i * step;
		GST_BUFFER_DURATION(b) = step;
		ASSERT_EQ(gst_harness_push(video_, b), GST_FLOW_OK);
		if (i == 0)
			pushPayload(p2);
	}
	endGpmf();
	endVideo();
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), 64u);
	for (std::size_t i = 0; i < out.size(); i++) {
		const std::vector<double> times = sampleTimes(Json(out[i].record));
		ASSERT_EQ(times.size(), 1u) << "frame " << i << ": " << out[i].record;
		EXPECT_EQ(times[0], double(i) / 64);
	}
}

// Video before the first payload: those frames wait, then get a meta with no sample.
TEST_F(AttachTest, FramesBeforeTheFirstPayload)
{
	auto payloads = demoPayloads(gpmf::DemoCamera::Hero11, 3);
	for (Payload &p : payloads)
		p.pts += GST_SECOND; // telemetry from 1 s on
	start();
	for (std::uint64_t i = 0; i < 30; i++)
		pushFrame(i);
	std::uint64_t next = 30;
	for (const Payload &p : payloads) {
		pushPayload(p);
		while (next < 90 && frameTime(next) < p.pts + p.duration)
			pushFrame(next++);
	}
	endGpmf();
	endVideo();
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), 90u);
	std::multiset<std::string> got;
	for (std::size_t i = 0; i < out.size(); i++) {
		ASSERT_TRUE(out[i].meta) << "frame " << i;
		const std::size_t n = sampleCount(Json(out[i].record));
		if (out[i].pts + out[i].duration <= GST_SECOND) {
			EXPECT_EQ(n, 0u) << "frame " << i;
		} else {
			EXPECT_GT(n, 0u) << "frame " << i;
		}
		collectSamples(out[i].record, got);
	}
	EXPECT_TRUE(got == expectedSamples(payloads, 0, seconds(frameTime(90))));
}

// A payload missing (a GAP on the gpmf pad instead): its frames carry no sample, nothing waits.
TEST_F(AttachTest, Gaps)
{
	auto payloads = demoPayloads(gpmf::DemoCamera::Hero11, 4);
	start();
	std::uint64_t next = 0;
	for (std::size_t k = 0; k < payloads.size(); k++) {
		const Payload &p = payloads[k];
		if (k == 1)
			ASSERT_TRUE(gst_harness_push_event(gpmf_, gst_event_new_gap(p.pts, p.duration)));
		else
			pushPayload(p);
		while (frameTime(next) < p.pts + p.duration)
			pushFrame(next++);
	}
	endGpmf();
	endVideo();
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), next);
	std::multiset<std::string> got;
	for (const Frame &f : out) {
		ASSERT_TRUE(f.meta);
		const bool inGap = f.pts >= payloads[1].pts && f.pts + f.duration <= payloads[2].pts;
		if (inGap) {
			EXPECT_EQ(sampleCount(Json(f.record)), 0u) << f.record;
		}
		collectSamples(f.record, got);
	}
	std::vector<Payload> present = {payloads[0], payloads[2], payloads[3]};
	EXPECT_TRUE(got == expectedSamples(present, 0, seconds(frameTime(next))));
}

// The frames wait for the telemetry after them: none goes out before the next payload came.
TEST_F(AttachTest, FramesWaitForTheirTelemetry)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 3);
	start();
	pushPayload(payloads[0]);
	for (std::uint64_t i = 0; i < 20; i++)
		pushFrame(i);
	// Payload 0 alone does not complete them (a second of telemetry past each is needed).
	g_usleep(100 * 1000);
	EXPECT_EQ(gst_harness_buffers_in_queue(video_), 0u);
	// Payload 1 completes them. Not live, they may wait for payload 2, to reach the aggregator's
	// thread with the frames it completes (one hand-over every two payloads).
	pushPayload(payloads[1]);
	pushFrame(20);
	pushPayload(payloads[2]);
	pushFrame(21);
	pullFramesWithTelemetry(20);
}

// Heavy frames (raw video, high bit rates) do not wait for a second payload: past 16 MiB held,
// the first payload that completes them lets them go.
TEST_F(AttachTest, HeavyFramesGoAtTheFirstPayloadThatCompletesThem)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 3);
	start();
	// 8 MiB frames, all on one block of memory.
	static const std::vector<std::uint8_t> block(8 << 20);
	auto pushHeavyFrame = [this](std::uint64_t i) {
		GstBuffer *b = gst_buffer_new_wrapped_full(GST_MEMORY_FLAG_READONLY,
							   const_cast<std::uint8_t *>(block.data()),
							   block.size(), 0, block.size(), nullptr, nullptr);
		GST_BUFFER_PTS(b) = frameTime(i);
		GST_BUFFER_DURATION(b) = frameTime(i + 1) - frameTime(i);
		ASSERT_EQ(gst_harness_push(video_, b), GST_FLOW_OK);
	};
	pushPayload(payloads[0]);
	for (std::uint64_t i = 0; i < 20; i++)
		pushHeavyFrame(i);
	pushPayload(payloads[1]);
	pushHeavyFrame(20);
	pullFramesWithTelemetry(20);
}

// A flush of both pads (a seek): what was held is dropped, the new position gets its telemetry.
TEST_F(AttachTest, Flush)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 6);
	start();
	pushPayload(payloads[0]);
	for (std::uint64_t i = 0; i < 10; i++)
		pushFrame(i);
	const guint32 seqnum = gst_util_seqnum_next();
	for (GstHarness *h : {video_, gpmf_}) {
		GstEvent *start = gst_event_new_flush_start();
		gst_event_set_seqnum(start, seqnum);
		ASSERT_TRUE(gst_harness_push_event(h, start));
	}
	for (GstHarness *h : {video_, gpmf_}) {
		GstEvent *stop = gst_event_new_flush_stop(TRUE);
		gst_event_set_seqnum(stop, seqnum);
		ASSERT_TRUE(gst_harness_push_event(h, stop));
		GstSegment segment;
		gst_segment_init(&segment, GST_FORMAT_TIME);
		segment.start = segment.time = payloads[3].pts;
		ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_segment(&segment)));
	}
	// Anything that came out before the flush is of before the flush.
	while (GstBuffer *b = gst_harness_try_pull(video_)) {
		EXPECT_LT(GST_BUFFER_PTS(b), frameTime(10));
		gst_buffer_unref(b);
	}
	std::vector<Payload> after(payloads.begin() + 3, payloads.end());
	std::uint64_t first = 0;
	while (frameTime(first) < payloads[3].pts)
		first++;
	std::uint64_t next = first;
	for (const Payload &p : after) {
		pushPayload(p);
		while (frameTime(next) < p.pts + p.duration)
			pushFrame(next++);
	}
	endGpmf();
	endVideo();
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), next - first);
	std::multiset<std::string> got;
	for (const Frame &f : out) {
		EXPECT_GE(f.pts, payloads[3].pts);
		ASSERT_TRUE(f.meta);
		collectSamples(f.record, got);
	}
	EXPECT_TRUE(got == expectedSamples(after, seconds(frameTime(first)), seconds(frameTime(next))));
}

// The gpmf pad ends first: the frames after its telemetry go on at once, with no sample.
TEST_F(AttachTest, GpmfEndsFirst)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 2);
	start();
	pushInterleaved(payloads, 60);
	endGpmf();
	for (std::uint64_t i = 60; i < 120; i++)
		pushFrame(i);
	// Nothing waits for telemetry any more: the frames come without the video's EOS.
	for (std::uint64_t i = 0; i < 120; i++) {
		GstBuffer *b = gst_harness_pull(video_);
		ASSERT_NE(b, nullptr);
		const Frame f = inspect(b);
		gst_buffer_unref(b);
		EXPECT_EQ(f.pts, frameTime(i));
		EXPECT_TRUE(f.meta);
		if (f.pts >= payloads[1].pts + payloads[1].duration) {
			EXPECT_EQ(sampleCount(Json(f.record)), 0u);
		}
	}
	const auto info = messages(bus_, GST_MESSAGE_INFO);
	EXPECT_EQ(std::count(info.begin(), info.end(), "The telemetry ended before the video"), 1);
	endVideo();
	EXPECT_TRUE(pullAll().empty());
}

// The video ends first: its held frames still get their telemetry, then EOS goes out.
TEST_F(AttachTest, VideoEndsFirst)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 4);
	start();
	pushPayload(payloads[0]);
	for (std::uint64_t i = 0; i < 30; i++)
		pushFrame(i);
	endVideo();
	pushPayload(payloads[1]);
	// Payload 1 completes every frame: the output may have ended (EOS) before this one.
	const GstFlowReturn ret =
	    gst_harness_push(gpmf_, makeBuffer(payloads[2].bytes, payloads[2].pts, payloads[2].duration));
	EXPECT_TRUE(ret == GST_FLOW_OK || ret == GST_FLOW_EOS) << gst_flow_get_name(ret);
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), 30u);
	std::multiset<std::string> got;
	for (const Frame &f : out)
		collectSamples(f.record, got);
	EXPECT_TRUE(got ==
		    expectedSamples({payloads[0], payloads[1], payloads[2]}, 0, seconds(frameTime(30))));
	// The gpmf pad's upstream is not held back once the output has ended.
	EXPECT_EQ(
	    gst_harness_push(gpmf_, makeBuffer(payloads[3].bytes, payloads[3].pts, payloads[3].duration)),
	    GST_FLOW_EOS);
}

// An unlinked gpmf pad: the video goes through at once, without metas, and the element says so.
TEST_F(AttachTest, GpmfPadNotLinked)
{
	start(false);
	for (std::uint64_t i = 0; i < 10; i++)
		pushFrame(i);
	for (std::uint64_t i = 0; i < 10; i++) {
		GstBuffer *b = gst_harness_pull(video_);
		ASSERT_NE(b, nullptr);
		EXPECT_EQ(GST_BUFFER_PTS(b), frameTime(i));
		EXPECT_EQ(gst_buffer_get_gpmf_meta(b), nullptr);
		gst_buffer_unref(b);
	}
	const auto info = messages(bus_, GST_MESSAGE_INFO);
	EXPECT_EQ(info.size(), 1u);
	endVideo();
	EXPECT_TRUE(pullAll().empty());
}

// The gpmf pad is linked but stays silent: frames wait max-delay of video, then go on without.
TEST_F(AttachTest, MaxDelay)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 2);
	g_object_set(element_, "max-delay", guint64(500 * GST_MSECOND), nullptr);
	start();
	pushPayload(payloads[0]);
	// No more telemetry: frames up to 1.5 s past payload 0's end, minus its last second, wait.
	for (std::uint64_t i = 0; i < 90; i++)
		pushFrame(i);
	std::vector<Frame> out;
	while (GstBuffer *b = gst_harness_try_pull(video_)) {
		out.push_back(inspect(b));
		gst_buffer_unref(b);
	}
	for (int tries = 0; out.empty() && tries < 100; tries++) {
		g_usleep(20 * 1000);
		while (GstBuffer *b = gst_harness_try_pull(video_)) {
			out.push_back(inspect(b));
			gst_buffer_unref(b);
		}
	}
	ASSERT_FALSE(out.empty());
	// The frame out last is at least max-delay behind the video.
	EXPECT_LE(out.back().pts + out.back().duration + 500 * GST_MSECOND, frameTime(90));
	for (const Frame &f : out)
		EXPECT_TRUE(f.meta); // telemetry came: what there is
	const auto warnings = messages(bus_, GST_MESSAGE_WARNING);
	EXPECT_EQ(warnings.size(), 1u);
	endGpmf();
	endVideo();
	const std::vector<Frame> rest = pullAll();
	EXPECT_EQ(out.size() + rest.size(), 90u);
}

// Live: a frame goes out at its running time plus the latency, telemetry or not.
TEST_F(AttachTest, LiveDeadline)
{
	start(true, true);
	gst_harness_set_upstream_latency(video_, 0);
	pushFrame(0);
	pushFrame(1);
	// No telemetry: the aggregator waits for its deadline on the clock, then lets it go.
	gst_harness_crank_single_clock_wait(video_);
	GstBuffer *b = gst_harness_pull(video_);
	ASSERT_NE(b, nullptr);
	EXPECT_EQ(GST_BUFFER_PTS(b), 0u);
	EXPECT_EQ(gst_buffer_get_gpmf_meta(b), nullptr);
	gst_buffer_unref(b);
}

// Live with a latency budget: frames with their telemetry in time get it.
TEST_F(AttachTest, LiveWithLatency)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 3);
	g_object_set(element_, "latency", guint64(3 * GST_SECOND), nullptr);
	start(true, true);
	pushPayload(payloads[0]);
	pushPayload(payloads[1]);
	for (std::uint64_t i = 0; i < 10; i++)
		pushFrame(i);
	GstBuffer *b = gst_harness_pull(video_);
	ASSERT_NE(b, nullptr);
	const Frame f = inspect(b);
	gst_buffer_unref(b);
	EXPECT_EQ(f.pts, 0u);
	ASSERT_TRUE(f.meta);
	EXPECT_GT(sampleCount(Json(f.record)), 0u);
}

// The typed fields: GPS at the frame's middle, means over the frame, the nearest samples.
TEST_F(AttachTest, TypedFields)
{
	gpmf::DemoOptions options;
	options.camera = gpmf::DemoCamera::Hero8;
	options.seconds = 5;
	const gpmf::DemoTruth truth = gpmf::demoTruth(options);
	const auto payloads = demoPayloads(options.camera, options.seconds);
	start();
	pushInterleaved(payloads, 140);
	endGpmf();
	endVideo();
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), 140u);
	for (const Frame &f : out) {
		ASSERT_TRUE(f.meta);
		const double middle = seconds(f.pts) + seconds(f.duration) / 2;
		EXPECT_NEAR(f.number(GST_GPMF_META_LATITUDE), truth.startLat, 0.01);
		EXPECT_NEAR(f.number(GST_GPMF_META_LONGITUDE), truth.startLon, 0.01);
		EXPECT_TRUE(std::isfinite(f.number(GST_GPMF_META_ALTITUDE)));
		EXPECT_TRUE(std::isfinite(f.number(GST_GPMF_META_SPEED_2D)));
		EXPECT_TRUE(std::isfinite(f.number(GST_GPMF_META_SPEED_3D)));
		const double age = f.number(GST_GPMF_META_GPS_AGE);
		EXPECT_GE(age, 0);
		EXPECT_LT(age, 0.2);
		gint fix = -1;
		EXPECT_TRUE(gst_structure_get_int(f.fields, GST_GPMF_META_GPS_FIX, &fix));
		EXPECT_GE(fix, 2);
		const gchar *utc = gst_structure_get_string(f.fields, GST_GPMF_META_UTC);
		ASSERT_NE(utc, nullptr);
		GDateTime *time = g_date_time_new_from_iso8601(utc, nullptr);
		ASSERT_NE(time, nullptr);
		const double unix =
		    double(g_date_time_to_unix(time)) + g_date_time_get_microsecond(time) / 1e6;
		g_date_time_unref(time);
		EXPECT_NEAR(unix, truth.startUtc + middle, 0.1);

		// The mean of the frame's ACCL samples, as its record holds them.
		double sum[3] = {0, 0, 0};
		int n = 0;
		Json record(f.record);
		for (const StreamRef &ref : streamsOf(record)) {
			if (fourccOf(ref) != "ACCL")
				continue;
			JsonArray *samples = samplesOf(ref);
			for (guint i = 0; i < json_array_get_length(samples); i++) {
				JsonArray *v = json_object_get_array_member(
				    json_array_get_object_element(samples, i), "v");
				for (guint k = 0; k < 3; k++)
					sum[k] += json_array_get_double_element(v, k);
				n++;
			}
		}
		const std::vector<double> accel = f.vector(GST_GPMF_META_ACCELERATION);
		if (n > 0) {
			ASSERT_EQ(accel.size(), 3u);
			for (int k = 0; k < 3; k++)
				EXPECT_NEAR(accel[k], sum[k] / n, 1e-3); // the record's numbers are rounded
		}
		EXPECT_EQ(f.vector(GST_GPMF_META_ROTATION).size(), 3u);
		const std::vector<double> grav = f.vector(GST_GPMF_META_GRAVITY);
		ASSERT_EQ(grav.size(), 3u);
		EXPECT_NEAR(std::hypot(grav[0], grav[1], grav[2]), 1.0, 0.01);
		const std::vector<double> cori = f.vector(GST_GPMF_META_CAMERA_ORIENTATION);
		ASSERT_EQ(cori.size(), 4u);
		EXPECT_NEAR(
		    std::sqrt(cori[0] * cori[0] + cori[1] * cori[1] + cori[2] * cori[2] + cori[3] * cori[3]),
		    1.0, 0.01);
		EXPECT_EQ(f.vector(GST_GPMF_META_IMAGE_ORIENTATION).size(), 4u);
		EXPECT_GT(f.number(GST_GPMF_META_ISO), 0);
		EXPECT_GT(f.number(GST_GPMF_META_SHUTTER), 0);
	}
	// Riding: the course is known once moving, and changes smoothly.
	for (std::size_t i = 60; i < out.size(); i++) {
		ASSERT_TRUE(out[i].has(GST_GPMF_META_COURSE)) << "frame " << i;
		const double course = out[i].number(GST_GPMF_META_COURSE);
		EXPECT_GE(course, 0);
		EXPECT_LT(course, 360);
		const double turn = std::remainder(course - out[i - 1].number(GST_GPMF_META_COURSE), 360.0);
		EXPECT_LT(std::abs(turn), 10.0) << "frame " << i;
	}
}

// Properties: no record, or only some streams (the typed fields come from those).
TEST_F(AttachTest, RecordAndStreamsProperties)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 3);
	g_object_set(element_, "attach-record", FALSE, nullptr);
	start();
	pushInterleaved(payloads, 60);
	endGpmf();
	endVideo();
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), 60u);
	for (const Frame &f : out) {
		ASSERT_TRUE(f.meta);
		EXPECT_FALSE(f.has(GST_GPMF_META_RECORD));
		EXPECT_TRUE(f.has(GST_GPMF_META_LATITUDE));
		EXPECT_TRUE(f.has(GST_GPMF_META_ACCELERATION));
	}
}

TEST_F(AttachTest, StreamsProperty)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 3);
	g_object_set(element_, "streams", "GPS5", nullptr);
	start();
	pushInterleaved(payloads, 60);
	endGpmf();
	endVideo();
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), 60u);
	std::size_t withGps = 0;
	for (const Frame &f : out) {
		ASSERT_TRUE(f.meta);
		const Json record(f.record);
		for (const StreamRef &ref : streamsOf(record))
			EXPECT_EQ(fourccOf(ref), "GPS5");
		withGps += sampleCount(record) > 0 ? 1 : 0;
		EXPECT_TRUE(f.has(GST_GPMF_META_LATITUDE));
		EXPECT_FALSE(f.has(GST_GPMF_META_ACCELERATION));
		EXPECT_FALSE(f.has(GST_GPMF_META_GRAVITY));
	}
	EXPECT_GT(withGps, 20u); // GPS5 at 18 Hz: about every other frame
}

// Faces: one region of interest per face of the FACE sample nearest the frame, in pixels.
TEST_F(AttachTest, Faces)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero7, 21);
	// FACE slots as gpmfparse decodes them: (time, boxes).
	std::vector<std::pair<double, std::vector<std::array<double, 4>>>> faceSlots;
	{
		gpmf::SessionOptions options;
		options.records = false;
		gpmf::Session session(options, [&](gpmf::SessionEvent &e) {
			if (e.kind != gpmf::SessionEvent::Kind::Payload)
				return true;
			for (const gpmf::Device &d : e.payload->devices)
				for (const gpmf::Stream &s : d.streams) {
					if (s.key != gpmf::FourCC("FACE"))
						continue;
					std::size_t item = 0;
					for (std::size_t slot = 0; slot < s.slotSizes.size(); slot++) {
						std::vector<std::array<double, 4>> boxes;
						for (std::uint32_t k = 0; k < s.slotSizes[slot]; k++, item++)
							boxes.push_back({s.values.number(item, 1),
									 s.values.number(item, 2),
									 s.values.number(item, 3),
									 s.values.number(item, 4)});
						faceSlots.emplace_back(s.times[slot], boxes);
					}
				}
			return true;
		});
		for (const Payload &p : payloads)
			session.pushPayload(p.bytes, p.pts, p.duration);
		session.end();
	}
	ASSERT_FALSE(faceSlots.empty());

	start();
	const std::uint64_t frames = pushInterleaved(payloads, 615);
	endGpmf();
	endVideo();
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), frames);
	std::size_t withFaces = 0;
	for (const Frame &f : out) {
		const double b = seconds(f.pts), e = seconds(f.pts + f.duration);
		// The FACE slot inside the frame (HERO7 writes one per frame), nearest its middle.
		const std::vector<std::array<double, 4>> *expected = nullptr;
		double distance = INFINITY;
		for (const auto &[t, boxes] : faceSlots) {
			if (t >= b && t < e && std::abs(t - (b + e) / 2) < distance) {
				expected = &boxes;
				distance = std::abs(t - (b + e) / 2);
			}
		}
		if (!expected)
			continue;
		ASSERT_EQ(f.rois.size(), expected->size()) << "frame at " << b;
		for (std::size_t k = 0; k < f.rois.size(); k++) {
			const auto &box = (*expected)[k];
			EXPECT_NEAR(f.rois[k].x, box[0] * 1920, 1.0);
			EXPECT_NEAR(f.rois[k].y, box[1] * 1080, 1.0);
			EXPECT_NEAR(f.rois[k].x + f.rois[k].w, std::min(1.0, box[0] + box[2]) * 1920, 1.0);
			EXPECT_NEAR(f.rois[k].y + f.rois[k].h, std::min(1.0, box[1] + box[3]) * 1080, 1.0);
			EXPECT_TRUE(std::isfinite(f.rois[k].smile));
		}
		withFaces += f.rois.empty() ? 0 : 1;
	}
	EXPECT_GT(withFaces, 60u); // 17.0 to 20.2 s
}

TEST_F(AttachTest, NoFacesWhenOff)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero7, 19);
	g_object_set(element_, "faces", FALSE, nullptr);
	start();
	pushInterleaved(payloads, 560);
	endGpmf();
	endVideo();
	for (const Frame &f : pullAll())
		EXPECT_TRUE(f.rois.empty());
}

// Caps, segment and tags of the video go out as they came.
TEST_F(AttachTest, ForwardsCapsSegmentAndTags)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 2);
	start();
	GstSegment segment;
	gst_segment_init(&segment, GST_FORMAT_TIME);
	segment.base = 10 * GST_SECOND;
	ASSERT_TRUE(gst_harness_push_event(video_, gst_event_new_segment(&segment)));
	ASSERT_TRUE(gst_harness_push_event(gpmf_, gst_event_new_segment(&segment)));
	ASSERT_TRUE(gst_harness_push_event(
	    video_, gst_event_new_tag(gst_tag_list_new(GST_TAG_VIDEO_CODEC, "H.264", nullptr))));
	pushInterleaved(payloads, 40);
	endGpmf();
	endVideo();
	ASSERT_EQ(pullAll().size(), 40u);
	GstCaps *caps = gst_pad_get_current_caps(video_->sinkpad);
	ASSERT_NE(caps, nullptr);
	GstCaps *expected = gst_caps_from_string(kVideoCaps);
	EXPECT_TRUE(gst_caps_is_equal(caps, expected));
	gst_caps_unref(expected);
	gst_caps_unref(caps);
	GstEvent *seg = gst_pad_get_sticky_event(video_->sinkpad, GST_EVENT_SEGMENT, 0);
	ASSERT_NE(seg, nullptr);
	const GstSegment *out;
	gst_event_parse_segment(seg, &out);
	EXPECT_EQ(out->base, 10 * GST_SECOND);
	gst_event_unref(seg);
	GstEvent *tag = gst_pad_get_sticky_event(video_->sinkpad, GST_EVENT_TAG, 0);
	ASSERT_NE(tag, nullptr);
	GstTagList *tags;
	gst_event_parse_tag(tag, &tags);
	gchar *codec = nullptr;
	EXPECT_TRUE(gst_tag_list_get_string(tags, GST_TAG_VIDEO_CODEC, &codec));
	EXPECT_STREQ(codec, "H.264");
	g_free(codec);
	gst_event_unref(tag);
}

// Frames held back for their telemetry keep their place among the video's serialized events: what
// came before an event goes out before it, what came after, after it.
TEST_F(AttachTest, EventsKeepTheirPlaceAmongHeldFrames)
{
	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 3);
	start();
	struct Log {
		std::mutex lock;
		std::vector<std::string> items;
	} log;
	gst_pad_add_probe(
	    video_->sinkpad,
	    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
	    [](GstPad *, GstPadProbeInfo *info, gpointer data) -> GstPadProbeReturn {
		    auto *l = static_cast<Log *>(data);
		    std::string item;
		    if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
			    item = "frame " + std::to_string(GST_BUFFER_PTS(GST_PAD_PROBE_INFO_BUFFER(info)));
		    } else {
			    GstEvent *e = GST_PAD_PROBE_INFO_EVENT(info);
			    const GstStructure *s = gst_event_get_structure(e);
			    guint64 after = 0;
			    if (!s || !gst_structure_has_name(s, "gpmfattach-test-mark") ||
				!gst_structure_get_uint64(s, "after", &after))
				    return GST_PAD_PROBE_OK;
			    item = "mark " + std::to_string(after);
		    }
		    std::lock_guard lock(l->lock);
		    l->items.push_back(item);
		    return GST_PAD_PROBE_OK;
	    },
	    &log, nullptr);

	std::vector<std::string> expected;
	std::uint64_t next = 0;
	for (const Payload &p : payloads) {
		pushPayload(p);
		for (; next < 80 && frameTime(next) < p.pts + p.duration; next++) {
			pushFrame(next);
			expected.push_back("frame " + std::to_string(frameTime(next)));
			if (next % 7 == 3) {
				GstStructure *mark =
				    gst_structure_new("gpmfattach-test-mark", "after", G_TYPE_UINT64,
						      guint64(frameTime(next)), nullptr);
				ASSERT_TRUE(gst_harness_push_event(
				    video_, gst_event_new_custom(GST_EVENT_CUSTOM_DOWNSTREAM, mark)));
				expected.push_back("mark " + std::to_string(frameTime(next)));
			}
		}
	}
	endGpmf();
	endVideo();
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), next);
	for (const Frame &f : out)
		EXPECT_TRUE(f.meta);
	std::lock_guard lock(log.lock);
	EXPECT_EQ(log.items, expected);
}

// The camera's time zone (TZON in the udta GPMF settings) goes on every frame.
TEST_F(AttachTest, TimeZoneFromHeader)
{
	gpmf::KlvWriter w;
	w.begin(gpmf::FourCC("DEVC"));
	w.integers(gpmf::FourCC("DVID"), 'L', {1});
	w.string(gpmf::FourCC("DVNM"), "Global Settings");
	w.integers(gpmf::FourCC("TZON"), 's', {-420});
	w.end();
	const std::vector<std::uint8_t> atom = makeAtom("GPMF", w.take());
	GstBuffer *buffer = gst_buffer_new_memdup(atom.data(), atom.size());
	GstSample *sample = gst_sample_new(buffer, nullptr, nullptr, nullptr);
	if (!gst_tag_exists("private-qt-tag")) // qtdemux's
		gst_tag_register("private-qt-tag", GST_TAG_FLAG_META, GST_TYPE_SAMPLE, "QT atom",
				 "unparsed QT tag atom", gst_tag_merge_use_first);
	GstTagList *tags = gst_tag_list_new_empty();
	gst_tag_list_add(tags, GST_TAG_MERGE_APPEND, "private-qt-tag", sample, nullptr);
	gst_sample_unref(sample);
	gst_buffer_unref(buffer);

	const auto payloads = demoPayloads(gpmf::DemoCamera::Hero8, 2);
	start();
	ASSERT_TRUE(gst_harness_push_event(gpmf_, gst_event_new_tag(tags)));
	pushInterleaved(payloads, 30);
	endGpmf();
	endVideo();
	const std::vector<Frame> out = pullAll();
	ASSERT_EQ(out.size(), 30u);
	for (const Frame &f : out) {
		gint tz = 0;
		EXPECT_TRUE(gst_structure_get_int(f.fields, GST_GPMF_META_TZ_OFFSET, &tz));
		EXPECT_EQ(tz, -420);
	}
}

/* Pipelines over the sample MP4s, with the installed qtdemux. */

struct PipelineRun {
	std::vector<Frame> frames;
	std::vector<std::string> records; // gpmfparse's
	bool ok = false;
};

PipelineRun runPipeline(const std::string &description)
{
	PipelineRun run;
	GError *error = nullptr;
	GstElement *pipeline = gst_parse_launch(description.c_str(), &error);
	if (!pipeline) {
		ADD_FAILURE() << description << ": " << (error ? error->message : "?");
		g_clear_error(&error);
		return run;
	}
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	EXPECT_EQ(gst_element_set_state(pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
	const bool json = description.find("gpmfparse") != std::string::npos;
	while (GstSample *sample = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
		GstBuffer *buffer = gst_sample_get_buffer(sample);
		if (json)
			run.records.push_back(bufferText(buffer));
		else
			run.frames.push_back(inspect(buffer));
		gst_sample_unref(sample);
	}
	GstBus *bus = gst_element_get_bus(pipeline);
	GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
	run.ok = msg == nullptr && gst_app_sink_is_eos(GST_APP_SINK(sink));
	if (msg) {
		GError *e = nullptr;
		gst_message_parse_error(msg, &e, nullptr);
		ADD_FAILURE() << description << ": " << e->message;
		g_clear_error(&e);
		gst_message_unref(msg);
	}
	gst_object_unref(bus);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
	return run;
}

class AttachPipelineTest : public ::testing::TestWithParam<const char *>
{
protected:
	void SetUp() override
	{
		if (!haveElement("qtdemux")) {
			if (underCi())
				FAIL() << "qtdemux missing under CI";
			GTEST_SKIP() << "qtdemux not installed";
		}
		ASSERT_TRUE(GST_ELEMENT_REGISTER(gpmfattach, nullptr));
		ASSERT_TRUE(GST_ELEMENT_REGISTER(gpmfparse, nullptr));
	}
};

// Every frame carries a meta; all the records hold gpmfparse's samples of the video's span,
// each once; the faces are the FACE samples' (none in these clips).
TEST_P(AttachPipelineTest, FramesCarryGpmfparsesSamples)
{
	GPMF_REQUIRE_SAMPLE(path, GetParam());
	const std::string src = "filesrc location=\"" + path.string() + "\" ! qtdemux name=d ";
	const PipelineRun attached = runPipeline(
	    src + "d.video_0 ! queue ! gpmfattach name=a ! appsink name=out sync=false d.meta_0 ! a.gpmf");
	const PipelineRun plain = runPipeline(src + "d.video_0 ! appsink name=out sync=false");
	const PipelineRun parsed = runPipeline(
	    src + "d.meta_0 ! gpmfparse header=false summary=false ! appsink name=out sync=false");
	ASSERT_TRUE(attached.ok && plain.ok && parsed.ok);
	ASSERT_EQ(attached.frames.size(), plain.frames.size());
	ASSERT_FALSE(attached.frames.empty());

	std::multiset<std::string> got, expected;
	std::size_t faces = 0;
	for (std::size_t i = 0; i < attached.frames.size(); i++) {
		const Frame &f = attached.frames[i];
		EXPECT_EQ(f.pts, plain.frames[i].pts);
		ASSERT_TRUE(f.meta) << "frame " << i;
		collectSamples(f.record, got);
		faces += f.rois.size();
	}
	const Frame &last = attached.frames.back();
	const double from = seconds(attached.frames.front().pts), to = seconds(last.pts + last.duration);
	std::size_t expectedFaces = 0;
	for (const std::string &r : parsed.records) {
		collectSamples(r, expected, from, to);
		const Json json(r);
		for (const StreamRef &ref : streamsOf(json)) {
			if (fourccOf(ref) != "FACE")
				continue;
			JsonArray *samples = samplesOf(ref);
			for (guint k = 0; k < json_array_get_length(samples); k++) {
				JsonObject *s = json_array_get_object_element(samples, k);
				const double t = json_object_get_double_member(s, "t");
				JsonNode *v = json_object_get_member(s, "v");
				if (t >= from && t < to && JSON_NODE_HOLDS_ARRAY(v))
					expectedFaces +=
					    json_array_get_length(json_node_get_array(v)) > 0 ? 1 : 0;
			}
		}
	}
	EXPECT_EQ(got.size(), expected.size());
	EXPECT_TRUE(got == expected);
	EXPECT_EQ(faces, expectedFaces);
}

// qtdemux feeds both tracks from one thread, pulling (filesrc) in time order or pushed (the file
// in its own order: a second of video before the telemetry that covers it). gpmfattach holds
// the frames itself, so no queue is needed: every frame carries what it carries with one.
TEST_P(AttachPipelineTest, NoQueueIsNeededBeforeGpmfattach)
{
	GPMF_REQUIRE_SAMPLE(path, GetParam());
	std::vector<std::string> sources = {"filesrc"};
	if (haveElement("pushfilesrc"))
		sources.push_back("pushfilesrc");
	else if (underCi())
		FAIL() << "pushfilesrc (gstreamer1.0-plugins-bad) missing under CI";
	auto structures = [](const PipelineRun &run) {
		std::vector<std::string> out;
		for (const Frame &f : run.frames) {
			gchar *text = f.fields ? gst_structure_to_string(f.fields) : nullptr;
			out.emplace_back(text ? text : "no meta");
			g_free(text);
		}
		return out;
	};
	const auto launch = [&](const std::string &source, const char *videoBranch) {
		return runPipeline(source + " location=\"" + path.string() + "\" ! qtdemux name=d d.video_0 ! " +
				   videoBranch + "gpmfattach name=a ! appsink name=out sync=false d.meta_0 ! a.gpmf");
	};
	const PipelineRun queued = launch("filesrc", "queue ! ");
	ASSERT_TRUE(queued.ok);
	ASSERT_FALSE(queued.frames.empty());
	const std::vector<std::string> expected = structures(queued);
	EXPECT_EQ(std::count(expected.begin(), expected.end(), "no meta"), 0);
	for (const std::string &source : sources) {
		SCOPED_TRACE(source + " ! qtdemux ! gpmfattach");
		const PipelineRun direct = launch(source, "");
		ASSERT_TRUE(direct.ok);
		const std::vector<std::string> got = structures(direct);
		ASSERT_EQ(got.size(), expected.size());
		for (std::size_t i = 0; i < got.size(); i++)
			EXPECT_EQ(got[i], expected[i]) << "frame " << i;
	}
}

INSTANTIATE_TEST_SUITE_P(Samples, AttachPipelineTest,
			 ::testing::Values("hero7.mp4", "karma.mp4", "max-heromode.mp4"),
			 [](const auto &info) {
				 std::string name = info.param;
				 name = name.substr(0, name.find('.'));
				 std::replace(name.begin(), name.end(), '-', '_');
				 return name;
			 });

// A raw dump of the track (application/x-gpmf) on the gpmf pad: timed from the start, a second
// a payload, it still gives the frames their samples.
TEST_F(AttachTest, RawDumpInPipeline)
{
	if (!haveElement("qtdemux"))
		GTEST_SKIP() << "qtdemux not installed";
	GPMF_REQUIRE_SAMPLE(video, "hero7.mp4");
	GPMF_REQUIRE_SAMPLE(dump, "hero7-track.bin");
	const PipelineRun run =
	    runPipeline("filesrc location=\"" + video.string() +
			"\" ! qtdemux ! queue ! gpmfattach name=a ! appsink name=out sync=false "
			"filesrc location=\"" +
			dump.string() + "\" ! application/x-gpmf ! a.gpmf");
	ASSERT_TRUE(run.ok);
	ASSERT_FALSE(run.frames.empty());
	std::size_t withSamples = 0;
	for (const Frame &f : run.frames) {
		EXPECT_TRUE(f.meta);
		withSamples += sampleCount(Json(f.record)) > 0 ? 1 : 0;
	}
	EXPECT_GT(withSamples, run.frames.size() * 9 / 10);
}

// A flushing seek in the middle: the frames after it carry their own telemetry.
TEST_F(AttachTest, SeekInPipeline)
{
	if (!haveElement("qtdemux"))
		GTEST_SKIP() << "qtdemux not installed";
	GPMF_REQUIRE_SAMPLE(path, "karma.mp4");
	const std::string description =
	    "filesrc location=\"" + path.string() +
	    "\" ! qtdemux name=d d.video_0 ! queue ! gpmfattach name=a ! appsink name=out "
	    "sync=false d.meta_0 ! a.gpmf";
	GstElement *pipeline = gst_parse_launch(description.c_str(), nullptr);
	ASSERT_NE(pipeline, nullptr);
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	gst_element_set_state(pipeline, GST_STATE_PAUSED);
	ASSERT_EQ(gst_element_get_state(pipeline, nullptr, nullptr, 10 * GST_SECOND),
		  GST_STATE_CHANGE_SUCCESS);
	ASSERT_TRUE(gst_element_seek_simple(
	    pipeline, GST_FORMAT_TIME,
	    static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT), 5 * GST_SECOND));
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	std::size_t frames = 0, withSamples = 0;
	GstClockTime first = GST_CLOCK_TIME_NONE;
	while (GstSample *sample = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
		const Frame f = inspect(gst_sample_get_buffer(sample));
		gst_sample_unref(sample);
		if (!GST_CLOCK_TIME_IS_VALID(first))
			first = f.pts;
		frames++;
		EXPECT_TRUE(f.meta);
		const double b = seconds(f.pts), e = seconds(f.pts + f.duration);
		for (double t : sampleTimes(Json(f.record))) {
			EXPECT_GE(t, b - 1e-9);
			EXPECT_LT(t, e + 1e-9);
		}
		withSamples += sampleCount(Json(f.record)) > 0 ? 1 : 0;
	}
	EXPECT_TRUE(gst_app_sink_is_eos(GST_APP_SINK(sink)));
	EXPECT_LE(first, 5 * GST_SECOND);
	EXPECT_GT(frames, 150u);
	EXPECT_GT(withSamples, frames / 2);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
}

// The per-frame records come from PayloadRecordWriter: byte for byte writePayloadRecord()'s,
// for frame windows and for the odd ones (unbounded, empty, reversed, NaN, whole payload).
TEST(PayloadRecordWriter, WritesWhatWritePayloadRecordWrites)
{
	const double nan = std::numeric_limits<double>::quiet_NaN(), inf = INFINITY;
	for (gpmf::DemoCamera camera : {gpmf::DemoCamera::Hero5, gpmf::DemoCamera::Hero7, gpmf::DemoCamera::Hero11}) {
		gpmf::Decoder decoder;
		for (const Payload &p : demoPayloads(camera, 3)) {
			const gpmf::Payload payload = decoder.decode(p.bytes, seconds(p.pts), seconds(p.duration));
			gpmf::PayloadRecordWriter writer;
			writer.reset(payload);
			std::vector<gpmf::RecordWindow> windows = {
			    {}, {-inf, inf, 0}, {nan, 1, 0}, {2, 1, 3}, {seconds(p.pts), nan, 1}, {0, 0.5, -1}};
			for (std::uint64_t i = 0; frameTime(i) < p.pts + p.duration + GST_SECOND; i++)
				windows.push_back({seconds(frameTime(i)), seconds(frameTime(i + 1)), std::int64_t(i)});
			// Frames in order (the writer starts each search where the last window ended), then
			// every window again backwards (no such shortcut holds).
			for (int pass = 0; pass < 2; pass++) {
				if (pass)
					std::reverse(windows.begin(), windows.end());
				for (const gpmf::RecordWindow &w : windows) {
					std::string expected, got;
					gpmf::writePayloadRecord(expected, payload, w);
					writer.write(got, w);
					ASSERT_EQ(got, expected)
					    << "window [" << w.begin << ", " << w.end << ") part " << w.part;
					EXPECT_EQ(writer.hasSamples(w), gpmf::windowHasSamples(payload, w));
				}
			}
		}
	}
}

// Answers the ALLOCATION query with a pool of 4 buffers at most, as some encoders do.
GstPadProbeReturn proposeSmallPool(GstPad *, GstPadProbeInfo *info, gpointer)
{
	GstQuery *query = GST_PAD_PROBE_INFO_QUERY(info);
	if (GST_QUERY_TYPE(query) != GST_QUERY_ALLOCATION)
		return GST_PAD_PROBE_OK;
	GstCaps *caps;
	gst_query_parse_allocation(query, &caps, nullptr);
	GstVideoInfo vi;
	if (!caps || !gst_video_info_from_caps(&vi, caps))
		return GST_PAD_PROBE_OK;
	gst_query_add_allocation_pool(query, nullptr, guint(vi.size), 2, 4);
	return GST_PAD_PROBE_HANDLED;
}

// Converted video whose downstream proposes a small pool: videoconvert's pool must not run dry
// while frames wait for their telemetry (qtdemux, blocked on the video, would never send it).
TEST_F(AttachTest, SmallDownstreamPoolDoesNotStallTheVideo)
{
	if (!haveElement("qtdemux") || !haveElement("avdec_h264") || !haveElement("videoconvert"))
		GTEST_SKIP() << "qtdemux, avdec_h264 or videoconvert not installed";
	GPMF_REQUIRE_SAMPLE(path, "hero7.mp4");
	const std::string description =
	    "filesrc location=\"" + path.string() +
	    "\" ! qtdemux name=d d.video_0 ! queue ! avdec_h264 ! videoconvert ! video/x-raw,format=BGRA ! "
	    "gpmfattach name=a ! appsink name=out "
	    "sync=false d.meta_0 ! queue ! a.gpmf";
	GstElement *pipeline = gst_parse_launch(description.c_str(), nullptr);
	ASSERT_NE(pipeline, nullptr);
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	GstPad *pad = gst_element_get_static_pad(sink, "sink");
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, proposeSmallPool, nullptr, nullptr);
	gst_object_unref(pad);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	std::size_t frames = 0, withMeta = 0;
	// A stall shows as no frame for 20 s (the whole file takes about one).
	while (GstSample *sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 20 * GST_SECOND)) {
		frames++;
		withMeta += inspect(gst_sample_get_buffer(sample)).meta ? 1 : 0;
		gst_sample_unref(sample);
	}
	EXPECT_TRUE(gst_app_sink_is_eos(GST_APP_SINK(sink))) << "stalled after " << frames << " frames";
	EXPECT_EQ(frames, 352u);
	EXPECT_EQ(withMeta, frames);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
}

} // namespace
