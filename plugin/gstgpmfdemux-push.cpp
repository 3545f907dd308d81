// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfdemux in push mode: walks the top-level boxes as the bytes arrive, seeks upstream in bytes
// past the media data to the moov and back to the samples, and cuts the samples out of the
// stream. Only a box header, the moov or one sample is ever held.

#include <algorithm>
#include <exception>
#include <new>
#include <utility>

#include "gpmf/byte_reader.h"

#include "gstgpmf-utils.h"
#include "gstgpmfdemux-private.h"

#define GST_CAT_DEFAULT gst_gpmf_demux_debug

using gpmf::gst::FileFacts;
using gpmf::gst::kMaxMoovBytes;
using gpmf::gst::ObjectLocker;

namespace
{

/// Less than this is skipped by reading it; more by a byte seek, when upstream can seek.
constexpr std::uint64_t kSeekOverBytes = std::uint64_t(1) << 20;
/// As scanTopLevel(): a stream of tiny boxes is no MP4.
constexpr std::size_t kMaxTopLevelBoxes = 4096;

constexpr const char *kCannotSeekToMoov =
    "The moov index is at the end of the file and upstream cannot seek: use a "
    "seekable source such as filesrc, or qtdemux";
constexpr const char *kCannotSeekBack =
    "The telemetry samples are before the moov index and upstream cannot seek "
    "back to them: use a seekable source such as filesrc, or qtdemux";

GstFlowReturn fail(GstGpmfDemux *self, const char *text, const std::string &detail)
{
	GST_ELEMENT_ERROR(self, STREAM, DEMUX, ("%s", text), ("%s", detail.c_str()));
	self->state->errorPosted = true;
	return GST_FLOW_ERROR;
}

/// A flushing byte seek upstream. Its data starts after the BYTES segment it brings.
bool seekUpstream(GstGpmfDemux *self, std::uint64_t offset, guint32 seqnum)
{
	GpmfDemuxPush &p = self->state->push;
	GST_DEBUG_OBJECT(self, "seeking upstream from %" G_GUINT64_FORMAT " to byte %" G_GUINT64_FORMAT,
			 p.offset, offset);
	GstEvent *seek = gst_event_new_seek(
	    1.0, GST_FORMAT_BYTES, static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
	    GST_SEEK_TYPE_SET, gint64(offset), GST_SEEK_TYPE_NONE, -1);
	gst_event_set_seqnum(seek, seqnum);
	p.ownSeekSeqnum = seqnum;
	if (!gst_pad_push_event(self->sinkpad, seek)) {
		GST_DEBUG_OBJECT(self, "upstream refused the seek");
		p.seekable = false;
		return false;
	}
	p.seekable = true;
	gst_adapter_clear(p.adapter);
	p.offset = offset;
	p.awaitingSegment = true;
	return true;
}

bool seekableCached(GstGpmfDemux *self)
{
	GpmfDemuxPush &p = self->state->push;
	if (!p.seekable)
		p.seekable = gst_gpmf_demux_upstream_seekable(self);
	return *p.seekable;
}

// One step of the walk over the top-level boxes before the moov.
GstFlowReturn readBoxHeader(GstGpmfDemux *self, bool &wait)
{
	GpmfDemuxPush &p = self->state->push;
	const gsize avail = gst_adapter_available(p.adapter);
	wait = true;
	if ((p.fileSize && p.offset >= p.fileSize) || avail < 8)
		return GST_FLOW_OK; // the end (no moov: said at EOS), or more bytes to come
	std::uint8_t head[gpmf::kMp4BoxHeaderMax];
	const gsize n = std::min<gsize>(avail, sizeof(head));
	gst_adapter_copy(p.adapter, head, 0, n);
	if (gpmf::loadBe32(head) == 1 && n < 16)
		return GST_FLOW_OK;
	gpmf::Diagnostic why;
	const std::uint64_t end = p.fileSize ? p.fileSize : G_MAXUINT64;
	const auto box = gpmf::parseBoxHeader(std::span<const std::uint8_t>(head, n), p.offset, end, &why);
	if (!box)
		return fail(self, kGpmfDemuxNoMoov, why.message());
	const bool brand = box->type == gpmf::FourCC("ftyp") && p.boxes == 0 && box->bodySize() >= 4;
	if (brand && avail < gsize(box->headerSize) + 4)
		return GST_FLOW_OK; // the major brand, first
	if (++p.boxes > kMaxTopLevelBoxes)
		return fail(self, kGpmfDemuxNoMoov, "more than 4096 top-level boxes");
	GST_DEBUG_OBJECT(self, "'%s' box of %" G_GUINT64_FORMAT " bytes at %" G_GUINT64_FORMAT,
			 box->type.str().c_str(), box->size, box->offset);
	if (brand) {
		std::uint8_t head4[4];
		gst_adapter_copy(p.adapter, head4, box->headerSize, 4);
		p.majorBrand = gpmf::FourCC(gpmf::loadBe32(head4));
	}
	wait = false;
	if (box->type == gpmf::FourCC("moov")) {
		if (box->toEnd && !p.fileSize)
			return fail(self, "Cannot read the moov index of this file",
				    "a moov of unknown size");
		if (box->bodySize() > kMaxMoovBytes)
			return fail(self, "Cannot read the moov index of this file",
				    "moov of " + std::to_string(box->bodySize()) +
					" bytes: over the 256 MiB limit");
		p.moov = *box;
		gst_adapter_flush(p.adapter, box->headerSize);
		p.offset += box->headerSize;
		p.phase = GpmfDemuxPushPhase::Moov;
		return GST_FLOW_OK;
	}
	const bool large = box->size > kSeekOverBytes && avail < box->size;
	if (large && box->type == gpmf::FourCC("mdat")) {
		/* GoPro writes the moov after the media data: jump to it. */
		if (box->toEnd || (p.fileSize && box->end() >= p.fileSize))
			return fail(self, kGpmfDemuxNoMoov, "the media data runs to the end of the file");
		wait = true;
		if (!seekUpstream(self, box->end(), gst_util_seqnum_next()))
			return fail(self, kCannotSeekToMoov, "upstream refused a seek in bytes");
		return GST_FLOW_OK;
	}
	if (large && seekableCached(self)) {
		wait = true;
		if (seekUpstream(self, box->end(), gst_util_seqnum_next()))
			return GST_FLOW_OK;
		wait = false;
	}
	p.skipUntil = box->end();
	p.phase = GpmfDemuxPushPhase::Skip;
	return GST_FLOW_OK;
}

// One step of the output: the next sample, cut out of the stream or sought.
GstFlowReturn cutSample(GstGpmfDemux *self, bool &wait)
{
	GpmfDemuxPush &p = self->state->push;
	wait = true;
	GstFlowReturn begun;
	const gpmf::Mp4SampleInfo *sample = gst_gpmf_demux_begin_sample(self, begun);
	if (!sample) {
		wait = false; // skipped: on to the next one (or the end, which stops the loop anyway)
		return begun;
	}
	if (sample->offset < p.offset) {
		if (!seekUpstream(self, sample->offset, gst_util_seqnum_next()))
			return fail(self,
				    sample->offset < p.moov.offset ? kCannotSeekToMoov : kCannotSeekBack,
				    "sample at byte " + std::to_string(sample->offset) + ", stream at byte " +
					std::to_string(p.offset));
		return GST_FLOW_OK;
	}
	const gsize avail = gst_adapter_available(p.adapter);
	const std::uint64_t gap = sample->offset - p.offset;
	if (gap > avail && gap - avail > kSeekOverBytes && seekableCached(self) &&
	    seekUpstream(self, sample->offset, gst_util_seqnum_next()))
		return GST_FLOW_OK;
	if (gap > 0) {
		const gsize drop = gsize(std::min<std::uint64_t>(avail, gap));
		gst_adapter_flush(p.adapter, drop);
		p.offset += drop;
		wait = p.offset < sample->offset;
		return GST_FLOW_OK;
	}
	if (avail < sample->size)
		return GST_FLOW_OK;
	GstBuffer *buffer = gst_adapter_take_buffer(p.adapter, sample->size);
	p.offset += sample->size;
	wait = false;
	return gst_gpmf_demux_push_sample(self, buffer);
}

GstFlowReturn process(GstGpmfDemux *self)
{
	GstGpmfDemuxState &st = *self->state;
	GpmfDemuxPush &p = st.push;
	for (;;) {
		bool wait = false;
		GstFlowReturn ret = GST_FLOW_OK;
		switch (p.phase) {
		case GpmfDemuxPushPhase::BoxHeader:
			ret = readBoxHeader(self, wait);
			break;
		case GpmfDemuxPushPhase::Skip: {
			const gsize avail = gst_adapter_available(p.adapter);
			const gsize drop = gsize(std::min<std::uint64_t>(avail, p.skipUntil - p.offset));
			gst_adapter_flush(p.adapter, drop);
			p.offset += drop;
			if (p.offset < p.skipUntil)
				wait = true;
			else
				p.phase = GpmfDemuxPushPhase::BoxHeader;
			break;
		}
		case GpmfDemuxPushPhase::Moov: {
			const std::uint64_t size = p.moov.bodySize();
			if (gst_adapter_available(p.adapter) < size) {
				wait = true;
				break;
			}
			std::vector<std::uint8_t> body(size);
			gst_adapter_copy(p.adapter, body.data(), 0, size);
			gst_adapter_flush(p.adapter, size);
			p.offset += size;
			st.bytesRead += size;
			FileFacts facts;
			facts.majorBrand = p.majorBrand;
			facts.moovBodyOffset = p.moov.bodyOffset();
			facts.fileSize = p.fileSize;
			ret = gst_gpmf_demux_open_index(self, std::move(body), facts);
			p.phase = GpmfDemuxPushPhase::Samples;
			break;
		}
		case GpmfDemuxPushPhase::Samples:
			ret = cutSample(self, wait);
			break;
		}
		if (ret != GST_FLOW_OK || wait)
			return ret;
	}
}

// Installs a push-mode seek at its FLUSH_STOP, before the data from the new place arrives.
void installPendingSeek(GstGpmfDemux *self, GpmfDemuxPendingSeek seek)
{
	GstGpmfDemuxState &st = *self->state;
	{
		ObjectLocker lock(self);
		st.segment = seek.segment;
	}
	gst_gpmf_demux_restart(self, std::move(seek.plan), seek.seqnum);
	st.push.phase = GpmfDemuxPushPhase::Samples;
	st.push.offset = seek.offset;
	st.push.awaitingSegment = true;
}

} // namespace

