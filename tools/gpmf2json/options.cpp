// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: the command line.

#include "options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include <getopt.h>

namespace gpmf2json {

namespace {

enum LongOnly {
	kFormat = 256,
	kGpx,
	kKml,
	kCsv,
	kGeoJson,
	kGpsMaxDop,
	kGpsMaxSpeed,
	kStreams,
	kInterval,
	kInfo,
	kLocalTime,
	kMerge,
	kProgress,
	kNoProgress,
	kVersion,
};

constexpr option kLongOptions[] = {
	{ "output", required_argument, nullptr, 'o' },
	{ "binary", no_argument, nullptr, 'b' },
	{ "format", required_argument, nullptr, kFormat },
	{ "gpx", no_argument, nullptr, kGpx },
	{ "kml", no_argument, nullptr, kKml },
	{ "csv", no_argument, nullptr, kCsv },
	{ "geojson", no_argument, nullptr, kGeoJson },
	{ "skip", no_argument, nullptr, 's' },
	{ "gps-max-dop", required_argument, nullptr, kGpsMaxDop },
	{ "gps-max-speed", required_argument, nullptr, kGpsMaxSpeed },
	{ "streams", required_argument, nullptr, kStreams },
	{ "interval", required_argument, nullptr, kInterval },
	{ "verbose", no_argument, nullptr, 'v' },
	{ "info", no_argument, nullptr, kInfo },
	{ "local-time", no_argument, nullptr, kLocalTime },
	{ "jobs", required_argument, nullptr, 'j' },
	{ "merge", no_argument, nullptr, kMerge },
	{ "progress", no_argument, nullptr, kProgress },
	{ "no-progress", no_argument, nullptr, kNoProgress },
	{ "help", no_argument, nullptr, 'h' },
	{ "version", no_argument, nullptr, kVersion },
	{ nullptr, 0, nullptr, 0 },
};

std::optional<double> parseNumber(std::string_view text)
{
	double v = 0;
	const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
	if (res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(v))
		return std::nullopt;
	return v;
}

// FourCCs are 1 to 4 printable ASCII characters; shorter ones are padded with spaces.
bool validFourcc(std::string_view s)
{
	return !s.empty() && s.size() <= 4 &&
	       std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 127 && c != ','; });
}

void addGps(Options &o, Format f)
{
	if (std::find(o.gps.begin(), o.gps.end(), f) == o.gps.end())
		o.gps.push_back(f);
}

CommandLine usageError(CommandLine &cl, std::string message)
{
	cl.action = CommandLine::Action::UsageError;
	cl.error = std::move(message);
	return cl;
}

} // namespace

std::string_view extension(Format format) noexcept
{
	switch (format) {
	case Format::Ndjson: return ".ndjson";
	case Format::Json: return ".json";
	case Format::Gpx: return ".gpx";
	case Format::Kml: return ".kml";
	case Format::Csv: return ".csv";
	case Format::GeoJson: return ".geojson";
	case Format::Info: return ".txt";
	case Format::InfoJson: return ".info.json";
	}
	return "";
}

bool isGps(Format format) noexcept
{
	return format == Format::Gpx || format == Format::Kml || format == Format::Csv || format == Format::GeoJson;
}

std::vector<Format> Options::outputs() const
{
	if (info)
		return { format == Format::Json ? Format::InfoJson : Format::Info };
	std::vector<Format> out;
	if (format)
		out.push_back(*format);
	else if (gps.empty())
		out.push_back(Format::Ndjson);
	out.insert(out.end(), gps.begin(), gps.end());
	return out;
}

// The streams a GPS track is made of (Karma's drone GPS included).
static bool isGpsStream(const std::string &fourcc)
{
	return fourcc == "GPS5" || fourcc == "GPS9" || fourcc == "GPRI";
}

std::vector<gpmf::FourCC> Options::decodeStreams() const
{
	std::vector<std::string> list = streams;
	// GPS files alone need only the GPS streams: the others are then not decoded.
	if (!info && !format && !gps.empty()) {
		if (list.empty())
			list = { "GPS5", "GPS9", "GPRI" };
		else
			std::erase_if(list, [](const std::string &s) { return !isGpsStream(s); });
	}
	std::vector<gpmf::FourCC> keys;
	for (std::string s : list) {
		s.resize(4, ' '); // "GPS" is "GPS "
		if (const auto key = gpmf::FourCC::fromString(s))
			keys.push_back(*key);
	}
	return keys;
}

