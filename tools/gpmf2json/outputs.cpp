// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: the output files made from the element's records.

#include "gpmf2json_outputs.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "gpmf/gps.h"
#include "gpmf/gps_writers.h"
#include "gpmf/json_writer.h"

namespace gpmf2json {

using json::Value;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kFlushSize = 256 * 1024;

std::string_view trimNewline(std::string_view text)
{
	while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
		text.remove_suffix(1);
	return text;
}

std::string format(const char *fmt, double v)
{
	char buf[64];
	std::snprintf(buf, sizeof(buf), fmt, v);
	return buf;
}

/* NDJSON: the records as the element wrote them. */

class NdjsonOutput : public Output
{
public:
	explicit NdjsonOutput(std::unique_ptr<OutputFile> file) : file_(std::move(file)) {}
	void record(std::string_view, const Value &, std::string_view text) override { file_->write(text); }
	void finish() override { file_->close(); }

private:
	std::unique_ptr<OutputFile> file_;
};

/*
 * A temporary file that series are appended to in pieces as records arrive, and read back
 * piece by piece when the document is assembled: memory stays bounded by the index of pieces
 * (16 bytes per stream per payload), not by the samples.
 */
class Spool
{
public:
	struct Chunk {
		std::uint64_t offset;
		std::uint64_t size;
	};

	Spool()
	{
		std::error_code ec;
		std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
		if (ec)
			dir = "/tmp";
		std::string pattern = (dir / "gpmf2json-XXXXXX").string();
		fd_ = mkstemp(pattern.data());
		if (fd_ < 0)
			throw std::runtime_error("cannot create a temporary file in " + dir.string() + ": " +
						 std::strerror(errno));
		unlink(pattern.c_str()); // gone from the directory; the space is freed on close
	}
	~Spool()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	Spool(const Spool &) = delete;
	Spool &operator=(const Spool &) = delete;

	Chunk append(std::string_view data)
	{
		const Chunk c{ flushed_ + buffer_.size(), data.size() };
		buffer_ += data;
		if (buffer_.size() >= kFlushSize)
			flush();
		return c;
	}

	void copy(const std::vector<Chunk> &chunks, OutputFile &out)
	{
		flush();
		std::string piece;
		for (std::size_t i = 0; i < chunks.size(); i++) {
			piece.resize(chunks[i].size);
			std::uint64_t done = 0;
			while (done < chunks[i].size) {
				const ssize_t n = pread(fd_, piece.data() + done, chunks[i].size - done,
							off_t(chunks[i].offset + done));
				if (n <= 0)
					throw std::runtime_error(std::string("temporary file: ") +
								 (n < 0 ? std::strerror(errno) : "short read"));
				done += std::uint64_t(n);
			}
			if (i > 0)
				out.write(",");
			out.write(piece);
		}
	}

private:
	void flush()
	{
		std::size_t done = 0;
		while (done < buffer_.size()) {
			const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				throw std::runtime_error(std::string("temporary file: ") + std::strerror(errno));
			done += std::size_t(n);
		}
		flushed_ += buffer_.size();
		buffer_.clear();
	}

	int fd_ = -1;
	std::string buffer_;
	std::uint64_t flushed_ = 0;
};

/*
 * --format json: {"header":..., "devices":[{"id","name",["metadata"],"streams":[{"fourcc",
 * "name","units",["fields"],["raw"],"metadata":[...],"samples":[...]}]}], ["diagnostics"],
 * ["unsupported"], "summary":...}. Samples are the records' sample objects, copied as they are,
 * in time order; "metadata" holds each payload's other stream members (TSMP, SCAL, TMPC, GPSF,
 * rate...) with the payload's index and pts.
 */
class JsonDocumentOutput : public Output
{
public:
	explicit JsonDocumentOutput(std::unique_ptr<OutputFile> file) : file_(std::move(file)) {}

