// SPDX-License-Identifier: LGPL-2.1-or-later
// Numbers with a fixed count of decimals (sensor values, times), inline: the NDJSON of a payload
// is mostly these, thousands per payload, and a call per number shows in the profile.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "gpmf/json_writer.h"

namespace gpmf::detail {

inline constexpr std::uint64_t kPow10Int[20] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
	100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
	10000000000000000, 100000000000000000, 1000000000000000000, 10000000000000000000u,
};
inline constexpr double kPow10Double[kMaxFixedDecimals + 1] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
};
// 2^53: above it a double no longer holds every integer.
inline constexpr double kExactIntegerLimit = 9007199254740992.0;

// Decimal digits of v > 0 (0 for 0), without branches: the magnitudes of sensor values are not
// predictable, and a mispredicted branch per number costs more than the rest of the work.
inline int digitCount(std::uint64_t v) noexcept
{
	const int bits = 64 - std::countl_zero(v | 1);
	const int guess = (bits * 1233) >> 12; // bits * log10(2), never above the true count
	return guess + (v >= kPow10Int[guess]);
}

// The 8 decimal digits of v < 10^8 as ASCII in one 64-bit word, first digit in the lowest byte
// (its first byte in memory on little-endian machines). Splitting lanes in a register, rather than
// writing pairs to memory and copying them, avoids a store-forwarding stall per number.
inline std::uint64_t eightDigits(std::uint32_t v) noexcept
{
	const std::uint64_t y = (v / 10000) | (std::uint64_t(v % 10000) << 32); // two lanes < 10^4
	const std::uint64_t hundreds = ((y * 5243) >> 19) & 0x0000007f0000007f;  // lane / 100
	const std::uint64_t z = hundreds | ((y - hundreds * 100) << 16);          // four lanes < 100
	const std::uint64_t tens = ((z * 103) >> 10) & 0x000f000f000f000f;        // lane / 10
	return (tens | ((z - tens * 10) << 8)) + 0x3030303030303030;
}

// Exactly `width` (1 to 16) digits of v < 10^width, zero-padded; stores up to 16 bytes at p.
inline char *writePadded(char *p, std::uint64_t v, int width) noexcept
{
	if constexpr (std::endian::native == std::endian::little) {
		if (width <= 8) {
			const std::uint64_t w = eightDigits(static_cast<std::uint32_t>(v)) >> (8 * (8 - width));
			std::memcpy(p, &w, 8);
			return p + width;
		}
		const std::uint64_t hi = eightDigits(static_cast<std::uint32_t>(v / 100000000)) >> (8 * (16 - width));
		const std::uint64_t lo = eightDigits(static_cast<std::uint32_t>(v % 100000000));
		std::memcpy(p, &hi, 8);
		std::memcpy(p + width - 8, &lo, 8);
		return p + width;
	} else {
		for (int i = width - 1; i >= 0; i--) {
			p[i] = char('0' + v % 10);
			v /= 10;
		}
		return p + width;
	}
}

// u / 10^d, with a constant divisor per case: the compiler turns each into a multiply, where a
// division by a table entry costs a 64-bit divide (tens of cycles) per number.
static_assert(kMaxFixedDecimals == 15, "divPow10 has a case per decimal count");
inline std::uint64_t divPow10(std::uint64_t u, int d) noexcept
{
	switch (d) {
	case 0: return u;
	case 1: return u / 10;
	case 2: return u / 100;
	case 3: return u / 1000;
	case 4: return u / 10000;
	case 5: return u / 100000;
	case 6: return u / 1000000;
	case 7: return u / 10000000;
	case 8: return u / 100000000;
	case 9: return u / 1000000000;
	case 10: return u / 10000000000;
	case 11: return u / 100000000000;
	case 12: return u / 1000000000000;
	case 13: return u / 10000000000000;
	case 14: return u / 100000000000000;
	default: return u / 1000000000000000;
	}
}

