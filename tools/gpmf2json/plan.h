// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: from the command line to jobs: which inputs are decoded together (--merge), and
// where each output goes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "options.h"
#include "pipeline.h"

namespace gpmf2json {

/// A GoPro file name's recording and chapter: GX010042.MP4 is chapter 1 of recording
/// "GX0042.MP4", GX020042.MP4 chapter 2; HERO5's GOPR0042.MP4 is chapter 0 and GP010042.MP4
/// chapter 1. nullopt for other names.
struct ChapterName {
	std::string recording; ///< prefix, file number and extension, upper case
	int chapter = 0;
};
std::optional<ChapterName> chapterName(const std::string &fileName);

struct Job {
	std::vector<std::filesystem::path> inputs; ///< one file, or chapters in order
	InputKind kind = InputKind::Mp4;
	std::string name;                          ///< the first input, as given: used in messages
	std::vector<std::pair<Format, std::filesystem::path>> outputs; ///< empty path: standard output
	std::filesystem::path rawTrack;            ///< -vv: where the gpmd track goes, else empty
};

struct Plan {
	std::vector<Job> jobs;
	std::optional<std::filesystem::path> makeDirectory; ///< -o DIR to create before running
	bool bufferStandardOutput = false; ///< several --info reports to stdout: printed in input order
	std::vector<std::string> notes;    ///< said on stderr before running (missing chapters)
	std::string usageError;            ///< non-empty: exit 2
};

/// Groups the inputs into jobs and names their outputs (see docs/cli.md, "Where outputs go").
/// `cwd` is where -vv puts the raw track of an output written to standard output.
Plan makePlan(const Options &options, const std::filesystem::path &cwd);

} // namespace gpmf2json