	void record(std::string_view type, const Value &record, std::string_view text) override
	{
		if (type == "header")
			header_ = trimNewline(text);
		else if (type == "summary")
			summary_ = trimNewline(text);
		else if (type == "payload")
			payload(record);
	}

	void finish() override
	{
		OutputFile &out = *file_;
		out.write("{\"header\":");
		out.write(header_.empty() ? std::string_view("null") : std::string_view(header_));
		out.write(",\n\"devices\":[");
		for (std::size_t d = 0; d < devices_.size(); d++) {
			const Device &dev = devices_[d];
			out.write(d ? "]},\n{\"id\":" : "\n{\"id\":");
			out.write(dev.id);
			if (!dev.name.empty()) {
				out.write(",\"name\":");
				out.write(dev.name);
			}
			if (!dev.metadata.empty()) {
				out.write(",\"metadata\":[");
				spool_.copy(dev.metadata, out);
				out.write("]");
			}
			out.write(",\"streams\":[");
			for (std::size_t s = 0; s < dev.series.size(); s++) {
				const Series &series = dev.series[s];
				out.write(s ? ",\n{" : "\n{");
				out.write(series.head);
				out.write(",\"metadata\":[");
				spool_.copy(series.metadata, out);
				out.write("],\"samples\":[");
				spool_.copy(series.samples, out);
				out.write("]}");
			}
		}
		out.write(devices_.empty() ? "]" : "]}]");
		if (!diagnostics_.empty()) {
			out.write(",\n\"diagnostics\":[");
			spool_.copy(diagnostics_, out);
			out.write("]");
		}
		if (!unsupported_.empty()) {
			out.write(",\n\"unsupported\":[");
			for (std::size_t i = 0; i < unsupported_.size(); i++) {
				if (i)
					out.write(",");
				out.write(unsupported_[i]);
			}
			out.write("]");
		}
		out.write(",\n\"summary\":");
		out.write(summary_.empty() ? std::string_view("null") : std::string_view(summary_));
		out.write("}\n");
		out.close();
	}

private:
	struct Series {
		std::string head; ///< "fourcc", "name", "units", "fields", "raw" members, as JSON text
		std::vector<Spool::Chunk> metadata, samples;
		double lastIndex = -1;
	};
	struct Device {
		std::string id, name; ///< JSON text
		std::vector<Spool::Chunk> metadata;
		double lastIndex = -1;
		std::vector<Series> series;
		std::map<std::string, std::size_t, std::less<>> byFourcc;
	};

	static bool isHeadMember(std::string_view key)
	{
		return key == "fourcc" || key == "name" || key == "units" || key == "fields" || key == "raw";
	}

	Device &device(const Value &dev)
	{
		const std::string id(dev["id"].text());
		auto it = byId_.find(id);
		if (it != byId_.end())
			return devices_[it->second];
		byId_.emplace(id, devices_.size());
		Device &d = devices_.emplace_back();
		d.id = id;
		d.name = dev["name"].text();
		return d;
	}

	Series &series(Device &d, const Value &stream)
	{
		const std::string_view fourcc = stream["fourcc"].text();
		auto it = d.byFourcc.find(fourcc);
		if (it != d.byFourcc.end())
			return d.series[it->second];
		d.byFourcc.emplace(std::string(fourcc), d.series.size());
		Series &s = d.series.emplace_back();
		stream.forEachMember([&s](std::string_view key, const Value &v) {
			if (!isHeadMember(key))
				return;
			if (!s.head.empty())
				s.head += ',';
			gpmf::appendJsonString(s.head, key);
			s.head += ':';
			s.head += v.text();
		});
		return s;
	}

