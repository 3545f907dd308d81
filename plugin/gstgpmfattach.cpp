// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfattach: a GstAggregator that puts on every video frame the GoPro telemetry of its time.
// This file: the element (type, properties, pads, what the pads receive, queries, states);
// gstgpmfattach-output.cpp: aggregate() (frames held until their telemetry, the metas put on
// them); gstgpmfattach-telemetry.cpp: the decoded telemetry and what one frame gets from it.

/**
 * SECTION:element-gpmfattach
 * @title: gpmfattach
 *
 * Puts on every video frame the GoPro GPMF telemetry recorded during it, so that elements and
 * applications downstream read it from the frame itself: a #GstCustomMeta named `GstGpmfMeta`
 * (see gstgpmfmeta.h) with the frame's `record` (the NDJSON "payload" record gpmfparse would
 * write for the frame's span) and typed fields (`latitude`, `longitude`, `altitude`,
 * `speed-2d`, `speed-3d`, `course`, `gps-fix`, `gps-age`, `utc`, `tz-offset`, `acceleration`,
 * `rotation`, `gravity`, `camera-orientation`, `image-orientation`, `iso`, `shutter`, `pts`,
 * `duration`), and one #GstVideoRegionOfInterestMeta of type `face` per face the camera
 * detected (HERO6 and later), in pixels of the video's caps, with a `detection` parameter
 * structure (`id`, and `confidence`, `smile`, `blink` as the camera wrote them: percent on
 * HERO8 and later).
 *
 * The `video` pad takes any video, raw or encoded (e.g. `video/x-h264` straight from qtdemux);
 * its buffers go out unchanged but for the metas (no copy of their data), with its caps,
 * segment and tags. The `gpmf` pad takes what gpmfparse takes: the `gpmd` track as qtdemux or
 * gpmfdemux expose it (`meta/x-gst-fourcc-gpmd`) or a raw dump (`application/x-gpmf`).
 *
 * A frame gets the samples whose times fall in [PTS, PTS + duration), matched on running time.
 * GPMF payloads last about a second and some streams reach back before their payload (FACE
 * with its TIMO), so a frame is held until the telemetry after it has come: a second of
 * telemetry past the frame's end at least, more when a stream reaches further back. A frame
 * waits at most #GstGpmfAttach:max-delay of video past its end, then goes out with the
 * telemetry there is (a WARNING, once per stream); once the gpmf pad is at EOS, frames go out at
 * once (an INFO message when the telemetry ended before the video). Frames before any
 * telemetry (the gpmf pad not linked, or nothing on it when their time ran out) get no meta (an
 * INFO message, once).
 *
 * In live pipelines a frame goes out when its time comes: set the `latency` property to how
 * long frames may wait for their telemetry (about 1.5 s). In pipelines that are not live,
 * latency means nothing but how much GstAggregator lets a pad queue, so gpmfattach raises it
 * to 300 ms while it runs, if it was left at 0; and frames waiting for their telemetry are
 * handed over to GstAggregator's thread in batches (one every two payloads, of up to 128
 * frames, within max-delay), not one by one.
 *
 * The gpmf pad's data never waits in GstAggregator's queue (the element takes it as it comes),
 * so the gpmf pad's upstream is held back only while the telemetry is far ahead of the video.
 * Frames that wait for telemetry wait in the element, not in their upstream's thread: qtdemux
 * needs no `queue` on the video branch, even when the file is pushed to it in its own order (a
 * second of video before the telemetry that covers it).
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=GX010001.MP4 ! qtdemux name=d d.video_0 ! gpmfattach name=a
 * ! fakesink d.meta_0 ! a.gpmf
 * gst-launch-1.0 filesrc location=GX010001.MP4 ! qtdemux name=d d.video_0 ! queue ! decodebin !
 * videoconvert ! gpmfattach name=a ! autovideosink d.meta_0 ! a.gpmf
 * gst-launch-1.0 filesrc location=GX010001.MP4 ! qtdemux ! queue ! gpmfattach name=a ! avdec_h264 !
 * fakesink filesrc location=GX010001.MP4 ! gpmfdemux ! a.gpmf
 * ]|
 *
 * Since: 0.1
 */

#include "gstgpmfattach.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "gstgpmf-utils.h"
#include "gstgpmfattach-private.h"
#include "gstgpmfmeta.h"

GST_DEBUG_CATEGORY(gst_gpmf_attach_debug);
#define GST_CAT_DEFAULT gst_gpmf_attach_debug

using gpmf::gst::ObjectLocker;

namespace
{

enum {
	PROP_0,
	PROP_ATTACH_RECORD,
	PROP_STREAMS,
	PROP_FACES,
	PROP_MAX_DELAY,
};

// The field marking the EOS the element gives GstAggregator for its gpmf pad (a debug aid).
constexpr const char *kOwnField = "gpmfattach-own";

// The gpmf pad holds back its upstream when this many payloads wait beyond the video.
constexpr std::size_t kMaxPayloadsAhead = 64;

// When not live, the video probe holds frames back for the aggregator's thread to take with the
// next frame it lets through: once this many payloads came since the last (the frames complete
// after the first payload wait for the second: half the hand-overs) ...
constexpr std::size_t kBatchPayloads = 2;
// ... or one payload came and the frames held weigh this much (high bit rates, raw video) ...
constexpr gsize kBatchBytes = 16 << 20;
// ... or this many frames are held (two payloads of 60 fps video).
constexpr std::size_t kBatchFrames = 128;

GstEvent *markEvent(GstEvent *event, const char *field)
{
	gst_structure_set(gst_event_writable_structure(event), field, G_TYPE_BOOLEAN, TRUE, nullptr);
	return event;
}

bool isSerialized(GstEvent *event)
{
	return gst_event_type_get_flags(GST_EVENT_TYPE(event)) & GST_EVENT_TYPE_SERIALIZED;
}

bool isSerialized(GstQuery *query)
{
	// GST_QUERY_IS_SERIALIZED mixes two enums, which C++20 deprecates.
	return (unsigned(GST_QUERY_TYPE(query)) & unsigned(GST_QUERY_TYPE_SERIALIZED)) != 0;
}

} // namespace

