// SPDX-License-Identifier: LGPL-2.1-or-later
// Core throughput: decode alone, and decode + NDJSON, over every raw sample, plus one hour of
// HERO11 telemetry. Prints MB/s of GPMF in and samples/s out (best of several runs).
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gpmf/decoder.h"
#include "gpmf/records.h"
#include "gpmf/track_splitter.h"

namespace {

// CPU time of this thread: "on one core" means the time the core spent, which other processes
// on a shared machine do not inflate the way they inflate wall time.
double cpuSeconds()
{
	timespec ts{};
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Track {
	std::string name;
	std::vector<std::uint8_t> bytes;
	std::vector<gpmf::RawPayload> payloads;
	std::vector<gpmf::PayloadTime> times;
};

struct Result {
	double seconds = 1e9;
	std::uint64_t samples = 0;
	std::uint64_t jsonBytes = 0;
};

Result run(const Track &t, bool json, int repeat)
{
	Result best;
	std::string line;
	for (int r = 0; r < repeat; r++) {
		gpmf::Decoder decoder;
		gpmf::Payload p; // reused, as the element and the tools do
		std::uint64_t samples = 0, out = 0;
		const double start = cpuSeconds();
		for (std::size_t i = 0; i < t.payloads.size(); i++) {
			decoder.decodeInto(p, t.payloads[i].bytes, t.times[i].pts, t.times[i].duration);
			for (const auto &d : p.devices)
				for (const auto &s : d.streams)
					samples += s.values.sampleCount;
			if (json) {
				line.clear();
				gpmf::writePayloadRecord(line, p);
				out += line.size();
			}
		}
		if (json) {
			line.clear();
			gpmf::writeSummaryRecord(line, decoder.summary());
			out += line.size();
		}
		const double s = cpuSeconds() - start;
		if (s < best.seconds)
			best = Result{s, samples, out};
	}
	return best;
}

Track load(const std::filesystem::path &path)
{
	Track t;
	t.name = path.filename().string();
	std::ifstream in(path, std::ios::binary);
	t.bytes.assign(std::istreambuf_iterator<char>(in), {});
	t.payloads = gpmf::splitRawTrack(t.bytes).payloads;
	t.times = gpmf::rawTrackTimes(t.payloads);
	return t;
}

} // namespace

int main(int argc, char **argv)
{
	const std::filesystem::path dir = argc > 1 ? argv[1] : "../shared/samples";
	const int repeat = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
	std::vector<Track> tracks;
	for (const auto &e : std::filesystem::directory_iterator(dir))
		if (e.path().extension() == ".bin" || e.path().extension() == ".raw")
			tracks.push_back(load(e.path()));
	std::sort(tracks.begin(), tracks.end(), [](const Track &a, const Track &b) { return a.name < b.name; });
	if (tracks.empty()) {
		std::fprintf(stderr, "core_bench: no .bin/.raw samples in %s\n", dir.c_str());
		return 1;
	}

	std::printf("%-26s %9s %10s %12s %12s %12s\n", "input", "GPMF MB", "decode MB/s", "decode Msmp/s",
		    "+JSON MB/s", "+JSON Msmp/s");
	double totalBytes = 0, totalDecode = 0, totalJson = 0, totalSamples = 0;
	for (const auto &t : tracks) {
		const Result d = run(t, false, repeat), j = run(t, true, repeat);
		const double mb = double(t.bytes.size()) / 1e6;
		std::printf("%-26s %9.3f %10.1f %12.2f %12.1f %12.2f\n", t.name.c_str(), mb, mb / d.seconds,
			    double(d.samples) / d.seconds / 1e6, mb / j.seconds, double(j.samples) / j.seconds / 1e6);
		totalBytes += mb;
		totalDecode += d.seconds;
		totalJson += j.seconds;
		totalSamples += double(d.samples);
	}
	std::printf("%-26s %9.3f %10.1f %12.2f %12.1f %12.2f\n", "ALL", totalBytes, totalBytes / totalDecode,
		    totalSamples / totalDecode / 1e6, totalBytes / totalJson, totalSamples / totalJson / 1e6);

	// One hour of HERO11 telemetry in a video mode (ACCL/GYRO at 200 Hz, GPS5+GPS9, CORI...):
	// hero11.raw's 11 payloads looped to 3,600. (hero11-track.bin is a low-rate clip.)
	auto hero11 = std::find_if(tracks.begin(), tracks.end(), [](const Track &t) { return t.name == "hero11.raw"; });
	if (hero11 != tracks.end() && !hero11->payloads.empty()) {
		Track hour;
		hour.name = "hero11 x 3600 payloads";
		for (std::size_t i = 0; i < 3600; i++) {
			hour.payloads.push_back(hero11->payloads[i % hero11->payloads.size()]);
			hour.times.push_back(gpmf::PayloadTime{double(i), 1.0});
		}
		std::size_t bytes = 0;
		for (const auto &p : hour.payloads)
			bytes += p.bytes.size();
		const Result j = run(hour, true, repeat);
		std::printf("\nOne hour of HERO11 telemetry (3600 payloads, %.1f MB GPMF, %llu samples) to NDJSON "
			    "(%.1f MB): %.3f s of CPU on one core (target < 1 s)\n",
			    double(bytes) / 1e6, (unsigned long long)j.samples, double(j.jsonBytes) / 1e6, j.seconds);
	}
	return 0;
}
