// SPDX-License-Identifier: GPL-2.0-or-later
// Finding the real GoPro samples: GPMF_SAMPLES_DIR (set by meson test), skipped when absent,
// except under CI=true, where a missing sample is a failure.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gpmf::test {

inline std::filesystem::path samplesDir()
{
	const char *dir = std::getenv("GPMF_SAMPLES_DIR");
	return dir ? std::filesystem::path(dir) : std::filesystem::path("../shared/samples");
}

inline bool underCi()
{
	const char *ci = std::getenv("CI");
	return ci && std::string(ci) == "true";
}

inline std::vector<std::uint8_t> readFile(const std::filesystem::path &path)
{
	std::ifstream in(path, std::ios::binary);
	return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

} // namespace gpmf::test

/// Sets `var` to the path of sample `name`, or skips the test (fails under CI) when it is absent.
#define GPMF_REQUIRE_SAMPLE(var, name)                                                               \
	const std::filesystem::path var = ::gpmf::test::samplesDir() / (name);                       \
	do {                                                                                         \
		if (!std::filesystem::exists(var)) {                                                 \
			if (::gpmf::test::underCi())                                                 \
				FAIL() << "sample missing under CI: " << var;                        \
			else                                                                         \
				GTEST_SKIP() << "sample not found: " << var                          \
					     << " (set GPMF_SAMPLES_DIR or -Dsamples_dir)";          \
		}                                                                                    \
	} while (0)