static GstStaticPadTemplate video_template =
    GST_STATIC_PAD_TEMPLATE("video", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static GstStaticPadTemplate gpmf_template = GST_STATIC_PAD_TEMPLATE(
    "gpmf", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS("meta/x-gst-fourcc-gpmd; application/x-gpmf"));

static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE_WITH_CODE(GstGpmfAttach, gst_gpmf_attach, GST_TYPE_AGGREGATOR,
			GST_DEBUG_CATEGORY_INIT(gst_gpmf_attach_debug, "gpmfattach", 0,
						"GoPro telemetry on video frames"))
GST_ELEMENT_REGISTER_DEFINE(gpmfattach, "gpmfattach", GST_RANK_NONE, GST_TYPE_GPMF_ATTACH)

/* Properties. */

static void gst_gpmf_attach_set_property(GObject *object, guint prop_id, const GValue *value,
					 GParamSpec *pspec)
{
	auto *self = GST_GPMF_ATTACH(object);
	gst_gpmf_attach_guard(self, 0, "set_property", [&]() {
		ObjectLocker lock(self);
		GstGpmfAttachSettings &s = self->state->settings;
		switch (prop_id) {
		case PROP_ATTACH_RECORD:
			s.attachRecord = g_value_get_boolean(value);
			break;
		case PROP_STREAMS: {
			const gchar *text = g_value_get_string(value);
			s.streams = text ? text : "";
			s.streamKeys = gpmf::gst::parseStreams(GST_CAT_DEFAULT, object, text);
			s.version++;
			break;
		}
		case PROP_FACES:
			s.faces = g_value_get_boolean(value);
			break;
		case PROP_MAX_DELAY:
			s.maxDelay = g_value_get_uint64(value);
			break;
		default:
			G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
			break;
		}
		return 0;
	});
}

static void gst_gpmf_attach_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	auto *self = GST_GPMF_ATTACH(object);
	ObjectLocker lock(self);
	const GstGpmfAttachSettings &s = self->state->settings;
	switch (prop_id) {
	case PROP_ATTACH_RECORD:
		g_value_set_boolean(value, s.attachRecord);
		break;
	case PROP_STREAMS:
		g_value_set_string(value, s.streams.c_str());
		break;
	case PROP_FACES:
		g_value_set_boolean(value, s.faces);
		break;
	case PROP_MAX_DELAY:
		g_value_set_uint64(value, s.maxDelay);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

/* The gpmf pad's input, taken in its upstream thread (see GstGpmfAttachState). */

// Tells GstAggregator the gpmf pad has ended, so that it aggregates on the video alone.
static void gst_gpmf_attach_end_gpmf_pad(GstGpmfAttach *self)
{
	GstAggregator *aggregator = GST_AGGREGATOR(self);
	GST_AGGREGATOR_CLASS(gst_gpmf_attach_parent_class)
	    ->sink_event_pre_queue(aggregator, self->gpmfpad, markEvent(gst_event_new_eos(), kOwnField));
}

static GstFlowReturn gst_gpmf_attach_gpmf_flow(const GstGpmfAttachState &st)
{
	if (st.gpmfFlushing || st.stopping)
		return GST_FLOW_FLUSHING;
	return st.videoDone ? GST_FLOW_EOS : GST_FLOW_OK;
}

static GstFlowReturn gst_gpmf_attach_take_buffer(GstGpmfAttach *self, GstBuffer *buffer)
{
	GstGpmfAttachState &st = *self->state;
	std::unique_lock lock(st.lock);
	// Memory stays bounded: upstream waits while the telemetry is far ahead of the video.
	st.moved.wait(lock, [&st]() {
		// Frames the video probe holds back are not counted in payloadsAhead: the gpmf pad
		// does not wait on them (its upstream may be theirs), up to a limit.
		return st.gpmfFlushing || st.stopping || st.videoDone ||
		       st.pendingBuffers + st.payloadsAhead < kMaxPayloadsAhead ||
		       (!st.openBatch.empty() && st.pendingBuffers < 2 * kMaxPayloadsAhead);
	});
	const GstFlowReturn ret = gst_gpmf_attach_gpmf_flow(st);
	if (ret != GST_FLOW_OK)
		return ret;
	GstGpmfAttachInput input(GstGpmfAttachInput::Kind::Buffer);
	input.buffer = gst_buffer_ref(buffer);
	st.pending.push_back(std::move(input));
	st.pendingBuffers++;
	st.gpmfNews++;
	return GST_FLOW_OK;
}

static GstPadProbeReturn gst_gpmf_attach_gpmf_probe(GstPad *, GstPadProbeInfo *info, gpointer user_data)
{
	auto *self = GST_GPMF_ATTACH(user_data);
	GST_PAD_PROBE_INFO_FLOW_RETURN(info) =
	    gst_gpmf_attach_guard(self, GST_FLOW_ERROR, "gpmf probe", [&]() {
		    GstFlowReturn ret = GST_FLOW_OK;
		    if (GstBuffer *buffer = gst_pad_probe_info_get_buffer(info)) {
			    ret = gst_gpmf_attach_take_buffer(self, buffer);
		    } else if (GstBufferList *list = gst_pad_probe_info_get_buffer_list(info)) {
			    const guint n = gst_buffer_list_length(list);
			    for (guint i = 0; i < n && ret == GST_FLOW_OK; i++)
				    ret = gst_gpmf_attach_take_buffer(self, gst_buffer_list_get(list, i));
		    }
		    return ret;
	    });
	// Taken: GstAggregator never sees the gpmf pad's buffers.
	gst_mini_object_unref(GST_MINI_OBJECT_CAST(GST_PAD_PROBE_INFO_DATA(info)));
	GST_PAD_PROBE_INFO_DATA(info) = nullptr;
	return GST_PAD_PROBE_HANDLED;
}

// The gpmf pad's events: into `pending`, in order with its buffers. Only flushes (GstAggregator
// counts them on every pad) and the element's own EOS go on to GstAggregator.
static GstFlowReturn gst_gpmf_attach_gpmf_event(GstGpmfAttach *self, GstEvent *event)
{
	using Kind = GstGpmfAttachInput::Kind;
	GstGpmfAttachState &st = *self->state;
	GstAggregatorClass *parent = GST_AGGREGATOR_CLASS(gst_gpmf_attach_parent_class);
	GstAggregator *aggregator = GST_AGGREGATOR(self);
	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_FLUSH_START: {
		{
			std::lock_guard lock(st.lock);
			st.gpmfFlushing = true;
			st.pending.clear();
			st.pendingBuffers = 0;
			st.moved.notify_all();
		}
		return parent->sink_event_pre_queue(aggregator, self->gpmfpad, event);
	}
	case GST_EVENT_FLUSH_STOP: {
		{
			std::lock_guard lock(st.lock);
			st.gpmfFlushing = false;
			st.videoDone = false;
			st.pending.clear();
			st.pendingBuffers = 0;
			st.pending.emplace_back(Kind::Reset);
		}
		const GstFlowReturn ret = parent->sink_event_pre_queue(aggregator, self->gpmfpad, event);
		gst_gpmf_attach_end_gpmf_pad(self); // the flush undid it
		return ret;
	}
	default:
		break;
	}

	std::lock_guard lock(st.lock);
	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_STREAM_START:
		st.pending.emplace_back(Kind::Reset);
		break;
	case GST_EVENT_CAPS: {
		GstCaps *caps;
		gst_event_parse_caps(event, &caps);
		const GstStructure *s = gst_caps_get_structure(caps, 0);
		GstGpmfAttachInput input(Kind::Caps);
		input.raw = s && gst_structure_has_name(s, "application/x-gpmf");
		st.pending.push_back(std::move(input));
		break;
	}
	case GST_EVENT_SEGMENT: {
		const GstSegment *segment;
		gst_event_parse_segment(event, &segment);
		GstGpmfAttachInput input(Kind::Segment);
		gst_segment_copy_into(segment, &input.segment);
		st.pending.push_back(std::move(input));
		break;
	}
	case GST_EVENT_TAG: {
		GstTagList *tags;
		gst_event_parse_tag(event, &tags);
		GstGpmfAttachInput input(Kind::Tags);
		input.tags = gst_tag_list_ref(tags);
		st.pending.push_back(std::move(input));
		break;
	}
	case GST_EVENT_GAP: {
		GstGpmfAttachInput input(Kind::Gap);
		gst_event_parse_gap(event, &input.pts, &input.duration);
		st.pending.push_back(std::move(input));
		break;
	}
	case GST_EVENT_EOS:
		st.pending.emplace_back(Kind::Eos);
		break;
	default:
		break;
	}
	st.gpmfNews = kBatchPayloads;
	st.moved.notify_all(); // aggregate() may wait for the telemetry of the last frames
	const GstFlowReturn ret = gst_gpmf_attach_gpmf_flow(st);
	gst_event_unref(event);
	return ret == GST_FLOW_EOS ? GST_FLOW_OK : ret;
}

