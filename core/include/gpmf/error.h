// SPDX-License-Identifier: LGPL-2.1-or-later
// Error values of the core: what went wrong, where in the input, and under which FourCC path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gpmf {

enum class Errc : std::uint8_t {
	Truncated,   ///< a KLV header or its data runs past the end of the input
	BadKey,      ///< a FourCC byte outside printable 7-bit ASCII
	BadType,     ///< a type character that GPMF does not define
	BadSize,     ///< struct size does not fit the type, or a TYPE does not fit the struct size
	TooDeep,     ///< nesting exceeds kMaxDepth
	BadStructure,///< well-formed KLV in a place the format does not allow (e.g. data outside DEVC)
	Unsupported, ///< well-formed but not handled, e.g. '#' compressed payloads
	BadTime,     ///< a time the camera wrote that cannot be right (GPSU garbage, backwards, disagreeing)
};

/// A short, stable English description of an error code.
std::string_view describe(Errc code) noexcept;

/// One problem found while decoding. Decoding goes on after it where it can.
struct Diagnostic {
	Errc code = Errc::BadStructure;
	std::size_t offset = 0; ///< byte offset in the input where the problem starts
	std::string path;       ///< FourCC path such as "DEVC/STRM/GPS5" (may be empty)
	std::string detail;     ///< extra words for humans, may be empty

	/// "truncated data at byte 120 in DEVC/STRM/ACCL: needs 600 bytes, 20 left"
	std::string message() const;
};

} // namespace gpmf