std::optional<std::uint64_t> parseDuration(std::string_view text)
{
	double scale = 1e9;
	const auto strip = [&text](std::string_view suffix) {
		if (text.size() > suffix.size() && text.ends_with(suffix)) {
			text.remove_suffix(suffix.size());
			return true;
		}
		return false;
	};
	if (strip("ms"))
		scale = 1e6;
	else if (strip("us"))
		scale = 1e3;
	else if (strip("ns"))
		scale = 1;
	else
		strip("s");
	const auto v = parseNumber(text);
	if (!v || *v <= 0 || *v * scale >= 1.8e19)
		return std::nullopt;
	const auto ns = static_cast<std::uint64_t>(std::llround(*v * scale));
	return ns > 0 ? std::optional(ns) : std::nullopt;
}

CommandLine parseCommandLine(int argc, char **argv)
{
	CommandLine cl;
	Options &o = cl.options;
	opterr = 0;
	optind = 1;
	// GNU getopt lets options follow the inputs ("gpmf2json a.MP4 --gpx"). The leading ':'
	// makes a missing value return ':' instead of '?'.
	const char *shortOptions = ":o:bsvj:h";
	for (;;) {
		const int previous = optind;
		const int c = getopt_long(argc, argv, shortOptions, kLongOptions, nullptr);
		if (c == -1)
			break;
		const std::string_view arg = optarg ? optarg : "";
		switch (c) {
		case 'o':
			if (arg.empty())
				return usageError(cl, "-o needs a file or directory name");
			o.output = std::string(arg);
			break;
		case 'b': o.binary = true; break;
		case 's': o.skip = true; break;
		case 'v': o.verbose++; break;
		case 'h': cl.action = CommandLine::Action::Help; return cl;
		case kVersion: cl.action = CommandLine::Action::Version; return cl;
		case kFormat:
			if (arg == "ndjson")
				o.format = Format::Ndjson;
			else if (arg == "json")
				o.format = Format::Json;
			else
				return usageError(cl, "--format takes ndjson or json, not '" + std::string(arg) + "'");
			break;
		case kGpx: addGps(o, Format::Gpx); break;
		case kKml: addGps(o, Format::Kml); break;
		case kCsv: addGps(o, Format::Csv); break;
		case kGeoJson: addGps(o, Format::GeoJson); break;
		case kGpsMaxDop: {
			const auto v = parseNumber(arg);
			if (!v || *v <= 0)
				return usageError(cl, "--gps-max-dop takes a positive number, not '" + std::string(arg) + "'");
			o.maxGpsDop = *v;
			break;
		}
		case kGpsMaxSpeed: {
			const auto v = parseNumber(arg);
			if (!v || *v <= 0)
				return usageError(cl, "--gps-max-speed takes a positive speed in m/s, not '" + std::string(arg) + "'");
			o.maxGpsSpeed = *v;
			break;
		}
		case kStreams: {
			o.streams.clear();
			std::string_view rest = arg;
			while (!rest.empty()) {
				const std::size_t comma = rest.find(',');
				const std::string_view token = rest.substr(0, comma);
				if (!validFourcc(token))
					return usageError(cl, "--streams takes FourCCs such as ACCL,GYRO,GPS5; '" +
								      std::string(token) + "' is not one");
				o.streams.emplace_back(token);
				rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
				if (comma != std::string_view::npos && rest.empty())
					return usageError(cl, "--streams ends with a comma");
			}
			if (o.streams.empty())
				return usageError(cl, "--streams needs at least one FourCC");
			break;
		}
		case kInterval: {
			const auto ns = parseDuration(arg);
			if (!ns)
				return usageError(cl, "--interval takes a duration such as 1, 0.5s, 100ms or 33366666ns, not '" +
							      std::string(arg) + "'");
			o.intervalNs = *ns;
			break;
		}
		case kInfo: o.info = true; break;
		case 'j': {
			unsigned n = 0;
			const auto res = std::from_chars(arg.data(), arg.data() + arg.size(), n);
			if (res.ec != std::errc() || res.ptr != arg.data() + arg.size() || n == 0 || n > 1024)
				return usageError(cl, "-j takes a number of jobs from 1 to 1024, not '" + std::string(arg) + "'");
			o.jobs = n;
			break;
		}
		case kMerge: o.merge = true; break;
		case kLocalTime: o.localTime = true; break;
		case kProgress: o.progress = ProgressMode::Always; break;
		case kNoProgress: o.progress = ProgressMode::Never; break;
		case ':':
			return usageError(cl, std::string("option ") + argv[previous] + " needs a value");
		default: {
			// getopt leaves the culprit in optopt (short) or at argv[optind - 1] (long).
			std::string name = optopt ? std::string("-") + char(optopt) : std::string(argv[optind - 1]);
			if (const auto eq = name.find('='); eq != std::string::npos && name.starts_with("--"))
				name.resize(eq);
			return usageError(cl, "unknown option " + name);
		}
		}
	}
	for (int i = optind; i < argc; i++)
		o.inputs.emplace_back(argv[i]);

	if (o.inputs.empty())
		return usageError(cl, "no input file");
	if (o.info && !o.gps.empty())
		return usageError(cl, "--info writes a report, not a GPS track: leave out --gpx, --kml, --csv and --geojson");
	if (!o.gps.empty() && !o.streams.empty() &&
	    std::none_of(o.streams.begin(), o.streams.end(), isGpsStream))
		return usageError(cl, "--streams leaves out GPS5, GPS9 and GPRI, so a GPS track would be empty");
	return cl;
}