static GstFlowReturn gst_gpmf_attach_sink_event_pre_queue(GstAggregator *aggregator, GstAggregatorPad *pad,
							  GstEvent *event)
{
	auto *self = GST_GPMF_ATTACH(aggregator);
	GstGpmfAttachState &st = *self->state;
	if (pad == self->gpmfpad)
		return gst_gpmf_attach_guard(self, GST_FLOW_ERROR, "gpmf event",
					     [&]() { return gst_gpmf_attach_gpmf_event(self, event); });
	if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_START) {
		std::lock_guard lock(st.lock);
		gst_gpmf_attach_clear_batches(st);
		st.moved.notify_all(); // aggregate() may wait for telemetry: the flush stops it
	} else if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP) {
		// The aggregator's thread may be running: it drops its frames when it sees this.
		std::lock_guard lock(st.lock);
		gst_gpmf_attach_clear_batches(st);
		st.videoFlushes++;
		st.videoDone = false;
		st.absentSent = false;
		st.moved.notify_all();
	}
	return GST_AGGREGATOR_CLASS(gst_gpmf_attach_parent_class)
	    ->sink_event_pre_queue(aggregator, pad, event);
}

void gst_gpmf_attach_clear_batches(GstGpmfAttachState &st)
{
	for (GstBuffer *b : st.takeOpenBatch())
		gst_buffer_unref(b);
	st.inFlight.clear();
	for (GstGpmfAttachBatch &batch : st.closedBatches)
		for (GstBuffer *b : batch.frames)
			gst_buffer_unref(b);
	st.closedBatches.clear();
}

