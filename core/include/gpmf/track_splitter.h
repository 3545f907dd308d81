// SPDX-License-Identifier: LGPL-2.1-or-later
// Cutting a raw gpmd track dump (payloads back to back, as ffmpeg -f data writes it) into payloads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "gpmf/error.h"

namespace gpmf {

struct RawPayload {
	std::span<const std::uint8_t> bytes;
	std::size_t offset = 0;          ///< in the dump
	std::optional<std::uint64_t> stmp; ///< earliest STMP in the payload (µs), when present
};

/// Splits at top-level DEVC; a DVID seen again starts a new payload (Karma and BLE payloads hold
/// several DEVCs). Stops at the first malformed top-level KLV and reports it in `error`.
struct SplitResult {
	std::vector<RawPayload> payloads;
	std::optional<Diagnostic> error;
};
SplitResult splitRawTrack(std::span<const std::uint8_t> dump);

/// Start time and duration of each payload of a dump without container timing:
/// 1 s each, unless STMP says otherwise (then STMP differences, in seconds from the first).
struct PayloadTime {
	double pts = 0;
	double duration = 1;
};
std::vector<PayloadTime> rawTrackTimes(const std::vector<RawPayload> &payloads);

} // namespace gpmf
