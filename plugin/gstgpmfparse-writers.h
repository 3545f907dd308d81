// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse's record writers ("threads"): the JSON of decoded payloads is written on helper
// threads while the handling thread decodes the next payloads, and pushed in stream order by
// the handling thread. Decoding stays in one thread (times and rates follow from the payloads
// before); writing a record needs only its own payload, and is most of the work.
#pragma once

#include <gst/gst.h>

#include <condition_variable>
#include <algorithm>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

class GstGpmfParseWriters
{
public:
	/// Writes records; runs on a helper or on the handling thread. Must not throw.
	using Task = std::function<void()>;
	/// Pushes what a task wrote; runs on the handling thread, in submission order.
	using Delivery = std::function<GstFlowReturn()>;

	GstGpmfParseWriters() = default;
	GstGpmfParseWriters(const GstGpmfParseWriters &) = delete;
	GstGpmfParseWriters &operator=(const GstGpmfParseWriters &) = delete;
	~GstGpmfParseWriters() { stop(); }

	/// Threads that write, the handling thread included (1: it writes every record itself, at
	/// once). Helpers start on the first submit(). Call with nothing pending.
	void setThreads(unsigned threads);
	unsigned threads() const noexcept { return threads_; }
	bool parallel() const noexcept { return threads_ > 1; }
	/// Payloads decoded ahead of the one being pushed, at most: bounds memory and latency
	/// (4 per thread keep the helpers busy; past 32, more threads only add memory).
	std::size_t capacity() const noexcept { return std::min<std::size_t>(4 * std::size_t(threads_), 32); }

	/// Delivers what is written, then waits (writing the oldest itself when no helper has
	/// taken it) until fewer than capacity() are pending. A failed delivery drops the rest.
	GstFlowReturn makeRoom();
	/// Queues a task and what pushes its result; the caller made room first. An empty task
	/// (a GAP to push in order) is delivered as soon as those before it are. (gpmfparse writes
	/// at once with one thread, and calls this only with more.)
	void submit(Task task, Delivery delivery);
	/// Writes and delivers everything pending.
	GstFlowReturn finish();
	/// Drops everything pending, after the tasks running on helpers (flushes, stops).
	void discard();
	/// discard(), and the helpers end.
	void stop();

private:
	enum class State { Queued, Running, Written };
	struct Entry {
		Task task;
		Delivery delivery;
		State state;
	};

	static gpointer helperMain(gpointer data);
	void startHelpers();
	void run(std::unique_lock<std::mutex> &lock, Entry &entry);
	/// Waits for the oldest entry (writing it when no helper took it), pops and delivers it.
	GstFlowReturn deliverOldest();
	/// deliverOldest() while `more` (asked under the lock) says so, or until a delivery fails.
	template<typename More>
	GstFlowReturn deliverWhile(More more)
	{
		for (;;) {
			{
				std::lock_guard<std::mutex> lock(mutex_);
				if (!more())
					return GST_FLOW_OK;
			}
			const GstFlowReturn ret = deliverOldest();
			if (ret != GST_FLOW_OK)
				return ret;
		}
	}

	unsigned threads_ = 1;
	std::vector<GThread *> helpers_;

	std::mutex mutex_;
	std::condition_variable work_;    ///< helpers: a task, or stopping
	std::condition_variable written_; ///< the handling thread: its oldest entry is written
	std::deque<Entry> entries_;       ///< in submission order; references stay valid at both ends
	std::size_t taken_ = 0;           ///< entries at the front that are Running or Written
	std::size_t running_ = 0;
	unsigned idleHelpers_ = 0;
	bool handlerWaits_ = false;
	bool stopping_ = false;
};
