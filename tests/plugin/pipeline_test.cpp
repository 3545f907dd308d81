// SPDX-License-Identifier: GPL-2.0-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse in real pipelines with the installed qtdemux: real GoPro files (skipped when the
// samples are absent), MP4s written here with gpmf::writeMp4, raw dumps, seeks, and a pipeline
// that decodes the video with both sinks synchronised to the clock.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include "gpmf/decoder.h"
#include "support/mp4_writer.h"
#include "gpmf/records.h"
#include "gpmf/track_splitter.h"

#include "plugin_test_utils.h"
#include "samples.h"

using namespace gpmf::test;

namespace
{

struct Output {
	std::string text;
	GstClockTime pts, duration;
	bool discont;
};

struct Input {
	std::vector<std::uint8_t> bytes;
	GstClockTime pts, duration;
};

// A parsed pipeline with an appsink named "out" after gpmfparse (named "p"), run to EOS.
class PipelineRun
{
public:
	explicit PipelineRun(const std::string &description)
	{
		GError *error = nullptr;
		pipeline_ = gst_parse_launch(description.c_str(), &error);
		if (error) {
			error_ = error->message;
			g_error_free(error);
		}
		if (!pipeline_)
			return;
		GstElement *parser = gst_bin_get_by_name(GST_BIN(pipeline_), "p");
		if (parser) {
			GstPad *sink = gst_element_get_static_pad(parser, "sink");
			gst_pad_add_probe(sink, GST_PAD_PROBE_TYPE_BUFFER, &PipelineRun::capture, this,
					  nullptr);
			gst_object_unref(sink);
			gst_object_unref(parser);
		}
		appsink_ = gst_bin_get_by_name(GST_BIN(pipeline_), "out");
	}

	~PipelineRun()
	{
		if (pipeline_) {
			gst_element_set_state(pipeline_, GST_STATE_NULL);
			gst_object_unref(pipeline_);
		}
		if (appsink_)
			gst_object_unref(appsink_);
		for (GstMessage *m : messages_)
			gst_message_unref(m);
	}

	const std::string &error() const { return error_; }
	GstElement *pipeline() const { return pipeline_; }

	// Plays until EOS (or an error, or the time limit); true on EOS.
	bool play(std::chrono::seconds limit = std::chrono::seconds(60))
	{
		if (!pipeline_ || !appsink_)
			return false;
		if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
			return false;
		return drain(limit);
	}

	// Pulls output until EOS; false on an error or time out.
	bool drain(std::chrono::seconds limit = std::chrono::seconds(60))
	{
		const auto end = std::chrono::steady_clock::now() + limit;
		GstBus *bus = gst_element_get_bus(pipeline_);
		bool eos = false;
		while (std::chrono::steady_clock::now() < end) {
			GstSample *sample =
			    gst_app_sink_try_pull_sample(GST_APP_SINK(appsink_), 100 * GST_MSECOND);
			if (sample) {
				GstBuffer *b = gst_sample_get_buffer(sample);
				outputs_.push_back(
				    Output{bufferText(b), GST_BUFFER_PTS(b), GST_BUFFER_DURATION(b),
					   GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DISCONT)});
				gst_sample_unref(sample);
			}
			if (!collect(bus)) {
				gst_object_unref(bus);
				return false;
			}
			if (!sample && gst_app_sink_is_eos(GST_APP_SINK(appsink_))) {
				eos = true;
				break;
			}
		}
		gst_object_unref(bus);
		return eos;
	}

