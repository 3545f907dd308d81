// SPDX-License-Identifier: GPL-2.0-or-later
// JsonWriter: numbers in shortest round-trip form, escaped valid UTF-8 strings, commas and nesting.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <json-glib/json-glib.h>

#include "gpmf/json_writer.h"

namespace {

using gpmf::appendJsonNumber;
using gpmf::appendJsonString;
using gpmf::JsonWriter;

std::string number(double v)
{
	std::string s;
	appendJsonNumber(s, v);
	return s;
}

std::string jsonString(std::string_view v)
{
	std::string s;
	appendJsonString(s, v);
	return s;
}

// Parses text with json-glib; the document stays alive as long as this object.
class ParsedJson {
public:
	explicit ParsedJson(const std::string &text) : parser_(json_parser_new())
	{
		GError *error = nullptr;
		ok_ = json_parser_load_from_data(parser_, text.data(), static_cast<gssize>(text.size()), &error);
		if (error) {
			error_ = error->message;
			g_error_free(error);
		}
	}
	~ParsedJson() { g_object_unref(parser_); }
	ParsedJson(const ParsedJson &) = delete;
	ParsedJson &operator=(const ParsedJson &) = delete;

	bool ok() const { return ok_; }
	const std::string &error() const { return error_; }
	JsonNode *root() const { return json_parser_get_root(parser_); }

private:
	JsonParser *parser_;
	bool ok_ = false;
	std::string error_;
};

// The value of a JSON document holding a single string.
std::string parsedString(const std::string &json)
{
	ParsedJson doc(json);
	EXPECT_TRUE(doc.ok()) << doc.error() << " in " << json;
	if (!doc.ok() || JSON_NODE_TYPE(doc.root()) != JSON_NODE_VALUE)
		return "<not a string>";
	return json_node_get_string(doc.root());
}

TEST(JsonNumber, ShortestFormOfOneTenth)
{
	EXPECT_EQ(number(0.1), "0.1");
	EXPECT_EQ(number(-2.5), "-2.5");
	EXPECT_EQ(number(9.81), "9.81");
}

TEST(JsonNumber, ThirdRoundTripsExactly)
{
	const double third = 1.0 / 3.0;
	const std::string text = number(third);
	EXPECT_EQ(std::strtod(text.c_str(), nullptr), third) << text;
	// Shortest round-trip: 16 or 17 significant digits, never printf's 6.
	EXPECT_GE(text.size(), 17u) << text;
	EXPECT_LE(text.size(), 19u) << text;
}

TEST(JsonNumber, HugeValueUsesExponentAndRoundTrips)
{
	const std::string text = number(1e300);
	EXPECT_EQ(std::strtod(text.c_str(), nullptr), 1e300) << text;
	EXPECT_NE(text.find('e'), std::string::npos) << text;
	EXPECT_LT(text.size(), 10u) << text;

	const double tiny = 1.5e-300;
	const std::string small = number(tiny);
	EXPECT_EQ(std::strtod(small.c_str(), nullptr), tiny) << small;
}

TEST(JsonNumber, IntegersPrintWithoutFractionOrExponent)
{
	EXPECT_EQ(number(0), "0");
	EXPECT_EQ(number(1), "1");
	EXPECT_EQ(number(42), "42");
	EXPECT_EQ(number(-7), "-7");
	EXPECT_EQ(number(-32768), "-32768");
	EXPECT_EQ(number(1e15), "1000000000000000");
	EXPECT_EQ(number(9007199254740991.0), "9007199254740991"); // 2^53 - 1
}

TEST(JsonNumber, TwoToThe53RoundTrips)
{
	const double v = 9007199254740992.0;
	const std::string text = number(v);
	EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
	EXPECT_EQ(text.find('.'), std::string::npos) << text;
}

TEST(JsonNumber, NegativeZeroIsZero)
{
	EXPECT_EQ(number(-0.0), "0");
}

TEST(JsonNumber, NonFiniteIsNull)
{
	EXPECT_EQ(number(std::nan("")), "null");
	EXPECT_EQ(number(std::numeric_limits<double>::infinity()), "null");
	EXPECT_EQ(number(-std::numeric_limits<double>::infinity()), "null");
}

TEST(JsonNumber, LayoutFollowsJavaScript)
{
	// Plain digits for 1e-7 <= |v| < 1e21, exponent form outside, as JSON.stringify writes them.
	EXPECT_EQ(number(1e21), "1e+21");
	EXPECT_EQ(number(123456789012345680000.0), "123456789012345680000");
	EXPECT_EQ(number(1e-7), "1e-7");
	EXPECT_EQ(number(0.000001), "0.000001");
	EXPECT_EQ(number(0.00123), "0.00123");
	EXPECT_EQ(number(-1.5e-10), "-1.5e-10");
	EXPECT_EQ(number(1.7976931348623157e308), "1.7976931348623157e+308");
	EXPECT_EQ(number(2.2250738585072014e-308), "2.2250738585072014e-308");
	EXPECT_EQ(number(4.35), "4.35");
	EXPECT_EQ(number(-273.15), "-273.15");
	// Subnormals take another path inside, but the same layout.
	EXPECT_EQ(number(5e-324), "5e-324");
	EXPECT_EQ(number(-2.2250738585072009e-308), "-2.225073858507201e-308");
}

// Significant digits and decimal exponent of a number's text, whatever its layout.
std::pair<std::string, int> decimalOf(const std::string &text)
{
	std::string digits;
	int point = -1;
	int exponent = 0;
	for (std::size_t i = 0; i < text.size(); i++) {
		const char c = text[i];
		if (c == '.') {
			point = static_cast<int>(digits.size());
		} else if (c == 'e' || c == 'E') {
			exponent = std::atoi(text.c_str() + i + 1);
			break;
		} else if (c >= '0' && c <= '9') {
			digits.push_back(c);
		}
	}
	if (point < 0)
		point = static_cast<int>(digits.size());
	const std::size_t lead = std::min(digits.find_first_not_of('0'), digits.size() - 1);
	digits.erase(0, lead);
	point -= static_cast<int>(lead);
	while (digits.size() > 1 && digits.back() == '0')
		digits.pop_back();
	return { digits, point + exponent };
}

// Our digits must be the library's shortest round-trip ones: same length, same closest choice.
void expectSameDigitsAsToChars(double v)
{
	char buf[64];
	const auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
	const std::string ours = number(v);
	ASSERT_EQ(std::strtod(ours.c_str(), nullptr), v) << ours;
	ASSERT_EQ(decimalOf(ours), decimalOf(std::string(buf, res.ptr))) << ours << " vs " << std::string(buf, res.ptr);
}

TEST(JsonNumber, SameDigitsAsToCharsForRandomDoubles)
{
	std::mt19937_64 rng(20240601);
	for (int i = 0; i < 200000; i++) {
		const std::uint64_t bits = rng();
		double v;
		switch (i % 3) {
		case 0: // any bit pattern: every exponent, subnormals included
			std::memcpy(&v, &bits, sizeof(v));
			break;
		case 1: // what GPMF gives: a small integer over SCAL
			v = static_cast<double>(static_cast<std::int64_t>(bits % 65536) - 32768) /
			    static_cast<double>((bits >> 20) % 2000 + 1);
			break;
		default: // uniform over binary exponents
			v = std::ldexp(static_cast<double>(bits >> 11) / 9007199254740992.0,
				       static_cast<int>((bits >> 3) % 2098) - 1074);
			break;
		}
		if (!std::isfinite(v) || v == 0)
			continue;
		expectSameDigitsAsToChars(v);
		if (HasFatalFailure())
			return;
	}
}

TEST(JsonNumber, SameDigitsAsToCharsAroundPowersOfTwo)
{
	// Powers of two have a narrower gap below them than above.
	for (int e = -1074; e <= 1023; e++) {
		const double p = std::ldexp(1.0, e);
		for (double v : { p, std::nextafter(p, 0.0), std::nextafter(p, HUGE_VAL), -p, 3 * p, 10 * p }) {
			if (!std::isfinite(v) || v == 0)
				continue;
			expectSameDigitsAsToChars(v);
			if (HasFatalFailure())
				return;
		}
	}
}

TEST(JsonNumber, AppendsWithoutTouchingExistingText)
{
	std::string s = "[";
	appendJsonNumber(s, 0.5);
	EXPECT_EQ(s, "[0.5");
}

TEST(JsonNumber, JsonGlibReadsBackTheSameDoubles)
{
	const double values[] = { 0.1, 1.0 / 3.0, 1e300, -2.5e-8, 123456.789, -0.0, 6.02214076e23, 418.0 };
	std::string text;
	JsonWriter w(text);
	w.beginArray();
	for (double v : values)
		w.number(v);
	w.endArray();

	ParsedJson doc(text);
	ASSERT_TRUE(doc.ok()) << doc.error() << " in " << text;
	JsonArray *array = json_node_get_array(doc.root());
	ASSERT_EQ(json_array_get_length(array), std::size(values));
	for (guint i = 0; i < std::size(values); i++)
		EXPECT_EQ(json_array_get_double_element(array, i), values[i]) << "element " << i << " of " << text;
}

std::string fixed(double v, int decimals)
{
	std::string s;
	gpmf::appendJsonFixed(s, v, decimals);
	return s;
}

std::string shortestFloat(float v)
{
	std::string s;
	gpmf::appendJsonFloat(s, v);
	return s;
}

TEST(JsonFixed, RoundsToTheDecimalsAndDropsTrailingZeros)
{
	EXPECT_EQ(fixed(4096.0 / 418.0, 3), "9.799");
	EXPECT_EQ(fixed(0.5, 3), "0.5");
	EXPECT_EQ(fixed(12.0, 9), "12");
	EXPECT_EQ(fixed(0.05, 3), "0.05");
	EXPECT_EQ(fixed(-0.0015, 3), "-0.002"); // half away from zero
	EXPECT_EQ(fixed(1.0 / 7.0, 9), "0.142857143");
	EXPECT_EQ(fixed(-12345.6789, 0), "-12346");
	EXPECT_EQ(fixed(12345678.0, 0), "12345678"); // eight digits and no decimals (found by fuzzing)
	EXPECT_EQ(fixed(-99999999.4, 0), "-99999999");
	EXPECT_EQ(fixed(1234567.8, 1), "1234567.8");
}

TEST(JsonFixed, ZeroHasNoSign)
{
	EXPECT_EQ(fixed(-0.0, 3), "0");
	EXPECT_EQ(fixed(-0.0001, 3), "0");
}

TEST(JsonFixed, WholeGpsCoordinatesStayExact)
{
	// GPS5 latitude: an int32 over SCAL 10^7, so 7 decimals are the value itself.
	EXPECT_EQ(fixed(-337623456.0 / 1e7, 7), "-33.7623456");
	EXPECT_EQ(fixed(1514213.0 / 1e7, 7), "0.1514213");
}

TEST(JsonFixed, FallsBackToShortestWhenTheDigitsDoNotFit)
{
	EXPECT_EQ(fixed(1e300, 3), number(1e300));
	EXPECT_EQ(fixed(1e10, 9), number(1e10)); // 10^19 is past 2^53
	EXPECT_EQ(fixed(0.1, -1), "0.1");
	EXPECT_EQ(fixed(0.1, 16), "0.1");
	EXPECT_EQ(fixed(std::nan(""), 3), "null");
	EXPECT_EQ(fixed(-std::numeric_limits<double>::infinity(), 3), "null");
}

TEST(JsonFixed, EveryRawReadingComesBack)
{
	// The decoder's rule: SCAL 418 gets 3 decimals (10^3 >= 418); round(v * SCAL) is raw again.
	for (double scale : { 418.0, 1000.0, 32767.0, 100.0, 6.0, 65536.0 }) {
		int decimals = 0;
		for (double p = 1; p < scale; p *= 10)
			decimals++;
		for (std::int64_t raw = -40000; raw <= 40000; raw += 7) {
			const std::string text = fixed(double(raw) / scale, decimals);
			EXPECT_EQ(std::llround(std::strtod(text.c_str(), nullptr) * scale), raw) << text << " scale " << scale;
		}
	}
}

TEST(JsonFixed, WritesTheDecimalDigitsOfTheRoundedValue)
{
	// u / 10^d written with d decimals is u's digits with a point put in (trailing zeros off).
	std::mt19937_64 rng(11);
	for (int i = 0; i < 200000; i++) {
		const int d = int(rng() % 10);
		const int digits = 1 + int(rng() % 15);
		std::uint64_t u = rng() % 1000000000000000;
		for (int k = digits; k < 15; k++)
			u /= 10;
		std::string want = std::to_string(u);
		if (d > 0) {
			if (want.size() <= std::size_t(d))
				want.insert(0, std::size_t(d) + 1 - want.size(), '0');
			want.insert(want.size() - std::size_t(d), ".");
			while (want.back() == '0')
				want.pop_back();
			if (want.back() == '.')
				want.pop_back();
		}
		const bool negative = rng() & 1;
		if (negative && u != 0)
			want.insert(0, "-");
		const double v = (negative ? -double(u) : double(u)) / std::pow(10.0, d);
		ASSERT_EQ(fixed(v, d), want) << u << " / 10^" << d;
	}
}

TEST(JsonSeconds, SameTextAsNineDecimals)
{
	const auto seconds = [](double v) {
		std::string s;
		gpmf::appendJsonSeconds(s, v);
		return s;
	};
	EXPECT_EQ(seconds(0), "0");
	EXPECT_EQ(seconds(-0.0), "0");
	EXPECT_EQ(seconds(12), "12");
	EXPECT_EQ(seconds(1001.0 / 30000.0), "0.033366667");
	EXPECT_EQ(seconds(3600.5), "3600.5");
	EXPECT_EQ(seconds(-0.25), "-0.25");
	EXPECT_EQ(seconds(1e10), number(1e10)); // past 104 days of nanoseconds: the shortest form
	std::mt19937_64 rng(3);
	for (int i = 0; i < 200000; i++) {
		const double scale = std::pow(10.0, double(rng() % 12) - 4);
		const double v = (double(rng() % 2000000000) - 1000000000) / 1e9 * scale;
		ASSERT_EQ(seconds(v), fixed(v, 9)) << v;
	}
}

TEST(JsonFloat, ShortestFormThatReadsBackAsTheFloat)
{
	EXPECT_EQ(shortestFloat(0.1f), "0.1");
	EXPECT_EQ(shortestFloat(25.5f), "25.5");
	EXPECT_EQ(shortestFloat(-3.0f), "-3");
	EXPECT_EQ(shortestFloat(1e-10f), "1e-10");
	EXPECT_EQ(shortestFloat(std::numeric_limits<float>::quiet_NaN()), "null");
	std::mt19937 rng(7);
	std::uniform_int_distribution<std::uint32_t> bits;
	for (int i = 0; i < 20000; i++) {
		const std::uint32_t b = bits(rng);
		float f;
		std::memcpy(&f, &b, sizeof f);
		if (!std::isfinite(f))
			continue;
		const std::string text = shortestFloat(f);
		EXPECT_EQ(std::strtof(text.c_str(), nullptr), f) << text;
	}
}

// Floats written before are copied from a small table of their texts: a value seen again, one
// that takes its place in the table, and the first again all read as themselves.
TEST(JsonFloat, AValueWrittenAgainReadsTheSame)
{
	std::mt19937 rng(5);
	std::vector<float> values;
	for (int i = 0; i < 500; i++) // more values than the table holds: many share a place
		values.push_back(std::ldexp(float(rng() % 1000000 + 1) / 7.0f, int(rng() % 40) - 20));
	std::vector<std::string> first;
	for (float f : values)
		first.push_back(shortestFloat(f));
	for (int round = 0; round < 3; round++) {
		for (std::size_t i = 0; i < values.size(); i++) {
			const std::size_t k = (i * 7919 + std::size_t(round) * 13) % values.size(); // another order
			const std::string again = shortestFloat(values[k]);
			ASSERT_EQ(again, first[k]);
			ASSERT_EQ(std::strtof(again.c_str(), nullptr), values[k]) << again;
		}
	}
}

// The float's own shortest digits, as std::to_chars gives them (the writer has its own
// algorithm: every positive float was once compared, 1.25e9 of them; these keep it so).
TEST(JsonFloat, SameDigitsAsToChars)
{
	auto expectSame = [](float f) {
		if (f == std::trunc(f))
			return; // whole numbers are written whole: "1304950912", not "1.3049509e+09"
		char buf[64];
		const auto res = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
		const std::string ours = shortestFloat(f);
		ASSERT_EQ(decimalOf(ours), decimalOf(std::string(buf, res.ptr))) << ours << " vs " << std::string(buf, res.ptr);
	};
	std::mt19937 rng(20261207);
	for (int i = 0; i < 200000; i++) {
		const std::uint32_t b = rng();
		float f;
		std::memcpy(&f, &b, sizeof f);
		if (!std::isfinite(f) || f == 0)
			continue;
		expectSame(f);
		if (HasFatalFailure())
			return;
	}
	// Around powers of two (a narrower gap below), subnormals included.
	for (int e = -149; e <= 127; e++) {
		const float p = std::ldexp(1.0f, e);
		for (float f : { p, std::nextafter(p, 0.0f), std::nextafter(p, HUGE_VALF), -p, 3 * p, 10 * p }) {
			if (!std::isfinite(f) || f == 0)
				continue;
			expectSame(f);
			if (HasFatalFailure())
				return;
		}
	}
}

TEST(JsonString, EscapesQuotesAndBackslash)
{
	EXPECT_EQ(jsonString("say \"hi\""), "\"say \\\"hi\\\"\"");
	EXPECT_EQ(jsonString("C:\\dir"), "\"C:\\\\dir\"");
	EXPECT_EQ(parsedString(jsonString("a\"b\\c")), "a\"b\\c");
}

TEST(JsonString, EscapesControlCharacters)
{
	EXPECT_EQ(jsonString("a\nb\tc\r"), "\"a\\nb\\tc\\r\"");
	EXPECT_EQ(jsonString("\b\f"), "\"\\b\\f\"");
	EXPECT_EQ(jsonString(std::string_view("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
	EXPECT_EQ(jsonString(std::string_view("a\0b", 3)), "\"a\\u0000b\"");
	EXPECT_EQ(parsedString(jsonString(std::string_view("x\x02y\n", 4))), std::string("x\x02y\n"));
}

TEST(JsonString, KeepsValidUtf8AsIs)
{
	const std::string celsius = "\xc2\xb0""C";           // °C
	const std::string micro = "\xc2\xb5s";               // µs
	const std::string squared = "m/s\xc2\xb2";           // m/s²
	const std::string euro = "\xe2\x82\xac";             // €, three bytes
	const std::string emoji = "\xf0\x9f\x9a\xb4";        // 🚴, four bytes
	for (const std::string &s : { celsius, micro, squared, euro, emoji }) {
		EXPECT_EQ(jsonString(s), "\"" + s + "\"");
		EXPECT_EQ(parsedString(jsonString(s)), s);
	}
}

TEST(JsonString, ReplacesInvalidBytesWithReplacementCharacter)
{
	const std::string fffd = "\xef\xbf\xbd";
	// A Latin-1 degree sign that was never converted.
	EXPECT_EQ(jsonString("\xb0""C"), "\"" + fffd + "C\"");
	EXPECT_EQ(parsedString(jsonString("\xb0""C")), fffd + "C");
	// A sequence cut short at the end of the string: one replacement for the whole prefix.
	EXPECT_EQ(jsonString("ab\xe2\x82"), "\"ab" + fffd + "\"");
	// A lead byte followed by ASCII: the ASCII survives.
	EXPECT_EQ(jsonString("\xc3x"), "\"" + fffd + "x\"");
	// Overlong '/' (C0 AF) and a stray continuation byte: one replacement per byte.
	EXPECT_EQ(jsonString("\xc0\xaf"), "\"" + fffd + fffd + "\"");
	// A UTF-16 surrogate encoded in UTF-8 is not valid UTF-8.
	EXPECT_EQ(jsonString("\xed\xa0\x80"), "\"" + fffd + fffd + fffd + "\"");
	// Above U+10FFFF.
	EXPECT_EQ(jsonString("\xf4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");
	EXPECT_EQ(jsonString("\xff"), "\"" + fffd + "\"");
}

// Short plain strings (keys, units) are looked at byte by byte without branching, longer ones
// eight bytes at a time: a byte that needs care is found at every place in either, and after it.
TEST(JsonString, SpecialBytesAreFoundAnywhereInAShortOrLongString)
{
	const std::string fffd = "\xef\xbf\xbd";
	const std::pair<std::string, std::string> specials[] = {
		{ "\"", "\\\"" }, { "\\", "\\\\" }, { "\n", "\\n" }, { "\x01", "\\u0001" },
		{ "\x1f", "\\u001f" }, { "\xc2\xb5", "\xc2\xb5" }, { "\xff", fffd }, { "\x7f", "\x7f" },
	};
	for (std::size_t length : { 6, 24, 48 }) {
		for (const auto &[raw, escaped] : specials) {
			for (std::size_t at = 0; at <= length; at++) {
				const std::string text = std::string(at, 'a') + raw + std::string(length - at, 'b');
				EXPECT_EQ(jsonString(text),
					  "\"" + std::string(at, 'a') + escaped + std::string(length - at, 'b') + "\"")
				    << "at " << at << " of " << length;
			}
		}
	}
}

TEST(JsonString, EveryByteProducesParsableJson)
{
	// From 1: json-glib hands strings back NUL-terminated, so \u0000 is checked as text above.
	std::string all;
	for (int c = 1; c < 256; c++)
		all.push_back(static_cast<char>(c));
	const std::string text = jsonString(all);
	ParsedJson doc(text);
	ASSERT_TRUE(doc.ok()) << doc.error();
	const std::string back = json_node_get_string(doc.root());
	// The 127 ASCII characters come back unchanged, each high byte becomes U+FFFD
	// (0x80-0xff never form a valid sequence in this order: C2 is followed by C3, etc.).
	std::string expected = all.substr(0, 127);
	for (int i = 0; i < 128; i++)
		expected += "\xef\xbf\xbd";
	EXPECT_EQ(back, expected);
}

TEST(JsonWriter, CommasAndNesting)
{
	std::string text;
	JsonWriter w(text);
	w.beginObject();
	w.key("a");
	w.integer(1);
	w.key("b");
	w.beginArray();
	w.number(1.5);
	w.integer(-2);
	w.beginArray();
	w.endArray();
	w.beginObject();
	w.endObject();
	w.endArray();
	w.key("c");
	w.beginObject();
	w.key("d");
	w.string("x");
	w.key("e");
	w.boolean(true);
	w.key("f");
	w.boolean(false);
	w.key("g");
	w.null();
	w.endObject();
	w.key("h");
	w.rawValue("[1,2]");
	w.endObject();
	EXPECT_EQ(text, R"({"a":1,"b":[1.5,-2,[],{}],"c":{"d":"x","e":true,"f":false,"g":null},"h":[1,2]})");

	ParsedJson doc(text);
	ASSERT_TRUE(doc.ok()) << doc.error();
	JsonObject *root = json_node_get_object(doc.root());
	EXPECT_EQ(json_object_get_int_member(root, "a"), 1);
	JsonArray *b = json_object_get_array_member(root, "b");
	ASSERT_EQ(json_array_get_length(b), 4u);
	EXPECT_EQ(json_array_get_double_element(b, 0), 1.5);
	EXPECT_EQ(json_array_get_int_element(b, 1), -2);
	JsonObject *c = json_object_get_object_member(root, "c");
	EXPECT_STREQ(json_object_get_string_member(c, "d"), "x");
	EXPECT_TRUE(json_object_get_boolean_member(c, "e"));
	EXPECT_TRUE(json_object_get_null_member(c, "g"));
	EXPECT_EQ(json_array_get_length(json_object_get_array_member(root, "h")), 2u);
}

TEST(JsonWriter, ArraysOfObjectsAndSuccessiveDocuments)
{
	std::string text;
	for (int line = 0; line < 2; line++) {
		JsonWriter w(text);
		w.beginArray();
		for (int i = 0; i < 3; i++) {
			w.beginObject();
			w.key("i");
			w.integer(i + line);
			w.endObject();
		}
		w.endArray();
		text.push_back('\n');
	}
	EXPECT_EQ(text, "[{\"i\":0},{\"i\":1},{\"i\":2}]\n[{\"i\":1},{\"i\":2},{\"i\":3}]\n");
}

TEST(JsonWriter, IntegerExtremes)
{
	std::string text;
	JsonWriter w(text);
	w.beginArray();
	w.integer(std::numeric_limits<std::int64_t>::min());
	w.unsignedInteger(std::numeric_limits<std::uint64_t>::max());
	w.integer(0);
	w.endArray();
	EXPECT_EQ(text, "[-9223372036854775808,18446744073709551615,0]");
}

TEST(JsonWriter, KeysAreEscapedToo)
{
	std::string text;
	JsonWriter w(text);
	w.beginObject();
	w.key("a\"b");
	w.string("\xc2\xb0");
	w.endObject();
	ParsedJson doc(text);
	ASSERT_TRUE(doc.ok()) << doc.error() << " in " << text;
	EXPECT_STREQ(json_object_get_string_member(json_node_get_object(doc.root()), "a\"b"), "\xc2\xb0");
}

// Level k is [k, <level k + 1>, k]; the innermost level is [depth - 1].
std::string nestedArrays(int depth)
{
	std::string text;
	JsonWriter w(text);
	for (int i = 0; i < depth; i++) {
		w.beginArray();
		w.integer(i);
	}
	for (int i = depth - 1; i >= 0; i--) {
		w.endArray();
		if (i > 0)
			w.integer(i - 1);
	}
	return text;
}

TEST(JsonWriter, NestedLevelsKeepTheirOwnCommas)
{
	EXPECT_EQ(nestedArrays(3), "[0,[1,[2],1],0]");

	const std::string deep = nestedArrays(60);
	ParsedJson doc(deep);
	ASSERT_TRUE(doc.ok()) << doc.error() << " in " << deep;
	JsonArray *level = json_node_get_array(doc.root());
	for (int k = 0; k < 59; k++) {
		ASSERT_EQ(json_array_get_length(level), 3u) << "level " << k;
		EXPECT_EQ(json_array_get_int_element(level, 0), k);
		EXPECT_EQ(json_array_get_int_element(level, 2), k);
		level = json_array_get_array_element(level, 1);
	}
	ASSERT_EQ(json_array_get_length(level), 1u);
	EXPECT_EQ(json_array_get_int_element(level, 0), 59);
}

} // namespace
