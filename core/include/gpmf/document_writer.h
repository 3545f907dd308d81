// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// One JSON document for a whole recording (gpmf2json --format json): the header, every sample
// of each device and stream in time order, and the summary, from decoded payloads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gpmf/decoder.h"
#include "gpmf/header.h"
#include "gpmf/records.h"
#include "gpmf/model.h"

namespace gpmf {

/// Where a JsonDocumentWriter keeps the pieces of the document (metadata, samples) from add()
/// to finish(). A long recording's pieces may be hundreds of megabytes: a program can keep them
/// in a temporary file instead of memory.
class PieceStore {
public:
	struct Piece {
		std::uint64_t offset = 0;
		std::uint64_t size = 0;
	};
	virtual ~PieceStore() = default;
	/// Keeps `text` and says where it is. May throw (a full disk).
	virtual Piece append(std::string_view text) = 0;
	/// Appends a piece's text to `out`. May throw.
	virtual void read(const Piece &piece, std::string &out) = 0;
};

/// Keeps the pieces in memory.
class MemoryPieceStore final : public PieceStore {
public:
	Piece append(std::string_view text) override;
	void read(const Piece &piece, std::string &out) override;

private:
	std::string text_;
};

/*
 * {"header":<header record>, "devices":[{"id","name",["metadata"],"streams":[{"fourcc","name",
 * "units",["fields"],["raw"],"metadata":[...],"samples":[...]}]}], ["diagnostics"],
 * ["unsupported"], "summary":<summary record>}. Devices and streams come in first-seen order;
 * samples are the payload records' sample objects, byte for byte; "metadata" holds each
 * payload's other stream (or device) members, with the payload's "index" and "pts".
 */
class JsonDocumentWriter {
public:
	/// The writer keeps the pieces in `store` (memory when null).
	explicit JsonDocumentWriter(std::unique_ptr<PieceStore> store = nullptr);
	~JsonDocumentWriter();
	JsonDocumentWriter(const JsonDocumentWriter &) = delete;
	JsonDocumentWriter &operator=(const JsonDocumentWriter &) = delete;

	/// The header, as the session sent it (without one, "header" is null).
	void setHeader(const Header &header);
	/// How the samples and the summary write times, as the session's records do (set before add()).
	void setRecordTimes(const RecordTimes &times);
	/// A decoded payload, once, whatever records it was cut into.
	void add(const Payload &payload);
	/// Writes the document through `write`, a piece at a time. `summary` null: "summary" is null
	/// (the decoding did not reach its end).
	void finish(const Summary *summary, const std::function<void(std::string_view)> &write);

private:
	struct State;
	std::unique_ptr<State> state_;
};

} // namespace gpmf
