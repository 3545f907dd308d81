// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// Reading a recording for the Python module: an MP4 (.MP4, .360, .LRV) through the library's
// MP4 index (the moov and the gpmd samples only), a raw gpmd dump, a moov-less MP4 scanned as a
// dump, or one payload in memory; all of them through a gpmf::Session. No Python here: these
// run with the GIL released.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "recording.h"

namespace gpmf::python {

/// Decodes the file at `path`. Never throws on bad input: Recording::fatal says why nothing
/// could be decoded, Recording::diagnostics what was lost on the way.
Recording readFile(const std::string &path, const DecodeOptions &options);

/// Decodes one payload covering [pts, pts + duration) (kNoTime: 0 and 1 s).
Recording decodeBytes(std::span<const std::uint8_t> bytes, Nanoseconds pts, Nanoseconds duration,
		      const DecodeOptions &options);

} // namespace gpmf::python