	void payload(const Value &record)
	{
		// One walk over the record's members: the devices value is most of its text.
		Value indexValue, pts, devices, diagnostics, unsupported;
		record.forEachMember([&](std::string_view key, const Value &v) {
			if (key == "index")
				indexValue = v;
			else if (key == "pts")
				pts = v;
			else if (key == "devices")
				devices = v;
			else if (key == "diagnostics")
				diagnostics = v;
			else if (key == "unsupported")
				unsupported = v;
		});
		const double index = indexValue.number(-1);
		// Every metadata entry and diagnostic says which payload it belongs to.
		std::string prefix = "{\"index\":";
		prefix += indexValue.valid() ? indexValue.text() : "null";
		prefix += ",\"pts\":";
		prefix += pts.valid() ? pts.text() : "null";

		std::string meta;
		devices.forEachElement([&](const Value &dev) {
			Device &d = device(dev);
			meta.clear();
			Value streams;
			dev.forEachMember([&meta, &streams](std::string_view key, const Value &v) {
				if (key == "streams")
					streams = v;
				if (key == "id" || key == "name" || key == "streams")
					return;
				meta += ',';
				gpmf::appendJsonString(meta, key);
				meta += ':';
				meta += v.text();
			});
			// Parts of one payload (--interval) repeat its metadata: keep it once.
			if (!meta.empty() && d.lastIndex != index)
				d.metadata.push_back(spool_.append(prefix + meta + "}"));
			d.lastIndex = index;

			streams.forEachElement([&](const Value &stream) {
				Series &s = series(d, stream);
				meta.clear();
				Value samples;
				stream.forEachMember([&](std::string_view key, const Value &v) {
					if (key == "samples") {
						samples = v;
						return;
					}
					if (isHeadMember(key))
						return;
					meta += ',';
					gpmf::appendJsonString(meta, key);
					meta += ':';
					meta += v.text();
				});
				if (!meta.empty() && s.lastIndex != index)
					s.metadata.push_back(spool_.append(prefix + meta + "}"));
				s.lastIndex = index;
				const std::string_view inner = samples.inner();
				if (!inner.empty())
					s.samples.push_back(spool_.append(inner));
			});
		});

		diagnostics.forEachElement([&](const Value &diagnostic) {
			std::string_view body = diagnostic.text();
			body.remove_prefix(1); // '{'
			diagnostics_.push_back(spool_.append(prefix + (body.size() > 1 ? "," : "") + std::string(body)));
		});
		unsupported.forEachElement([&](const Value &path) {
			const std::string p(path.text());
			if (std::find(unsupported_.begin(), unsupported_.end(), p) == unsupported_.end())
				unsupported_.push_back(p);
		});
	}

	std::unique_ptr<OutputFile> file_;
	Spool spool_;
	std::string header_, summary_;
	std::vector<Device> devices_;
	std::map<std::string, std::size_t, std::less<>> byId_;
	std::vector<Spool::Chunk> diagnostics_;
	std::vector<std::string> unsupported_;
};

/*
 * GPS tracks: GPS9 where the device wrote it, else GPS5, else a Karma drone's GPRI, as
 * gpmf::gpsPoints() chooses for a decoded payload; once a device has shown GPS9 its GPS5 is
 * never used, so a record split by --interval cannot mix them.
 */
class GpsOutput : public Output
{
public:
	GpsOutput(gpmf::GpsFormat format, std::unique_ptr<OutputFile> file, const OutputContext &context)
		: file_(std::move(file)), writer_(gpmf::makeGpsWriter(format)), interval_(double(context.gpsIntervalNs) / 1e9)
	{
		writer_->begin(buffer_, context.inputName);
	}

	void record(std::string_view type, const Value &record, std::string_view) override
	{
		if (type != "payload")
			return;
		record["devices"].forEachElement([&](const Value &dev) {
			Value gps5, gps9, gpri;
			dev["streams"].forEachElement([&](const Value &stream) {
				const std::string_view fourcc = stream["fourcc"].text();
				if (fourcc == "\"GPS9\"" && !gps9.valid())
					gps9 = stream;
				else if (fourcc == "\"GPS5\"" && !gps5.valid())
					gps5 = stream;
				else if (fourcc == "\"GPRI\"" && !gpri.valid())
					gpri = stream;
			});
			bool &sawGps9 = sawGps9_[std::string(dev["id"].text())];
			if (gps9.valid()) {
				sawGps9 = true;
				add(gps9, true);
			} else if (gps5.valid() && !sawGps9) {
				add(gps5, false);
			} else if (gpri.valid() && !sawGps9) {
				addGpri(gpri);
			}
		});
		if (buffer_.size() >= kFlushSize) {
			file_->write(buffer_);
			buffer_.clear();
		}
	}

