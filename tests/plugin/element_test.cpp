// SPDX-License-Identifier: GPL-2.0-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse driven through GstHarness: caps, timing, splitting, filters, tags, flushes, EOS,
// corrupt input, raw dumps, live input, property changes, bus messages and the type finder.

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <gst/base/gsttypefindhelper.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include "gpmf/decoder.h"
#include "gpmf/records.h"

#include "gstgpmfparse.h"
#include "gstgpmftypefind.h"
#include "plugin_test_utils.h"

using namespace gpmf::test;

namespace
{

constexpr const char *kGpmdCaps = "meta/x-gst-fourcc-gpmd";
constexpr const char *kRawCaps = "application/x-gpmf";

struct Record {
	std::string text;
	GstClockTime pts;
	GstClockTime duration;
	bool discont;
	Json json;
};

class GpmfParseTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		// Static registration: no registry or plugin path needed.
		ASSERT_TRUE(GST_ELEMENT_REGISTER(gpmfparse, nullptr));
		h_ = newParseHarness();
		ASSERT_NE(h_, nullptr);
	}

	void TearDown() override
	{
		if (bus_) {
			gst_bus_set_flushing(bus_, TRUE);
			gst_element_set_bus(h_->element, nullptr);
			gst_object_unref(bus_);
		}
		if (h_)
			gst_harness_teardown(h_);
	}

	// CAPS and a TIME segment, as qtdemux sends them.
	void start(const char *caps = kGpmdCaps) { gst_harness_set_src_caps_str(h_, caps); }

	GstBus *bus()
	{
		// The harness creates no bus: messages need one attached by hand.
		if (!bus_) {
			bus_ = gst_bus_new();
			gst_element_set_bus(h_->element, bus_);
		}
		return bus_;
	}

	GstFlowReturn push(const std::vector<std::uint8_t> &bytes, GstClockTime pts,
			   GstClockTime duration = GST_SECOND)
	{
		return gst_harness_push(h_, makeBuffer(bytes, pts, duration));
	}

	// What upstream sends on a flushing seek: FLUSH_START, FLUSH_STOP, a segment from `start`.
	void flushingSeekTo(GstClockTime start)
	{
		ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_flush_start()));
		ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_flush_stop(TRUE)));
		GstSegment segment;
		gst_segment_init(&segment, GST_FORMAT_TIME);
		segment.start = segment.time = start;
		ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_segment(&segment)));
	}

	// Every buffer already output (never blocks).
	std::vector<Record> records()
	{
		std::vector<Record> out;
		drainOutput(h_);
		while (GstBuffer *buffer = gst_harness_try_pull(h_)) {
			std::string text = bufferText(buffer);
			out.push_back(Record{text, GST_BUFFER_PTS(buffer), GST_BUFFER_DURATION(buffer),
					     GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT),
					     Json(text)});
			gst_buffer_unref(buffer);
		}
		return out;
	}

	// Records of one type.
	std::vector<Record> records(const std::string &type)
	{
		std::vector<Record> all = records();
		std::vector<Record> out;
		for (Record &r : all) {
			if (r.json.string("type") == type)
				out.push_back(std::move(r));
		}
		return out;
	}

	// Every event already output downstream, in order.
	std::vector<GstEvent *> events()
	{
		std::vector<GstEvent *> out;
		drainOutput(h_);
		while (GstEvent *event = gst_harness_try_pull_event(h_))
			out.push_back(event);
		return out;
	}

	static void unrefAll(std::vector<GstEvent *> &events)
	{
		for (GstEvent *e : events)
			gst_event_unref(e);
		events.clear();
	}

	// GAP events output so far, as (timestamp, duration).
	std::vector<std::pair<GstClockTime, GstClockTime>> gaps()
	{
		std::vector<GstEvent *> all = events();
		std::vector<std::pair<GstClockTime, GstClockTime>> out;
		for (GstEvent *e : all) {
			if (GST_EVENT_TYPE(e) != GST_EVENT_GAP)
				continue;
			GstClockTime ts, dur;
			gst_event_parse_gap(e, &ts, &dur);
			out.emplace_back(ts, dur);
		}
		unrefAll(all);
		return out;
	}

	// Bus messages of a type, popped once the element has output all it was given.
	std::vector<GstMessage *> messages(GstMessageType type)
	{
		drainOutput(h_);
		std::vector<GstMessage *> out;
		while (GstMessage *m = gst_bus_pop_filtered(bus(), type))
			out.push_back(m);
		return out;
	}

	std::vector<Json> gpmfMessages()
	{
		std::vector<Json> out;
		for (GstMessage *m : messages(GST_MESSAGE_ELEMENT)) {
			const GstStructure *s = gst_message_get_structure(m);
			if (gst_structure_has_name(s, "gpmf"))
				out.emplace_back(gst_structure_get_string(s, "json"));
			gst_message_unref(m);
		}
		return out;
	}

	GstHarness *h_ = nullptr;
	GstBus *bus_ = nullptr;
};

// What the core makes of the same bytes: the reference for the element's JSON.
std::string coreRecord(const std::vector<std::uint8_t> &bytes, double pts, double duration,
		       const gpmf::RecordWindow &window = {}, gpmf::DecodeOptions options = {})
{
	gpmf::Decoder decoder(std::move(options));
	const gpmf::Payload payload = decoder.decode(bytes, pts, duration);
	std::string out;
	gpmf::writePayloadRecord(out, payload, window);
	return out;
}

TEST_F(GpmfParseTest, OutputsJsonCapsForGpmdInput)
{
	start();
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);
	drainOutput(h_);

	GstCaps *caps = gst_pad_get_current_caps(h_->sinkpad);
	ASSERT_NE(caps, nullptr);
	GstCaps *expected = gst_caps_from_string("application/x-json, format=(string)gpmf");
	EXPECT_TRUE(gst_caps_is_equal(caps, expected)) << gst_caps_to_string(caps);
	gst_caps_unref(expected);
	gst_caps_unref(caps);
}

TEST_F(GpmfParseTest, AcceptsOnlyGpmfCaps)
{
	GstPad *sink = gst_element_get_static_pad(h_->element, "sink");
	GstCaps *gpmd = gst_caps_from_string(kGpmdCaps);
	GstCaps *raw = gst_caps_from_string(kRawCaps);
	GstCaps *video = gst_caps_from_string("video/x-h264");
	EXPECT_TRUE(gst_pad_query_accept_caps(sink, gpmd));
	EXPECT_TRUE(gst_pad_query_accept_caps(sink, raw));
	EXPECT_FALSE(gst_pad_query_accept_caps(sink, video));
	gst_caps_unref(gpmd);
	gst_caps_unref(raw);
	gst_caps_unref(video);
	gst_object_unref(sink);
}

TEST_F(GpmfParseTest, HeaderThenOneRecordPerPayloadWithPayloadTimes)
{
	start();
	const auto p0 = makePayload();
	const auto p1 = makePayload();
	ASSERT_EQ(push(p0, 0, 1001 * GST_MSECOND), GST_FLOW_OK);
	ASSERT_EQ(push(p1, 1001 * GST_MSECOND, 1001 * GST_MSECOND), GST_FLOW_OK);

	std::vector<Record> out = records();
	ASSERT_EQ(out.size(), 3u);
	for (const Record &r : out) {
		ASSERT_TRUE(r.json.ok()) << r.json.error();
		EXPECT_EQ(r.text.back(), '\n');
		EXPECT_EQ(std::count(r.text.begin(), r.text.end(), '\n'), 1) << "one JSON object per line";
	}
	EXPECT_EQ(out[0].json.string("type"), "header");
	EXPECT_EQ(out[0].pts, 0u);
	EXPECT_TRUE(out[0].discont);

	EXPECT_EQ(out[1].json.string("type"), "payload");
	EXPECT_EQ(out[1].pts, 0u);
	EXPECT_EQ(out[1].duration, 1001 * GST_MSECOND);
	EXPECT_DOUBLE_EQ(out[1].json.number("pts"), 0.0);
	EXPECT_DOUBLE_EQ(out[1].json.number("duration"), 1.001);
	EXPECT_FALSE(out[1].discont);

	EXPECT_EQ(out[2].pts, 1001 * GST_MSECOND);
	EXPECT_EQ(out[2].duration, 1001 * GST_MSECOND);
	EXPECT_DOUBLE_EQ(out[2].json.number("pts"), 1.001);
	EXPECT_DOUBLE_EQ(out[2].json.number("index"), 1.0);
}