std::vector<GstBuffer *> gst_gpmf_attach_take_batches(GstGpmfAttach *self, const void *item)
{
	GstGpmfAttachState &st = *self->state;
	std::vector<GstBuffer *> frames;
	std::lock_guard lock(st.lock);
	// What was let through before it and never came (dropped) is forgotten with it.
	if (auto f = std::find(st.inFlight.begin(), st.inFlight.end(), item); f != st.inFlight.end())
		st.inFlight.erase(st.inFlight.begin(), f + 1);
	auto it = std::find_if(st.closedBatches.begin(), st.closedBatches.end(),
			       [item](const GstGpmfAttachBatch &b) { return b.item == item; });
	if (it == st.closedBatches.end())
		return frames;
	++it;
	for (auto b = st.closedBatches.begin(); b != it; ++b)
		frames.insert(frames.end(), b->frames.begin(), b->frames.end());
	st.closedBatches.erase(st.closedBatches.begin(), it);
	GST_LOG_OBJECT(self, "%zu frames held back before %" GST_PTR_FORMAT, frames.size(), item);
	return frames;
}

// Whether the video probe holds the frame back (with `lock`): while aggregate() would hold it
// anyway, waiting for its telemetry, until a batch is due (kBatchPayloads, kBatchBytes,
// kBatchFrames) or its first frame would wait past max-delay.
static bool gst_gpmf_attach_holds(GstGpmfAttachState &st, GstBuffer *buffer)
{
	using gpmf::attach::kNoNs;
	using gpmf::attach::Ns;
	if (!st.batching || st.gpmfNews >= kBatchPayloads ||
	    (st.gpmfNews > 0 && st.openBatchBytes >= kBatchBytes) ||
	    st.openBatch.size() + 1 >= kBatchFrames || st.probeSegment.format != GST_FORMAT_TIME ||
	    st.probeSegment.rate <= 0)
		return false;
	GstClockTime end = GST_BUFFER_PTS(buffer);
	if (!GST_CLOCK_TIME_IS_VALID(end))
		return false;
	if (GST_BUFFER_DURATION_IS_VALID(buffer))
		end += GST_BUFFER_DURATION(buffer);
	const GstClockTime running = gst_segment_to_running_time(&st.probeSegment, GST_FORMAT_TIME, end);
	if (!GST_CLOCK_TIME_IS_VALID(running) || running > GstClockTime(G_MAXINT64 / 2))
		return false;
	const Ns frameEnd = Ns(running);
	if (st.completeUntil != kNoNs && frameEnd <= st.completeUntil)
		return false; // its telemetry is there: out now
	if (st.openBatchEnd != kNoNs && GST_CLOCK_TIME_IS_VALID(st.maxDelay) &&
	    frameEnd - st.openBatchEnd >= Ns(std::min<GstClockTime>(st.maxDelay, G_MAXINT64 / 2)))
		return false; // the first frame held is late
	if (st.openBatch.empty())
		st.openBatchEnd = frameEnd;
	return true;
}

/*
 * The video pad's input, before GstAggregator queues it (the video's upstream thread). At the
 * first frame GstAggregator is told the gpmf pad has ended, before it looks at it, and when the
 * gpmf pad is not linked, the frames are told no telemetry will come (they do not wait for it).
 * When not live, frames are held back in batches (see GstGpmfAttachState).
 */
static GstPadProbeReturn gst_gpmf_attach_video_probe(GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
	auto *self = GST_GPMF_ATTACH(user_data);
	GstGpmfAttachState &st = *self->state;
	const GstPadProbeType type = GST_PAD_PROBE_INFO_TYPE(info);
	if (type & GST_PAD_PROBE_TYPE_PULL)
		return GST_PAD_PROBE_OK; // a query on its way back
	const void *item = GST_PAD_PROBE_INFO_DATA(info);
	if (type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
		GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
		if (!isSerialized(event))
			return GST_PAD_PROBE_OK;
		if (GST_EVENT_TYPE(event) == GST_EVENT_SEGMENT) {
			std::lock_guard lock(st.lock);
			gst_event_copy_segment(event, &st.probeSegment);
		}
	} else if (type & GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM) {
		if (!isSerialized(GST_PAD_PROBE_INFO_QUERY(info)))
			return GST_PAD_PROBE_OK;
	} else if (type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
		GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
		item = gst_buffer_list_length(list) ? gst_buffer_list_get(list, 0) : nullptr;
	}
	const bool buffer = type & GST_PAD_PROBE_TYPE_BUFFER;
	return gst_gpmf_attach_guard(self, GST_PAD_PROBE_OK, "video probe", [&]() {
		bool inject = false, absent = false, hold = false;
		GstFlowReturn flow = GST_FLOW_OK;
		{
			std::lock_guard lock(st.lock);
			if (buffer || (type & GST_PAD_PROBE_TYPE_BUFFER_LIST)) {
				inject = !std::exchange(st.eosInjected, true);
				if (!gst_pad_is_linked(GST_PAD(self->gpmfpad)) &&
				    !std::exchange(st.absentSent, true)) {
					st.pending.emplace_back(GstGpmfAttachInput::Kind::Absent);
					absent = true;
				}
			}
			if (st.stopping || GST_PAD_IS_FLUSHING(pad) || st.videoDone)
				hold = false; // GstAggregator answers
			else
				hold = buffer && !inject &&
				       gst_gpmf_attach_holds(st, GST_PAD_PROBE_INFO_BUFFER(info));
			if (hold) {
				GstBuffer *held = GST_PAD_PROBE_INFO_BUFFER(info);
				st.openBatch.push_back(gst_buffer_ref(held));
				st.openBatchBytes += gst_buffer_get_size(held);
			} else {
				if (buffer)
					st.gpmfNews = 0;
				if (item)
					st.inFlight.push_back(item);
				if (!st.openBatch.empty() && item) {
					// What GstAggregator gets now goes after the frames held.
					GstGpmfAttachBatch batch;
					batch.frames = st.takeOpenBatch();
					batch.item = item;
					st.closedBatches.push_back(std::move(batch));
				}
			}
		}
		if (absent)
			GST_INFO_OBJECT(self, "the gpmf pad is not linked: no telemetry");
		if (inject)
			gst_gpmf_attach_end_gpmf_pad(self);
		if (!hold)
			return GST_PAD_PROBE_OK;
		gst_mini_object_unref(GST_MINI_OBJECT_CAST(GST_PAD_PROBE_INFO_DATA(info)));
		GST_PAD_PROBE_INFO_DATA(info) = nullptr;
		GST_PAD_PROBE_INFO_FLOW_RETURN(info) = flow;
		return GST_PAD_PROBE_HANDLED;
	});
}

