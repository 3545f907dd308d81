// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfattach's aggregate(): the gpmf pad's input decoded, video frames held until their
// telemetry has arrived, then sent on with a GstGpmfMeta and their faces.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include <gst/video/video.h>

#include "gpmf/gps.h"
#include "gpmf/header.h"

#include "gstgpmf-header.h"
#include "gstgpmf-utils.h"
#include "gstgpmfattach-private.h"
#include "gstgpmfmeta.h"

#define GST_CAT_DEFAULT gst_gpmf_attach_debug

using gpmf::attach::kNoNs;
using gpmf::attach::Ns;
using gpmf::gst::BufferMap;
using gpmf::gst::ObjectLocker;

namespace
{

// A frame waits for telemetry this far past its end at least (and further when payloads reach
// back further, FACE's TIMO): payloads last a second and sample times are fitted across them.
constexpr Ns kMinLead = Ns(GST_SECOND);


// aggregate() takes at most so many frames before it sends frames on and returns.
constexpr int kMaxTakes = 16;
// Once the video has ended, aggregate() waits this long at a time for the telemetry of the last
// frames.
constexpr std::chrono::milliseconds kEndWait{100};

struct Snapshot {
	bool attachRecord = true;
	bool faces = true;
	GstClockTime maxDelay = GST_CLOCK_TIME_NONE;
};

// Signed running time of a position, kNoNs when it has none.
Ns runningTime(const GstSegment &segment, GstClockTime position)
{
	if (!GST_CLOCK_TIME_IS_VALID(position) || segment.format != GST_FORMAT_TIME)
		return kNoNs;
	guint64 rt;
	const gint sign = gst_segment_to_running_time_full(&segment, GST_FORMAT_TIME, position, &rt);
	if (sign == 0)
		return kNoNs;
	return sign > 0 ? Ns(rt) : -Ns(rt);
}

gpmf::attach::TimeMap timeMap(const GstSegment &segment)
{
	gpmf::attach::TimeMap map;
	if (segment.format == GST_FORMAT_TIME && segment.rate > 0) {
		map.origin = Ns(segment.start + segment.offset);
		map.base = Ns(segment.base);
		map.rate = segment.rate;
	}
	return map;
}

// The meta's field names, interned once: gst_structure_set() looks each name up in GLib's quark
// table, a hash lookup per field per frame.
struct MetaFields {
	GQuark pts = g_quark_from_static_string(GST_GPMF_META_PTS);
	GQuark duration = g_quark_from_static_string(GST_GPMF_META_DURATION);
	GQuark record = g_quark_from_static_string(GST_GPMF_META_RECORD);
	GQuark latitude = g_quark_from_static_string(GST_GPMF_META_LATITUDE);
	GQuark longitude = g_quark_from_static_string(GST_GPMF_META_LONGITUDE);
	GQuark altitude = g_quark_from_static_string(GST_GPMF_META_ALTITUDE);
	GQuark speed2d = g_quark_from_static_string(GST_GPMF_META_SPEED_2D);
	GQuark speed3d = g_quark_from_static_string(GST_GPMF_META_SPEED_3D);
	GQuark course = g_quark_from_static_string(GST_GPMF_META_COURSE);
	GQuark gpsAge = g_quark_from_static_string(GST_GPMF_META_GPS_AGE);
	GQuark iso = g_quark_from_static_string(GST_GPMF_META_ISO);
	GQuark shutter = g_quark_from_static_string(GST_GPMF_META_SHUTTER);
	GQuark gpsFix = g_quark_from_static_string(GST_GPMF_META_GPS_FIX);
	GQuark utc = g_quark_from_static_string(GST_GPMF_META_UTC);
	GQuark tzOffset = g_quark_from_static_string(GST_GPMF_META_TZ_OFFSET);
	GQuark acceleration = g_quark_from_static_string(GST_GPMF_META_ACCELERATION);
	GQuark rotation = g_quark_from_static_string(GST_GPMF_META_ROTATION);
	GQuark gravity = g_quark_from_static_string(GST_GPMF_META_GRAVITY);
	GQuark cameraOrientation = g_quark_from_static_string(GST_GPMF_META_CAMERA_ORIENTATION);
	GQuark imageOrientation = g_quark_from_static_string(GST_GPMF_META_IMAGE_ORIENTATION);
};

const MetaFields &metaFields()
{
	static const MetaFields fields;
	return fields;
}

// Fields set from values made here: no varargs collection, a string copied once.
void setDouble(GstStructure *s, GQuark field, double value)
{
	GValue v = G_VALUE_INIT;
	g_value_init(&v, G_TYPE_DOUBLE);
	g_value_set_double(&v, value);
	gst_structure_id_take_value(s, field, &v);
}

void setInt(GstStructure *s, GQuark field, gint value)
{
	GValue v = G_VALUE_INIT;
	g_value_init(&v, G_TYPE_INT);
	g_value_set_int(&v, value);
	gst_structure_id_take_value(s, field, &v);
}

void setClockTime(GstStructure *s, GQuark field, GstClockTime value)
{
	GValue v = G_VALUE_INIT;
	g_value_init(&v, GST_TYPE_CLOCK_TIME);
	g_value_set_uint64(&v, value);
	gst_structure_id_take_value(s, field, &v);
}

// A copy for GLib to free: the texts hold no NUL, so a plain copy (g_strndup() looks for one,
// byte by byte, over the record's kilobytes).
gchar *copyText(std::string_view text)
{
	auto *copy = static_cast<gchar *>(g_malloc(text.size() + 1));
	if (!text.empty()) // an empty view's data() may be null
		std::memcpy(copy, text.data(), text.size());
	copy[text.size()] = '\0';
	return copy;
}

void setString(GstStructure *s, GQuark field, std::string_view text)
{
	GValue v = G_VALUE_INIT;
	g_value_init(&v, G_TYPE_STRING);
	g_value_take_string(&v, copyText(text));
	gst_structure_id_take_value(s, field, &v);
}

/*
 * The record: GstStructure's setters check that a string is UTF-8, byte by byte, which costs as
 * much as writing the record. The record is UTF-8 by construction (the JSON writer replaces
 * invalid sequences), so the field is set empty and then given the text in place, through the
 * one API that hands out a field's value to modify.
 */
void setRecord(GstStructure *s, GQuark field, const std::string &record)
{
	setString(s, field, {});
	struct Text {
		GQuark field;
		const std::string *record;
	} text{field, &record};
	gst_structure_map_in_place(
	    s,
	    [](GQuark id, GValue *value, gpointer data) -> gboolean {
		    const auto *t = static_cast<const Text *>(data);
		    if (id == t->field)
			    g_value_take_string(value, copyText(*t->record));
		    return TRUE;
	    },
	    &text);
}

void releaseHeld(GstGpmfAttachHeld &h)
{
	if (h.buffer)
		gst_buffer_unref(h.buffer);
	if (h.event)
		gst_event_unref(h.event);
	h.buffer = nullptr;
	h.event = nullptr;
}

} // namespace

