// SPDX-License-Identifier: LGPL-2.1-or-later
// A small streaming JSON writer: shortest round-trip numbers, valid UTF-8, no allocation per value.

#include "gpmf/json_writer.h"

#include "fixed_decimal.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>

namespace gpmf {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// 2^53 (detail::kExactIntegerLimit): above it not every integer is a double, so the shortest
// form is the honest one.
using detail::kExactIntegerLimit;

template<typename T>
void appendInteger(std::string &out, T v)
{
	char buf[24];
	auto res = std::to_chars(buf, buf + sizeof(buf), v);
	out.append(buf, res.ptr);
}

namespace shortest {

#if defined(__SIZEOF_INT128__)
#define GPMF_HAVE_SCHUBFACH 1

/*
 * Shortest round-trip decimals for normal doubles, after R. Giulietti's Schubfach ("The Schubfach
 * way to render doubles", 2020). It picks the same digits as std::to_chars (shortest, then
 * closest, ties to even) about 1.5 times faster, which matters because numbers are most of the
 * JSON. Subnormals, and targets without 128-bit integers, use std::to_chars.
 */

__extension__ typedef unsigned __int128 Uint128;

constexpr int kMinQ = -1074; // binary exponent of the subnormals
constexpr std::uint64_t kMinC = std::uint64_t(1) << 52; // the hidden bit
// The same for floats: their intervals are narrower, so the double's table serves them too.
constexpr int kFloatMinQ = -149;
constexpr std::uint64_t kFloatMinC = std::uint64_t(1) << 23;
constexpr int kMinK = -324; // floorLog10Pow2(kMinQ)
constexpr int kMaxK = 292;  // floorLog10Pow2(971), 971 being the largest binary exponent
constexpr std::uint64_t kMask63 = (std::uint64_t(1) << 63) - 1;

// Exact for |e| < 1100 (checked against rational arithmetic).
constexpr int floorLog10Pow2(int e) { return int((std::int64_t(e) * 661971961083) >> 41); }
constexpr int floorLog10ThreeQuartersPow2(int e) { return int((std::int64_t(e) * 661971961083 - 274743187321) >> 41); }
constexpr int floorLog2Pow10(int e) { return int((std::int64_t(e) * 913124641741) >> 38); }

// Unsigned big integer to build the table at compile time; little-endian 32-bit limbs.
struct BigNum {
	static constexpr int kLimbs = 36; // 1152 bits: holds 10^324 and 2^900
	std::uint32_t limb[kLimbs] = {};
	int used = 1;

