// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfattach's instance and state, shared by its files: gstgpmfattach.cpp (the element: pads,
// events, queries, properties) and gstgpmfattach-output.cpp (aggregate(): frames out, metas on).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gst/gst.h>

#include "gpmf/session.h"

#include "gstgpmfattach-telemetry.h"
#include "gstgpmfattach.h"

GST_DEBUG_CATEGORY_EXTERN(gst_gpmf_attach_debug);

/// Property values, guarded by GST_OBJECT_LOCK.
struct GstGpmfAttachSettings {
	bool attachRecord = true;
	bool faces = true;
	GstClockTime maxDelay = 2 * GST_SECOND;
	std::string streams;
	std::vector<gpmf::FourCC> streamKeys;
	std::uint64_t version = 0; ///< changes with streams (the session's options)
};

/// The output side: a frame waiting for its telemetry, or one of the video pad's serialized
/// events, kept in order with the frames. Owns its reference.
struct GstGpmfAttachHeld {
	GstBuffer *buffer = nullptr; ///< a frame
	GstEvent *event = nullptr;   ///< or an event
	gpmf::attach::Ns begin = gpmf::attach::kNoNs, end = gpmf::attach::kNoNs; ///< running time
	bool durationKnown = true;
};

/*
 * C++ state of the element (GObject zero-fills the instance, so it lives here).
 *
 * Threads: the aggregator's thread (aggregate(), the serialized events and queries it hands to
 * sink_event and sink_query, and flush/start/stop while that thread is stopped) owns everything
 * below "aggregate thread". The pads' upstream threads only touch what `lock` guards (the video
 * pad's probe, sink_event_pre_queue). Nothing calls into GstAggregator with `lock` held.
 */
struct GstGpmfAttachState {
	explicit GstGpmfAttachState(GstGpmfAttach *self);
	~GstGpmfAttachState();

	// Guarded by GST_OBJECT_LOCK.
	GstGpmfAttachSettings settings;

	// Guarded by `lock`.
	std::mutex lock;
	bool absentSent = false;	///< the gpmf pad was found unlinked and ended
	bool wakeupSent = false;	///< a wake-up GAP is on its way into the gpmf pad
	bool gpmfEnded = false;		///< the gpmf pad got EOS
	std::uint64_t videoFlushes = 0; ///< FLUSH_STOPs on the video pad
	std::uint64_t gpmfFlushes = 0;	///< and on the gpmf pad
	std::uint64_t videoEventsQueued = 0, videoEventsDone = 0; ///< serialized, on the video pad

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
	std::uint64_t seenVideoFlushes = 0, seenGpmfFlushes = 0;
	gpmf::attach::Ns videoSeenEnd = gpmf::attach::kNoNs; ///< latest end of a frame taken
	gpmf::attach::Ns videoLow = gpmf::attach::kNoNs;     ///< no later frame starts before this
	gint width = 0, height = 0;			      ///< of the caps in force on the output
	gint fpsN = 0, fpsD = 1;			      ///< of the video's caps (frames without duration)
	std::optional<int> tzOffset;			      ///< minutes, from the header's TZON
	std::vector<GstEvent *> pendingTags;		      ///< pushed once the output has caps
	GstFlowReturn sessionFlow = GST_FLOW_OK;
	// Each said once per stream.
	bool saidAbsent = false, saidNone = false, saidEnded = false, saidLate = false, saidUntimed = false;
};

struct _GstGpmfAttach {
	GstAggregator parent;
	GstAggregatorPad *videopad;
	GstAggregatorPad *gpmfpad;
	GstGpmfAttachState *state;
};

/* gstgpmfattach-output.cpp */

/// GstAggregatorClass::aggregate.
GstFlowReturn gst_gpmf_attach_aggregate(GstAggregator *aggregator, gboolean timeout);
/// A serialized event of the video pad (aggregate thread): applied now, or after the frames held.
void gst_gpmf_attach_queue_event(GstGpmfAttach *self, GstEvent *event);
/// Sends every held frame on with the telemetry there is (DRAIN). Aggregate thread.
GstFlowReturn gst_gpmf_attach_drain(GstGpmfAttach *self);
/// Drops the held frames and the stream position (flush); `telemetry` also the telemetry.
void gst_gpmf_attach_reset(GstGpmfAttach *self, bool telemetry);
/// The session's handler: decoded payloads into the telemetry store.
bool gst_gpmf_attach_on_session_event(GstGpmfAttach *self, gpmf::SessionEvent &event);
/// The gpmf pad's caps: raw dump (application/x-gpmf) or timed payloads.
void gst_gpmf_attach_set_raw(GstGpmfAttach *self, bool raw);
/// The gpmf pad's segment: how its times become running time.
void gst_gpmf_attach_set_gpmf_segment(GstGpmfAttach *self, const GstSegment *segment);
/// A new telemetry stream: what came before is forgotten.
void gst_gpmf_attach_reset_telemetry(GstGpmfAttach *self);
/// The telemetry ended (EOS on the gpmf pad); `absent`: it never came (the pad is not linked).
void gst_gpmf_attach_end_telemetry(GstGpmfAttach *self, bool absent);
/// The header's udta atoms in a tag list: the camera's time zone.
void gst_gpmf_attach_read_header(GstGpmfAttach *self, const GstTagList *tags);
