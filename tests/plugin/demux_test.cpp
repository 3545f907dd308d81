// SPDX-License-Identifier: GPL-2.0-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfdemux against qtdemux, the oracle: on the real GoPro samples and on MP4s written here
// (moov at the end or first, an edit list, co64), in pull mode (filesrc) and push mode
// (filesrc ! queue, appsrc), what reaches the sink after each demuxer is the same: buffers
// (bytes, PTS, DTS, duration, flags), SEGMENT events, tags (the udta atoms as private-qt-tag
// samples), caps, stream flags, EOS; and after a seek. Then bad input: no gpmd track, cut and
// corrupt files, a source that cannot seek; and gpmfdemux ! gpmfparse giving qtdemux's JSON.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <unistd.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include "gpmf/byte_reader.h"
#include "gpmf/klv_writer.h"
#include "support/mp4_writer.h"

#include "plugin_test_utils.h"
#include "samples.h"

using namespace gpmf::test;
namespace fs = std::filesystem;

namespace
{

using Bytes = std::vector<std::uint8_t>;

std::uint64_t fnv1a(const std::uint8_t *data, std::size_t size)
{
	std::uint64_t h = 0xcbf29ce484222325ull;
	for (std::size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	return h;
}

std::string timeText(GstClockTime t)
{
	return GST_CLOCK_TIME_IS_VALID(t) ? std::to_string(t) : "none";
}

// One line per event or buffer, with everything the two demuxers must agree on (not the
// stream-id, which is random without a URI, nor the group-id).
std::string describeEvent(GstEvent *event)
{
	std::string out = GST_EVENT_TYPE_NAME(event);
	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_STREAM_START: {
		GstStreamFlags flags;
		gst_event_parse_stream_flags(event, &flags);
		out += " flags=" + std::to_string(flags);
		break;
	}
	case GST_EVENT_CAPS: {
		GstCaps *caps;
		gst_event_parse_caps(event, &caps);
		gchar *text = gst_caps_to_string(caps);
		out += std::string(" ") + text;
		g_free(text);
		break;
	}
	case GST_EVENT_SEGMENT: {
		const GstSegment *s;
		gst_event_parse_segment(event, &s);
		out += " flags=" + std::to_string(s->flags) + " rate=" + std::to_string(s->rate) +
		       " applied=" + std::to_string(s->applied_rate) +
		       " format=" + std::to_string(s->format) + " base=" + timeText(s->base) +
		       " offset=" + timeText(s->offset) + " start=" + timeText(s->start) +
		       " stop=" + timeText(s->stop) + " time=" + timeText(s->time) +
		       " position=" + timeText(s->position) + " duration=" + timeText(s->duration);
		break;
	}
	case GST_EVENT_TAG: {
		GstTagList *tags;
		gst_event_parse_tag(event, &tags);
		gchar *text = gst_tag_list_to_string(tags);
		out += gst_tag_list_get_scope(tags) == GST_TAG_SCOPE_GLOBAL ? " global " : " stream ";
		out += text;
		g_free(text);
		break;
	}
	case GST_EVENT_GAP: {
		GstClockTime ts, duration;
		gst_event_parse_gap(event, &ts, &duration);
		out += " " + timeText(ts) + " " + timeText(duration);
		break;
	}
	default:
		break;
	}
	return out;
}

std::string describeBuffer(GstBuffer *buffer)
{
	GstMapInfo map;
	std::uint64_t hash = 0;
	if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
		hash = fnv1a(map.data, map.size);
		gst_buffer_unmap(buffer, &map);
	}
	return "buffer size=" + std::to_string(gst_buffer_get_size(buffer)) +
	       " hash=" + std::to_string(hash) + " pts=" + timeText(GST_BUFFER_PTS(buffer)) +
	       " dts=" + timeText(GST_BUFFER_DTS(buffer)) +
	       " duration=" + timeText(GST_BUFFER_DURATION(buffer)) +
	       " flags=" + std::to_string(GST_BUFFER_FLAGS(buffer)) +
	       " offset=" + std::to_string(GST_BUFFER_OFFSET(buffer));
}

struct Seek {
	GstClockTime position;
	GstClockTime stop = GST_CLOCK_TIME_NONE; ///< NONE: no stop (gst_element_seek_simple())
	GstSeekFlags flags = static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE);
};

