// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse: decodes GoPro GPMF telemetry into one NDJSON record per buffer.

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
 * The element decodes and writes in a thread of its own (#GstGpmfParse:worker-thread), in
 * stream order, so the upstream streaming thread (qtdemux's, which reads the whole file) only
 * hands the buffers over and no queue is needed before it. With #GstGpmfParse:threads above 1,
 * helper threads write the JSON of decoded payloads while the next ones are decoded, and the
 * records are still pushed in stream order (for files: a few payloads are held back meanwhile).
 *
 * HiLights are also pushed downstream as a #GstToc and posted as a TOC message. With
 * #GstGpmfParse:post-messages, every record is also posted as an element message named `gpmf`
 * (fields `json`, `record-type`, `index`, `timestamp`, `stream-time`, `running-time` and
 * `duration`), either at once or when the pipeline clock reaches the record.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=GX010001.MP4 ! qtdemux ! gpmfparse ! filesink location=telemetry.ndjson
 * gst-launch-1.0 filesrc location=track.bin ! application/x-gpmf ! gpmfparse ! filesink
 * location=telemetry.ndjson
 * ]|
 *
 * Since: 0.1
 */

#include "gstgpmfparse.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <list>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gst/base/gstadapter.h>

#include "gpmf/decoder.h"
#include "gpmf/header.h"
#include "gpmf/klv.h"
#include "gpmf/records.h"
#include "gpmf/track_splitter.h"

#include "gstgpmf-utils.h"
#include "gstgpmfparse-worker.h"
#include "gstgpmfparse-writers.h"

GST_DEBUG_CATEGORY_STATIC(gst_gpmf_parse_debug);
#define GST_CAT_DEFAULT gst_gpmf_parse_debug

using gpmf::gst::BufferMap;
using gpmf::gst::fromSeconds;
using gpmf::gst::kPrivateQtTag;
using gpmf::gst::ObjectLocker;
using gpmf::gst::toSeconds;

namespace
{

// A raw dump is buffered until the next payload starts; a payload is about 5-100 KiB, so
// anything near this size means the input is not GPMF (or is corrupt) and is dropped.
constexpr gsize kMaxRawBuffered = 16 * 1024 * 1024;

// Bounds the records made from one payload when `interval` is tiny (1 ms gives 1001).
constexpr guint64 kMaxWindowsPerPayload = 4096;

// GPMF payloads last about a second; used when a buffer carries no duration.
constexpr GstClockTime kNominalPayloadDuration = GST_SECOND;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Properties, guarded by GST_OBJECT_LOCK.
struct Settings {
	std::string streams;
	std::string devices;
	gpmf::DecodeOptions options;
	std::uint64_t optionsVersion = 0; ///< bumped whenever options change
	GstClockTime interval = 0;
	bool postMessages = false;
	GstGpmfParseMessageTiming timing = GST_GPMF_PARSE_MESSAGE_TIMING_IMMEDIATE;
	bool header = true;
	bool summary = true;
	gint maxErrors = -1;
	bool workerThread = true;
	guint threads = 1; ///< 0: one per CPU core
};

// What handling one buffer or event needs from Settings, taken when it arrives: a property set
// between two buffers applies from the second, whichever thread handles them.
struct Snapshot {
	GstClockTime interval;
	bool postMessages;
	GstGpmfParseMessageTiming timing;
	bool header;
	bool summary;
	gint maxErrors;
	std::shared_ptr<const gpmf::DecodeOptions> options;
};

using RawClock = gpmf::RawTrackClock;

// A piece of [pts, pts + duration) that gets a record of its own (`interval`).
struct Window {
	GstClockTime pts;
	GstClockTime duration;
	gpmf::RecordWindow range;
};

// A decoded payload whose records a writer thread writes (threads > 1). Kept from one payload
// to the next, as the single-thread path keeps its Payload: decoding allocates next to nothing.
struct PendingPayload {
	gpmf::Payload payload;
	std::vector<Window> windows;
	std::vector<std::string> records; ///< per window; empty: a GAP (no sample inside)
	std::size_t sizeHint = 4096;     ///< bytes to reserve for a record, from the last one
	bool failed = false;             ///< writing ran out of memory
};

} // namespace

// Posts element messages when the pipeline clock reaches their running time. Each message gets
// its own GstClockID, waited on asynchronously, so the streaming thread never blocks. Messages
// are kept while PAUSED (and scheduled again in PLAYING, when the base time is known) and
// dropped on flush and stop. The clock callbacks only hold a weak reference to the element.
class GstGpmfParseScheduler
{
public:
	~GstGpmfParseScheduler() { clear(); }

	/// Takes ownership of message. Posts it at once if it cannot be timed.
	void add(GstGpmfParse *self, GstMessage *message, GstClockTime runningTime);
	/// PAUSED_TO_PLAYING: schedule everything kept.
	void play(GstGpmfParse *self);
	/// PLAYING_TO_PAUSED: unschedule, but keep the messages.
	void pause();
	/// Flush and stop: unschedule and drop everything.
	void clear();
	void setLatency(GstClockTime latency);
	/// Called from the clock thread when (serial, id) fires: the messages now due, in order.
	std::vector<GstMessage *> take(std::uint64_t serial, GstClockID id);

private:
	struct Entry {
		std::uint64_t serial;
		GstClockTime runningTime;
		GstMessage *message;
		GstClockID id;
	};

	bool schedule(GstGpmfParse *self, Entry &entry, GstClock *clock, GstClockTime baseTime);
	void unscheduleLocked();

	std::mutex mutex_;
	std::list<Entry> entries_;
	std::uint64_t nextSerial_ = 0;
	bool playing_ = false;
	GstClockTime latency_ = 0;
};

// C++ state of the element; GObject only zero-fills the instance struct, so it lives here.
struct GstGpmfParseState {
	explicit GstGpmfParseState(GstPad *srcpad) : worker(srcpad) {}

	// Guarded by GST_OBJECT_LOCK.
	Settings settings;

	// Hands buffers and serialized events to the thread that handles them (worker-thread).
	GstGpmfParseWorker worker;
	// Writes the records of decoded payloads on other threads (threads). Used by the handling
	// thread only, as is `pending`: the payloads decoded and not pushed yet, a ring of
	// writers.capacity() whose memory serves the next payloads.
	GstGpmfParseWriters writers;
	std::vector<std::unique_ptr<PendingPayload>> pending;
	std::size_t nextPending = 0;
	// Upstream's streaming thread: the decode options of the last snapshot.
	std::uint64_t snapshotOptionsVersion = std::numeric_limits<std::uint64_t>::max();
	std::shared_ptr<const gpmf::DecodeOptions> snapshotOptions;

	// That thread only (the worker task, or upstream's streaming thread; state changes with
	// pads inactive): what follows, up to the scheduler.
	gpmf::Decoder decoder;
	std::shared_ptr<const gpmf::DecodeOptions> appliedOptions; ///< what the decoder has
	GstSegment segment;
	bool needDiscont = true;
	bool headerSent = false;
	gpmf::Header header;
	GstTagList *globalTags = nullptr;
	GstTagList *streamTags = nullptr;
	std::vector<std::pair<gint64, gint64>> tocTimes; ///< the HiLights last sent as a TOC
	GstClockTime lastEnd = GST_CLOCK_TIME_NONE;
	GstClockTime lastPts = GST_CLOCK_TIME_NONE;
	std::uint64_t recordIndex = 0;
	gint consecutiveErrors = 0;
	GstAdapter *adapter = nullptr;
	gsize rawNeeded = 0; ///< adapter bytes worth waiting for before splitting again
	RawClock rawClock;

	// Read from other threads (queries).
	std::atomic<bool> rawInput = false;

	GstGpmfParseScheduler scheduler;
};

struct _GstGpmfParse {
	GstElement parent;
	GstPad *sinkpad;
	GstPad *srcpad;
	GstGpmfParseState *state;
};

enum {
	PROP_0,
	PROP_STREAMS,
	PROP_DEVICES,
	PROP_INTERVAL,
	PROP_POST_MESSAGES,
	PROP_MESSAGE_TIMING,
	PROP_MIN_GPS_FIX,
	PROP_MAX_GPS_DOP,
	PROP_RAW,
	PROP_HEADER,
	PROP_SUMMARY,
	PROP_MAX_ERRORS,
	PROP_WORKER_THREAD,
	PROP_THREADS,
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
	try {
		return fn();
	} catch (const std::bad_alloc &) {
		GST_ELEMENT_ERROR(self, CORE, FAILED, ("Out of memory while decoding GPMF"), ("%s", where));
	} catch (const std::exception &e) {
		GST_ELEMENT_ERROR(self, CORE, FAILED, (nullptr), ("%s: %s", where, e.what()));
	} catch (...) {
		GST_ELEMENT_ERROR(self, CORE, FAILED, (nullptr), ("%s: unknown C++ exception", where));
	}
	return onError;
}

/* Message scheduling. */

namespace
{

struct Ticket {
	GWeakRef self;
	std::uint64_t serial;
};

void ticketFree(gpointer data)
{
	auto *ticket = static_cast<Ticket *>(data);
	g_weak_ref_clear(&ticket->self);
	delete ticket;
}

gboolean messageDue([[maybe_unused]] GstClock *clock, [[maybe_unused]] GstClockTime time, GstClockID id,
		    gpointer data)
{
	auto *ticket = static_cast<Ticket *>(data);
	auto *self = static_cast<GstGpmfParse *>(g_weak_ref_get(&ticket->self));
	if (!self)
		return TRUE;
	try {
		for (GstMessage *message : self->state->scheduler.take(ticket->serial, id))
			gst_element_post_message(GST_ELEMENT(self), message);
	} catch (const std::bad_alloc &) {
		GST_ERROR_OBJECT(self, "out of memory posting a message");
	}
	gst_object_unref(self);
	return TRUE;
}

} // namespace

void GstGpmfParseScheduler::add(GstGpmfParse *self, GstMessage *message, GstClockTime runningTime)
{
	{
		std::lock_guard<std::mutex> lock(mutex_);
		if (GST_CLOCK_TIME_IS_VALID(runningTime)) {
			entries_.push_back(Entry{nextSerial_++, runningTime, message, nullptr});
			if (!playing_)
				return; // kept until PLAYING
			GstClock *clock = gst_element_get_clock(GST_ELEMENT(self));
			bool scheduled = false;
			if (clock) {
				scheduled = schedule(self, entries_.back(), clock,
						     gst_element_get_base_time(GST_ELEMENT(self)));
				gst_object_unref(clock);
			}
			if (scheduled)
				return;
			entries_.pop_back();
		}
	}
	// No running time or no clock: nothing to wait for.
	gst_element_post_message(GST_ELEMENT(self), message);
}

bool GstGpmfParseScheduler::schedule(GstGpmfParse *self, Entry &entry, GstClock *clock, GstClockTime baseTime)
{
	const GstClockTime due = baseTime + entry.runningTime + latency_;
	entry.id = gst_clock_new_single_shot_id(clock, due);
	auto *ticket = new Ticket{{}, entry.serial};
	g_weak_ref_init(&ticket->self, self);
	if (gst_clock_id_wait_async(entry.id, messageDue, ticket, ticketFree) != GST_CLOCK_OK) {
		ticketFree(ticket);
		gst_clock_id_unref(entry.id);
		entry.id = nullptr;
		return false;
	}
	return true;
}

void GstGpmfParseScheduler::play(GstGpmfParse *self)
{
	std::vector<GstMessage *> now;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		playing_ = true;
		GstClock *clock = gst_element_get_clock(GST_ELEMENT(self));
		const GstClockTime base = gst_element_get_base_time(GST_ELEMENT(self));
		for (auto it = entries_.begin(); it != entries_.end();) {
			if (it->id || (clock && schedule(self, *it, clock, base))) {
				++it;
				continue;
			}
			now.push_back(it->message);
			it = entries_.erase(it);
		}
		if (clock)
			gst_object_unref(clock);
	}
	for (GstMessage *message : now)
		gst_element_post_message(GST_ELEMENT(self), message);
}

