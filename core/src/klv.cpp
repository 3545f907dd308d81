// SPDX-License-Identifier: LGPL-2.1-or-later
// KLV header parsing and the sibling walk.
#include "gpmf/klv.h"

#include <cstdio>
#include <string>

#include "gpmf/byte_reader.h"

namespace gpmf {

std::optional<Klv> KlvWalker::next() noexcept
{
	if (error_ || pos_ >= bytes_.size())
		return std::nullopt;
	// The usual KLV, whole and well formed, read straight from the bytes; anything else (the
	// end, padding, damage) takes the careful path below.
	const std::size_t left = bytes_.size() - pos_;
	if (left >= kKlvHeaderSize) {
		const std::uint8_t *p = bytes_.data() + pos_;
		const FourCC key(loadBe32(p));
		const std::size_t dataSize = std::size_t{p[5]} * loadBe16(p + 6);
		const std::size_t padded = (dataSize + 3) & ~std::size_t{3};
		if (key.isValid() && detail::kTypeInfo[p[4]].defined && padded <= left - kKlvHeaderSize) {
			Klv klv;
			klv.key = key;
			klv.type = char(p[4]);
			klv.structSize = p[5];
			klv.repeat = loadBe16(p + 6);
			klv.data = bytes_.subspan(pos_ + kKlvHeaderSize, dataSize);
			klv.offset = base_ + pos_;
			pos_ += kKlvHeaderSize + padded;
			return klv;
		}
	}
	return nextChecked();
}

std::optional<Klv> KlvWalker::nextChecked() noexcept
{
	ByteReader reader(bytes_.subspan(pos_));
	const std::size_t at = base_ + pos_;
	std::uint32_t key = 0;
	std::uint8_t type = 0, structSize = 0;
	std::uint16_t repeat = 0;
	if (!reader.readBe32(key) || !reader.readU8(type) || !reader.readU8(structSize) || !reader.readBe16(repeat)) {
		// Zero padding after the last KLV is legal filler, not an error.
		bool allZero = true;
		for (std::size_t i = pos_; i < bytes_.size(); i++)
			allZero = allZero && bytes_[i] == 0;
		if (!allZero)
			error_ = Diagnostic{Errc::Truncated, at, {},
					    std::to_string(bytes_.size() - pos_) + " bytes left, a KLV header needs 8"};
		pos_ = bytes_.size();
		return std::nullopt;
	}

	Klv klv;
	klv.key = FourCC(key);
	klv.type = char(type);
	klv.structSize = structSize;
	klv.repeat = repeat;
	klv.offset = at;

	if (key == 0 && type == 0 && structSize == 0 && repeat == 0) {
		// Zeroes up to the end of the buffer are filler (some writers pad payloads); zeroes
		// followed by anything else are not a key.
		bool allZero = true;
		for (std::size_t i = pos_; i < bytes_.size(); i++)
			allZero = allZero && bytes_[i] == 0;
		if (!allZero)
			error_ = Diagnostic{Errc::BadKey, at, {}, "zero key"};
		pos_ = bytes_.size();
		return std::nullopt;
	}
	if (!klv.key.isValid()) {
		error_ = Diagnostic{Errc::BadKey, at, {}, "key bytes are not printable ASCII"};
		return std::nullopt;
	}
	if (!typeSize(klv.type)) {
		char hex[8];
		std::snprintf(hex, sizeof(hex), "0x%02x", unsigned(type));
		error_ = Diagnostic{Errc::BadType, at, klv.key.str(), std::string("type ") + hex + " is not a GPMF type"};
		return std::nullopt;
	}

	// size × repeat is at most 255 × 65535, so it cannot overflow; padding rounds up to 4.
	const std::size_t dataSize = std::size_t{structSize} * repeat;
	const std::size_t padded = (dataSize + 3) & ~std::size_t{3};
	if (padded > reader.remaining()) {
		// The data itself may still be there with only the padding cut off.
		if (dataSize > reader.remaining()) {
			error_ = Diagnostic{Errc::Truncated, at, klv.key.str(),
					    "needs " + std::to_string(dataSize) + " bytes, " +
						    std::to_string(reader.remaining()) + " left"};
			pos_ = bytes_.size();
			// Hand out what is intact: the whole samples that fit, or a nested KLV's
			// remaining bytes (its own walk reports where its children break off).
			if (klv.isNested()) {
				klv.data = *reader.take(reader.remaining());
				return klv;
			}
			const std::size_t whole = structSize ? reader.remaining() / structSize : 0;
			if (whole == 0)
				return std::nullopt;
			klv.repeat = std::uint16_t(whole);
			klv.data = *reader.take(whole * structSize);
			return klv;
		}
		klv.data = *reader.take(dataSize);
		pos_ = bytes_.size();
		return klv;
	}
	klv.data = *reader.take(dataSize);
	pos_ += kKlvHeaderSize + padded;
	return klv;
}

} // namespace gpmf