/* Events and queries the aggregator hands over. */

static gboolean gst_gpmf_attach_sink_event(GstAggregator *aggregator, GstAggregatorPad *pad, GstEvent *event)
{
	auto *self = GST_GPMF_ATTACH(aggregator);
	GstAggregatorClass *parent = GST_AGGREGATOR_CLASS(gst_gpmf_attach_parent_class);
	return gst_gpmf_attach_guard(self, gboolean(FALSE), "sink_event", [&]() -> gboolean {
		GstGpmfAttachState &st = *self->state;
		const GstEventType type = GST_EVENT_TYPE(event);
		if (pad == self->gpmfpad) {
			// Only flushes and the element's own EOS come this far (the rest was taken before
			// GstAggregator queued it).
			return parent->sink_event(aggregator, pad, event);
		}
		if (isSerialized(event))
			gst_gpmf_attach_take_frames(self, gst_gpmf_attach_take_batches(self, event));

		switch (type) {
		case GST_EVENT_CAPS:
			// Serialized: from the aggregator's thread, in order with the frames.
			gst_gpmf_attach_queue_event(self, event);
			return TRUE;
		case GST_EVENT_SEGMENT: {
			const GstSegment *segment;
			gst_event_parse_segment(event, &segment);
			gst_segment_copy_into(segment, &st.videoSegment);
			gst_gpmf_attach_queue_event(self, gst_event_ref(event));
			return parent->sink_event(aggregator, pad, event);
		}
		case GST_EVENT_TAG: {
			GstTagList *tags;
			gst_event_parse_tag(event, &tags);
			gst_gpmf_attach_read_header(self, tags);
			gst_gpmf_attach_queue_event(self, event);
			return TRUE;
		}
		case GST_EVENT_STREAM_START:
			st.saidAbsent = st.saidNone = st.saidEnded = st.saidLate = st.saidUntimed = false;
			return parent->sink_event(aggregator, pad, event);
		case GST_EVENT_EOS:
		case GST_EVENT_GAP:
		case GST_EVENT_FLUSH_START:
		case GST_EVENT_FLUSH_STOP:
			return parent->sink_event(aggregator, pad, event);
		default:
			if (isSerialized(event)) {
				gst_gpmf_attach_queue_event(self, event); // out after the frames before it
				return TRUE;
			}
			return parent->sink_event(aggregator, pad, event);
		}
	});
}

static gboolean gst_gpmf_attach_sink_query_pre_queue(GstAggregator *aggregator, GstAggregatorPad *pad,
						     GstQuery *query)
{
	// The gpmf pad's data never reaches GstAggregator, which would hold a serialized query
	// until the pad's queue is empty: answer those at once.
	auto *self = GST_GPMF_ATTACH(aggregator);
	if (pad == self->gpmfpad)
		return GST_AGGREGATOR_GET_CLASS(aggregator)->sink_query(aggregator, pad, query);
	return GST_AGGREGATOR_CLASS(gst_gpmf_attach_parent_class)
	    ->sink_query_pre_queue(aggregator, pad, query);
}

// The frames the element may hold at once: those within max-delay of the newest frame, what
// GstAggregator queues (its latency) and the video probe's batch. 0: no bound (max-delay
// unbounded, or caps without a frame rate).
static guint gst_gpmf_attach_frames_held(GstGpmfAttach *self, GstCaps *caps)
{
	GstClockTime maxDelay;
	{
		ObjectLocker lock(self);
		maxDelay = self->state->settings.maxDelay;
	}
	guint64 latency = 0;
	g_object_get(self, "latency", &latency, nullptr);
	latency = std::max<guint64>(latency, kQueueLatency);
	const GstStructure *s = caps && !gst_caps_is_empty(caps) ? gst_caps_get_structure(caps, 0) : nullptr;
	gint n = 0, d = 1;
	if (!GST_CLOCK_TIME_IS_VALID(maxDelay) || maxDelay > G_MAXUINT64 / 4 || !s ||
	    !gst_structure_get_fraction(s, "framerate", &n, &d) || n <= 0 || d <= 0)
		return 0;
	const guint64 frames = gst_util_uint64_scale_int_ceil(maxDelay + latency, n, d) / GST_SECOND + 1;
	return guint(std::min<guint64>(frames + kBatchFrames + 2, G_MAXUINT / 2));
}