struct Played {
	std::vector<std::string> items; ///< what reached the sink, from the last FLUSH_STOP on
	std::string error;		///< the first error message on the bus
	std::vector<std::string> warnings;
	bool eos = false;
	bool prerolled = false;
	std::string streamId;
	gint64 duration = -1;
	bool seekable = false;

	std::size_t buffers() const
	{
		return std::count_if(items.begin(), items.end(),
				     [](const std::string &s) { return s.rfind("buffer", 0) == 0; });
	}
	std::vector<std::string> only(const char *prefix) const
	{
		std::vector<std::string> out;
		for (const std::string &s : items)
			if (s.rfind(prefix, 0) == 0)
				out.push_back(s);
		return out;
	}
};

struct Recorder {
	std::mutex mutex;
	std::vector<std::string> items;
	std::string streamId;

	static GstPadProbeReturn probe(GstPad *, GstPadProbeInfo *info, gpointer data)
	{
		auto *self = static_cast<Recorder *>(data);
		std::lock_guard<std::mutex> lock(self->mutex);
		if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
			self->items.push_back(describeBuffer(GST_PAD_PROBE_INFO_BUFFER(info)));
		} else if (GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info)) {
			if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP)
				self->items.clear(); // what came before a seek depends on thread timing
			if (GST_EVENT_TYPE(event) == GST_EVENT_STREAM_START) {
				const gchar *id = nullptr;
				gst_event_parse_stream_start(event, &id);
				self->streamId = id ? id : "";
			}
			self->items.push_back(describeEvent(event));
		}
		return GST_PAD_PROBE_OK;
	}
};

// Waits for EOS or an error; collects warnings.
bool waitForEnd(GstElement *pipeline, Played &run, GstClockTime timeout = 60 * GST_SECOND)
{
	GstBus *bus = gst_element_get_bus(pipeline);
	bool done = false;
	while (!done) {
		GstMessage *m = gst_bus_timed_pop_filtered(
		    bus, timeout,
		    static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING));
		if (!m)
			break;
		GError *e = nullptr;
		switch (GST_MESSAGE_TYPE(m)) {
		case GST_MESSAGE_EOS:
			run.eos = true;
			done = true;
			break;
		case GST_MESSAGE_ERROR:
			gst_message_parse_error(m, &e, nullptr);
			run.error = e->message;
			done = true;
			break;
		default:
			gst_message_parse_warning(m, &e, nullptr);
			run.warnings.push_back(e->message);
			break;
		}
		if (e)
			g_error_free(e);
		gst_message_unref(m);
	}
	gst_object_unref(bus);
	return done;
}

/// Runs `source ! demux ! capsfilter(gpmd) ! fakesink` to its end and records what reaches the
/// sink. `feed` runs once the pipeline is PLAYING (to push into an appsrc named "src").
Played play(const std::string &source, const std::string &demux, const Seek *seek = nullptr,
	    const std::function<void(GstElement *)> &feed = {})
{
	Played run;
	GError *error = nullptr;
	GstElement *pipeline =
	    gst_parse_launch((source + " ! " + demux +
			      " ! capsfilter caps=meta/x-gst-fourcc-gpmd ! fakesink name=out sync=false")
				 .c_str(),
			     &error);
	if (error) {
		run.error = error->message;
		g_error_free(error);
		if (pipeline)
			gst_object_unref(pipeline);
		return run;
	}
	Recorder recorder;
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	GstPad *pad = gst_element_get_static_pad(sink, "sink");
	gst_pad_add_probe(pad,
			  static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
						       GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
						       GST_PAD_PROBE_TYPE_EVENT_FLUSH),
			  &Recorder::probe, &recorder, nullptr);
	gst_object_unref(pad);
	gst_object_unref(sink);

	if (seek) {
		gst_element_set_state(pipeline, GST_STATE_PAUSED);
		if (feed)
			feed(pipeline);
		run.prerolled = gst_element_get_state(pipeline, nullptr, nullptr, 20 * GST_SECOND) ==
				GST_STATE_CHANGE_SUCCESS;
		gst_element_query_duration(pipeline, GST_FORMAT_TIME, &run.duration);
		GstQuery *query = gst_query_new_seeking(GST_FORMAT_TIME);
		if (gst_element_query(pipeline, query)) {
			gboolean seekable = FALSE;
			gst_query_parse_seeking(query, nullptr, &seekable, nullptr, nullptr);
			run.seekable = seekable;
		}
		gst_query_unref(query);
		const bool seeked =
		    GST_CLOCK_TIME_IS_VALID(seek->stop)
			? gst_element_seek(pipeline, 1.0, GST_FORMAT_TIME, seek->flags, GST_SEEK_TYPE_SET,
					   gint64(seek->position), GST_SEEK_TYPE_SET, gint64(seek->stop))
			: gst_element_seek_simple(pipeline, GST_FORMAT_TIME, seek->flags,
						  gint64(seek->position));
		if (run.prerolled && !seeked)
			run.error = "seek refused";
		gst_element_get_state(pipeline, nullptr, nullptr, 20 * GST_SECOND);
		gst_element_set_state(pipeline, GST_STATE_PLAYING);
	} else {
		gst_element_set_state(pipeline, GST_STATE_PLAYING);
		if (feed)
			feed(pipeline);
	}
	if (run.error.empty() && !waitForEnd(pipeline, run))
		run.error = "timed out";
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(pipeline);
	std::lock_guard<std::mutex> lock(recorder.mutex);
	run.items = recorder.items;
	run.streamId = recorder.streamId;
	return run;
}

