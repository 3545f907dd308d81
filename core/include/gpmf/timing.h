// SPDX-License-Identifier: LGPL-2.1-or-later
// Sample timing: spreading a payload's samples over its time span, and measuring true sample rates.
#pragma once

#include <cstdint>

namespace gpmf {

/// Least-squares fit of cumulative sample count against payload end time.
/// Its slope is the measured rate (GPMF spec: compare TSMP with the MP4 clock).
class RateFit {
public:
	/// Adds one payload: `total` samples delivered by time `endTime` (seconds).
	void add(double endTime, double total) noexcept;
	/// Adds the starting point (0 samples before `startTime`); used once, for the first payload.
	void addStart(double startTime, double total) noexcept { add(startTime, total); }
	/// Measured rate in Hz, 0 when fewer than two distinct points are known.
	double rate() const noexcept;
	std::uint64_t points() const noexcept { return n_; }

private:
	std::uint64_t n_ = 0;
	// Sums kept relative to the first point, which keeps them well conditioned.
	double x0_ = 0, y0_ = 0;
	double sx_ = 0, sy_ = 0, sxx_ = 0, sxy_ = 0;
};

/// Time of slot `i` of `count` slots spread evenly over [pts, pts + duration), delayed by timo.
inline double spreadTime(double pts, double duration, std::uint64_t i, std::uint64_t count, double timo) noexcept
{
	return pts + (count ? duration * double(i) / double(count) : 0.0) - timo;
}

} // namespace gpmf
