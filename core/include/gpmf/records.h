// SPDX-License-Identifier: LGPL-2.1-or-later
// The NDJSON contract: "header", "payload" and "summary" records (see README and docs/gpmf.schema.json).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "gpmf/decoder.h"
#include "gpmf/header.h"
#include "gpmf/json_writer.h"
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

/*
 * Pieces of the records, byte for byte as the records hold them, for writers that regroup them
 * (the JSON document, gpmf2json's --info). The *Members functions write members into the object
 * `w` is in.
 */
/// A stream's "fourcc", "name", "units", "fields" (when known) and "raw" (when true).
void writeStreamHeadMembers(JsonWriter &w, const Stream &stream);
/// A stream's other members but "samples": "rate" (when known) and its metadata KLVs.
void writeStreamMetadataMembers(JsonWriter &w, const Stream &stream);
/// A device's members but "id", "name" and "streams": its metadata KLVs.
void writeDeviceMetadataMembers(JsonWriter &w, const Device &device);
/// A diagnostic's "code", "offset", "path" and "message".
void writeDiagnosticMembers(JsonWriter &w, const Diagnostic &diagnostic);
/// The summary record's "payloads", "corrupt_payloads" and "streams"; `more` may add members to
/// each stream's object.
void writeSummaryMembers(JsonWriter &w, const Summary &summary,
			 const std::function<void(JsonWriter &, const StreamSummary &)> &more = {});
/// Every sample object of the stream ({"t","v"[,"utc"]}), comma separated: a "samples" array's inside.
void appendSampleObjects(std::string &out, const Stream &stream);
/// Values as a report shows them (gpmf2json --info): the JSON the records hold, but a value that
/// is one string as that string, unquoted. The metadata KLVs writeDeviceMetadataMembers() writes,
/// as key and value:
std::vector<std::pair<std::string, std::string>> deviceMetadataTexts(const Device &device);
/// and the "v" of each sample object of the stream, in order.
std::vector<std::string> sampleTexts(const Stream &stream);
/// A time in seconds as a reader of the records gets it back: rounded to the nanosecond.
double recordedSeconds(double seconds) noexcept;

} // namespace gpmf