void GstGpmfParseScheduler::unscheduleLocked()
{
	for (Entry &entry : entries_) {
		if (!entry.id)
			continue;
		gst_clock_id_unschedule(entry.id);
		gst_clock_id_unref(entry.id);
		entry.id = nullptr;
	}
}

void GstGpmfParseScheduler::pause()
{
	std::lock_guard<std::mutex> lock(mutex_);
	playing_ = false;
	unscheduleLocked();
}

void GstGpmfParseScheduler::clear()
{
	std::list<Entry> dropped;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		unscheduleLocked();
		dropped.swap(entries_);
	}
	for (Entry &entry : dropped)
		gst_message_unref(entry.message);
}

void GstGpmfParseScheduler::setLatency(GstClockTime latency)
{
	std::lock_guard<std::mutex> lock(mutex_);
	latency_ = GST_CLOCK_TIME_IS_VALID(latency) ? latency : 0;
}

std::vector<GstMessage *> GstGpmfParseScheduler::take(std::uint64_t serial, GstClockID id)
{
	std::vector<GstMessage *> due;
	std::lock_guard<std::mutex> lock(mutex_);
	// The id check skips a callback racing with pause(): that entry waits for PLAYING.
	auto fired = std::find_if(entries_.begin(), entries_.end(),
				  [&](const Entry &e) { return e.serial == serial && e.id == id; });
	if (fired == entries_.end())
		return due;
	// Entries due at the same time may fire in any order: post everything up to this one
	// that is not later, so the application sees the records in stream order.
	const GstClockTime time = fired->runningTime;
	const auto end = std::next(fired);
	for (auto it = entries_.begin(); it != end;) {
		if (it->runningTime > time) {
			++it;
			continue;
		}
		if (it->id) {
			if (it != fired)
				gst_clock_id_unschedule(it->id);
			gst_clock_id_unref(it->id);
		}
		due.push_back(it->message);
		it = entries_.erase(it);
	}
	return due;
}

/* Settings. */

// "ACCL, GYRO;GPS5" -> tokens; commas, semicolons and blanks all separate.
static std::vector<std::string> gst_gpmf_parse_split_list(const gchar *text)
{
	std::vector<std::string> tokens;
	std::string current;
	for (const gchar *p = text ? text : ""; *p; p++) {
		if (*p == ',' || *p == ';' || g_ascii_isspace(*p)) {
			if (!current.empty())
				tokens.push_back(std::move(current));
			current.clear();
		} else {
			current.push_back(*p);
		}
	}
	if (!current.empty())
		tokens.push_back(std::move(current));
	return tokens;
}

static std::vector<gpmf::FourCC> gst_gpmf_parse_parse_streams(GstGpmfParse *self, const gchar *text)
{
	std::vector<gpmf::FourCC> keys;
	for (std::string &token : gst_gpmf_parse_split_list(text)) {
		// FourCCs such as "acc1" are case sensitive; short ones ("GPS") are space padded.
		if (token.size() < 4)
			token.resize(4, ' ');
		if (auto key = gpmf::FourCC::fromString(token))
			keys.push_back(*key);
		else
			GST_WARNING_OBJECT(self, "ignoring '%s' in streams: not a FourCC", token.c_str());
	}
	return keys;
}