TEST_F(GpmfParseTest, PayloadJsonEqualsCoreDecodeAndHoldsTheWrittenValues)
{
	start();
	PayloadSpec spec;
	spec.gps = 4;
	const auto bytes = makePayload(spec);
	ASSERT_EQ(push(bytes, 2 * GST_SECOND), GST_FLOW_OK);

	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 1u);
	Json expected(coreRecord(bytes, 2.0, 1.0));
	// The core's decoder numbers payloads from 0 too, so the records are equal as JSON values.
	EXPECT_TRUE(out[0].json == expected) << out[0].text;

	bool sawGps = false;
	for (const StreamRef &ref : streamsOf(out[0].json)) {
		if (fourccOf(ref) != "GPS5")
			continue;
		sawGps = true;
		JsonArray *samples = samplesOf(ref);
		ASSERT_EQ(json_array_get_length(samples), 4u);
		JsonArray *v = json_object_get_array_member(json_array_get_object_element(samples, 0), "v");
		EXPECT_NEAR(json_array_get_double_element(v, 0), 47.5, 1e-7);
		EXPECT_NEAR(json_array_get_double_element(v, 1), 8.25, 1e-7);
		EXPECT_NEAR(json_array_get_double_element(v, 2), 410.0, 1e-3);
		EXPECT_NEAR(json_array_get_double_element(v, 3), 3.5, 1e-3);
	}
	EXPECT_TRUE(sawGps);
	for (double t : sampleTimes(out[0].json)) {
		EXPECT_GE(t, 2.0);
		EXPECT_LT(t, 3.0);
	}
}

TEST_F(GpmfParseTest, IntervalSplitsPayloadIntoTimedParts)
{
	g_object_set(h_->element, "interval", guint64(250 * GST_MSECOND), nullptr);
	start();
	PayloadSpec spec;
	spec.accl = 200;
	spec.gps = 0;
	const auto bytes = makePayload(spec);
	ASSERT_EQ(push(bytes, 10 * GST_SECOND, GST_SECOND), GST_FLOW_OK);

	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 4u);
	std::size_t total = 0;
	for (std::size_t k = 0; k < out.size(); k++) {
		const GstClockTime begin = 10 * GST_SECOND + k * 250 * GST_MSECOND;
		EXPECT_EQ(out[k].pts, begin);
		EXPECT_EQ(out[k].duration, 250 * GST_MSECOND);
		EXPECT_DOUBLE_EQ(out[k].json.number("part"), double(k));
		EXPECT_NEAR(out[k].json.number("pts"), seconds(begin), 1e-9);
		EXPECT_NEAR(out[k].json.number("duration"), 0.25, 1e-9);
		// 200 samples spread over 1 s: 50 per quarter, each inside its own window.
		EXPECT_EQ(sampleCount(out[k].json), 50u);
		for (double t : sampleTimes(out[k].json)) {
			EXPECT_GE(t, seconds(begin) - 1e-9);
			EXPECT_LT(t, seconds(begin + 250 * GST_MSECOND));
		}
		total += sampleCount(out[k].json);
		Json expected(
		    coreRecord(bytes, 10.0, 1.0,
			       gpmf::RecordWindow{k == 0 ? -INFINITY : seconds(begin),
						  k == 3 ? INFINITY : seconds(begin + 250 * GST_MSECOND),
						  std::int64_t(k)}));
		EXPECT_TRUE(out[k].json == expected) << out[k].text;
	}
	EXPECT_EQ(total, 200u);
}

TEST_F(GpmfParseTest, IntervalWindowsWithoutSamplesBecomeGaps)
{
	g_object_set(h_->element, "interval", guint64(100 * GST_MSECOND), nullptr);
	start();
	PayloadSpec spec;
	spec.accl = 0;
	spec.gps = 2; // at 0 and 0.5 s
	ASSERT_EQ(push(makePayload(spec), 0, GST_SECOND), GST_FLOW_OK);

	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 2u);
	EXPECT_EQ(out[0].pts, 0u);
	EXPECT_EQ(out[1].pts, 500 * GST_MSECOND);
	const auto g = gaps();
	ASSERT_EQ(g.size(), 8u);
	for (const auto &[ts, dur] : g) {
		EXPECT_NE(ts, 0u);
		EXPECT_NE(ts, 500 * GST_MSECOND);
		EXPECT_EQ(dur, 100 * GST_MSECOND);
	}
}

TEST_F(GpmfParseTest, IntervalLongerThanPayloadKeepsOneRecord)
{
	g_object_set(h_->element, "interval", guint64(5 * GST_SECOND), nullptr);
	start();
	ASSERT_EQ(push(makePayload(), 0, GST_SECOND), GST_FLOW_OK);
	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 1u);
	EXPECT_FALSE(out[0].json.has("part"));
	EXPECT_EQ(out[0].duration, GST_SECOND);
}

TEST_F(GpmfParseTest, StreamsPropertyKeepsOnlyListedFourccs)
{
	g_object_set(h_->element, "streams", "GPS5", nullptr);
	start();
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);
	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 1u);
	const auto streams = streamsOf(out[0].json);
	ASSERT_EQ(streams.size(), 1u);
	EXPECT_EQ(fourccOf(streams[0]), "GPS5");

	gchar *value = nullptr;
	g_object_get(h_->element, "streams", &value, nullptr);
	EXPECT_STREQ(value, "GPS5");
	g_free(value);
}

TEST_F(GpmfParseTest, DevicesPropertyMatchesIdOrName)
{
	start();
	const auto bytes = makeTwoDevicePayload();

	g_object_set(h_->element, "devices", "2", nullptr);
	ASSERT_EQ(push(bytes, 0), GST_FLOW_OK);
	g_object_set(h_->element, "devices", "Camera", nullptr);
	ASSERT_EQ(push(bytes, GST_SECOND), GST_FLOW_OK);
	g_object_set(h_->element, "devices", "", nullptr);
	ASSERT_EQ(push(bytes, 2 * GST_SECOND), GST_FLOW_OK);

	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 3u);
	auto names = [](const Json &record) {
		std::vector<std::string> n;
		JsonArray *devices = json_object_get_array_member(record.object(), "devices");
		for (guint i = 0; i < json_array_get_length(devices); i++)
			n.push_back(
			    json_object_get_string_member(json_array_get_object_element(devices, i), "name"));
		return n;
	};
	EXPECT_EQ(names(out[0].json), std::vector<std::string>{"Sensor"});
	EXPECT_EQ(names(out[1].json), std::vector<std::string>{"Camera"});
	EXPECT_EQ(names(out[2].json), (std::vector<std::string>{"Camera", "Sensor"}));
}

