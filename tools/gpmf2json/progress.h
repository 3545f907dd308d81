// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: messages and the progress bar on standard error.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gpmf2json {

/// Everything the tool says on stderr goes through here, so a line never lands in the middle
/// of the bar. Thread-safe.
class Reporter
{
public:
	/// `bar`: draw a progress bar; `delay`: only once the run has lasted this long (short runs
	/// do not flicker).
	Reporter(std::size_t jobs, bool bar, std::chrono::milliseconds delay);

	/// Prints "gpmf2json: " + line.
	void say(const std::string &line);

	void started(std::size_t job, const std::string &name);
	void progress(std::size_t job, double fraction);
	void finished(std::size_t job);

	/// Redraws the bar (call every 200 ms from one thread).
	void draw();
	/// Draws 100% and erases the bar.
	void close();

private:
	void eraseLocked();

	struct Slot {
		std::atomic<double> fraction{ 0 };
		std::atomic<int> state{ 0 }; ///< 0 waiting, 1 running, 2 done
	};

	std::mutex mutex_;
	std::vector<std::unique_ptr<Slot>> slots_;
	std::vector<std::string> names_; ///< guarded by mutex_
	std::size_t current_ = 0;        ///< the job named on the bar, guarded by mutex_
	const bool bar_;
	const std::chrono::steady_clock::time_point start_;
	const std::chrono::milliseconds delay_;
	bool shown_ = false;
};

} // namespace gpmf2json