	constexpr void mul10()
	{
		std::uint64_t carry = 0;
		for (int i = 0; i < used; i++) {
			const std::uint64_t t = std::uint64_t(limb[i]) * 10 + carry;
			limb[i] = std::uint32_t(t);
			carry = t >> 32;
		}
		if (carry)
			limb[used++] = std::uint32_t(carry);
	}
	constexpr void div5()
	{
		std::uint64_t rem = 0;
		for (int i = used - 1; i >= 0; i--) {
			const std::uint64_t cur = (rem << 32) | limb[i];
			limb[i] = std::uint32_t(cur / 5);
			rem = cur % 5;
		}
		while (used > 1 && limb[used - 1] == 0)
			used--;
	}
	constexpr bool bit(int i) const { return i >= 0 && i / 32 < used && ((limb[i / 32] >> (i % 32)) & 1); }
};

// g = g1 * 2^63 + g0 = floor(10^-k * 2^-r) + 1, with r such that 2^125 <= g < 2^126.
struct G {
	std::uint64_t g1, g0;
};

struct Table {
	G g[kMaxK - kMinK + 1];
};

constexpr G splitG(Uint128 beta)
{
	const Uint128 g = beta + 1;
	return { std::uint64_t(g >> 63), std::uint64_t(g) & kMask63 };
}

constexpr Table makeTable()
{
	Table t{};
	// k <= 0: 10^n (n = -k) shifted to 126 bits.
	BigNum pow;
	pow.limb[0] = 1;
	for (int n = 0; n <= -kMinK; n++) {
		if (n)
			pow.mul10();
		const int shift = 125 - floorLog2Pow10(n);
		Uint128 beta = 0;
		for (int i = 0; i < 126; i++) {
			if (pow.bit(i - shift))
				beta |= Uint128(1) << i;
		}
		t.g[-n - kMinK] = splitG(beta);
	}
	// k > 0: floor(2^m / 10^k) = floor(2^(m-k) / 5^k), with m = 125 - floorLog2Pow10(-k), is
	// floor(2^N / 5^k) shifted right by N - (m - k): dividing by 5 k times is all it takes.
	constexpr int kN = 900; // above every m - k (at most 804)
	BigNum x;
	x.limb[kN / 32] = std::uint32_t(1) << (kN % 32);
	x.used = kN / 32 + 1;
	for (int k = 1; k <= kMaxK; k++) {
		x.div5();
		const int shift = kN - (125 - floorLog2Pow10(-k) - k);
		Uint128 q = 0;
		for (int i = 0; i < 126; i++) {
			if (x.bit(i + shift))
				q |= Uint128(1) << i;
		}
		t.g[k - kMinK] = splitG(q);
	}
	return t;
}

constexpr Table kTable = makeTable();

inline std::uint64_t mulHigh(std::uint64_t a, std::uint64_t b)
{
	return std::uint64_t((Uint128(a) * b) >> 64);
}

// g * cp / 2^127 rounded to odd: the sticky low bit tells "just above" from "exactly on".
inline std::uint64_t roundToOdd(const G &g, std::uint64_t cp)
{
	const std::uint64_t x1 = mulHigh(g.g0, cp);
	const Uint128 y = Uint128(g.g1) * cp;
	const std::uint64_t z = (std::uint64_t(y) >> 1) + x1;
	const std::uint64_t vbp = std::uint64_t(y >> 64) + (z >> 63);
	return vbp | (((z & kMask63) + kMask63) >> 63);
}

// The shortest decimal f * 10^e that rounds to c * 2^q (a normal double, or with the float's
// hidden bit and least exponent a normal float); the closest one on ties, then the even one.
void toDecimal(int q, std::uint64_t c, std::uint64_t &f, int &e, std::uint64_t minC = kMinC, int minQ = kMinQ)
{
	const std::uint64_t out = c & 1; // an even significand keeps the interval bounds
	const std::uint64_t cb = c << 2;
	const std::uint64_t cbr = cb + 2;
	std::uint64_t cbl;
	int k;
	if (c != minC || q == minQ) {
		cbl = cb - 2;
		k = floorLog10Pow2(q);
	} else {
		// A power of two: the gap below it is half the gap above.
		cbl = cb - 1;
		k = floorLog10ThreeQuartersPow2(q);
	}
	const int h = q + floorLog2Pow10(-k) + 2;
	const G &g = kTable.g[k - kMinK];
	const std::uint64_t vb = roundToOdd(g, cb << h);
	const std::uint64_t vbl = roundToOdd(g, cbl << h);
	const std::uint64_t vbr = roundToOdd(g, cbr << h);

	e = k;
	const std::uint64_t s = vb >> 2;
	if (s >= 100) {
		// At most one multiple of 10^(k+1) lies in the interval; if one does, it is shortest.
		const std::uint64_t sp10 = s / 10 * 10;
		const std::uint64_t tp10 = sp10 + 10;
		const bool upin = vbl + out <= sp10 << 2;
		const bool wpin = (tp10 << 2) + out <= vbr;
		if (upin != wpin) {
			f = upin ? sp10 : tp10;
			return;
		}
	}
	const std::uint64_t t = s + 1;
	const bool uin = vbl + out <= s << 2;
	const bool win = (t << 2) + out <= vbr;
	if (uin != win) {
		f = uin ? s : t;
		return;
	}
	const auto cmp = static_cast<std::int64_t>(vb - ((s + t) << 1));
	f = (cmp < 0 || (cmp == 0 && (s & 1) == 0)) ? s : t;
}

#endif // __SIZEOF_INT128__

// The digits and exponent of std::to_chars' shortest scientific form of |v| (a double, or a
// float for the float's own shortest digits).
template<typename Real>
void decimalFromLibrary(Real v, std::uint64_t &f, int &e)
{
	char buf[40];
	const auto res = std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::scientific);
	const char *p = buf;
	int digits = 0;
	f = 0;
	for (; p < res.ptr && *p != 'e'; p++) {
		if (*p != '.') {
			f = f * 10 + std::uint64_t(*p - '0');
			digits++;
		}
	}
	int exponent = 0;
	if (p + 1 < res.ptr)
		std::from_chars(p + 1 + (p[1] == '+'), res.ptr, exponent);
	e = exponent - (digits - 1);
}

constexpr char kDigitPairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

// Exactly 8 digits of v < 10^8, as four independent pairs (short dependency chains).
inline void write8Digits(char *p, std::uint32_t v)
{
	const std::uint32_t hi = v / 10000, lo = v % 10000;
	std::memcpy(p, kDigitPairs + 2 * (hi / 100), 2);
	std::memcpy(p + 2, kDigitPairs + 2 * (hi % 100), 2);
	std::memcpy(p + 4, kDigitPairs + 2 * (lo / 100), 2);
	std::memcpy(p + 6, kDigitPairs + 2 * (lo % 100), 2);
}

using detail::digitCount;

/*
 * f * 10^e laid out as ECMAScript's Number::toString does: plain digits for 1e-7 <= |v| < 1e21,
 * "1.5e-300" outside; familiar to JSON readers. The digits go to fixed slots and are moved with
 * fixed-size copies (no library calls, few branches), which may store garbage up to 48 bytes
 * past p.
 */
char *writeDecimal(char *p, bool negative, std::uint64_t f, int e)
{
	// f < 10^18: 18 digits, after 8 zeros that serve as the leading zeros of "0.000123".
	char digits[80];
	std::memcpy(digits, "00000000", 8);
	const auto top = static_cast<std::uint32_t>(f / 10000000000000000);
	const std::uint64_t rest = f % 10000000000000000;
	std::memcpy(digits + 8, kDigitPairs + 2 * top, 2);
	write8Digits(digits + 10, static_cast<std::uint32_t>(rest / 100000000));
	write8Digits(digits + 18, static_cast<std::uint32_t>(rest % 100000000));
	int n = digitCount(f);
	const char *d = digits + 26 - n;
	while (n > 1 && d[n - 1] == '0') {
		n--;
		e++;
	}
	const int point = n + e; // digits before the decimal point

	*p = '-';
	p += negative;
	if (e < 0 && point > -6 && point <= 21) {
		// "123.456" or "0.00123": the latter is the former with 1 - point zeros in front.
		const int zeros = point > 0 ? 0 : 1 - point;
		const char *z = d - zeros;
		const int at = point + zeros;
		std::memcpy(p, z, 24);
		p[at] = '.';
		std::memcpy(p + at + 1, z + at, 24);
		return p + zeros + n + 1;
	}
	if (e >= 0 && point <= 21) {
		// Integers from 2^53 up to 1e21 (smaller ones never come here).
		std::memcpy(p, d, 24);
		std::memset(p + n, '0', 24);
		return p + point;
	}
	p[0] = d[0];
	p[1] = '.';
	std::memcpy(p + 2, d + 1, 24);
	p += n > 1 ? n + 1 : 1;
	*p++ = 'e';
	const int x = point - 1;
	*p++ = x < 0 ? '-' : '+';
	const auto ax = static_cast<unsigned>(x < 0 ? -x : x);
	if (ax >= 100)
		*p++ = char('0' + ax / 100);
	if (ax >= 10)
		*p++ = kDigitPairs[2 * (ax % 100)];
	*p++ = kDigitPairs[2 * (ax % 100) + 1];
	return p;
}

} // namespace shortest