std::string fileSource(const fs::path &path, bool queue = false)
{
	return "filesrc location=\"" + path.string() + "\"" + (queue ? " ! queue" : "");
}

/// A source that cannot seek: appsrc in stream mode, fed the file in 4 KiB pieces.
std::function<void(GstElement *)> feedBytes(const Bytes &bytes)
{
	return [&bytes](GstElement *pipeline) {
		GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
		for (std::size_t at = 0; at < bytes.size(); at += 4096) {
			const std::size_t n = std::min<std::size_t>(4096, bytes.size() - at);
			gst_app_src_push_buffer(GST_APP_SRC(src),
						gst_buffer_new_memdup(bytes.data() + at, n));
		}
		gst_app_src_end_of_stream(GST_APP_SRC(src));
		gst_object_unref(src);
	};
}

const char *kAppSource = "appsrc name=src stream-type=stream format=bytes";

/* MP4s written here. */

Bytes writeFile(const fs::path &path, const Bytes &bytes)
{
	std::ofstream(path, std::ios::binary)
	    .write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
	return bytes;
}

gpmf::Mp4Recording recording(int payloads = 6)
{
	gpmf::Mp4Recording rec;
	rec.timescale = 1000;
	for (int i = 0; i < payloads; i++) {
		PayloadSpec spec;
		spec.lat = 46.0 + 0.001 * i;
		rec.samples.push_back(gpmf::Mp4Sample{makePayload(spec), 1001});
	}
	rec.udta.emplace_back(gpmf::FourCC("FIRM"), textBody("HD9.01.01.60.00"));
	rec.udta.emplace_back(gpmf::FourCC("HMMT"), hmmtBody({2500}));
	rec.udta.emplace_back(gpmf::FourCC("\xa9xyz"), textBody("+46.0000+008.2500/"));
	return rec;
}

void storeBe(std::uint8_t *at, std::uint64_t value, int bytes)
{
	for (int i = 0; i < bytes; i++)
		at[i] = std::uint8_t(value >> (8 * (bytes - 1 - i)));
}

struct TopBox {
	std::string type;
	std::size_t offset, size;
};

// The top-level boxes of a file writeMp4 made (32-bit sizes only).
std::vector<TopBox> topBoxes(const Bytes &file)
{
	std::vector<TopBox> boxes;
	for (std::size_t at = 0; at + 8 <= file.size();) {
		const std::size_t size = gpmf::loadBe32(file.data() + at);
		boxes.push_back(
		    {std::string(reinterpret_cast<const char *>(file.data()) + at + 4, 4), at, size});
		if (size < 8)
			break;
		at += size;
	}
	return boxes;
}

std::size_t find(const Bytes &bytes, std::size_t from, std::size_t to, const char *fourcc)
{
	const auto it = std::search(bytes.begin() + long(from), bytes.begin() + long(to), fourcc, fourcc + 4);
	return it == bytes.begin() + long(to) ? std::string::npos : std::size_t(it - bytes.begin());
}

