// SPDX-License-Identifier: LGPL-2.1-or-later
// Calendar arithmetic and ISO 8601 UTC text, shared by the GPS code and the JSON records.
#include "utc.h"

#include <cmath>

namespace gpmf::detail {

// The inverse of daysFromCivil: walk 400-year eras, then years, then months.
Civil civilFromDays(std::int64_t days) noexcept
{
	constexpr std::int64_t daysPerEra = 146097; // 400 years
	// Count from 2000-03-01, the start of a 400-year era in the March-based calendar.
	const std::int64_t z = days - daysFromCivil(2000, 3, 1);
	const std::int64_t era = floorDiv(z, daysPerEra);
	const std::int64_t dayOfEra = z - era * daysPerEra; // [0, 146096]
	// Year of the era: take out the leap days of the 4-, 100- and 400-year cycles elapsed so
	// that every year counts 365 days (the era's last day is the 400-year cycle's extra one).
	const std::int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / (daysPerEra - 1)) / 365;
	const std::int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
	const std::int64_t monthFromMarch = (5 * dayOfYear + 2) / 153;
	const int day = int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
	const int month = int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
	const std::int64_t year = 2000 + era * 400 + yearOfEra + (month <= 2 ? 1 : 0);
	return { year, month, day };
}

bool utcMilliseconds(double secondsSince1970, std::int64_t &ms) noexcept
{
	constexpr double lower = -62167219200.0; // 0000-01-01T00:00:00Z
	constexpr double limit = 253402300800.0; // 10000-01-01T00:00:00Z
	if (!std::isfinite(secondsSince1970) || secondsSince1970 < lower || secondsSince1970 >= limit)
		return false;
	ms = std::llround(secondsSince1970 * 1000.0);
	return ms >= std::int64_t(lower) * 1000 && ms < std::int64_t(limit) * 1000;
}

namespace {

char *writeDigits(char *p, std::int64_t v, int width) noexcept
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		p[i] = char('0' + v % 10);
	return p + width;
}

} // namespace

char *writeUtc(char *p, std::int64_t ms) noexcept
{
	const std::int64_t days = floorDiv(ms, 86400000);
	const std::int64_t msOfDay = ms - days * 86400000;
	const Civil date = civilFromDays(days);
	p = writeDigits(p, date.year, 4);
	*p++ = '-';
	p = writeDigits(p, date.month, 2);
	*p++ = '-';
	p = writeDigits(p, date.day, 2);
	*p++ = 'T';
	p = writeDigits(p, msOfDay / 3600000, 2);
	*p++ = ':';
	p = writeDigits(p, msOfDay / 60000 % 60, 2);
	*p++ = ':';
	p = writeDigits(p, msOfDay / 1000 % 60, 2);
	*p++ = '.';
	p = writeDigits(p, msOfDay % 1000, 3);
	*p++ = 'Z';
	return p;
}

} // namespace gpmf::detail
