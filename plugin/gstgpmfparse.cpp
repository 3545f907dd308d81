// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse: decodes GoPro GPMF telemetry into one NDJSON record per buffer. The element is
// GStreamer glue over gpmf::Session: pads, events, states and the session's events live here;
// the properties in gstgpmfparse-settings.cpp, the bus messages in gstgpmfparse-messages.cpp,
// the tags and TOC in gstgpmfparse-toc.cpp.

/**
 * SECTION:element-gpmfparse
 * @title: gpmfparse
 *
 * Decodes GoPro GPMF telemetry (accelerometer, gyroscope, GPS, orientation, exposure, ...) into
 * timestamped JSON. The input is either the `gpmd` track of a GoPro MP4/LRV/360 file as qtdemux
 * exposes it (`meta/x-gst-fourcc-gpmd`, one payload of about one second per buffer), or a raw
 * dump of such a track (`application/x-gpmf`), which is cut into payloads at top-level `DEVC`s.
 *
 * Each output buffer holds one JSON object followed by a newline, so `filesink` writes NDJSON:
 * a `header` record (camera, firmware, settings and HiLights from the MP4 udta atoms that
 * qtdemux sends as `private-qt-tag` tags), one `payload` record per payload (or per `interval`),
 * and a `summary` record at EOS. Buffers carry the PTS and duration of the telemetry they hold.
 *
 * The element starts no thread of its own: it decodes in the streaming thread that hands it
 * the buffers. Behind qtdemux, which reads the whole file in its thread, put a `queue` before
 * gpmfparse when the other streams (video, audio) must not wait for the decoding, e.g. when
 * playing. With #GstGpmfParse:threads above 1, helper threads write the JSON of decoded
 * payloads while the next ones are decoded; the records are still pushed in stream order, from
 * the streaming thread (for files: a few payloads are held back meanwhile).
 *
 * HiLights are also pushed downstream as a #GstToc and posted as a TOC message. With
 * #GstGpmfParse:post-messages, every record is also posted as an element message named `gpmf`
 * (fields `json`, `record-type`, `index`, `timestamp`, `stream-time`, `running-time` and
 * `duration`), either at once or when the pipeline clock reaches the record.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=GX010001.MP4 ! qtdemux ! gpmfparse ! filesink location=telemetry.ndjson
 * gst-launch-1.0 filesrc location=GX010001.MP4 ! qtdemux ! queue ! gpmfparse threads=2 ! filesink
 * location=telemetry.ndjson
 * gst-launch-1.0 filesrc location=GX010001.MP4 ! qtdemux name=d d.video_0 ! queue ! decodebin ! autovideosink
 * d. ! queue ! gpmfparse post-messages=true message-timing=clock ! fakesink sync=true
 * gst-launch-1.0 filesrc location=track.bin ! application/x-gpmf ! gpmfparse ! filesink
 * location=telemetry.ndjson
 * ]|
 *
 * Since: 0.1
 */

#include "gstgpmfparse.h"

#include <atomic>
#include <cstdint>
#include <exception>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpmf/session.h"

#include "gstgpmf-utils.h"
#include "gstgpmfparse-messages.h"
#include "gstgpmfparse-settings.h"
#include "gstgpmfparse-toc.h"

GST_DEBUG_CATEGORY(gst_gpmf_parse_debug);
#define GST_CAT_DEFAULT gst_gpmf_parse_debug

using gpmf::gst::BufferMap;
using gpmf::gst::ObjectLocker;

namespace
{

// GPMF payloads last about a second; used when a buffer carries no duration.
constexpr GstClockTime kNominalPayloadDuration = GST_SECOND;

constexpr std::uint64_t kNoVersion = std::numeric_limits<std::uint64_t>::max();

} // namespace

static bool gst_gpmf_parse_on_event(GstGpmfParse *self, gpmf::SessionEvent &event);

// C++ state of the element; GObject only zero-fills the instance struct, so it lives here.
struct GstGpmfParseState {
	explicit GstGpmfParseState(GstGpmfParse *self)
	    : session({}, [self](gpmf::SessionEvent &event) { return gst_gpmf_parse_on_event(self, event); })
	{
		gst_segment_init(&segment, GST_FORMAT_TIME);
	}