	void finish() override
	{
		writer_->end(buffer_);
		file_->write(buffer_);
		buffer_.clear();
		file_->close();
	}

	std::size_t points() const override { return points_; }

private:
	static int fixOf(double v) { return std::isfinite(v) && v >= 0 && v <= 255 ? int(v) : -1; }

	void add(const Value &stream, bool gps9)
	{
		int stickyFix = -1;
		double stickyDop = -1;
		if (!gps9) {
			stickyFix = fixOf(stream["GPSF"].number());
			// GPSP is the DOP × 100.
			const double p = stream["GPSP"].number();
			if (std::isfinite(p) && p >= 0)
				stickyDop = p / 100.0;
		}
		const std::size_t need = gps9 ? 9 : 5;
		stream["samples"].forEachElement([&](const Value &sample) {
			double f[9];
			std::size_t n = 0;
			sample["v"].forEachElement([&](const Value &v) {
				if (n < 9)
					f[n] = v.number();
				n++;
			});
			if (n < need)
				return;
			gpmf::GpsPoint p;
			p.lat = f[0];
			p.lon = f[1];
			if ((p.lat == 0 && p.lon == 0) || !std::isfinite(p.lat) || !std::isfinite(p.lon))
				return;
			p.alt = f[2];
			p.speed2d = f[3];
			p.speed3d = f[4];
			p.time = sample["t"].number();
			p.utc = parseUtc(sample["utc"].string());
			if (gps9) {
				if (!std::isfinite(p.utc) && f[5] > 0)
					p.utc = gpmf::gps9Utc(f[5], f[6]);
				p.dop = std::isfinite(f[7]) && f[7] >= 0 ? f[7] : -1;
				p.fix = fixOf(f[8]);
				p.source = "GPS9";
			} else {
				p.fix = stickyFix;
				p.dop = stickyDop;
				p.source = "GPS5";
			}
			put(p);
		});
	}

	// GPRI (MAVLink GPS_RAW_INT) by the field names the element gave it: no UTC (the drone's
	// clock) and no DOP (its eph is a horizontal DOP), as gpmf::gpsPoints() does.
	void addGpri(const Value &stream)
	{
		std::size_t lat = SIZE_MAX, lon = SIZE_MAX, alt = SIZE_MAX, speed = SIZE_MAX, fix = SIZE_MAX;
		std::size_t index = 0;
		stream["fields"].forEachElement([&](const Value &name) {
			const std::string n = name.string();
			std::size_t *slot = n == "lat" ? &lat : n == "lon" ? &lon : n == "alt" ? &alt
					  : n == "speed" ? &speed : n == "fix" ? &fix : nullptr;
			if (slot)
				*slot = index;
			index++;
		});
		if (lat == SIZE_MAX || lon == SIZE_MAX || alt == SIZE_MAX)
			return;
		stream["samples"].forEachElement([&](const Value &sample) {
			const Value v = sample["v"];
			gpmf::GpsPoint p;
			p.lat = v.at(lat).number();
			p.lon = v.at(lon).number();
			if ((p.lat == 0 && p.lon == 0) || !std::isfinite(p.lat) || !std::isfinite(p.lon))
				return;
			p.alt = v.at(alt).number();
			p.speed2d = p.speed3d = speed == SIZE_MAX ? 0 : v.at(speed).number(0);
			p.time = sample["t"].number();
			p.utc = kNaN;
			p.fix = gpmf::fixFromMavlink(fix == SIZE_MAX ? kNaN : v.at(fix).number());
			p.source = "GPRI";
			put(p);
		});
	}

