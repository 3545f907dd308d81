// SPDX-License-Identifier: LGPL-2.1-or-later
// Bounds-checked big-endian reads.
#include "gpmf/byte_reader.h"

namespace gpmf {

bool ByteReader::readU8(std::uint8_t &out) noexcept
{
	if (remaining() < 1)
		return false;
	out = bytes_[pos_++];
	return true;
}

bool ByteReader::readBe16(std::uint16_t &out) noexcept
{
	if (remaining() < 2)
		return false;
	out = loadBe16(bytes_.data() + pos_);
	pos_ += 2;
	return true;
}

bool ByteReader::readBe32(std::uint32_t &out) noexcept
{
	if (remaining() < 4)
		return false;
	out = loadBe32(bytes_.data() + pos_);
	pos_ += 4;
	return true;
}

bool ByteReader::readBe64(std::uint64_t &out) noexcept
{
	if (remaining() < 8)
		return false;
	out = loadBe64(bytes_.data() + pos_);
	pos_ += 8;
	return true;
}

bool ByteReader::skip(std::size_t n) noexcept
{
	if (remaining() < n)
		return false;
	pos_ += n;
	return true;
}

std::optional<std::span<const std::uint8_t>> ByteReader::take(std::size_t n) noexcept
{
	if (remaining() < n)
		return std::nullopt;
	auto out = bytes_.subspan(pos_, n);
	pos_ += n;
	return out;
}

} // namespace gpmf
