// SPDX-License-Identifier: LGPL-2.1-or-later
// The NDJSON contract: "header", "payload" and "summary" records (see README and docs/gpmf.schema.json).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
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

/// How records write their times.
struct RecordTimes {
	/// The camera's time zone in minutes east of UTC (the header's TZON), when local times are
	/// wanted: each "utc" is then followed by "local", the same instant as local time with its
	/// offset ("2019-05-06T11:15:07.395-07:00"), and "first_utc"/"last_utc" by "first_local"/
	/// "last_local".
	std::optional<int> localTimeMinutes;
};

/// Each writer appends one JSON object and a '\n' to out.
void writeHeaderRecord(std::string &out, const Header &header);
/// A "payload" record; with a window only the slots inside it, and pts/duration of the window.
void writePayloadRecord(std::string &out, const Payload &payload, const RecordWindow &window = {},
			const RecordTimes &times = {});
void writeSummaryRecord(std::string &out, const Summary &summary, const RecordTimes &times = {});

/// True if any stream of the payload has a slot inside the window.
bool windowHasSamples(const Payload &payload, const RecordWindow &window);

namespace detail {
/// One metadata KLV of a stream and its text in a record (",\"SCAL\":418").
struct StickyText {
	Property property;
	std::string text;
	bool valid = false;
};
} // namespace detail

/*
 * The records of many windows of one payload (a record per video frame, gpmfattach), byte for
 * byte as writePayloadRecord() writes them, faster: what every window's record shares (the
 * devices' and streams' names and metadata) is laid out once, and each stream's slots in a
 * window are found by bisection when its times are in order.
 */
class PayloadRecordWriter {
public:
	/// Lays out the shared text of `payload`, which must stay as it is (and where it is) while
	/// write() and hasSamples() are used, until the next reset().
	void reset(const Payload &payload);
	/// writePayloadRecord(out, payload, window) for the payload of the last reset(). Fastest when
	/// each window starts where the one before it ended.
	void write(std::string &out, const RecordWindow &window);
	/// windowHasSamples(payload, window) for the payload of the last reset().
	bool hasSamples(const RecordWindow &window) const;
	/// One record for a window over several payloads on one timeline (a video frame across two
	/// payloads): what writePayloadRecord() writes for the payload that merges them, with
	/// `main`'s index, diagnostics and unsupported paths and the span [pts, pts + duration).
	/// The payloads' devices are matched by id and name, their streams by FourCC and name, in
	/// the order they first come with slots between the window's bounds (found by bisection);
	/// a stream's head (and a device's) is the first such payload's, its samples those of
	/// every payload in turn. False, with nothing written, when a stream's samples differ in
	/// layout from one payload to the next (values, precision or grouping).
	static bool writeMerged(std::string &out, const Payload &main, double pts, double duration,
				std::span<PayloadRecordWriter *const> parts, const RecordWindow &window);

private:
	struct Span {
		std::size_t begin = 0, end = 0; ///< in text_
	};
	struct StreamLayout {
		Span head;		///< the object up to the inside of its "samples" array
		std::size_t ordered = 0; ///< slots with times in order (all the timed ones), or kUnordered
		std::size_t next = 0;	 ///< the first slot after the last window written
	};
	static constexpr std::size_t kUnordered = std::size_t(-1);
	/// The stream's names as JSON members ("fourcc" to "fields"), less the first key: the same
	/// from one payload to the next, so kept from the last reset() per stream (in order) and
	/// written again only when they differ.
	struct Names {
		FourCC key;
		std::string name;
		std::vector<std::string> units, fields;
		std::string text;
	};
	const std::string &namesAfterFourcc(std::size_t k, const Stream &s);

	const Payload *payload_ = nullptr;
	std::string text_;
	std::vector<Span> deviceHeads_;	    ///< each device's object up to the inside of "streams"
	std::vector<StreamLayout> streams_; ///< every device's streams, in order
	std::vector<Names> names_;	    ///< of every stream, in order
	/// The text of each of every stream's metadata KLVs, kept from the last reset() (streams
	/// and KLVs in order) and written again only for the KLVs that differ: TSMP, TICK, TMPC
	/// move from one payload to the next, SCAL, TYPE, ORIN... stay.
	std::vector<std::vector<detail::StickyText>> sticky_;
};

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
			 const std::function<void(JsonWriter &, const StreamSummary &)> &more = {},
			 const RecordTimes &times = {});
/// Every sample object of the stream ({"t","v"[,"utc"[,"local"]]}), comma separated: a "samples"
/// array's inside.
void appendSampleObjects(std::string &out, const Stream &stream, const RecordTimes &times = {});
/// Values as a report shows them (gpmf2json --info): the JSON the records hold, but a value that
/// is one string as that string, unquoted. The metadata KLVs writeDeviceMetadataMembers() writes,
/// as key and value:
std::vector<std::pair<std::string, std::string>> deviceMetadataTexts(const Device &device);
/// and the "v" of each sample object of the stream, in order.
std::vector<std::string> sampleTexts(const Stream &stream);
/// A time in seconds as a reader of the records gets it back: rounded to the nanosecond.
double recordedSeconds(double seconds) noexcept;

} // namespace gpmf
