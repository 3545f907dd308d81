// SPDX-License-Identifier: LGPL-2.1-or-later
// FourCC parsing and printing.
#include "gpmf/fourcc.h"

namespace gpmf {

std::optional<FourCC> FourCC::fromString(std::string_view s) noexcept
{
	if (s.size() != 4)
		return std::nullopt;
	std::uint32_t v = 0;
	for (char c : s)
		v = (v << 8) | std::uint8_t(c);
	return FourCC(v);
}

std::string FourCC::str() const
{
	std::string s(4, ' ');
	for (int i = 0; i < 4; i++) {
		const char c = at(i);
		s[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	return s;
}

} // namespace gpmf
