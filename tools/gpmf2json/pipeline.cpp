// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: the GStreamer pipelines that demux a file's telemetry into a gpmf::Session.
//
//   MP4:    filesrc ! gpmfdemux ! (gpmd pad) appsink
//   merge:  filesrc ! gpmfdemux ! concat.sink_0, filesrc ! gpmfdemux ! concat.sink_1 ... concat ! appsink
//   raw:    filesrc ! application/x-gpmf ! appsink   (and the chapters through concat)
//
// The appsink's callback hands each buffer, in the streaming thread, to the session: a payload
// with its time, or raw bytes. A probe on the appsink's pad reads the events: the tags' udta
// atoms make the session's header (the first chapter's, when merging), and the segments turn
// merged chapters' buffer times into running times, which concat makes continue.

#include "pipeline.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <system_error>

#include <gst/app/gstappsink.h>
#include <gst/base/gstbasesink.h>
#include <gst/gst.h>

#include "gstgpmf-header.h"
#include "gstgpmfdemux.h"

namespace gpmf2json {

namespace {

constexpr GstClockTime kTick = 200 * GST_MSECOND;

// The demuxer for .MP4/.360/.LRV files: gpmfdemux reads the moov and the telemetry samples only
// (qtdemux reads every byte of the file) and gives the same buffers, segments and tags. Made
// from its type: the one compiled into this program, whatever gpmf plugin is installed.
GstElement *makeDemuxer()
{
	return GST_ELEMENT(g_object_new(GST_TYPE_GPMF_DEMUX, nullptr));
}

struct Run;

// A demuxer, and the pad its gpmd track links to (the appsink's or a concat sink pad).
struct DemuxLink {
	Run *run = nullptr;
	std::string file;
	GstPad *target = nullptr; ///< owned
	bool linked = false;      ///< set in the demuxer's streaming thread
	bool noTelemetry = false; ///< no-more-pads came without a gpmd pad
};

struct Run {
	Run(TelemetryHandler &h, InputKind k, bool m) : handler(h), kind(k), merge(m)
	{
		gst_segment_init(&segment, GST_FORMAT_UNDEFINED);
	}
	~Run()
	{
		for (auto &link : links)
			if (link->target)
				gst_object_unref(link->target);
		if (pipeline)
			gst_object_unref(pipeline);
		for (GstTagList *tags : { globalTags, streamTags })
			if (tags)
				gst_tag_list_unref(tags);
	}

	void fail(const std::string &why)
	{
		std::lock_guard lock(mutex);
		if (handlerError.empty())
			handlerError = why;
	}

	void warn(std::string line, bool lost)
	{
		std::lock_guard lock(mutex);
		warnings.push_back(std::move(line));
		dataLost = dataLost || lost;
	}

	// The session's events: warnings are kept, the others go to the handler.
	bool onEvent(gpmf::SessionEvent &event);
	// One buffer of the appsink, mapped.
	bool push(GstBuffer *buffer, std::span<const std::uint8_t> bytes);
	// A TAG event: the header is made again from the udta atoms of every tag list seen.
	void tags(GstEvent *event);

	TelemetryHandler &handler;
	const InputKind kind;
	const bool merge;
	std::unique_ptr<gpmf::Session> session;
	GstElement *pipeline = nullptr;
	std::vector<GstElement *> demuxers; ///< owned by the pipeline
	std::vector<std::pair<GstElement *, std::string>> fileOf; ///< source and demuxer -> file name
	std::vector<std::unique_ptr<DemuxLink>> links;
	bool wantTelemetry = false;

	std::mutex mutex;
	std::string handlerError; ///< guarded by mutex
	std::string noTelemetryFile; ///< guarded by mutex
	std::vector<std::string> warnings; ///< guarded by mutex: the session's and the bus's, in order
	bool dataLost = false;     ///< guarded by mutex

	std::atomic<std::uint64_t> bytesIn{ 0 };
	std::atomic<std::uint64_t> endNs{ 0 };

