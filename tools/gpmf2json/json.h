// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: reading the element's NDJSON records in place. Values are views into the record
// text, so samples can be copied to the output byte for byte (numbers keep the contract's
// shortest form) without building a tree.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace gpmf2json::json {

/// One JSON value inside a text that outlives it. A default-constructed Value is "absent":
/// lookups on it give absent values, so chains like v["a"]["b"] need no checks in between.
class Value
{
public:
	Value() = default;
	/// The value at the start of `text` (leading blanks skipped); absent if malformed.
	explicit Value(std::string_view text);
	/// A record gpmfparse wrote: one JSON object, then blanks (its "\n"). Taken as it is, not
	/// scanned: a payload record is tens of kB, and most readers want only its "type".
	static Value record(std::string_view text) noexcept;

	bool valid() const noexcept { return !text_.empty(); }
	bool isObject() const noexcept { return first() == '{'; }
	bool isArray() const noexcept { return first() == '['; }
	bool isString() const noexcept { return first() == '"'; }
	bool isNull() const noexcept { return text_ == "null"; }
	bool isNumber() const noexcept;

	/// The value's text, exactly as in the record ("[1,2]", "\"ACCL\"", "0.5").
	std::string_view text() const noexcept { return text_; }

	/// The member `key` of an object; absent when this is not an object or has no such member.
	Value operator[](std::string_view key) const;
	/// Element `i` of an array; absent when out of range.
	Value at(std::size_t i) const;
	/// Number of elements of an array or members of an object.
	std::size_t size() const;

	/// Calls f(key, value) for each member of an object, in order. Keys are unescaped.
	template<typename F>
	void forEachMember(F &&f) const
	{
		std::size_t pos = 0;
		std::string key;
		Value value;
		while (nextMember(pos, key, value))
			f(std::string_view(key), value);
	}

	/// Calls f(value) for each element of an array, in order.
	template<typename F>
	void forEachElement(F &&f) const
	{
		std::size_t pos = 0;
		Value value;
		while (nextElement(pos, value))
			f(value);
	}

	/// The number, or `fallback` for anything else (null stands for NaN in the contract).
	double number(double fallback = std::numeric_limits<double>::quiet_NaN()) const noexcept;
	/// The unescaped string, or `fallback` when this is not a string.
	std::string string(std::string_view fallback = {}) const;
	/// For an array, the text between the brackets (the elements and their commas).
	std::string_view inner() const noexcept;

private:
	explicit Value(std::string_view text, bool) : text_(text) {}
	char first() const noexcept { return text_.empty() ? '\0' : text_.front(); }
	bool nextMember(std::size_t &pos, std::string &key, Value &value) const;
	bool nextElement(std::size_t &pos, Value &value) const;

	std::string_view text_;
};

/// Length of the JSON value at the start of `text` (no leading blanks), or npos when it is
/// malformed or unterminated. Containers are matched by bracket depth, strings by their quotes.
std::size_t valueLength(std::string_view text) noexcept;

} // namespace gpmf2json::json
