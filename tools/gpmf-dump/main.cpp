// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf-dump: raw GPMF (one payload or a whole gpmd track dump) to NDJSON, with the library alone
// (a gpmf::Session, as every front end).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "gpmf/gps_writers.h"
#include "gpmf/session.h"

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
	std::vector<char> chunk(1 << 20);
	for (const char *file : files) {
		std::ifstream in(file, std::ios::binary);
		if (!in) {
			std::fprintf(stderr, "gpmf-dump: %s: %s\n", file, std::strerror(errno));
			status = 1;
			continue;
		}
		gpmf::SessionOptions sessionOptions;
		sessionOptions.decode = options;
		sessionOptions.header = false;
		sessionOptions.records = !gps;
		sessionOptions.summary = !gps;
		sessionOptions.gps = gps != nullptr;
		line.clear();
		if (gps)
			gps->begin(line, file);
		gpmf::Session session(sessionOptions, [&](gpmf::SessionEvent &event) {
			using Kind = gpmf::SessionEvent::Kind;
			if (event.kind == Kind::Warning) {
				std::fprintf(stderr, "gpmf-dump: %s: %.*s: %.*s\n", file, int(event.message.size()),
					     event.message.data(), int(event.detail.size()), event.detail.data());
				if (event.lost)
					status = 1;
				return true;
			}
			if (event.kind == Kind::Payload && event.part <= 0)
				for (const auto &d : event.payload->diagnostics)
					std::fprintf(stderr, "gpmf-dump: %s: payload %llu: %s\n", file,
						     static_cast<unsigned long long>(event.payload->index), d.message().c_str());
			if (event.gps)
				for (const auto &point : *event.gps)
					gps->add(line, point);
			if (event.json)
				line += *event.json;
			std::fwrite(line.data(), 1, line.size(), stdout);
			line.clear();
			return true;
		});
		while (in) {
			in.read(chunk.data(), std::streamsize(chunk.size()));
			const auto n = std::size_t(in.gcount());
			session.pushRaw({reinterpret_cast<const std::uint8_t *>(chunk.data()), n});
		}
		if (in.bad()) {
			std::fprintf(stderr, "gpmf-dump: %s: %s\n", file, std::strerror(errno));
			status = 1;
		}
		session.endRaw();
		session.end();
		if (gps) {
			gps->end(line);
			std::fwrite(line.data(), 1, line.size(), stdout);
		}
	}
	return status;
}
