// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzz target: a raw gpmd track dump cut into payloads, timed without a container, and each
// payload decoded and written, as gpmf-dump does with a .bin file.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "gpmf/decoder.h"
#include "gpmf/klv.h"
#include "gpmf/records.h"
#include "gpmf/track_splitter.h"
#include "support.h"

using namespace gpmf;

namespace {

[[noreturn]] void fail(const char *what, std::size_t index)
{
	std::fprintf(stderr, "split: payload %zu: %s\n", index, what);
	std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	fuzz::AllocationBound bound(size);
	const std::span<const std::uint8_t> dump(data, size);
	const SplitResult split = splitRawTrack(dump);

	// Payloads are non-empty, in order, inside the dump and do not overlap.
	std::size_t end = 0;
	for (std::size_t i = 0; i < split.payloads.size(); i++) {
		const RawPayload &p = split.payloads[i];
		if (p.bytes.size() < kKlvHeaderSize)
			fail("shorter than a KLV header", i);
		if (p.offset < end || p.offset > size || p.bytes.size() > size - p.offset)
			fail("outside the dump or overlapping the previous one", i);
		if (p.bytes.data() != data + p.offset)
			fail("bytes do not start at offset", i);
		end = p.offset + p.bytes.size();
	}
	if (split.error && split.error->offset > size)
		fail("error offset past the end", split.payloads.size());

	const std::vector<PayloadTime> times = rawTrackTimes(split.payloads);
	if (times.size() != split.payloads.size())
		fail("one time per payload", times.size());

	// One decoder reuses a Payload, as the element does; a second decodes afresh: same records.
	Decoder decoder, fresh;
	Payload payload;
	std::string out, expected;
	for (std::size_t i = 0; i < split.payloads.size(); i++) {
		decoder.decodeInto(payload, split.payloads[i].bytes, times[i].pts, times[i].duration);
		fuzz::requireConsistent(payload, split.payloads[i].bytes.size());
		out.clear();
		writePayloadRecord(out, payload);
		fuzz::requireJsonRecord(out, "payload");
		expected.clear();
		writePayloadRecord(expected, fresh.decode(split.payloads[i].bytes, times[i].pts, times[i].duration));
		if (out != expected)
			fail("decodeInto() differs from decode()", i);
	}
	out.clear();
	writeSummaryRecord(out, decoder.summary());
	fuzz::requireJsonRecord(out, "summary");
	return 0;
}