	// Guarded by GST_OBJECT_LOCK.
	GstGpmfParseSettings settings;

	// The streaming thread only (state changes run with the pads inactive). The session calls
	// gst_gpmf_parse_on_event() from the thread that calls it, so the same holds there.
	gpmf::Session session;
	std::uint64_t appliedVersion = kNoVersion; ///< the settings' options the session has
	unsigned threads = 1;			   ///< SessionOptions::threads, set at READY_TO_PAUSED
	GstGpmfParseSnapshot snap;
	GstSegment segment;
	GstFlowReturn flow = GST_FLOW_OK; ///< the push's that stopped the session, or ERROR
	bool needDiscont = true;
	GstClockTime lastEnd = GST_CLOCK_TIME_NONE; ///< where a payload without PTS starts
	std::uint64_t recordIndex = 0;
	gint consecutiveErrors = 0;
	GstGpmfParseTags tags;

	// Read from other threads (queries).
	std::atomic<bool> rawInput = false;

	// Thread safe: clock callbacks, flushes and state changes use it too.
	GstGpmfParseMessageScheduler scheduler;
};

struct _GstGpmfParse {
	GstElement parent;
	GstPad *sinkpad;
	GstPad *srcpad;
	GstGpmfParseState *state;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS("meta/x-gst-fourcc-gpmd; application/x-gpmf"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-json, format=(string)gpmf"));

G_DEFINE_TYPE_WITH_CODE(GstGpmfParse, gst_gpmf_parse, GST_TYPE_ELEMENT,
			GST_DEBUG_CATEGORY_INIT(gst_gpmf_parse_debug, "gpmfparse", 0,
						"GoPro GPMF telemetry parser"))
GST_ELEMENT_REGISTER_DEFINE(gpmfparse, "gpmfparse", GST_RANK_NONE, GST_TYPE_GPMF_PARSE)

GType gst_gpmf_parse_message_timing_get_type(void)
{
	static const GEnumValue values[] = {
	    {GST_GPMF_PARSE_MESSAGE_TIMING_IMMEDIATE, "Post each message as soon as the record is decoded",
	     "immediate"},
	    {GST_GPMF_PARSE_MESSAGE_TIMING_CLOCK,
	     "Post each message when the pipeline clock reaches the record's running time", "clock"},
	    {0, nullptr, nullptr},
	};
	static gsize type = 0;
	if (g_once_init_enter(&type)) {
		GType t = g_enum_register_static("GstGpmfParseMessageTiming", values);
		g_once_init_leave(&type, t);
	}
	return type;
}

/*
 * Exception boundary: every function GStreamer calls goes through this, so no C++ exception
 * (in practice std::bad_alloc) ever unwinds into C code.
 */
template <typename R, typename Fn>
static R gst_gpmf_parse_guard(GstGpmfParse *self, R onError, const char *where, Fn &&fn) noexcept
{
	return gpmf::gst::guardCall(GST_ELEMENT(self), onError, where, "Out of memory while decoding GPMF",
				    std::forward<Fn>(fn));
}

/* Settings. */

static void gst_gpmf_parse_set_property(GObject *object, guint prop_id, const GValue *value,
					GParamSpec *pspec)
{
	auto *self = GST_GPMF_PARSE(object);
	gst_gpmf_parse_guard(self, 0, "set_property", [&]() {
		ObjectLocker lock(self);
		if (!self->state->settings.set(object, prop_id, value))
			G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		return 0;
	});
}

static void gst_gpmf_parse_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	auto *self = GST_GPMF_PARSE(object);
	ObjectLocker lock(self);
	if (!self->state->settings.get(prop_id, value))
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

// The streaming thread, before a buffer or an event: takes the settings, and gives the session
// its options when they changed (copied only then).
static void gst_gpmf_parse_apply_settings(GstGpmfParse *self)
{
	GstGpmfParseState &st = *self->state;
	std::optional<gpmf::SessionOptions> options;
	{
		ObjectLocker lock(self);
		const GstGpmfParseSettings &s = st.settings;
		st.snap = s.snapshot();
		if (s.optionsVersion() != st.appliedVersion) {
			options = s.options();
			st.appliedVersion = s.optionsVersion();
		}
	}
	if (options) {
		options->threads = st.threads;
		st.session.setOptions(std::move(*options));
	}
}

// State changes (pads inactive): the session writes records with this many threads.
static void gst_gpmf_parse_set_threads(GstGpmfParse *self, unsigned threads)
{
	GstGpmfParseState &st = *self->state;
	st.threads = threads;
	st.appliedVersion = kNoVersion; // the session gets the options again, with these threads
	gst_gpmf_parse_apply_settings(self);
}

/* Output: what the session gives. */

// Pushes one record; the text's own memory becomes the buffer's (no copy of tens of kB).
static bool gst_gpmf_parse_push_record(GstGpmfParse *self, std::string &json, const char *type, GstClockTime pts,
				       GstClockTime duration)
{
	GstGpmfParseState &st = *self->state;
	const std::uint64_t index = st.recordIndex++;
	if (st.snap.postMessages) {
		GstClockTime due;
		GstMessage *message = gst_gpmf_parse_record_message(GST_ELEMENT(self), st.segment,
								    {json, type, index, pts, duration}, &due);
		if (st.snap.timing == GST_GPMF_PARSE_MESSAGE_TIMING_CLOCK)
			st.scheduler.add(GST_ELEMENT(self), message, due);
		else
			gst_element_post_message(GST_ELEMENT(self), message);
	}

	const gsize size = json.size();
	auto *owned = new std::string(std::move(json));
	GstBuffer *buffer = gst_buffer_new_wrapped_full(
	    GST_MEMORY_FLAG_READONLY, owned->data(), owned->capacity(), 0, size, owned,
	    [](gpointer data) { delete static_cast<std::string *>(data); });
	GST_BUFFER_PTS(buffer) = pts;
	GST_BUFFER_DURATION(buffer) = duration;
	GST_BUFFER_OFFSET(buffer) = index;
	if (st.needDiscont) {
		GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
		st.needDiscont = false;
	}
	GST_LOG_OBJECT(self, "pushing %s record %" G_GUINT64_FORMAT " at %" GST_TIME_FORMAT, type,
		       guint64(index), GST_TIME_ARGS(pts));
	const GstFlowReturn ret = gst_pad_push(self->srcpad, buffer);
	if (ret == GST_FLOW_OK)
		return true;
	st.flow = ret; // anything else stops the session
	return false;
}

// A warning from the session; a payload that gave nothing counts toward max-errors.
static bool gst_gpmf_parse_warn(GstGpmfParse *self, const gpmf::SessionEvent &event)
{
	GstGpmfParseState &st = *self->state;
	const int messageLength = int(event.message.size()), detailLength = int(event.detail.size());
	if (event.payloadLost && st.snap.maxErrors >= 0 && ++st.consecutiveErrors > st.snap.maxErrors) {
		// (The detail says where: "payload 3 at 0:00:03.000000000, ...".)
		GST_ELEMENT_ERROR(self, STREAM, DECODE, ("Too many corrupt GPMF payloads"),
				  ("%d in a row, the last: %.*s: %.*s", st.consecutiveErrors, messageLength,
				   event.message.data(), detailLength, event.detail.data()));
		st.flow = GST_FLOW_ERROR;
		return false;
	}
	GST_ELEMENT_WARNING(self, STREAM, DECODE, ("%.*s", messageLength, event.message.data()),
			    ("%.*s", detailLength, event.detail.data()));
	return true;
}

// The header and summary records stand at an instant: where the session says, else at the
// segment's start.
static GstClockTime gst_gpmf_parse_instant(GstGpmfParse *self, GstClockTime pts)
{
	const GstSegment &segment = self->state->segment;
	if (GST_CLOCK_TIME_IS_VALID(pts))
		return pts;
	return segment.format == GST_FORMAT_TIME ? segment.start : 0;
}

// The session's handler, in stream order, in the thread that called the session.
static bool gst_gpmf_parse_on_event(GstGpmfParse *self, gpmf::SessionEvent &event)
{
	using Kind = gpmf::SessionEvent::Kind;
	switch (event.kind) {
	case Kind::Header:
		return gst_gpmf_parse_push_record(self, *event.json, "header", gst_gpmf_parse_instant(self, event.pts), 0);
	case Kind::Payload:
		self->state->consecutiveErrors = 0;
		if (event.part <= 0) {
			for (const gpmf::Diagnostic &d : event.payload->diagnostics) // logged, not posted
				GST_WARNING_OBJECT(self, "payload %" G_GUINT64_FORMAT " partly decoded: %s",
						   guint64(event.payload->index), d.message().c_str());
		}
		if (!event.json)
			return true;
		return gst_gpmf_parse_push_record(self, *event.json, "payload", event.pts, event.duration);
	case Kind::Summary:
		return gst_gpmf_parse_push_record(self, *event.json, "summary", gst_gpmf_parse_instant(self, event.pts), 0);
	case Kind::Gap:
		// Filtered out, corrupt or empty: downstream still learns time passed.
		if (GST_CLOCK_TIME_IS_VALID(event.pts))
			gst_pad_push_event(self->srcpad, gst_event_new_gap(event.pts, event.duration));
		return true;
	case Kind::Warning:
		return gst_gpmf_parse_warn(self, event);
	}
	return true;
}

// What a session call gives upstream: OK, or the flow return that stopped the session (it
// stays stopped until a flush or a new stream).
static GstFlowReturn gst_gpmf_parse_result(GstGpmfParse *self, bool ok)
{
	GstGpmfParseState &st = *self->state;
	if (ok)
		return GST_FLOW_OK;
	return st.flow != GST_FLOW_OK ? st.flow : GST_FLOW_ERROR;
}

/* Input. */

static GstFlowReturn gst_gpmf_parse_chain(GstPad *, GstObject *parent, GstBuffer *buffer)
{
	auto *self = GST_GPMF_PARSE(parent);
	GstGpmfParseState &st = *self->state;
	g_autoptr(GstBuffer) owned = buffer; // released on every path, exceptions included
	// Without input caps, gpmd and raw input cannot be told apart and downstream has no caps.
	if (!gst_pad_has_current_caps(self->sinkpad)) {
		GST_WARNING_OBJECT(self, "buffer before caps");
		return GST_FLOW_NOT_NEGOTIATED;
	}
	return gst_gpmf_parse_guard(self, GST_FLOW_ERROR, "chain", [&]() {
		if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT)) {
			// The flag goes to this buffer's first record, not to one still being written.
			if (!st.session.flush())
				return gst_gpmf_parse_result(self, false);
			st.needDiscont = true;
		}
		gst_gpmf_parse_apply_settings(self);
		BufferMap map(buffer);
		if (!map) {
			GST_ELEMENT_ERROR(self, STREAM, FAILED, (nullptr), ("cannot map input buffer"));
			return GST_FLOW_ERROR;
		}
		if (st.rawInput)
			return gst_gpmf_parse_result(self, st.session.pushRaw(map.bytes()));

		// A timed payload (qtdemux's): without a PTS it follows the previous one, or starts
		// the segment; without a duration it lasts the nominal second.
		GstClockTime pts = GST_BUFFER_PTS(buffer);
		if (!GST_CLOCK_TIME_IS_VALID(pts)) {
			if (GST_CLOCK_TIME_IS_VALID(st.lastEnd))
				pts = st.lastEnd;
			else
				pts = st.segment.format == GST_FORMAT_TIME ? st.segment.start : 0;
		}
		GstClockTime duration = GST_BUFFER_DURATION(buffer);
		if (!GST_CLOCK_TIME_IS_VALID(duration))
			duration = kNominalPayloadDuration;
		st.lastEnd = pts + duration;
		return gst_gpmf_parse_result(self, st.session.pushPayload(map.bytes(), pts, duration));
	});
}

