// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfattach's instance and state, shared by its files: gstgpmfattach.cpp (the element: pads,
// events, queries, properties) and gstgpmfattach-output.cpp (aggregate(): frames out, metas on).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gst/gst.h>

#include "gpmf/session.h"

#include "gstgpmf-utils.h"
#include "gstgpmfattach-telemetry.h"
#include "gstgpmfattach.h"

GST_DEBUG_CATEGORY_EXTERN(gst_gpmf_attach_debug);

/// The latency set when the pipeline is not live and it was left at 0 (see aggregate()).
inline constexpr GstClockTime kQueueLatency = 300 * GST_MSECOND;

/// Property values, guarded by GST_OBJECT_LOCK.
struct GstGpmfAttachSettings {
	bool attachRecord = true;
	bool faces = true;
	GstClockTime maxDelay = 2 * GST_SECOND;
	std::string streams;
	std::vector<gpmf::FourCC> streamKeys;
	std::uint64_t version = 0; ///< changes with streams (the session's options)
};

/// What the gpmf pad received, in stream order, for the aggregator's thread. Owns its
/// references.
struct GstGpmfAttachInput {
	enum class Kind {
		Buffer,	 ///< a payload (or a piece of a raw dump)
		Caps,	 ///< `raw`: a raw GPMF dump (application/x-gpmf), else timed payloads
		Segment, ///< segment
		Tags,	 ///< tags (the udta atoms: the header)
		Gap,	 ///< [pts, pts + duration) holds no telemetry
		Eos,	 ///< the telemetry ended
		Absent,	 ///< the gpmf pad is not linked: no telemetry will come
		Reset,	 ///< a flush or a new stream: what came before is gone
	};

	explicit GstGpmfAttachInput(Kind k) : kind(k) { gst_segment_init(&segment, GST_FORMAT_TIME); }
	GstGpmfAttachInput(GstGpmfAttachInput &&other) noexcept
	    : kind(other.kind), buffer(std::exchange(other.buffer, nullptr)),
	      tags(std::exchange(other.tags, nullptr)), segment(other.segment), raw(other.raw),
	      pts(other.pts), duration(other.duration)
	{
	}
	GstGpmfAttachInput(const GstGpmfAttachInput &) = delete;
	GstGpmfAttachInput &operator=(const GstGpmfAttachInput &) = delete;
	GstGpmfAttachInput &operator=(GstGpmfAttachInput &&) = delete;
	~GstGpmfAttachInput()
	{
		if (buffer)
			gst_buffer_unref(buffer);
		if (tags)
			gst_tag_list_unref(tags);
	}

	Kind kind;
	GstBuffer *buffer = nullptr;
	GstTagList *tags = nullptr;
	GstSegment segment;
	bool raw = false;
	GstClockTime pts = GST_CLOCK_TIME_NONE, duration = GST_CLOCK_TIME_NONE;
};

/// The output side: a frame waiting for its telemetry, or one of the video pad's serialized
/// events, kept in order with the frames. Owns its reference.
struct GstGpmfAttachHeld {
	GstBuffer *buffer = nullptr;						 ///< a frame
	GstEvent *event = nullptr;						 ///< or an event
	gpmf::attach::Ns begin = gpmf::attach::kNoNs, end = gpmf::attach::kNoNs; ///< running time
	bool durationKnown = true;
};

/// Frames the video pad's probe held back, to go to the aggregator's thread before `item` (the
/// buffer, event or query GstAggregator queued after them; compared by address only). Owns the
/// frames' references.
struct GstGpmfAttachBatch {
	std::vector<GstBuffer *> frames;
	const void *item = nullptr;
};

/*
 * C++ state of the element (GObject zero-fills the instance, so it lives here).
 *
 * GstAggregator calls aggregate() only once every pad holds data or has ended. GPMF comes once a
 * second, from qtdemux's thread, which also feeds the video: waiting on both pads would stall one
 * on the other. So the gpmf pad's buffers and events are taken before GstAggregator queues them,
 * in the gpmf pad's upstream thread, into `pending`, and GstAggregator is told the gpmf pad has
 * ended (an EOS of the element's own): it aggregates on the video alone, and aggregate() takes
 * `pending` with each frame.
 *
 * Handing a frame from the video's thread to the aggregator's wakes that thread, which costs
 * tens of microseconds on a VM, several frames' telemetry. When the pipeline is not live, the
 * video pad's probe holds frames back (`openBatch`) and lets one through to GstAggregator once
 * two payloads came on the gpmf pad since the last (kBatchPayloads; or one, past kBatchBytes),
 * or kBatchFrames were held: aggregate() takes the frames held before it from `closedBatches`
 * first. A serialized event or query closes the batch too (sink_event and sink_query take it
 * first), so the order holds. Frames are held only while their telemetry has not come
 * (`completeUntil`), or has come in the payload just arrived (they then wait a payload more,
 * within max-delay: one hand-over a payload becomes one every two); when aggregate() finds held
 * frames complete and nothing let through is waiting for it, it takes them itself.
 *
 * Threads: the aggregator's thread (aggregate(), the serialized events and queries it hands to
 * sink_event and sink_query, and flush/start/stop while that thread is stopped) owns everything
 * below "aggregate thread". The pads' upstream threads touch only what `lock` guards. Nothing
 * calls into GstAggregator with `lock` held.
 */
struct GstGpmfAttachState {
	explicit GstGpmfAttachState(GstGpmfAttach *self);
	~GstGpmfAttachState();

	/// The frames of the open batch, which is then empty (with `lock`).
	std::vector<GstBuffer *> takeOpenBatch()
	{
		openBatchEnd = gpmf::attach::kNoNs;
		openBatchBytes = 0;
		return std::exchange(openBatch, {});
	}