/// The same file with the moov before the mdat (as a camera that streams would write it): the
/// chunk offsets (stco or co64) move by the moov's size.
Bytes moovFirst(const Bytes &file)
{
	const auto boxes = topBoxes(file);
	EXPECT_EQ(boxes.size(), 3u);
	const TopBox &ftyp = boxes[0], &mdat = boxes[1], &moov = boxes[2];
	Bytes moovBytes(file.begin() + long(moov.offset), file.begin() + long(moov.offset + moov.size));
	const bool co64 = find(moovBytes, 0, moovBytes.size(), "co64") != std::string::npos;
	const std::size_t table = find(moovBytes, 0, moovBytes.size(), co64 ? "co64" : "stco");
	EXPECT_NE(table, std::string::npos);
	const std::uint32_t count = gpmf::loadBe32(moovBytes.data() + table + 8);
	for (std::uint32_t i = 0; i < count; i++) {
		std::uint8_t *entry = moovBytes.data() + table + 12 + i * (co64 ? 8 : 4);
		if (co64)
			storeBe(entry, gpmf::loadBe64(entry) + moov.size, 8);
		else
			storeBe(entry, gpmf::loadBe32(entry) + moov.size, 4);
	}
	Bytes out(file.begin() + long(ftyp.offset), file.begin() + long(ftyp.offset + ftyp.size));
	out.insert(out.end(), moovBytes.begin(), moovBytes.end());
	out.insert(out.end(), file.begin() + long(mdat.offset), file.begin() + long(mdat.offset + mdat.size));
	return out;
}

class TempFiles : public ::testing::Test
{
protected:
	fs::path path(const std::string &name)
	{
		const fs::path p =
		    fs::temp_directory_path() / ("gpmfdemux-" + std::to_string(::getpid()) + "-" + name);
		paths_.push_back(p);
		return p;
	}
	void TearDown() override
	{
		for (const fs::path &p : paths_)
			fs::remove(p);
	}

private:
	std::vector<fs::path> paths_;
};

#define REQUIRE_QTDEMUX()                                                                                    \
	do {                                                                                                 \
		if (!haveElement("qtdemux"))                                                                 \
			GTEST_SKIP() << "qtdemux is not installed";                                          \
	} while (0)

void expectSameRun(const Played &actual, const Played &expected)
{
	EXPECT_TRUE(expected.eos) << "qtdemux: " << expected.error;
	EXPECT_TRUE(actual.eos) << actual.error;
	EXPECT_EQ(actual.warnings, expected.warnings);
	EXPECT_EQ(actual.items, expected.items);
}

/* The element. */

TEST(GpmfDemuxElement, DescribesItselfForGstInspect)
{
	GstElementFactory *factory = gst_element_factory_find("gpmfdemux");
	ASSERT_NE(factory, nullptr);
	EXPECT_STREQ(gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_KLASS), "Codec/Demuxer");
	EXPECT_STREQ(gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_LONGNAME),
		     "GoPro telemetry demuxer");
	EXPECT_NE(gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_AUTHOR), nullptr);
	EXPECT_EQ(gst_plugin_feature_get_rank(GST_PLUGIN_FEATURE(factory)), guint(GST_RANK_NONE));
	bool sometimesGpmd = false, quicktime = false;
	GstCaps *gpmd = gst_caps_from_string("meta/x-gst-fourcc-gpmd");
	GstCaps *gopro = gst_caps_from_string("video/quicktime, variant=(string)iso");
	for (const GList *l = gst_element_factory_get_static_pad_templates(factory); l; l = l->next) {
		auto *t = static_cast<GstStaticPadTemplate *>(l->data);
		GstCaps *caps = gst_static_caps_get(&t->static_caps);
		if (t->direction == GST_PAD_SRC)
			sometimesGpmd = t->presence == GST_PAD_SOMETIMES &&
					std::strcmp(t->name_template, "meta_%u") == 0 &&
					gst_caps_is_equal(caps, gpmd);
		else
			quicktime = gst_caps_can_intersect(caps, gopro);
		gst_caps_unref(caps);
	}
	gst_caps_unref(gpmd);
	gst_caps_unref(gopro);
	EXPECT_TRUE(sometimesGpmd);
	EXPECT_TRUE(quicktime) << "GoPro files typefind as video/quicktime, variant=iso";
	gst_object_unref(factory);
}

/* Real GoPro files. */

class GoProSample : public ::testing::TestWithParam<const char *>
{
};

