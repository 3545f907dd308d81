// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// One JSON document for a whole recording, assembled from pieces kept as payloads arrive.

#include "gpmf/document_writer.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "gpmf/json_writer.h"
#include "gpmf/records.h"

namespace gpmf {

namespace {

// Output is handed to the caller's write() in pieces of about this size.
constexpr std::size_t kWriteSize = 256 * 1024;

std::string withoutNewline(std::string text)
{
	while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
		text.pop_back();
	return text;
}

} // namespace

PieceStore::Piece MemoryPieceStore::append(std::string_view text)
{
	const Piece piece{text_.size(), text.size()};
	text_ += text;
	return piece;
}

void MemoryPieceStore::read(const Piece &piece, std::string &out)
{
	out.append(text_, std::size_t(piece.offset), std::size_t(piece.size));
}

struct JsonDocumentWriter::State {
	// A payload's metadata goes once to a device or series, which a payload may show twice
	// (two streams with one FourCC): `last` is the payload it came from last.
	struct Series {
		std::string head; ///< "{" and the stream's "fourcc", "name", "units", "fields", "raw"
		std::vector<PieceStore::Piece> metadata, samples;
		std::optional<std::uint64_t> last;
	};
	struct Device {
		std::string id, name; ///< JSON text
		std::vector<PieceStore::Piece> metadata;
		std::optional<std::uint64_t> last;
		std::vector<Series> series;
		std::map<std::string, std::size_t, std::less<>> byFourcc;
	};

	RecordTimes times;

	explicit State(std::unique_ptr<PieceStore> s) : store(s ? std::move(s) : std::make_unique<MemoryPieceStore>()) {}

	Device &device(const gpmf::Device &d)
	{
		std::string id;
		JsonWriter w(id);
		if (!d.idText.empty())
			w.string(d.idText);
		else
			w.unsignedInteger(d.id);
		auto it = byId.find(id);
		if (it != byId.end())
			return devices[it->second];
		byId.emplace(id, devices.size());
		Device &created = devices.emplace_back();
		created.id = std::move(id);
		appendJsonString(created.name, d.name);
		return created;
	}

	Series &series(Device &d, const Stream &stream)
	{
		const std::string fourcc = stream.key.str();
		auto it = d.byFourcc.find(fourcc);
		if (it != d.byFourcc.end())
			return d.series[it->second];
		d.byFourcc.emplace(fourcc, d.series.size());
		Series &s = d.series.emplace_back();
		JsonWriter w(s.head);
		w.beginObject();
		writeStreamHeadMembers(w, stream);
		return s;
	}

	// `{"index":N,"pts":s` and what `members` writes, kept when it wrote something (and, with
	// `last`, when the payload's metadata is not there yet).
	template<typename Members>
	void entry(const Payload &payload, std::vector<PieceStore::Piece> &pieces, Members members,
		   std::optional<std::uint64_t> *last = nullptr)
	{
		if (last) {
			const bool again = *last == payload.index;
			*last = payload.index;
			if (again)
				return;
		}
		scratch.clear();
		JsonWriter w(scratch);
		w.beginObject();
		w.key("index");
		w.unsignedInteger(payload.index);
		w.key("pts");
		w.seconds(payload.pts);
		const std::size_t prefix = scratch.size();
		members(w);
		if (scratch.size() == prefix)
			return;
		w.endObject();
		pieces.push_back(store->append(scratch));
	}

	// `open`, the pieces' text comma separated, and "]".
	void array(std::string_view open, const std::vector<PieceStore::Piece> &pieces)
	{
		put(open);
		for (std::size_t i = 0; i < pieces.size(); i++) {
			if (i)
				out += ',';
			store->read(pieces[i], out);
			if (out.size() >= kWriteSize)
				flush();
		}
		put("]");
	}

	void put(std::string_view text)
	{
		out += text;
		if (out.size() >= kWriteSize)
			flush();
	}

	void flush()
	{
		if (out.empty())
			return;
		(*write)(out);
		out.clear();
	}

