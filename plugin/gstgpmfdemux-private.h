// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfdemux internals shared by the element (pull mode, output, seeking: gstgpmfdemux.cpp) and
// the push mode (gstgpmfdemux-push.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <gst/base/gstadapter.h>
#include <gst/gst.h>

#include "gpmf/mp4_index.h"

#include "gstgpmfdemux-index.h"
#include "gstgpmfdemux.h"

GST_DEBUG_CATEGORY_EXTERN(gst_gpmf_demux_debug);

/// Where the push mode is in the byte stream.
enum class GpmfDemuxPushPhase {
	BoxHeader, ///< expecting a top-level box header at `offset`
	Skip,	   ///< dropping bytes up to `skipUntil`, then back to BoxHeader
	Moov,	   ///< collecting the moov body
	Samples,   ///< cutting the telemetry samples out of the stream
};

/// Push mode: touched by the chain function and serialized sink events (the sink pad's stream
/// lock), and by FLUSH_STOP (which takes it too).
struct GpmfDemuxPush {
	GstAdapter *adapter = nullptr; ///< bytes from `offset` on, never more than a box header,
				       ///< the moov or one sample (plus one input buffer)
	std::uint64_t offset = 0;      ///< file offset of the adapter's first byte
	GpmfDemuxPushPhase phase = GpmfDemuxPushPhase::BoxHeader;
	std::uint64_t skipUntil = 0;
	gpmf::Mp4Box moov;
	std::uint64_t fileSize = 0; ///< upstream's size in bytes, 0 when unknown
	gpmf::FourCC majorBrand;
	std::size_t boxes = 0;
	std::optional<bool> seekable;		    ///< upstream seeks in BYTES, once known
	bool awaitingSegment = false;		    ///< after a byte seek: drop data until its BYTES segment
	guint32 ownSeekSeqnum = GST_SEQNUM_INVALID; ///< flushes of our own byte seeks stay here
};

/// A TIME seek in push mode, done as a byte seek upstream: installed at its FLUSH_STOP.
struct GpmfDemuxPendingSeek {
	guint32 seqnum = GST_SEQNUM_INVALID;
	std::uint64_t offset = 0; ///< where the byte seek goes: the first sample to output
	GstSegment segment;
	gpmf::Mp4Playback plan;
};

struct GstGpmfDemuxState {
	/* The streaming thread (pull task or chain), or a pull-mode seek holding the sink pad's
	 * stream lock. */
	GstPad *srcpad = nullptr; ///< a ref of ours; added to the element once the index is read
				  ///< (set and cleared under the object lock too)
	gpmf::Mp4Playback plan;
	std::size_t next = 0;		///< next entry of plan.samples to output
	std::size_t segmentsPushed = 0; ///< entries of plan.segments already pushed
	bool tagsPushed = false;
	bool discont = true;
	bool ended = false; ///< EOS (or SEGMENT_DONE) pushed
	bool errorPosted = false;
	guint32 seqnum = GST_SEQNUM_INVALID; ///< of the SEGMENT and EOS events (the last seek's)
	std::uint64_t bytesRead = 0;	     ///< pulled or cut out of the stream, for the debug log
	GpmfDemuxPush push;

	/* Written under the object lock, read under it by queries and seeks from any thread (the
	 * streaming thread, which sets the index, reads it freely). */
	std::shared_ptr<const gpmf::gst::DemuxIndex> index; ///< set once, dropped at PAUSED->READY
	GstSegment segment;				    ///< the movie segment, as seeks set it
	GstClockTime position = GST_CLOCK_TIME_NONE;	    ///< movie time of the last sample output
	bool pullMode = false;
	std::optional<GpmfDemuxPendingSeek> pendingSeek;
};

struct _GstGpmfDemux {
	GstElement parent;
	GstPad *sinkpad;
	GstGpmfDemuxState *state;
};

/// Why there is nothing to demux, for the user.
inline constexpr const char *kGpmfDemuxNoMoov = "No moov index in this file: it is no MP4, or its recording "
						"was cut short (GoPro cameras write the moov last)";

/* Shared by both modes (gstgpmfdemux.cpp); streaming thread. Each returns the flow to go on
 * with: GST_FLOW_ERROR after posting its own error (state->errorPosted). */

/// Parses the moov, exposes the pad (stream-start, caps, no-more-pads), plans playback.
GstFlowReturn gst_gpmf_demux_open_index(GstGpmfDemux *self, std::vector<std::uint8_t> moov,
					const gpmf::gst::FileFacts &facts);
/// The next sample to read, once the segments (and GAPs) before it are pushed; nullptr, with
/// `ret` the flow to return, after the last one (EOS or SEGMENT_DONE, see push_end) or when it
/// is skipped as too large to be telemetry (a warning and a GAP).
const gpmf::Mp4SampleInfo *gst_gpmf_demux_begin_sample(GstGpmfDemux *self, GstFlowReturn &ret);
/// The next sample's bytes: timestamps them and pushes them.
GstFlowReturn gst_gpmf_demux_push_sample(GstGpmfDemux *self, GstBuffer *buffer);
/// After the last sample: the remaining segments, then EOS or SEGMENT_DONE. Returns GST_FLOW_EOS.
GstFlowReturn gst_gpmf_demux_push_end(GstGpmfDemux *self);
/// The telemetry samples of a new plan start with the next buffer (a seek).
void gst_gpmf_demux_restart(GstGpmfDemux *self, gpmf::Mp4Playback plan, guint32 seqnum);
/// The segment and plan a seek event asks for, from the current index and segment (both modes);
/// false before the index is read or when the seek does not apply.
bool gst_gpmf_demux_plan_seek(GstGpmfDemux *self, GstEvent *event, GstSegment &segment,
			      gpmf::Mp4Playback &plan);

/* Push mode (gstgpmfdemux-push.cpp). */

GstFlowReturn gst_gpmf_demux_chain(GstPad *pad, GstObject *parent, GstBuffer *buffer);
gboolean gst_gpmf_demux_sink_event(GstPad *pad, GstObject *parent, GstEvent *event);
/// A flushing TIME seek from downstream, as a byte seek upstream.
gboolean gst_gpmf_demux_push_mode_seek(GstGpmfDemux *self, GstEvent *event);
/// Whether upstream seeks in bytes (asks it once).
bool gst_gpmf_demux_upstream_seekable(GstGpmfDemux *self);
void gst_gpmf_demux_push_reset(GstGpmfDemux *self);
