// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: reading the element's NDJSON records in place.

#include "gpmf2json_json.h"

#include <charconv>
#include <cstdint>
#include <string>

namespace gpmf2json::json {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool isBlank(char c) noexcept
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skipBlanks(std::string_view text, std::size_t pos) noexcept
{
	while (pos < text.size() && isBlank(text[pos]))
		pos++;
	return pos;
}

// Length of the string literal at the start of text, quotes included.
std::size_t stringLength(std::string_view text) noexcept
{
	for (std::size_t i = 1; i < text.size(); i++) {
		if (text[i] == '\\')
			i++;
		else if (text[i] == '"')
			return i + 1;
	}
	return npos;
}

int hexDigit(char c) noexcept
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

// The \uXXXX at text[pos] (pos at the 'u'); -1 if malformed.
long readHex4(std::string_view text, std::size_t pos) noexcept
{
	if (pos + 4 >= text.size())
		return -1;
	long v = 0;
	for (std::size_t i = 1; i <= 4; i++) {
		const int d = hexDigit(text[pos + i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

void appendUtf8(std::string &out, std::uint32_t cp)
{
	if (cp < 0x80) {
		out += char(cp);
	} else if (cp < 0x800) {
		out += char(0xc0 | (cp >> 6));
		out += char(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out += char(0xe0 | (cp >> 12));
		out += char(0x80 | ((cp >> 6) & 0x3f));
		out += char(0x80 | (cp & 0x3f));
	} else {
		out += char(0xf0 | (cp >> 18));
		out += char(0x80 | ((cp >> 12) & 0x3f));
		out += char(0x80 | ((cp >> 6) & 0x3f));
		out += char(0x80 | (cp & 0x3f));
	}
}

// Unescapes the string literal `text` (quotes included, already matched).
std::string unescape(std::string_view text)
{
	std::string out;
	out.reserve(text.size());
	const std::size_t end = text.size() - 1;
	for (std::size_t i = 1; i < end; i++) {
		const char c = text[i];
		if (c != '\\') {
			out += c;
			continue;
		}
		if (++i >= end)
			break;
		switch (text[i]) {
		case 'b': out += '\b'; break;
		case 'f': out += '\f'; break;
		case 'n': out += '\n'; break;
		case 'r': out += '\r'; break;
		case 't': out += '\t'; break;
		case 'u': {
			long cp = readHex4(text, i);
			if (cp < 0) {
				out += "\xef\xbf\xbd";
				break;
			}
			i += 4;
			// A high surrogate takes the low one that must follow it.
			if (cp >= 0xd800 && cp <= 0xdbff) {
				const long low = i + 2 < end && text[i + 1] == '\\' && text[i + 2] == 'u'
							 ? readHex4(text, i + 2)
							 : -1;
				if (low >= 0xdc00 && low <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
					i += 6;
				} else {
					cp = 0xfffd;
				}
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				cp = 0xfffd;
			}
			appendUtf8(out, std::uint32_t(cp));
			break;
		}
		default: out += text[i]; break; // \" \\ \/
		}
	}
	return out;
}

} // namespace

std::size_t valueLength(std::string_view text) noexcept
{
	if (text.empty())
		return npos;
	const char c = text.front();
	if (c == '"')
		return stringLength(text);
	if (c == '{' || c == '[') {
		std::size_t depth = 0;
		for (std::size_t i = 0; i < text.size(); i++) {
			switch (text[i]) {
			case '"': {
				const std::size_t n = stringLength(text.substr(i));
				if (n == npos)
					return npos;
				i += n - 1;
				break;
			}
			case '{':
			case '[':
				depth++;
				break;
			case '}':
			case ']':
				if (--depth == 0)
					return i + 1;
				break;
			default:
				break;
			}
		}
		return npos;
	}
	// A number, true, false or null: up to the next delimiter.
	std::size_t i = 0;
	while (i < text.size() && !isBlank(text[i]) && text[i] != ',' && text[i] != ']' && text[i] != '}' &&
	       text[i] != ':')
		i++;
	return i == 0 ? npos : i;
}

Value::Value(std::string_view text)
{
	const std::size_t start = skipBlanks(text, 0);
	const std::size_t n = valueLength(text.substr(start));
	if (n != npos)
		text_ = text.substr(start, n);
}

Value Value::record(std::string_view text) noexcept
{
	while (!text.empty() && isBlank(text.back()))
		text.remove_suffix(1);
	if (text.empty() || text.front() != '{' || text.back() != '}')
		return Value();
	return Value(text, true);
}

bool Value::isNumber() const noexcept
{
	const char c = first();
	return c == '-' || (c >= '0' && c <= '9');
}

bool Value::nextMember(std::size_t &pos, std::string &key, Value &value) const
{
	if (!isObject())
		return false;
	pos = skipBlanks(text_, pos == 0 ? 1 : pos);
	if (pos < text_.size() && text_[pos] == ',')
		pos = skipBlanks(text_, pos + 1);
	if (pos >= text_.size() || text_[pos] != '"')
		return false;
	const std::size_t keyLength = stringLength(text_.substr(pos));
	if (keyLength == npos)
		return false;
	key = unescape(text_.substr(pos, keyLength));
	pos = skipBlanks(text_, pos + keyLength);
	if (pos >= text_.size() || text_[pos] != ':')
		return false;
	pos = skipBlanks(text_, pos + 1);
	const std::size_t n = valueLength(text_.substr(pos));
	if (n == npos)
		return false;
	value = Value(text_.substr(pos, n), true);
	pos += n;
	return true;
}

bool Value::nextElement(std::size_t &pos, Value &value) const
{
	if (!isArray())
		return false;
	pos = skipBlanks(text_, pos == 0 ? 1 : pos);
	if (pos < text_.size() && text_[pos] == ',')
		pos = skipBlanks(text_, pos + 1);
	if (pos >= text_.size() || text_[pos] == ']')
		return false;
	const std::size_t n = valueLength(text_.substr(pos));
	if (n == npos)
		return false;
	value = Value(text_.substr(pos, n), true);
	pos += n;
	return true;
}

Value Value::operator[](std::string_view key) const
{
	std::size_t pos = 0;
	std::string k;
	Value value;
	while (nextMember(pos, k, value))
		if (k == key)
			return value;
	return {};
}

Value Value::at(std::size_t i) const
{
	std::size_t pos = 0;
	Value value;
	for (std::size_t n = 0; nextElement(pos, value); n++)
		if (n == i)
			return value;
	return {};
}

std::size_t Value::size() const
{
	std::size_t n = 0;
	if (isArray())
		forEachElement([&n](const Value &) { n++; });
	else if (isObject())
		forEachMember([&n](std::string_view, const Value &) { n++; });
	return n;
}

double Value::number(double fallback) const noexcept
{
	if (!isNumber())
		return fallback;
	double v = fallback;
	const auto res = std::from_chars(text_.data(), text_.data() + text_.size(), v);
	return res.ec == std::errc() ? v : fallback;
}

std::string Value::string(std::string_view fallback) const
{
	return isString() ? unescape(text_) : std::string(fallback);
}

std::string_view Value::inner() const noexcept
{
	if (!isArray() || text_.size() < 2)
		return {};
	std::string_view in = text_.substr(1, text_.size() - 2);
	while (!in.empty() && isBlank(in.front()))
		in.remove_prefix(1);
	while (!in.empty() && isBlank(in.back()))
		in.remove_suffix(1);
	return in;
}

} // namespace gpmf2json::json