/* Input. */

bool gst_gpmf_attach_on_session_event(GstGpmfAttach *self, gpmf::SessionEvent &event)
{
	GstGpmfAttachState &st = *self->state;
	using Kind = gpmf::SessionEvent::Kind;
	const bool timed = event.pts != gpmf::kNoTime && event.duration != gpmf::kNoTime;
	switch (event.kind) {
	case Kind::Payload:
		// gpmfattach asks for no windows: each payload comes once, whole, and may be taken.
		if (!event.takeablePayload || !timed)
			return true;
		for (const gpmf::Diagnostic &d : event.payload->diagnostics)
			GST_WARNING_OBJECT(self, "payload %" G_GUINT64_FORMAT " partly decoded: %s",
					   guint64(event.payload->index), d.message().c_str());
		GST_LOG_OBJECT(self, "payload %" G_GUINT64_FORMAT " at %" GST_TIME_FORMAT,
			       guint64(event.payload->index), GST_TIME_ARGS(event.pts));
		st.telemetry.takePayload(*event.takeablePayload, event.gps, st.gpmfMap,
					 st.gpmfMap.toRunning(Ns(event.pts)),
					 st.gpmfMap.toRunning(Ns(event.pts + event.duration)));
		return true;
	case Kind::Gap:
		if (timed)
			st.telemetry.addGap(st.gpmfMap.toRunning(Ns(event.pts)),
					    st.gpmfMap.toRunning(Ns(event.pts + event.duration)));
		return true;
	case Kind::Warning:
		GST_ELEMENT_WARNING(self, STREAM, DECODE,
				    ("%.*s", int(event.message.size()), event.message.data()),
				    ("%.*s", int(event.detail.size()), event.detail.data()));
		return true;
	default:
		return true;
	}
}