	void put(const gpmf::GpsPoint &p)
	{
		if (interval_ > 0 && std::isfinite(p.time)) {
			const double slot = std::floor(p.time / interval_);
			if (slot == lastSlot_)
				return;
			lastSlot_ = slot;
		}
		writer_->add(buffer_, p);
		points_++;
	}

	std::unique_ptr<OutputFile> file_;
	std::unique_ptr<gpmf::GpsWriter> writer_;
	std::string buffer_;
	std::map<std::string, bool> sawGps9_;
	double interval_;
	double lastSlot_ = kNaN;
	std::size_t points_ = 0;
};

/*
 * --info: the header (camera, settings, HiLights) and the summary (streams, rates, spans),
 * with each stream's units from the first payload that has it. No samples.
 */
class InfoOutput : public Output
{
public:
	InfoOutput(std::unique_ptr<OutputFile> file, const OutputContext &context, bool asJson)
		: file_(std::move(file)), name_(context.inputName), json_(asJson)
	{
	}

	void record(std::string_view type, const Value &record, std::string_view text) override
	{
		if (type == "header") {
			header_ = trimNewline(text);
		} else if (type == "summary") {
			summary_ = trimNewline(text);
		} else if (type == "payload") {
			record["devices"].forEachElement([&](const Value &dev) {
				const std::string id(dev["id"].text());
				dev["streams"].forEachElement([&](const Value &stream) {
					const std::string key = id + "/" + std::string(stream["fourcc"].text());
					if (!units_.count(key))
						units_.emplace(key, std::string(stream["units"].text()));
				});
			});
		}
	}

	void finish() override
	{
		file_->write(json_ ? jsonReport() : textReport());
		file_->close();
	}

private:
	// The summary's stream key: device id as text ("1") and fourcc, as the payloads give them.
	std::string unitsOf(const Value &stream) const
	{
		const std::string device = stream["device"].string();
		const bool numeric = !device.empty() && std::all_of(device.begin(), device.end(), ::isdigit);
		std::string id = numeric ? device : std::string(stream["device"].text());
		auto it = units_.find(id + "/" + std::string(stream["fourcc"].text()));
		return it == units_.end() ? std::string() : it->second;
	}

	std::string jsonReport() const
	{
		const Value summary(summary_);
		std::string out = "{\"file\":";
		gpmf::appendJsonString(out, name_);
		out += ",\"header\":";
		out += header_.empty() ? "null" : header_;
		out += ",\"payloads\":";
		out += summary["payloads"].valid() ? summary["payloads"].text() : "0";
		out += ",\"corrupt_payloads\":";
		out += summary["corrupt_payloads"].valid() ? summary["corrupt_payloads"].text() : "0";
		out += ",\"streams\":[";
		bool first = true;
		summary["streams"].forEachElement([&](const Value &stream) {
			out += first ? "" : ",";
			first = false;
			const std::string_view obj = stream.text();
			out += obj.substr(0, obj.size() - 1);
			const std::string units = unitsOf(stream);
			if (!units.empty())
				out += ",\"units\":" + units;
			out += '}';
		});
		out += "]}\n";
		return out;
	}

	static std::string unitsText(const std::string &unitsJson)
	{
		std::vector<std::string> units;
		Value(unitsJson).forEachElement([&units](const Value &u) {
			std::string s = u.string();
			if (!s.empty() && std::find(units.begin(), units.end(), s) == units.end())
				units.push_back(s);
		});
		std::string text;
		for (const auto &u : units)
			text += (text.empty() ? "" : ",") + u;
		return text;
	}

	static std::string shortValue(const Value &v)
	{
		std::string s = v.isString() ? v.string() : std::string(v.text());
		if (s.size() > 60)
			s = s.substr(0, 57) + "...";
		return s;
	}

