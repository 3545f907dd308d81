// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfdemux: the element, its output (events and buffers as qtdemux pushes them on the gpmd
// pad), the pull mode and seeking. The push mode is in gstgpmfdemux-push.cpp.

/**
 * SECTION:element-gpmfdemux
 * @title: gpmfdemux
 *
 * Reads only the GoPro telemetry of an MP4, MOV, LRV or 360 file: the `moov` index, then the
 * `gpmd` samples, one read each, and none of the video. Its `meta_%u` pad (caps
 * `meta/x-gst-fourcc-gpmd`) gives exactly what qtdemux gives on the gpmd track's pad: the same
 * buffers and timestamps, SEGMENT events (edit lists included), and tags (the udta atoms as
 * `private-qt-tag` samples, which gpmfparse reads for its header and HiLights).
 *
 * Unlike qtdemux it also plays a telemetry track shorter than a fifth of the movie (which
 * qtdemux skips as a "preview"). It has rank none: decodebin keeps choosing qtdemux.
 *
 * With a random-access upstream (filesrc) it pulls; otherwise it walks the top-level boxes of
 * the stream and seeks upstream in bytes past the media data to the moov (GoPro writes it last)
 * and back to the samples.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=GX010001.MP4 ! gpmfdemux ! gpmfparse ! filesink location=telemetry.ndjson
 * ]|
 *
 * Since: 0.1
 */

#include "gstgpmfdemux.h"

#include <algorithm>
#include <exception>
#include <new>
#include <string>
#include <utility>

#include "gpmf/byte_reader.h"

#include "gstgpmf-utils.h"
#include "gstgpmfdemux-private.h"

GST_DEBUG_CATEGORY(gst_gpmf_demux_debug);
#define GST_CAT_DEFAULT gst_gpmf_demux_debug

using gpmf::gst::DemuxIndex;
using gpmf::gst::FileFacts;
using gpmf::gst::kMaxMoovBytes;
using gpmf::gst::kMaxSampleBytes;
using gpmf::gst::ObjectLocker;

// What GoPro files typefind as (video/quicktime, variant iso), and QuickTime .mov.
static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
			    GST_STATIC_CAPS("video/quicktime; video/mj2; audio/x-m4a; application/x-3gp"));

// qtdemux's template for metadata tracks; gpmfdemux adds one pad, for the gpmd track.
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE("meta_%u", GST_PAD_SRC, GST_PAD_SOMETIMES,
								   GST_STATIC_CAPS("meta/x-gst-fourcc-gpmd"));

G_DEFINE_TYPE_WITH_CODE(GstGpmfDemux, gst_gpmf_demux, GST_TYPE_ELEMENT,
			GST_DEBUG_CATEGORY_INIT(gst_gpmf_demux_debug, "gpmfdemux", 0,
						"GoPro telemetry demuxer"))
GST_ELEMENT_REGISTER_DEFINE(gpmfdemux, "gpmfdemux", GST_RANK_NONE, GST_TYPE_GPMF_DEMUX)

static void gst_gpmf_demux_loop(GstPad *pad);
static gboolean gst_gpmf_demux_src_event(GstPad *pad, GstObject *parent, GstEvent *event);
static gboolean gst_gpmf_demux_src_query(GstPad *pad, GstObject *parent, GstQuery *query);

