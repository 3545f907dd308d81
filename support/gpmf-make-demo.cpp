// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf-make-demo: writes the synthetic GoPro-like demo recording (see gpmf/demo.h) as an MP4.

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>

#include "support/demo.h"
#include "support/mp4_writer.h"

namespace {

void usage(std::FILE *out)
{
	std::fprintf(
		out,
		"Usage: gpmf-make-demo [--seconds N] [--camera NAME] [--seed N] OUT.mp4\n"
		"Writes a synthetic GoPro-like MP4 with a 'gpmd' telemetry track: a made-up bike ride\n"
		"(GPS, accelerometer, gyroscope, orientation, exposure...) laid out as the named camera\n"
		"writes its GPMF, plus FIRM, GPMF (settings, HiLights) and HMMT udta atoms.\n"
		"The output depends only on the options.\n"
		"  --seconds N    length in seconds (default 60, at most %.0f)\n"
		"  --camera NAME  hero11 (default), hero8, hero7 or hero5\n"
		"  --seed N       noise seed (default 1)\n"
		"  -h, --help     show this help\n",
		gpmf::kMaxDemoSeconds);
}

int usageError(const std::string &message)
{
	std::fprintf(stderr, "gpmf-make-demo: %s\n", message.c_str());
	std::fprintf(stderr, "Try 'gpmf-make-demo --help'.\n");
	return 2;
}

bool isOption(std::string_view arg, std::string_view name)
{
	return arg == name ||
	       (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=');
}

/// The value of an option given as "--name value" or "--name=value".
bool optionValue(int argc, char **argv, int &i, std::string_view name, std::string &value)
{
	const std::string_view arg(argv[i]);
	if (arg == name) {
		if (i + 1 >= argc)
			return false;
		value = argv[++i];
		return true;
	}
	if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=') {
		value = std::string(arg.substr(name.size() + 1));
		return true;
	}
	return false;
}

} // namespace

int main(int argc, char **argv)
{
	gpmf::DemoOptions options;
	std::string outPath;

	for (int i = 1; i < argc; i++) {
		const std::string_view arg(argv[i]);
		std::string value;
		if (arg == "-h" || arg == "--help") {
			usage(stdout);
			return 0;
		}
		if (isOption(arg, "--seconds")) {
			if (!optionValue(argc, argv, i, "--seconds", value))
				return usageError("--seconds needs a number");
			char *end = nullptr;
			const double seconds = std::strtod(value.c_str(), &end);
			if (value.empty() || *end || !std::isfinite(seconds) || seconds <= 0 ||
			    seconds > gpmf::kMaxDemoSeconds)
				return usageError("--seconds must be a number above 0 and at most " +
						  std::to_string(static_cast<int>(gpmf::kMaxDemoSeconds)) +
						  ", not '" + value + "'");
			options.seconds = seconds;
		} else if (isOption(arg, "--camera")) {
			if (!optionValue(argc, argv, i, "--camera", value))
				return usageError("--camera needs a name");
			const auto camera = gpmf::demoCameraFromName(value);
			if (!camera)
				return usageError("unknown camera '" + value +
						  "' (hero11, hero8, hero7 or hero5)");
			options.camera = *camera;
		} else if (isOption(arg, "--seed")) {
			if (!optionValue(argc, argv, i, "--seed", value))
				return usageError("--seed needs a number");
			std::uint64_t seed = 0;
			const auto [ptr, ec] =
				std::from_chars(value.data(), value.data() + value.size(), seed);
			if (value.empty() || ec != std::errc() || ptr != value.data() + value.size())
				return usageError("--seed must be a non-negative integer, not '" + value +
						  "'");
			options.seed = seed;
		} else if (arg.size() > 1 && arg[0] == '-') {
			return usageError("unknown option '" + std::string(arg) + "'");
		} else if (!outPath.empty()) {
			return usageError("only one output file can be given");
		} else {
			outPath = arg;
		}
	}
	if (outPath.empty())
		return usageError("no output file given");

	const std::vector<std::uint8_t> mp4 = gpmf::writeMp4(gpmf::makeDemoRecording(options));

	std::ofstream out(outPath, std::ios::binary | std::ios::trunc);
	if (out)
		out.write(reinterpret_cast<const char *>(mp4.data()),
			  static_cast<std::streamsize>(mp4.size()));
	out.close();
	if (!out) {
		std::fprintf(stderr, "gpmf-make-demo: cannot write '%s': %s\n", outPath.c_str(),
			     std::strerror(errno));
		return 1;
	}
	return 0;
}