	std::string textReport() const
	{
		const Value header(header_);
		const Value summary(summary_);
		std::string out = name_ + "\n";
		const auto line = [&out](const char *label, const std::string &value) {
			if (value.empty())
				return;
			char buf[32];
			std::snprintf(buf, sizeof(buf), "  %-10s ", label);
			out += buf + value + "\n";
		};
		line("camera", header["camera"].string());
		line("firmware", header["firmware"].string());
		line("serial", header["serial"].string());
		line("lens", header["lens"].string());
		line("media uid", header["media_uid"].string());
		line("payloads", std::string(summary["payloads"].valid() ? summary["payloads"].text() : "0") + " (" +
					 std::string(summary["corrupt_payloads"].valid() ? summary["corrupt_payloads"].text() : "0") +
					 " corrupt)");

		double first = kNaN, last = kNaN;
		std::string firstUtc, lastUtc;
		summary["streams"].forEachElement([&](const Value &s) {
			const double a = s["first"].number(), b = s["last"].number();
			if (std::isfinite(a) && !(a >= first))
				first = a;
			if (std::isfinite(b) && !(b <= last))
				last = b;
			if (s["first_utc"].isString() && (firstUtc.empty() || s["first_utc"].string() < firstUtc))
				firstUtc = s["first_utc"].string();
			if (s["last_utc"].isString() && s["last_utc"].string() > lastUtc)
				lastUtc = s["last_utc"].string();
		});
		if (std::isfinite(first))
			line("time", format("%.3f", first) + " .. " + format("%.3f", last) + " s");
		if (!firstUtc.empty())
			line("GPS time", firstUtc + " .. " + lastUtc);

		std::string device;
		summary["streams"].forEachElement([&](const Value &s) {
			const std::string id = s["device"].string();
			if (id != device) {
				device = id;
				out += "  device " + id;
				if (s["device_name"].isString())
					out += " \"" + s["device_name"].string() + "\"";
				out += "\n";
			}
			char buf[160];
			const double rate = s["rate"].number();
			std::snprintf(buf, sizeof(buf), "    %-4s %8.0f samples  %s  %9.3f .. %9.3f s", s["fourcc"].string().c_str(),
				      s["samples"].number(0), std::isfinite(rate) ? format("%9.3f Hz", rate).c_str() : "        - Hz",
				      s["first"].number(), s["last"].number());
			out += buf;
			const std::string units = unitsText(unitsOf(s));
			if (!units.empty())
				out += "  [" + units + "]";
			if (!s["name"].string().empty())
				out += "  " + s["name"].string();
			out += "\n";
		});

		const std::size_t hilights = header["hilights"].size();
		if (hilights) {
			line("HiLights", std::to_string(hilights));
			header["hilights"].forEachElement([&](const Value &h) {
				out += "    " + format("%9.3f s", h["t"].number());
				if (h["in"].valid() && h["out"].valid())
					out += "  (" + format("%.3f", h["in"].number()) + " .. " + format("%.3f", h["out"].number()) + " s)";
				if (h["kind"].isString())
					out += "  " + h["kind"].string();
				out += "\n";
			});
		}

		bool settingsTitle = false;
		header["settings"].forEachElement([&](const Value &dev) {
			dev["streams"].forEachElement([&](const Value &stream) {
				if (!settingsTitle) {
					out += "  settings\n";
					settingsTitle = true;
				}
				std::string values;
				stream["samples"].forEachElement([&values](const Value &sample) {
					values += (values.empty() ? "" : " ") + shortValue(sample["v"]);
				});
				out += "    " + stream["fourcc"].string() + "  " + values;
				if (!stream["name"].string().empty())
					out += "  (" + stream["name"].string() + ")";
				out += "\n";
			});
			dev.forEachMember([&](std::string_view key, const Value &v) {
				if (key == "id" || key == "name" || key == "streams")
					return;
				if (!settingsTitle) {
					out += "  settings\n";
					settingsTitle = true;
				}
				out += "    " + std::string(key) + "  " + shortValue(v) + "\n";
			});
		});
		if (header["atoms"].size()) {
			out += "  atoms\n";
			header["atoms"].forEachMember([&](std::string_view key, const Value &v) {
				out += "    " + std::string(key) + "  " + shortValue(v) + "\n";
			});
		}
		return out;
	}

