// SPDX-License-Identifier: LGPL-2.1-or-later
// Writing GPMF KLV: used to build test payloads and the demo recording.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "gpmf/fourcc.h"

namespace gpmf {

/// Builds GPMF bytes. Nested KLVs are opened with begin() and closed with end(); their
/// headers are patched with the final size. Every KLV is padded to 32 bits as the spec says.
class KlvWriter {
public:
	/// Opens a nested KLV (type 0).
	void begin(FourCC key);
	void end();

	/// A KLV with raw, already big-endian data of structSize × repeat bytes.
	void raw(FourCC key, char type, std::uint8_t structSize, std::uint16_t repeat,
		 std::span<const std::uint8_t> data);
	/// A 'c' string (struct size 1, repeat = length).
	void string(FourCC key, std::string_view text);
	/// Fixed-width strings (struct size = width, repeat = count), e.g. UNIT "deg","m".
	void strings(FourCC key, std::initializer_list<std::string_view> texts);
	/// Integer values of type b B s S l L j J, `perSample` elements per sample.
	void integers(FourCC key, char type, std::span<const std::int64_t> values, std::size_t perSample = 1);
	void integers(FourCC key, char type, std::initializer_list<std::int64_t> values, std::size_t perSample = 1);
	/// Floating values of type f or d.
	void floats(FourCC key, char type, std::span<const double> values, std::size_t perSample = 1);
	void floats(FourCC key, char type, std::initializer_list<double> values, std::size_t perSample = 1);
	/// FourCC values (type F).
	void fourccs(FourCC key, std::initializer_list<FourCC> values);

	const std::vector<std::uint8_t> &bytes() const noexcept { return out_; }
	std::vector<std::uint8_t> take() { return std::move(out_); }

private:
	void header(FourCC key, char type, std::uint8_t structSize, std::uint16_t repeat);
	void pad();

	std::vector<std::uint8_t> out_;
	std::vector<std::size_t> open_; ///< offsets of open nested headers
};

/// Appends big-endian integers of the given width to a byte vector.
void appendBe(std::vector<std::uint8_t> &out, std::uint64_t value, int bytes);

} // namespace gpmf