TEST_P(GoProSample, PullModeGivesWhatQtdemuxGives)
{
	REQUIRE_QTDEMUX();
	GPMF_REQUIRE_SAMPLE(file, GetParam());
	const Played expected = play(fileSource(file), "qtdemux");
	const Played actual = play(fileSource(file), "gpmfdemux");
	expectSameRun(actual, expected);
	EXPECT_GE(actual.buffers(), 11u);
	EXPECT_EQ(actual.streamId, expected.streamId) << "the URI's hash and the track ID";
	ASSERT_EQ(actual.only("tag global").size(), 1u);
	EXPECT_NE(actual.only("tag global")[0].find("private-qt-tag"), std::string::npos);
}

TEST_P(GoProSample, PushModeThroughAQueueGivesTheSame)
{
	REQUIRE_QTDEMUX();
	GPMF_REQUIRE_SAMPLE(file, GetParam());
	const Played expected = play(fileSource(file), "qtdemux");
	const Played actual = play(fileSource(file, true), "gpmfdemux");
	expectSameRun(actual, expected);
}

TEST_P(GoProSample, SeekInTheMiddleGivesWhatQtdemuxGives)
{
	REQUIRE_QTDEMUX();
	GPMF_REQUIRE_SAMPLE(file, GetParam());
	const Seek seek{5500 * GST_MSECOND};
	const Played expected = play(fileSource(file), "qtdemux", &seek);
	for (bool queue : {false, true}) {
		SCOPED_TRACE(queue ? "push" : "pull");
		const Played actual = play(fileSource(file, queue), "gpmfdemux", &seek);
		EXPECT_TRUE(actual.prerolled);
		expectSameRun(actual, expected);
		EXPECT_EQ(actual.duration, expected.duration);
		EXPECT_TRUE(actual.seekable);
	}
}

INSTANTIATE_TEST_SUITE_P(Samples, GoProSample,
			 ::testing::Values("karma.mp4", "hero7.mp4", "max-heromode.mp4"),
			 [](const ::testing::TestParamInfo<const char *> &info) {
				 std::string name = info.param;
				 name = name.substr(0, name.find('.'));
				 std::replace(name.begin(), name.end(), '-', '_');
				 return name;
			 });

/* MP4s written here. */

struct Layout {
	const char *name;
	bool moovFirst = false;
	bool co64 = false;
	std::uint32_t editListStart = 0;
	bool quicktime = false; ///< major brand 'qt  ': QuickTime-style private tags
};

void PrintTo(const Layout &layout, std::ostream *os)
{
	*os << layout.name;
}

class WrittenLayout : public TempFiles, public ::testing::WithParamInterface<Layout>
{
protected:
	fs::path write()
	{
		gpmf::Mp4Recording rec = recording();
		rec.use64BitOffsets = GetParam().co64;
		rec.editListStart = GetParam().editListStart;
		Bytes bytes = gpmf::writeMp4(rec);
		if (GetParam().moovFirst)
			bytes = moovFirst(bytes);
		if (GetParam().quicktime)
			std::memcpy(bytes.data() + 8, "qt  ", 4); // ftyp's major brand
		const fs::path p = path(std::string(GetParam().name) + ".mp4");
		bytes_ = writeFile(p, bytes);
		return p;
	}
	Bytes bytes_;
};

TEST_P(WrittenLayout, PullAndPushGiveWhatQtdemuxGives)
{
	REQUIRE_QTDEMUX();
	const fs::path file = write();
	const Played expected = play(fileSource(file), "qtdemux");
	EXPECT_GE(expected.buffers(), 4u);
	expectSameRun(play(fileSource(file), "gpmfdemux"), expected);
	SCOPED_TRACE("push");
	expectSameRun(play(fileSource(file, true), "gpmfdemux"), expected);
}

TEST_P(WrittenLayout, SeekGivesWhatQtdemuxGives)
{
	REQUIRE_QTDEMUX();
	const fs::path file = write();
	const Seek seek{3500 * GST_MSECOND};
	const Played expected = play(fileSource(file), "qtdemux", &seek);
	const Played pull = play(fileSource(file), "gpmfdemux", &seek);
	expectSameRun(pull, expected);
	SCOPED_TRACE("push");
	expectSameRun(play(fileSource(file, true), "gpmfdemux", &seek), expected);
	if (GetParam().editListStart == 0) {
		/* The payload that holds 3.5 s comes first, marked as a discontinuity. */
		const auto buffers = pull.only("buffer");
		ASSERT_EQ(buffers.size(), 3u);
		EXPECT_NE(buffers[0].find(" pts=3003000000 "), std::string::npos) << buffers[0];
		EXPECT_NE(buffers[0].find(" flags=" + std::to_string(GST_BUFFER_FLAG_DISCONT) + " "),
			  std::string::npos);
		EXPECT_NE(pull.only("segment")[0].find(" start=3500000000 "), std::string::npos);
	}
}