void appendReplacement(std::string &out)
{
	out.append("\xef\xbf\xbd", 3); // U+FFFD
}

// Length of the valid UTF-8 sequence at s[0], or 0 when the bytes there are ill-formed.
// `bad` receives how many bytes form the maximal ill-formed subpart, so that each one becomes a
// single U+FFFD as Unicode (chapter 3, "U+FFFD substitution of maximal subparts") recommends.
std::size_t utf8Sequence(const unsigned char *s, std::size_t n, std::size_t &bad)
{
	const unsigned char c = s[0];
	std::size_t len;
	unsigned char lo = 0x80, hi = 0xbf; // allowed range of the second byte
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0; // overlong
		else if (c == 0xed)
			hi = 0x9f; // surrogates
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90; // overlong
		else if (c == 0xf4)
			hi = 0x8f; // above U+10FFFF
	} else {
		bad = 1;
		return 0;
	}

	std::size_t i = 1;
	for (; i < len && i < n; i++) {
		const unsigned char l = i == 1 ? lo : 0x80;
		const unsigned char h = i == 1 ? hi : 0xbf;
		if (s[i] < l || s[i] > h)
			break;
	}
	if (i == len)
		return len;
	bad = i;
	return 0;
}

} // namespace

char *detail::writeJsonNumber(char *p, double v) noexcept
{
	std::uint64_t bits;
	std::memcpy(&bits, &v, sizeof(bits));
	const auto biasedExponent = static_cast<int>((bits >> 52) & 0x7ff);
	if (biasedExponent == 0x7ff) {
		std::memcpy(p, "null", 4); // NaN and infinities have no JSON form
		return p + 4;
	}
	// Integral values (counts, raw sensor readings, -0) print like integers: no ".0", no exponent.
	if (std::fabs(v) < kExactIntegerLimit && v == static_cast<double>(static_cast<std::int64_t>(v)))
		return std::to_chars(p, p + kJsonNumberRoom, static_cast<std::int64_t>(v)).ptr;
	std::uint64_t f;
	int e;
#ifdef GPMF_HAVE_SCHUBFACH
	if (biasedExponent != 0) {
		const std::uint64_t c = (bits & (shortest::kMinC - 1)) | shortest::kMinC;
		shortest::toDecimal(biasedExponent - 1075, c, f, e);
		return shortest::writeDecimal(p, bits >> 63, f, e);
	}
#endif
	// Subnormals: rare, and Schubfach needs extra care there; the library does it.
	shortest::decimalFromLibrary(v, f, e);
	return shortest::writeDecimal(p, bits >> 63, f, e);
}