	// Guarded by GST_OBJECT_LOCK.
	GstGpmfAttachSettings settings;

	// Guarded by `lock`.
	std::mutex lock;
	std::condition_variable moved; ///< pending grew or was taken; flushing, stopping, ended
	std::deque<GstGpmfAttachInput> pending;
	std::size_t pendingBuffers = 0; ///< Buffer items in pending
	std::size_t payloadsAhead = 0;	///< stored payloads past the video (published by aggregate())
	bool gpmfFlushing = false;
	bool stopping = false;		///< going to READY: nothing waits any more
	bool videoDone = false;		///< the output ended: the telemetry is no longer wanted
	bool eosInjected = false;	///< GstAggregator was told the gpmf pad ended
	bool absentSent = false;	///< the gpmf pad was found unlinked
	std::uint64_t videoFlushes = 0; ///< FLUSH_STOPs on the video pad
	bool batching = false;		///< not live: the video probe holds frames back
	std::vector<GstBuffer *> openBatch;
	gpmf::attach::Ns openBatchEnd = gpmf::attach::kNoNs; ///< the end of its first frame
	gsize openBatchBytes = 0;			     ///< its frames' sizes
	std::deque<GstGpmfAttachBatch> closedBatches;
	/// What the probe let through to GstAggregator and the aggregator's thread has not yet
	/// taken (by address): frames held while it is empty may be taken at once.
	std::deque<const void *> inFlight;
	GstSegment probeSegment; ///< the video's, as the probe saw it
	/// Payloads the gpmf pad got since the probe let a frame through (an event counts as
	/// kBatchPayloads: the next frame goes through).
	std::size_t gpmfNews = 0;
	/// Published by aggregate(): frames ending by then have their telemetry (kNoNs: none).
	gpmf::attach::Ns completeUntil = gpmf::attach::kNoNs;
	GstClockTime maxDelay = GST_CLOCK_TIME_NONE; ///< max-delay, as aggregate() saw it

	// Aggregate thread.
	gpmf::Session session;
	gpmf::attach::Telemetry telemetry;
	gpmf::attach::FrameTelemetry frame;
	std::deque<GstGpmfAttachHeld> held;
	GstSegment videoSegment;
	gpmf::attach::TimeMap gpmfMap; ///< the gpmf pad's segment, as payload times → running time
	bool rawInput = false;
	bool gpmfEos = false, gpmfAbsent = false;
	std::uint64_t appliedVersion = ~std::uint64_t(0);
	std::uint64_t seenVideoFlushes = 0;
	gpmf::attach::Ns videoSeenEnd = gpmf::attach::kNoNs; ///< latest end of a frame taken
	gpmf::attach::Ns videoLow = gpmf::attach::kNoNs;     ///< no later frame starts before this
	gint width = 0, height = 0;			     ///< of the caps in force on the output
	gint fpsN = 0, fpsD = 1;	     ///< of the video's caps (frames without duration)
	std::optional<int> tzOffset;	     ///< minutes, from the header's TZON
	std::vector<GstEvent *> pendingTags; ///< pushed once the output has caps
	bool latencyChecked = false;	     ///< whether the pipeline is live
	bool live = true;		     ///< until latencyChecked
	bool latencyRaised = false;	     ///< the latency property was raised (not live): reset at stop
	// Each said once per stream.
	bool saidAbsent = false, saidNone = false, saidEnded = false, saidLate = false, saidUntimed = false;
};

struct _GstGpmfAttach {
	GstAggregator parent;
	GstAggregatorPad *videopad;
	GstAggregatorPad *gpmfpad;
	GstGpmfAttachState *state;
};

/*
 * Exception boundary: every function GStreamer calls goes through this, so no C++ exception
 * (in practice std::bad_alloc) ever unwinds into C code.
 */
template <typename R, typename Fn>
R gst_gpmf_attach_guard(GstGpmfAttach *self, R onError, const char *where, Fn &&fn) noexcept
{
	return gpmf::gst::guardCall(GST_ELEMENT(self), onError, where,
				    "Out of memory while attaching GPMF telemetry", std::forward<Fn>(fn));
}

/* gstgpmfattach.cpp */

/// Drops the frames the video probe held back (with `lock`).
void gst_gpmf_attach_clear_batches(GstGpmfAttachState &st);
/// The frames the video probe held back before `item` (taken out); none when `item` is not one
/// it let through after held frames. Aggregate thread; called for each frame popped too.
std::vector<GstBuffer *> gst_gpmf_attach_take_batches(GstGpmfAttach *self, const void *item);

/* gstgpmfattach-output.cpp */

/// GstAggregatorClass::aggregate.
GstFlowReturn gst_gpmf_attach_aggregate(GstAggregator *aggregator, gboolean timeout);
/// Frames the video probe held back, taken in order (aggregate thread).
void gst_gpmf_attach_take_frames(GstGpmfAttach *self, std::vector<GstBuffer *> frames);
/// A serialized event of the video pad (aggregate thread): applied now, or after the frames held.
void gst_gpmf_attach_queue_event(GstGpmfAttach *self, GstEvent *event);
/// Sends every held frame on with the telemetry there is (DRAIN). Aggregate thread.
GstFlowReturn gst_gpmf_attach_drain(GstGpmfAttach *self);
/// Drops the held frames and the stream position (flush); `telemetry` also the telemetry.
void gst_gpmf_attach_reset(GstGpmfAttach *self, bool telemetry);
/// The session's handler: decoded payloads into the telemetry store.
bool gst_gpmf_attach_on_session_event(GstGpmfAttach *self, gpmf::SessionEvent &event);
/// The header's udta atoms in a tag list: the camera's time zone.
void gst_gpmf_attach_read_header(GstGpmfAttach *self, const GstTagList *tags);
