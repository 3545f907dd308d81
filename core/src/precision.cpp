// SPDX-License-Identifier: LGPL-2.1-or-later
// SCAL's divisor for each field, and how many decimals a scaled sensor value deserves
// (Stream::precision).
#include "precision.h"

#include <cmath>

#include "gpmf/json_writer.h"
#include "gpmf/model.h"

namespace gpmf::detail {

double fieldDivisor(const std::vector<double> &scale, std::size_t field) noexcept
{
	if (scale.empty())
		return 1;
	const double s = scale.size() == 1 ? scale[0] : field < scale.size() ? scale[field] : 1.0;
	return s != 0 && std::isfinite(s) ? s : 1.0;
}

std::int8_t decimalsForDivisor(double divisor) noexcept
{
	if (!(divisor >= 1 && divisor <= 1e15) || divisor != std::floor(divisor))
		return kPrecisionShortest;
	std::int8_t d = 0;
	for (double p = 1; p < divisor; p *= 10)
		d++;
	return d <= kMaxFixedDecimals ? d : kPrecisionShortest;
}

namespace {

// The divisor from raw integer to the value before SCAL, for types stored as integers.
double storageDivisor(char type) noexcept
{
	switch (type) {
	case 'b': case 'B': case 's': case 'S': case 'l': case 'L': case 'j': case 'J':
		return 1;
	case 'q':
		return 65536.0; // Q15.16
	case 'Q':
		return 4294967296.0; // Q31.32
	default:
		return 0; // floats, doubles: no integer behind them
	}
}

} // namespace

std::vector<std::int8_t> scaledPrecision(const Values &v, const std::vector<double> &scale)
{
	std::vector<std::int8_t> out(v.numericFieldCount(), kPrecisionShortest);
	for (std::size_t f = 0; f < v.fields.size(); f++) {
		if (v.isTextField(f))
			continue;
		const double s = fieldDivisor(scale, f);
		const char type = v.fields[f].type;
		const double base = storageDivisor(type);
		if (base != 0)
			out[v.slotOf(f)] = decimalsForDivisor(base * s);
		else if (type == 'f' && s == 1)
			out[v.slotOf(f)] = kPrecisionFloat;
	}
	return out;
}

} // namespace gpmf::detail