// What the element keeps of the position in the stream, forgotten.
static void gst_gpmf_parse_forget_position(GstGpmfParseState &st)
{
	st.flow = GST_FLOW_OK; // the session goes on
	st.needDiscont = true;
	st.lastEnd = GST_CLOCK_TIME_NONE;
	st.consecutiveErrors = 0;
	st.scheduler.clear();
}

// Forgets the position in the stream (flush, seek); keeps header, tags and settings.
static void gst_gpmf_parse_reset_position(GstGpmfParse *self)
{
	GstGpmfParseState &st = *self->state;
	st.session.discard(); // records of the time before (flushing, stopped)
	gst_gpmf_parse_forget_position(st);
}

// Back to the state of a new stream: the header is sent again, from the new stream's tags.
static void gst_gpmf_parse_reset_stream(GstGpmfParse *self)
{
	GstGpmfParseState &st = *self->state;
	st.session.reset();
	gst_gpmf_parse_forget_position(st);
	st.tags.clear();
	st.session.setHeader(gpmf::Header());
	gst_segment_init(&st.segment, GST_FORMAT_TIME);
	st.recordIndex = 0;
}

// Rebuilds the header from the stream's udta tags, sends a TOC if the HiLights changed, and
// returns the tag event to forward.
static GstEvent *gst_gpmf_parse_handle_tags(GstGpmfParse *self, GstEvent *event)
{
	GstGpmfParseState &st = *self->state;
	GstTagList *list = nullptr;
	gst_event_parse_tag(event, &list);
	const gpmf::Header &header = st.tags.update(list);
	for (const gpmf::Diagnostic &d : header.diagnostics)
		GST_WARNING_OBJECT(self, "udta: %s", d.message().c_str());
	st.session.setHeader(header);
	if (GstToc *toc = st.tags.newToc()) {
		GST_INFO_OBJECT(self, "%zu HiLights", header.hilights.size());
		gst_pad_push_event(self->srcpad, gst_event_new_toc(toc, FALSE));
		gst_element_post_message(GST_ELEMENT(self), gst_message_new_toc(GST_OBJECT(self), toc, FALSE));
		gst_toc_unref(toc);
	}
	return gst_gpmf_parse_device_tags(event, header);
}

