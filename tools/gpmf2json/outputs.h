// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: the output files made from the element's records (NDJSON, one JSON document, GPS
// tracks, the --info report) and the file they are written to.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "gpmf2json_json.h"
#include "gpmf2json_options.h"

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
	std::string inputName;       ///< file name shown in reports and as the track name
	std::uint64_t gpsIntervalNs = 0; ///< GPS tracks: at most one point per interval
};

/// One output of a job. record() gets every record of the element in order, parsed once by
/// the caller; finish() completes the file. Both may throw std::runtime_error.
class Output
{
public:
	virtual ~Output() = default;
	virtual void record(std::string_view type, const json::Value &record, std::string_view text) = 0;
	virtual void finish() = 0;
	/// Points written, for the GPS tracks (-v).
	virtual std::size_t points() const { return 0; }
};

std::unique_ptr<Output> makeOutput(Format format, std::unique_ptr<OutputFile> file, const OutputContext &context);

/// "2017-04-17T17:31:03.055Z" (the records' UTC) to seconds since 1970; NaN when malformed.
double parseUtc(std::string_view iso);

} // namespace gpmf2json
