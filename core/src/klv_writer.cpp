// SPDX-License-Identifier: LGPL-2.1-or-later
// Writing GPMF KLV: 8-byte headers, big-endian data, zero padding to 32 bits.

#include "gpmf/klv_writer.h"

#include "gpmf/klv.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace gpmf {

namespace {

constexpr std::size_t kMaxRepeat = std::numeric_limits<std::uint16_t>::max();

std::size_t integerSize(char type) noexcept
{
	switch (type) {
	case 'b':
	case 'B':
		return 1;
	case 's':
	case 'S':
		return 2;
	case 'l':
	case 'L':
		return 4;
	case 'j':
	case 'J':
		return 8;
	default:
		return 0;
	}
}

std::size_t floatSize(char type) noexcept
{
	switch (type) {
	case 'f':
	case 'q':
		return 4;
	case 'd':
	case 'Q':
		return 8;
	default:
		return 0;
	}
}

/// Rounds to the nearest integer and saturates, so out-of-range input cannot be undefined.
std::int64_t toFixed(double value, double scale) noexcept
{
	const double v = std::round(value * scale);
	if (std::isnan(v))
		return 0;
	if (v >= 9.2e18)
		return std::numeric_limits<std::int64_t>::max();
	if (v <= -9.2e18)
		return std::numeric_limits<std::int64_t>::min();
	return static_cast<std::int64_t>(v);
}

} // namespace

void appendBe(std::vector<std::uint8_t> &out, std::uint64_t value, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--)
		out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

void KlvWriter::header(FourCC key, char type, std::uint8_t structSize, std::uint16_t repeat)
{
	appendBe(out_, key.value(), 4);
	out_.push_back(static_cast<std::uint8_t>(type));
	out_.push_back(structSize);
	appendBe(out_, repeat, 2);
}

void KlvWriter::pad()
{
	while (out_.size() % 4)
		out_.push_back(0);
}

void KlvWriter::begin(FourCC key)
{
	open_.push_back(out_.size());
	header(key, 0, 1, 0);
}

void KlvWriter::end()
{
	if (open_.empty())
		return;

	const std::size_t at = open_.back();
	open_.pop_back();
	const std::size_t length = out_.size() - at - kKlvHeaderSize;

	/*
	 * GoPro writes nests as struct size 1 × repeat = byte length. Bodies are 32-bit aligned, so
	 * longer ones fit as a multiple of 4 bytes; past that, the smallest aligned size that fits.
	 */
	std::size_t structSize = 0;
	for (std::size_t size : {std::size_t(1), std::size_t(4)}) {
		if (length % size == 0 && length / size <= kMaxRepeat) {
			structSize = size;
			break;
		}
	}
	for (std::size_t size = 8; !structSize && size <= 252; size += 4) {
		if (length % size == 0 && length / size <= kMaxRepeat)
			structSize = size;
	}
	/* Over 16 MB cannot be expressed: leave an empty nest rather than a lying header. */
	const std::size_t repeat = structSize ? length / structSize : 0;

	out_[at + 5] = static_cast<std::uint8_t>(structSize ? structSize : 1);
	out_[at + 6] = static_cast<std::uint8_t>(repeat >> 8);
	out_[at + 7] = static_cast<std::uint8_t>(repeat);
}

void KlvWriter::raw(FourCC key, char type, std::uint8_t structSize, std::uint16_t repeat,
		    std::span<const std::uint8_t> data)
{
	header(key, type, structSize, repeat);
	/* The header is the contract: copy what fits and zero-fill the rest. */
	const std::size_t length = std::size_t(structSize) * repeat;
	const std::size_t copied = std::min(length, data.size());
	out_.insert(out_.end(), data.begin(), data.begin() + copied);
	out_.resize(out_.size() + (length - copied), 0);
	pad();
}