static gboolean gst_gpmf_parse_set_caps(GstGpmfParse *self, GstCaps *caps)
{
	const GstStructure *s = gst_caps_get_structure(caps, 0);
	if (!s)
		return FALSE;
	if (gst_structure_has_name(s, "application/x-gpmf"))
		self->state->rawInput = true;
	else if (gst_structure_has_name(s, "meta/x-gst-fourcc-gpmd"))
		self->state->rawInput = false;
	else
		return FALSE;
	GST_DEBUG_OBJECT(self, "input is %s", self->state->rawInput ? "a raw GPMF dump" : "timed payloads");
	GstCaps *out = gst_static_pad_template_get_caps(&src_template);
	const gboolean ok = gst_pad_push_event(self->srcpad, gst_event_new_caps(out));
	gst_caps_unref(out);
	return ok;
}

// Data needs a segment before it; upstream may end a stream without having sent one.
static void gst_gpmf_parse_ensure_segment(GstGpmfParse *self)
{
	GstEvent *segment = gst_pad_get_sticky_event(self->srcpad, GST_EVENT_SEGMENT, 0);
	if (segment) {
		gst_event_unref(segment);
		return;
	}
	gst_pad_push_event(self->srcpad, gst_event_new_segment(&self->state->segment));
}

// EOS: the rest of a raw dump, the records still being written and the summary, before the EOS.
static void gst_gpmf_parse_end(GstGpmfParse *self)
{
	GstGpmfParseState &st = *self->state;
	gst_gpmf_parse_ensure_segment(self);
	gst_gpmf_parse_apply_settings(self);
	const bool ok = (!st.rawInput || st.session.endRaw()) && st.session.end();
	if (!ok)
		GST_DEBUG_OBJECT(self, "stopped at EOS: %s", gst_flow_get_name(gst_gpmf_parse_result(self, ok)));
}