void gst_gpmf_attach_read_header(GstGpmfAttach *self, const GstTagList *tags)
{
	gpmf::Header header;
	gpmf::gst::addUdtaAtoms(header, tags);
	const gpmf::FourCC tzon("TZON");
	auto use = [self](const gpmf::Values &v) {
		const double minutes = v.firstNumber(std::numeric_limits<double>::quiet_NaN());
		if (std::isfinite(minutes) && std::abs(minutes) <= 24 * 60) {
			self->state->tzOffset = int(std::lround(minutes));
			return true;
		}
		return false;
	};
	for (const gpmf::Device &d : header.settings) {
		for (const gpmf::Property &p : d.properties) {
			if (p.key == tzon && use(p.values))
				return;
		}
		for (const gpmf::Stream &s : d.streams) {
			if (const gpmf::Property *p = s.findSticky(tzon); p && use(p->values))
				return;
		}
	}
}

// An item of the gpmf pad's input, in order: a payload (or a piece of a raw dump) decoded into
// the store, or what changes how the next ones are read.
static void gst_gpmf_attach_take_input(GstGpmfAttach *self, GstGpmfAttachInput &in)
{
	using Kind = GstGpmfAttachInput::Kind;
	GstGpmfAttachState &st = *self->state;
	switch (in.kind) {
	case Kind::Buffer: {
		BufferMap map(in.buffer);
		if (!map) {
			GST_WARNING_OBJECT(self, "cannot map a gpmf buffer");
			break;
		}
		if (st.rawInput) {
			st.session.pushRaw(map.bytes());
			break;
		}
		const GstClockTime pts = GST_BUFFER_PTS(in.buffer), duration = GST_BUFFER_DURATION(in.buffer);
		st.session.pushPayload(map.bytes(), GST_CLOCK_TIME_IS_VALID(pts) ? pts : gpmf::kNoTime,
				       GST_CLOCK_TIME_IS_VALID(duration) ? duration : gpmf::kNoTime);
		break;
	}
	case Kind::Caps:
		st.rawInput = in.raw;
		if (st.rawInput)
			st.gpmfMap = {}; // a dump is timed from zero
		break;
	case Kind::Segment:
		if (!st.rawInput)
			st.gpmfMap = timeMap(in.segment);
		break;
	case Kind::Tags:
		gst_gpmf_attach_read_header(self, in.tags);
		break;
	case Kind::Gap:
		if (GST_CLOCK_TIME_IS_VALID(in.pts) && GST_CLOCK_TIME_IS_VALID(in.duration))
			st.telemetry.addGap(st.gpmfMap.toRunning(Ns(in.pts)),
					    st.gpmfMap.toRunning(Ns(in.pts + in.duration)));
		break;
	case Kind::Eos:
		if (st.rawInput)
			st.session.endRaw();
		st.session.flush();
		st.gpmfEos = true;
		break;
	case Kind::Absent:
		st.gpmfAbsent = st.gpmfEos = true;
		break;
	case Kind::Reset:
		st.session.reset();
		st.telemetry.clear();
		st.gpmfMap = {};
		st.gpmfEos = st.gpmfAbsent = false;
		break;
	}
}

/* Output. */

static void gst_gpmf_attach_push_tags(GstGpmfAttach *self)
{
	GstGpmfAttachState &st = *self->state;
	GstPad *srcpad = GST_AGGREGATOR_SRC_PAD(self);
	if (st.pendingTags.empty() || !gst_pad_has_current_caps(srcpad))
		return;
	for (GstEvent *event : st.pendingTags)
		gst_pad_push_event(srcpad, event);
	st.pendingTags.clear();
}