// The common case of writeFixedDecimal() on little-endian machines: at most 7 decimals and 8
// digits in all (sensor values). The digits come from one register, shifted past their leading
// zeros; two overlapping stores put the point between whole part and fraction, and the trailing
// zeros are counted in the same word. No branch depends on the value. Stores up to 18 bytes.
inline char *writeShortFixed(char *p, std::int64_t n, int decimals) noexcept
{
	*p = '-';
	p += n < 0;
	const std::uint64_t digits = eightDigits(static_cast<std::uint32_t>(n < 0 ? -n : n));
	const std::uint64_t values = digits - 0x3030303030303030; // 0-9 per byte, first digit lowest
	const int leadingZeros = std::countr_zero(values) / 8;    // 8 for 0
	const int trailingZeros = std::min(std::countl_zero(values) / 8, decimals);
	const int length = std::max(8 - leadingZeros, decimals + 1); // "0.05" keeps its "0"
	const int whole = length - decimals;			       // 1 to 8
	const std::uint64_t kept = digits >> (8 * (8 - length));
	const std::uint64_t fraction = (kept >> (8 * whole - 8)) >> 8; // in two steps: whole = 8 is 64 bits
	std::memcpy(p, &kept, 8);
	p[whole] = '.';
	std::memcpy(p + whole + 1, &fraction, 8);
	// All-zero decimals go with their point: "12", not "12.".
	return p + length + 1 - trailingZeros - (trailingZeros == decimals);
}

/// writeFixedDecimal() for every case; out of line (json_writer.cpp).
char *writeFixedDecimalGeneral(char *p, double v, int decimals) noexcept;

/// v rounded to `decimals` places, trailing zeros dropped (appendJsonFixed() in json_writer.h);
/// stores up to kJsonNumberRoom bytes at p and returns the end of the text. The sensor-value case
/// is inline, small enough for the per-sample loops to keep it in their body.
inline char *writeFixedDecimal(char *p, double v, int decimals) noexcept
{
	if (std::endian::native == std::endian::little && decimals >= 0 && decimals <= 7) {
		const double scaled = v * kPow10Double[decimals];
		if (std::fabs(scaled) < 1e8) { // false for NaN and Inf
			// Half away from zero, as writeFixedDecimalGeneral() rounds.
			const auto n = static_cast<std::int64_t>(scaled + (scaled < 0 ? -0.5 : 0.5));
			if (n < 100000000 && n > -100000000)
				return writeShortFixed(p, n, decimals);
		}
	}
	return writeFixedDecimalGeneral(p, v, decimals);
}

/// Times in seconds to the nanosecond, as writeFixedDecimal(p, seconds, 9) writes them. Every
/// sample has one, so the usual case (a time under 104 days) is laid out in registers too, and
/// the digits of the whole seconds are kept from one time to the next: a stream's samples share
/// them but for one change a second.
class SecondsWriter {
public:
	char *write(char *p, double seconds) noexcept
	{
		const double ns = seconds * 1e9;
		if (std::endian::native != std::endian::little || !(std::fabs(ns) < kExactIntegerLimit - 1))
			return writeFixedDecimalGeneral(p, seconds, 9);
		const auto n = static_cast<std::int64_t>(ns + (ns < 0 ? -0.5 : 0.5));
		*p = '-';
		p += n < 0;
		const auto u = static_cast<std::uint64_t>(n < 0 ? -n : n);
		const std::uint64_t whole = u / 1000000000; // below 10^7: 2^53 ns is 104 days
		const auto fraction = static_cast<std::uint32_t>(u - whole * 1000000000);
		if (whole != whole_) {
			const std::uint64_t digits = eightDigits(static_cast<std::uint32_t>(whole));
			const std::uint64_t values = digits - 0x3030303030303030;
			const int leadingZeros = values ? std::countr_zero(values) / 8 : 7; // "0" stays
			whole_ = whole;
			wholeText_ = digits >> (8 * leadingZeros);
			wholeLength_ = 8 - leadingZeros;
		}
		std::memcpy(p, &wholeText_, 8);
		p += wholeLength_;
		if (fraction == 0)
			return p;
		// Nine decimals: the first, then eight in one word whose trailing zeros are dropped.
		const std::uint64_t last8 = eightDigits(fraction % 100000000);
		const std::uint64_t last8Values = last8 - 0x3030303030303030;
		p[0] = '.';
		p[1] = char('0' + fraction / 100000000);
		std::memcpy(p + 2, &last8, 8);
		return p + 10 - std::countl_zero(last8Values) / 8;
	}

private:
	std::uint64_t whole_ = ~std::uint64_t(0); ///< no whole second yet
	std::uint64_t wholeText_ = 0;
	int wholeLength_ = 0;
};

/// One time, as SecondsWriter writes it.
inline char *writeSeconds(char *p, double seconds) noexcept
{
	return SecondsWriter().write(p, seconds);
}

} // namespace gpmf::detail