GstFlowReturn gst_gpmf_demux_chain([[maybe_unused]] GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
	auto *self = GST_GPMF_DEMUX(parent);
	GstGpmfDemuxState &st = *self->state;
	GpmfDemuxPush &p = st.push;
	if (st.ended) {
		gst_buffer_unref(buffer);
		return GST_FLOW_EOS;
	}
	if (p.awaitingSegment) {
		/* Data from before our byte seek, unless it says it is from where we went. */
		if (GST_BUFFER_OFFSET_IS_VALID(buffer) && GST_BUFFER_OFFSET(buffer) == p.offset) {
			p.awaitingSegment = false;
		} else {
			gst_buffer_unref(buffer);
			return GST_FLOW_OK;
		}
	}
	try {
		if (p.boxes == 0 && p.fileSize == 0) {
			gint64 size = 0;
			if (gst_pad_peer_query_duration(self->sinkpad, GST_FORMAT_BYTES, &size) && size > 0)
				p.fileSize = std::uint64_t(size);
		}
		gst_adapter_push(p.adapter, buffer);
		return process(self);
	} catch (const std::bad_alloc &) {
		GST_ELEMENT_ERROR(self, CORE, FAILED, ("Out of memory while reading the MP4 index"),
				  ("chain"));
	} catch (const std::exception &e) {
		GST_ELEMENT_ERROR(self, CORE, FAILED, (nullptr), ("chain: %s", e.what()));
	}
	st.errorPosted = true;
	return GST_FLOW_ERROR;
}

