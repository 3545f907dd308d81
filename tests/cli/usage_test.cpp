// SPDX-License-Identifier: GPL-2.0-or-later
// gpmf2json's command line: help, version, and every kind of bad command line (exit 2, a
// one-line reason, nothing on stdout, no file written).

#include <regex>

#include "cli_support.h"

using namespace gpmf::cli;

TEST(Usage, HelpListsEveryOptionAndExitsZero)
{
	const Result r = run({ "--help" });
	EXPECT_EQ(r.status, 0);
	EXPECT_TRUE(r.err.empty());
	for (const char *option : { "--output", "--format", "--gpx", "--kml", "--csv", "--geojson", "--info", "--binary",
				    "--merge", "--streams", "--skip", "--gps-max-dop", "--interval", "--jobs", "--verbose",
				    "--progress" })
		EXPECT_NE(r.out.find(option), std::string::npos) << option;
	EXPECT_EQ(run({ "-h" }).out, r.out);
}

TEST(Usage, VersionNamesTheTool)
{
	const Result r = run({ "--version" });
	EXPECT_EQ(r.status, 0);
	// "gpmf2json 0.1.0 (GStreamer 1.22.0)": once the word GStreamer, not "GStreamer GStreamer".
	EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(gpmf2json 0\.[0-9]+\.[0-9]+ \(GStreamer [0-9]+\.[0-9]+\.[0-9]+\)\n)")))
		<< r.out;
}

struct BadLine {
	const char *name;
	std::vector<std::string> args;
	const char *says; ///< part of the message
};

class BadCommandLine : public ::testing::TestWithParam<BadLine>
{
};

// The inputs need not exist: the command line is refused before any file is opened.
TEST_P(BadCommandLine, ExitsTwoWithAReason)
{
	TempDir dir;
	std::vector<std::string> args = GetParam().args;
	for (auto &a : args)
		if (a.starts_with("@existing"))
			a = (dir / "existing.ndjson").string() + a.substr(std::string("@existing").size());
	std::ofstream(dir / "existing.ndjson") << "x";
	const Result r = run(args, dir.path());
	EXPECT_EQ(r.status, 2);
	EXPECT_TRUE(r.out.empty()) << r.out;
	EXPECT_EQ(r.err.rfind("gpmf2json: ", 0), 0u) << r.err;
	EXPECT_NE(r.err.find(GetParam().says), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("Try 'gpmf2json --help'"), std::string::npos) << r.err;
	// Nothing was written beside the file the test made.
	EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

INSTANTIATE_TEST_SUITE_P(
	Cli, BadCommandLine,
	::testing::Values(
		BadLine{ "NoInput", {}, "no input file" },
		BadLine{ "OnlyOptions", { "--gpx", "-s" }, "no input file" },
		BadLine{ "UnknownLongOption", { "--frobnicate", "a.mp4" }, "unknown option --frobnicate" },
		BadLine{ "UnknownLongOptionWithValue", { "--colour=red", "a.mp4" }, "unknown option --colour" },
		BadLine{ "UnknownShortOption", { "-x", "a.mp4" }, "unknown option -x" },
		BadLine{ "OutputWithoutValue", { "a.mp4", "-o" }, "needs a value" },
		BadLine{ "StreamsWithoutValue", { "a.mp4", "--streams" }, "needs a value" },
		BadLine{ "FormatXml", { "--format", "xml", "a.mp4" }, "--format takes ndjson or json" },
		BadLine{ "IntervalNotANumber", { "--interval", "soon", "a.mp4" }, "--interval takes a duration" },
		BadLine{ "IntervalZero", { "--interval", "0", "a.mp4" }, "--interval takes a duration" },
		BadLine{ "IntervalNegative", { "--interval=-1s", "a.mp4" }, "--interval takes a duration" },
		BadLine{ "IntervalBadUnit", { "--interval", "5min", "a.mp4" }, "--interval takes a duration" },
		BadLine{ "JobsZero", { "-j", "0", "a.mp4" }, "-j takes a number" },
		BadLine{ "JobsNotANumber", { "-jmany", "a.mp4" }, "-j takes a number" },
		BadLine{ "DopZero", { "--gps-max-dop", "0", "a.mp4" }, "--gps-max-dop takes a positive number" },
		BadLine{ "DopText", { "--gps-max-dop", "low", "a.mp4" }, "--gps-max-dop takes a positive number" },
		BadLine{ "StreamTooLong", { "--streams", "ACCL,GYROSCOPE", "a.mp4" }, "'GYROSCOPE' is not one" },
		BadLine{ "StreamEmpty", { "--streams", "ACCL,,GYRO", "a.mp4" }, "'' is not one" },
		BadLine{ "StreamTrailingComma", { "--streams", "ACCL,", "a.mp4" }, "ends with a comma" },
		BadLine{ "InfoWithGpx", { "--info", "--gpx", "a.mp4" }, "--info writes a report" },
		BadLine{ "GpsWithoutGpsStreams", { "--gpx", "--streams", "ACCL", "a.mp4" }, "leaves out GPS5, GPS9 and GPRI" },
		BadLine{ "StdoutForTwoFormats", { "--gpx", "--kml", "-o", "-", "a.mp4" }, "takes one output" },
		BadLine{ "StdoutForTwoInputs", { "-o", "-", "a.mp4", "b.mp4" }, "takes one output" },
		BadLine{ "FileForTwoInputs", { "-o", "@existing", "a.mp4", "b.mp4" }, "give a directory" },
		BadLine{ "FileGivenAsADirectory", { "-o", "@existing/", "a.mp4" }, "is a file, not a directory" },
		BadLine{ "SameOutputTwice", { "-o", "out", "x/a.mp4", "y/a.mp4" }, "the inputs have the same name" },
		BadLine{ "OutputOverInput", { "-o", "a.mp4", "a.mp4" }, "give -o" },
		BadLine{ "RawTrackOverInput", { "-vv", "-b", "track.bin" }, "raw gpmd track (-vv)" },
		BadLine{ "SameChapterTwice", { "--merge", "GX010042.MP4", "GX010042.MP4" }, "given twice" }),
	[](const ::testing::TestParamInfo<BadLine> &info) { return std::string(info.param.name); });