	// Streaming state. The chapters reach the appsink one after the other (concat lets one pad
	// through at a time, under its lock), so no lock is needed.
	unsigned streamStarts = 0;
	bool sawCaps = false; ///< without caps no buffer came: EOS makes no records
	GstSegment segment;
	GstTagList *globalTags = nullptr, *streamTags = nullptr;
};

} // namespace

std::string inputError(const std::filesystem::path &file)
{
	std::error_code ec;
	if (std::filesystem::is_directory(file, ec))
		return std::strerror(EISDIR);
	std::FILE *f = std::fopen(file.c_str(), "rb");
	if (!f)
		return std::strerror(errno);
	std::fclose(f);
	return {};
}

namespace {

// Walks the top-level boxes: a GoPro MP4 whose recording was cut short has no moov (the
// camera writes it last), so no demuxer can find its samples.
bool isMp4WithoutMoov(const std::filesystem::path &file)
{
	std::ifstream in(file, std::ios::binary);
	std::error_code ec;
	const std::uint64_t size = std::filesystem::file_size(file, ec);
	if (!in || ec)
		return false;
	std::uint64_t offset = 0;
	for (int boxes = 0; offset + 8 <= size && boxes < 4096; boxes++) {
		unsigned char head[16];
		in.seekg(std::streamoff(offset));
		if (!in.read(reinterpret_cast<char *>(head), 8))
			return false;
		std::uint64_t boxSize = (std::uint64_t(head[0]) << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
		const std::string type(reinterpret_cast<char *>(head) + 4, 4);
		if (boxes == 0 && type != "ftyp")
			return false;
		if (type == "moov")
			return false;
		if (boxSize == 1) {
			if (!in.read(reinterpret_cast<char *>(head) + 8, 8))
				return true;
			boxSize = 0;
			for (int i = 8; i < 16; i++)
				boxSize = (boxSize << 8) | head[i];
		}
		if (boxSize == 0 || boxSize < 8)
			return true; // runs to the end (or is broken) and was not moov
		offset += boxSize;
	}
	return true;
}

// The last line of a GStreamer debug string ("file.c(12): func (): /Pipeline/elem:\ndetail").
std::string detailOf(const gchar *debug)
{
	if (!debug)
		return {};
	std::string d(debug);
	const std::size_t nl = d.rfind('\n');
	return nl == std::string::npos ? std::string() : d.substr(nl + 1);
}

std::string oneLine(std::string s)
{
	for (char &c : s)
		if (c == '\n' || c == '\r')
			c = ' ';
	while (!s.empty() && (s.back() == ' ' || s.back() == '.'))
		s.pop_back();
	return s;
}

void onPadAdded(GstElement *, GstPad *pad, gpointer data)
{
	auto *link = static_cast<DemuxLink *>(data);
	GstCaps *caps = gst_pad_get_current_caps(pad);
	if (!caps)
		caps = gst_pad_query_caps(pad, nullptr);
	const bool gpmd = caps && !gst_caps_is_empty(caps) &&
			  gst_structure_has_name(gst_caps_get_structure(caps, 0), "meta/x-gst-fourcc-gpmd");
	if (caps)
		gst_caps_unref(caps);
	// gpmfdemux has one pad, the gpmd track's (a demuxer with others, such as qtdemux, goes on
	// while one of its pads is linked).
	if (gpmd && !link->linked && gst_pad_link(pad, link->target) == GST_PAD_LINK_OK)
		link->linked = true;
}

void onNoMorePads(GstElement *, gpointer data)
{
	auto *link = static_cast<DemuxLink *>(data);
	if (link->linked)
		return;
	link->noTelemetry = true;
	std::lock_guard lock(link->run->mutex);
	if (link->run->noTelemetryFile.empty())
		link->run->noTelemetryFile = link->file;
}

bool Run::onEvent(gpmf::SessionEvent &event)
{
	if (event.kind == gpmf::SessionEvent::Kind::Warning) {
		std::string line = oneLine(std::string(event.message));
		if (!event.detail.empty())
			line += ": " + oneLine(std::string(event.detail));
		warn(std::move(line), event.lost);
		return true;
	}
	// No exception may cross into the session: a failed write stops it instead.
	try {
		handler.event(event, *session);
	} catch (const std::exception &e) {
		fail(e.what());
		return false;
	}
	return true;
}

bool Run::push(GstBuffer *buffer, std::span<const std::uint8_t> bytes)
{
	bytesIn += bytes.size();
	gpmf::Nanoseconds pts = GST_BUFFER_PTS_IS_VALID(buffer) ? GST_BUFFER_PTS(buffer) : gpmf::kNoTime;
	const gpmf::Nanoseconds duration =
		GST_BUFFER_DURATION_IS_VALID(buffer) ? GST_BUFFER_DURATION(buffer) : gpmf::kNoTime;
	// Merged chapters: running times, which concat makes continue: one movie timeline, edit
	// lists honoured as a player plays them.
	if (merge && kind == InputKind::Mp4 && segment.format == GST_FORMAT_TIME && pts != gpmf::kNoTime) {
		if (pts < segment.start && streamStarts > 1) {
			// Before a later chapter's edit: a chapter cut with ffmpeg -ss starts its telemetry
			// at the sample that holds the cut, which the chapter before already gave.
			warn("a payload before the start of a chapter's edit list was left out (the chapter "
			     "before holds that time)",
			     false);
			return true;
		}
		guint64 rt = 0;
		if (gst_segment_to_running_time_full(&segment, GST_FORMAT_TIME, pts, &rt) == 1)
			pts = rt;
	}
	if (pts != gpmf::kNoTime)
		endNs = pts + (duration == gpmf::kNoTime ? 0 : duration);
	try {
		if (wantTelemetry)
			handler.telemetry(bytes);
		return kind == InputKind::Raw ? session->pushRaw(bytes) : session->pushPayload(bytes, pts, duration);
	} catch (const std::exception &e) {
		fail(e.what());
		return false;
	}
}

void Run::tags(GstEvent *event)
{
	GstTagList *list = nullptr;
	gst_event_parse_tag(event, &list);
	GstTagList **slot = gst_tag_list_get_scope(list) == GST_TAG_SCOPE_GLOBAL ? &globalTags : &streamTags;
	gst_mini_object_replace(reinterpret_cast<GstMiniObject **>(slot), GST_MINI_OBJECT_CAST(list));
	gpmf::Header header;
	gpmf::gst::addUdtaAtoms(header, globalTags);
	gpmf::gst::addUdtaAtoms(header, streamTags);
	session->setHeader(std::move(header));
}

GstPadProbeReturn onSinkEvent(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	auto *run = static_cast<Run *>(data);
	GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_STREAM_START:
		run->streamStarts++;
		break;
	case GST_EVENT_CAPS:
		run->sawCaps = true;
		break;
	case GST_EVENT_SEGMENT: {
		const GstSegment *segment = nullptr;
		gst_event_parse_segment(event, &segment);
		gst_segment_copy_into(segment, &run->segment);
		break;
	}
	case GST_EVENT_TAG:
		// One recording, one header: the first chapter's.
		try {
			if (run->streamStarts <= 1)
				run->tags(event);
		} catch (const std::exception &e) {
			run->fail(e.what());
		}
		break;
	default:
		break;
	}
	return GST_PAD_PROBE_OK;
}

GstFlowReturn onNewSample(GstAppSink *sink, gpointer data)
{
	auto *run = static_cast<Run *>(data);
	GstSample *sample = gst_app_sink_pull_sample(sink);
	if (!sample)
		return GST_FLOW_EOS;
	GstFlowReturn ret = GST_FLOW_OK;
	GstBuffer *buffer = gst_sample_get_buffer(sample);
	GstMapInfo map;
	if (buffer && gst_buffer_map(buffer, &map, GST_MAP_READ)) {
		if (!run->push(buffer, { map.data, map.size }))
			ret = GST_FLOW_ERROR;
		gst_buffer_unmap(buffer, &map);
	}
	gst_sample_unref(sample);
	return ret;
}

GstElement *makeElement(const char *factory, std::string &error)
{
	GstElement *e = gst_element_factory_make(factory, nullptr);
	if (!e)
		error = std::string("GStreamer element ") + factory + " is not installed";
	return e;
}

// Builds the pipeline into run.pipeline; returns an error message or "".
std::string buildPipeline(Run &run, const std::vector<std::filesystem::path> &files)
{
	std::string error;
	run.pipeline = gst_pipeline_new(nullptr);
	GstBin *bin = GST_BIN(run.pipeline);

	GstElement *sink = makeElement("appsink", error);
	if (!sink)
		return error;
	g_object_set(sink, "sync", FALSE, "enable-last-sample", FALSE, nullptr);
	// Every buffer is telemetry, inside the segment or not (the gpmd track often outlasts the
	// movie, whose duration ends the demuxer's segment).
	gst_base_sink_set_drop_out_of_segment(GST_BASE_SINK(sink), FALSE);
	GstAppSinkCallbacks callbacks{};
	callbacks.new_sample = onNewSample;
	gst_app_sink_set_callbacks(GST_APP_SINK(sink), &callbacks, &run, nullptr);
	// No queue before the sink: the session decodes in the demuxer's (or filesrc's) streaming
	// thread, which has little else to do, and the outputs are written there between payloads
	// (with threads, while helpers write the next records). -j 1 is then one thread.
	gst_bin_add(bin, sink);
	GstPad *sinkPad = gst_element_get_static_pad(sink, "sink");
	gst_pad_add_probe(sinkPad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, onSinkEvent, &run, nullptr);

	GstElement *concat = nullptr;
	if (files.size() > 1) {
		concat = makeElement("concat", error);
		if (!concat) {
			gst_object_unref(sinkPad);
			return error;
		}
		gst_bin_add(bin, concat);
		if (!gst_element_link(concat, sink)) {
			gst_object_unref(sinkPad);
			return "cannot link concat to appsink";
		}
	}

	for (const auto &file : files) {
		GstElement *src = makeElement("filesrc", error);
		if (!src)
			break;
		g_object_set(src, "location", file.c_str(), nullptr);
		gst_bin_add(bin, src);
		run.fileOf.emplace_back(src, file.filename().string());
		// Where this file's telemetry goes: a concat pad requested in chapter order, or the appsink.
		GstPad *target = concat ? gst_element_request_pad_simple(concat, "sink_%u")
				 : GST_PAD(gst_object_ref(sinkPad));

		if (run.kind == InputKind::Raw) {
			g_object_set(src, "blocksize", guint(64 * 1024), nullptr);
			GstElement *filter = makeElement("capsfilter", error);
			if (!filter) {
				gst_object_unref(target);
				break;
			}
			GstCaps *caps = gst_caps_new_empty_simple("application/x-gpmf");
			g_object_set(filter, "caps", caps, nullptr);
			gst_caps_unref(caps);
			gst_bin_add(bin, filter);
			GstPad *out = gst_element_get_static_pad(filter, "src");
			const bool ok = gst_element_link(src, filter) && gst_pad_link(out, target) == GST_PAD_LINK_OK;
			gst_object_unref(out);
			gst_object_unref(target);
			if (!ok) {
				error = "cannot link the raw input";
				break;
			}
			continue;
		}

		GstElement *demux = makeDemuxer();
		gst_bin_add(bin, demux);
		run.fileOf.emplace_back(demux, file.filename().string());
		if (!gst_element_link(src, demux)) {
			gst_object_unref(target);
			error = "cannot link filesrc to the demuxer";
			break;
		}
		auto link = std::make_unique<DemuxLink>();
		link->run = &run;
		link->file = file.filename().string();
		link->target = target;
		g_signal_connect(demux, "pad-added", G_CALLBACK(onPadAdded), link.get());
		g_signal_connect(demux, "no-more-pads", G_CALLBACK(onNoMorePads), link.get());
		run.demuxers.push_back(demux);
		run.links.push_back(std::move(link));
	}
	gst_object_unref(sinkPad);
	return error;
}

std::uint64_t totalSize(const std::vector<std::filesystem::path> &files)
{
	std::uint64_t total = 0;
	for (const auto &f : files) {
		std::error_code ec;
		const auto s = std::filesystem::file_size(f, ec);
		if (!ec)
			total += s;
	}
	return total;
}

// Sum of the demuxers' durations, 0 until every one knows its own.
std::uint64_t totalDuration(const Run &run)
{
	std::uint64_t total = 0;
	for (GstElement *demux : run.demuxers) {
		gint64 d = -1;
		if (!gst_element_query_duration(demux, GST_FORMAT_TIME, &d) || d <= 0)
			return 0;
		total += std::uint64_t(d);
	}
	return total;
}

struct Outcome {
	bool eos = false;
	std::string error;
};

Outcome play(Run &run, const std::vector<std::filesystem::path> &files, const std::function<void(double)> &progress)
{
	Outcome out;
	GstBus *bus = gst_element_get_bus(run.pipeline);
	const std::uint64_t size = totalSize(files);
	std::uint64_t duration = 0;
	const auto tick = [&]() {
		if (!progress)
			return;
		double fraction = 0;
		if (run.kind == InputKind::Raw) {
			fraction = size ? double(run.bytesIn.load()) / double(size) : 0;
		} else {
			if (!duration)
				duration = totalDuration(run);
			fraction = duration ? double(run.endNs.load()) / double(duration) : 0;
		}
		progress(std::min(1.0, fraction));
	};

	if (gst_element_set_state(run.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
		out.error = "cannot start the pipeline";
	while (out.error.empty() && !out.eos) {
		GstMessage *msg = gst_bus_timed_pop_filtered(
			bus, kTick, static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING | GST_MESSAGE_EOS));
		if (!msg) {
			tick();
			continue;
		}
		GError *err = nullptr;
		gchar *debug = nullptr;
		switch (GST_MESSAGE_TYPE(msg)) {
		case GST_MESSAGE_EOS:
			out.eos = true;
			break;
		case GST_MESSAGE_ERROR: {
			gst_message_parse_error(msg, &err, &debug);
			std::string detail = detailOf(debug);
			out.error = oneLine(err && err->message ? err->message : "unknown error");
			// With several chapters, say which one.
			if (run.merge)
				for (const auto &[element, file] : run.fileOf)
					if (GST_MESSAGE_SRC(msg) == GST_OBJECT(element))
						out.error = "chapter " + file + ": " + out.error;
			// A demuxer's "streaming stopped, reason error" says nothing the user can act on.
			if (!detail.empty() && detail.find("streaming stopped") == std::string::npos &&
			    detail.find("reason") == std::string::npos)
				out.error += " (" + oneLine(detail) + ")";
			break;
		}
		case GST_MESSAGE_WARNING: {
			gst_message_parse_warning(msg, &err, &debug);
			std::string line = oneLine(err && err->message ? err->message : "warning");
			const std::string detail = detailOf(debug);
			if (!detail.empty())
				line += ": " + oneLine(detail);
			run.warn(std::move(line), false);
			break;
		}
		default:
			break;
		}
		if (err)
			g_error_free(err);
		g_free(debug);
		gst_message_unref(msg);
	}
	if (out.eos)
		tick();
	gst_element_set_state(run.pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	return out;
}

// Several identical warnings (a corrupt stretch of a raw dump) are said once, with a count.
std::vector<std::string> collapse(const std::vector<std::string> &warnings)
{
	std::vector<std::pair<std::string, std::size_t>> counted;
	for (const std::string &w : warnings) {
		bool found = false;
		for (auto &[text, n] : counted)
			if (text == w) {
				n++;
				found = true;
			}
		if (!found)
			counted.emplace_back(w, 1);
	}
	std::vector<std::string> out;
	for (auto &[text, n] : counted)
		out.push_back(n > 1 ? text + " (" + std::to_string(n) + " times)" : text);
	return out;
}

// After the pipeline stopped: what the session still holds. At the end of the input the raw
// bytes buffered are decoded and the summary sent; after an error, what was decoded is given.
void finishSession(Run &run, bool eos, DecodeResult &result)
{
	try {
		if (!eos) {
			run.session->flush();
		} else if (run.sawCaps && (run.kind != InputKind::Raw || run.session->endRaw()) && run.session->end()) {
			result.summary = run.session->summary();
		}
	} catch (const std::exception &e) {
		run.fail(e.what());
	}
}

DecodeResult runOnce(const std::vector<std::filesystem::path> &files, InputKind kind,
		     const gpmf::SessionOptions &options, TelemetryHandler &handler,
		     const std::function<void(double)> &progress, bool recovering)
{
	DecodeResult result;
	Run run(handler, kind, files.size() > 1);
	run.wantTelemetry = handler.wantTelemetry() && !recovering;
	run.session = std::make_unique<gpmf::Session>(options, [&run](gpmf::SessionEvent &e) { return run.onEvent(e); });
	if (std::string error = buildPipeline(run, files); !error.empty()) {
		result.failed = true;
		result.error = error;
		return result;
	}
	Outcome out = play(run, files, progress);
	finishSession(run, out.eos, result);
	{
		std::lock_guard lock(run.mutex);
		if (!run.handlerError.empty()) {
			// A write failed: that is the reason, not the "internal data flow error" it caused.
			out.error = run.handlerError;
		} else if (!out.error.empty() && !run.noTelemetryFile.empty()) {
			out.error = "no GPMF telemetry track (gpmd)";
			if (files.size() > 1)
				out.error = run.noTelemetryFile + ": " + out.error;
		}
		result.dataLost = run.dataLost;
		// While recovering, the video between payloads is "corrupt GPMF" by design.
		if (!recovering)
			result.warnings = collapse(run.warnings);
	}
	if (!out.error.empty())
		result.summary.reset();
	result.failed = !out.error.empty();
	result.error = out.error;
	return result;
}

} // namespace

bool registerElements()
{
	return GST_ELEMENT_REGISTER(gpmfdemux, nullptr);
}

bool looksLikeRawGpmf(const std::filesystem::path &file)
{
	std::ifstream in(file, std::ios::binary);
	char head[4] = {};
	return in.read(head, 4) && std::memcmp(head, "DEVC", 4) == 0;
}

DecodeResult decodeFiles(const std::vector<std::filesystem::path> &files, InputKind kind,
			 const gpmf::SessionOptions &options, TelemetryHandler &handler,
			 const std::function<void(double)> &progress)
{
	for (const auto &file : files) {
		if (std::string why = inputError(file); !why.empty()) {
			DecodeResult r;
			r.failed = true;
			r.error = files.size() > 1 ? file.filename().string() + ": " + why : why;
			return r;
		}
	}

	// A chapter without moov (the camera stopped while writing it) would stop the whole merge
	// before its first payload: merge the chapters before it, and say what was left out.
	if (kind == InputKind::Mp4 && files.size() > 1) {
		for (std::size_t k = 0; k < files.size(); k++) {
			if (!isMp4WithoutMoov(files[k]))
				continue;
			const std::vector<std::filesystem::path> kept(files.begin(), files.begin() + long(std::max<std::size_t>(k, 1)));
			DecodeResult r = decodeFiles(kept, kind, options, handler, progress);
			const std::string left =
				k == 0 ? "the chapters after it were left out of the merge"
				       : "chapter " + files[k].filename().string() +
						 " is a truncated MP4 (no moov box): it and the chapters after it were left "
						 "out of the merge (give it alone to recover its telemetry)";
			r.error = r.failed ? r.error + "; " + left : left;
			r.failed = true;
			r.dataLost = true;
			return r;
		}
	}

	for (const auto &file : files) {
		std::error_code ec;
		if (std::filesystem::file_size(file, ec) == 0 && !ec) {
			DecodeResult r;
			r.failed = true;
			r.error = files.size() > 1 ? file.filename().string() + ": the file is empty" : "the file is empty";
			return r;
		}
	}

	// A moov-less MP4 cannot be demuxed, but its gpmd payloads are in mdat as they were
	// recorded: scan the file as a raw dump, which skips everything up to each DEVC.
	if (kind == InputKind::Mp4 && files.size() == 1 && isMp4WithoutMoov(files.front())) {
		DecodeResult r = runOnce(files, InputKind::Raw, options, handler, progress, true);
		const std::string scanError = r.error;
		r.failed = true;
		r.recovered = true;
		r.dataLost = true;
		const bool found = r.summary && r.summary->payloads > 0;
		r.error = std::string("truncated MP4: no moov box (the index the camera writes when it stops recording); ") +
			  (found ? "the telemetry was recovered by scanning the media data, with estimated times "
				   "(from the payloads' STMP, or 1 s apart)"
				 : "no telemetry could be recovered from its media data (no GPMF payload in it)");
		if (!scanError.empty())
			r.error += "; the scan stopped: " + scanError;
		return r;
	}
	return runOnce(files, kind, options, handler, progress, false);
}

} // namespace gpmf2json