static bool gst_gpmf_parse_is_serialized(GstEvent *event)
{
	// (GST_EVENT_IS_SERIALIZED mixes enum types, which C++20 deprecates.)
	return gst_event_type_get_flags(GST_EVENT_TYPE(event)) & GST_EVENT_TYPE_SERIALIZED;
}

static gboolean gst_gpmf_parse_sink_event(GstPad *pad, GstObject *parent, GstEvent *event)
{
	auto *self = GST_GPMF_PARSE(parent);
	GstGpmfParseState &st = *self->state;

	return gst_gpmf_parse_guard(self, gboolean(FALSE), "sink_event", [&]() -> gboolean {
		// The records of the payloads before a serialized event go before it; a flush drops
		// them, and EOS has its own ending.
		const GstEventType type = GST_EVENT_TYPE(event);
		if (gst_gpmf_parse_is_serialized(event) && type != GST_EVENT_FLUSH_STOP && type != GST_EVENT_EOS)
			st.session.flush();
		switch (type) {
		case GST_EVENT_CAPS: {
			GstCaps *caps;
			gst_event_parse_caps(event, &caps);
			const gboolean ok = gst_gpmf_parse_set_caps(self, caps);
			gst_event_unref(event);
			return ok;
		}
		case GST_EVENT_STREAM_START:
			gst_gpmf_parse_reset_stream(self);
			break;
		case GST_EVENT_SEGMENT: {
			const GstSegment *segment;
			gst_event_parse_segment(event, &segment);
			if (st.rawInput || segment->format != GST_FORMAT_TIME) {
				// Raw dumps and BYTES input get times of our own, from zero.
				GST_DEBUG_OBJECT(self, "replacing %s segment with a TIME segment",
						 gst_format_get_name(segment->format));
				gst_segment_init(&st.segment, GST_FORMAT_TIME);
				GstEvent *time = gst_event_new_segment(&st.segment);
				gst_event_set_seqnum(time, gst_event_get_seqnum(event));
				gst_event_unref(event);
				return gst_pad_push_event(self->srcpad, time);
			}
			gst_segment_copy_into(segment, &st.segment);
			break;
		}
		case GST_EVENT_TAG:
			event = gst_gpmf_parse_handle_tags(self, event);
			break;
		case GST_EVENT_FLUSH_START:
			// Not serialized: the streaming thread may be pushing; the push returns FLUSHING.
			st.scheduler.clear();
			break;
		case GST_EVENT_FLUSH_STOP:
			gst_gpmf_parse_reset_position(self);
			break;
		case GST_EVENT_EOS:
			// GStreamer forwards EOS even when caps were refused: no stream, no records.
			if (gst_pad_has_current_caps(self->sinkpad))
				gst_gpmf_parse_end(self);
			break;
		default:
			break;
		}
		return gst_pad_event_default(pad, parent, event);
	});
}