// An event of the video pad, in its place among the frames.
static void gst_gpmf_attach_apply_event(GstGpmfAttach *self, GstEvent *event)
{
	GstGpmfAttachState &st = *self->state;
	GstAggregator *aggregator = GST_AGGREGATOR(self);
	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_CAPS: {
		GstCaps *caps;
		gst_event_parse_caps(event, &caps);
		const GstStructure *s = gst_caps_get_structure(caps, 0);
		st.width = st.height = 0;
		if (s) {
			gst_structure_get_int(s, "width", &st.width);
			gst_structure_get_int(s, "height", &st.height);
		}
		GST_DEBUG_OBJECT(self, "output caps %" GST_PTR_FORMAT, static_cast<void *>(caps));
		gst_aggregator_set_src_caps(aggregator, caps);
		gst_event_unref(event);
		break;
	}
	case GST_EVENT_SEGMENT: {
		const GstSegment *segment;
		gst_event_parse_segment(event, &segment);
		gst_aggregator_update_segment(aggregator, segment);
		gst_event_unref(event);
		break;
	}
	case GST_EVENT_TAG:
		st.pendingTags.push_back(event);
		gst_gpmf_attach_push_tags(self);
		break;
	default:
		// Only after the stream's first events (the aggregator sends those with a buffer).
		if (gst_pad_has_current_caps(GST_AGGREGATOR_SRC_PAD(self)))
			gst_pad_push_event(GST_AGGREGATOR_SRC_PAD(self), event);
		else
			gst_event_unref(event);
		break;
	}
}

void gst_gpmf_attach_queue_event(GstGpmfAttach *self, GstEvent *event)
{
	GstGpmfAttachState &st = *self->state;
	if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
		// The frames coming next are timed by this frame rate when they carry no duration.
		GstCaps *caps;
		gst_event_parse_caps(event, &caps);
		const GstStructure *s = gst_caps_get_structure(caps, 0);
		st.fpsN = 0;
		st.fpsD = 1;
		if (s && (!gst_structure_get_fraction(s, "framerate", &st.fpsN, &st.fpsD) || st.fpsD == 0)) {
			st.fpsN = 0;
			st.fpsD = 1;
		}
	}
	if (st.held.empty()) {
		gst_gpmf_attach_apply_event(self, event);
		return;
	}
	GstGpmfAttachHeld h;
	h.event = event;
	st.held.push_back(h);
}

// A video buffer taken from the pad: held until its telemetry is there.
static void gst_gpmf_attach_take_frame(GstGpmfAttach *self, GstBuffer *buffer)
{
	GstGpmfAttachState &st = *self->state;
	const GstClockTime pts = GST_BUFFER_PTS(buffer);
	if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_GAP) && gst_buffer_get_size(buffer) == 0) {
		// A GAP event GstAggregator turned into a buffer: a GAP event again on the way out
		// (not the element's own wake-ups, which last nothing).
		const GstClockTime duration = GST_BUFFER_DURATION(buffer);
		if (GST_CLOCK_TIME_IS_VALID(pts) && duration != 0)
			gst_gpmf_attach_queue_event(self, gst_event_new_gap(pts, duration));
		gst_buffer_unref(buffer);
		return;
	}
	GstGpmfAttachHeld h;
	h.buffer = buffer;
	if (st.videoSegment.rate > 0)
		h.begin = runningTime(st.videoSegment, pts);
	if (h.begin != kNoNs) {
		GstClockTime duration = GST_BUFFER_DURATION(buffer);
		if (!GST_CLOCK_TIME_IS_VALID(duration) && st.fpsN > 0)
			duration = gst_util_uint64_scale_int(GST_SECOND, st.fpsD, st.fpsN);
		if (GST_CLOCK_TIME_IS_VALID(duration))
			h.end = std::max(h.begin, runningTime(st.videoSegment, pts + duration));
		h.durationKnown = h.end != kNoNs;
		// A frame before it without a duration lasts until this one.
		for (auto it = st.held.rbegin(); it != st.held.rend(); ++it) {
			if (!it->buffer || it->begin == kNoNs)
				continue;
			if (!it->durationKnown) {
				it->end = std::max(it->begin, h.begin);
				it->durationKnown = true;
			}
			break;
		}
		const Ns end = h.durationKnown ? h.end : h.begin;
		st.videoSeenEnd = st.videoSeenEnd == kNoNs ? end : std::max(st.videoSeenEnd, end);
		const GstClockTime dts = GST_BUFFER_DTS(buffer);
		const Ns low = GST_CLOCK_TIME_IS_VALID(dts) ? runningTime(st.videoSegment, dts) : h.begin;
		if (low != kNoNs)
			st.videoLow = st.videoLow == kNoNs ? low : std::max(st.videoLow, low);
	}
	st.held.push_back(h);
}

