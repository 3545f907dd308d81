// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: the command line.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpmf/fourcc.h"

namespace gpmf2json {

/// What one output file holds.
enum class Format { Ndjson, Json, Gpx, Kml, Csv, GeoJson, Info, InfoJson };

/// File name extension of a format, dot included.
std::string_view extension(Format format) noexcept;
bool isGps(Format format) noexcept;

enum class ProgressMode { Auto, Always, Never };

struct Options {
	std::vector<std::string> inputs;
	std::optional<std::string> output; ///< -o: a file, a directory, or "-" for stdout
	bool binary = false;               ///< -b: the inputs are raw GPMF dumps
	std::optional<Format> format;      ///< --format: Ndjson or Json, when given
	std::vector<Format> gps;           ///< --gpx, --kml, --csv, --geojson, in order, once each
	bool info = false;
	bool skip = false;                 ///< -s: drop GPS samples without a 2D or 3D fix
	double maxGpsDop = 0;              ///< 0: keep all
	double maxGpsSpeed = 0;            ///< m/s; 0: keep all
	std::vector<std::string> streams;  ///< FourCCs, as given
	std::uint64_t intervalNs = 0;
	int verbose = 0;
	unsigned jobs = 0;                 ///< 0: one per core
	bool merge = false;
	bool localTime = false;            ///< --local-time: local times beside UTC (TZON)
	ProgressMode progress = ProgressMode::Auto;

	/// The files written per input (or per merged recording), in a fixed order.
	std::vector<Format> outputs() const;
	/// The streams to decode (gpmf::DecodeOptions::streams) for these options; empty: all.
	std::vector<gpmf::FourCC> decodeStreams() const;
};

struct CommandLine {
	enum class Action { Run, Help, Version, UsageError };
	Action action = Action::Run;
	std::string error; ///< for UsageError: one sentence, without the program name
	Options options;
};

/// Parses argv. Never exits: the caller prints and chooses the exit code.
CommandLine parseCommandLine(int argc, char **argv);

void printUsage(std::FILE *to);

/// Parses a duration: a number of seconds, or a number followed by s, ms, us or ns.
std::optional<std::uint64_t> parseDuration(std::string_view text);

} // namespace gpmf2json