TEST_F(GpmfParseTest, PayloadWithNothingSelectedBecomesGap)
{
	g_object_set(h_->element, "streams", "GYRO", nullptr);
	start();
	ASSERT_EQ(push(makePayload(), 3 * GST_SECOND, GST_SECOND), GST_FLOW_OK);
	EXPECT_TRUE(records("payload").empty());
	const auto g = gaps();
	ASSERT_EQ(g.size(), 1u);
	EXPECT_EQ(g[0].first, 3 * GST_SECOND);
	EXPECT_EQ(g[0].second, GST_SECOND);
}

TEST_F(GpmfParseTest, GpsFiltersDropPoorFixes)
{
	PayloadSpec poor;
	poor.accl = 0;
	poor.gps = 3;
	poor.gpsFix = 2;
	poor.gpsDopX100 = 900;
	start();

	ASSERT_EQ(push(makePayload(poor), 0), GST_FLOW_OK);
	ASSERT_EQ(records("payload").size(), 1u) << "no filter: the 2D fix is kept";

	g_object_set(h_->element, "min-gps-fix", 3, nullptr);
	ASSERT_EQ(push(makePayload(poor), GST_SECOND), GST_FLOW_OK);
	EXPECT_TRUE(records("payload").empty());

	g_object_set(h_->element, "min-gps-fix", 2, "max-gps-dop", 5.0, nullptr);
	ASSERT_EQ(push(makePayload(poor), 2 * GST_SECOND), GST_FLOW_OK);
	EXPECT_TRUE(records("payload").empty()) << "DOP 9 is above 5";

	g_object_set(h_->element, "max-gps-dop", 10.0, nullptr);
	ASSERT_EQ(push(makePayload(poor), 3 * GST_SECOND), GST_FLOW_OK);
	EXPECT_EQ(records("payload").size(), 1u);
}

TEST_F(GpmfParseTest, RawPropertyKeepsUnscaledValues)
{
	g_object_set(h_->element, "raw", TRUE, "streams", "GPS5", nullptr);
	start();
	PayloadSpec spec;
	spec.gps = 1;
	ASSERT_EQ(push(makePayload(spec), 0), GST_FLOW_OK);
	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 1u);
	const auto streams = streamsOf(out[0].json);
	ASSERT_EQ(streams.size(), 1u);
	EXPECT_TRUE(json_object_get_boolean_member(streams[0].stream, "raw"));
	JsonArray *v =
	    json_object_get_array_member(json_array_get_object_element(samplesOf(streams[0]), 0), "v");
	EXPECT_DOUBLE_EQ(json_array_get_double_element(v, 0), 475000000.0);
}

// Tags as qtdemux sends them: each udta atom whole, in a private-qt-tag sample.
GstTagList *udtaTags(const std::vector<std::vector<std::uint8_t>> &atoms)
{
	if (!gst_tag_exists("private-qt-tag"))
		gst_tag_register("private-qt-tag", GST_TAG_FLAG_META, GST_TYPE_SAMPLE, "QT atom",
				 "unparsed QT tag atom", gst_tag_merge_use_first);
	GstTagList *tags = gst_tag_list_new_empty();
	gst_tag_list_set_scope(tags, GST_TAG_SCOPE_GLOBAL);
	for (const auto &atom : atoms) {
		GstBuffer *buffer = makeBuffer(atom);
		GstSample *sample = gst_sample_new(buffer, nullptr, nullptr, nullptr);
		gst_tag_list_add(tags, GST_TAG_MERGE_APPEND, "private-qt-tag", sample, nullptr);
		gst_sample_unref(sample);
		gst_buffer_unref(buffer);
	}
	return tags;
}

TEST_F(GpmfParseTest, UdtaTagsFillHeaderAndHiLightsBecomeToc)
{
	start();
	bus();
	GstTagList *tags = udtaTags({makeAtom("FIRM", textBody("HD7.01.01.70.00")),
				     makeAtom("LENS", textBody("LAJ8051935600462")),
				     makeAtom("HMMT", hmmtBody({1500, 4000}))});
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_tag(tags)));
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);

	std::vector<Record> header = records("header");
	ASSERT_EQ(header.size(), 1u);
	EXPECT_EQ(header[0].json.string("firmware"), "HD7.01.01.70.00");
	EXPECT_EQ(header[0].json.string("lens"), "LAJ8051935600462");
	JsonArray *hilights = json_object_get_array_member(header[0].json.object(), "hilights");
	ASSERT_EQ(json_array_get_length(hilights), 2u);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(json_array_get_object_element(hilights, 0), "t"), 1.5);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(json_array_get_object_element(hilights, 1), "t"), 4.0);

	// The HiLights as a TOC event downstream, and the tags passed on.
	GstToc *toc = nullptr;
	bool sawTags = false;
	std::vector<GstEvent *> all = events();
	for (GstEvent *e : all) {
		if (GST_EVENT_TYPE(e) == GST_EVENT_TOC) {
			gst_event_parse_toc(e, &toc, nullptr);
		} else if (GST_EVENT_TYPE(e) == GST_EVENT_TAG) {
			GstTagList *list;
			gst_event_parse_tag(e, &list);
			sawTags = gst_tag_list_get_tag_size(list, "private-qt-tag") == 3;
		}
	}
	unrefAll(all);
	EXPECT_TRUE(sawTags);
	ASSERT_NE(toc, nullptr);
	EXPECT_EQ(gst_toc_get_scope(toc), GST_TOC_SCOPE_GLOBAL);
	GList *entries = gst_toc_get_entries(toc);
	ASSERT_EQ(g_list_length(entries), 2u);
	gint64 start0, stop0, start1, stop1;
	ASSERT_TRUE(
	    gst_toc_entry_get_start_stop_times(static_cast<GstTocEntry *>(entries->data), &start0, &stop0));
	ASSERT_TRUE(gst_toc_entry_get_start_stop_times(static_cast<GstTocEntry *>(entries->next->data),
						       &start1, &stop1));
	EXPECT_EQ(start0, gint64(1500 * GST_MSECOND));
	EXPECT_EQ(start1, gint64(4 * GST_SECOND));
	gst_toc_unref(toc);

	// ...and as a TOC message for applications.
	std::vector<GstMessage *> tocMessages = messages(GST_MESSAGE_TOC);
	ASSERT_EQ(tocMessages.size(), 1u);
	GstToc *posted;
	gst_message_parse_toc(tocMessages[0], &posted, nullptr);
	EXPECT_EQ(g_list_length(gst_toc_get_entries(posted)), 2u);
	gst_toc_unref(posted);
	gst_message_unref(tocMessages[0]);
}

TEST_F(GpmfParseTest, SameTagsAgainSendNoSecondToc)
{
	start();
	bus();
	const std::vector<std::vector<std::uint8_t>> atoms{makeAtom("HMMT", hmmtBody({2000}))};
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_tag(udtaTags(atoms))));
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_tag(udtaTags(atoms))));
	std::vector<GstMessage *> tocMessages = messages(GST_MESSAGE_TOC);
	EXPECT_EQ(tocMessages.size(), 1u);
	for (GstMessage *m : tocMessages)
		gst_message_unref(m);
}

TEST_F(GpmfParseTest, HeaderPropertyOffLeavesOnlyPayloads)
{
	g_object_set(h_->element, "header", FALSE, "summary", FALSE, nullptr);
	start();
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	std::vector<Record> out = records();
	ASSERT_EQ(out.size(), 1u);
	EXPECT_EQ(out[0].json.string("type"), "payload");
}

