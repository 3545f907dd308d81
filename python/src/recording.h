// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// What the Python module hands out, built in C++ with no Python object in sight (so it is
// built with the GIL released): a recording's streams with their samples concatenated across
// payloads, its GPS track, header, summary and diagnostics.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "gpmf/decoder.h"
#include "gpmf/gps.h"
#include "gpmf/header.h"
#include "gpmf/model.h"
#include "gpmf/session.h"

namespace gpmf::python {

/// One stream (device and FourCC) of the whole recording.
struct StreamData {
	FourCC key;
	std::string name;
	std::vector<std::string> units;
	std::vector<std::string> fields;
	std::vector<Property> sticky; ///< as of the stream's last payload
	std::vector<std::int8_t> precision;
	FieldList layout;	 ///< the fields of a sample (numeric and text)
	bool haveLayout = false; ///< layout comes from a payload with samples
	bool grouped = false;	 ///< several items per time slot (FACE, SCEN, HUES...)
	bool raw = false;

	/// One row per sample (per item for grouped streams): time, numeric fields, text fields.
	std::vector<double> t;
	std::vector<double> values;	///< rows × numeric fields, row-major
	std::vector<std::string> texts; ///< rows × text fields, row-major
	std::vector<double> utc;	///< seconds since 1970 (NaN unknown); empty: never any
	/// Grouped streams: one entry per time slot.
	std::vector<double> slotT;
	std::vector<std::uint32_t> slotSizes;

	std::size_t numericCount() const noexcept;
	std::size_t textCount() const noexcept { return layout.size() - numericCount(); }
	std::size_t rows() const noexcept { return t.size(); }
	/// Every numeric field holds an integer type (b B s S l L j J).
	bool integerFields() const noexcept;
};

struct DeviceData {
	std::uint32_t id = 0;
	std::string idText;
	std::string name;
	std::vector<Property> properties; ///< as of the device's last payload
	std::vector<std::size_t> streams; ///< into Recording::streams, in first-seen order

	std::string idString() const { return idText.empty() ? std::to_string(id) : idText; }
};

/// The GPS track as columns (GpsTrack's choice of GPS9, GPS5 or GPRI per device).
struct GpsColumns {
	std::vector<double> t, utc, lat, lon, alt, speed2d, speed3d, dop;
	std::vector<std::int8_t> fix;
	std::vector<std::array<char, 4>> source; ///< "GPS5", "GPS9", "GPRI"
};

struct Recording {
	std::string source;	     ///< "mp4", "mp4-recovered", "raw" or "bytes"
	std::uint64_t bytesRead = 0; ///< bytes read from the file (moov, samples, or all of a dump)
	std::uint64_t fileSize = 0;
	std::uint64_t payloadEvents = 0; ///< payloads that gave samples
	Header header;
	std::vector<DeviceData> devices;
	std::vector<StreamData> streams;
	GpsColumns gps;
	Summary summary;
	std::vector<std::string> diagnostics;
	std::string fatal; ///< set when nothing could be decoded: the reason (gpmf.Error)
	int osError = 0;   ///< with fatal: the errno of a file that could not be read (OSError)
};

/// Concatenates the decoded payloads of a Session (records off, GPS on) into a Recording.
class Collector
{
public:
	explicit Collector(Recording &out, bool quietWarnings = false) : out_(out), quiet_(quietWarnings) {}
	/// The Session's handler.
	bool handle(SessionEvent &event);
	/// Warnings left out while quiet (a moov-less MP4 scanned as a dump: video is "corrupt").
	std::uint64_t quietened() const noexcept { return quietened_; }
	/// The number of payloads to come, when known (an MP4's index): a stream's columns are
	/// then reserved from its first payload, so they do not grow by copies (pages reserved
	/// and never written cost no memory).
	void expectPayloads(std::size_t payloads) noexcept { expected_ = payloads; }
	/// Ends a recording: diagnostics of what was left out.
	void finish();

private:
	void addPayload(const Payload &payload);
	void addStream(DeviceData &device, const Stream &stream, const Payload &payload);
	void addGps(const std::vector<GpsPoint> &points);
	DeviceData &deviceFor(const Device &device);

	Recording &out_;
	bool quiet_;
	std::uint64_t quietened_ = 0;
	std::size_t expected_ = 0;
	std::size_t seen_ = 0; ///< payloads added
};

/// SessionOptions for the module: decoded payloads and GPS points, no records.
SessionOptions sessionOptions(const DecodeOptions &decode);

} // namespace gpmf::python
