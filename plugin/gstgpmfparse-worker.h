// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse's worker: the buffers and serialized events that reach the element are handled in
// order, either at once in the upstream streaming thread or by a task on the source pad
// ("worker-thread"), so the upstream thread (qtdemux's, busy reading the file) only hands them
// over while the decoding and the JSON writing run on another core.
#pragma once

#include <gst/gst.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

class GstGpmfParseWorker
{
public:
	/// One input to handle, in order: a buffer (decoded, written and pushed) or an event.
	/// Returns the flow of its pushes. Jobs must not throw.
	using Job = std::function<GstFlowReturn()>;

	/// Inputs waiting at most; submit() blocks beyond, so memory stays bounded whatever the input.
	static constexpr std::size_t kMaxPending = 8;
	/// A submit() blocked by a full queue resumes once this few wait: the two threads then wake
	/// each other every few jobs rather than every job.
	static constexpr std::size_t kResumeAt = kMaxPending / 2;

	explicit GstGpmfParseWorker(GstPad *srcpad) noexcept : srcpad_(srcpad) {}
	GstGpmfParseWorker(const GstGpmfParseWorker &) = delete;
	GstGpmfParseWorker &operator=(const GstGpmfParseWorker &) = delete;

	/// The source pad's activation in push mode. `threaded` starts the task; otherwise submit()
	/// runs each job itself.
	void activate(bool threaded);
	/// Deactivation: drops what waits and stops the task.
	void deactivate();

	/// Called from the task when a job fails with an error (NOT_LINKED, NOT_NEGOTIATED, ERROR...)
	/// while the EOS waits behind it: upstream sends nothing more that could carry the failure
	/// back, so the element reports it and ends the stream, as a queue does.
	using FailureHandler = std::function<void(GstFlowReturn)>;
	void setFailureHandler(FailureHandler handler) { onFailure_ = std::move(handler); }

	/// Runs the job (no thread) or queues it, waiting while kMaxPending jobs wait. Returns the
	/// flow for upstream: the job's own, or without waiting for it the task's last failure
	/// (FLUSHING while flushing); a job refused for that is dropped. `eos`: the job forwards
	/// EOS (see setFailureHandler()).
	GstFlowReturn submit(Job job, bool eos = false);
	/// Waits until every queued job has run (or a flush dropped them, or a failure stopped the
	/// task): the task is then idle, and the caller may push itself.
	void drain();
	/// FLUSH_START: drops the waiting jobs and wakes submit(); call before forwarding the event,
	/// and pauseAfterFlush() after it (a job blocked in a push returns once downstream flushes).
	void flushStart();
	void pauseAfterFlush();
	/// FLUSH_STOP: accepts jobs again, forgets the last failure and restarts the task.
	void flushStop();

	/// Whether inputs wait behind the job running (called from a job).
	bool inputWaits();
	/// The failure that stopped the task, GST_FLOW_OK while it runs.
	GstFlowReturn result();
	/// A failure that ends the stream (NOT_LINKED, NOT_NEGOTIATED, ERROR...), not a flush or EOS.
	static bool isFatal(GstFlowReturn ret) noexcept { return ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS; }
	bool threaded() const noexcept { return threaded_; }

private:
	static void loop(gpointer data);
	/// Drops what waits and refuses jobs (flushing, inactive).
	void refuse();
	/// Accepts jobs again, forgets the last failure, starts the task.
	void resume();

	GstPad *srcpad_;
	bool threaded_ = false; ///< set while the pad is inactive only

	std::mutex mutex_;
	std::condition_variable work_;     ///< the task: a job, or flushing
	std::condition_variable progress_; ///< submit() and drain(): room, done, flushing or failure
	bool full_ = false;                ///< submit() waits for kResumeAt
	std::deque<Job> jobs_;
	bool flushing_ = true;
	bool running_ = false; ///< a job taken from jobs_ is running
	bool eosQueued_ = false; ///< an EOS job waits in jobs_
	FailureHandler onFailure_;
	GstFlowReturn result_ = GST_FLOW_OK;
};