void gst_gpmf_attach_take_frames(GstGpmfAttach *self, std::vector<GstBuffer *> frames)
{
	for (GstBuffer *buffer : frames)
		gst_gpmf_attach_take_frame(self, buffer);
}

static void gst_gpmf_attach_add_metas(GstGpmfAttach *self, GstBuffer *buffer, const GstGpmfAttachHeld &h,
				      const Snapshot &snap)
{
	GstGpmfAttachState &st = *self->state;
	gpmf::attach::FrameTelemetry &f = st.frame;
	gpmf::attach::FrameRequest request;
	request.begin = h.begin;
	request.end = h.end;
	request.record = snap.attachRecord;
	request.faces = snap.faces && st.width > 0 && st.height > 0;
	st.telemetry.frame(request, f);

	GstStructure *s = gst_buffer_add_gpmf_meta(buffer);
	if (!s)
		return;
	const GstClockTime duration = GST_BUFFER_DURATION_IS_VALID(buffer) ? GST_BUFFER_DURATION(buffer)
									   : GstClockTime(h.end - h.begin);
	const MetaFields &q = metaFields();
	setClockTime(s, q.pts, GST_BUFFER_PTS(buffer));
	setClockTime(s, q.duration, duration);
	if (!f.record.empty())
		setRecord(s, q.record, f.record);
	auto number = [s](GQuark field, const std::optional<double> &v) {
		if (v && std::isfinite(*v))
			setDouble(s, field, *v);
	};
	number(q.latitude, f.latitude);
	number(q.longitude, f.longitude);
	number(q.altitude, f.altitude);
	number(q.speed2d, f.speed2d);
	number(q.speed3d, f.speed3d);
	number(q.course, f.course);
	number(q.gpsAge, f.gpsAge);
	number(q.iso, f.iso);
	number(q.shutter, f.shutter);
	if (f.gpsFix)
		setInt(s, q.gpsFix, *f.gpsFix);
	if (f.utc) {
		const std::string utc = gpmf::formatUtc(*f.utc);
		if (!utc.empty())
			setString(s, q.utc, utc);
	}
	if (st.tzOffset)
		setInt(s, q.tzOffset, *st.tzOffset);
	auto vector = [s](GQuark field, const auto &v) {
		if (v)
			gst_gpmf_meta_id_set_vector(s, field, v->data(), guint(v->size()));
	};
	vector(q.acceleration, f.acceleration);
	vector(q.rotation, f.rotation);
	vector(q.gravity, f.gravity);
	vector(q.cameraOrientation, f.cameraOrientation);
	vector(q.imageOrientation, f.imageOrientation);

	// Faces, in pixels of the caps in force, clipped to the frame.
	for (const gpmf::attach::Face &face : f.faces) {
		auto pixels = [](double v, gint size) {
			return guint(std::lround(std::clamp(v, 0.0, 1.0) * size));
		};
		const guint x0 = pixels(face.x, st.width), y0 = pixels(face.y, st.height);
		const guint x1 = pixels(face.x + face.w, st.width), y1 = pixels(face.y + face.h, st.height);
		if (x1 <= x0 || y1 <= y0)
			continue;
		GstVideoRegionOfInterestMeta *roi =
		    gst_buffer_add_video_region_of_interest_meta(buffer, "face", x0, y0, x1 - x0, y1 - y0);
		if (!roi)
			continue;
		GstStructure *detection = gst_structure_new_empty("detection");
		if (face.id) {
			roi->id = gint(*face.id);
			gst_structure_set(detection, "id", G_TYPE_UINT, *face.id, nullptr);
		}
		if (std::isfinite(face.confidence))
			gst_structure_set(detection, "confidence", G_TYPE_DOUBLE, face.confidence, nullptr);
		if (std::isfinite(face.smile))
			gst_structure_set(detection, "smile", G_TYPE_DOUBLE, face.smile, nullptr);
		if (std::isfinite(face.blink))
			gst_structure_set(detection, "blink", G_TYPE_DOUBLE, face.blink, nullptr);
		gst_video_region_of_interest_meta_add_param(roi, detection);
	}
}