TEST_P(WrittenLayout, SeekWithAStopGivesWhatQtdemuxGives)
{
	REQUIRE_QTDEMUX();
	const fs::path file = write();
	const Seek seek{1200 * GST_MSECOND, 3100 * GST_MSECOND};
	const Played expected = play(fileSource(file), "qtdemux", &seek);
	expectSameRun(play(fileSource(file), "gpmfdemux", &seek), expected);
	SCOPED_TRACE("push");
	expectSameRun(play(fileSource(file, true), "gpmfdemux", &seek), expected);
}

TEST_P(WrittenLayout, SourceThatCannotSeekWorksOnlyWithTheMoovFirst)
{
	REQUIRE_QTDEMUX();
	const fs::path file = write();
	const Played run = play(kAppSource, "gpmfdemux", nullptr, feedBytes(bytes_));
	if (GetParam().moovFirst) {
		/* The samples are cut out of the stream as it passes. */
		expectSameRun(run, play(fileSource(file), "qtdemux"));
	} else {
		EXPECT_FALSE(run.eos);
		EXPECT_EQ(run.error,
			  "The moov index is at the end of the file and upstream cannot seek: use a seekable "
			  "source such as filesrc, or qtdemux");
	}
}

INSTANTIATE_TEST_SUITE_P(Mp4, WrittenLayout,
			 ::testing::Values(Layout{"moov_last"}, Layout{"moov_first", true},
					   Layout{"co64_edit_list", false, true, 1500},
					   Layout{"moov_first_co64", true, true, 0},
					   Layout{"quicktime_brand", false, false, 0, true}),
			 [](const ::testing::TestParamInfo<Layout> &info) {
				 return std::string(info.param.name);
			 });

TEST(GpmfDemuxPreview, PlaysATrackQtdemuxSkipsAsAPreview)
{
	/* A movie ten times longer than its telemetry: qtdemux drops the track ("shorter than
	 * 20%"), gpmfdemux plays it. */
	Bytes bytes = gpmf::writeMp4(recording());
	const std::size_t mvhd = find(bytes, topBoxes(bytes)[2].offset, bytes.size(), "mvhd");
	ASSERT_NE(mvhd, std::string::npos);
	storeBe(bytes.data() + mvhd + 20, 60060, 4); // version 0 duration, timescale 1000
	const fs::path file =
	    fs::temp_directory_path() / ("gpmfdemux-" + std::to_string(::getpid()) + "-preview.mp4");
	writeFile(file, bytes);
	const Played run = play(fileSource(file), "gpmfdemux");
	fs::remove(file);
	EXPECT_TRUE(run.eos) << run.error;
	EXPECT_EQ(run.buffers(), 6u);
	ASSERT_FALSE(run.only("segment").empty());
	EXPECT_NE(run.only("segment")[0].find(" stop=6006000000 "), std::string::npos)
	    << run.only("segment")[0];
}

TEST(GpmfDemuxEdits, AnEmptyEditIsTheSegmentAndGapQtdemuxGives)
{
	REQUIRE_QTDEMUX();
	/* The edit list's one entry made empty (media time -1): 4.5 s of nothing, no samples. */
	gpmf::Mp4Recording rec = recording();
	rec.editListStart = 1500;
	Bytes bytes = gpmf::writeMp4(rec);
	const std::size_t elst = find(bytes, topBoxes(bytes)[2].offset, bytes.size(), "elst");
	ASSERT_NE(elst, std::string::npos);
	storeBe(bytes.data() + elst + 16, 0xffffffff, 4); // version 0: the first entry's media time
	const fs::path file =
	    fs::temp_directory_path() / ("gpmfdemux-" + std::to_string(::getpid()) + "-empty.mp4");
	writeFile(file, bytes);
	const Played expected = play(fileSource(file), "qtdemux");
	const Played pull = play(fileSource(file), "gpmfdemux");
	const Played push = play(fileSource(file, true), "gpmfdemux");
	fs::remove(file);
	expectSameRun(pull, expected);
	expectSameRun(push, expected);
	EXPECT_EQ(pull.buffers(), 0u);
	EXPECT_EQ(pull.only("gap").size(), 1u);
}

/* Bad input. */

class BadInput : public TempFiles
{
};