char *detail::writeFixedDecimalGeneral(char *p, double v, int decimals) noexcept
{
	if (decimals < 0 || decimals > kMaxFixedDecimals)
		return writeJsonNumber(p, v);
	const double scaled = v * kPow10Double[decimals];
	if (!(std::fabs(scaled) < kExactIntegerLimit - 1)) // NaN and Inf too
		return writeJsonNumber(p, v);
	// Half away from zero; the cast truncates, and |scaled| + 0.5 stays below 2^53.
	const auto n = static_cast<std::int64_t>(scaled + (scaled < 0 ? -0.5 : 0.5));
	if (n == 0) {
		*p = '0'; // "-0.0001" to 3 places is 0, written as JSON.stringify writes -0
		return p + 1;
	}
	*p = '-';
	p += n < 0;
	const auto u = static_cast<std::uint64_t>(n < 0 ? -n : n);
	const std::uint64_t whole = divPow10(u, decimals);
	std::uint64_t fraction = u - whole * kPow10Int[decimals];
	p = writePadded(p, whole, digitCount(whole) + int(whole == 0));
	if (fraction == 0)
		return p;
	int digits = decimals;
	while (fraction % 10 == 0) {
		fraction /= 10;
		digits--;
	}
	*p = '.';
	return writePadded(p + 1, fraction, digits);
}