	std::unique_ptr<OutputFile> file_;
	std::string name_;
	bool json_;
	std::string header_, summary_;
	std::map<std::string, std::string> units_;
};

} // namespace

/* OutputFile */

std::unique_ptr<OutputFile> OutputFile::create(const std::filesystem::path &path)
{
	std::unique_ptr<OutputFile> f(new OutputFile());
	f->name_ = path.string();
	f->file_ = std::fopen(path.c_str(), "wb");
	if (!f->file_)
		f->fail();
	f->owned_ = true;
	std::setvbuf(f->file_, nullptr, _IOFBF, 1 << 20);
	return f;
}

std::unique_ptr<OutputFile> OutputFile::standardOutput()
{
	std::unique_ptr<OutputFile> f(new OutputFile());
	f->name_ = "standard output";
	f->file_ = stdout;
	return f;
}

std::unique_ptr<OutputFile> OutputFile::memory(std::string &target)
{
	std::unique_ptr<OutputFile> f(new OutputFile());
	f->name_ = "standard output";
	f->memory_ = &target;
	return f;
}

OutputFile::~OutputFile()
{
	if (file_ && owned_)
		std::fclose(file_);
}

void OutputFile::fail() const
{
	throw std::runtime_error(name_ + ": " + std::strerror(errno ? errno : EIO));
}

void OutputFile::write(std::string_view data)
{
	if (memory_) {
		*memory_ += data;
		return;
	}
	if (!file_)
		return;
	errno = 0;
	if (std::fwrite(data.data(), 1, data.size(), file_) != data.size())
		fail();
}

void OutputFile::close()
{
	if (!file_)
		return;
	errno = 0;
	const bool flushed = std::fflush(file_) == 0;
	const bool closed = !owned_ || std::fclose(file_) == 0;
	file_ = nullptr;
	if (!flushed || !closed)
		fail();
}

/* Outputs */

std::unique_ptr<Output> makeOutput(Format format, std::unique_ptr<OutputFile> file, const OutputContext &context)
{
	switch (format) {
	case Format::Ndjson: return std::make_unique<NdjsonOutput>(std::move(file));
	case Format::Json: return std::make_unique<JsonDocumentOutput>(std::move(file));
	case Format::Gpx: return std::make_unique<GpsOutput>(gpmf::GpsFormat::Gpx, std::move(file), context);
	case Format::Kml: return std::make_unique<GpsOutput>(gpmf::GpsFormat::Kml, std::move(file), context);
	case Format::Csv: return std::make_unique<GpsOutput>(gpmf::GpsFormat::Csv, std::move(file), context);
	case Format::GeoJson: return std::make_unique<GpsOutput>(gpmf::GpsFormat::GeoJson, std::move(file), context);
	case Format::Info: return std::make_unique<InfoOutput>(std::move(file), context, false);
	case Format::InfoJson: return std::make_unique<InfoOutput>(std::move(file), context, true);
	}
	return nullptr;
}

double parseUtc(std::string_view iso)
{
	// Through the core's GPSU parser: "2017-04-17T17:31:03.055Z" is GPSU "170417173103.055".
	if (iso.size() != 24 || iso.substr(0, 2) != "20" || iso[4] != '-' || iso[7] != '-' || iso[10] != 'T' ||
	    iso[13] != ':' || iso[16] != ':' || iso[19] != '.' || iso[23] != 'Z')
		return kNaN;
	std::string gpsu;
	gpsu += iso.substr(2, 2);
	gpsu += iso.substr(5, 2);
	gpsu += iso.substr(8, 2);
	gpsu += iso.substr(11, 2);
	gpsu += iso.substr(14, 2);
	gpsu += iso.substr(17, 2);
	gpsu += '.';
	gpsu += iso.substr(20, 3);
	return gpmf::parseGpsu(gpsu).value_or(kNaN);
}

} // namespace gpmf2json
