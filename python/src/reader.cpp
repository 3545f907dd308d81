// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// Files to sessions: MP4 through the library's index, raw dumps and moov-less MP4s as dumps.

#include "reader.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <vector>

#include "gpmf/mp4_index.h"

namespace gpmf::python {

namespace {

// Bytes handed to Session::pushRaw() at a time (a dump, or a moov-less MP4 being scanned).
constexpr std::size_t kRawChunk = std::size_t(1) << 20;
// A gpmd sample is a few kB; one the index says is larger than this is not read.
constexpr std::uint32_t kMaxSampleBytes = std::uint32_t(64) << 20;

class File
{
public:
	explicit File(const std::string &path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC))
	{
		error_ = fd_ < 0 ? errno : 0;
		struct stat st {
		};
		if (fd_ >= 0 && ::fstat(fd_, &st) != 0)
			error_ = errno;
		else if (fd_ >= 0 && S_ISDIR(st.st_mode))
			error_ = EISDIR;
		size_ = std::uint64_t(st.st_size);
	}
	~File()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	File(const File &) = delete;
	File &operator=(const File &) = delete;

	int error() const noexcept { return error_; }
	std::uint64_t size() const noexcept { return size_; }
	std::uint64_t bytesRead() const noexcept { return read_; }
	void uncount(std::size_t n) noexcept { read_ -= n; }

	/// Reads up to out.size() bytes at `offset`; fewer at the end of the file or on an error.
	std::size_t read(std::uint64_t offset, std::span<std::uint8_t> out)
	{
		std::size_t done = 0;
		while (done < out.size()) {
			const ssize_t n =
			    ::pread(fd_, out.data() + done, out.size() - done, off_t(offset + done));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				if (n < 0)
					error_ = errno;
				break;
			}
			done += std::size_t(n);
		}
		read_ += done;
		return done;
	}

private:
	int fd_;
	int error_ = 0;
	std::uint64_t size_ = 0;
	std::uint64_t read_ = 0;
};

std::string diagnosticsText(const std::vector<Diagnostic> &diagnostics)
{
	std::string text;
	for (const Diagnostic &d : diagnostics)
		text += (text.empty() ? "" : "; ") + d.message();
	return text;
}

// The session's end: the header and summary into the recording, and whether it holds anything.
void finish(Session &session, Collector &collector, Recording &out)
{
	session.end();
	collector.finish();
	out.summary = session.summary();
	out.header = session.header();
	for (const Diagnostic &d : out.header.diagnostics)
		out.diagnostics.push_back("header: " + d.message());
	// Nothing decoded cleanly and nothing gave samples: that is an error, not an empty result
	// (filters that leave nothing out of good payloads are not).
	const bool decodedSome = out.summary.payloads > out.summary.corruptPayloads;
	if (out.payloadEvents == 0 && !decodedSome && out.fatal.empty()) {
		out.fatal = out.diagnostics.empty()
				? "no GPMF telemetry found"
				: "no GPMF telemetry could be decoded: " + out.diagnostics.front();
	}
}

void readRaw(File &file, Session &session)
{
	std::vector<std::uint8_t> chunk(kRawChunk);
	for (std::uint64_t offset = 0; offset < file.size();) {
		const std::size_t n = file.read(offset, chunk);
		if (n == 0)
			break;
		if (!session.pushRaw(std::span(chunk.data(), n)))
			return;
		offset += n;
	}
	session.endRaw();
}

// The telemetry track's index problems (those of the video tracks do not matter here).
std::vector<Diagnostic> telemetryDiagnostics(const Mp4Index &index, const Mp4Track &track)
{
	std::vector<Diagnostic> out;
	for (const Diagnostic &d : index.diagnostics) {
		const bool otherTrack = d.path.rfind("moov/trak[", 0) == 0 &&
					d.path.rfind(track.path + "/", 0) != 0 && d.path != track.path;
		if (!otherTrack)
			out.push_back(d);
	}
	return out;
}