/*
 * Upstream's buffer pools must outlast the frames held here for their telemetry: a pool that
 * runs dry stops the video, and with it (qtdemux feeds both tracks from one thread) the
 * telemetry the held frames wait for, for good. So a pool downstream bounded (an encoder's small
 * pool) may grow by as many buffers as are held; its minimum, what is allocated up front, stays.
 */
static void gst_gpmf_attach_make_room(GstGpmfAttach *self, GstQuery *query)
{
	GstCaps *caps = nullptr;
	gst_query_parse_allocation(query, &caps, nullptr);
	const guint held = gst_gpmf_attach_frames_held(self, caps);
	for (guint i = 0; i < gst_query_get_n_allocation_pools(query); i++) {
		GstBufferPool *pool = nullptr;
		guint size, min, max;
		gst_query_parse_nth_allocation_pool(query, i, &pool, &size, &min, &max);
		if (max != 0) {
			const guint grown = held == 0 || max > G_MAXUINT - held ? 0 : max + held;
			GST_DEBUG_OBJECT(self, "upstream pool %u: at most %u buffers rather than %u", i, grown, max);
			gst_query_set_nth_allocation_pool(query, i, pool, size, min, grown);
		}
		if (pool)
			gst_object_unref(pool);
	}
}

static gboolean gst_gpmf_attach_sink_query(GstAggregator *aggregator, GstAggregatorPad *pad, GstQuery *query)
{
	auto *self = GST_GPMF_ATTACH(aggregator);
	return gst_gpmf_attach_guard(self, gboolean(FALSE), "sink_query", [&]() -> gboolean {
		GstPad *srcpad = GST_AGGREGATOR_SRC_PAD(aggregator);
		if (pad == self->gpmfpad) {
			switch (GST_QUERY_TYPE(query)) {
			case GST_QUERY_CAPS: {
				GstCaps *filter, *templ = gst_pad_get_pad_template_caps(GST_PAD(pad));
				gst_query_parse_caps(query, &filter);
				GstCaps *result =
				    filter ? gst_caps_intersect_full(filter, templ, GST_CAPS_INTERSECT_FIRST)
					   : gst_caps_ref(templ);
				gst_query_set_caps_result(query, result);
				gst_caps_unref(result);
				gst_caps_unref(templ);
				return TRUE;
			}
			case GST_QUERY_ACCEPT_CAPS: {
				GstCaps *caps, *templ = gst_pad_get_pad_template_caps(GST_PAD(pad));
				gst_query_parse_accept_caps(query, &caps);
				gst_query_set_accept_caps_result(query, gst_caps_is_subset(caps, templ));
				gst_caps_unref(templ);
				return TRUE;
			}
			case GST_QUERY_ALLOCATION:
				return FALSE;
			case GST_QUERY_DRAIN:
				return TRUE;
			default:
				return GST_AGGREGATOR_CLASS(gst_gpmf_attach_parent_class)
				    ->sink_query(aggregator, pad, query);
			}
		}
		if (isSerialized(query))
			gst_gpmf_attach_take_frames(self, gst_gpmf_attach_take_batches(self, query));
		// The video passes through: its caps and allocation are downstream's.
		switch (GST_QUERY_TYPE(query)) {
		case GST_QUERY_CAPS:
		case GST_QUERY_ACCEPT_CAPS:
			if (gst_pad_peer_query(srcpad, query))
				return TRUE;
			if (GST_QUERY_TYPE(query) == GST_QUERY_ACCEPT_CAPS) {
				gst_query_set_accept_caps_result(query, TRUE);
			} else {
				GstCaps *filter;
				gst_query_parse_caps(query, &filter);
				gst_query_set_caps_result(query, filter ? filter : GST_CAPS_ANY);
			}
			return TRUE;
		case GST_QUERY_ALLOCATION: {
			const gboolean answered = gst_pad_peer_query(srcpad, query);
			gst_gpmf_attach_make_room(self, query);
			return answered;
		}
		case GST_QUERY_DRAIN:
			// Serialized: the frames before it go out first, with what telemetry there is.
			gst_gpmf_attach_drain(self);
			return gst_pad_peer_query(srcpad, query);
		default:
			return GST_AGGREGATOR_CLASS(gst_gpmf_attach_parent_class)
			    ->sink_query(aggregator, pad, query);
		}
	});
}

static gboolean gst_gpmf_attach_src_query(GstAggregator *aggregator, GstQuery *query)
{
	auto *self = GST_GPMF_ATTACH(aggregator);
	switch (GST_QUERY_TYPE(query)) {
	case GST_QUERY_CAPS:
	case GST_QUERY_POSITION:
	case GST_QUERY_DURATION:
	case GST_QUERY_URI:
	case GST_QUERY_SEEKING:
		// The video passes through: these are its upstream's.
		return gst_pad_peer_query(GST_PAD(self->videopad), query);
	default:
		return GST_AGGREGATOR_CLASS(gst_gpmf_attach_parent_class)->src_query(aggregator, query);
	}
}

