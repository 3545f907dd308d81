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
/// Appends a quoted, escaped JSON string.
void appendJsonString(std::string &out, std::string_view s);

namespace detail {
/// Bytes writeJsonNumber() may store at p: it copies whole blocks, past the end of the text it returns.
inline constexpr std::size_t kJsonNumberRoom = 64;
/// Writes v as appendJsonNumber() does and returns the end of the text (for buffered hot loops).
char *writeJsonNumber(char *p, double v) noexcept;
} // namespace detail

} // namespace gpmf
