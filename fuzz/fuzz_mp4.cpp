// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzz target: an MP4 file read the way gpmfdemux reads one (top-level box headers, the moov
// body, every track's sample table, qtdemux's playback plan), with the file in memory.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

#include "gpmf/mp4_index.h"
#include "support.h"

using namespace gpmf;

namespace {

[[noreturn]] void fail(const char *what)
{
	std::fprintf(stderr, "mp4: %s\n", what);
	std::abort();
}

// Samples, segments and plans must stay inside the file and the tables they index.
void check(const Mp4Index &index, std::uint64_t fileSize)
{
	for (const Mp4Track &track : index.tracks) {
		for (const Mp4SampleInfo &s : track.samples)
			if (s.offset > fileSize || s.size > fileSize - s.offset)
				fail("sample outside the file");
		if (!track.samplesIndexed)
			continue;
		const Mp4Playback plan = planPlayback(index, track);
		for (const Mp4PlayedSample &p : plan.samples) {
			if (p.sample >= track.samples.size())
				fail("played sample out of range");
			if (p.segment >= plan.segments.size())
				fail("segment out of range");
		}
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	fuzz::AllocationBound bound(size);
	const std::span<const std::uint8_t> file(data, size);
	// A fixed-size stsz needs no bytes per sample: without a cap, 100 bytes could ask for
	// billions. The cap keeps the index of a hostile file within the allocation bound.
	Mp4ParseOptions options;
	options.fileSize = size;
	options.allSamples = true;
	options.maxSamples = 16384;

	const Mp4ReadFn read = [file](std::uint64_t offset, std::span<std::uint8_t> out) -> std::size_t {
		if (offset >= file.size())
			return 0;
		const std::size_t n = std::min<std::size_t>(out.size(), file.size() - offset);
		std::memcpy(out.data(), file.data() + offset, n);
		return n;
	};
	const Mp4TopLevel top = scanTopLevel(size, read);
	for (const Mp4Box &box : top.boxes)
		if (box.offset > size || box.size > size - box.offset)
			fail("top-level box outside the file");
	if (top.moov) {
		if (auto body = readBoxBody(*top.moov, read, size)) {
			options.bodyOffset = top.moov->bodyOffset();
			check(parseMoov(*body, options), size);
		}
	}
	// The input as a bare moov body too, so mutations reach the sample tables sooner.
	options.bodyOffset = 0;
	check(parseMoov(file, options), size);
	return 0;
}