void readMp4(File &file, const Mp4Box &moov, Session &session, Collector &collector, Recording &out)
{
	const Mp4ReadFn read = [&file](std::uint64_t offset, std::span<std::uint8_t> bytes) {
		return file.read(offset, bytes);
	};
	Diagnostic why;
	const auto body = readBoxBody(moov, read, std::size_t(256) << 20, &why);
	if (!body) {
		out.fatal = "cannot read the moov index of this file: " + why.message();
		return;
	}
	const Mp4Index index = parseMoov(*body, {moov.bodyOffset(), file.size()});
	const Mp4Track *track = findTelemetryTrack(index);
	if (!track) {
		out.fatal = "no GoPro telemetry (gpmd) track in this file (" +
			    std::to_string(index.tracks.size()) + " tracks:";
		for (const Mp4Track &t : index.tracks)
			out.fatal += " " + t.handlerType.str() + "/" + t.sampleEntry.str();
		out.fatal += ")";
		return;
	}
	for (const Diagnostic &d : telemetryDiagnostics(index, *track))
		out.diagnostics.push_back("MP4 index: " + d.message());

	Header header;
	for (const Mp4UdtaAtom &atom : index.udta)
		addUdtaAtom(header, atom.type, atom.body);
	session.setHeader(std::move(header));

	// Each sample as qtdemux would push it: its bytes, PTS and duration.
	const Mp4Playback plan = planPlayback(index, *track);
	collector.expectPayloads(plan.samples.size());
	std::vector<std::uint8_t> bytes;
	for (const Mp4PlayedSample &played : plan.samples) {
		const Mp4SampleInfo &sample = track->samples[played.sample];
		if (sample.size > kMaxSampleBytes) {
			out.diagnostics.push_back("sample " + std::to_string(played.sample) + " at byte " +
						  std::to_string(sample.offset) + ": " + std::to_string(sample.size) +
						  " bytes, too large for GPMF: left out");
			continue;
		}
		bytes.resize(sample.size);
		const std::size_t n = file.read(sample.offset, bytes);
		if (n < sample.size) {
			out.diagnostics.push_back(
			    "sample " + std::to_string(played.sample) + " at byte " +
			    std::to_string(sample.offset) + " (" + std::to_string(sample.size) + " bytes): " +
			    (file.error() ? std::strerror(file.error()) : "the file ends before it"));
			break;
		}
		if (!session.pushPayload(bytes, played.pts, played.duration))
			break;
	}
}

} // namespace

Recording readFile(const std::string &path, const DecodeOptions &options)
{
	Recording out;
	File file(path);
	if (file.error()) {
		out.osError = file.error();
		out.fatal = std::strerror(file.error());
		return out;
	}
	out.fileSize = file.size();

	std::uint8_t head[8] = {};
	const std::size_t headSize = file.read(0, head);
	file.uncount(headSize); // read again by what follows
	const bool raw = headSize >= 4 && std::memcmp(head, "DEVC", 4) == 0;

	std::optional<Mp4TopLevel> top;
	if (!raw) {
		top = scanTopLevel(file.size(), [&file](std::uint64_t offset, std::span<std::uint8_t> bytes) {
			return file.read(offset, bytes);
		});
		const bool ftyp = !top->boxes.empty() && top->boxes.front().type == FourCC("ftyp");
		if (!top->moov && !ftyp) {
			if (headSize == 0) {
				out.fatal = "the file is empty";
			} else {
				out.fatal = "neither an MP4 file nor raw GPMF (which starts with DEVC)";
				if (!top->diagnostics.empty())
					out.fatal += ": " + diagnosticsText(top->diagnostics);
			}
			out.bytesRead = file.bytesRead();
			return out;
		}
	}

	// A moov-less MP4 (the camera stopped before writing its index): the payloads are in mdat
	// as they were recorded, so the file is scanned as a dump. The video between them is
	// "corrupt GPMF" by design: those warnings are counted, not listed.
	const bool recover = !raw && !top->moov;
	Collector collector(out, recover);
	Session session(sessionOptions(options),
			[&collector](SessionEvent &e) { return collector.handle(e); });
	if (raw) {
		out.source = "raw";
		readRaw(file, session);
	} else if (recover) {
		out.source = "mp4-recovered";
		out.diagnostics.push_back(
		    "truncated MP4: no moov box (the index the camera writes when it stops "
		    "recording); the telemetry was recovered by scanning the media data, with "
		    "estimated times (from the payloads' STMP, or 1 s apart)");
		readRaw(file, session);
	} else {
		out.source = "mp4";
		readMp4(file, *top->moov, session, collector, out);
	}
	if (out.fatal.empty())
		finish(session, collector, out);
	if (recover && !out.fatal.empty())
		out.fatal =
		    "truncated MP4 (no moov box, the index the camera writes when it stops recording), "
		    "and no GPMF payload found in its media data";
	out.bytesRead = file.bytesRead();
	return out;
}

Recording decodeBytes(std::span<const std::uint8_t> bytes, Nanoseconds pts, Nanoseconds duration,
		      const DecodeOptions &options)
{
	Recording out;
	out.source = "bytes";
	out.fileSize = bytes.size();
	out.bytesRead = bytes.size();
	Collector collector(out);
	Session session(sessionOptions(options),
			[&collector](SessionEvent &e) { return collector.handle(e); });
	session.pushPayload(bytes, pts == kNoTime ? 0 : pts, duration);
	finish(session, collector, out);
	return out;
}

} // namespace gpmf::python
