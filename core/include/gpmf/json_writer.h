// SPDX-License-Identifier: LGPL-2.1-or-later
// A small streaming JSON writer: shortest round-trip numbers, valid UTF-8, no allocation per value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gpmf {

/// Appends JSON text to a std::string. Commas and nesting are tracked for the caller.
/// Non-finite numbers are written as null. Invalid UTF-8 in strings is replaced with U+FFFD.
class JsonWriter {
public:
	explicit JsonWriter(std::string &out) noexcept : out_(out) {}

	void beginObject();
	void endObject();
	void beginArray();
	void endArray();
	void key(std::string_view k);
	void string(std::string_view s);
	void number(double v);
	/// A time in seconds, to the nanosecond: see appendJsonSeconds().
	void seconds(double v);
	void integer(std::int64_t v);
	void unsignedInteger(std::uint64_t v);
	void boolean(bool v);
	void null();
	/// Inserts already valid JSON text as one value.
	void rawValue(std::string_view json);

	std::string &out() noexcept { return out_; }

private:
	void separate();

	std::string &out_;
	// One bit per nesting level: set once the level has a first element. 64 levels is plenty here.
	std::uint64_t hasElement_ = 0;
	int depth_ = 0;
	bool afterKey_ = false;
};

/// Appends a double in shortest round-trip form (integers without ".0", NaN/Inf as null).
void appendJsonNumber(std::string &out, double v);
/// Most decimals appendJsonFixed() writes: a time to the nanosecond takes 9.
inline constexpr int kMaxFixedDecimals = 15;
/// Appends v rounded to `decimals` places (0 to kMaxFixedDecimals) with the trailing zeros of the
/// fraction dropped: 9.799043 with 3 gives "9.799", 0.5 gives "0.5", 12.0 gives "12". Integer
/// arithmetic only, so much faster than the shortest form. Where v * 10^decimals is 2^53 or more,
/// or decimals is out of range, writes appendJsonNumber(v) instead (also for NaN/Inf: null).
void appendJsonFixed(std::string &out, double v, int decimals);
/// Appends a time in seconds to the nanosecond: appendJsonFixed(out, seconds, 9), faster.
void appendJsonSeconds(std::string &out, double seconds);
/// Appends a float in the shortest form that reads back as the same float: 0.1f is "0.1", where
/// the shortest double form of the same value would be "0.10000000149011612".
void appendJsonFloat(std::string &out, float v);
/// Appends a quoted, escaped JSON string.
void appendJsonString(std::string &out, std::string_view s);

namespace detail {
/// Bytes writeJsonNumber() may store at p: it copies whole blocks, past the end of the text it returns.
inline constexpr std::size_t kJsonNumberRoom = 64;
/// Writes v as appendJsonNumber() does and returns the end of the text (for buffered hot loops).
char *writeJsonNumber(char *p, double v) noexcept;
/// appendJsonFixed() and appendJsonFloat() into a buffer of kJsonNumberRoom bytes.
char *writeJsonFixed(char *p, double v, int decimals) noexcept;
char *writeJsonFloat(char *p, float v) noexcept;
char *writeJsonSeconds(char *p, double seconds) noexcept;
} // namespace detail

} // namespace gpmf
