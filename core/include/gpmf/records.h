// SPDX-License-Identifier: LGPL-2.1-or-later
// The NDJSON contract: "header", "payload" and "summary" records (see README and docs/gpmf.schema.json).
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "gpmf/decoder.h"
#include "gpmf/header.h"
#include "gpmf/model.h"

namespace gpmf {

struct RecordWindow {
	double begin = -std::numeric_limits<double>::infinity(); ///< keep slots with begin <= t < end
	double end = std::numeric_limits<double>::infinity();
	std::int64_t part = -1; ///< index of this piece when a payload is split, -1 when whole
};

/// Each writer appends one JSON object and a '\n' to out.
void writeHeaderRecord(std::string &out, const Header &header);
/// A "payload" record; with a window only the slots inside it, and pts/duration of the window.
void writePayloadRecord(std::string &out, const Payload &payload, const RecordWindow &window = {});
void writeSummaryRecord(std::string &out, const Summary &summary);

/// True if any stream of the payload has a slot inside the window.
bool windowHasSamples(const Payload &payload, const RecordWindow &window);

} // namespace gpmf
