// SPDX-License-Identifier: LGPL-2.1-or-later
// Calendar arithmetic and ISO 8601 UTC text, shared by the GPS code and the JSON records.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gpmf::detail {

inline constexpr bool isLeapYear(std::int64_t y) noexcept
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

inline constexpr int daysInMonth(std::int64_t y, int m) noexcept
{
	constexpr int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && isLeapYear(y) ? 29 : days[m - 1];
}

// Floor division, so that dates before 1970 and negative times stay on the right day.
inline constexpr std::int64_t floorDiv(std::int64_t a, std::int64_t b) noexcept
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/*
 * Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. The year is shifted to
 * start in March so that the leap day falls at its end; then a year is 365 days plus the leap
 * days of the full 4-, 100- and 400-year cycles before it.
 */
inline constexpr std::int64_t daysFromCivil(std::int64_t y, int m, int d) noexcept
{
	const std::int64_t year = m <= 2 ? y - 1 : y;
	const std::int64_t monthFromMarch = m > 2 ? m - 3 : m + 9; // March = 0 ... February = 11
	// Days from March 1 to the first of the month: 153 days per 5 months (31+30+31+30+31).
	const std::int64_t dayOfYear = (153 * monthFromMarch + 2) / 5 + d - 1;
	const std::int64_t days = 365 * year + floorDiv(year, 4) - floorDiv(year, 100) + floorDiv(year, 400) + dayOfYear;
	// The same count for 1970-03-01 minus the 59 days of January and February 1970.
	constexpr std::int64_t days1970 = 365 * 1969 + 1969 / 4 - 1969 / 100 + 1969 / 400 + 306;
	return days - days1970;
}

static_assert(daysFromCivil(1970, 1, 1) == 0);
static_assert(daysFromCivil(2000, 1, 1) == 10957);
static_assert(daysFromCivil(2000, 3, 1) == 10957 + 31 + 29);

struct Civil {
	std::int64_t year;
	int month, day;
};

/// The inverse of daysFromCivil().
Civil civilFromDays(std::int64_t days) noexcept;

/// Characters of "2017-04-17T17:31:03.055Z".
inline constexpr std::size_t kUtcTextSize = 24;

/// Seconds since 1970 to whole milliseconds, rounded once (so 59.9996 s carries into the next
/// minute, or day). False when not finite or outside the years 0000-9999, which the four-digit
/// ISO 8601 year cannot hold.
bool utcMilliseconds(double secondsSince1970, std::int64_t &ms) noexcept;

/// Writes "2017-04-17T17:31:03.055Z" (kUtcTextSize characters, no quotes) for a
/// utcMilliseconds() result and returns the end. Digits by hand: no locale, no allocation.
char *writeUtc(char *p, std::int64_t ms) noexcept;

} // namespace gpmf::detail