	// Keeps every message; false once an error was posted.
	bool collect(GstBus *bus)
	{
		while (GstMessage *m = gst_bus_pop(bus)) {
			if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
				GError *e = nullptr;
				gchar *debug = nullptr;
				gst_message_parse_error(m, &e, &debug);
				error_ = std::string(e->message) + " (" + (debug ? debug : "") + ")";
				g_error_free(e);
				g_free(debug);
			}
			messages_.push_back(m);
		}
		return error_.empty();
	}

	std::vector<Output> take() { return std::exchange(outputs_, {}); }
	std::vector<Input> inputs()
	{
		std::lock_guard<std::mutex> lock(mutex_);
		return inputs_;
	}
	std::vector<GstMessage *> messages(GstMessageType type) const
	{
		std::vector<GstMessage *> out;
		for (GstMessage *m : messages_) {
			if (GST_MESSAGE_TYPE(m) == type)
				out.push_back(m);
		}
		return out;
	}

private:
	static GstPadProbeReturn capture(GstPad *, GstPadProbeInfo *info, gpointer data)
	{
		auto *self = static_cast<PipelineRun *>(data);
		GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
		GstMapInfo map;
		if (gst_buffer_map(b, &map, GST_MAP_READ)) {
			std::lock_guard<std::mutex> lock(self->mutex_);
			self->inputs_.push_back(
			    Input{std::vector<std::uint8_t>(map.data, map.data + map.size), GST_BUFFER_PTS(b),
				  GST_BUFFER_DURATION(b)});
			gst_buffer_unmap(b, &map);
		}
		return GST_PAD_PROBE_OK;
	}

	GstElement *pipeline_ = nullptr;
	GstElement *appsink_ = nullptr;
	std::string error_;
	std::vector<Output> outputs_;
	std::vector<GstMessage *> messages_;
	std::mutex mutex_;
	std::vector<Input> inputs_;
};

#define REQUIRE_ELEMENT(name)                                                                                \
	do {                                                                                                 \
		if (!haveElement(name))                                                                      \
			GTEST_SKIP() << name << " is not installed";                                         \
	} while (0)

std::vector<Json> parseAll(const std::vector<Output> &outputs)
{
	std::vector<Json> out;
	for (const Output &o : outputs)
		out.emplace_back(o.text);
	return out;
}

// The core's records for the same payloads, decoded in the same order with the same times.
std::vector<std::string> coreRecords(const std::vector<Input> &inputs)
{
	gpmf::Decoder decoder;
	std::vector<std::string> out;
	for (const Input &in : inputs) {
		const gpmf::Payload payload = decoder.decode(in.bytes, seconds(in.pts), seconds(in.duration));
		std::string text;
		gpmf::writePayloadRecord(text, payload);
		out.push_back(std::move(text));
	}
	return out;
}

std::string launchPath(const std::filesystem::path &path)
{
	// Quoted for gst_parse_launch, in case the samples live under a path with spaces.
	return "\"" + path.string() + "\"";
}

/* Real GoPro files. */

struct SampleFile {
	const char *name;
	const char *firmware; ///< udta FIRM (SOURCES.md)
	std::size_t payloads; ///< gpmd samples qtdemux outputs (SOURCES.md)
};

void PrintTo(const SampleFile &file, std::ostream *os)
{
	*os << file.name;
}

class SampleFileTest : public ::testing::TestWithParam<SampleFile>
{
protected:
	void SetUp() override { REQUIRE_ELEMENT("qtdemux"); }
};