	std::unique_ptr<PieceStore> store;
	std::string header; ///< the header record without its newline, empty: none
	std::vector<Device> devices;
	std::map<std::string, std::size_t, std::less<>> byId;
	std::vector<PieceStore::Piece> diagnostics;
	std::vector<std::string> unsupported; ///< JSON strings, first-seen order
	std::string scratch;

	// finish()
	std::string out;
	const std::function<void(std::string_view)> *write = nullptr;
};

JsonDocumentWriter::JsonDocumentWriter(std::unique_ptr<PieceStore> store)
	: state_(std::make_unique<State>(std::move(store)))
{
}

JsonDocumentWriter::~JsonDocumentWriter() = default;

void JsonDocumentWriter::setHeader(const Header &header)
{
	std::string text;
	writeHeaderRecord(text, header);
	state_->header = withoutNewline(std::move(text));
}

void JsonDocumentWriter::setRecordTimes(const RecordTimes &times) { state_->times = times; }

void JsonDocumentWriter::add(const Payload &payload)
{
	State &st = *state_;
	for (const gpmf::Device &dev : payload.devices) {
		State::Device &d = st.device(dev);
		st.entry(payload, d.metadata, [&dev](JsonWriter &w) { writeDeviceMetadataMembers(w, dev); }, &d.last);
		for (const Stream &stream : dev.streams) {
			State::Series &s = st.series(d, stream);
			st.entry(payload, s.metadata, [&stream](JsonWriter &w) { writeStreamMetadataMembers(w, stream); },
				 &s.last);
			st.scratch.clear();
			appendSampleObjects(st.scratch, stream, st.times);
			if (!st.scratch.empty())
				s.samples.push_back(st.store->append(st.scratch));
		}
	}
	for (const Diagnostic &diagnostic : payload.diagnostics)
		st.entry(payload, st.diagnostics, [&diagnostic](JsonWriter &w) { writeDiagnosticMembers(w, diagnostic); });
	for (const std::string &path : payload.unsupported) {
		std::string text;
		appendJsonString(text, path);
		if (std::find(st.unsupported.begin(), st.unsupported.end(), text) == st.unsupported.end())
			st.unsupported.push_back(std::move(text));
	}
}

void JsonDocumentWriter::finish(const Summary *summary, const std::function<void(std::string_view)> &write)
{
	State &st = *state_;
	st.write = &write;
	st.out.clear();
	st.put("{\"header\":");
	st.put(st.header.empty() ? std::string_view("null") : std::string_view(st.header));
	st.put(",\n\"devices\":[");
	for (std::size_t d = 0; d < st.devices.size(); d++) {
		const State::Device &dev = st.devices[d];
		st.put(d ? "]},\n{\"id\":" : "\n{\"id\":");
		st.put(dev.id);
		st.put(",\"name\":");
		st.put(dev.name);
		if (!dev.metadata.empty())
			st.array(",\"metadata\":[", dev.metadata);
		st.put(",\"streams\":[");
		for (std::size_t s = 0; s < dev.series.size(); s++) {
			const State::Series &series = dev.series[s];
			st.put(s ? ",\n" : "\n");
			st.put(series.head);
			st.array(",\"metadata\":[", series.metadata);
			st.array(",\"samples\":[", series.samples);
			st.put("}");
		}
	}
	st.put(st.devices.empty() ? "]" : "]}]");
	if (!st.diagnostics.empty())
		st.array(",\n\"diagnostics\":[", st.diagnostics);
	if (!st.unsupported.empty()) {
		st.put(",\n\"unsupported\":[");
		for (std::size_t i = 0; i < st.unsupported.size(); i++) {
			if (i)
				st.put(",");
			st.put(st.unsupported[i]);
		}
		st.put("]");
	}
	st.put(",\n\"summary\":");
	if (summary) {
		std::string text;
		writeSummaryRecord(text, *summary, st.times);
		st.put(withoutNewline(std::move(text)));
	} else {
		st.put("null");
	}
	st.put("}\n");
	st.flush();
	st.write = nullptr;
}

} // namespace gpmf