// Says, once per stream, why frames go out without telemetry.
static void gst_gpmf_attach_say_none(GstGpmfAttach *self)
{
	GstGpmfAttachState &st = *self->state;
	if (st.gpmfAbsent) {
		if (!std::exchange(st.saidAbsent, true))
			GST_ELEMENT_INFO(self, STREAM, FAILED, ("No telemetry: the gpmf pad is not linked"),
					 ("video frames go out without a GstGpmfMeta"));
	} else if (!std::exchange(st.saidNone, true)) {
		GST_ELEMENT_INFO(self, STREAM, FAILED, ("No telemetry for these video frames"),
				 ("the gpmf pad %s; frames go out without a GstGpmfMeta",
				  st.gpmfEos ? "ended without any payload" : "had no payload in time"));
	}
}

static GstFlowReturn gst_gpmf_attach_push_frame(GstGpmfAttach *self, GstGpmfAttachHeld &h,
						const Snapshot &snap)
{
	GstGpmfAttachState &st = *self->state;
	GstBuffer *buffer = std::exchange(h.buffer, nullptr);
	if (h.begin == kNoNs) {
		if (!std::exchange(st.saidUntimed, true))
			GST_ELEMENT_INFO(self, STREAM, FAILED,
					 ("Video frames without a time carry no telemetry"),
					 ("a frame without PTS, or outside a forward TIME segment"));
	} else if (st.telemetry.hasPayloads() && !st.gpmfAbsent) {
		// Only the buffer's struct is copied, if shared: the video data is not.
		buffer = gst_buffer_make_writable(buffer);
		gst_gpmf_attach_add_metas(self, buffer, h, snap);
		if (st.gpmfEos && h.begin >= st.telemetry.coverageEnd() && !std::exchange(st.saidEnded, true))
			GST_ELEMENT_INFO(self, STREAM, FAILED, ("The telemetry ended before the video"),
					 ("from %" GST_STIME_FORMAT
					  " (running time) the frames carry no samples",
					  GST_STIME_ARGS(st.telemetry.coverageEnd())));
	} else {
		gst_gpmf_attach_say_none(self);
	}

	const GstClockTime pts = GST_BUFFER_PTS(buffer), duration = GST_BUFFER_DURATION(buffer);
	if (GST_CLOCK_TIME_IS_VALID(pts)) {
		// The position live aggregation times the next frame from (get_next_time()).
		ObjectLocker lock(self);
		GST_AGGREGATOR_PAD(GST_AGGREGATOR_SRC_PAD(self))->segment.position =
		    pts + (GST_CLOCK_TIME_IS_VALID(duration) ? duration : 0);
	}
	const GstFlowReturn ret = gst_aggregator_finish_buffer(GST_AGGREGATOR(self), buffer);
	gst_gpmf_attach_push_tags(self);
	return ret;
}

// Frames ending by then have all their telemetry (kNoNs: none has).
static Ns gst_gpmf_attach_complete_until(const GstGpmfAttachState &st)
{
	if (st.gpmfAbsent || st.gpmfEos)
		return std::numeric_limits<Ns>::max();
	const Ns coverage = st.telemetry.coverageEnd();
	return coverage == kNoNs ? kNoNs : coverage - std::max(st.telemetry.lead(), kMinLead);
}

/*
 * Sends on the held items whose time has come, in order: a frame once the telemetry after it
 * has arrived (it is then complete), or when it waited too long. `timeout`: the aggregator's
 * live deadline passed (the oldest frame goes in any case); `drain`: everything goes.
 */