void KlvWriter::string(FourCC key, std::string_view text)
{
	/* Bytes go out as they are: Latin-1 units such as "m/s\xb2" stay single bytes. */
	text = text.substr(0, kMaxRepeat);
	header(key, 'c', 1, static_cast<std::uint16_t>(text.size()));
	out_.insert(out_.end(), text.begin(), text.end());
	pad();
}

void KlvWriter::strings(FourCC key, std::initializer_list<std::string_view> texts)
{
	std::size_t width = 0;
	for (std::string_view text : texts)
		width = std::max(width, text.size());
	width = std::min<std::size_t>(width, 255);
	const std::size_t count = std::min(texts.size(), kMaxRepeat);

	header(key, 'c', static_cast<std::uint8_t>(width), static_cast<std::uint16_t>(count));
	std::size_t written = 0;
	for (std::string_view text : texts) {
		if (written++ == count)
			break;
		text = text.substr(0, width);
		out_.insert(out_.end(), text.begin(), text.end());
		out_.resize(out_.size() + (width - text.size()), 0);
	}
	pad();
}

void KlvWriter::integers(FourCC key, char type, std::span<const std::int64_t> values, std::size_t perSample)
{
	const std::size_t size = integerSize(type);
	if (!size)
		return;
	perSample = std::max<std::size_t>(perSample, 1);
	if (size * perSample > 255)
		return;

	/* A partial last sample cannot be described by the header: it is dropped. */
	const std::size_t samples = std::min(values.size() / perSample, kMaxRepeat);
	header(key, type, static_cast<std::uint8_t>(size * perSample), static_cast<std::uint16_t>(samples));
	for (std::size_t i = 0; i < samples * perSample; i++)
		appendBe(out_, static_cast<std::uint64_t>(values[i]), static_cast<int>(size));
	pad();
}

void KlvWriter::integers(FourCC key, char type, std::initializer_list<std::int64_t> values,
			 std::size_t perSample)
{
	integers(key, type, std::span<const std::int64_t>(values.begin(), values.size()), perSample);
}

void KlvWriter::floats(FourCC key, char type, std::span<const double> values, std::size_t perSample)
{
	const std::size_t size = floatSize(type);
	if (!size)
		return;
	perSample = std::max<std::size_t>(perSample, 1);
	if (size * perSample > 255)
		return;

	const std::size_t samples = std::min(values.size() / perSample, kMaxRepeat);
	header(key, type, static_cast<std::uint8_t>(size * perSample), static_cast<std::uint16_t>(samples));
	for (std::size_t i = 0; i < samples * perSample; i++) {
		const double v = values[i];
		switch (type) {
		case 'f':
			appendBe(out_, std::bit_cast<std::uint32_t>(static_cast<float>(v)), 4);
			break;
		case 'd':
			appendBe(out_, std::bit_cast<std::uint64_t>(v), 8);
			break;
		case 'q': /* Q15.16, saturated to its 32 bits */
			appendBe(out_,
				 static_cast<std::uint64_t>(std::clamp<std::int64_t>(
					 toFixed(v, 65536.0), std::numeric_limits<std::int32_t>::min(),
					 std::numeric_limits<std::int32_t>::max())),
				 4);
			break;
		case 'Q': /* Q31.32 */
			appendBe(out_, static_cast<std::uint64_t>(toFixed(v, 4294967296.0)), 8);
			break;
		}
	}
	pad();
}

void KlvWriter::floats(FourCC key, char type, std::initializer_list<double> values, std::size_t perSample)
{
	floats(key, type, std::span<const double>(values.begin(), values.size()), perSample);
}

void KlvWriter::fourccs(FourCC key, std::initializer_list<FourCC> values)
{
	const std::size_t count = std::min(values.size(), kMaxRepeat);
	header(key, 'F', 4, static_cast<std::uint16_t>(count));
	std::size_t written = 0;
	for (FourCC value : values) {
		if (written++ == count)
			break;
		appendBe(out_, value.value(), 4);
	}
	pad();
}

} // namespace gpmf
