// SPDX-License-Identifier: LGPL-2.1-or-later
// Descriptions of the core's error codes.
#include "gpmf/error.h"

namespace gpmf {

std::string_view describe(Errc code) noexcept
{
	switch (code) {
	case Errc::Truncated:
		return "truncated data";
	case Errc::BadKey:
		return "invalid FourCC key";
	case Errc::BadType:
		return "unknown type character";
	case Errc::BadSize:
		return "struct size does not fit the type";
	case Errc::TooDeep:
		return "nesting too deep";
	case Errc::BadStructure:
		return "unexpected structure";
	case Errc::Unsupported:
		return "unsupported data";
	case Errc::BadTime:
		return "untrustworthy time";
	}
	return "unknown error";
}

std::string Diagnostic::message() const
{
	std::string text(describe(code));
	text += " at byte ";
	text += std::to_string(offset);
	if (!path.empty()) {
		text += " in ";
		text += path;
	}
	if (!detail.empty()) {
		text += ": ";
		text += detail;
	}
	return text;
}

} // namespace gpmf