namespace
{

/*
 * Exception boundary: no C++ exception (in practice std::bad_alloc) unwinds into GStreamer.
 */
template <typename R, typename Fn> R guard(GstGpmfDemux *self, R onError, const char *where, Fn &&fn) noexcept
{
	bool failed = true;
	const R result = gpmf::gst::guardCall(
	    GST_ELEMENT(self), onError, where, "Out of memory while reading the MP4 index", [&]() -> R {
		    R r = fn();
		    failed = false;
		    return r;
	    });
	if (failed)
		self->state->errorPosted = true;
	return result;
}

GstClockTime toClockTime(std::uint64_t t)
{
	return t == gpmf::kMp4NoTime ? GST_CLOCK_TIME_NONE : GstClockTime(t);
}

GstEvent *segmentEvent(const gpmf::Mp4PlaySegment &s, GstSegmentFlags flags, guint32 seqnum)
{
	GstSegment segment;
	gst_segment_init(&segment, GST_FORMAT_TIME);
	segment.flags = flags;
	segment.rate = s.rate;
	segment.start = s.start;
	segment.stop = toClockTime(s.stop);
	segment.time = s.time;
	segment.base = s.base;
	segment.position = s.start;
	GstEvent *event = gst_event_new_segment(&segment);
	gst_event_set_seqnum(event, seqnum);
	return event;
}

// Only the telemetry track's problems (and the movie's) matter here: a damaged video table
// does not.
std::vector<gpmf::Diagnostic> telemetryDiagnostics(const DemuxIndex &index)
{
	std::vector<gpmf::Diagnostic> out;
	const std::string &path = index.track().path;
	for (const gpmf::Diagnostic &d : index.index().diagnostics) {
		const bool otherTrack =
		    d.path.rfind("moov/trak[", 0) == 0 && d.path.rfind(path + "/", 0) != 0 && d.path != path;
		if (!otherTrack)
			out.push_back(d);
	}
	return out;
}

} // namespace

/* Output, shared by both modes. */

GstFlowReturn gst_gpmf_demux_open_index(GstGpmfDemux *self, std::vector<std::uint8_t> moov,
					const FileFacts &facts)
{
	GstGpmfDemuxState &st = *self->state;
	std::string error, detail;
	std::shared_ptr<const DemuxIndex> index = DemuxIndex::open(std::move(moov), facts, error, detail);
	if (!index) {
		/* As qtdemux: all the pads there are (none) are out, then the error. */
		gst_element_no_more_pads(GST_ELEMENT(self));
		GST_ELEMENT_ERROR(self, STREAM, DEMUX, ("%s", error.c_str()), ("%s", detail.c_str()));
		st.errorPosted = true;
		return GST_FLOW_ERROR;
	}
	const std::vector<gpmf::Diagnostic> problems = telemetryDiagnostics(*index);
	for (const gpmf::Diagnostic &d : index->index().diagnostics)
		GST_WARNING_OBJECT(self, "moov: %s", d.message().c_str());
	if (!problems.empty())
		GST_ELEMENT_WARNING(
		    self, STREAM, DEMUX,
		    ("The MP4 index of the telemetry track is damaged: some samples may be missing"),
		    ("%s (%zu problems)", problems.front().message().c_str(), problems.size()));

	gpmf::Mp4Playback plan = index->plan();
	if (plan.qtdemuxSkipsTrack)
		GST_INFO_OBJECT(self, "the telemetry track is shorter than a fifth of the movie: qtdemux "
				      "would skip it as a preview, gpmfdemux plays it");
	GST_INFO_OBJECT(self, "%s: %zu samples (%zu played) in %zu segments, duration %" GST_TIME_FORMAT,
			index->track().path.c_str(), index->track().samples.size(), plan.samples.size(),
			plan.segments.size(), GST_TIME_ARGS(index->duration()));
	{
		ObjectLocker lock(self);
		gst_segment_init(&st.segment, GST_FORMAT_TIME);
		st.segment.stop = st.segment.duration = toClockTime(plan.movieStop);
		st.index = index;
	}
	st.plan = std::move(plan);

	/* The pad, as qtdemux exposes it: stream-start and caps before it is added. */
	GstPad *pad = gst_pad_new_from_static_template(&src_template, index->padName().c_str());
	gst_pad_set_event_function(pad, GST_DEBUG_FUNCPTR(gst_gpmf_demux_src_event));
	gst_pad_set_query_function(pad, GST_DEBUG_FUNCPTR(gst_gpmf_demux_src_query));
	gst_pad_use_fixed_caps(pad);
	gst_pad_set_active(pad, TRUE);

	gchar *streamId = gst_pad_create_stream_id(pad, GST_ELEMENT(self), index->streamIdSuffix().c_str());
	GstEvent *start = gst_event_new_stream_start(streamId);
	g_free(streamId);
	guint groupId = 0;
	GstEvent *upstream = gst_pad_get_sticky_event(self->sinkpad, GST_EVENT_STREAM_START, 0);
	if (!upstream || !gst_event_parse_group_id(upstream, &groupId))
		groupId = gst_util_group_id_next();
	if (upstream)
		gst_event_unref(upstream);
	gst_event_set_group_id(start, groupId);
	gst_event_set_stream_flags(start, GST_STREAM_FLAG_SPARSE);
	gst_pad_push_event(pad, start);
	GstCaps *caps = index->makeCaps();
	gst_pad_set_caps(pad, caps);
	gst_caps_unref(caps);

	{
		ObjectLocker lock(self);
		st.srcpad = GST_PAD(gst_object_ref(pad));
	}
	gst_element_add_pad(GST_ELEMENT(self), pad);
	gst_element_no_more_pads(GST_ELEMENT(self));
	return GST_FLOW_OK;
}


