// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: the GStreamer pipelines that demux a file's telemetry into a gpmf::Session.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gpmf/session.h"

namespace gpmf2json {

enum class InputKind {
	Mp4, ///< .MP4, .360, .LRV: the gpmd track, through a demuxer
	Raw, ///< a raw GPMF dump (application/x-gpmf)
};

/// Receives what a decoding gives, in stream order, one call at a time (from the pipeline's
/// streaming thread, then from the caller's). May throw: the run then stops and fails with the
/// exception's message.
class TelemetryHandler
{
public:
	virtual ~TelemetryHandler() = default;
	/// A session event, warnings aside (DecodeResult gathers those); `session` sent it.
	virtual void event(gpmf::SessionEvent &event, const gpmf::Session &session) = 0;
	/// The gpmd track's bytes as the demuxer gave them (only asked for when wantTelemetry()).
	virtual void telemetry(std::span<const std::uint8_t> bytes) = 0;
	virtual bool wantTelemetry() const = 0;
};

struct DecodeResult {
	bool failed = false;               ///< the input could not be read to its end
	std::string error;                 ///< why, one line, when failed
	std::vector<std::string> warnings; ///< data that was skipped, one line each
	bool dataLost = false;             ///< corrupt data was skipped
	bool recovered = false;            ///< a truncated MP4 was scanned for payloads
	std::optional<gpmf::Summary> summary; ///< the decoding reached the end of its input
};

/// Registers gpmfdemux statically, so no plugin path is needed. Call once, after gst_init().
bool registerElements();

/// Why a file cannot be read ("No such file or directory"), or "" when it can.
std::string inputError(const std::filesystem::path &file);

/// Whether a file starts with a raw GPMF payload ("DEVC") rather than an MP4 box.
bool looksLikeRawGpmf(const std::filesystem::path &file);

/// Decodes `files` (one file, or the chapters of one recording in order, as one timeline) with
/// one session made with `options`, and hands its events to `handler`. `progress` gets the
/// fraction done about every 200 ms. A truncated MP4 whose index (moov) is missing is scanned
/// for payloads instead.
DecodeResult decodeFiles(const std::vector<std::filesystem::path> &files, InputKind kind,
			 const gpmf::SessionOptions &options, TelemetryHandler &handler,
			 const std::function<void(double)> &progress);

} // namespace gpmf2json
