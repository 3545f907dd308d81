// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse's record writers: tasks taken in order by helper threads, delivered in order.
#include "gstgpmfparse-writers.h"

#include <utility>

void GstGpmfParseWriters::setThreads(unsigned threads)
{
	stop();
	threads_ = threads ? threads : 1;
}

void GstGpmfParseWriters::startHelpers()
{
	while (helpers_.size() + 1 < threads_) {
		GError *error = nullptr;
		GThread *thread = g_thread_try_new("gpmfparse-writer", helperMain, this, &error);
		if (!thread) {
			// Fewer helpers only means less parallel writing: the handling thread writes the rest.
			GST_WARNING("cannot start a record writer thread: %s", error ? error->message : "unknown error");
			g_clear_error(&error);
			threads_ = unsigned(helpers_.size()) + 1;
			break;
		}
		helpers_.push_back(thread);
	}
}

gpointer GstGpmfParseWriters::helperMain(gpointer data)
{
	auto *self = static_cast<GstGpmfParseWriters *>(data);
	std::unique_lock<std::mutex> lock(self->mutex_);
	for (;;) {
		self->idleHelpers_++;
		self->work_.wait(lock, [&] { return self->stopping_ || self->taken_ < self->entries_.size(); });
		self->idleHelpers_--;
		if (self->stopping_)
			return nullptr;
		self->run(lock, self->entries_[self->taken_]);
	}
}

// Runs the oldest queued entry (the caller checked it is entries_[taken_]) outside the lock.
void GstGpmfParseWriters::run(std::unique_lock<std::mutex> &lock, Entry &entry)
{
	taken_++;
	running_++;
	entry.state = State::Running;
	Task task = std::move(entry.task);
	lock.unlock();
	if (task)
		task();
	task = nullptr;
	lock.lock();
	entry.state = State::Written;
	running_--;
	if (handlerWaits_)
		written_.notify_all();
}

void GstGpmfParseWriters::submit(Task task, Delivery delivery)
{
	startHelpers(); // none with one thread: makeRoom() and finish() write the records then
	bool wake;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		entries_.push_back(Entry{std::move(task), std::move(delivery), State::Queued});
		wake = idleHelpers_ > 0;
	}
	// Helpers busy: they find the entry when they are done, without a wake-up (which costs
	// tens of microseconds on some machines, as much as writing a small record).
	if (wake)
		work_.notify_one();
}

GstFlowReturn GstGpmfParseWriters::deliverOldest()
{
	Delivery delivery;
	{
		std::unique_lock<std::mutex> lock(mutex_);
		if (entries_.empty())
			return GST_FLOW_OK;
		Entry &oldest = entries_.front();
		if (oldest.state == State::Queued)
			run(lock, oldest); // taken_ is 0: tasks are taken in order
		handlerWaits_ = true;
		written_.wait(lock, [&] { return oldest.state == State::Written; });
		handlerWaits_ = false;
		delivery = std::move(oldest.delivery);
		entries_.pop_front();
		taken_--;
	}
	const GstFlowReturn ret = delivery ? delivery() : GST_FLOW_OK;
	if (ret != GST_FLOW_OK) {
		GST_DEBUG("record delivery failed (%s): dropping the records still pending", gst_flow_get_name(ret));
		discard();
	}
	return ret;
}

GstFlowReturn GstGpmfParseWriters::makeRoom()
{
	const GstFlowReturn ret = deliverWhile([this] { return !entries_.empty() && entries_.front().state == State::Written; });
	if (ret != GST_FLOW_OK)
		return ret;
	return deliverWhile([this] { return entries_.size() >= capacity(); });
}

GstFlowReturn GstGpmfParseWriters::finish()
{
	return deliverWhile([this] { return !entries_.empty(); });
}

void GstGpmfParseWriters::discard()
{
	std::deque<Entry> dropped;
	{
		std::unique_lock<std::mutex> lock(mutex_);
		// Queued entries are the back of the deque: nobody has them.
		while (entries_.size() > taken_) {
			dropped.push_front(std::move(entries_.back()));
			entries_.pop_back();
		}
		handlerWaits_ = true;
		written_.wait(lock, [&] { return running_ == 0; });
		handlerWaits_ = false;
		for (Entry &e : entries_)
			dropped.push_back(std::move(e));
		entries_.clear();
		taken_ = 0;
	}
	dropped.clear(); // outside the lock: deliveries release what they hold
}

void GstGpmfParseWriters::stop()
{
	discard();
	{
		std::lock_guard<std::mutex> lock(mutex_);
		stopping_ = true;
	}
	work_.notify_all();
	for (GThread *thread : helpers_)
		g_thread_join(thread);
	helpers_.clear();
	std::lock_guard<std::mutex> lock(mutex_);
	stopping_ = false;
}