static void gst_gpmf_parse_set_property(GObject *object, guint prop_id, const GValue *value,
					GParamSpec *pspec)
{
	auto *self = GST_GPMF_PARSE(object);
	gst_gpmf_parse_guard(self, 0, "set_property", [&]() {
		ObjectLocker lock(self);
		Settings &s = self->state->settings;
		switch (prop_id) {
		case PROP_STREAMS: {
			const gchar *text = g_value_get_string(value);
			s.streams = text ? text : "";
			s.options.streams = gst_gpmf_parse_parse_streams(self, text);
			s.optionsVersion++;
			break;
		}
		case PROP_DEVICES: {
			const gchar *text = g_value_get_string(value);
			s.devices = text ? text : "";
			s.options.devices = gst_gpmf_parse_split_list(text);
			s.optionsVersion++;
			break;
		}
		case PROP_INTERVAL:
			s.interval = g_value_get_uint64(value);
			break;
		case PROP_POST_MESSAGES:
			s.postMessages = g_value_get_boolean(value);
			break;
		case PROP_MESSAGE_TIMING:
			s.timing = static_cast<GstGpmfParseMessageTiming>(g_value_get_enum(value));
			break;
		case PROP_MIN_GPS_FIX:
			s.options.minGpsFix = g_value_get_int(value);
			s.optionsVersion++;
			break;
		case PROP_MAX_GPS_DOP:
			s.options.maxGpsDop = g_value_get_double(value);
			s.optionsVersion++;
			break;
		case PROP_RAW:
			s.options.raw = g_value_get_boolean(value);
			s.optionsVersion++;
			break;
		case PROP_HEADER:
			s.header = g_value_get_boolean(value);
			break;
		case PROP_SUMMARY:
			s.summary = g_value_get_boolean(value);
			break;
		case PROP_MAX_ERRORS:
			s.maxErrors = g_value_get_int(value);
			break;
		case PROP_WORKER_THREAD:
			s.workerThread = g_value_get_boolean(value);
			break;
		case PROP_THREADS:
			s.threads = g_value_get_uint(value);
			break;
		default:
			G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
			break;
		}
		return 0;
	});
}

