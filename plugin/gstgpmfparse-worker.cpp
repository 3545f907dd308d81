// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse's worker: an ordered queue of jobs run by a task on the source pad, or at once.
#include "gstgpmfparse-worker.h"

#include <utility>

void GstGpmfParseWorker::activate(bool threaded)
{
	threaded_ = threaded;
	resume();
}

void GstGpmfParseWorker::deactivate()
{
	refuse();
	if (threaded_)
		gst_pad_stop_task(srcpad_);
}

void GstGpmfParseWorker::refuse()
{
	std::deque<Job> dropped;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		flushing_ = true;
		eosQueued_ = false;
		full_ = false;
		dropped.swap(jobs_);
	}
	work_.notify_all();
	progress_.notify_all();
	dropped.clear(); // outside the lock: jobs release their buffers and events
}

void GstGpmfParseWorker::resume()
{
	{
		std::lock_guard<std::mutex> lock(mutex_);
		jobs_.clear(); // empty already: jobs are refused while flushing
		full_ = false;
		flushing_ = false;
		result_ = GST_FLOW_OK;
	}
	if (threaded_)
		gst_pad_start_task(srcpad_, loop, this, nullptr);
}

GstFlowReturn GstGpmfParseWorker::submit(Job job, bool eos)
{
	if (!threaded_)
		return job();
	bool wasEmpty;
	{
		std::unique_lock<std::mutex> lock(mutex_);
		if (jobs_.size() >= kMaxPending)
			full_ = true;
		progress_.wait(lock, [&] { return flushing_ || result_ != GST_FLOW_OK || !full_; });
		if (flushing_)
			return GST_FLOW_FLUSHING;
		if (result_ != GST_FLOW_OK)
			return result_;
		wasEmpty = jobs_.empty();
		jobs_.push_back(std::move(job));
		eosQueued_ = eosQueued_ || eos;
	}
	if (wasEmpty) // the task waits only when there is nothing to do
		work_.notify_one();
	return GST_FLOW_OK;
}

void GstGpmfParseWorker::drain()
{
	if (!threaded_)
		return;
	std::unique_lock<std::mutex> lock(mutex_);
	progress_.wait(lock, [&] { return flushing_ || result_ != GST_FLOW_OK || (jobs_.empty() && !running_); });
}

void GstGpmfParseWorker::flushStart()
{
	refuse();
}

void GstGpmfParseWorker::pauseAfterFlush()
{
	// Waits for a job still running: it returns once downstream has the FLUSH_START.
	if (threaded_)
		gst_pad_pause_task(srcpad_);
}

void GstGpmfParseWorker::flushStop()
{
	resume();
}

bool GstGpmfParseWorker::inputWaits()
{
	std::lock_guard<std::mutex> lock(mutex_);
	return !jobs_.empty();
}

GstFlowReturn GstGpmfParseWorker::result()
{
	std::lock_guard<std::mutex> lock(mutex_);
	return result_;
}

// The task: one job per call. It waits for work holding the pad's stream lock, as every pad
// task does; flushing and deactivation wake it before they pause or stop it.
void GstGpmfParseWorker::loop(gpointer data)
{
	auto *self = static_cast<GstGpmfParseWorker *>(data);
	Job job;
	bool resume = false;
	{
		std::unique_lock<std::mutex> lock(self->mutex_);
		self->work_.wait(lock, [&] { return self->flushing_ || !self->jobs_.empty(); });
		if (self->flushing_) {
			lock.unlock();
			gst_pad_pause_task(self->srcpad_);
			return;
		}
		job = std::move(self->jobs_.front());
		self->jobs_.pop_front();
		self->running_ = true;
		if (self->full_ && self->jobs_.size() <= kResumeAt) {
			self->full_ = false;
			resume = true;
		}
	}
	if (resume)
		self->progress_.notify_all(); // room for submit()

	const GstFlowReturn ret = job();
	job = nullptr;

	bool failed = false, report = false, idle;
	std::deque<Job> dropped;
	{
		std::lock_guard<std::mutex> lock(self->mutex_);
		self->running_ = false;
		idle = self->jobs_.empty();
		if (self->jobs_.empty())
			self->eosQueued_ = false; // the job just run was the EOS, if any
		// A failure while flushing is the flush's doing; FLUSH_STOP starts afresh anyway.
		if (ret != GST_FLOW_OK && !self->flushing_) {
			self->result_ = ret;
			failed = true;
			report = self->eosQueued_ && isFatal(ret);
			if (report) {
				self->eosQueued_ = false;
				dropped.swap(self->jobs_);
			}
		}
	}
	dropped.clear();
	// Reported before drain() returns: whoever drained sees the error message posted.
	if (report && self->onFailure_)
		self->onFailure_(ret);
	if (idle || failed)
		self->progress_.notify_all(); // drain(), and submit() returns the failure
	if (failed) {
		GST_DEBUG_OBJECT(self->srcpad_, "pausing worker task: %s", gst_flow_get_name(ret));
		gst_pad_pause_task(self->srcpad_);
	}
}
