// SPDX-License-Identifier: LGPL-2.1-or-later
// SCAL's divisor for each field, and how many decimals a scaled sensor value deserves
// (Stream::precision).
#pragma once

#include <cstdint>
#include <vector>

#include "gpmf/values.h"

namespace gpmf::detail {

/// The divisor SCAL gives field `field`: one entry for every field, or one per field (1 past its
/// end); 1 when SCAL is missing, 0 or not finite, which leaves the field in sensor units.
double fieldDivisor(const std::vector<double> &scale, std::size_t field) noexcept;

/// The fewest decimals d with 10^d >= divisor: written with d decimals, raw / divisor still gives
/// raw back as round(v * divisor) (exactly v when divisor is a power of 10). kPrecisionShortest
/// for a divisor that is not a whole number from 1 to 10^15.
std::int8_t decimalsForDivisor(double divisor) noexcept;

/// The precision of each numeric field of `v` (by numeric slot) after dividing field f by
/// scale[f] (one entry: every field; none: no scaling), as the decoder's applyScale() does.
std::vector<std::int8_t> scaledPrecision(const Values &v, const std::vector<double> &scale);

} // namespace gpmf::detail