static gboolean gst_gpmf_parse_sink_query(GstPad *pad, GstObject *parent, GstQuery *query)
{
	auto *self = GST_GPMF_PARSE(parent);
	// A serialized query (DRAIN, ALLOCATION...) comes from the streaming thread, after the
	// buffers before it: their records go first.
	if (gst_query_type_get_flags(GST_QUERY_TYPE(query)) & GST_QUERY_TYPE_SERIALIZED)
		gst_gpmf_parse_guard(self, false, "sink_query", [self]() { return self->state->session.flush(); });
	return gst_pad_query_default(pad, parent, query);
}

static gboolean gst_gpmf_parse_src_event(GstPad *pad, GstObject *parent, GstEvent *event)
{
	auto *self = GST_GPMF_PARSE(parent);
	if (GST_EVENT_TYPE(event) == GST_EVENT_LATENCY) {
		GstClockTime latency;
		gst_event_parse_latency(event, &latency);
		// Sinks render at running time + latency: messages timed by the clock follow them.
		self->state->scheduler.setLatency(latency);
	}
	return gst_pad_event_default(pad, parent, event);
}

static gboolean gst_gpmf_parse_src_query(GstPad *pad, GstObject *parent, GstQuery *query)
{
	auto *self = GST_GPMF_PARSE(parent);
	switch (GST_QUERY_TYPE(query)) {
	case GST_QUERY_LATENCY: {
		if (!gst_pad_peer_query(self->sinkpad, query))
			return FALSE;
		if (self->state->rawInput) {
			// A raw payload is only known complete when the next one starts.
			gboolean live;
			GstClockTime min, max;
			gst_query_parse_latency(query, &live, &min, &max);
			min += kNominalPayloadDuration;
			if (GST_CLOCK_TIME_IS_VALID(max))
				max += kNominalPayloadDuration;
			gst_query_set_latency(query, live, min, max);
		}
		return TRUE;
	}
	default:
		return gst_pad_query_default(pad, parent, query);
	}
}