static GstFlowReturn gst_gpmf_attach_release(GstGpmfAttach *self, const Snapshot &snap, bool timeout,
					     bool drain)
{
	GstGpmfAttachState &st = *self->state;
	GstAggregator *aggregator = GST_AGGREGATOR(self);
	const bool videoEos = gst_aggregator_pad_is_eos(self->videopad);
	const GstClockTime latency = gst_aggregator_get_latency(aggregator);
	Ns now = kNoNs;
	if (GST_CLOCK_TIME_IS_VALID(latency)) {
		if (GstClock *clock = gst_element_get_clock(GST_ELEMENT(self))) {
			now =
			    Ns(gst_clock_get_time(clock)) - Ns(gst_element_get_base_time(GST_ELEMENT(self)));
			gst_object_unref(clock);
		}
	}
	bool force = timeout;
	while (!st.held.empty()) {
		GstGpmfAttachHeld &h = st.held.front();
		if (h.event) {
			gst_gpmf_attach_apply_event(self, std::exchange(h.event, nullptr));
			st.held.pop_front();
			continue;
		}
		if (h.begin != kNoNs) {
			if (!h.durationKnown) {
				// The next frame ends it; at the end of the video, it has no span.
				if (!(drain || videoEos || force))
					break;
				h.end = h.begin;
				h.durationKnown = true;
			}
			const Ns until = gst_gpmf_attach_complete_until(st);
			const bool complete = until != kNoNs && until >= h.end;
			if (!complete && !drain) {
				const bool late =
				    force ||
				    (GST_CLOCK_TIME_IS_VALID(snap.maxDelay) && st.videoSeenEnd != kNoNs &&
				     st.videoSeenEnd >=
					 h.end + Ns(std::min<GstClockTime>(snap.maxDelay, G_MAXINT64 / 2))) ||
				    (now != kNoNs && now >= h.begin + Ns(latency));
				if (!late)
					break;
				if (!std::exchange(st.saidLate, true))
					GST_ELEMENT_WARNING(
					    self, STREAM, FAILED,
					    ("Telemetry came too late for some video frames"),
					    ("the frame at %" GST_STIME_FORMAT
					     " (running time) went out with the telemetry there was "
					     "(max-delay, or the live deadline)",
					     GST_STIME_ARGS(h.begin)));
			}
		}
		GST_LOG_OBJECT(self,
			       "frame at %" GST_STIME_FORMAT " out: coverage %" GST_STIME_FORMAT
			       ", lead %" GST_STIME_FORMAT ", video %" GST_STIME_FORMAT
			       " eos %d absent %d timeout %d drain %d now %" GST_STIME_FORMAT
			       " latency %" GST_TIME_FORMAT,
			       GST_STIME_ARGS(h.begin), GST_STIME_ARGS(st.telemetry.coverageEnd()),
			       GST_STIME_ARGS(st.telemetry.lead()), GST_STIME_ARGS(st.videoSeenEnd),
			       st.gpmfEos, st.gpmfAbsent, force, drain, GST_STIME_ARGS(now),
			       GST_TIME_ARGS(latency));
		force = false;
		GstGpmfAttachHeld out = h;
		h.buffer = nullptr;
		st.held.pop_front();
		const GstFlowReturn ret = gst_gpmf_attach_push_frame(self, out, snap);
		if (ret != GST_FLOW_OK)
			return ret;
	}
	return GST_FLOW_OK;
}

static Snapshot gst_gpmf_attach_snapshot(GstGpmfAttach *self)
{
	GstGpmfAttachState &st = *self->state;
	Snapshot snap;
	std::optional<gpmf::SessionOptions> options;
	{
		ObjectLocker lock(self);
		const GstGpmfAttachSettings &s = st.settings;
		snap.attachRecord = s.attachRecord;
		snap.faces = s.faces;
		snap.maxDelay = s.maxDelay;
		if (s.version != st.appliedVersion) {
			options.emplace();
			options->decode.streams = s.streamKeys;
			st.appliedVersion = s.version;
		}
	}
	if (options) {
		options->records = false; // each frame gets its own record
		options->header = false;
		options->summary = false;
		options->gps = true;
		options->threads = 1;
		st.session.setOptions(std::move(*options));
	}
	return snap;
}

GstFlowReturn gst_gpmf_attach_drain(GstGpmfAttach *self)
{
	return gst_gpmf_attach_release(self, gst_gpmf_attach_snapshot(self), false, true);
}

void gst_gpmf_attach_reset(GstGpmfAttach *self, bool telemetry)
{
	GstGpmfAttachState &st = *self->state;
	for (GstGpmfAttachHeld &h : st.held)
		releaseHeld(h);
	st.held.clear();
	for (GstEvent *e : st.pendingTags)
		gst_event_unref(e);
	st.pendingTags.clear();
	st.videoSeenEnd = st.videoLow = kNoNs;
	{
		std::lock_guard lock(st.lock);
		st.seenVideoFlushes = st.videoFlushes;
	}
	if (telemetry) {
		st.session.discard();
		st.telemetry.clear();
		st.gpmfMap = {};
		st.gpmfEos = st.gpmfAbsent = false;
	}
}