char *detail::writeJsonFixed(char *p, double v, int decimals) noexcept
{
	return writeFixedDecimal(p, v, decimals);
}

namespace {

/*
 * The texts of the floats written last on this thread, by their bits (direct-mapped). Many
 * float streams are exposure and calibration values (SHUT, ISOG, UNIF...) that change seldom: a
 * recording repeats a few dozen of them for hours, and a copy costs a tenth of the digits.
 */
struct FloatText {
	std::uint32_t bits = 0; // 0 (0.0f) never looked up: integers are written before
	std::uint8_t length = 0;
	char text[19] = {};
};
constexpr int kFloatTextBits = 6;
thread_local FloatText floatTexts[1 << kFloatTextBits];

char *writeFloatDigits(char *p, float v, std::uint32_t bits) noexcept
{
	std::uint64_t f;
	int e;
#ifdef GPMF_HAVE_SCHUBFACH
	if (const int biasedExponent = int(bits >> 23) & 0xff; biasedExponent != 0) {
		const std::uint64_t c = (bits & (shortest::kFloatMinC - 1)) | shortest::kFloatMinC;
		shortest::toDecimal(biasedExponent - 150, c, f, e, shortest::kFloatMinC, shortest::kFloatMinQ);
		return shortest::writeDecimal(p, bits >> 31, f, e);
	}
#endif
	shortest::decimalFromLibrary(v, f, e); // subnormals, as for doubles
	return shortest::writeDecimal(p, std::signbit(v), f, e);
}

} // namespace

char *detail::writeJsonFloat(char *p, float v) noexcept
{
	const double wide = v;
	if (!std::isfinite(v) || (std::fabs(wide) < kExactIntegerLimit && wide == std::trunc(wide)))
		return writeJsonNumber(p, wide); // null, or an integer
	const auto bits = std::bit_cast<std::uint32_t>(v);
	FloatText &known = floatTexts[(bits * 0x9e3779b1u) >> (32 - kFloatTextBits)];
	if (known.bits == bits) {
		std::memcpy(p, known.text, sizeof(known.text)); // kJsonNumberRoom leaves room for it
		return p + known.length;
	}
	char *end = writeFloatDigits(p, v, bits);
	const auto length = static_cast<std::size_t>(end - p);
	if (length <= sizeof(known.text)) {
		known.bits = bits;
		known.length = static_cast<std::uint8_t>(length);
		std::memcpy(known.text, p, length);
	}
	return end;
}

char *detail::writeJsonSeconds(char *p, double seconds) noexcept
{
	return writeSeconds(p, seconds);
}

void appendJsonSeconds(std::string &out, double seconds)
{
	char buf[detail::kJsonNumberRoom];
	out.append(buf, detail::writeJsonSeconds(buf, seconds));
}

void appendJsonFixed(std::string &out, double v, int decimals)
{
	char buf[detail::kJsonNumberRoom];
	out.append(buf, detail::writeJsonFixed(buf, v, decimals));
}

void appendJsonFloat(std::string &out, float v)
{
	char buf[detail::kJsonNumberRoom];
	out.append(buf, detail::writeJsonFloat(buf, v));
}

void appendJsonNumber(std::string &out, double v)
{
	char buf[detail::kJsonNumberRoom];
	out.append(buf, detail::writeJsonNumber(buf, v));
}