TEST_F(BadInput, NoTelemetryTrackIsAnErrorInBothModes)
{
	Bytes bytes = gpmf::writeMp4(recording());
	const auto boxes = topBoxes(bytes);
	/* Another kind of metadata: the sample entry (and gmhd's 'gpmd' box) renamed. */
	for (std::size_t at = boxes[2].offset;
	     (at = find(bytes, at, bytes.size(), "gpmd")) != std::string::npos;)
		std::memcpy(bytes.data() + at, "XYZW", 4);
	const fs::path file = path("no-gpmd.mp4");
	writeFile(file, bytes);
	for (bool queue : {false, true}) {
		const Played run = play(fileSource(file, queue), "gpmfdemux");
		EXPECT_FALSE(run.eos);
		EXPECT_EQ(run.error, "no GoPro telemetry (gpmd) track in this file")
		    << (queue ? "push" : "pull");
	}
}

TEST_F(BadInput, FileCutBeforeTheMoovIsAnError)
{
	const Bytes bytes = gpmf::writeMp4(recording());
	const fs::path file = path("cut.mp4");
	writeFile(file, Bytes(bytes.begin(), bytes.begin() + long(bytes.size() / 2)));
	for (const std::string &source : {fileSource(file), fileSource(file, true)}) {
		const Played run = play(source, "gpmfdemux");
		EXPECT_FALSE(run.eos);
		EXPECT_EQ(run.error.rfind("No moov index in this file", 0), 0u)
		    << source << ": " << run.error;
	}
	const Played streamed = play(kAppSource, "gpmfdemux", nullptr, feedBytes(readFile(file)));
	EXPECT_EQ(streamed.error.rfind("No moov index in this file", 0), 0u) << streamed.error;
}

TEST_F(BadInput, FileCutInsideTheMoovIsAnError)
{
	const Bytes bytes = gpmf::writeMp4(recording());
	const fs::path file = path("cut-moov.mp4");
	writeFile(file, Bytes(bytes.begin(), bytes.end() - 40));
	for (bool queue : {false, true}) {
		const Played run = play(fileSource(file, queue), "gpmfdemux");
		EXPECT_FALSE(run.eos);
		EXPECT_FALSE(run.error.empty());
		EXPECT_NE(run.error, "timed out");
	}
}

TEST_F(BadInput, SamplesPastTheEndAreAWarningAndTheRestPlays)
{
	/* moov first, then the mdat cut after three samples: the sample table is whole. */
	const Bytes whole = moovFirst(gpmf::writeMp4(recording()));
	const auto boxes = topBoxes(whole);
	const std::size_t mdatBody = boxes[2].offset + 8;
	const std::size_t payload = makePayload(PayloadSpec{}).size();
	const fs::path file = path("cut-mdat.mp4");
	writeFile(file, Bytes(whole.begin(), whole.begin() + long(mdatBody + 3 * payload + payload / 2)));
	for (bool queue : {false, true}) {
		SCOPED_TRACE(queue ? "push" : "pull");
		const Played run = play(fileSource(file, queue), "gpmfdemux");
		EXPECT_TRUE(run.eos) << run.error;
		EXPECT_EQ(run.buffers(), 3u);
		EXPECT_FALSE(run.warnings.empty());
	}
	const Played streamed = play(kAppSource, "gpmfdemux", nullptr, feedBytes(readFile(file)));
	EXPECT_TRUE(streamed.eos) << streamed.error;
	EXPECT_EQ(streamed.buffers(), 3u);
	ASSERT_EQ(streamed.warnings.size(), 1u);
	EXPECT_EQ(streamed.warnings[0].rfind("The file ends before telemetry sample 3 of 6", 0), 0u)
	    << streamed.warnings[0];
}

TEST_F(BadInput, ASampleTooLargeToBeTelemetryIsSkippedWithAWarningAndAGap)
{
	/* Sample 1 claims 80 MiB in stsz. From a stream of unknown size the index cannot tell it
	 * runs past the end, so only the 64 MiB bound stops the element from reading it. */
	Bytes bytes = moovFirst(gpmf::writeMp4(recording()));
	const std::size_t stsz = find(bytes, 0, bytes.size(), "stsz");
	ASSERT_NE(stsz, std::string::npos);
	storeBe(bytes.data() + stsz + 16 + 4 * 1, std::uint64_t(80) << 20, 4);
	const Played run = play(kAppSource, "gpmfdemux", nullptr, feedBytes(bytes));
	EXPECT_TRUE(run.eos) << run.error;
	EXPECT_EQ(run.buffers(), 5u);
	EXPECT_EQ(run.only("gap").size(), 1u);
	ASSERT_EQ(run.warnings.size(), 1u);
	EXPECT_EQ(run.warnings[0], "Telemetry sample 1 skipped: its size in the sample table is too large to be telemetry");
}