TEST_F(GpmfParseTest, FlushResetsTimingAndMarksDiscont)
{
	start();
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);
	ASSERT_EQ(push(makePayload(), GST_SECOND), GST_FLOW_OK);
	ASSERT_EQ(records().size(), 3u);

	flushingSeekTo(5 * GST_SECOND);
	ASSERT_EQ(push(makePayload(), 5 * GST_SECOND), GST_FLOW_OK);

	std::vector<Record> out = records();
	ASSERT_EQ(out.size(), 1u) << "the header is sent once per stream, not after a seek";
	EXPECT_EQ(out[0].json.string("type"), "payload");
	EXPECT_TRUE(out[0].discont);
	EXPECT_EQ(out[0].pts, 5 * GST_SECOND);
	EXPECT_DOUBLE_EQ(out[0].json.number("index"), 0.0) << "the decoder starts over";
}

TEST_F(GpmfParseTest, DiscontInputGivesDiscontOutput)
{
	start();
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);
	GstBuffer *buffer = makeBuffer(makePayload(), 4 * GST_SECOND, GST_SECOND);
	GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
	ASSERT_EQ(gst_harness_push(h_, buffer), GST_FLOW_OK);
	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 2u);
	EXPECT_TRUE(out[1].discont);
}

TEST_F(GpmfParseTest, NewStreamSendsHeaderAgain)
{
	start();
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);
	ASSERT_EQ(records("header").size(), 1u);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_stream_start("second")));
	GstCaps *caps = gst_caps_from_string(kGpmdCaps);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_caps(caps)));
	gst_caps_unref(caps);
	GstSegment segment;
	gst_segment_init(&segment, GST_FORMAT_TIME);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_segment(&segment)));
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);
	EXPECT_EQ(records("header").size(), 1u);
}

TEST_F(GpmfParseTest, EosPushesSummaryThenEos)
{
	start();
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);
	ASSERT_EQ(push(makePayload(), GST_SECOND), GST_FLOW_OK);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));

	std::vector<Record> out = records();
	ASSERT_EQ(out.size(), 4u);
	const Json &summary = out.back().json;
	EXPECT_EQ(summary.string("type"), "summary");
	EXPECT_DOUBLE_EQ(summary.number("payloads"), 2.0);
	EXPECT_DOUBLE_EQ(summary.number("corrupt_payloads"), 0.0);
	JsonArray *streams = json_object_get_array_member(summary.object(), "streams");
	ASSERT_EQ(json_array_get_length(streams), 2u);
	JsonObject *accl = json_array_get_object_element(streams, 0);
	EXPECT_STREQ(json_object_get_string_member(accl, "fourcc"), "ACCL");
	EXPECT_DOUBLE_EQ(json_object_get_double_member(accl, "samples"), 400.0);
	// Within the stream (sinks clip a buffer at the segment's end): the last payload's start.
	EXPECT_EQ(out.back().pts, GST_SECOND);

	std::vector<GstEvent *> all = events();
	ASSERT_FALSE(all.empty());
	EXPECT_EQ(GST_EVENT_TYPE(all.back()), GST_EVENT_EOS);
	unrefAll(all);
}

TEST_F(GpmfParseTest, EosWithoutDataStillGivesHeaderAndSummary)
{
	start();
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	std::vector<Record> out = records();
	ASSERT_EQ(out.size(), 2u);
	EXPECT_EQ(out[0].json.string("type"), "header");
	EXPECT_EQ(out[1].json.string("type"), "summary");
	EXPECT_DOUBLE_EQ(out[1].json.number("payloads"), 0.0);
}

TEST_F(GpmfParseTest, CorruptPayloadGivesGapAndWarningAndDecodingGoesOn)
{
	start();
	bus();
	// A DEVC that claims 64 KiB but holds 16 bytes of noise.
	const std::vector<std::uint8_t> corrupt{'D', 'E',  'V',	 'C',  0,    1,	   0xff, 0xff,
						'x', 0x01, 0x02, 0x03, 0xde, 0xad, 0xbe, 0xef,
						0,   0,	   0,	 0,    0,    0,	   0,	 0};
	ASSERT_EQ(push(corrupt, 0, GST_SECOND), GST_FLOW_OK);
	EXPECT_TRUE(records("payload").empty());
	auto g = gaps();
	ASSERT_EQ(g.size(), 1u);
	EXPECT_EQ(g[0].first, 0u);
	EXPECT_EQ(g[0].second, GST_SECOND);
	std::vector<GstMessage *> warnings = messages(GST_MESSAGE_WARNING);
	ASSERT_EQ(warnings.size(), 1u);
	GError *error = nullptr;
	gchar *debug = nullptr;
	gst_message_parse_warning(warnings[0], &error, &debug);
	EXPECT_TRUE(g_error_matches(error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE));
	EXPECT_NE(std::string(debug).find("DEVC"), std::string::npos) << debug;
	g_error_free(error);
	g_free(debug);
	gst_message_unref(warnings[0]);

	ASSERT_EQ(push(makePayload(), GST_SECOND), GST_FLOW_OK);
	EXPECT_EQ(records("payload").size(), 1u);
}

TEST_F(GpmfParseTest, EmptyAndNoiseBuffersGiveGapsNotCrashes)
{
	start();
	bus();
	ASSERT_EQ(push({}, 0, GST_SECOND), GST_FLOW_OK);
	ASSERT_EQ(push({0x00, 0x01, 0x02}, GST_SECOND, GST_SECOND), GST_FLOW_OK);
	std::vector<std::uint8_t> noise(4096);
	for (std::size_t i = 0; i < noise.size(); i++)
		noise[i] = std::uint8_t(i * 7919 >> 3);
	ASSERT_EQ(push(noise, 2 * GST_SECOND, GST_SECOND), GST_FLOW_OK);

	EXPECT_TRUE(records("payload").empty());
	EXPECT_EQ(gaps().size(), 3u);
	std::vector<GstMessage *> warnings = messages(GST_MESSAGE_WARNING);
	EXPECT_EQ(warnings.size(), 3u);
	for (GstMessage *m : warnings)
		gst_message_unref(m);
}

TEST_F(GpmfParseTest, PartlyCorruptPayloadKeepsWhatDecoded)
{
	start();
	bus();
	std::vector<std::uint8_t> bytes = makePayload();
	const std::vector<std::uint8_t> tail{'D', 'E', 'V', 'C', 0, 1, 0x10, 0x00, 'D', 'V'};
	bytes.insert(bytes.end(), tail.begin(), tail.end());
	ASSERT_EQ(push(bytes, 0), GST_FLOW_OK);
	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 1u);
	EXPECT_TRUE(out[0].json.has("diagnostics"));
	EXPECT_EQ(streamsOf(out[0].json).size(), 2u);
	EXPECT_TRUE(messages(GST_MESSAGE_WARNING).empty()) << "logged, not a bus warning";
}

TEST_F(GpmfParseTest, MaxErrorsTurnsRepeatedCorruptionIntoError)
{
	g_object_set(h_->element, "max-errors", 1, nullptr);
	start();
	bus();
	const std::vector<std::uint8_t> noise{'n', 'o', 'i', 's', 'e', '!', '!', '!'};
	EXPECT_EQ(push(noise, 0), GST_FLOW_OK);
	EXPECT_EQ(push(noise, GST_SECOND), GST_FLOW_ERROR);
	std::vector<GstMessage *> errors = messages(GST_MESSAGE_ERROR);
	ASSERT_EQ(errors.size(), 1u);
	GError *error = nullptr;
	gst_message_parse_error(errors[0], &error, nullptr);
	EXPECT_STREQ(error->message, "Too many corrupt GPMF payloads");
	g_error_free(error);
	for (GstMessage *m : errors)
		gst_message_unref(m);
}