// Flushes come from any thread: the pad is taken under the object lock.
static void forward(GstGpmfDemux *self, GstEvent *event)
{
	GstPad *srcpad = nullptr;
	{
		ObjectLocker lock(self);
		if (self->state->srcpad)
			srcpad = GST_PAD(gst_object_ref(self->state->srcpad));
	}
	if (srcpad) {
		gst_pad_push_event(srcpad, event);
		gst_object_unref(srcpad);
	} else {
		gst_event_unref(event);
	}
}

static void handleEos(GstGpmfDemux *self)
{
	GstGpmfDemuxState &st = *self->state;
	if (!st.index) {
		if (!st.errorPosted) {
			fail(self, kGpmfDemuxNoMoov, "the stream ended before a moov box");
		}
		return;
	}
	if (st.ended)
		return;
	if (st.next < st.plan.samples.size())
		GST_ELEMENT_WARNING(self, STREAM, DEMUX,
				    ("The file ends before telemetry sample %zu of %zu: the rest is missing",
				     st.plan.samples[st.next].sample, st.index->track().samples.size()),
				    ("stream ended at byte %" G_GUINT64_FORMAT, st.push.offset));
	gst_gpmf_demux_push_end(self);
}

gboolean gst_gpmf_demux_sink_event(GstPad *pad, GstObject *parent, GstEvent *event)
{
	auto *self = GST_GPMF_DEMUX(parent);
	GstGpmfDemuxState &st = *self->state;
	GpmfDemuxPush &p = st.push;
	const guint32 seqnum = gst_event_get_seqnum(event);
	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_STREAM_START:
	case GST_EVENT_CAPS:
	case GST_EVENT_TAG:
		/* The file's stream: the telemetry pad has its own. */
		gst_event_unref(event);
		return TRUE;
	case GST_EVENT_SEGMENT: {
		const GstSegment *segment;
		gst_event_parse_segment(event, &segment);
		if (segment->format == GST_FORMAT_BYTES &&
		    (p.awaitingSegment || gst_adapter_available(p.adapter) == 0)) {
			GST_DEBUG_OBJECT(self, "bytes from %" G_GUINT64_FORMAT, segment->start);
			p.offset = segment->start;
			p.awaitingSegment = false;
			gst_adapter_clear(p.adapter);
		}
		gst_event_unref(event);
		return TRUE;
	}
	case GST_EVENT_FLUSH_START:
		if (seqnum == p.ownSeekSeqnum)
			gst_event_unref(event);
		else
			forward(self, event);
		return TRUE;
	case GST_EVENT_FLUSH_STOP: {
		gst_adapter_clear(p.adapter);
		if (seqnum == p.ownSeekSeqnum) {
			gst_event_unref(event);
			return TRUE;
		}
		std::optional<GpmfDemuxPendingSeek> seek;
		{
			ObjectLocker lock(self);
			if (st.pendingSeek && st.pendingSeek->seqnum == seqnum)
				seek = std::exchange(st.pendingSeek, std::nullopt);
		}
		if (seek)
			installPendingSeek(self, std::move(*seek));
		else
			p.awaitingSegment = true; // someone else moved the stream: its segment says where
		forward(self, event);
		return TRUE;
	}
	case GST_EVENT_EOS:
		try {
			handleEos(self);
		} catch (const std::exception &) {
			GST_ERROR_OBJECT(self, "out of memory at EOS");
		}
		gst_event_unref(event);
		return TRUE;
	default:
		return gst_pad_event_default(pad, parent, event);
	}
}