static void gst_gpmf_parse_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	auto *self = GST_GPMF_PARSE(object);
	ObjectLocker lock(self);
	const Settings &s = self->state->settings;
	switch (prop_id) {
	case PROP_STREAMS:
		g_value_set_string(value, s.streams.c_str());
		break;
	case PROP_DEVICES:
		g_value_set_string(value, s.devices.c_str());
		break;
	case PROP_INTERVAL:
		g_value_set_uint64(value, s.interval);
		break;
	case PROP_POST_MESSAGES:
		g_value_set_boolean(value, s.postMessages);
		break;
	case PROP_MESSAGE_TIMING:
		g_value_set_enum(value, s.timing);
		break;
	case PROP_MIN_GPS_FIX:
		g_value_set_int(value, s.options.minGpsFix);
		break;
	case PROP_MAX_GPS_DOP:
		g_value_set_double(value, s.options.maxGpsDop);
		break;
	case PROP_RAW:
		g_value_set_boolean(value, s.options.raw);
		break;
	case PROP_HEADER:
		g_value_set_boolean(value, s.header);
		break;
	case PROP_SUMMARY:
		g_value_set_boolean(value, s.summary);
		break;
	case PROP_MAX_ERRORS:
		g_value_set_int(value, s.maxErrors);
		break;
	case PROP_WORKER_THREAD:
		g_value_set_boolean(value, s.workerThread);
		break;
	case PROP_THREADS:
		g_value_set_uint(value, s.threads);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

// Upstream's thread: copies the settings for one buffer or event (the decode options only
// when they changed).
static Snapshot gst_gpmf_parse_snapshot(GstGpmfParse *self)
{
	GstGpmfParseState &st = *self->state;
	ObjectLocker lock(self);
	const Settings &s = st.settings;
	if (s.optionsVersion != st.snapshotOptionsVersion || !st.snapshotOptions) {
		st.snapshotOptions = std::make_shared<const gpmf::DecodeOptions>(s.options);
		st.snapshotOptionsVersion = s.optionsVersion;
	}
	return Snapshot{s.interval, s.postMessages, s.timing, s.header, s.summary, s.maxErrors, st.snapshotOptions};
}

// The handling thread: changed decode options go to the decoder, which stays that thread's.
static void gst_gpmf_parse_apply_options(GstGpmfParse *self, const Snapshot &snap)
{
	GstGpmfParseState &st = *self->state;
	if (snap.options && snap.options != st.appliedOptions) {
		st.decoder.setOptions(*snap.options);
		st.appliedOptions = snap.options;
	}
}

/* Output. */

static GstClockTime gst_gpmf_parse_running_time(GstGpmfParse *self, GstClockTime pts)
{
	const GstSegment &segment = self->state->segment;
	if (!GST_CLOCK_TIME_IS_VALID(pts) || segment.format != GST_FORMAT_TIME)
		return GST_CLOCK_TIME_NONE;
	return gst_segment_to_running_time(&segment, GST_FORMAT_TIME, pts);
}

static void gst_gpmf_parse_post_record(GstGpmfParse *self, const Snapshot &snap, const std::string &json,
				       const char *type, std::uint64_t index, GstClockTime pts,
				       GstClockTime duration)
{
	const GstSegment &segment = self->state->segment;
	GstClockTime streamTime = GST_CLOCK_TIME_NONE;
	if (GST_CLOCK_TIME_IS_VALID(pts) && segment.format == GST_FORMAT_TIME)
		streamTime = gst_segment_to_stream_time(&segment, GST_FORMAT_TIME, pts);
	const GstClockTime runningTime = gst_gpmf_parse_running_time(self, pts);
	// Past the segment stop there is no running time, but the clock still gets there (the gpmd
	// track often outlasts the video): wait for the extrapolated time rather than post early.
	GstClockTime due = runningTime;
	if (!GST_CLOCK_TIME_IS_VALID(due) && GST_CLOCK_TIME_IS_VALID(pts) &&
	    segment.format == GST_FORMAT_TIME &&
	    gst_segment_to_running_time_full(&segment, GST_FORMAT_TIME, pts, &due) != 1)
		due = GST_CLOCK_TIME_NONE;

	// The record without its newline: one JSON document.
	std::string_view text(json);
	if (!text.empty() && text.back() == '\n')
		text.remove_suffix(1);
	g_autofree gchar *jsonText = g_strndup(text.data(), text.size());

	GstStructure *s = gst_structure_new(
	    "gpmf", "json", G_TYPE_STRING, jsonText, "record-type", G_TYPE_STRING, type, "index",
	    G_TYPE_UINT64, guint64(index), "timestamp", GST_TYPE_CLOCK_TIME, pts, "stream-time",
	    GST_TYPE_CLOCK_TIME, streamTime, "running-time", GST_TYPE_CLOCK_TIME, runningTime, "duration",
	    GST_TYPE_CLOCK_TIME, duration, nullptr);
	GstMessage *message = gst_message_new_element(GST_OBJECT(self), s);

	if (snap.timing == GST_GPMF_PARSE_MESSAGE_TIMING_CLOCK)
		self->state->scheduler.add(self, message, due);
	else
		gst_element_post_message(GST_ELEMENT(self), message);
}

static GstFlowReturn gst_gpmf_parse_push_record(GstGpmfParse *self, const Snapshot &snap, std::string &&json,
						const char *type, GstClockTime pts, GstClockTime duration)
{
	GstGpmfParseState &st = *self->state;
	const std::uint64_t index = st.recordIndex++;
	if (snap.postMessages)
		gst_gpmf_parse_post_record(self, snap, json, type, index, pts, duration);

	// The record's own memory becomes the buffer's: no copy of tens of kB per payload.
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
	return gst_pad_push(self->srcpad, buffer);
}

static void gst_gpmf_parse_push_gap(GstGpmfParse *self, GstClockTime pts, GstClockTime duration)
{
	if (!GST_CLOCK_TIME_IS_VALID(pts))
		return;
	gst_pad_push_event(self->srcpad, gst_event_new_gap(pts, duration));
}

static GstFlowReturn gst_gpmf_parse_push_header(GstGpmfParse *self, const Snapshot &snap, GstClockTime pts)
{
	GstGpmfParseState &st = *self->state;
	if (st.headerSent || !snap.header)
		return GST_FLOW_OK;
	st.headerSent = true;
	std::string json;
	gpmf::writeHeaderRecord(json, st.header);
	return gst_gpmf_parse_push_record(self, snap, std::move(json), "header", pts, 0);
}

/* Header, tags and TOC. */

static void gst_gpmf_parse_add_atoms(gpmf::Header &header, const GstTagList *list)
{
	if (!list)
		return;
	const guint n = gst_tag_list_get_tag_size(list, kPrivateQtTag);
	for (guint i = 0; i < n; i++) {
		const GValue *value = gst_tag_list_get_value_index(list, kPrivateQtTag, i);
		if (!value || !GST_VALUE_HOLDS_SAMPLE(value))
			continue;
		GstBuffer *buffer = gst_sample_get_buffer(gst_value_get_sample(value));
		if (!buffer)
			continue;
		BufferMap map(buffer);
		if (map)
			gpmf::addUdtaAtomBytes(header, map.bytes());
	}
}

// A HiLight's TOC start and stop (-1 unknown): a tag is an instant; HLMT also gives its span.
static std::pair<gint64, gint64> gst_gpmf_parse_hilight_span(const gpmf::HiLight &h)
{
	auto ns = [](double seconds) {
		const GstClockTime t = fromSeconds(seconds);
		return GST_CLOCK_TIME_IS_VALID(t) ? gint64(t) : gint64(-1);
	};
	return {ns(h.in >= 0 ? h.in : h.time), ns(h.out >= 0 ? h.out : h.time)};
}

static GstToc *gst_gpmf_parse_make_toc(const gpmf::Header &header)
{
	GstToc *toc = gst_toc_new(GST_TOC_SCOPE_GLOBAL);
	guint n = 0;
	for (const gpmf::HiLight &h : header.hilights) {
		n++;
		g_autofree gchar *uid = g_strdup_printf("hilight-%u", n);
		GstTocEntry *entry = gst_toc_entry_new(GST_TOC_ENTRY_TYPE_CHAPTER, uid);
		const auto [start, stop] = gst_gpmf_parse_hilight_span(h);
		gst_toc_entry_set_start_stop_times(entry, start, stop);
		g_autofree gchar *title = h.kind.empty()
					      ? g_strdup_printf("HiLight %u", n)
					      : g_strdup_printf("HiLight %u (%s)", n, h.kind.c_str());
		gst_toc_entry_set_tags(entry, gst_tag_list_new(GST_TAG_TITLE, title, nullptr));
		gst_toc_append_entry(toc, entry);
	}
	return toc;
}

// Rebuilds the header from every private-qt-tag seen in this stream, sends a TOC if the
// HiLights changed, and returns the tag event to forward.
static GstEvent *gst_gpmf_parse_handle_tags(GstGpmfParse *self, GstEvent *event)
{
	GstGpmfParseState &st = *self->state;
	GstTagList *list = nullptr;
	gst_event_parse_tag(event, &list);
	GstTagList **slot =
	    gst_tag_list_get_scope(list) == GST_TAG_SCOPE_GLOBAL ? &st.globalTags : &st.streamTags;
	gst_mini_object_replace(reinterpret_cast<GstMiniObject **>(slot), GST_MINI_OBJECT_CAST(list));

	gpmf::Header header;
	gst_gpmf_parse_add_atoms(header, st.globalTags);
	gst_gpmf_parse_add_atoms(header, st.streamTags);
	st.header = std::move(header);
	for (const gpmf::Diagnostic &d : st.header.diagnostics)
		GST_WARNING_OBJECT(self, "udta: %s", d.message().c_str());

	std::vector<std::pair<gint64, gint64>> times;
	for (const gpmf::HiLight &h : st.header.hilights)
		times.push_back(gst_gpmf_parse_hilight_span(h));
	if (!st.header.hilights.empty() && times != st.tocTimes) {
		st.tocTimes = std::move(times);
		GstToc *toc = gst_gpmf_parse_make_toc(st.header);
		GST_INFO_OBJECT(self, "%zu HiLights", st.header.hilights.size());
		gst_pad_push_event(self->srcpad, gst_event_new_toc(toc, FALSE));
		gst_element_post_message(GST_ELEMENT(self),
					 gst_message_new_toc(GST_OBJECT(self), toc, FALSE));
		gst_toc_unref(toc);
	}

	// Let players show the camera like any other device tag.
	if (st.header.camera.empty() || gst_tag_list_get_scope(list) != GST_TAG_SCOPE_GLOBAL)
		return event;
	GstTagList *tags = gst_tag_list_copy(list);
	gst_tag_list_add(tags, GST_TAG_MERGE_KEEP, GST_TAG_DEVICE_MANUFACTURER, "GoPro", GST_TAG_DEVICE_MODEL,
			 st.header.camera.c_str(), nullptr);
	GstEvent *out = gst_event_new_tag(tags);
	gst_event_set_seqnum(out, gst_event_get_seqnum(event));
	gst_event_unref(event);
	return out;
}

/* Decoding. */

// Cuts [pts, pts + duration) into records of at most `interval`, into `windows`. The first and
// last windows are open-ended, so samples that TIMO or timing puts just outside the payload
// still go somewhere.
static void gst_gpmf_parse_windows(std::vector<Window> &windows, GstClockTime pts, GstClockTime duration,
				   GstClockTime interval)
{
	windows.clear();
	if (interval == 0 || duration <= interval) {
		windows.push_back(Window{pts, duration, {}});
		return;
	}
	guint64 count = (duration + interval - 1) / interval;
	if (count > kMaxWindowsPerPayload) {
		interval = (duration + kMaxWindowsPerPayload - 1) / kMaxWindowsPerPayload;
		count = (duration + interval - 1) / interval;
	}
	windows.reserve(count);
	for (guint64 k = 0; k < count; k++) {
		const GstClockTime begin = pts + k * interval;
		const GstClockTime end = std::min(pts + duration, begin + interval);
		gpmf::RecordWindow range;
		range.begin = k == 0 ? -kInf : toSeconds(begin);
		range.end = k + 1 == count ? kInf : toSeconds(end);
		range.part = std::int64_t(k);
		windows.push_back(Window{begin, end - begin, range});
	}
}

// A GAP, pushed after the records still being written.
static GstFlowReturn gst_gpmf_parse_emit_gap(GstGpmfParse *self, GstClockTime pts, GstClockTime duration)
{
	GstGpmfParseWriters &writers = self->state->writers;
	if (!writers.parallel()) {
		gst_gpmf_parse_push_gap(self, pts, duration);
		return GST_FLOW_OK;
	}
	const GstFlowReturn ret = writers.makeRoom();
	if (ret == GST_FLOW_OK)
		writers.submit(nullptr, [self, pts, duration]() {
			gst_gpmf_parse_push_gap(self, pts, duration);
			return GST_FLOW_OK;
		});
	return ret;
}

// Where the next payload is decoded: the ring has a place per payload that may be pending,
// and makeRoom() left one free (the oldest place, whose records were pushed).
static PendingPayload &gst_gpmf_parse_next_pending(GstGpmfParseState &st)
{
	const std::size_t ring = st.writers.parallel() ? st.writers.capacity() : 1;
	if (st.pending.size() != ring) { // `threads` changed: nothing is pending then
		st.pending.clear();
		st.pending.resize(ring);
		st.nextPending = 0;
	}
	std::unique_ptr<PendingPayload> &place = st.pending[st.nextPending++ % ring];
	if (!place)
		place = std::make_unique<PendingPayload>();
	return *place;
}

// A writer thread (or the handling thread): the payload's records, one per window.
static void gst_gpmf_parse_write_records(PendingPayload &p) noexcept
{
	try {
		p.failed = false;
		p.records.resize(p.windows.size());
		for (std::size_t k = 0; k < p.windows.size(); k++) {
			std::string &json = p.records[k];
			json.clear();
			const gpmf::RecordWindow &range = p.windows[k].range;
			if (range.part >= 0 && !gpmf::windowHasSamples(p.payload, range))
				continue; // a GAP
			json.reserve(p.sizeHint); // the last record's size: no regrowth on the way
			gpmf::writePayloadRecord(json, p.payload, range);
			p.sizeHint = json.size() + json.size() / 8;
		}
	} catch (const std::exception &) {
		p.failed = true; // out of memory: reported by the delivery
	}
}

// The handling thread, in order: pushes what gst_gpmf_parse_write_records() wrote.
static GstFlowReturn gst_gpmf_parse_push_records(GstGpmfParse *self, const Snapshot &snap, PendingPayload &p)
{
	if (p.failed) {
		GST_ELEMENT_ERROR(self, RESOURCE, FAILED, (nullptr), ("out of memory writing a payload record"));
		return GST_FLOW_ERROR;
	}
	for (std::size_t k = 0; k < p.windows.size(); k++) {
		const Window &w = p.windows[k];
		if (p.records[k].empty()) {
			gst_gpmf_parse_push_gap(self, w.pts, w.duration);
			continue;
		}
		const GstFlowReturn ret =
		    gst_gpmf_parse_push_record(self, snap, std::move(p.records[k]), "payload", w.pts, w.duration);
		if (ret != GST_FLOW_OK)
			return ret;
	}
	return GST_FLOW_OK;
}

// A payload with nothing to output (corrupt or empty): a warning and a GAP, or an error once
// max-errors of them came in a row.
static GstFlowReturn gst_gpmf_parse_skip_payload(GstGpmfParse *self, const Snapshot &snap, GstClockTime pts,
						 GstClockTime duration, const char *summary, const char *detail)
{
	GstGpmfParseState &st = *self->state;
	st.consecutiveErrors++;
	if (snap.maxErrors >= 0 && st.consecutiveErrors > snap.maxErrors) {
		GST_ELEMENT_ERROR(self, STREAM, DECODE, ("Too many corrupt GPMF payloads"),
				  ("%d in a row, the last at %" GST_TIME_FORMAT ": %s: %s", st.consecutiveErrors,
				   GST_TIME_ARGS(pts), summary, detail));
		return GST_FLOW_ERROR;
	}
	GST_ELEMENT_WARNING(self, STREAM, DECODE, ("%s", summary), ("%s", detail));
	return gst_gpmf_parse_emit_gap(self, pts, duration);
}

// Decodes one payload covering [pts, pts + duration) and pushes its records (or GAPs).
static GstFlowReturn gst_gpmf_parse_decode(GstGpmfParse *self, const Snapshot &snap,
					   std::span<const std::uint8_t> bytes, GstClockTime pts,
					   GstClockTime duration)
{
	GstGpmfParseState &st = *self->state;
	st.lastPts = pts;
	st.lastEnd = pts + duration;

	if (bytes.empty()) {
		g_autofree gchar *detail =
		    g_strdup_printf("zero-length buffer at %" GST_TIME_FORMAT, GST_TIME_ARGS(pts));
		return gst_gpmf_parse_skip_payload(self, snap, pts, duration, "Empty GPMF payload", detail);
	}

	GstGpmfParseWriters &writers = st.writers;
	if (writers.parallel()) {
		const GstFlowReturn room = writers.makeRoom();
		if (room != GST_FLOW_OK)
			return room;
	}
	PendingPayload &pending = gst_gpmf_parse_next_pending(st);
	gpmf::Payload &payload = pending.payload;
	st.decoder.decodeInto(payload, bytes, toSeconds(pts), toSeconds(duration));
	const bool hasSamples = gpmf::windowHasSamples(payload, {});

	if (!payload.diagnostics.empty()) {
		std::string detail;
		for (const gpmf::Diagnostic &d : payload.diagnostics) {
			if (!detail.empty())
				detail += "; ";
			detail += d.message();
		}
		if (!hasSamples) {
			g_autofree gchar *text = g_strdup_printf(
			    "payload %" G_GUINT64_FORMAT " at %" GST_TIME_FORMAT ", %zu bytes: %s",
			    guint64(payload.index), GST_TIME_ARGS(pts), bytes.size(), detail.c_str());
			return gst_gpmf_parse_skip_payload(self, snap, pts, duration, "Corrupt GPMF payload",
							   text);
		}
		GST_WARNING_OBJECT(self, "payload %" G_GUINT64_FORMAT " partly decoded: %s",
				   guint64(payload.index), detail.c_str());
	}
	st.consecutiveErrors = 0;

	if (!hasSamples) {
		// Filtered out, or a payload with metadata only: downstream still learns time passed.
		GST_DEBUG_OBJECT(self, "payload %" G_GUINT64_FORMAT " has no samples",
				 guint64(payload.index));
		return gst_gpmf_parse_emit_gap(self, pts, duration);
	}

	if (!st.headerSent && snap.header) {
		// The header goes first: only GAPs can be pending before it.
		GstFlowReturn ret = writers.finish();
		if (ret == GST_FLOW_OK)
			ret = gst_gpmf_parse_push_header(self, snap, pts);
		if (ret != GST_FLOW_OK)
			return ret;
	}

	gst_gpmf_parse_windows(pending.windows, pts, duration, snap.interval);
	if (!writers.parallel()) {
		gst_gpmf_parse_write_records(pending);
		return gst_gpmf_parse_push_records(self, snap, pending);
	}
	writers.submit([&pending]() { gst_gpmf_parse_write_records(pending); },
		       [self, snap, &pending]() { return gst_gpmf_parse_push_records(self, snap, pending); });
	return GST_FLOW_OK;
}

// A timed payload from qtdemux (or any demuxer): one buffer, one payload.
static GstFlowReturn gst_gpmf_parse_chain_payload(GstGpmfParse *self, const Snapshot &snap, GstBuffer *buffer)
{
	GstGpmfParseState &st = *self->state;
	// Without a PTS the payload follows the previous one (or starts the segment).
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

	BufferMap map(buffer);
	if (!map) {
		GST_ELEMENT_ERROR(self, STREAM, FAILED, (nullptr), ("cannot map input buffer"));
		return GST_FLOW_ERROR;
	}
	return gst_gpmf_parse_decode(self, snap, map.bytes(), pts, duration);
}

// Skips to the next "DEVC" after a malformed top-level KLV; returns the bytes to drop.
static gsize gst_gpmf_parse_resync(std::span<const std::uint8_t> data, std::size_t from, bool eos)
{
	static constexpr std::uint8_t kDevc[] = {'D', 'E', 'V', 'C'};
	for (std::size_t i = from + 1; i + 4 <= data.size(); i++) {
		if (std::equal(std::begin(kDevc), std::end(kDevc), data.begin() + i))
			return i;
	}
	if (eos)
		return data.size();
	// Keep a tail that may be the start of a "DEVC" still arriving.
	return std::max(from + 1, data.size() > 3 ? data.size() - 3 : 0);
}

/*
 * Where a payload starts (a DEVC whose first child is DVID) inside the KLV at `at`, if anywhere:
 * DEVCs do not nest, so a DEVC claiming those bytes has a corrupt size, and waiting for (or
 * swallowing) what it claims, up to 16 MiB, would lose the payloads it covers.
 */
static std::optional<std::size_t> gst_gpmf_parse_next_payload(std::span<const std::uint8_t> data,
							      std::size_t at)
{
	static constexpr std::uint8_t kDevc[] = {'D', 'E', 'V', 'C'};
	static constexpr std::uint8_t kDvid[] = {'D', 'V', 'I', 'D'};
	for (std::size_t i = at + gpmf::kKlvHeaderSize; i + 2 * gpmf::kKlvHeaderSize <= data.size(); i += 4) {
		if (std::equal(std::begin(kDevc), std::end(kDevc), data.begin() + i) &&
		    std::equal(std::begin(kDvid), std::end(kDvid), data.begin() + i + gpmf::kKlvHeaderSize))
			return i;
	}
	return std::nullopt;
}

// Bytes needed before the top-level KLV at `at` is complete.
static gsize gst_gpmf_parse_klv_end(std::span<const std::uint8_t> data, std::size_t at)
{
	if (at + gpmf::kKlvHeaderSize > data.size())
		return at + gpmf::kKlvHeaderSize;
	const std::size_t size =
	    std::size_t{data[at + 5]} * ((std::size_t{data[at + 6]} << 8) | data[at + 7]);
	return at + gpmf::kKlvHeaderSize + ((size + 3) & ~std::size_t{3});
}

/*
 * Raw dump: decodes every payload known to be complete, i.e. once the next payload's first DEVC
 * is complete too (a DEVC whose DVID has not arrived yet could belong to either), or all of
 * them at EOS. Malformed top-level data is skipped up to the next "DEVC". st.rawNeeded says how
 * many bytes must be buffered before splitting again is worth it, so small input buffers do
 * not make the work quadratic.
 */
static GstFlowReturn gst_gpmf_parse_drain_raw(GstGpmfParse *self, const Snapshot &snap, bool eos)
{
	GstGpmfParseState &st = *self->state;
	for (;;) {
		const gsize available = gst_adapter_available(st.adapter);
		if (available == 0 || (!eos && available < st.rawNeeded))
			return GST_FLOW_OK;

		// Where each payload lies, relative to the adapter's start at the time of the split;
		// `meta` keeps the STMP only, as the bytes move when the adapter is read.
		struct Item {
			gsize offset, size;
			gpmf::RawPayload meta;
		};
		std::vector<Item> items;
		std::vector<gpmf::Diagnostic> repairs;
		std::size_t ready = 0;
		std::optional<gpmf::Diagnostic> error;
		gsize errorEnd = 0;
		{
			const auto *data =
			    static_cast<const std::uint8_t *>(gst_adapter_map(st.adapter, available));
			std::span<const std::uint8_t> bytes(data, available);
			gpmf::SplitResult split = gpmf::splitRawTrack(bytes);
			bool complete = eos;
			const bool truncated = split.error && split.error->code == gpmf::Errc::Truncated;
			const std::optional<std::size_t> next =
			    truncated ? gst_gpmf_parse_next_payload(bytes, split.error->offset) : std::nullopt;
			if (!eos && truncated && !next) {
				// Split again without the KLV still arriving, so it cannot regroup payloads.
				// Look again at least each time the buffered bytes double, in case a payload
				// start shows that its size is corrupt.
				const std::size_t cut = split.error->offset;
				st.rawNeeded = std::min<gsize>(gst_gpmf_parse_klv_end(bytes, cut), 2 * available);
				bytes = bytes.first(cut);
				split = gpmf::splitRawTrack(bytes);
			} else if (!split.error) {
				st.rawNeeded = available + gpmf::kKlvHeaderSize;
			} else {
				complete = true; // bad data ends the last payload
				error = split.error;
				const std::size_t at = split.error->offset;
				if (next) {
					split = gpmf::splitRawTrack(bytes.first(at));
					errorEnd = *next;
				} else if (truncated) {
					errorEnd = available; // EOS inside the KLV: decode what arrived
				} else {
					errorEnd = gst_gpmf_parse_resync(bytes, at, eos);
				}
				st.rawNeeded = 0;
			}
			repairs = split.repairs;
			for (const gpmf::RawPayload &p : split.payloads)
				items.push_back(
				    Item{p.offset, p.bytes.size(), gpmf::RawPayload{{}, p.offset, p.stmp}});
			ready = items.size();
			if (!complete && ready > 0)
				ready--;
			gst_adapter_unmap(st.adapter);
		}

		gsize position = 0;
		for (std::size_t i = 0; i < ready; i++) {
			const Item &item = items[i];
			const gpmf::RawPayload *next = i + 1 < items.size() ? &items[i + 1].meta : nullptr;
			const gpmf::PayloadTime t = st.rawClock.next(item.meta, next);
			if (item.offset > position)
				gst_adapter_flush(st.adapter, item.offset - position);
			GstBuffer *payload = gst_adapter_take_buffer(st.adapter, item.size);
			position = item.offset + item.size;
			GstFlowReturn ret;
			{
				BufferMap map(payload);
				ret = gst_gpmf_parse_decode(self, snap, map.bytes(), fromSeconds(t.pts),
							    fromSeconds(t.duration));
			}
			gst_buffer_unref(payload);
			if (ret != GST_FLOW_OK)
				return ret;
		}
		// A DEVC whose size ran over the payloads after it was cut by the split; say so once,
		// when the bytes it lies in are consumed (later splits do not see it again).
		for (const gpmf::Diagnostic &r : repairs)
			if (r.offset < position)
				GST_ELEMENT_WARNING(self, STREAM, DECODE, ("Corrupt GPMF data repaired"),
						    ("%s", r.message().c_str()));
		// rawNeeded was counted from the old start; make it relative to the new one.
		if (position)
			st.rawNeeded = st.rawNeeded > position ? st.rawNeeded - position : 0;

		if (error) {
			const gsize drop = std::min(errorEnd > position ? errorEnd - position : 0,
						    gst_adapter_available(st.adapter));
			GST_ELEMENT_WARNING(
			    self, STREAM, DECODE, ("Corrupt GPMF data skipped"),
			    ("%s; %" G_GSIZE_FORMAT " bytes dropped", error->message().c_str(), drop));
			gst_adapter_flush(st.adapter, drop);
			if (drop == 0)
				return GST_FLOW_OK;
			continue; // complete payloads may follow the bad bytes, at EOS too
		}

		if (gst_adapter_available(st.adapter) > kMaxRawBuffered) {
			GST_ELEMENT_WARNING(self, STREAM, DECODE, ("Corrupt GPMF data skipped"),
					    ("no payload boundary in %" G_GSIZE_FORMAT " bytes; dropped",
					     gst_adapter_available(st.adapter)));
			gst_adapter_clear(st.adapter);
			st.rawNeeded = 0;
		}
		return GST_FLOW_OK;
	}
}

// One input buffer: decoded, written and pushed (worker task, or upstream's thread).
static GstFlowReturn gst_gpmf_parse_process_buffer(GstGpmfParse *self, GstBuffer *buffer, const Snapshot &snap)
{
	GstGpmfParseState &st = *self->state;

	g_autoptr(GstBuffer) owned = buffer; // released on every path, exceptions included
	return gst_gpmf_parse_guard(self, GST_FLOW_ERROR, "chain", [&]() {
		if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT)) {
			// The flag goes to this buffer's first record, not to one still being written.
			const GstFlowReturn ret = st.writers.finish();
			if (ret != GST_FLOW_OK)
				return ret;
			st.needDiscont = true;
		}
		gst_gpmf_parse_apply_options(self, snap);
		if (!st.rawInput)
			return gst_gpmf_parse_chain_payload(self, snap, owned);
		gst_adapter_push(st.adapter, std::exchange(owned, nullptr));
		return gst_gpmf_parse_drain_raw(self, snap, false);
	});
}