static bool pushEvent(GstGpmfDemux *self, GstEvent *event)
{
	return gst_pad_push_event(self->state->srcpad, event);
}

// EOS with the stream's seqnum (the seek's, after one).
static void pushEos(GstGpmfDemux *self)
{
	GstEvent *event = gst_event_new_eos();
	gst_event_set_seqnum(event, self->state->seqnum);
	pushEvent(self, event);
}

static void pushSegmentsUpTo(GstGpmfDemux *self, std::size_t last)
{
	GstGpmfDemuxState &st = *self->state;
	GstSegmentFlags flags;
	{
		ObjectLocker lock(self);
		flags = st.segment.flags;
	}
	if (st.plan.segments.empty() && st.segmentsPushed == 0) {
		/* A track that cannot be timed (timescale 0): an open segment before EOS. */
		GstSegment segment;
		gst_segment_init(&segment, GST_FORMAT_TIME);
		GstEvent *event = gst_event_new_segment(&segment);
		gst_event_set_seqnum(event, st.seqnum);
		pushEvent(self, event);
		st.segmentsPushed = 1;
	}
	while (st.segmentsPushed <= last && st.segmentsPushed < st.plan.segments.size()) {
		const gpmf::Mp4PlaySegment &s = st.plan.segments[st.segmentsPushed];
		pushEvent(self, segmentEvent(s, flags, st.seqnum));
		if (st.segmentsPushed == 0) {
			/* After the first SEGMENT, as qtdemux: the track's tags, then (once) the
			 * movie's. A seek sends the track's again. */
			if (GstTagList *tags = st.index->makeStreamTags())
				pushEvent(self, gst_event_new_tag(tags));
			if (!st.tagsPushed)
				pushEvent(self, gst_event_new_tag(st.index->makeGlobalTags()));
			st.tagsPushed = true;
		}
		if (s.gap && s.stop != gpmf::kMp4NoTime)
			pushEvent(self, gst_event_new_gap(s.start, s.stop - s.start));
		st.segmentsPushed++;
	}
}


static void advance(GstGpmfDemux *self)
{
	GstGpmfDemuxState &st = *self->state;
	const gpmf::Mp4PlayedSample &p = st.plan.samples[st.next++];
	ObjectLocker lock(self);
	st.position = GstClockTime(std::max<std::int64_t>(p.movieTime, 0));
}

GstFlowReturn gst_gpmf_demux_push_sample(GstGpmfDemux *self, GstBuffer *buffer)
{
	GstGpmfDemuxState &st = *self->state;
	const gpmf::Mp4PlayedSample &p = st.plan.samples[st.next];
	buffer = gst_buffer_make_writable(buffer);
	GST_BUFFER_PTS(buffer) = p.pts;
	GST_BUFFER_DTS(buffer) = p.pts;
	GST_BUFFER_DURATION(buffer) = p.duration;
	GST_BUFFER_OFFSET(buffer) = GST_BUFFER_OFFSET_NONE;
	GST_BUFFER_OFFSET_END(buffer) = GST_BUFFER_OFFSET_NONE;
	/* Only our own flags: the push mode's adapter passes on those of the input. */
	GST_BUFFER_FLAGS(buffer) = st.discont ? GST_BUFFER_FLAG_DISCONT : 0;
	st.discont = false;
	st.bytesRead += gst_buffer_get_size(buffer);
	advance(self);
	GST_LOG_OBJECT(self, "sample %zu: %" GST_TIME_FORMAT, p.sample, GST_TIME_ARGS(p.pts));
	return gst_pad_push(st.srcpad, buffer);
}