gboolean gst_gpmf_demux_push_mode_seek(GstGpmfDemux *self, GstEvent *event)
{
	GstGpmfDemuxState &st = *self->state;
	GpmfDemuxPendingSeek seek;
	seek.seqnum = gst_event_get_seqnum(event);
	if (!gst_gpmf_demux_plan_seek(self, event, seek.segment, seek.plan))
		return FALSE;
	std::shared_ptr<const gpmf::gst::DemuxIndex> index;
	{
		ObjectLocker lock(self);
		index = st.index;
	}
	if (!index)
		return FALSE;
	const auto &samples = index->track().samples;
	if (!seek.plan.samples.empty())
		seek.offset = samples[seek.plan.samples.front().sample].offset;
	else if (!samples.empty())
		seek.offset = samples.back().offset; // nothing to play: any data brings the EOS
	const std::uint64_t offset = seek.offset;
	{
		ObjectLocker lock(self);
		st.pendingSeek = std::move(seek);
	}
	/* Upstream flushes with our seqnum; the FLUSH_STOP installs the plan. */
	GstEvent *bytes = gst_event_new_seek(
	    1.0, GST_FORMAT_BYTES, static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
	    GST_SEEK_TYPE_SET, gint64(offset), GST_SEEK_TYPE_NONE, -1);
	gst_event_set_seqnum(bytes, gst_event_get_seqnum(event));
	if (gst_pad_push_event(self->sinkpad, bytes))
		return TRUE;
	ObjectLocker lock(self);
	st.pendingSeek.reset();
	return FALSE;
}

bool gst_gpmf_demux_upstream_seekable(GstGpmfDemux *self)
{
	GstQuery *query = gst_query_new_seeking(GST_FORMAT_BYTES);
	gboolean seekable = FALSE;
	if (gst_pad_peer_query(self->sinkpad, query))
		gst_query_parse_seeking(query, nullptr, &seekable, nullptr, nullptr);
	gst_query_unref(query);
	return seekable;
}

void gst_gpmf_demux_push_reset(GstGpmfDemux *self)
{
	GpmfDemuxPush &p = self->state->push;
	gst_adapter_clear(p.adapter);
	GstAdapter *adapter = p.adapter;
	p = GpmfDemuxPush();
	p.adapter = adapter;
}