TEST_F(GpmfParseTest, MaxErrorsCountsOnlyCorruptPayloadsInARow)
{
	g_object_set(h_->element, "max-errors", 1, nullptr);
	start();
	bus();
	const std::vector<std::uint8_t> noise{'n', 'o', 'i', 's', 'e', '!', '!', '!'};
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(push(noise, GstClockTime(2 * i) * GST_SECOND), GST_FLOW_OK);
		EXPECT_EQ(push(makePayload(), GstClockTime(2 * i + 1) * GST_SECOND), GST_FLOW_OK);
	}
	EXPECT_EQ(records("payload").size(), 3u);
	EXPECT_TRUE(messages(GST_MESSAGE_ERROR).empty());
}

TEST_F(GpmfParseTest, BufferWithoutTimestampsFollowsThePreviousPayload)
{
	start();
	ASSERT_EQ(push(makePayload(), 3 * GST_SECOND, 1001 * GST_MSECOND), GST_FLOW_OK);
	ASSERT_EQ(push(makePayload(), GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE), GST_FLOW_OK);
	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 2u);
	EXPECT_EQ(out[1].pts, 4001 * GST_MSECOND);
	EXPECT_EQ(out[1].duration, GST_SECOND) << "the nominal payload length";
	EXPECT_DOUBLE_EQ(out[1].json.number("pts"), 4.001);
}

TEST_F(GpmfParseTest, FirstBufferWithoutTimestampStartsAtTheSegment)
{
	start();
	ASSERT_EQ(push(makePayload(), GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE), GST_FLOW_OK);
	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 1u);
	EXPECT_EQ(out[0].pts, 0u);
}

TEST_F(GpmfParseTest, DownstreamFlowReturnReachesUpstream)
{
	start();
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);
	gst_pad_set_active(h_->sinkpad, FALSE);
	GstFlowReturn ret = push(makePayload(), GST_SECOND);
	// With threads above 1 the record may be written on a helper and pushed later (here with the
	// DRAIN query): the failure stops the element, and the next buffer gets it.
	if (ret == GST_FLOW_OK) {
		drainOutput(h_);
		ret = push(makePayload(), 2 * GST_SECOND);
	}
	EXPECT_EQ(ret, GST_FLOW_FLUSHING);
}

// A downstream error is returned by the chain function that met it, in the streaming thread:
// upstream reports it (gpmfparse posts nothing), and the element stops until a flush.
TEST_F(GpmfParseTest, DownstreamErrorStopsTheElementUntilAFlush)
{
	start();
	bus();
	GstPad *src = gst_element_get_static_pad(h_->element, "src");
	const gulong probe = gst_pad_add_probe(
	    src, GST_PAD_PROBE_TYPE_BUFFER,
	    [](GstPad *, GstPadProbeInfo *info, gpointer) {
		    gst_buffer_unref(GST_PAD_PROBE_INFO_BUFFER(info));
		    GST_PAD_PROBE_INFO_DATA(info) = nullptr;
		    GST_PAD_PROBE_INFO_FLOW_RETURN(info) = GST_FLOW_ERROR;
		    return GST_PAD_PROBE_HANDLED;
	    },
	    nullptr, nullptr);

	// The header record goes out before the payload is written, whatever the threads.
	EXPECT_EQ(push(makePayload(), 0), GST_FLOW_ERROR);
	EXPECT_EQ(push(makePayload(), GST_SECOND), GST_FLOW_ERROR) << "stopped until a flush";
	EXPECT_TRUE(messages(GST_MESSAGE_ERROR).empty()) << "upstream posts it, as for any element";

	gst_pad_remove_probe(src, probe);
	gst_object_unref(src);
	flushingSeekTo(5 * GST_SECOND);
	EXPECT_EQ(push(makePayload(), 5 * GST_SECOND), GST_FLOW_OK);
	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 1u);
	EXPECT_EQ(out[0].pts, 5 * GST_SECOND);
	EXPECT_TRUE(out[0].discont);
}

/* Raw dumps (application/x-gpmf). */

std::vector<std::uint8_t> concat(const std::vector<std::vector<std::uint8_t>> &parts)
{
	std::vector<std::uint8_t> out;
	for (const auto &p : parts)
		out.insert(out.end(), p.begin(), p.end());
	return out;
}

// Pushes bytes in pieces of `chunk`, without timestamps, as filesrc does.
void pushChunks(GstHarness *h, const std::vector<std::uint8_t> &bytes, std::size_t chunk)
{
	for (std::size_t at = 0; at < bytes.size(); at += chunk) {
		const std::size_t n = std::min(chunk, bytes.size() - at);
		std::vector<std::uint8_t> piece(bytes.begin() + at, bytes.begin() + at + n);
		ASSERT_EQ(gst_harness_push(h, makeBuffer(piece)), GST_FLOW_OK);
	}
}

TEST_F(GpmfParseTest, RawDumpIsSplitIntoPayloadsAsTheyComplete)
{
	start(kRawCaps);
	const auto p = makePayload();
	const auto dump = concat({p, p, p});
	pushChunks(h_, dump, 100);

	// The third payload may still grow until the stream ends.
	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 2u);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	std::vector<Record> rest = records("payload");
	ASSERT_EQ(rest.size(), 1u);
	out.push_back(std::move(rest[0]));

	// No container: 1 s per payload from zero, as gpmf::rawTrackTimes() says.
	for (std::size_t i = 0; i < out.size(); i++) {
		EXPECT_EQ(out[i].pts, i * GST_SECOND);
		EXPECT_EQ(out[i].duration, GST_SECOND);
		EXPECT_DOUBLE_EQ(out[i].json.number("index"), double(i));
	}
	Json expected(coreRecord(p, 0.0, 1.0));
	EXPECT_TRUE(out[0].json == expected);
}

TEST_F(GpmfParseTest, RawDumpGetsATimeSegmentFromZero)
{
	gst_harness_set_src_caps_str(h_, kRawCaps);
	GstSegment bytes;
	gst_segment_init(&bytes, GST_FORMAT_BYTES);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_segment(&bytes)));
	pushChunks(h_, makePayload(), 4096);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));

	bool sawTime = false, sawBytes = false;
	std::vector<GstEvent *> all = events();
	for (GstEvent *e : all) {
		if (GST_EVENT_TYPE(e) != GST_EVENT_SEGMENT)
			continue;
		const GstSegment *s;
		gst_event_parse_segment(e, &s);
		sawTime |= s->format == GST_FORMAT_TIME && s->start == 0;
		sawBytes |= s->format == GST_FORMAT_BYTES;
	}
	unrefAll(all);
	EXPECT_TRUE(sawTime);
	EXPECT_FALSE(sawBytes);
	EXPECT_EQ(records("payload").size(), 1u);
}

TEST_F(GpmfParseTest, RawDumpUsesStmpSpacing)
{
	start(kRawCaps);
	std::vector<std::vector<std::uint8_t>> payloads;
	const std::uint64_t stmp[] = {5000000, 6001000, 7003000};
	for (std::uint64_t s : stmp) {
		PayloadSpec spec;
		spec.stmp = s;
		payloads.push_back(makePayload(spec));
	}
	pushChunks(h_, concat(payloads), 512);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	std::vector<Record> out = records("payload");
	ASSERT_EQ(out.size(), 3u);
	EXPECT_EQ(out[0].pts, 0u);
	EXPECT_EQ(out[0].duration, 1001 * GST_MSECOND);
	EXPECT_EQ(out[1].pts, 1001 * GST_MSECOND);
	EXPECT_EQ(out[1].duration, 1002 * GST_MSECOND);
	EXPECT_EQ(out[2].pts, 2003 * GST_MSECOND);
	EXPECT_EQ(out[2].duration, 1002 * GST_MSECOND) << "the last one repeats the previous step";
}