// Skips the next sample (too large to be real) with a warning and a GAP.
static GstFlowReturn skipSample(GstGpmfDemux *self, const char *why)
{
	GstGpmfDemuxState &st = *self->state;
	const gpmf::Mp4PlayedSample &p = st.plan.samples[st.next];
	const gpmf::Mp4SampleInfo &s = st.index->track().samples[p.sample];
	GST_ELEMENT_WARNING(self, STREAM, DEMUX, ("Telemetry sample %zu skipped: %s", p.sample, why),
			    ("%u bytes at offset %" G_GUINT64_FORMAT ", %" GST_TIME_FORMAT, s.size, s.offset,
			     GST_TIME_ARGS(p.pts)));
	pushEvent(self, gst_event_new_gap(p.pts, p.duration));
	st.discont = true;
	advance(self);
	return GST_FLOW_OK;
}

GstFlowReturn gst_gpmf_demux_push_end(GstGpmfDemux *self)
{
	GstGpmfDemuxState &st = *self->state;
	if (st.ended)
		return GST_FLOW_EOS;
	pushSegmentsUpTo(self, st.plan.segments.empty() ? 0 : st.plan.segments.size() - 1);
	st.ended = true;
	GstSegment segment;
	{
		ObjectLocker lock(self);
		segment = st.segment;
	}
	GST_INFO_OBJECT(self, "all telemetry out: %" G_GUINT64_FORMAT " bytes read", st.bytesRead);
	if (segment.flags & GST_SEGMENT_FLAG_SEGMENT) {
		const gint64 stop = GST_CLOCK_TIME_IS_VALID(segment.stop) ? gint64(segment.stop) : -1;
		GstMessage *message = gst_message_new_segment_done(GST_OBJECT(self), GST_FORMAT_TIME, stop);
		gst_message_set_seqnum(message, st.seqnum);
		gst_element_post_message(GST_ELEMENT(self), message);
		GstEvent *event = gst_event_new_segment_done(GST_FORMAT_TIME, stop);
		gst_event_set_seqnum(event, st.seqnum);
		pushEvent(self, event);
	} else {
		pushEos(self);
	}
	return GST_FLOW_EOS;
}

const gpmf::Mp4SampleInfo *gst_gpmf_demux_begin_sample(GstGpmfDemux *self, GstFlowReturn &ret)
{
	GstGpmfDemuxState &st = *self->state;
	ret = GST_FLOW_OK;
	if (!st.index || st.next >= st.plan.samples.size()) {
		ret = gst_gpmf_demux_push_end(self);
		return nullptr;
	}
	pushSegmentsUpTo(self, st.plan.samples[st.next].segment);
	const gpmf::Mp4SampleInfo &sample = st.index->track().samples[st.plan.samples[st.next].sample];
	if (sample.size > kMaxSampleBytes) {
		ret = skipSample(self, "its size in the sample table is too large to be telemetry");
		return nullptr;
	}
	return &sample;
}

void gst_gpmf_demux_restart(GstGpmfDemux *self, gpmf::Mp4Playback plan, guint32 seqnum)
{
	GstGpmfDemuxState &st = *self->state;
	st.plan = std::move(plan);
	st.next = 0;
	st.segmentsPushed = 0;
	st.discont = true;
	st.ended = false;
	st.seqnum = seqnum;
}

/* Pull mode. */

namespace
{

// Reads for scanTopLevel() and readBoxBody(), remembering why a read failed.
struct PullReader {
	GstGpmfDemux *self;
	GstFlowReturn flow = GST_FLOW_OK;