TEST_P(SampleFileTest, RecordsMatchCoreDecodeOfQtdemuxBuffers)
{
	const SampleFile &sample = GetParam();
	GPMF_REQUIRE_SAMPLE(path, sample.name);
	PipelineRun run("filesrc location=" + launchPath(path) +
			" ! qtdemux ! gpmfparse name=p ! appsink name=out sync=false");
	ASSERT_TRUE(run.play()) << run.error();

	const std::vector<Input> inputs = run.inputs();
	const std::vector<Output> outputs = run.take();
	ASSERT_EQ(inputs.size(), sample.payloads);
	ASSERT_EQ(outputs.size(), sample.payloads + 2) << "header, payloads, summary";
	const std::vector<Json> records = parseAll(outputs);

	EXPECT_EQ(records.front().string("type"), "header");
	EXPECT_EQ(records.front().string("firmware"), sample.firmware);
	EXPECT_EQ(records.back().string("type"), "summary");
	EXPECT_DOUBLE_EQ(records.back().number("payloads"), double(sample.payloads));

	const std::vector<std::string> expected = coreRecords(inputs);
	for (std::size_t i = 0; i < inputs.size(); i++) {
		const Output &out = outputs[i + 1];
		const Json &record = records[i + 1];
		SCOPED_TRACE("payload " + std::to_string(i));
		// qtdemux's buffer times, on the buffer and in the JSON.
		EXPECT_EQ(out.pts, inputs[i].pts);
		EXPECT_EQ(out.duration, inputs[i].duration);
		EXPECT_NEAR(record.number("pts"), seconds(inputs[i].pts), 1e-9);
		EXPECT_NEAR(record.number("duration"), seconds(inputs[i].duration), 1e-9);
		EXPECT_TRUE(record == Json(expected[i])) << "differs from gpmf::Decoder";
		// Every sample inside the payload it came in, less its stream's TIMO (hero7's FACE
		// says it is 1.098 s late).
		EXPECT_FALSE(sampleTimes(record).empty());
		const double begin = seconds(inputs[i].pts),
			     end = seconds(inputs[i].pts + inputs[i].duration);
		std::string outside;
		for (const StreamRef &ref : streamsOf(record)) {
			const double timo = json_object_has_member(ref.stream, "TIMO")
						? json_object_get_double_member(ref.stream, "TIMO")
						: 0.0;
			JsonArray *samples = samplesOf(ref);
			std::size_t n = 0;
			double first = 0;
			for (guint k = 0; k < json_array_get_length(samples); k++) {
				const double t = json_object_get_double_member(
				    json_array_get_object_element(samples, k), "t");
				if (t + timo < begin - 1e-9 || t + timo >= end) {
					if (n++ == 0)
						first = t;
				}
			}
			if (n)
				outside += fourccOf(ref) + ": " + std::to_string(n) + " samples, first at " +
					   std::to_string(first) + "; ";
		}
		EXPECT_TRUE(outside.empty()) << "outside [" << begin << ", " << end << "): " << outside;
	}
}

