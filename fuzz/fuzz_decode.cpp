// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzz target: one payload through the stateful Decoder and the NDJSON record writers.
// The first byte picks the options (raw, filters, GPS limits, timing, split records) so that
// every path of the decoder runs; the rest is the payload.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "gpmf/decoder.h"
#include "gpmf/records.h"
#include "support.h"

using namespace gpmf;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

DecodeOptions optionsFrom(std::uint8_t bits)
{
	DecodeOptions o;
	o.raw = bits & 0x01;
	if (bits & 0x02)
		o.streams = {FourCC("ACCL"), FourCC("GPS5"), FourCC("GPS9"), FourCC("FACE"), FourCC("HLMT")};
	if (bits & 0x04)
		o.devices = {"1", "Camera", "HLMT"};
	if (bits & 0x08)
		o.minGpsFix = 3;
	if (bits & 0x10)
		o.maxGpsDop = 5.0;
	return o;
}

// Ordinary container timing, unknown timing, and hostile values a broken index could give.
void timingFrom(std::uint8_t bits, double &pts, double &duration)
{
	switch ((bits >> 5) & 0x3) {
	case 0:
		pts = 0;
		duration = 1.001;
		return;
	case 1:
		pts = kNaN;
		duration = kNaN;
		return;
	case 2:
		pts = -5;
		duration = -1;
		return;
	default:
		pts = 1e300;
		duration = kInf;
		return;
	}
}

void writeRecords(const Payload &payload, bool split)
{
	std::string out;
	writePayloadRecord(out, payload);
	fuzz::requireJsonRecord(out, "payload");
	if (!split)
		return;
	// The element cuts payloads into pieces at a fixed interval: four quarters here.
	const double step = payload.duration / 4;
	for (int part = 0; part < 4; part++) {
		RecordWindow window;
		window.begin = payload.pts + part * step;
		window.end = part == 3 ? kInf : payload.pts + (part + 1) * step;
		window.part = part;
		if (!windowHasSamples(payload, window))
			continue;
		out.clear();
		writePayloadRecord(out, payload, window);
		fuzz::requireJsonRecord(out, "payload part");
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	if (size < 1)
		return 0;
	fuzz::AllocationBound bound(size);
	const std::uint8_t bits = data[0];
	const std::span<const std::uint8_t> payloadBytes(data + 1, size - 1);
	double pts, duration;
	timingFrom(bits, pts, duration);

	Decoder decoder(optionsFrom(bits)), fresh(optionsFrom(bits));
	Payload payload; // reused, as the element does; `fresh` decodes afresh for comparison
	// Twice, as consecutive payloads: the second one runs the rate fit and summary updates, and
	// the first half of the input before them fills the reused Payload with another layout.
	decoder.decodeInto(payload, payloadBytes.first(payloadBytes.size() / 2), pts, duration);
	fresh.decode(payloadBytes.first(payloadBytes.size() / 2), pts, duration);
	for (int i = 1; i <= 2; i++) {
		decoder.decodeInto(payload, payloadBytes, pts + i * duration, duration);
		fuzz::requireConsistent(payload, payloadBytes.size());
		writeRecords(payload, bits & 0x80);
		std::string out, expected;
		writePayloadRecord(out, payload);
		writePayloadRecord(expected, fresh.decode(payloadBytes, pts + i * duration, duration));
		if (out != expected) {
			std::fprintf(stderr, "fuzz-decode: decodeInto() differs from decode()\n");
			std::abort();
		}
	}
	std::string out;
	writeSummaryRecord(out, decoder.summary());
	fuzz::requireJsonRecord(out, "summary");
	return 0;
}
