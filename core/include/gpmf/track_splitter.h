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
#include "gpmf/fourcc.h"

namespace gpmf {

/// One stream's STMP in a payload: µs on the camera's clock when its first sample arrived.
struct StreamStamp {
	std::uint32_t device = 0; ///< numeric DVID
	FourCC stream;            ///< the stream's data FourCC (ACCL, GYRO, FACE...)
	std::uint64_t stmp = 0;
};

struct RawPayload {
	std::span<const std::uint8_t> bytes;
	std::size_t offset = 0;          ///< in the dump
	std::optional<std::uint64_t> stmp; ///< earliest STMP in the payload (µs), when present
	std::vector<StreamStamp> stamps;   ///< every stream's STMP, in file order
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

/// The rule of rawTrackTimes() one payload at a time, for a dump read as it arrives.
///
/// Streams stamp their first sample at different moments (HERO13's FACE trails the sensors by
/// about 0.5 s) and are not all in every payload, so each stream's STMP is read relative to the
/// payload clock through its own offset, learnt when it first appears. A payload's time is
/// what its streams agree on (their median); a stream whose STMP jumps alone is re-anchored
/// and the others keep the time. When every stream jumps (0.1 s to 10 s is a sane step: the
/// camera's clock restarted), times go on from the previous payload's end. Without STMP,
/// payloads are 1 s apart.
class RawTrackClock {
public:
	/// Time of `payload`; `following` (the next payload, when already known) gives its duration.
	PayloadTime next(const RawPayload &payload, const RawPayload *following);
	void reset() { *this = RawTrackClock(); }

private:
	struct Offset {
		std::uint32_t device;
		FourCC stream;
		std::int64_t offset; ///< the stream's STMP minus the payload clock, µs
	};
	const Offset *offsetOf(const StreamStamp &stamp) const;
	/// The payload clock (µs) the stamps agree on, if any stream is known.
	std::optional<std::int64_t> agreedClock(const std::vector<StreamStamp> &stamps) const;

	std::uint64_t count_ = 0;
	std::vector<Offset> offsets_;
	std::optional<std::int64_t> lastClock_; ///< payload clock (µs) of the last payload with STMP
	std::int64_t anchor_ = 0;  ///< the payload clock at basePts_
	double basePts_ = 0;       ///< seconds: where the clock (re)started
	double lastPts_ = 0;
	double lastDuration_ = 1.0;
	double nextPts_ = 0;
};

} // namespace gpmf