TEST_F(GpmfParseTest, RawDumpGroupsDevicesOfOnePayloadWhateverTheChunking)
{
	const auto p = makeTwoDevicePayload();
	const auto dump = concat({p, p});
	for (std::size_t chunk : {7u, 64u, 1000u}) {
		GstHarness *h = newParseHarness();
		gst_harness_set_src_caps_str(h, kRawCaps);
		pushChunks(h, dump, chunk);
		ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
		std::vector<Json> payloads;
		drainOutput(h);
		while (GstBuffer *b = gst_harness_try_pull(h)) {
			Json j(bufferText(b));
			if (j.string("type") == "payload")
				payloads.push_back(std::move(j));
			gst_buffer_unref(b);
		}
		ASSERT_EQ(payloads.size(), 2u) << "chunk " << chunk;
		for (const Json &j : payloads)
			EXPECT_EQ(json_array_get_length(json_object_get_array_member(j.object(), "devices")),
				  2u);
		gst_harness_teardown(h);
	}
}

TEST_F(GpmfParseTest, RawDumpSkipsGarbageWithAWarning)
{
	start(kRawCaps);
	bus();
	const auto p = makePayload();
	std::vector<std::uint8_t> garbage(100, 0x5a);
	pushChunks(h_, concat({garbage, p, p}), 333);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	EXPECT_EQ(records("payload").size(), 2u);
	std::vector<GstMessage *> warnings = messages(GST_MESSAGE_WARNING);
	EXPECT_EQ(warnings.size(), 1u);
	for (GstMessage *m : warnings)
		gst_message_unref(m);
}

TEST_F(GpmfParseTest, RawDumpBuffersAtMost16MiB)
{
	start(kRawCaps);
	bus();
	// Devices that never repeat never end a payload: nothing can be decoded early.
	std::uint32_t id = 100;
	auto chunk = [&id]() {
		std::vector<std::uint8_t> out;
		while (out.size() < 1024 * 1024) {
			gpmf::KlvWriter w;
			w.begin(gpmf::FourCC("DEVC"));
			w.integers(gpmf::FourCC("DVID"), 'L', {std::int64_t(id++)});
			std::vector<std::uint8_t> filler(60000, 0x11);
			w.raw(gpmf::FourCC("FREE"), 'B', 1, std::uint16_t(filler.size()), filler);
			w.end();
			const auto bytes = w.take();
			out.insert(out.end(), bytes.begin(), bytes.end());
		}
		return out;
	};
	for (int i = 0; i < 17; i++)
		ASSERT_EQ(gst_harness_push(h_, makeBuffer(chunk())), GST_FLOW_OK);
	std::vector<GstMessage *> warnings = messages(GST_MESSAGE_WARNING);
	ASSERT_EQ(warnings.size(), 1u);
	for (GstMessage *m : warnings)
		gst_message_unref(m);

	// What follows is decoded as usual.
	pushChunks(h_, concat({makePayload(), makePayload()}), 4096);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	EXPECT_GE(records("payload").size(), 2u);
}

TEST_F(GpmfParseTest, RawDumpTruncatedAtEosWarns)
{
	start(kRawCaps);
	bus();
	auto p = makePayload();
	auto dump = concat({p, p});
	dump.resize(dump.size() - 100);
	pushChunks(h_, dump, 4096);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	EXPECT_GE(records("payload").size(), 1u);
	std::vector<GstMessage *> warnings = messages(GST_MESSAGE_WARNING);
	EXPECT_FALSE(warnings.empty());
	for (GstMessage *m : warnings)
		gst_message_unref(m);
}

/* Live input and latency. */

TEST_F(GpmfParseTest, LatencyQueryPassesUpstreamLatency)
{
	gst_harness_set_live(h_, TRUE);
	gst_harness_set_upstream_latency(h_, 40 * GST_MSECOND);
	start();
	EXPECT_EQ(gst_harness_query_latency(h_), 40 * GST_MSECOND);
}

TEST_F(GpmfParseTest, LatencyQueryAddsOnePayloadForRawInput)
{
	gst_harness_set_live(h_, TRUE);
	gst_harness_set_upstream_latency(h_, 40 * GST_MSECOND);
	start(kRawCaps);
	EXPECT_EQ(gst_harness_query_latency(h_), 1040 * GST_MSECOND);
}

TEST_F(GpmfParseTest, LiveInputIsDecodedWithoutWaiting)
{
	gst_harness_set_live(h_, TRUE);
	start();
	// Timestamps far ahead of the (test) clock: the element must not wait for them.
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(push(makePayload(), GstClockTime(1000 + i) * GST_SECOND), GST_FLOW_OK);
	EXPECT_EQ(records("payload").size(), 5u);
}

/* Properties. */

TEST_F(GpmfParseTest, PropertiesCanChangeWhilePlaying)
{
	start();
	GValue streams = G_VALUE_INIT;
	g_value_init(&streams, G_TYPE_STRING);
	g_value_set_string(&streams, "ACCL,GPS5");
	GValue interval = G_VALUE_INIT;
	g_value_init(&interval, G_TYPE_UINT64);
	g_value_set_uint64(&interval, 100 * GST_MSECOND);
	GValue raw = G_VALUE_INIT;
	g_value_init(&raw, G_TYPE_BOOLEAN);
	g_value_set_boolean(&raw, TRUE);

	GstHarnessThread *t1 = gst_harness_stress_property_start(h_, "streams", &streams);
	GstHarnessThread *t2 = gst_harness_stress_property_start(h_, "interval", &interval);
	GstHarnessThread *t3 = gst_harness_stress_property_start(h_, "raw", &raw);
	const auto bytes = makePayload();
	std::size_t parsed = 0, total = 0;
	for (int i = 0; i < 40; i++) {
		ASSERT_EQ(push(bytes, GstClockTime(i) * GST_SECOND), GST_FLOW_OK);
		for (const Record &r : records()) {
			total++;
			parsed += r.json.ok();
		}
	}
	// Let the setter threads run at least once: under valgrind threads take turns, and the
	// pushes above can finish before they were ever scheduled.
	g_usleep(200 * G_TIME_SPAN_MILLISECOND);
	EXPECT_GT(gst_harness_stress_thread_stop(t1), 0u);
	EXPECT_GT(gst_harness_stress_thread_stop(t2), 0u);
	EXPECT_GT(gst_harness_stress_thread_stop(t3), 0u);
	g_value_unset(&streams);
	g_value_unset(&interval);
	g_value_unset(&raw);
	EXPECT_GE(total, 41u);
	EXPECT_EQ(parsed, total);
}

/* Bus messages. */

