// SPDX-License-Identifier: LGPL-2.1-or-later
// FourCC keys, stored as the big-endian 32-bit value of their four ASCII bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gpmf {

class FourCC {
public:
	constexpr FourCC() = default;
	constexpr explicit FourCC(std::uint32_t value) : value_(value) {}
	constexpr FourCC(const char (&s)[5])
		: value_((std::uint32_t(std::uint8_t(s[0])) << 24) | (std::uint32_t(std::uint8_t(s[1])) << 16) |
			 (std::uint32_t(std::uint8_t(s[2])) << 8) | std::uint32_t(std::uint8_t(s[3])))
	{
	}

	/// Parses exactly four characters; nullopt for any other length.
	static std::optional<FourCC> fromString(std::string_view s) noexcept;

	constexpr std::uint32_t value() const noexcept { return value_; }
	constexpr char at(int i) const noexcept { return char((value_ >> (24 - 8 * i)) & 0xff); }
	/// The four characters; bytes outside printable ASCII become '?' so output stays valid text.
	std::string str() const;
	/// True if every byte is printable 7-bit ASCII (what GPMF allows in keys). Inline: every KLV
	/// header is checked.
	constexpr bool isValid() const noexcept
	{
		for (int i = 0; i < 4; i++)
			if (at(i) < 0x20 || at(i) >= 0x7f)
				return false;
		return true;
	}

	friend constexpr bool operator==(FourCC a, FourCC b) noexcept { return a.value_ == b.value_; }
	friend constexpr bool operator<(FourCC a, FourCC b) noexcept { return a.value_ < b.value_; }

private:
	std::uint32_t value_ = 0;
};

} // namespace gpmf