/* Events, queries and states. */

// Forgets the position in the stream (flush, seek); keeps header, tags and settings.
static void gst_gpmf_parse_reset_position(GstGpmfParse *self)
{
	GstGpmfParseState &st = *self->state;
	st.writers.discard(); // records of the time before (flushing, stopped)
	st.decoder.reset();
	st.needDiscont = true;
	st.lastEnd = GST_CLOCK_TIME_NONE;
	st.lastPts = GST_CLOCK_TIME_NONE;
	st.consecutiveErrors = 0;
	gst_adapter_clear(st.adapter);
	st.rawNeeded = 0;
	st.rawClock.reset();
	st.scheduler.clear();
}

// Back to the state of a new stream.
static void gst_gpmf_parse_reset_stream(GstGpmfParse *self)
{
	GstGpmfParseState &st = *self->state;
	gst_gpmf_parse_reset_position(self);
	gst_segment_init(&st.segment, GST_FORMAT_TIME);
	st.headerSent = false;
	st.header = gpmf::Header();
	gst_clear_tag_list(&st.globalTags);
	gst_clear_tag_list(&st.streamTags);
	st.tocTimes.clear();
	st.recordIndex = 0;
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

// One input event, after the buffers before it (worker task, or upstream's thread).
static gboolean gst_gpmf_parse_process_event(GstGpmfParse *self, GstPad *pad, GstEvent *event, const Snapshot &snap)
{
	GstObject *parent = GST_OBJECT(self);
	GstGpmfParseState &st = *self->state;

	return gst_gpmf_parse_guard(self, gboolean(FALSE), "sink_event", [&]() -> gboolean {
		// The records of the payloads before the event go before it (a flush drops them).
		if (GST_EVENT_TYPE(event) != GST_EVENT_FLUSH_START && GST_EVENT_TYPE(event) != GST_EVENT_FLUSH_STOP)
			st.writers.finish();
		switch (GST_EVENT_TYPE(event)) {
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
			st.scheduler.clear();
			break;
		case GST_EVENT_FLUSH_STOP:
			gst_gpmf_parse_reset_position(self);
			break;
		case GST_EVENT_EOS: {
			// GStreamer forwards EOS even when caps were refused: no stream, no records.
			if (!gst_pad_has_current_caps(self->sinkpad))
				break;
			gst_gpmf_parse_ensure_segment(self);
			gst_gpmf_parse_apply_options(self, snap);
			GstFlowReturn ret = GST_FLOW_OK;
			if (st.rawInput)
				ret = gst_gpmf_parse_drain_raw(self, snap, true);
			if (ret == GST_FLOW_OK)
				ret = st.writers.finish(); // the last raw payload's records
			// At the last payload's start, not its end: that may lie past the segment stop
			// (the gpmd track often outlasts the movie), where sinks clip it.
			GstClockTime at = st.lastPts;
			if (!GST_CLOCK_TIME_IS_VALID(at))
				at = st.segment.format == GST_FORMAT_TIME ? st.segment.start : 0;
			if (ret == GST_FLOW_OK)
				ret = gst_gpmf_parse_push_header(self, snap, at);
			if (ret == GST_FLOW_OK && snap.summary) {
				std::string json;
				gpmf::writeSummaryRecord(json, st.decoder.summary());
				gst_gpmf_parse_push_record(self, snap, std::move(json), "summary", at, 0);
			}
			break;
		}
		default:
			break;
		}
		return gst_pad_event_default(pad, parent, event);
	});
}

static bool gst_gpmf_parse_is_serialized(GstEvent *event)
{
	// (GST_EVENT_IS_SERIALIZED mixes enum types, which C++20 deprecates.)
	return gst_event_type_get_flags(GST_EVENT_TYPE(event)) & GST_EVENT_TYPE_SERIALIZED;
}

// A downstream failure upstream has not seen (no buffer came after it): reported as an error,
// and the stream ended all the same, as a queue does.
static gboolean gst_gpmf_parse_end_after_failure(GstGpmfParse *self, GstFlowReturn ret, GstEvent *eos)
{
	GST_ELEMENT_FLOW_ERROR(self, ret);
	return gst_pad_push_event(self->srcpad, eos);
}

static GstFlowReturn gst_gpmf_parse_chain(GstPad *, GstObject *parent, GstBuffer *buffer)
{
	auto *self = GST_GPMF_PARSE(parent);
	GstGpmfParseWorker &worker = self->state->worker;
	g_autoptr(GstBuffer) owned = buffer; // released on every path, exceptions included
	// Without input caps, gpmd and raw input cannot be told apart and downstream has no caps.
	if (!gst_pad_has_current_caps(self->sinkpad)) {
		GST_WARNING_OBJECT(self, "buffer before caps");
		return GST_FLOW_NOT_NEGOTIATED;
	}
	return gst_gpmf_parse_guard(self, GST_FLOW_ERROR, "chain", [&]() {
		const Snapshot snap = gst_gpmf_parse_snapshot(self);
		if (!worker.threaded())
			return gst_gpmf_parse_process_buffer(self, std::exchange(owned, nullptr), snap);
		std::shared_ptr<GstBuffer> held(std::exchange(owned, nullptr), [](GstBuffer *b) { gst_buffer_unref(b); });
		return worker.submit([self, held, snap]() noexcept {
			GstFlowReturn ret = gst_gpmf_parse_process_buffer(self, gst_buffer_ref(held.get()), snap);
			// Records wait only while more input does: none is held back from a slow source.
			if (ret == GST_FLOW_OK && !self->state->worker.inputWaits())
				ret = gst_gpmf_parse_guard(self, GST_FLOW_ERROR, "chain",
							   [self]() { return self->state->writers.finish(); });
			return ret;
		});
	});
}

static gboolean gst_gpmf_parse_sink_event(GstPad *pad, GstObject *parent, GstEvent *event)
{
	auto *self = GST_GPMF_PARSE(parent);
	GstGpmfParseWorker &worker = self->state->worker;
	// (Taking a snapshot allocates when the options changed: inside the guard.)
	auto snapshotOf = [self]() {
		return gst_gpmf_parse_guard(self, Snapshot{}, "sink_event", [self]() { return gst_gpmf_parse_snapshot(self); });
	};
	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_FLUSH_START: {
		// Drops what waits and wakes upstream; the flush downstream makes a push in progress
		// return, and the task pauses.
		worker.flushStart();
		const gboolean ok = gst_gpmf_parse_process_event(self, pad, event, snapshotOf());
		worker.pauseAfterFlush();
		return ok;
	}
	case GST_EVENT_FLUSH_STOP: {
		// The task is paused: the flush is handled here, and downstream stops flushing before
		// the task starts again.
		const gboolean ok = gst_gpmf_parse_process_event(self, pad, event, snapshotOf());
		worker.flushStop();
		return ok;
	}
	case GST_EVENT_CAPS:
		// Accepted or refused at once, so upstream knows: the inputs before them go first.
		worker.drain();
		return gst_gpmf_parse_process_event(self, pad, event, snapshotOf());
	default:
		break;
	}
	if (!worker.threaded() || !gst_gpmf_parse_is_serialized(event))
		return gst_gpmf_parse_process_event(self, pad, event, snapshotOf());

	const bool eos = GST_EVENT_TYPE(event) == GST_EVENT_EOS;
	std::shared_ptr<GstEvent> held;
	GstFlowReturn ret = GST_FLOW_ERROR;
	gst_gpmf_parse_guard(self, 0, "sink_event", [&]() {
		held.reset(gst_event_ref(event), [](GstEvent *e) { gst_event_unref(e); });
		ret = worker.submit(
		    [self, pad, held, snap = gst_gpmf_parse_snapshot(self)]() noexcept {
			    gst_gpmf_parse_process_event(self, pad, gst_event_ref(held.get()), snap);
			    return GST_FLOW_OK; // an event's refusal is no data-flow failure
		    },
		    eos);
		return 0;
	});
	// The task stopped on a failure before the EOS got queued (else the task reports it).
	if (eos && GstGpmfParseWorker::isFatal(ret))
		return gst_gpmf_parse_end_after_failure(self, ret, event);
	gst_event_unref(event);
	return ret == GST_FLOW_OK;
}

