// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: the GStreamer pipelines that decode a file with gpmfparse.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gpmf2json {

enum class InputKind {
	Mp4, ///< .MP4, .360, .LRV: the gpmd track, through a demuxer
	Raw, ///< a raw GPMF dump (application/x-gpmf)
};

/// gpmfparse properties.
struct ElementSettings {
	std::string streams;
	std::uint64_t intervalNs = 0;
	int minGpsFix = 0;
	double maxGpsDop = 0;
	/// Threads for this decoding: 1 does everything in the demuxer's streaming thread; more
	/// write records on helpers (gpmfparse "threads") beside it.
	unsigned threads = 1;
};

/// Receives what a pipeline produces. Called from the pipeline's streaming thread, one call at
/// a time. May throw: the run then stops and fails with the exception's message.
class RecordHandler
{
public:
	virtual ~RecordHandler() = default;
	/// One record of gpmfparse, newline included.
	virtual void record(std::string_view json) = 0;
	/// The gpmd track's bytes as they enter gpmfparse (only asked for when wantTelemetry()).
	virtual void telemetry(std::span<const std::uint8_t> bytes) = 0;
	virtual bool wantTelemetry() const = 0;
};

struct DecodeResult {
	bool failed = false;               ///< the input could not be read to its end
	std::string error;                 ///< why, one line, when failed
	std::vector<std::string> warnings; ///< data that was skipped, one line each
	bool dataLost = false;             ///< gpmfparse skipped corrupt data
	bool recovered = false;            ///< a truncated MP4 was scanned for payloads
};

/// Registers gpmfparse and gpmfdemux statically, so no plugin path is needed. Call once, after gst_init().
bool registerElements();

/// Why a file cannot be read ("No such file or directory"), or "" when it can.
std::string inputError(const std::filesystem::path &file);

/// Whether a file starts with a raw GPMF payload ("DEVC") rather than an MP4 box.
bool looksLikeRawGpmf(const std::filesystem::path &file);

/// Decodes `files` (one file, or the chapters of one recording in order, as one timeline) and
/// hands every record to `handler`. `progress` gets the fraction done about every 200 ms.
/// A truncated MP4 whose index (moov) is missing is scanned for payloads instead.
DecodeResult decodeFiles(const std::vector<std::filesystem::path> &files, InputKind kind,
			 const ElementSettings &settings, RecordHandler &handler,
			 const std::function<void(double)> &progress);

} // namespace gpmf2json