	std::size_t operator()(std::uint64_t offset, std::span<std::uint8_t> out)
	{
		if (flow != GST_FLOW_OK || out.size() > G_MAXUINT)
			return 0;
		GstBuffer *buffer = nullptr;
		flow = gst_pad_pull_range(self->sinkpad, offset, guint(out.size()), &buffer);
		if (flow != GST_FLOW_OK)
			return 0;
		const gsize n = gst_buffer_extract(buffer, 0, out.data(), out.size());
		gst_buffer_unref(buffer);
		self->state->bytesRead += n;
		return n;
	}
};

std::string diagnosticsText(const std::vector<gpmf::Diagnostic> &diagnostics)
{
	std::string text;
	for (const gpmf::Diagnostic &d : diagnostics)
		text += (text.empty() ? "" : "; ") + d.message();
	return text;
}

GstFlowReturn pullIndex(GstGpmfDemux *self)
{
	GstGpmfDemuxState &st = *self->state;
	gint64 size = 0;
	if (!gst_pad_peer_query_duration(self->sinkpad, GST_FORMAT_BYTES, &size) || size <= 0) {
		GST_ELEMENT_ERROR(self, STREAM, DEMUX, ("Cannot find the size of the file"),
				  ("upstream answers no BYTES duration query"));
		st.errorPosted = true;
		return GST_FLOW_ERROR;
	}
	PullReader reader{self};
	const gpmf::Mp4ReadFn read = [&reader](std::uint64_t offset, std::span<std::uint8_t> out) {
		return reader(offset, out);
	};
	const gpmf::Mp4TopLevel top = gpmf::scanTopLevel(std::uint64_t(size), read);
	if (reader.flow != GST_FLOW_OK && reader.flow != GST_FLOW_EOS)
		return reader.flow;
	if (!top.moov) {
		GST_ELEMENT_ERROR(self, STREAM, DEMUX, ("%s", kGpmfDemuxNoMoov),
				  ("%s", diagnosticsText(top.diagnostics).c_str()));
		st.errorPosted = true;
		return GST_FLOW_ERROR;
	}
	FileFacts facts;
	facts.moovBodyOffset = top.moov->bodyOffset();
	facts.fileSize = std::uint64_t(size);
	if (!top.boxes.empty() && top.boxes.front().type == gpmf::FourCC("ftyp") &&
	    top.boxes.front().bodySize() >= 4) {
		std::uint8_t brand[4];
		if (read(top.boxes.front().bodyOffset(), brand) == 4)
			facts.majorBrand = gpmf::FourCC(gpmf::loadBe32(brand));
	}
	gpmf::Diagnostic why;
	auto body = gpmf::readBoxBody(*top.moov, read, kMaxMoovBytes, &why);
	if (reader.flow != GST_FLOW_OK && reader.flow != GST_FLOW_EOS)
		return reader.flow;
	if (!body) {
		GST_ELEMENT_ERROR(self, STREAM, DEMUX, ("Cannot read the moov index of this file"),
				  ("%s", why.message().c_str()));
		st.errorPosted = true;
		return GST_FLOW_ERROR;
	}
	GST_DEBUG_OBJECT(self, "moov of %zu bytes at %" G_GUINT64_FORMAT ", %zu top-level boxes before it",
			 body->size(), top.moov->offset, top.boxes.size() - 1);
	return gst_gpmf_demux_open_index(self, std::move(*body), facts);
}

GstFlowReturn pullNext(GstGpmfDemux *self)
{
	GstGpmfDemuxState &st = *self->state;
	GstFlowReturn begun;
	const gpmf::Mp4SampleInfo *sample = gst_gpmf_demux_begin_sample(self, begun);
	if (!sample)
		return begun;
	GstBuffer *buffer = nullptr;
	GstFlowReturn ret = gst_pad_pull_range(self->sinkpad, sample->offset, sample->size, &buffer);
	if (ret == GST_FLOW_OK && gst_buffer_get_size(buffer) < sample->size) {
		gst_buffer_unref(buffer);
		ret = GST_FLOW_EOS;
	}
	if (ret == GST_FLOW_EOS) {
		GST_ELEMENT_WARNING(self, STREAM, DEMUX,
				    ("The file ends inside telemetry sample %zu of %zu: the rest is missing",
				     st.plan.samples[st.next].sample, st.index->track().samples.size()),
				    ("%u bytes at offset %" G_GUINT64_FORMAT, sample->size, sample->offset));
		return gst_gpmf_demux_push_end(self);
	}
	if (ret != GST_FLOW_OK)
		return ret;
	return gst_gpmf_demux_push_sample(self, buffer);
}

} // namespace