static gboolean gst_gpmf_parse_sink_query(GstPad *pad, GstObject *parent, GstQuery *query)
{
	auto *self = GST_GPMF_PARSE(parent);
	// A serialized query (DRAIN, ALLOCATION...) comes after the inputs queued before it, and
	// after their records: the worker pushes them when it runs out of input; without it, this
	// is the streaming thread.
	if (gst_query_type_get_flags(GST_QUERY_TYPE(query)) & GST_QUERY_TYPE_SERIALIZED) {
		GstGpmfParseState &st = *self->state;
		if (st.worker.threaded())
			st.worker.drain();
		else
			gst_gpmf_parse_guard(self, GST_FLOW_ERROR, "sink_query", [&]() { return st.writers.finish(); });
	}
	return gst_pad_query_default(pad, parent, query);
}

static gboolean gst_gpmf_parse_src_activate_mode(GstPad *, GstObject *parent, GstPadMode mode, gboolean active)
{
	auto *self = GST_GPMF_PARSE(parent);
	GstGpmfParseState &st = *self->state;
	if (mode != GST_PAD_MODE_PUSH)
		return FALSE;
	if (!active) {
		st.worker.deactivate();
		return TRUE;
	}
	bool threaded;
	{
		ObjectLocker lock(self);
		threaded = st.settings.workerThread;
	}
	GST_DEBUG_OBJECT(self, "input handled %s", threaded ? "by a worker thread" : "in the upstream thread");
	st.worker.activate(threaded);
	return TRUE;
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
	return gst_gpmf_parse_guard(self, GST_STATE_CHANGE_FAILURE, "change_state", [&]() {
		switch (transition) {
		case GST_STATE_CHANGE_READY_TO_PAUSED: {
			gst_gpmf_parse_reset_stream(self);
			guint threads;
			{
				ObjectLocker lock(self);
				threads = self->state->settings.threads;
			}
			self->state->writers.setThreads(threads ? threads : g_get_num_processors());
			break;
		}
		case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
			self->state->scheduler.pause();
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
			self->state->scheduler.play(self);
			break;
		case GST_STATE_CHANGE_PAUSED_TO_READY:
			// Pads are inactive: no chain function can run concurrently.
			gst_gpmf_parse_reset_stream(self);
			self->state->writers.stop();
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
	self->state = new GstGpmfParseState(self->srcpad);
	self->state->adapter = gst_adapter_new();
	gst_segment_init(&self->state->segment, GST_FORMAT_TIME);
	// A downstream failure met by the task after the EOS was queued is reported from there.
	self->state->worker.setFailureHandler(
	    [self](GstFlowReturn ret) { gst_gpmf_parse_end_after_failure(self, ret, gst_event_new_eos()); });
	gst_pad_set_activatemode_function(self->srcpad, GST_DEBUG_FUNCPTR(gst_gpmf_parse_src_activate_mode));
	gst_pad_set_event_function(self->srcpad, GST_DEBUG_FUNCPTR(gst_gpmf_parse_src_event));
	gst_pad_set_query_function(self->srcpad, GST_DEBUG_FUNCPTR(gst_gpmf_parse_src_query));
	gst_pad_use_fixed_caps(self->srcpad);
	gst_element_add_pad(GST_ELEMENT(self), self->srcpad);
}

static void gst_gpmf_parse_finalize(GObject *object)
{
	auto *self = GST_GPMF_PARSE(object);
	GstGpmfParseState *st = self->state;
	st->scheduler.clear();
	g_object_unref(st->adapter);
	gst_clear_tag_list(&st->globalTags);
	gst_clear_tag_list(&st->streamTags);
	delete st;
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

	const auto playing =
	    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

	/**
	 * GstGpmfParse:streams:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_STREAMS,
	    g_param_spec_string(
		"streams", "Streams",
		"Comma-separated FourCCs of the streams to output, e.g. \"ACCL,GYRO,GPS5\" "
		"(case sensitive; shorter keys are padded with spaces). Empty outputs every stream.",
		"", playing));
	/**
	 * GstGpmfParse:devices:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_DEVICES,
	    g_param_spec_string(
		"devices", "Devices",
		"Comma-separated devices to output, each a device id (DVID, e.g. 1 for the "
		"camera) or a device name (DVNM, e.g. \"GoPro Karma v1.0\"). Empty outputs every "
		"device.",
		"", playing));
	/**
	 * GstGpmfParse:interval:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_INTERVAL,
	    g_param_spec_uint64(
		"interval", "Interval",
		"Split each payload (about 1 s) into records of at most this many nanoseconds, "
		"e.g. 33366666 for one 29.97 fps video frame, so telemetry arrives per frame. "
		"Windows with no sample become GAP events. 0 gives one record per payload.",
		0, G_MAXUINT64, 0, playing));
	/**
	 * GstGpmfParse:post-messages:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_POST_MESSAGES,
	    g_param_spec_boolean("post-messages", "Post messages",
				 "Post each record on the bus as an element message named \"gpmf\" with the "
				 "fields json, record-type, index, timestamp, stream-time, running-time and "
				 "duration.",
				 FALSE, playing));
	/**
	 * GstGpmfParse:message-timing:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_MESSAGE_TIMING,
	    g_param_spec_enum("message-timing", "Message timing",
			      "When to post the messages of post-messages: immediate (as soon as decoded, "
			      "usually ahead of playback) or clock (when the pipeline clock reaches the "
			      "record's running time plus the pipeline latency, i.e. when the matching video "
			      "frame is shown; kept while paused, dropped on flush).",
			      GST_TYPE_GPMF_PARSE_MESSAGE_TIMING, GST_GPMF_PARSE_MESSAGE_TIMING_IMMEDIATE,
			      playing));
	/**
	 * GstGpmfParse:min-gps-fix:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_MIN_GPS_FIX,
	    g_param_spec_int("min-gps-fix", "Minimum GPS fix",
			     "Drop GPS samples whose fix (GPSF or the GPS9 fix field) is below this: 0 keeps "
			     "all, 2 needs a 2D fix, 3 a 3D fix.",
			     0, 3, 0, playing));
	/**
	 * GstGpmfParse:max-gps-dop:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_MAX_GPS_DOP,
	    g_param_spec_double(
		"max-gps-dop", "Maximum GPS DOP",
		"Drop GPS samples whose dilution of precision (GPSP/100 or the GPS9 DOP field) "
		"is above this; under 5 is good. 0 keeps all.",
		0, G_MAXDOUBLE, 0, playing));
	/**
	 * GstGpmfParse:raw:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_RAW,
	    g_param_spec_boolean("raw", "Raw values",
				 "Output sensor values as stored: not divided by SCAL and not remapped by "
				 "ORIN/ORIO/MTRX (each such stream is marked \"raw\": true).",
				 FALSE, playing));
	/**
	 * GstGpmfParse:header:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_HEADER,
	    g_param_spec_boolean(
		"header", "Header record",
		"Output a \"header\" record (camera, firmware, serial, lens, settings and "
		"HiLights from the MP4 udta atoms) before the first payload record of a stream.",
		TRUE, playing));
	/**
	 * GstGpmfParse:summary:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_SUMMARY,
	    g_param_spec_boolean(
		"summary", "Summary record",
		"Output a \"summary\" record (payload count, and per stream its sample count, "
		"measured rate and time span) at EOS, before forwarding the EOS.",
		TRUE, playing));
	/**
	 * GstGpmfParse:max-errors:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_MAX_ERRORS,
	    g_param_spec_int("max-errors", "Maximum errors",
			     "Number of corrupt payloads in a row that are skipped with a warning and a GAP "
			     "before the element posts an error and stops; -1 never stops.",
			     -1, G_MAXINT, -1, playing));
	/**
	 * GstGpmfParse:worker-thread:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_WORKER_THREAD,
	    g_param_spec_boolean(
		"worker-thread", "Worker thread",
		"Decode and write the records in a thread of the element's own, in stream order: "
		"the upstream streaming thread (qtdemux's, which reads the whole file) only hands "
		"the buffers over, as with a queue before the element. FALSE does everything in the "
		"upstream thread. Read when the element starts (READY to PAUSED).",
		TRUE, static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
	/**
	 * GstGpmfParse:threads:
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    object_class, PROP_THREADS,
	    g_param_spec_uint(
		"threads", "Threads",
		"Threads that write the JSON records, the one that decodes included: with more than "
		"one, the records of a payload are written on another core while the next payloads "
		"are decoded, and still pushed in stream order. Up to 4 payloads per thread (32 in all) "
		"are then held back while input keeps coming (without worker-thread, until the next buffers "
		"arrive): meant for files, not live sources. 0 uses one per CPU core. Read when the "
		"element starts (READY to PAUSED).",
		0, 64, 1, static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));

	gst_element_class_add_static_pad_template(element_class, &sink_template);
	gst_element_class_add_static_pad_template(element_class, &src_template);
	gst_element_class_set_static_metadata(
	    element_class, "GoPro GPMF telemetry parser", "Codec/Parser/Metadata",
	    "Decodes GoPro GPMF telemetry (gpmd track or raw dump) into timestamped NDJSON records",
	    "The gst-gpmf authors");

	gst_type_mark_as_plugin_api(GST_TYPE_GPMF_PARSE_MESSAGE_TIMING, static_cast<GstPluginAPIFlags>(0));
}