static GstStateChangeReturn gst_gpmf_parse_change_state(GstElement *element, GstStateChange transition)
{
	auto *self = GST_GPMF_PARSE(element);
	GstGpmfParseState &st = *self->state;
	return gst_gpmf_parse_guard(self, GST_STATE_CHANGE_FAILURE, "change_state", [&]() {
		switch (transition) {
		case GST_STATE_CHANGE_READY_TO_PAUSED: {
			// Pads are inactive until the parent class activates them.
			guint threads;
			{
				ObjectLocker lock(self);
				threads = st.settings.threads();
			}
			gst_gpmf_parse_set_threads(self, threads ? threads : g_get_num_processors());
			gst_gpmf_parse_reset_stream(self);
			break;
		}
		case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
			st.scheduler.pause();
			break;
		default:
			break;
		}

		GstStateChangeReturn ret =
		    GST_ELEMENT_CLASS(gst_gpmf_parse_parent_class)->change_state(element, transition);
		if (ret == GST_STATE_CHANGE_FAILURE)
			return ret;

		switch (transition) {
		case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
			// The clock and base time are known now.
			st.scheduler.play(element);
			break;
		case GST_STATE_CHANGE_PAUSED_TO_READY:
			// Pads are inactive: no chain function can run concurrently.
			gst_gpmf_parse_reset_stream(self);
			gst_gpmf_parse_set_threads(self, 1); // the session's helpers stop
			break;
		default:
			break;
		}
		return ret;
	});
}

/* GObject. */

static void gst_gpmf_parse_init(GstGpmfParse *self)
{
	self->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
	gst_pad_set_chain_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_gpmf_parse_chain));
	gst_pad_set_event_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_gpmf_parse_sink_event));
	gst_pad_set_query_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_gpmf_parse_sink_query));
	gst_element_add_pad(GST_ELEMENT(self), self->sinkpad);

	self->srcpad = gst_pad_new_from_static_template(&src_template, "src");
	gst_pad_set_event_function(self->srcpad, GST_DEBUG_FUNCPTR(gst_gpmf_parse_src_event));
	gst_pad_set_query_function(self->srcpad, GST_DEBUG_FUNCPTR(gst_gpmf_parse_src_query));
	gst_pad_use_fixed_caps(self->srcpad);
	gst_element_add_pad(GST_ELEMENT(self), self->srcpad);

	self->state = new GstGpmfParseState(self);
}

static void gst_gpmf_parse_finalize(GObject *object)
{
	auto *self = GST_GPMF_PARSE(object);
	delete self->state; // the scheduler drops its messages, the session joins its helpers
	self->state = nullptr;
	G_OBJECT_CLASS(gst_gpmf_parse_parent_class)->finalize(object);
}

static void gst_gpmf_parse_class_init(GstGpmfParseClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);

	object_class->set_property = gst_gpmf_parse_set_property;
	object_class->get_property = gst_gpmf_parse_get_property;
	object_class->finalize = gst_gpmf_parse_finalize;
	element_class->change_state = GST_DEBUG_FUNCPTR(gst_gpmf_parse_change_state);
	GstGpmfParseSettings::install(object_class);

	gst_element_class_add_static_pad_template(element_class, &sink_template);
	gst_element_class_add_static_pad_template(element_class, &src_template);
	gst_element_class_set_static_metadata(
	    element_class, "GoPro GPMF telemetry parser", "Codec/Parser/Metadata",
	    "Decodes GoPro GPMF telemetry (gpmd track or raw dump) into timestamped NDJSON records",
	    "The gst-gpmf authors");

	gst_type_mark_as_plugin_api(GST_TYPE_GPMF_PARSE_MESSAGE_TIMING, static_cast<GstPluginAPIFlags>(0));
}
