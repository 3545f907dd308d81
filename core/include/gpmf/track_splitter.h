// SPDX-License-Identifier: LGPL-2.1-or-later
// Cutting a raw gpmd track dump (payloads back to back, as ffmpeg -f data writes it) into payloads.
#pragma once

#include <algorithm>
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
/// several DEVCs). Stops at the first malformed top-level KLV and reports it in `error`. A DEVC
/// whose size runs over the payloads after it (a payload start, DEVC then DVID, lies inside it)
/// is cut where that payload starts, reported in `repairs`, and the split goes on.
struct SplitResult {
	std::vector<RawPayload> payloads;
	std::optional<Diagnostic> error;
	std::vector<Diagnostic> repairs;
};
SplitResult splitRawTrack(std::span<const std::uint8_t> dump);

/// Start time and duration of each payload of a dump without container timing:
/// 1 s each, unless STMP says otherwise (then STMP differences, in seconds from the first,
/// for as long as the steps are sane).
struct PayloadTime {
	double pts = 0;
	double duration = 1;
};
std::vector<PayloadTime> rawTrackTimes(const std::vector<RawPayload> &payloads);

/// The rule of rawTrackTimes() one payload at a time, for a dump read as it arrives: STMP spacing
/// from the first payload for as long as every step is sane (0.1 s to 10 s), 1 s steps after.
class RawTrackClock {
public:
	/// Time of `payload`; `following` (the next payload, when already known) gives its duration.
	PayloadTime next(const RawPayload &payload, const RawPayload *following);
	void reset() { *this = RawTrackClock(); }

private:
	// Seconds of an STMP after the first payload's.
	double start(std::uint64_t stmp) const { return double(stmp - std::min(stmp, anchor_)) / 1e6; }

	std::uint64_t count_ = 0;
	bool stmpMode_ = false;
	std::uint64_t anchor_ = 0;
	double lastPts_ = 0;
	double lastDuration_ = 1.0;
	double nextPts_ = 0;
};

} // namespace gpmf