TEST_F(BadInput, EveryByteFlipOfTheMoovEndsWithEosOrAnError)
{
	const Bytes bytes = gpmf::writeMp4(recording(2));
	const auto boxes = topBoxes(bytes);
	const fs::path file = path("flipped.mp4");
	/* Every 7th byte of the moov, the header included, in both modes: no crash, no hang. */
	for (std::size_t at = boxes[2].offset; at < bytes.size(); at += 7) {
		Bytes flipped = bytes;
		flipped[at] ^= 0xff;
		writeFile(file, flipped);
		for (bool queue : {false, true}) {
			const Played run = play(fileSource(file, queue), "gpmfdemux");
			EXPECT_TRUE(run.eos || (!run.error.empty() && run.error != "timed out"))
			    << "byte " << at << (queue ? " push: " : " pull: ") << run.error;
		}
	}
}

/* States and threads. */

class GpmfDemuxStates : public TempFiles
{
};

TEST_F(GpmfDemuxStates, StopsAtAnyTimeWithoutDeadlock)
{
	const fs::path file = path("stop.mp4");
	writeFile(file, gpmf::writeMp4(recording()));
	for (bool queue : {false, true}) {
		for (int buffers = 0; buffers < 4; buffers++) {
			/* sync=true: playing takes 6 s, so the stop comes while buffers are on their way. */
			GstElement *pipeline = gst_parse_launch(
			    (fileSource(file, queue) + " ! gpmfdemux ! fakesink name=out sync=true").c_str(),
			    nullptr);
			ASSERT_NE(pipeline, nullptr);
			struct Count {
				std::mutex mutex;
				int seen = 0;
			} count;
			GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
			GstPad *pad = gst_element_get_static_pad(sink, "sink");
			gst_pad_add_probe(
			    pad, GST_PAD_PROBE_TYPE_BUFFER,
			    [](GstPad *, GstPadProbeInfo *, gpointer data) {
				    auto *c = static_cast<Count *>(data);
				    std::lock_guard<std::mutex> lock(c->mutex);
				    c->seen++;
				    return GST_PAD_PROBE_OK;
			    },
			    &count, nullptr);
			gst_object_unref(pad);
			gst_object_unref(sink);
			gst_element_set_state(pipeline, GST_STATE_PLAYING);
			for (int i = 0; i < 200; i++) {
				{
					std::lock_guard<std::mutex> lock(count.mutex);
					if (count.seen >= buffers)
						break;
				}
				g_usleep(10000);
			}
			EXPECT_EQ(gst_element_set_state(pipeline, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
			gst_object_unref(pipeline);
		}
	}
}

/* With gpmfparse: the JSON of the qtdemux pipeline. */

std::string ndjson(const std::string &source, const std::string &demux)
{
	GstElement *pipeline = gst_parse_launch(
	    (source + " ! " + demux + " ! gpmfparse ! appsink name=out sync=false").c_str(), nullptr);
	if (!pipeline)
		return "no pipeline";
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	std::string text;
	while (GstSample *sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND)) {
		text += bufferText(gst_sample_get_buffer(sample));
		gst_sample_unref(sample);
	}
	if (!gst_app_sink_is_eos(GST_APP_SINK(sink)))
		text += "(no EOS)";
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
	return text;
}

TEST_P(GoProSample, GpmfparseWritesTheSameJsonAsWithQtdemux)
{
	REQUIRE_QTDEMUX();
	GPMF_REQUIRE_SAMPLE(file, GetParam());
	const std::string expected = ndjson(fileSource(file), "qtdemux");
	EXPECT_EQ(std::count(expected.begin(), expected.end(), '\n'),
		  std::ptrdiff_t(11 + 2 + (std::string(GetParam()) == "karma.mp4" ? 2 : 0)));
	EXPECT_EQ(ndjson(fileSource(file), "gpmfdemux"), expected);
	EXPECT_EQ(ndjson(fileSource(file, true), "gpmfdemux"), expected);
}

} // namespace