static void gst_gpmf_demux_pause(GstGpmfDemux *self, GstFlowReturn ret)
{
	GstGpmfDemuxState &st = *self->state;
	GST_DEBUG_OBJECT(self, "pausing task: %s", gst_flow_get_name(ret));
	gst_pad_pause_task(self->sinkpad);
	const bool fatal = ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS;
	if (fatal && !st.errorPosted)
		GST_ELEMENT_FLOW_ERROR(self, ret);
	/* At the end (ours or downstream's) or after an error: make sure downstream gets EOS. */
	if ((ret == GST_FLOW_EOS || fatal) && st.srcpad && !st.ended) {
		st.ended = true;
		pushEos(self);
	}
}

static void gst_gpmf_demux_loop(GstPad *pad)
{
	auto *self = GST_GPMF_DEMUX(GST_PAD_PARENT(pad));
	const GstFlowReturn ret = guard(self, GST_FLOW_ERROR, "streaming", [self]() {
		if (!self->state->index)
			return pullIndex(self);
		return pullNext(self);
	});
	if (ret != GST_FLOW_OK)
		gst_gpmf_demux_pause(self, ret);
}

/* Seeking and queries. */

bool gst_gpmf_demux_plan_seek(GstGpmfDemux *self, GstEvent *event, GstSegment &segment,
			      gpmf::Mp4Playback &plan)
{
	GstGpmfDemuxState &st = *self->state;
	gdouble rate;
	GstFormat format;
	GstSeekFlags flags;
	GstSeekType startType, stopType;
	gint64 start, stop;
	gst_event_parse_seek(event, &rate, &format, &flags, &startType, &start, &stopType, &stop);
	std::shared_ptr<const DemuxIndex> index;
	{
		ObjectLocker lock(self);
		index = st.index;
		segment = st.segment;
	}
	gboolean update;
	if (!index ||
	    !gst_segment_do_seek(&segment, rate, format, flags, startType, start, stopType, stop, &update))
		return false;
	gpmf::Mp4PlayRange range;
	range.start = segment.start;
	range.stop = std::uint64_t(segment.stop); // NONE is kMp4NoTime
	plan = index->plan(range);
	return true;
}

static gboolean gst_gpmf_demux_pull_mode_seek(GstGpmfDemux *self, GstPad *srcpad, GstEvent *event)
{
	GstGpmfDemuxState &st = *self->state;
	GstSeekFlags flags;
	gst_event_parse_seek(event, nullptr, nullptr, &flags, nullptr, nullptr, nullptr, nullptr);
	const guint32 seqnum = gst_event_get_seqnum(event);

	/* The new plan first: a seek that cannot be done leaves the stream alone. */
	GstSegment segment;
	gpmf::Mp4Playback plan;
	if (!gst_gpmf_demux_plan_seek(self, event, segment, plan))
		return FALSE;

	/* Unblocks a push downstream, so the task stops at its next flow check. */
	GstEvent *flushStart = gst_event_new_flush_start();
	gst_event_set_seqnum(flushStart, seqnum);
	gst_pad_push_event(srcpad, flushStart);
	gst_pad_pause_task(self->sinkpad);

	GST_PAD_STREAM_LOCK(self->sinkpad);
	gst_gpmf_demux_restart(self, std::move(plan), seqnum);
	{
		ObjectLocker lock(self);
		st.segment = segment;
	}
	GstEvent *flushStop = gst_event_new_flush_stop(TRUE);
	gst_event_set_seqnum(flushStop, seqnum);
	gst_pad_push_event(srcpad, flushStop);
	if (flags & GST_SEEK_FLAG_SEGMENT) {
		GstMessage *message =
		    gst_message_new_segment_start(GST_OBJECT(self), GST_FORMAT_TIME, gint64(segment.start));
		gst_message_set_seqnum(message, seqnum);
		gst_element_post_message(GST_ELEMENT(self), message);
	}
	GST_DEBUG_OBJECT(self, "seek to %" GST_TIME_FORMAT ": %zu samples from there",
			 GST_TIME_ARGS(segment.start), st.plan.samples.size());
	gst_pad_start_task(self->sinkpad, (GstTaskFunction)gst_gpmf_demux_loop, self->sinkpad, nullptr);
	GST_PAD_STREAM_UNLOCK(self->sinkpad);
	return TRUE;
}

