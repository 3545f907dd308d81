// SPDX-License-Identifier: LGPL-2.1-or-later
// Decoding KLV data into numbers and text, including complex structures described by TYPE.
#include "gpmf/values.h"

#include <algorithm>
#include <cstring>

#include "gpmf/byte_reader.h"

namespace gpmf {

namespace {

bool isValidUtf8(std::string_view s) noexcept
{
	std::size_t i = 0;
	while (i < s.size()) {
		const auto c = std::uint8_t(s[i]);
		std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
		if (len == 0 || i + len > s.size())
			return false;
		for (std::size_t k = 1; k < len; k++)
			if ((std::uint8_t(s[i + k]) & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

// Strings are NUL padded (and sometimes space padded) to their field width.
std::string_view trimText(std::string_view s) noexcept
{
	const auto nul = s.find('\0');
	if (nul != std::string_view::npos)
		s = s.substr(0, nul);
	while (!s.empty() && s.back() == ' ')
		s.remove_suffix(1);
	return s;
}

void assignHex(std::string &out, const std::uint8_t *p, std::size_t n)
{
	static constexpr char kDigits[] = "0123456789abcdef";
	out.resize(n * 2);
	for (std::size_t i = 0; i < n; i++) {
		out[2 * i] = kDigits[p[i] >> 4];
		out[2 * i + 1] = kDigits[p[i] & 0xf];
	}
}

// latin1ToUtf8() into a string whose memory is kept.
void assignUtf8(std::string &out, std::string_view in)
{
	if (isValidUtf8(in)) {
		out.assign(in);
		return;
	}
	out.clear();
	for (char ch : in) {
		const auto c = std::uint8_t(ch);
		if (c < 0x80) {
			out += ch;
		} else {
			out += char(0xc0 | (c >> 6));
			out += char(0x80 | (c & 0x3f));
		}
	}
}

double readNumber(char type, const std::uint8_t *p) noexcept
{
	switch (type) {
	case 'b':
		return double(std::int8_t(p[0]));
	case 'B':
		return double(p[0]);
	case 's':
		return double(std::int16_t(loadBe16(p)));
	case 'S':
		return double(loadBe16(p));
	case 'l':
		return double(std::int32_t(loadBe32(p)));
	case 'L':
		return double(loadBe32(p));
	case 'j':
		return double(std::int64_t(loadBe64(p)));
	case 'J':
		return double(loadBe64(p));
	case 'f': {
		const std::uint32_t bits = loadBe32(p);
		float f;
		std::memcpy(&f, &bits, sizeof f);
		return double(f);
	}
	case 'd': {
		const std::uint64_t bits = loadBe64(p);
		double d;
		std::memcpy(&d, &bits, sizeof d);
		return d;
	}
	case 'q':
		// Q15.16: the 32 bits are a signed fixed-point number with 16 fraction bits.
		return double(std::int32_t(loadBe32(p))) / 65536.0;
	case 'Q':
		return double(std::int64_t(loadBe64(p))) / 4294967296.0;
	default:
		return 0;
	}
}

void readText(std::string &out, const Field &field, const std::uint8_t *p)
{
	switch (field.type) {
	case 'G':
		assignHex(out, p, 16);
		return;
	case 'F':
		assignUtf8(out, trimText(std::string_view(reinterpret_cast<const char *>(p), 4)));
		return;
	default:
		assignUtf8(out, trimText(std::string_view(reinterpret_cast<const char *>(p), field.width)));
	}
}

// Fast path for the bulk of telemetry: every field the same numeric type.
template<typename Load>
void decodeUniform(const std::uint8_t *p, std::size_t count, std::size_t step, double *out, Load load) noexcept
{
	for (std::size_t i = 0; i < count; i++, p += step)
		out[i] = load(p);
}

} // namespace

std::optional<FieldList> parseTypeDescriptor(std::string_view type)
{
	FieldList fields;
	for (std::size_t i = 0; i < type.size(); i++) {
		const char c = type[i];
		if (c == '\0')
			break;
		if (c == '[') {
			// "f[8]" repeats the previous field; "c[16]" widens a string.
			const auto close = type.find(']', i);
			if (close == std::string_view::npos || fields.empty() || close == i + 1)
				return std::nullopt;
			std::size_t n = 0;
			for (std::size_t k = i + 1; k < close; k++) {
				if (type[k] < '0' || type[k] > '9')
					return std::nullopt;
				n = n * 10 + std::size_t(type[k] - '0');
				if (n > 255)
					return std::nullopt; // a sample is at most 255 bytes
			}
			if (n == 0)
				return std::nullopt;
			Field last = fields.back();
			if (last.type == 'c' || last.type == 'u') {
				fields.back().width = std::uint16_t(n);
			} else {
				for (std::size_t k = 1; k < n; k++)
					fields.push_back(last);
			}
			i = close;
			continue;
		}
		const auto size = typeSize(c);
		if (!size || *size == 0)
			return std::nullopt;
		fields.push_back(Field{c, std::uint16_t(*size)});
		if (fields.size() > 255)
			return std::nullopt;
	}
	if (fields.empty())
		return std::nullopt;
	return fields;
}

bool Values::isTextField(std::size_t field) const noexcept
{
	return isTextType(fields[field].type);
}

std::string Values::joinedText() const
{
	std::string s;
	joinedTextInto(s);
	return s;
}

void Values::joinedTextInto(std::string &out) const
{
	out.clear();
	for (const auto &t : texts)
		out += t;
}

void Values::setFields(const FieldList &f)
{
	if (f == fields)
		return; // the usual case when a Values is decoded into again: the counts stand
	fields = f;
	std::size_t numeric = 0;
	for (const Field &field : fields)
		numeric += !isTextType(field.type);
	numericFields_ = numeric;
	// All numbers or all text: a field is its own slot, and no table is kept (one allocation
	// less for every one of the hundreds of KLVs in a payload).
	slot_.clear();
	if (numeric == 0 || numeric == fields.size())
		return;
	slot_.resize(fields.size());
	std::size_t n = 0, text = 0;
	for (std::size_t i = 0; i < fields.size(); i++)
		slot_[i] = isTextType(fields[i].type) ? text++ : n++;
}

void Values::setUniformFields(std::size_t count, Field field)
{
	if (fields.size() == count && std::all_of(fields.begin(), fields.end(), [&](const Field &f) { return f == field; }))
		return;
	fields.assign(count, field);
	numericFields_ = isTextType(field.type) ? 0 : count;
	slot_.clear();
}

void Values::append(const Values &other)
{
	numbers.insert(numbers.end(), other.numbers.begin(), other.numbers.end());
	texts.insert(texts.end(), other.texts.begin(), other.texts.end());
	sampleCount += other.sampleCount;
}

std::optional<Diagnostic> decodeValuesInto(Values &v, const Klv &klv, std::string_view complexType)
{
	v.type = klv.type;
	v.sampleCount = 0;
	auto fail = [&](Errc code, std::string detail) {
		v.clearSamples();
		return Diagnostic{code, klv.offset, klv.key.str(), std::move(detail)};
	};

	if (klv.type == '#')
		return fail(Errc::Unsupported, "compressed GPMF data");
	if (klv.type == 0)
		return fail(Errc::BadStructure, "nested KLV has no values");
	if (klv.structSize == 0) {
		v.clearSamples();
		v.setFields({Field{klv.type, 0}});
		return std::nullopt; // no samples; keeps the stream with an empty list
	}

	if (klv.type == '?') {
		auto parsed = parseTypeDescriptor(complexType);
		if (!parsed)
			return fail(complexType.empty() ? Errc::BadStructure : Errc::BadType,
				    complexType.empty() ? "complex data without TYPE"
							: "malformed TYPE \"" + std::string(complexType) + "\"");
		std::size_t width = 0;
		for (const auto &f : *parsed)
			width += f.width;
		if (width != klv.structSize)
			return fail(Errc::BadSize, "TYPE \"" + std::string(complexType) + "\" is " + std::to_string(width) +
							   " bytes, struct size is " + std::to_string(klv.structSize));
		v.setFields(*parsed);
	} else if (klv.type == 'c' || klv.type == 'u') {
		// Struct size 1: one string of `repeat` characters; otherwise `repeat` fixed-width strings.
		if (klv.structSize == 1) {
			v.setUniformFields(1, Field{'c', std::uint16_t(klv.repeat)});
			v.numbers.clear();
			v.sampleCount = klv.repeat ? 1 : 0;
			v.texts.resize(v.sampleCount);
			if (klv.repeat)
				readText(v.texts[0], v.fields[0], klv.data.data());
			return std::nullopt;
		}
		v.setUniformFields(1, Field{'c', klv.structSize});
	} else {
		const std::size_t size = *typeSize(klv.type);
		if (klv.structSize % size != 0)
			return fail(Errc::BadSize, "struct size " + std::to_string(klv.structSize) + " is not a multiple of " +
							   std::to_string(size) + " for type '" + std::string(1, klv.type) + "'");
		v.setUniformFields(klv.structSize / size, Field{klv.type, std::uint16_t(size)});
	}

	v.sampleCount = klv.repeat;
	const std::uint8_t *p = klv.data.data();
	const std::size_t nFields = v.fields.size();

	if (v.textFieldCount() == 0 && klv.type != '?') {
		const std::size_t count = std::size_t{klv.repeat} * nFields;
		const std::size_t step = *typeSize(klv.type);
		v.texts.clear();
		v.numbers.resize(count);
		double *out = v.numbers.data();
		switch (klv.type) {
		case 's':
			decodeUniform(p, count, step, out, [](const std::uint8_t *q) { return double(std::int16_t(loadBe16(q))); });
			break;
		case 'S':
			decodeUniform(p, count, step, out, [](const std::uint8_t *q) { return double(loadBe16(q)); });
			break;
		case 'l':
			decodeUniform(p, count, step, out, [](const std::uint8_t *q) { return double(std::int32_t(loadBe32(q))); });
			break;
		default: {
			const char t = klv.type;
			decodeUniform(p, count, step, out, [t](const std::uint8_t *q) { return readNumber(t, q); });
		}
		}
		return std::nullopt;
	}

	// Sized up front, then filled in place: the strings keep the memory of an earlier payload.
	v.numbers.resize(std::size_t{klv.repeat} * v.numericFieldCount());
	v.texts.resize(std::size_t{klv.repeat} * v.textFieldCount());
	double *number = v.numbers.data();
	std::string *text = v.texts.data();
	for (std::size_t s = 0; s < klv.repeat; s++) {
		for (const auto &f : v.fields) {
			if (isTextType(f.type))
				readText(*text++, f, p);
			else
				*number++ = readNumber(f.type, p);
			p += f.width;
		}
	}
	return std::nullopt;
}

DecodedValues decodeValues(const Klv &klv, std::string_view complexType)
{
	DecodedValues result;
	result.error = decodeValuesInto(result.values, klv, complexType);
	return result;
}

std::string latin1ToUtf8(std::string_view in)
{
	std::string out;
	assignUtf8(out, in);
	return out;
}

} // namespace gpmf