GstFlowReturn gst_gpmf_attach_aggregate(GstAggregator *aggregator, gboolean timeout)
{
	auto *self = GST_GPMF_ATTACH(aggregator);
	GstGpmfAttachState &st = *self->state;
	return gst_gpmf_attach_guard(self, GST_FLOW_ERROR, "aggregate", [&]() -> GstFlowReturn {
		const Snapshot snap = gst_gpmf_attach_snapshot(self);
		if (!std::exchange(st.latencyChecked, true) &&
		    !GST_CLOCK_TIME_IS_VALID(gst_aggregator_get_latency(aggregator))) {
			st.live = false;
			// Not live: latency means nothing but how much GstAggregator lets a pad queue
			// (one buffer at 0). A few frames save a hand-over between threads per frame.
			guint64 latency = 0;
			g_object_get(self, "latency", &latency, nullptr);
			if (latency == 0) {
				GST_DEBUG_OBJECT(
				    self, "not live: latency %" GST_TIME_FORMAT " for the video's queue",
				    GST_TIME_ARGS(kQueueLatency));
				g_object_set(self, "latency", guint64(kQueueLatency), nullptr);
				st.latencyRaised = true;
			}
		}

		std::uint64_t videoFlushes;
		{
			std::lock_guard lock(st.lock);
			videoFlushes = st.videoFlushes;
		}
		if (videoFlushes != st.seenVideoFlushes)
			gst_gpmf_attach_reset(self, false); // the video alone was flushed

		// The frames first, then the gpmf pad's input: whatever came there before a frame
		// (qtdemux feeds both from one thread) is then taken with it.
		for (int n = 0; n < kMaxTakes; n++) {
			GstBuffer *buffer = gst_aggregator_pad_pop_buffer(self->videopad);
			if (!buffer)
				break;
			gst_gpmf_attach_take_frames(self, gst_gpmf_attach_take_batches(self, buffer));
			gst_gpmf_attach_take_frame(self, buffer);
		}
		const bool videoEos = gst_aggregator_pad_is_eos(self->videopad);
		std::deque<GstGpmfAttachInput> input;
		{
			std::lock_guard lock(st.lock);
			input.swap(st.pending);
			st.pendingBuffers = 0;
		}
		for (GstGpmfAttachInput &in : input)
			gst_gpmf_attach_take_input(self, in);
		input.clear();

		GstFlowReturn ret;
		bool done;
		for (bool again = true; again;) {
			ret = gst_gpmf_attach_release(self, snap, timeout, false);
			timeout = false;

			// What no frame to come can need goes.
			Ns keep = st.videoLow;
			for (const GstGpmfAttachHeld &h : st.held) {
				if (h.buffer && h.begin != kNoNs) {
					keep = keep == kNoNs ? h.begin : std::min(keep, h.begin);
					break;
				}
			}
			if (keep != kNoNs)
				st.telemetry.prune(keep);

			std::vector<GstBuffer *> complete;
			done = videoEos && st.held.empty();
			{
				std::unique_lock lock(st.lock);
				st.payloadsAhead = st.telemetry.payloadsFrom(st.videoSeenEnd);
				st.completeUntil = gst_gpmf_attach_complete_until(st);
				st.maxDelay = snap.maxDelay;
				st.batching = !st.live; // see GstGpmfAttachState
				if (ret == GST_FLOW_OK && st.inFlight.empty() && !st.openBatch.empty() &&
				    (!st.batching ||
				     (st.completeUntil != kNoNs && st.openBatchEnd <= st.completeUntil))) {
					// The probe held frames back that are complete now (it went by what
					// was known before this call) and nothing let through is before them.
					complete = st.takeOpenBatch();
					done = false;
				}
				st.videoDone = done || ret == GST_FLOW_EOS;
				st.moved.notify_all();
				if (complete.empty() && videoEos && !done && ret == GST_FLOW_OK) {
					// The last frames wait for their telemetry: wait for the gpmf pad (a
					// while at a time; GstAggregator calls again, its pads having ended).
					st.moved.wait_for(lock, kEndWait, [&st]() {
						return !st.pending.empty() || st.stopping || st.gpmfFlushing;
					});
				}
			}
			again = !complete.empty();
			gst_gpmf_attach_take_frames(self, std::move(complete));
		}
		if (ret != GST_FLOW_OK)
			return ret;
		return done ? GST_FLOW_EOS : GST_FLOW_OK;
	});
}