static gboolean gst_gpmf_attach_negotiate(GstAggregator *)
{
	// The output has the video's caps, set when they come (gst_aggregator_set_src_caps).
	return TRUE;
}

static GstClockTime gst_gpmf_attach_get_next_time(GstAggregator *aggregator)
{
	// Live: the next frame is due when the last one ended (plus the latency).
	return gst_aggregator_simple_get_next_time(aggregator);
}

static GstFlowReturn gst_gpmf_attach_flush(GstAggregator *aggregator)
{
	// Every pad flushed (a seek); the aggregator's thread is stopped. What the pads got since
	// their FLUSH_STOP waits in their queues.
	auto *self = GST_GPMF_ATTACH(aggregator);
	return gst_gpmf_attach_guard(self, GST_FLOW_ERROR, "flush", [&]() {
		gst_gpmf_attach_reset(self, true);
		return GST_FLOW_OK;
	});
}

static gboolean gst_gpmf_attach_start(GstAggregator *aggregator)
{
	auto *self = GST_GPMF_ATTACH(aggregator);
	return gst_gpmf_attach_guard(self, gboolean(FALSE), "start", [&]() -> gboolean {
		GstGpmfAttachState &st = *self->state;
		{
			std::lock_guard lock(st.lock);
			st.pending.clear();
			st.pendingBuffers = st.payloadsAhead = 0;
			st.gpmfFlushing = st.videoDone = st.eosInjected = st.absentSent = false;
			st.videoFlushes = st.seenVideoFlushes = 0;
			st.batching = false;
			st.gpmfNews = 0;
			st.completeUntil = gpmf::attach::kNoNs;
			gst_segment_init(&st.probeSegment, GST_FORMAT_UNDEFINED);
			gst_gpmf_attach_clear_batches(st);
		}
		gst_gpmf_attach_reset(self, true);
		st.session.reset();
		st.rawInput = false;
		st.width = st.height = 0;
		st.fpsN = 0;
		st.fpsD = 1;
		st.tzOffset.reset();
		st.appliedVersion = ~std::uint64_t(0);
		st.saidAbsent = st.saidNone = st.saidEnded = st.saidLate = st.saidUntimed = false;
		return TRUE;
	});
}

static gboolean gst_gpmf_attach_stop(GstAggregator *aggregator)
{
	auto *self = GST_GPMF_ATTACH(aggregator);
	return gst_gpmf_attach_guard(self, gboolean(FALSE), "stop", [&]() -> gboolean {
		GstGpmfAttachState &st = *self->state;
		{
			std::lock_guard lock(st.lock);
			st.pending.clear();
			st.pendingBuffers = 0;
			st.batching = false;
			gst_gpmf_attach_clear_batches(st);
		}
		gst_gpmf_attach_reset(self, true);
		st.latencyChecked = false;
		st.live = true;
		if (std::exchange(st.latencyRaised, false))
			g_object_set(self, "latency", guint64(0), nullptr);
		return TRUE;
	});
}

static GstStateChangeReturn gst_gpmf_attach_change_state(GstElement *element, GstStateChange transition)
{
	auto *self = GST_GPMF_ATTACH(element);
	GstGpmfAttachState &st = *self->state;
	{
		// Whatever waits in the gpmf pad's probe or in aggregate() must let go before the pads
		// and the aggregator's thread stop.
		std::lock_guard lock(st.lock);
		if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
			st.stopping = true;
		else if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
			st.stopping = false;
		st.moved.notify_all();
	}
	return GST_ELEMENT_CLASS(gst_gpmf_attach_parent_class)->change_state(element, transition);
}

/* GObject. */

GstGpmfAttachState::GstGpmfAttachState(GstGpmfAttach *self)
    : session({}, [self](gpmf::SessionEvent &event) { return gst_gpmf_attach_on_session_event(self, event); })
{
	gst_segment_init(&videoSegment, GST_FORMAT_TIME);
	gst_segment_init(&probeSegment, GST_FORMAT_UNDEFINED);
}

GstGpmfAttachState::~GstGpmfAttachState()
{
	for (GstGpmfAttachHeld &h : held) {
		if (h.buffer)
			gst_buffer_unref(h.buffer);
		if (h.event)
			gst_event_unref(h.event);
	}
	for (GstEvent *e : pendingTags)
		gst_event_unref(e);
	gst_gpmf_attach_clear_batches(*this);
}

static void gst_gpmf_attach_init(GstGpmfAttach *self)
{
	GstElementClass *klass = GST_ELEMENT_GET_CLASS(self);
	self->videopad = GST_AGGREGATOR_PAD(
	    gst_pad_new_from_template(gst_element_class_get_pad_template(klass, "video"), "video"));
	self->gpmfpad = GST_AGGREGATOR_PAD(
	    gst_pad_new_from_template(gst_element_class_get_pad_template(klass, "gpmf"), "gpmf"));
	gst_element_add_pad(GST_ELEMENT(self), GST_PAD(self->videopad));
	gst_element_add_pad(GST_ELEMENT(self), GST_PAD(self->gpmfpad));
	const auto buffers =
	    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST);
	const auto video = static_cast<GstPadProbeType>(buffers | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
							GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM);
	gst_pad_add_probe(GST_PAD(self->videopad), video, gst_gpmf_attach_video_probe, self, nullptr);
	gst_pad_add_probe(GST_PAD(self->gpmfpad), buffers, gst_gpmf_attach_gpmf_probe, self, nullptr);
	self->state = new GstGpmfAttachState(self);
}

