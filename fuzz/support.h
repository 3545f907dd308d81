// SPDX-License-Identifier: LGPL-2.1-or-later
// What the fuzz targets check besides crashes: well-formed NDJSON output, the model's
// invariants, and that no single allocation is sized by a hostile field.
#pragma once

#include <cstddef>
#include <string_view>

#include "gpmf/model.h"

namespace gpmf::fuzz {

/// True when `text` is one JSON object (RFC 8259, strict UTF-8) followed by a single '\n'.
bool isJsonRecord(std::string_view text);

/// Aborts, printing the record, unless isJsonRecord(text): libFuzzer then keeps the input
/// as a crash reproducer.
void requireJsonRecord(std::string_view text, const char *what);

/// Aborts unless each stream's values, slots, times and UTC agree in size, and every
/// diagnostic points inside the input.
void requireConsistent(const Payload &payload, std::size_t inputSize);

/// While alive, any single allocation larger than `limit` bytes aborts with a stack trace.
/// Decoding may allocate a fixed factor of the input (a 1-byte sample becomes an 8-byte double,
/// a few JSON characters and a time), never what a KLV header merely claims.
class AllocationBound {
public:
	explicit AllocationBound(std::size_t inputSize);
	~AllocationBound();
	AllocationBound(const AllocationBound &) = delete;
	AllocationBound &operator=(const AllocationBound &) = delete;
};

} // namespace gpmf::fuzz
