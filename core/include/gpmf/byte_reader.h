// SPDX-License-Identifier: LGPL-2.1-or-later
// The only place that touches raw input bytes: bounds-checked big-endian reads over a span.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace gpmf {

class ByteReader {
public:
	explicit ByteReader(std::span<const std::uint8_t> bytes) noexcept : bytes_(bytes) {}

	std::size_t offset() const noexcept { return pos_; }
	std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
	bool atEnd() const noexcept { return pos_ >= bytes_.size(); }

	// Each read returns false (and does not move) when fewer bytes remain than it needs. Inline:
	// every KLV header and MP4 box goes through them.
	bool readU8(std::uint8_t &out) noexcept;
	bool readBe16(std::uint16_t &out) noexcept;
	bool readBe32(std::uint32_t &out) noexcept;
	bool readBe64(std::uint64_t &out) noexcept;
	bool skip(std::size_t n) noexcept;
	/// Hands out the next n bytes and advances; nullopt (and no move) when short.
	std::optional<std::span<const std::uint8_t>> take(std::size_t n) noexcept;

private:
	std::span<const std::uint8_t> bytes_;
	std::size_t pos_ = 0;
};

// Loads from a span the caller has already checked to be long enough.
inline std::uint16_t loadBe16(const std::uint8_t *p) noexcept { return std::uint16_t((p[0] << 8) | p[1]); }
inline std::uint32_t loadBe32(const std::uint8_t *p) noexcept
{
	return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}
inline std::uint64_t loadBe64(const std::uint8_t *p) noexcept
{
	return (std::uint64_t(loadBe32(p)) << 32) | loadBe32(p + 4);
}

inline bool ByteReader::readU8(std::uint8_t &out) noexcept
{
	if (remaining() < 1)
		return false;
	out = bytes_[pos_++];
	return true;
}

inline bool ByteReader::readBe16(std::uint16_t &out) noexcept
{
	if (remaining() < 2)
		return false;
	out = loadBe16(bytes_.data() + pos_);
	pos_ += 2;
	return true;
}

inline bool ByteReader::readBe32(std::uint32_t &out) noexcept
{
	if (remaining() < 4)
		return false;
	out = loadBe32(bytes_.data() + pos_);
	pos_ += 4;
	return true;
}

inline bool ByteReader::readBe64(std::uint64_t &out) noexcept
{
	if (remaining() < 8)
		return false;
	out = loadBe64(bytes_.data() + pos_);
	pos_ += 8;
	return true;
}

inline bool ByteReader::skip(std::size_t n) noexcept
{
	if (remaining() < n)
		return false;
	pos_ += n;
	return true;
}

inline std::optional<std::span<const std::uint8_t>> ByteReader::take(std::size_t n) noexcept
{
	if (remaining() < n)
		return std::nullopt;
	auto out = bytes_.subspan(pos_, n);
	pos_ += n;
	return out;
}

} // namespace gpmf