void printUsage(std::FILE *to)
{
	std::fputs(
		"Usage: gpmf2json [OPTION]... INPUT...\n"
		"Decodes the GoPro GPMF telemetry of .MP4, .360 and .LRV files (or raw GPMF dumps) as the\n"
		"gpmfparse GStreamer element does, and writes it as NDJSON, one JSON document, or a GPS track.\n"
		"\n"
		"Output:\n"
		"  -o, --output PATH     where to write: a file when the run writes one output, else a\n"
		"                        directory (made if missing; a PATH ending in / is always one).\n"
		"                        '-' is standard output. Without -o, one output goes to standard\n"
		"                        output, several go next to their inputs\n"
		"      --format FORMAT   ndjson (default: the records, as gpmfparse writes them) or json\n"
		"                        (one document: header, every device and stream, summary)\n"
		"      --gpx, --kml, --csv, --geojson\n"
		"                        write the GPS track (GPS9 where the camera wrote it, else GPS5;\n"
		"                        a Karma drone's GPRI); several may be given, with --format too\n"
		"      --info            devices, streams, rates, HiLights and settings, no samples (text;\n"
		"                        JSON with --format json)\n"
		"      --local-time      beside each UTC time, the camera's local time (ISO 8601 with\n"
		"                        its offset) where it recorded its time zone: \"local\" in the\n"
		"                        records, a column in CSV, a property in GeoJSON, a line in --info\n"
		"\n"
		"Input and filters:\n"
		"  -b, --binary          the inputs are raw GPMF dumps (files starting with DEVC are\n"
		"                        recognised without it)\n"
		"      --merge           join the chapters of one recording (GX01xxxx, GX02xxxx...) into one\n"
		"                        timeline\n"
		"      --streams LIST    only these streams: ACCL,GYRO,GPS5...\n"
		"  -s, --skip            drop GPS samples without a 2D or 3D fix\n"
		"      --gps-max-dop N   drop GPS samples whose dilution of precision is above N\n"
		"      --gps-max-speed V drop GPS points that jump farther than V m/s allows from the\n"
		"                        last point kept (outliers; counted in the summary)\n"
		"      --interval TIME   NDJSON: one record per TIME (1, 0.5s, 100ms, 33366666ns);\n"
		"                        GPS tracks: at most one point per TIME\n"
		"\n"
		"Running:\n"
		"  -j, --jobs N          threads (default: one per core): N inputs at once, or fewer\n"
		"                        inputs sharing them; -j 1 is one thread\n"
		"  -v, --verbose         say what was read and written; -vv also writes the raw gpmd track\n"
		"                        to OUT.bin (OUT: the output without its extension)\n"
		"      --progress, --no-progress\n"
		"                        progress bar on standard error (default: when it is a terminal)\n"
		"  -h, --help            this text\n"
		"      --version         the version\n"
		"\n"
		"Exit status: 0 all inputs decoded; 1 an input failed or lost data (the outputs hold\n"
		"everything decodable); 2 usage error.\n",
		to);
}

} // namespace gpmf2json