TEST_P(SampleFileTest, GstLaunchLineWritesNdjson)
{
	const SampleFile &sample = GetParam();
	GPMF_REQUIRE_SAMPLE(path, sample.name);
	const auto out = std::filesystem::temp_directory_path() /
			 ("gpmfparse-" + std::to_string(::getpid()) + "-" + sample.name + ".json");
	// Exactly the line of the README: gst-launch links qtdemux's gpmd pad by caps.
	GError *error = nullptr;
	GstElement *pipeline =
	    gst_parse_launch(("filesrc location=" + launchPath(path) +
			      " ! qtdemux ! gpmfparse ! filesink location=" + launchPath(out))
				 .c_str(),
			     &error);
	ASSERT_EQ(error, nullptr) << error->message;
	ASSERT_NE(gst_element_set_state(pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
	GstBus *bus = gst_element_get_bus(pipeline);
	GstMessage *m = gst_bus_timed_pop_filtered(
	    bus, 60 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
	ASSERT_NE(m, nullptr);
	EXPECT_EQ(GST_MESSAGE_TYPE(m), GST_MESSAGE_EOS);
	gst_message_unref(m);
	gst_object_unref(bus);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(pipeline);

	std::ifstream in(out);
	std::vector<std::string> types;
	for (std::string line; std::getline(in, line);) {
		Json record(line);
		ASSERT_TRUE(record.ok()) << record.error();
		types.push_back(record.string("type"));
	}
	std::filesystem::remove(out);
	ASSERT_EQ(types.size(), sample.payloads + 2);
	EXPECT_EQ(types.front(), "header");
	EXPECT_EQ(std::count(types.begin(), types.end(), "payload"), std::ptrdiff_t(sample.payloads));
	EXPECT_EQ(types.back(), "summary");
}

TEST_P(SampleFileTest, PlaysWithTheVideoInSyncToEos)
{
	const SampleFile &sample = GetParam();
	GPMF_REQUIRE_SAMPLE(path, sample.name);
	REQUIRE_ELEMENT("decodebin");
	if (!haveElement("avdec_h264") && !haveElement("openh264dec"))
		GTEST_SKIP() << "no H.264 decoder installed";

	PipelineRun run(
	    "filesrc location=" + launchPath(path) +
	    " ! qtdemux name=d"
	    " d. ! video/x-h264 ! queue ! decodebin ! fakesink sync=true"
	    " d. ! meta/x-gst-fourcc-gpmd ! queue ! gpmfparse name=p post-messages=true message-timing=clock"
	    " interval=100000000 ! appsink name=out sync=true");
	ASSERT_NE(run.pipeline(), nullptr) << run.error();

	// Checks each message when it is posted: never before the clock reaches its running time.
	struct Check {
		std::mutex mutex;
		std::size_t messages = 0;
		std::size_t early = 0;
	} check;
	GstBus *bus = gst_element_get_bus(run.pipeline());
	gst_bus_set_sync_handler(
	    bus,
	    [](GstBus *, GstMessage *m, gpointer data) -> GstBusSyncReply {
		    const GstStructure *s = gst_message_get_structure(m);
		    if (GST_MESSAGE_TYPE(m) != GST_MESSAGE_ELEMENT || !gst_structure_has_name(s, "gpmf"))
			    return GST_BUS_PASS;
		    auto *c = static_cast<Check *>(data);
		    GstElement *element = GST_ELEMENT(GST_MESSAGE_SRC(m));
		    GstClock *clock = gst_element_get_clock(element);
		    GstClockTime runningTime = GST_CLOCK_TIME_NONE;
		    gst_structure_get_clock_time(s, "running-time", &runningTime);
		    std::lock_guard<std::mutex> lock(c->mutex);
		    c->messages++;
		    if (clock && GST_CLOCK_TIME_IS_VALID(runningTime)) {
			    const GstClockTime now =
				gst_clock_get_time(clock) - gst_element_get_base_time(element);
			    if (now + 2 * GST_MSECOND < runningTime)
				    c->early++;
		    }
		    if (clock)
			    gst_object_unref(clock);
		    return GST_BUS_PASS;
	    },
	    &check, nullptr);
	gst_object_unref(bus);

	const auto started = std::chrono::steady_clock::now();
	ASSERT_TRUE(run.play(std::chrono::seconds(30))) << run.error();
	const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

	const std::vector<Output> outputs = run.take();
	ASSERT_GT(outputs.size(), sample.payloads * 5) << "100 ms records";
	// Played in real time: about as long as the clip (~10-12 s).
	EXPECT_GT(took, 0.8 * seconds(outputs.back().pts));
	// Records past the video's end (the gpmd track outlasts it) are due after EOS: the
	// pipeline still plays, so give the clock the rest of the last payload.
	for (int i = 0; i < 30; i++) {
		{
			std::lock_guard<std::mutex> lock(check.mutex);
			if (check.messages >= outputs.size())
				break;
		}
		g_usleep(100000);
	}
	std::lock_guard<std::mutex> lock(check.mutex);
	EXPECT_GE(check.messages, outputs.size());
	EXPECT_EQ(check.early, 0u);
}

INSTANTIATE_TEST_SUITE_P(GoPro, SampleFileTest,
			 ::testing::Values(SampleFile{"karma.mp4", "HD5.02.02.00.00", 13},
					   SampleFile{"hero7.mp4", "HD7.01.01.70.00", 11},
					   SampleFile{"max-heromode.mp4", "H19.03.01.30.00", 11}),
			 [](const ::testing::TestParamInfo<SampleFile> &info) {
				 std::string name = info.param.name;
				 name = name.substr(0, name.find('.'));
				 std::replace(name.begin(), name.end(), '-', '_');
				 return name;
			 });

/* MP4 files written by the test: run wherever qtdemux is installed. */

class WrittenMp4Test : public ::testing::Test
{
protected:
	void SetUp() override
	{
		REQUIRE_ELEMENT("qtdemux");
		gpmf::Mp4Recording recording;
		recording.timescale = 1000;
		for (int i = 0; i < 6; i++) {
			PayloadSpec spec;
			spec.gps = 18;
			spec.lat = 46.0 + 0.001 * i;
			recording.samples.push_back(gpmf::Mp4Sample{makePayload(spec), 1001});
		}
		recording.udta.emplace_back(gpmf::FourCC("FIRM"), textBody("HD9.01.01.60.00"));
		recording.udta.emplace_back(gpmf::FourCC("HMMT"), hmmtBody({2500}));
		const std::vector<std::uint8_t> bytes = gpmf::writeMp4(recording);
		path_ = std::filesystem::temp_directory_path() /
			("gpmfparse-" + std::to_string(::getpid()) + ".mp4");
		std::ofstream(path_, std::ios::binary)
		    .write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
	}
	void TearDown() override
	{
		if (!path_.empty())
			std::filesystem::remove(path_);
	}

	/// `before`: what goes between qtdemux and gpmfparse; `settings`: gpmfparse's properties.
	void seekToThreeAndAHalfSeconds(const char *before, const char *settings);

	std::filesystem::path path_;
};

TEST_F(WrittenMp4Test, UdtaAtomsReachTheHeaderAndToc)
{
	PipelineRun run("filesrc location=" + launchPath(path_) +
			" ! qtdemux ! gpmfparse name=p ! appsink name=out sync=false");
	ASSERT_TRUE(run.play()) << run.error();
	const std::vector<Output> outputs = run.take();
	ASSERT_EQ(outputs.size(), 8u);
	Json header(outputs[0].text);
	EXPECT_EQ(header.string("firmware"), "HD9.01.01.60.00");
	JsonArray *hilights = json_object_get_array_member(header.object(), "hilights");
	ASSERT_EQ(json_array_get_length(hilights), 1u);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(json_array_get_object_element(hilights, 0), "t"), 2.5);

	// Sinks post the TOC event they receive too: keep gpmfparse's own message.
	std::vector<GstMessage *> toc;
	for (GstMessage *m : run.messages(GST_MESSAGE_TOC)) {
		if (std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(m))) == "p")
			toc.push_back(m);
	}
	ASSERT_EQ(toc.size(), 1u);
	GstToc *parsed;
	gst_message_parse_toc(toc[0], &parsed, nullptr);
	GList *entries = gst_toc_get_entries(parsed);
	ASSERT_EQ(g_list_length(entries), 1u);
	gint64 start, stop;
	ASSERT_TRUE(
	    gst_toc_entry_get_start_stop_times(static_cast<GstTocEntry *>(entries->data), &start, &stop));
	EXPECT_EQ(start, gint64(2500 * GST_MSECOND));
	gst_toc_unref(parsed);

	const std::vector<Input> inputs = run.inputs();
	ASSERT_EQ(inputs.size(), 6u);
	const std::vector<std::string> expected = coreRecords(inputs);
	for (std::size_t i = 0; i < 6; i++) {
		EXPECT_EQ(outputs[i + 1].pts, i * 1001 * GST_MSECOND);
		EXPECT_TRUE(Json(outputs[i + 1].text) == Json(expected[i]));
	}
}

