// SPDX-License-Identifier: LGPL-2.1-or-later
// Decoding the data of one KLV into numbers and text, field by field, as its type or TYPE says.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpmf/error.h"
#include "gpmf/field_list.h"
#include "gpmf/klv.h"

namespace gpmf {

/// Parses a TYPE string such as "LLLllfFff" or "f[8]L" into fields; nullopt if malformed.
std::optional<FieldList> parseTypeDescriptor(std::string_view type);

/// The decoded data of a KLV: sampleCount samples, each made of the same fields.
/// Numeric fields go to `numbers`, text fields to `texts`, both sample-major.
struct Values {
	char type = 0;                  ///< the KLV type character ('?' for complex)
	FieldList fields;               ///< one entry per field of a sample
	std::uint32_t sampleCount = 0;
	std::vector<double> numbers;    ///< sampleCount × numericFieldCount()
	std::vector<std::string> texts; ///< sampleCount × textFieldCount(), valid UTF-8

	std::size_t numericFieldCount() const noexcept { return numericFields_; }
	std::size_t textFieldCount() const noexcept { return fields.size() - numericFields_; }
	bool isTextField(std::size_t field) const noexcept;
	/// Index of a field among the numeric (or text) fields of a sample.
	std::size_t slotOf(std::size_t field) const noexcept { return slot_.empty() ? field : slot_[field]; }

	double number(std::size_t sample, std::size_t field) const noexcept
	{
		return numbers[sample * numericFields_ + slotOf(field)];
	}
	const std::string &text(std::size_t sample, std::size_t field) const noexcept
	{
		return texts[sample * (fields.size() - numericFields_) + slotOf(field)];
	}
	/// First numeric value, or fallback when there is none.
	double firstNumber(double fallback = 0) const noexcept { return numbers.empty() ? fallback : numbers[0]; }
	/// All texts joined (for single strings such as STNM or DVNM).
	std::string joinedText() const;
	/// joinedText() into `out`, whose memory is kept (a payload decoded into the one before).
	void joinedTextInto(std::string &out) const;

	/// Sets fields and the numeric/text bookkeeping.
	void setFields(const FieldList &f);
	/// setFields() with `count` copies of one field, without building the list when it is there
	/// already (a Values decoded into again).
	void setUniformFields(std::size_t count, Field field);
	/// Appends all samples of another Values with the same layout.
	void append(const Values &other);
	void clearSamples() noexcept { sampleCount = 0; numbers.clear(); texts.clear(); }

	/// The same samples in the same layout (a NaN is never equal: such values compare unequal).
	friend bool operator==(const Values &, const Values &) = default;

private:
	std::size_t numericFields_ = 0;
	std::vector<std::size_t> slot_; ///< field -> slot; empty when fields are all numbers or all text
};

/// Decodes a KLV's data. `complexType` is the stream's TYPE, used when klv.type is '?'.
/// Strings from 'c' become UTF-8 (Latin-1 bytes are converted; trailing NULs and spaces are trimmed).
/// On a mismatch (e.g. struct size not a multiple of the type size) returns a Diagnostic.
struct DecodedValues {
	Values values;
	std::optional<Diagnostic> error;
};
DecodedValues decodeValues(const Klv &klv, std::string_view complexType = {});
/// decodeValues() into `out`, reusing its memory (the decoder's way: a payload's KLVs have the
/// layout of the one before). Returns the problem, if any; `out` then holds no samples.
std::optional<Diagnostic> decodeValuesInto(Values &out, const Klv &klv, std::string_view complexType = {});

/// Converts Latin-1 (the camera's encoding for °, ², ³, µ) to UTF-8, keeping valid UTF-8 as it is.
std::string latin1ToUtf8(std::string_view in);

} // namespace gpmf