static void gst_gpmf_attach_finalize(GObject *object)
{
	auto *self = GST_GPMF_ATTACH(object);
	delete self->state;
	self->state = nullptr;
	G_OBJECT_CLASS(gst_gpmf_attach_parent_class)->finalize(object);
}

static void gst_gpmf_attach_class_init(GstGpmfAttachClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
	GstAggregatorClass *aggregator_class = GST_AGGREGATOR_CLASS(klass);

	object_class->set_property = gst_gpmf_attach_set_property;
	object_class->get_property = gst_gpmf_attach_get_property;
	object_class->finalize = gst_gpmf_attach_finalize;
	element_class->change_state = GST_DEBUG_FUNCPTR(gst_gpmf_attach_change_state);

	aggregator_class->aggregate = GST_DEBUG_FUNCPTR(gst_gpmf_attach_aggregate);
	aggregator_class->sink_event = GST_DEBUG_FUNCPTR(gst_gpmf_attach_sink_event);
	aggregator_class->sink_event_pre_queue = GST_DEBUG_FUNCPTR(gst_gpmf_attach_sink_event_pre_queue);
	aggregator_class->sink_query = GST_DEBUG_FUNCPTR(gst_gpmf_attach_sink_query);
	aggregator_class->sink_query_pre_queue = GST_DEBUG_FUNCPTR(gst_gpmf_attach_sink_query_pre_queue);
	aggregator_class->src_query = GST_DEBUG_FUNCPTR(gst_gpmf_attach_src_query);
	aggregator_class->negotiate = GST_DEBUG_FUNCPTR(gst_gpmf_attach_negotiate);
	aggregator_class->get_next_time = GST_DEBUG_FUNCPTR(gst_gpmf_attach_get_next_time);
	aggregator_class->flush = GST_DEBUG_FUNCPTR(gst_gpmf_attach_flush);
	aggregator_class->start = GST_DEBUG_FUNCPTR(gst_gpmf_attach_start);
	aggregator_class->stop = GST_DEBUG_FUNCPTR(gst_gpmf_attach_stop);

	const auto playing =
	    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
	/**
	 * GstGpmfAttach:attach-record:
	 *
	 * Whether the meta holds the frame's NDJSON payload record (field `record`), besides the
	 * typed fields. Writing it is most of the element's work.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_ATTACH_RECORD,
	    g_param_spec_boolean(
		"attach-record", "Attach record",
		"Put the frame's telemetry as an NDJSON \"payload\" record (gpmfparse's, for the "
		"frame's span) in the GstGpmfMeta's \"record\" field, besides the typed fields.",
		TRUE, playing));
	/**
	 * GstGpmfAttach:streams:
	 *
	 * The streams to decode and attach, by FourCC (e.g. "GPS5,ACCL,FACE"); empty attaches every
	 * stream. The typed fields come from these streams only. Applies from the next payload.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_STREAMS,
	    g_param_spec_string(
		"streams", "Streams",
		"Comma-separated FourCCs of the streams to attach, e.g. \"GPS5,ACCL,FACE\" (case "
		"sensitive; shorter keys are padded with spaces). Empty attaches every stream.",
		"", playing));
	/**
	 * GstGpmfAttach:faces:
	 *
	 * Whether the faces the camera detected (FACE) become #GstVideoRegionOfInterestMeta of type
	 * "face" on the frames (needs width and height in the video caps).
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_FACES,
	    g_param_spec_boolean(
		"faces", "Faces",
		"Put a GstVideoRegionOfInterestMeta of type \"face\" on the frame for each face the "
		"camera detected (FACE), in pixels of the video caps' width and height.",
		TRUE, playing));
	/**
	 * GstGpmfAttach:max-delay:
	 *
	 * How long a frame may wait for its telemetry, in nanoseconds of video past the frame's end:
	 * once the video has run that far, the frame goes out with the telemetry there is (and the
	 * element warns once). GST_CLOCK_TIME_NONE waits for the telemetry however long it takes.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_MAX_DELAY,
	    g_param_spec_uint64(
		"max-delay", "Maximum delay",
		"Longest a frame waits for its telemetry, in nanoseconds of video past the frame's "
		"end; then it goes out with the telemetry there is. GPMF payloads last a second, so "
		"frames wait about that long. -1 (GST_CLOCK_TIME_NONE): no limit.",
		0, G_MAXUINT64, 2 * GST_SECOND, playing));

	gst_element_class_add_pad_template(
	    element_class, gst_pad_template_new_from_static_pad_template_with_gtype(&video_template,
										    GST_TYPE_AGGREGATOR_PAD));
	gst_element_class_add_pad_template(
	    element_class, gst_pad_template_new_from_static_pad_template_with_gtype(&gpmf_template,
										    GST_TYPE_AGGREGATOR_PAD));
	gst_element_class_add_pad_template(
	    element_class,
	    gst_pad_template_new_from_static_pad_template_with_gtype(&src_template, GST_TYPE_AGGREGATOR_PAD));
	gst_element_class_set_static_metadata(
	    element_class, "GoPro GPMF telemetry on video frames", "Video/Metadata/Combiner",
	    "Attaches to every video frame the GoPro GPMF telemetry of its time (GstGpmfMeta) and the "
	    "faces the camera detected (GstVideoRegionOfInterestMeta)",
	    "The gst-gpmf authors");
	gst_gpmf_meta_register();
}