static gboolean gst_gpmf_demux_handle_seek(GstGpmfDemux *self, GstPad *srcpad, GstEvent *event)
{
	gdouble rate;
	GstFormat format;
	GstSeekFlags flags;
	gst_event_parse_seek(event, &rate, &format, &flags, nullptr, nullptr, nullptr, nullptr);
	if (format != GST_FORMAT_TIME || rate != 1.0 || !(flags & GST_SEEK_FLAG_FLUSH)) {
		GST_DEBUG_OBJECT(self,
				 "only flushing TIME seeks at rate 1 are supported (format %s, rate %f)",
				 gst_format_get_name(format), rate);
		return FALSE;
	}
	bool pull;
	{
		ObjectLocker lock(self);
		pull = self->state->pullMode;
	}
	return pull ? gst_gpmf_demux_pull_mode_seek(self, srcpad, event)
		    : gst_gpmf_demux_push_mode_seek(self, event);
}

static gboolean gst_gpmf_demux_src_event(GstPad *pad, GstObject *parent, GstEvent *event)
{
	auto *self = GST_GPMF_DEMUX(parent);
	if (GST_EVENT_TYPE(event) != GST_EVENT_SEEK)
		return gst_pad_event_default(pad, parent, event);
	const gboolean ok =
	    guard(self, FALSE, "seek", [&]() { return gst_gpmf_demux_handle_seek(self, pad, event); });
	gst_event_unref(event);
	return ok;
}

static gboolean gst_gpmf_demux_src_query(GstPad *pad, GstObject *parent, GstQuery *query)
{
	auto *self = GST_GPMF_DEMUX(parent);
	GstGpmfDemuxState &st = *self->state;
	switch (GST_QUERY_TYPE(query)) {
	case GST_QUERY_DURATION: {
		GstFormat format;
		gst_query_parse_duration(query, &format, nullptr);
		GstClockTime duration = GST_CLOCK_TIME_NONE;
		{
			ObjectLocker lock(self);
			if (st.index)
				duration = st.index->duration();
		}
		if (format != GST_FORMAT_TIME || !GST_CLOCK_TIME_IS_VALID(duration))
			return FALSE;
		gst_query_set_duration(query, GST_FORMAT_TIME, gint64(duration));
		return TRUE;
	}
	case GST_QUERY_POSITION: {
		GstFormat format;
		gst_query_parse_position(query, &format, nullptr);
		GstClockTime position;
		{
			ObjectLocker lock(self);
			position = st.position;
		}
		if (format != GST_FORMAT_TIME || !GST_CLOCK_TIME_IS_VALID(position))
			return FALSE;
		gst_query_set_position(query, GST_FORMAT_TIME, gint64(position));
		return TRUE;
	}
	case GST_QUERY_SEEKING: {
		GstFormat format;
		gst_query_parse_seeking(query, &format, nullptr, nullptr, nullptr);
		if (format != GST_FORMAT_TIME)
			return FALSE;
		GstClockTime duration = GST_CLOCK_TIME_NONE;
		bool pull;
		{
			ObjectLocker lock(self);
			if (st.index)
				duration = st.index->duration();
			pull = st.pullMode;
		}
		const bool seekable = pull || gst_gpmf_demux_upstream_seekable(self);
		gst_query_set_seeking(query, GST_FORMAT_TIME, seekable, 0,
				      GST_CLOCK_TIME_IS_VALID(duration) ? gint64(duration) : -1);
		return TRUE;
	}
	default:
		return gst_pad_query_default(pad, parent, query);
	}
}

/* Activation and state. */

static gboolean gst_gpmf_demux_sink_activate(GstPad *pad, [[maybe_unused]] GstObject *parent)
{
	GstQuery *query = gst_query_new_scheduling();
	bool pull = false;
	if (gst_pad_peer_query(pad, query))
		pull = gst_query_has_scheduling_mode_with_flags(query, GST_PAD_MODE_PULL,
								GST_SCHEDULING_FLAG_SEEKABLE);
	gst_query_unref(query);
	GST_DEBUG_OBJECT(pad, "activating in %s mode", pull ? "pull" : "push");
	return gst_pad_activate_mode(pad, pull ? GST_PAD_MODE_PULL : GST_PAD_MODE_PUSH, TRUE);
}

