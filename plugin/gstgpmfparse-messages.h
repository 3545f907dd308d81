// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse's bus messages: the `gpmf` element message of a record (post-messages), posted at
// once or when the pipeline clock reaches the record (message-timing=clock).
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <string_view>
#include <vector>

#include <gst/gst.h>

/// One record as its `gpmf` message describes it.
struct GstGpmfParseRecordInfo {
	std::string_view json; ///< the record, with or without its newline
	const char *type;      ///< "header", "payload" or "summary"
	std::uint64_t index;   ///< the buffer's OFFSET
	GstClockTime pts;
	GstClockTime duration;
};

/**
 * The `gpmf` element message of a record (fields json, record-type, index, timestamp,
 * stream-time, running-time, duration), times taken from `segment`. *due is the running time
 * at which the record plays, extrapolated past the segment stop (the gpmd track often outlasts
 * the movie), or GST_CLOCK_TIME_NONE.
 */
GstMessage *gst_gpmf_parse_record_message(GstElement *element, const GstSegment &segment,
					  const GstGpmfParseRecordInfo &record, GstClockTime *due);

/*
 * Posts element messages when the pipeline clock reaches their running time. Each message gets
 * its own GstClockID, waited on asynchronously, so the streaming thread never blocks. Messages
 * are kept while PAUSED (and scheduled again in PLAYING, when the base time is known) and
 * dropped on flush and stop. The clock callbacks hold a weak reference to the element only;
 * the scheduler lives as long as the element. Every method is thread safe.
 */
class GstGpmfParseMessageScheduler
{
public:
	GstGpmfParseMessageScheduler() = default;
	~GstGpmfParseMessageScheduler() { clear(); }
	GstGpmfParseMessageScheduler(const GstGpmfParseMessageScheduler &) = delete;
	GstGpmfParseMessageScheduler &operator=(const GstGpmfParseMessageScheduler &) = delete;

	/// Takes ownership of message. Posts it at once if it cannot be timed.
	void add(GstElement *element, GstMessage *message, GstClockTime runningTime);
	/// PAUSED_TO_PLAYING: schedule everything kept.
	void play(GstElement *element);
	/// PLAYING_TO_PAUSED: unschedule, but keep the messages.
	void pause();
	/// Flush and stop: unschedule and drop everything.
	void clear();
	/// Sinks render at running time + latency: the messages follow them.
	void setLatency(GstClockTime latency);

private:
	struct Entry {
		std::uint64_t serial;
		GstClockTime runningTime;
		GstMessage *message;
		GstClockID id;
	};

	static gboolean due(GstClock *clock, GstClockTime time, GstClockID id, gpointer data);
	bool schedule(GstElement *element, Entry &entry, GstClock *clock, GstClockTime baseTime);
	void unscheduleLocked();
	/// The clock thread, when (serial, id) fires: the messages now due, in order.
	std::vector<GstMessage *> take(std::uint64_t serial, GstClockID id);

	std::mutex mutex_;
	std::list<Entry> entries_;
	std::uint64_t nextSerial_ = 0;
	bool playing_ = false;
	GstClockTime latency_ = 0;
};