void appendJsonString(std::string &out, std::string_view s)
{
	const auto *p = reinterpret_cast<const unsigned char *>(s.data());
	const std::size_t n = s.size();

	// Keys, FourCCs and units: short and plain, looked at without a branch per byte and
	// appended whole, quotes included.
	constexpr std::size_t kShort = 30;
	if (n <= kShort) {
		bool plain = true;
		for (std::size_t i = 0; i < n; i++)
			plain &= p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\';
		if (plain) {
			char quoted[kShort + 2];
			quoted[0] = '"';
			std::copy_n(s.data(), n, quoted + 1); // s.data() may be null when n is 0
			quoted[n + 1] = '"';
			out.append(quoted, n + 2);
			return;
		}
	}

	out.push_back('"');
	std::size_t run = 0; // start of the pending run of bytes copied as they are
	std::size_t i = 0;
	while (i < n) {
		// Eight bytes at a time while none needs a look (control, quote, backslash, non-ASCII):
		// names, units and keys are plain ASCII.
		constexpr std::uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
		auto hasZeroByte = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
		while (i + 8 <= n) {
			std::uint64_t w;
			std::memcpy(&w, p + i, 8);
			const std::uint64_t special = (w & kHighs) | ((w - kOnes * 0x20) & ~w & kHighs) |
						      hasZeroByte(w ^ (kOnes * '"')) | hasZeroByte(w ^ (kOnes * '\\'));
			if (special)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		const unsigned char c = p[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			std::size_t bad = 0;
			std::size_t len = utf8Sequence(p + i, n - i, bad);
			if (len) {
				i += len;
				continue;
			}
			out.append(s.data() + run, i - run);
			appendReplacement(out);
			i += bad;
			run = i;
			continue;
		}

		out.append(s.data() + run, i - run);
		switch (c) {
		case '"':
			out.append("\\\"", 2);
			break;
		case '\\':
			out.append("\\\\", 2);
			break;
		case '\b':
			out.append("\\b", 2);
			break;
		case '\f':
			out.append("\\f", 2);
			break;
		case '\n':
			out.append("\\n", 2);
			break;
		case '\r':
			out.append("\\r", 2);
			break;
		case '\t':
			out.append("\\t", 2);
			break;
		default: {
			const char esc[6] = { '\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf] };
			out.append(esc, sizeof(esc));
			break;
		}
		}
		i++;
		run = i;
	}
	out.append(s.data() + run, n - run);
	out.push_back('"');
}

void JsonWriter::separate()
{
	if (afterKey_) {
		afterKey_ = false;
		return;
	}
	if (depth_ == 0)
		return;
	// Levels deeper than 64 share the last bit; nothing in the project nests that deep.
	const int level = depth_ < 64 ? depth_ - 1 : 63;
	const std::uint64_t bit = std::uint64_t(1) << level;
	if (hasElement_ & bit)
		out_.push_back(',');
	else
		hasElement_ |= bit;
}

void JsonWriter::beginObject()
{
	separate();
	out_.push_back('{');
	depth_++;
	if (depth_ <= 64)
		hasElement_ &= ~(std::uint64_t(1) << (depth_ - 1));
}

void JsonWriter::endObject()
{
	out_.push_back('}');
	if (depth_ > 0)
		depth_--;
	afterKey_ = false;
}

void JsonWriter::beginArray()
{
	separate();
	out_.push_back('[');
	depth_++;
	if (depth_ <= 64)
		hasElement_ &= ~(std::uint64_t(1) << (depth_ - 1));
}

void JsonWriter::endArray()
{
	out_.push_back(']');
	if (depth_ > 0)
		depth_--;
	afterKey_ = false;
}

void JsonWriter::key(std::string_view k)
{
	separate();
	appendJsonString(out_, k);
	out_.push_back(':');
	afterKey_ = true;
}

void JsonWriter::string(std::string_view s)
{
	separate();
	appendJsonString(out_, s);
}

void JsonWriter::number(double v)
{
	separate();
	appendJsonNumber(out_, v);
}

void JsonWriter::seconds(double v)
{
	separate();
	appendJsonSeconds(out_, v);
}

void JsonWriter::integer(std::int64_t v)
{
	separate();
	appendInteger(out_, v);
}

void JsonWriter::unsignedInteger(std::uint64_t v)
{
	separate();
	appendInteger(out_, v);
}

void JsonWriter::boolean(bool v)
{
	separate();
	if (v)
		out_.append("true", 4);
	else
		out_.append("false", 5);
}

void JsonWriter::null()
{
	separate();
	out_.append("null", 4);
}

void JsonWriter::rawValue(std::string_view json)
{
	separate();
	out_.append(json);
}

} // namespace gpmf
