// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: GoPro telemetry to NDJSON, one JSON document, GPX, KML, CSV or GeoJSON, through
// gpmfdemux and a gpmf::Session (a replacement for the gopro2json and gopro2gpx scripts).
//
// main() parses the command line, plans the jobs (one per input, or per merged recording),
// runs them on a pool of threads, each with its own pipeline and session, and draws the
// progress bar.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <unistd.h>

#include <gst/gst.h>

#include "job.h"
#include "options.h"
#include "pipeline.h"
#include "plan.h"
#include "progress.h"

using namespace gpmf2json;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int usageError(const std::string &message)
{
	std::fprintf(stderr, "gpmf2json: %s\nTry 'gpmf2json --help' for more information.\n", message.c_str());
	return kExitUsage;
}

} // namespace

int main(int argc, char **argv)
{
	const CommandLine cl = parseCommandLine(argc, argv);
	switch (cl.action) {
	case CommandLine::Action::Help:
		printUsage(stdout);
		return kExitOk;
	case CommandLine::Action::Version: {
		// gst_version_string() says "GStreamer 1.22.0": the numbers are enough here.
		guint major = 0, minor = 0, micro = 0, nano = 0;
		gst_version(&major, &minor, &micro, &nano);
		std::printf("gpmf2json %s (GStreamer %u.%u.%u)\n", GPMF2JSON_VERSION, major, minor, micro);
		return kExitOk;
	}
	case CommandLine::Action::UsageError:
		return usageError(cl.error);
	case CommandLine::Action::Run:
		break;
	}
	const Options &o = cl.options;

	std::error_code ec;
	Plan plan = makePlan(o, std::filesystem::current_path(ec));
	if (!plan.usageError.empty())
		return usageError(plan.usageError);

	// No GStreamer options on our command line: gst_init() is given none.
	gst_init(nullptr, nullptr);
	if (!registerElements()) {
		std::fprintf(stderr, "gpmf2json: cannot register the gpmfdemux element\n");
		return kExitFailed;
	}
	if (plan.makeDirectory) {
		std::filesystem::create_directories(*plan.makeDirectory, ec);
		if (ec) {
			std::fprintf(stderr, "gpmf2json: %s: %s\n", plan.makeDirectory->c_str(), ec.message().c_str());
			return kExitFailed;
		}
	}

	const std::size_t jobs = plan.jobs.size();
	const bool bar = o.progress == ProgressMode::Always || (o.progress == ProgressMode::Auto && isatty(STDERR_FILENO));
	Reporter reporter(jobs, bar,
			  o.progress == ProgressMode::Always ? std::chrono::milliseconds(0) : std::chrono::milliseconds(500));
	for (const std::string &note : plan.notes)
		reporter.say("warning: " + note);

	// -j N is the number of threads: N inputs at a time, or fewer inputs sharing the N.
	const unsigned budget = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
	const unsigned threads = unsigned(std::min<std::size_t>(budget, jobs));
	const unsigned threadsPerJob = threads ? budget / threads : 1; // threads <= budget

	std::vector<JobResult> results(jobs);
	std::atomic<std::size_t> next{ 0 };
	std::mutex mutex;
	std::condition_variable allDone;
	std::size_t running = threads;
	std::vector<std::thread> pool;
	for (unsigned t = 0; t < threads; t++) {
		pool.emplace_back([&]() {
			for (std::size_t i; (i = next++) < jobs;)
				results[i] = runJob(plan.jobs[i], o, plan.bufferStandardOutput, reporter, i, threadsPerJob);
			std::lock_guard lock(mutex);
			if (--running == 0)
				allDone.notify_all();
		});
	}
	{
		reporter.draw();
		std::unique_lock lock(mutex);
		while (!allDone.wait_for(lock, std::chrono::milliseconds(200), [&] { return running == 0; })) {
			lock.unlock();
			reporter.draw();
			lock.lock();
		}
	}
	for (auto &t : pool)
		t.join();
	reporter.close();

	int status = kExitOk;
	for (const JobResult &r : results) {
		if (plan.bufferStandardOutput)
			std::fwrite(r.bufferedStdout.data(), 1, r.bufferedStdout.size(), stdout);
		if (!r.ok)
			status = kExitFailed;
	}
	if (std::fflush(stdout) != 0) {
		std::perror("gpmf2json: standard output");
		status = kExitFailed;
	}
	gst_deinit();
	return status;
}