TEST_F(WrittenMp4Test, LrvAnd360NamesWorkTheSame)
{
	// .LRV (low-resolution proxy) and MAX .360 files are MP4s under another name: qtdemux
	// finds them by content.
	for (const char *extension : {".LRV", ".360"}) {
		std::filesystem::path renamed = path_;
		renamed.replace_extension(extension);
		std::filesystem::copy_file(path_, renamed, std::filesystem::copy_options::overwrite_existing);
		PipelineRun run("filesrc location=" + launchPath(renamed) +
				" ! qtdemux ! gpmfparse name=p ! appsink name=out sync=false");
		const bool eos = run.play();
		std::filesystem::remove(renamed);
		ASSERT_TRUE(eos) << extension << ": " << run.error();
		const std::vector<Output> outputs = run.take();
		ASSERT_EQ(outputs.size(), 8u) << extension;
		EXPECT_EQ(Json(outputs.front().text).string("firmware"), "HD9.01.01.60.00");
	}
}

// As the element comes, with record writer threads (whose pending records the flush drops), and
// behind a queue (the streaming thread of the queue decodes).
TEST_F(WrittenMp4Test, SeekRestartsAtTheTargetWithDiscont)
{
	const std::pair<const char *, const char *> variants[] = {
	    {"", ""}, {"", " threads=2"}, {" ! queue", " threads=2"}};
	for (const auto &[before, settings] : variants) {
		SCOPED_TRACE(std::string("qtdemux") + before + " ! gpmfparse" + settings);
		seekToThreeAndAHalfSeconds(before, settings);
	}
}

