// SPDX-License-Identifier: LGPL-2.1-or-later
// GPMF KLV framing: the 8-byte header (key, type, struct size, repeat) and a checked walk over siblings.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "gpmf/error.h"
#include "gpmf/fourcc.h"

namespace gpmf {

/// Deepest nesting accepted (the reference parser's limit).
inline constexpr int kMaxDepth = 16;
inline constexpr std::size_t kKlvHeaderSize = 8;

namespace detail {
// What a type character is, looked up by its byte: every KLV header and every field of a TYPE is
// checked, and a switch compiles to an indirect jump the branch predictor keeps missing.
struct TypeInfo {
	std::uint8_t size = 0;
	bool defined = false;
	bool text = false;
};
inline constexpr auto kTypeInfo = [] {
	std::array<TypeInfo, 256> t{};
	auto set = [&](const char *types, std::uint8_t size, bool text) {
		for (const char *c = types; *c; c++)
			t[static_cast<unsigned char>(*c)] = TypeInfo{size, true, text};
	};
	set("bB", 1, false);
	set("cu", 1, true);
	set("sS", 2, false);
	set("lLfq", 4, false);
	set("F", 4, true);
	set("djJQ", 8, false);
	set("GU", 16, true);
	set("?#", 0, false);
	t[0] = TypeInfo{0, true, false};
	return t;
}();
} // namespace detail

/// Size in bytes of one element of a basic type character, 0 for nested (type 0),
/// complex ('?') and compressed ('#'), nullopt for characters GPMF does not define.
inline std::optional<std::size_t> typeSize(char type) noexcept
{
	const detail::TypeInfo &info = detail::kTypeInfo[static_cast<unsigned char>(type)];
	if (!info.defined)
		return std::nullopt;
	return info.size;
}

/// True for the types whose elements come out as text (c, u, F, G, U).
inline bool isTextType(char type) noexcept
{
	return detail::kTypeInfo[static_cast<unsigned char>(type)].text;
}

struct Klv {
	FourCC key;
	char type = 0;              ///< type character; 0 for nested KLV
	std::uint8_t structSize = 0;///< bytes per sample
	std::uint16_t repeat = 0;   ///< number of samples
	std::span<const std::uint8_t> data; ///< structSize × repeat bytes, padding excluded
	std::size_t offset = 0;     ///< offset of the header in the walked buffer (see KlvWalker)

	bool isNested() const noexcept { return type == 0; }
};

/// Walks sibling KLVs in a byte span. Stops at the first malformed header and records why;
/// everything before it has been handed out.
class KlvWalker {
public:
	/// base: offset of bytes[0] in the whole input, so diagnostics carry absolute offsets.
	explicit KlvWalker(std::span<const std::uint8_t> bytes, std::size_t base = 0) noexcept
		: bytes_(bytes), base_(base)
	{
	}

	/// The next KLV, or nullopt at the end or on error (then error() is set). A KLV cut short by
	/// the end of the input is still returned, clipped to the whole samples (or, when nested, the
	/// bytes) that are there, with error() set.
	std::optional<Klv> next() noexcept;
	const std::optional<Diagnostic> &error() const noexcept { return error_; }

private:
	std::optional<Klv> nextChecked() noexcept;

	std::span<const std::uint8_t> bytes_;
	std::size_t base_;
	std::size_t pos_ = 0;
	std::optional<Diagnostic> error_;
};

} // namespace gpmf
