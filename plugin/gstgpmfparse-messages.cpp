// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse's bus messages and their scheduling on the pipeline clock.

#include "gstgpmfparse-messages.h"

#include <algorithm>
#include <iterator>
#include <new>

GST_DEBUG_CATEGORY_EXTERN(gst_gpmf_parse_debug);
#define GST_CAT_DEFAULT gst_gpmf_parse_debug

GstMessage *gst_gpmf_parse_record_message(GstElement *element, const GstSegment &segment,
					  const GstGpmfParseRecordInfo &record, GstClockTime *due)
{
	const GstClockTime pts = record.pts;
	const bool timed = GST_CLOCK_TIME_IS_VALID(pts) && segment.format == GST_FORMAT_TIME;
	const GstClockTime streamTime =
	    timed ? gst_segment_to_stream_time(&segment, GST_FORMAT_TIME, pts) : GST_CLOCK_TIME_NONE;
	const GstClockTime runningTime =
	    timed ? gst_segment_to_running_time(&segment, GST_FORMAT_TIME, pts) : GST_CLOCK_TIME_NONE;
	// Past the segment stop there is no running time, but the clock still gets there: wait for
	// the extrapolated time rather than post early.
	*due = runningTime;
	if (!GST_CLOCK_TIME_IS_VALID(*due) && timed &&
	    gst_segment_to_running_time_full(&segment, GST_FORMAT_TIME, pts, due) != 1)
		*due = GST_CLOCK_TIME_NONE;

	// The record without its newline: one JSON document.
	std::string_view text = record.json;
	if (!text.empty() && text.back() == '\n')
		text.remove_suffix(1);
	g_autofree gchar *json = g_strndup(text.data(), text.size());

	GstStructure *s = gst_structure_new(
	    "gpmf", "json", G_TYPE_STRING, json, "record-type", G_TYPE_STRING, record.type, "index",
	    G_TYPE_UINT64, guint64(record.index), "timestamp", GST_TYPE_CLOCK_TIME, pts, "stream-time",
	    GST_TYPE_CLOCK_TIME, streamTime, "running-time", GST_TYPE_CLOCK_TIME, runningTime, "duration",
	    GST_TYPE_CLOCK_TIME, record.duration, nullptr);
	return gst_message_new_element(GST_OBJECT(element), s);
}

namespace
{

// What a clock callback knows: the element, weakly, and the scheduler, which lives as long as
// the element (when the weak reference gives the element, its scheduler is there).
struct Ticket {
	GWeakRef element;
	GstGpmfParseMessageScheduler *scheduler;
	std::uint64_t serial;
};

void ticketFree(gpointer data)
{
	auto *ticket = static_cast<Ticket *>(data);
	g_weak_ref_clear(&ticket->element);
	delete ticket;
}

} // namespace

gboolean GstGpmfParseMessageScheduler::due([[maybe_unused]] GstClock *clock, [[maybe_unused]] GstClockTime time,
					   GstClockID id, gpointer data)
{
	auto *ticket = static_cast<Ticket *>(data);
	auto *element = static_cast<GstElement *>(g_weak_ref_get(&ticket->element));
	if (!element)
		return TRUE;
	try {
		for (GstMessage *message : ticket->scheduler->take(ticket->serial, id))
			gst_element_post_message(element, message);
	} catch (const std::bad_alloc &) {
		GST_ERROR_OBJECT(element, "out of memory posting a message");
	}
	gst_object_unref(element);
	return TRUE;
}

void GstGpmfParseMessageScheduler::add(GstElement *element, GstMessage *message, GstClockTime runningTime)
{
	{
		std::lock_guard<std::mutex> lock(mutex_);
		if (GST_CLOCK_TIME_IS_VALID(runningTime)) {
			entries_.push_back(Entry{nextSerial_++, runningTime, message, nullptr});
			if (!playing_)
				return; // kept until PLAYING
			GstClock *clock = gst_element_get_clock(element);
			bool scheduled = false;
			if (clock) {
				scheduled = schedule(element, entries_.back(), clock, gst_element_get_base_time(element));
				gst_object_unref(clock);
			}
			if (scheduled)
				return;
			entries_.pop_back();
		}
	}
	// No running time or no clock: nothing to wait for.
	gst_element_post_message(element, message);
}

bool GstGpmfParseMessageScheduler::schedule(GstElement *element, Entry &entry, GstClock *clock,
					    GstClockTime baseTime)
{
	const GstClockTime at = baseTime + entry.runningTime + latency_;
	entry.id = gst_clock_new_single_shot_id(clock, at);
	auto *ticket = new Ticket{{}, this, entry.serial};
	g_weak_ref_init(&ticket->element, element);
	if (gst_clock_id_wait_async(entry.id, due, ticket, ticketFree) != GST_CLOCK_OK) {
		ticketFree(ticket);
		gst_clock_id_unref(entry.id);
		entry.id = nullptr;
		return false;
	}
	return true;
}

void GstGpmfParseMessageScheduler::play(GstElement *element)
{
	std::vector<GstMessage *> now;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		playing_ = true;
		GstClock *clock = gst_element_get_clock(element);
		const GstClockTime base = gst_element_get_base_time(element);
		for (auto it = entries_.begin(); it != entries_.end();) {
			if (it->id || (clock && schedule(element, *it, clock, base))) {
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
		gst_element_post_message(element, message);
}

void GstGpmfParseMessageScheduler::unscheduleLocked()
{
	for (Entry &entry : entries_) {
		if (!entry.id)
			continue;
		gst_clock_id_unschedule(entry.id);
		gst_clock_id_unref(entry.id);
		entry.id = nullptr;
	}
}

void GstGpmfParseMessageScheduler::pause()
{
	std::lock_guard<std::mutex> lock(mutex_);
	playing_ = false;
	unscheduleLocked();
}

void GstGpmfParseMessageScheduler::clear()
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

void GstGpmfParseMessageScheduler::setLatency(GstClockTime latency)
{
	std::lock_guard<std::mutex> lock(mutex_);
	latency_ = GST_CLOCK_TIME_IS_VALID(latency) ? latency : 0;
}

std::vector<GstMessage *> GstGpmfParseMessageScheduler::take(std::uint64_t serial, GstClockID id)
{
	std::vector<GstMessage *> ready;
	std::lock_guard<std::mutex> lock(mutex_);
	// The id check skips a callback racing with pause(): that entry waits for PLAYING.
	auto fired = std::find_if(entries_.begin(), entries_.end(),
				  [&](const Entry &e) { return e.serial == serial && e.id == id; });
	if (fired == entries_.end())
		return ready;
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
		ready.push_back(it->message);
		it = entries_.erase(it);
	}
	return ready;
}