void WrittenMp4Test::seekToThreeAndAHalfSeconds(const char *before, const char *settings)
{
	PipelineRun run("filesrc location=" + launchPath(path_) + " ! qtdemux" + before + " ! gpmfparse name=p" + settings +
			" ! appsink name=out sync=false");
	ASSERT_NE(run.pipeline(), nullptr) << run.error();
	ASSERT_NE(gst_element_set_state(run.pipeline(), GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
	ASSERT_EQ(gst_element_get_state(run.pipeline(), nullptr, nullptr, 10 * GST_SECOND),
		  GST_STATE_CHANGE_SUCCESS);
	ASSERT_TRUE(gst_element_seek_simple(
	    run.pipeline(), GST_FORMAT_TIME,
	    static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE), 3500 * GST_MSECOND));
	ASSERT_EQ(gst_element_get_state(run.pipeline(), nullptr, nullptr, 10 * GST_SECOND),
		  GST_STATE_CHANGE_SUCCESS);
	run.take(); // whatever prerolled before the seek
	ASSERT_TRUE(run.play()) << run.error();

	std::vector<Output> outputs = run.take();
	std::vector<Output> payloads;
	for (const Output &o : outputs) {
		if (Json(o.text).string("type") == "payload")
			payloads.push_back(o);
	}
	ASSERT_FALSE(payloads.empty());
	// The payload covering 3.5 s comes first, marked as a discontinuity.
	EXPECT_EQ(payloads.front().pts, 3003 * GST_MSECOND);
	EXPECT_TRUE(payloads.front().discont);
	EXPECT_EQ(payloads.back().pts, 5005 * GST_MSECOND);
	Json summary(outputs.back().text);
	EXPECT_EQ(summary.string("type"), "summary");
	EXPECT_DOUBLE_EQ(summary.number("payloads"), double(payloads.size()));
}

TEST_F(WrittenMp4Test, ClockTimedMessagesFollowPlayback)
{
	PipelineRun run("filesrc location=" + launchPath(path_) +
			" ! qtdemux ! gpmfparse name=p post-messages=true message-timing=clock ! appsink "
			"name=out sync=true");
	const auto started = std::chrono::steady_clock::now();
	ASSERT_TRUE(run.play()) << run.error();
	const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
	EXPECT_GT(took, 4.5) << "six payloads play for about 6 s";

	// The last records are due when the sink reaches EOS too: give the clock a moment.
	auto count = [&run]() {
		std::size_t payloads = 0;
		for (GstMessage *m : run.messages(GST_MESSAGE_ELEMENT)) {
			const GstStructure *s = gst_message_get_structure(m);
			if (gst_structure_has_name(s, "gpmf") &&
			    std::string(gst_structure_get_string(s, "record-type")) == "payload")
				payloads++;
		}
		return payloads;
	};
	GstBus *bus = gst_element_get_bus(run.pipeline());
	for (int i = 0; i < 20 && count() < 6; i++) {
		g_usleep(50000);
		run.collect(bus);
	}
	gst_object_unref(bus);
	EXPECT_EQ(count(), 6u);
}

/* Raw dumps. */

GstClockTime nanoseconds(double s)
{
	return GstClockTime(std::llround(s * 1e9));
}

// A whole dump as the core cuts and times it (splitRawTrack, rawTrackTimes): each payload with
// its times rounded to nanoseconds as on a GstBuffer, and its record, decoded with the times in
// seconds as gpmf::Session (and so gpmf-dump) decodes a dump.
struct RawDump {
	std::vector<Input> payloads;
	std::vector<std::string> records;
};

RawDump coreRawDump(const std::vector<std::uint8_t> &dump)
{
	const gpmf::SplitResult split = gpmf::splitRawTrack(dump);
	const std::vector<gpmf::PayloadTime> times = gpmf::rawTrackTimes(split.payloads);
	RawDump out;
	gpmf::Decoder decoder;
	for (std::size_t i = 0; i < split.payloads.size(); i++) {
		const auto &bytes = split.payloads[i].bytes;
		out.payloads.push_back(Input{std::vector<std::uint8_t>(bytes.begin(), bytes.end()),
					    nanoseconds(times[i].pts), nanoseconds(times[i].duration)});
		std::string text;
		gpmf::writePayloadRecord(text, decoder.decode(bytes, times[i].pts, times[i].duration));
		out.records.push_back(std::move(text));
	}
	return out;
}

class RawDumpTest : public ::testing::TestWithParam<const char *>
{
};

TEST_P(RawDumpTest, RecordsMatchCoreSplitAndTiming)
{
	GPMF_REQUIRE_SAMPLE(path, GetParam());
	// A small blocksize, so payloads arrive in pieces as from any byte stream.
	PipelineRun run("filesrc blocksize=1000 location=" + launchPath(path) +
			" ! application/x-gpmf ! gpmfparse name=p ! appsink name=out sync=false");
	ASSERT_TRUE(run.play()) << run.error();
	std::vector<Output> outputs = run.take();
	const RawDump dump = coreRawDump(readFile(path));
	const std::vector<Input> &payloads = dump.payloads;
	const std::vector<std::string> &expected = dump.records;
	ASSERT_EQ(outputs.size(), expected.size() + 2);
	for (std::size_t i = 0; i < expected.size(); i++) {
		SCOPED_TRACE("payload " + std::to_string(i));
		EXPECT_EQ(outputs[i + 1].pts, payloads[i].pts);
		EXPECT_EQ(outputs[i + 1].duration, payloads[i].duration);
		EXPECT_TRUE(Json(outputs[i + 1].text) == Json(expected[i]));
	}
}

INSTANTIATE_TEST_SUITE_P(Samples, RawDumpTest,
			 ::testing::Values("karma-track.bin", "hero5-track.bin", "hero8-grass-track.bin",
					   "hero6+ble-track.bin"),
			 [](const ::testing::TestParamInfo<const char *> &info) {
				 std::string name = info.param;
				 name = name.substr(0, name.find('.'));
				 std::replace_if(
				     name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
				 return name;
			 });

TEST(RawTypeFind, TypefindLinksRawDumpsToGpmfparse)
{
	GPMF_REQUIRE_SAMPLE(path, "hero5-track.bin");
	PipelineRun run("filesrc location=" + launchPath(path) +
			" ! typefind ! gpmfparse name=p ! appsink name=out sync=false");
	ASSERT_TRUE(run.play()) << run.error();
	EXPECT_EQ(run.take().size(), 34u + 2);
}

} // namespace
