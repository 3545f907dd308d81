// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: running one job: its pipeline, its outputs, and what is said about it.
#pragma once

#include <cstddef>
#include <string>

#include "options.h"
#include "outputs.h"
#include "plan.h"
#include "progress.h"

namespace gpmf2json {

struct JobResult {
	bool ok = false;                            ///< decoded to the end, nothing lost
	std::string bufferedStdout; ///< with bufferStdout: what goes to standard output
};

/// Decodes the job's inputs into its outputs. Messages go to `reporter` as
/// "FILE: reason"; `index` is the job's slot on the progress bar.
JobResult runJob(const Job &job, const Options &options, bool bufferStdout, Reporter &reporter, std::size_t index,
		 unsigned threads);

} // namespace gpmf2json
