// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf-dump: raw GPMF (one payload or a whole gpmd track dump) to NDJSON, with the core alone.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "gpmf/decoder.h"
#include "gpmf/gps_writers.h"
#include "gpmf/records.h"
#include "gpmf/track_splitter.h"

namespace {

void usage(std::FILE *to)
{
	std::fputs("Usage: gpmf-dump [--raw] [--gps FORMAT] FILE...\n"
		   "Decodes raw GPMF (a single payload, or a gpmd track dump as written by\n"
		   "`ffmpeg -i IN.MP4 -map 0:3 -c copy -f data OUT.bin`) and writes NDJSON records\n"
		   "(payload records, then a summary) to standard output. Payloads are split at\n"
		   "top-level DEVC and timed 1 s apart unless STMP says otherwise.\n"
		   "  --raw          keep sensor values unscaled and in sensor axis order\n"
		   "  --gps FORMAT   write the GPS track instead (gpx, kml, csv or geojson)\n",
		   to);
}

bool readFile(const char *path, std::vector<std::uint8_t> &out)
{
	std::ifstream in(path, std::ios::binary);
	if (!in)
		return false;
	out.assign(std::istreambuf_iterator<char>(in), {});
	return !in.bad();
}

} // namespace

int main(int argc, char **argv)
{
	gpmf::DecodeOptions options;
	std::vector<const char *> files;
	std::unique_ptr<gpmf::GpsWriter> gps;
	for (int i = 1; i < argc; i++) {
		if (!std::strcmp(argv[i], "--raw")) {
			options.raw = true;
		} else if (!std::strcmp(argv[i], "--gps") && i + 1 < argc) {
			const std::string format = argv[++i];
			if (format == "gpx")
				gps = gpmf::makeGpsWriter(gpmf::GpsFormat::Gpx);
			else if (format == "kml")
				gps = gpmf::makeGpsWriter(gpmf::GpsFormat::Kml);
			else if (format == "csv")
				gps = gpmf::makeGpsWriter(gpmf::GpsFormat::Csv);
			else if (format == "geojson")
				gps = gpmf::makeGpsWriter(gpmf::GpsFormat::GeoJson);
			else {
				std::fprintf(stderr, "gpmf-dump: unknown GPS format %s\n", format.c_str());
				return 2;
			}
		} else if (!std::strcmp(argv[i], "-h") || !std::strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			std::fprintf(stderr, "gpmf-dump: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		} else {
			files.push_back(argv[i]);
		}
	}
	if (files.empty()) {
		usage(stderr);
		return 2;
	}

	int status = 0;
	std::string line;
	for (const char *file : files) {
		std::vector<std::uint8_t> bytes;
		if (!readFile(file, bytes)) {
			std::fprintf(stderr, "gpmf-dump: %s: %s\n", file, std::strerror(errno));
			status = 1;
			continue;
		}
		const auto split = gpmf::splitRawTrack(bytes);
		if (split.error) {
			std::fprintf(stderr, "gpmf-dump: %s: %s; decoding the %zu payloads before it\n", file,
				     split.error->message().c_str(), split.payloads.size());
			status = 1;
		}
		for (const auto &repair : split.repairs)
			std::fprintf(stderr, "gpmf-dump: %s: %s\n", file, repair.message().c_str());
		const auto times = gpmf::rawTrackTimes(split.payloads);
		gpmf::Decoder decoder(options);
		line.clear();
		if (gps)
			gps->begin(line, file);
		gpmf::Payload payload; // one for all: decodeInto() reuses its memory
		for (std::size_t i = 0; i < split.payloads.size(); i++) {
			decoder.decodeInto(payload, split.payloads[i].bytes, times[i].pts, times[i].duration);
			for (const auto &d : payload.diagnostics)
				std::fprintf(stderr, "gpmf-dump: %s: payload %zu: %s\n", file, i, d.message().c_str());
			if (gps) {
				for (const auto &point : gpmf::gpsPoints(payload))
					gps->add(line, point);
			} else {
				gpmf::writePayloadRecord(line, payload);
			}
			std::fwrite(line.data(), 1, line.size(), stdout);
			line.clear();
		}
		if (gps)
			gps->end(line);
		else
			gpmf::writeSummaryRecord(line, decoder.summary());
		std::fwrite(line.data(), 1, line.size(), stdout);
	}
	return status;
}
