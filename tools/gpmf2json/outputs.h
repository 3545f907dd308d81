// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: the output files made from a session's events (NDJSON, one JSON document, GPS
// tracks, the --info report) and the file they are written to.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpmf/decoder.h"
#include "gpmf/gps.h"
#include "gpmf/header.h"
#include "gpmf/model.h"
#include "options.h"

namespace gpmf2json {

/// A file, standard output, or memory (reports printed later in input order). Write errors
/// throw std::runtime_error with the file name and the reason.
class OutputFile
{
public:
	static std::unique_ptr<OutputFile> create(const std::filesystem::path &path);
	static std::unique_ptr<OutputFile> standardOutput();
	/// Writes into `target`, which must outlive the OutputFile.
	static std::unique_ptr<OutputFile> memory(std::string &target);
	~OutputFile();

	void write(std::string_view data);
	/// Flushes and closes (stdout is only flushed). Throws on a write error.
	void close();

	const std::string &name() const { return name_; }

private:
	OutputFile() = default;
	void fail() const;

	std::FILE *file_ = nullptr;
	bool owned_ = false;
	std::string *memory_ = nullptr;
	std::string name_;
};

/// What every output may need to know about its input.
struct OutputContext {
	std::string inputName; ///< file name shown in reports and as the track name
	/// --local-time: beside each UTC, the camera's local time where it recorded its time zone.
	bool localTime = false;
};


/// One output of a job, fed in stream order with what it asks for; finish() completes the
/// file. All may throw std::runtime_error.
class Output
{
public:
	virtual ~Output() = default;
	/// The session's records (header, payloads, summary), newline included: NDJSON only.
	virtual bool wantsRecords() const { return false; }
	virtual void record(std::string_view) {}
	/// The header, as sent before the first payload.
	virtual void header(const gpmf::Header &) {}
	/// A decoded payload, once.
	virtual void payload(const gpmf::Payload &) {}
	/// A payload's GPS points, by gpmf::GpsTrack's rules: GPS tracks only.
	virtual bool wantsGps() const { return false; }
	virtual void gps(const std::vector<gpmf::GpsPoint> &) {}
	/// `summary` is null when the decoding did not reach the end of its input.
	virtual void finish(const gpmf::Summary *summary) = 0;
	/// Points written, for the GPS tracks (-v).
	virtual std::size_t points() const { return 0; }
};

std::unique_ptr<Output> makeOutput(Format format, std::unique_ptr<OutputFile> file, const OutputContext &context);

/// The first and last sample times of a summary's streams, as its record gives them (NaN when
/// none is known).
std::pair<double, double> timeSpan(const gpmf::Summary &summary);

} // namespace gpmf2json