static gboolean gst_gpmf_demux_sink_activate_mode(GstPad *pad, GstObject *parent, GstPadMode mode,
						  gboolean active)
{
	auto *self = GST_GPMF_DEMUX(parent);
	if (mode == GST_PAD_MODE_PUSH) {
		ObjectLocker lock(self);
		self->state->pullMode = false;
		return TRUE;
	}
	if (mode != GST_PAD_MODE_PULL)
		return FALSE;
	if (!active)
		return gst_pad_stop_task(pad);
	{
		ObjectLocker lock(self);
		self->state->pullMode = true;
	}
	return gst_pad_start_task(pad, (GstTaskFunction)gst_gpmf_demux_loop, pad, nullptr);
}

static void gst_gpmf_demux_reset(GstGpmfDemux *self)
{
	GstGpmfDemuxState &st = *self->state;
	{
		ObjectLocker lock(self);
		st.index.reset();
		gst_segment_init(&st.segment, GST_FORMAT_TIME);
		st.position = GST_CLOCK_TIME_NONE;
		st.pendingSeek.reset();
	}
	GstPad *srcpad;
	{
		ObjectLocker lock(self);
		srcpad = std::exchange(st.srcpad, nullptr);
	}
	if (srcpad) {
		gst_element_remove_pad(GST_ELEMENT(self), srcpad);
		gst_object_unref(srcpad);
	}
	st.plan = {};
	st.next = 0;
	st.segmentsPushed = 0;
	st.tagsPushed = false;
	st.discont = true;
	st.ended = false;
	st.errorPosted = false;
	st.seqnum = gst_util_seqnum_next();
	st.bytesRead = 0;
	gst_gpmf_demux_push_reset(self);
}

static GstStateChangeReturn gst_gpmf_demux_change_state(GstElement *element, GstStateChange transition)
{
	auto *self = GST_GPMF_DEMUX(element);
	if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
		gst_gpmf_demux_reset(self);
	const GstStateChangeReturn ret =
	    GST_ELEMENT_CLASS(gst_gpmf_demux_parent_class)->change_state(element, transition);
	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
		gst_gpmf_demux_reset(self); // the pads are inactive: no streaming thread runs
	return ret;
}

/* GObject. */

static void gst_gpmf_demux_init(GstGpmfDemux *self)
{
	self->state = new GstGpmfDemuxState();
	self->state->push.adapter = gst_adapter_new();
	gst_segment_init(&self->state->segment, GST_FORMAT_TIME);
	self->state->seqnum = gst_util_seqnum_next();

	self->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
	gst_pad_set_activate_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_gpmf_demux_sink_activate));
	gst_pad_set_activatemode_function(self->sinkpad,
					  GST_DEBUG_FUNCPTR(gst_gpmf_demux_sink_activate_mode));
	gst_pad_set_chain_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_gpmf_demux_chain));
	gst_pad_set_event_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_gpmf_demux_sink_event));
	gst_element_add_pad(GST_ELEMENT(self), self->sinkpad);
}

static void gst_gpmf_demux_finalize(GObject *object)
{
	auto *self = GST_GPMF_DEMUX(object);
	GstGpmfDemuxState *st = self->state;
	if (st->srcpad)
		gst_object_unref(st->srcpad);
	g_object_unref(st->push.adapter);
	delete st;
	self->state = nullptr;
	G_OBJECT_CLASS(gst_gpmf_demux_parent_class)->finalize(object);
}

static void gst_gpmf_demux_class_init(GstGpmfDemuxClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);

	object_class->finalize = gst_gpmf_demux_finalize;
	element_class->change_state = GST_DEBUG_FUNCPTR(gst_gpmf_demux_change_state);

	gst_element_class_add_static_pad_template(element_class, &sink_template);
	gst_element_class_add_static_pad_template(element_class, &src_template);
	gst_element_class_set_static_metadata(
	    element_class, "GoPro telemetry demuxer", "Codec/Demuxer",
	    "Reads only the GoPro telemetry (gpmd) track of an MP4/MOV/360 file, with the buffers, "
	    "segments and tags qtdemux gives it, without reading the video",
	    "The gst-gpmf authors");
}