TEST_F(GpmfParseTest, PostMessagesPostsEachRecordWithItsTimes)
{
	g_object_set(h_->element, "post-messages", TRUE, nullptr);
	GstSegment segment;
	gst_segment_init(&segment, GST_FORMAT_TIME);
	segment.start = 10 * GST_SECOND;
	segment.time = 100 * GST_SECOND;
	gst_harness_set_src_caps_str(h_, kGpmdCaps);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_segment(&segment)));
	bus();
	ASSERT_EQ(push(makePayload(), 12 * GST_SECOND, GST_SECOND), GST_FLOW_OK);

	std::vector<Record> out = records();
	ASSERT_EQ(out.size(), 2u);
	std::vector<GstMessage *> posted = messages(GST_MESSAGE_ELEMENT);
	ASSERT_EQ(posted.size(), 2u);
	const char *types[] = {"header", "payload"};
	for (std::size_t i = 0; i < 2; i++) {
		const GstStructure *s = gst_message_get_structure(posted[i]);
		EXPECT_TRUE(gst_structure_has_name(s, "gpmf"));
		EXPECT_EQ(GST_MESSAGE_SRC(posted[i]), GST_OBJECT(h_->element));
		EXPECT_STREQ(gst_structure_get_string(s, "record-type"), types[i]);
		// The JSON of the buffer, without its newline.
		EXPECT_EQ(std::string(gst_structure_get_string(s, "json")) + "\n", out[i].text);
		guint64 index;
		ASSERT_TRUE(gst_structure_get_uint64(s, "index", &index));
		EXPECT_EQ(index, i);
		GstClockTime ts, streamTime, runningTime, duration;
		ASSERT_TRUE(gst_structure_get_clock_time(s, "timestamp", &ts));
		ASSERT_TRUE(gst_structure_get_clock_time(s, "stream-time", &streamTime));
		ASSERT_TRUE(gst_structure_get_clock_time(s, "running-time", &runningTime));
		ASSERT_TRUE(gst_structure_get_clock_time(s, "duration", &duration));
		EXPECT_EQ(ts, 12 * GST_SECOND);
		EXPECT_EQ(runningTime, 2 * GST_SECOND);
		EXPECT_EQ(streamTime, 102 * GST_SECOND);
		EXPECT_EQ(duration, i == 0 ? 0 : GST_SECOND);
		gst_message_unref(posted[i]);
	}
}

TEST_F(GpmfParseTest, NoMessagesUnlessAskedFor)
{
	start();
	bus();
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);
	EXPECT_TRUE(gpmfMessages().empty());
}

/* Record writer threads (threads): the same output, in the same order, as one thread. */

// Everything gpmfparse pushes, in order: records as "buffer PTS DURATION [D] TEXT", events by
// name (GAPs with their times).
class OutputLog
{
public:
	explicit OutputLog(GstHarness *h)
	{
		pad_ = GST_PAD(gst_object_ref(h->sinkpad));
		probe_ = gst_pad_add_probe(pad_, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM, record, this, nullptr);
	}
	~OutputLog()
	{
		gst_pad_remove_probe(pad_, probe_);
		gst_object_unref(pad_);
	}
	std::vector<std::string> lines()
	{
		std::lock_guard lock(mutex_);
		return lines_;
	}

private:
	static GstPadProbeReturn record(GstPad *, GstPadProbeInfo *info, gpointer data)
	{
		auto *self = static_cast<OutputLog *>(data);
		std::string line;
		if (GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info); info->type & GST_PAD_PROBE_TYPE_BUFFER) {
			line = "buffer " + std::to_string(GST_BUFFER_PTS(b)) + " " + std::to_string(GST_BUFFER_DURATION(b)) +
			       (GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DISCONT) ? " D " : " ") + bufferText(b);
		} else if (GstEvent *e = GST_PAD_PROBE_INFO_EVENT(info)) {
			line = GST_EVENT_TYPE_NAME(e);
			if (GST_EVENT_TYPE(e) == GST_EVENT_GAP) {
				GstClockTime ts, dur;
				gst_event_parse_gap(e, &ts, &dur);
				line += " " + std::to_string(ts) + " " + std::to_string(dur);
			}
		}
		std::lock_guard lock(self->mutex_);
		self->lines_.push_back(line);
		return GST_PAD_PROBE_OK;
	}

	GstPad *pad_;
	gulong probe_;
	std::mutex mutex_;
	std::vector<std::string> lines_;
};

// A recording whose payloads take very different times to write (4 to 400 ACCL samples), with a
// truncated payload (partly decoded) and noise (a GAP) among them.
std::vector<std::string> decodeRecording(guint threads, GstClockTime interval)
{
	GstHarness *h = newParseHarness(threads);
	g_object_set(h->element, "interval", guint64(interval), nullptr);
	std::vector<std::string> lines;
	{
		OutputLog log(h);
		gst_harness_set_src_caps_str(h, kGpmdCaps);
		for (int i = 0; i < 40; i++) {
			PayloadSpec spec;
			spec.accl = 4 + (i * 7919) % 397;
			spec.gps = i % 3 == 0 ? 18 : 0;
			std::vector<std::uint8_t> bytes = makePayload(spec);
			if (i == 17)
				bytes.resize(bytes.size() / 3); // truncated: decoded in part, or a GAP
			if (i == 23)
				bytes = {0x00, 0x01, 0x02}; // noise: a GAP and a warning
			EXPECT_EQ(gst_harness_push(h, makeBuffer(bytes, i * GST_SECOND, GST_SECOND)), GST_FLOW_OK);
		}
		EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
		while (GstEvent *e = gst_harness_pull_event(h)) {
			const bool eos = GST_EVENT_TYPE(e) == GST_EVENT_EOS;
			gst_event_unref(e);
			if (eos)
				break;
		}
		lines = log.lines();
	}
	gst_harness_teardown(h);
	return lines;
}

TEST(GpmfParseThreads, RecordsGapsAndTheirOrderAreThoseOfOneThread)
{
	ASSERT_TRUE(GST_ELEMENT_REGISTER(gpmfparse, nullptr));
	for (GstClockTime interval : {GstClockTime(0), GstClockTime(300 * GST_MSECOND)}) {
		const std::vector<std::string> one = decodeRecording(1, interval);
		ASSERT_GT(one.size(), 40u);
		ASSERT_EQ(one.back(), "eos");
		for (guint threads : {2u, 4u}) {
			const std::vector<std::string> many = decodeRecording(threads, interval);
			ASSERT_EQ(many.size(), one.size()) << threads << " threads, interval " << interval;
			for (std::size_t i = 0; i < one.size(); i++)
				ASSERT_EQ(many[i], one[i]) << "item " << i << ", " << threads << " threads, interval " << interval;
		}
	}
}

// The streaming thread decodes: with helper threads, records not written yet when the chain
// function returns wait for the next input, an event or a serialized query, and are never lost.
TEST_F(GpmfParseTest, WithThreadsRecordsWaitForTheNextInput)
{
	gst_harness_teardown(h_);
	h_ = newParseHarness(2);
	start();
	ASSERT_EQ(push(makePayload(), 0), GST_FLOW_OK);
	// The header at once; the record once written, if the helper was quick enough, else later.
	EXPECT_GE(gst_harness_buffers_received(h_), 1u);
	EXPECT_LE(gst_harness_buffers_received(h_), 2u);
	ASSERT_EQ(push(makePayload(), GST_SECOND), GST_FLOW_OK);
	EXPECT_EQ(records().size(), 3u) << "a DRAIN query gets every record out";
	ASSERT_EQ(push(makePayload(), 2 * GST_SECOND), GST_FLOW_OK);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	std::vector<Record> out = records();
	ASSERT_EQ(out.size(), 2u);
	EXPECT_EQ(out[0].pts, 2 * GST_SECOND);
	EXPECT_EQ(out[1].json.string("type"), "summary");
}

TEST_F(GpmfParseTest, AFlushDropsTheRecordsBeingWritten)
{
	gst_harness_teardown(h_);
	h_ = newParseHarness(2);
	start();
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(push(makePayload(), i * GST_SECOND), GST_FLOW_OK);
	while (GstBuffer *b = gst_harness_try_pull(h_)) // what went out before the flush
		gst_buffer_unref(b);

	flushingSeekTo(5 * GST_SECOND);
	ASSERT_EQ(push(makePayload(), 5 * GST_SECOND), GST_FLOW_OK);

	std::vector<Record> out = records();
	ASSERT_EQ(out.size(), 1u) << "the third payload's record, pending at the flush, is dropped";
	EXPECT_EQ(out[0].pts, 5 * GST_SECOND);
	EXPECT_TRUE(out[0].discont);
	EXPECT_DOUBLE_EQ(out[0].json.number("index"), 0.0);
}


class GpmfParseClockTest : public GpmfParseTest
{
protected:
	void SetUp() override
	{
		GpmfParseTest::SetUp();
		g_object_set(h_->element, "post-messages", TRUE, "message-timing",
			     GST_GPMF_PARSE_MESSAGE_TIMING_CLOCK, nullptr);
		start();
		bus();
	}

	GstClockTime nextWaitTime()
	{
		GstTestClock *clock = gst_harness_get_testclock(h_);
		GstClockID id = nullptr;
		gst_test_clock_wait_for_next_pending_id(clock, &id);
		const GstClockTime t = gst_clock_id_get_time(id);
		gst_clock_id_unref(id);
		gst_object_unref(clock);
		return t;
	}
};

TEST_F(GpmfParseClockTest, MessagesWaitForTheClock)
{
	ASSERT_EQ(push(makePayload(), 2 * GST_SECOND, GST_SECOND), GST_FLOW_OK);
	EXPECT_EQ(records().size(), 2u) << "buffers go out at once";
	EXPECT_TRUE(gpmfMessages().empty()) << "messages wait for the clock";

	EXPECT_EQ(nextWaitTime(), 2 * GST_SECOND);
	ASSERT_TRUE(gst_harness_wait_for_clock_id_waits(h_, 2, 5));
	// Both are due at 2 s: whichever wait fires first posts both, in stream order.
	ASSERT_TRUE(gst_harness_crank_single_clock_wait(h_));
	std::vector<Json> posted = gpmfMessages();
	ASSERT_EQ(posted.size(), 2u);
	EXPECT_EQ(posted[0].string("type"), "header");
	EXPECT_EQ(posted[1].string("type"), "payload");
	GstTestClock *clock = gst_harness_get_testclock(h_);
	EXPECT_EQ(gst_test_clock_peek_id_count(clock), 0u);
	gst_object_unref(clock);
}

TEST_F(GpmfParseClockTest, EachRecordIsPostedAtItsOwnTime)
{
	g_object_set(h_->element, "interval", guint64(500 * GST_MSECOND), "header", FALSE, nullptr);
	ASSERT_EQ(push(makePayload(), GST_SECOND, GST_SECOND), GST_FLOW_OK);
	drainOutput(h_); // records being written on helpers (threads) go out
	ASSERT_TRUE(gst_harness_wait_for_clock_id_waits(h_, 2, 5));

	ASSERT_TRUE(gst_harness_crank_single_clock_wait(h_));
	std::vector<Json> first = gpmfMessages();
	ASSERT_EQ(first.size(), 1u);
	EXPECT_DOUBLE_EQ(first[0].number("pts"), 1.0);

	ASSERT_TRUE(gst_harness_crank_single_clock_wait(h_));
	std::vector<Json> second = gpmfMessages();
	ASSERT_EQ(second.size(), 1u);
	EXPECT_DOUBLE_EQ(second[0].number("pts"), 1.5);
}

TEST_F(GpmfParseClockTest, MessagesFollowTheSinkLatency)
{
	ASSERT_TRUE(gst_harness_push_upstream_event(h_, gst_event_new_latency(300 * GST_MSECOND)));
	ASSERT_EQ(push(makePayload(), GST_SECOND, GST_SECOND), GST_FLOW_OK);
	drainOutput(h_);
	EXPECT_EQ(nextWaitTime(), 1300 * GST_MSECOND);
}

TEST_F(GpmfParseClockTest, FlushDropsPendingMessages)
{
	ASSERT_EQ(push(makePayload(), 2 * GST_SECOND, GST_SECOND), GST_FLOW_OK);
	drainOutput(h_); // records being written on helpers (threads) go out
	ASSERT_TRUE(gst_harness_wait_for_clock_id_waits(h_, 2, 5));
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_flush_start()));
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_flush_stop(TRUE)));
	GstTestClock *clock = gst_harness_get_testclock(h_);
	EXPECT_EQ(gst_test_clock_peek_id_count(clock), 0u);
	gst_test_clock_set_time(clock, 10 * GST_SECOND);
	gst_object_unref(clock);
	EXPECT_TRUE(gpmfMessages().empty());
}

TEST_F(GpmfParseClockTest, PausingKeepsMessagesForLater)
{
	ASSERT_EQ(push(makePayload(), 2 * GST_SECOND, GST_SECOND), GST_FLOW_OK);
	drainOutput(h_); // records being written on helpers (threads) go out
	ASSERT_TRUE(gst_harness_wait_for_clock_id_waits(h_, 2, 5));
	ASSERT_EQ(gst_element_set_state(h_->element, GST_STATE_PAUSED), GST_STATE_CHANGE_SUCCESS);
	GstTestClock *clock = gst_harness_get_testclock(h_);
	EXPECT_EQ(gst_test_clock_peek_id_count(clock), 0u);
	gst_object_unref(clock);
	EXPECT_TRUE(gpmfMessages().empty());

	ASSERT_EQ(gst_element_set_state(h_->element, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
	ASSERT_TRUE(gst_harness_wait_for_clock_id_waits(h_, 2, 5));
	ASSERT_TRUE(gst_harness_crank_single_clock_wait(h_));
	EXPECT_EQ(gpmfMessages().size(), 2u);
}

TEST_F(GpmfParseClockTest, MessagesOutsideTheSegmentArePostedAtOnce)
{
	GstSegment segment;
	gst_segment_init(&segment, GST_FORMAT_TIME);
	segment.start = 5 * GST_SECOND;
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_segment(&segment)));
	// Before the segment start: no running time to wait for.
	ASSERT_EQ(push(makePayload(), GST_SECOND, GST_SECOND), GST_FLOW_OK);
	EXPECT_EQ(gpmfMessages().size(), 2u); // (gpmfMessages() drains the output first)
}

/* Type finder. */

class GpmfTypeFindTest : public ::testing::Test
{
protected:
	void SetUp() override { ASSERT_TRUE(GST_TYPE_FIND_REGISTER(gpmf, nullptr)); }

	static std::string find(const std::vector<std::uint8_t> &bytes, GstTypeFindProbability *probability)
	{
		GstCaps *caps =
		    gst_type_find_helper_for_data(nullptr, bytes.data(), bytes.size(), probability);
		if (!caps)
			return {};
		std::string name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
		gst_caps_unref(caps);
		return name;
	}
};

TEST_F(GpmfTypeFindTest, RecognisesGpmfDumps)
{
	GstTypeFindProbability probability = GST_TYPE_FIND_NONE;
	EXPECT_EQ(find(makePayload(), &probability), "application/x-gpmf");
	EXPECT_GE(probability, GST_TYPE_FIND_LIKELY);
	EXPECT_EQ(find(concat({makePayload(), makePayload()}), &probability), "application/x-gpmf");
	EXPECT_EQ(probability, GST_TYPE_FIND_NEARLY_CERTAIN);
}

TEST_F(GpmfTypeFindTest, IgnoresOtherData)
{
	GstTypeFindProbability probability = GST_TYPE_FIND_NONE;
	std::vector<std::uint8_t> text(256, 'a');
	EXPECT_NE(find(text, &probability), "application/x-gpmf");
	// "DEVC" followed by an impossible child.
	std::vector<std::uint8_t> fake{'D', 'E', 'V', 'C', 0, 1, 0, 16, 0x01, 0x02, 0x03, 0x04,
				       'L', 4,	 0,   1,   0, 0, 0, 1,	0,    0,    0,	  0};
	EXPECT_NE(find(fake, &probability), "application/x-gpmf");
}

} // namespace
