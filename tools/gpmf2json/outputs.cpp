// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: the output files made from a session's events.

#include "outputs.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "gpmf/document_writer.h"
#include "gpmf/gps_writers.h"
#include "gpmf/json_writer.h"
#include "gpmf/records.h"

namespace gpmf2json {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kFlushSize = 256 * 1024;

std::string format(const char *fmt, double v)
{
	char buf[64];
	std::snprintf(buf, sizeof(buf), fmt, v);
	return buf;
}

std::string withoutNewline(std::string text)
{
	while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
		text.pop_back();
	return text;
}

/* NDJSON: the session's records as they come (local times written by the session, on request). */

class NdjsonOutput : public Output
{
public:
	NdjsonOutput(std::unique_ptr<OutputFile> file, const OutputContext &) : file_(std::move(file)) {}
	bool wantsRecords() const override { return true; }
	void record(std::string_view json) override { file_->write(json); }
	void finish(const gpmf::Summary *) override { file_->close(); }

private:
	std::unique_ptr<OutputFile> file_;
};

/*
 * Where the JSON document's pieces wait: a temporary file they are appended to as payloads
 * arrive, read back piece by piece when the document is assembled. Memory stays bounded by the
 * index of pieces (16 bytes per stream per payload), not by the samples.
 */
class TempFileStore : public gpmf::PieceStore
{
public:
	TempFileStore()
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
	~TempFileStore() override
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	TempFileStore(const TempFileStore &) = delete;
	TempFileStore &operator=(const TempFileStore &) = delete;

	Piece append(std::string_view text) override
	{
		const Piece piece{ flushed_ + buffer_.size(), text.size() };
		buffer_ += text;
		if (buffer_.size() >= kFlushSize)
			flush();
		return piece;
	}

	void read(const Piece &piece, std::string &out) override
	{
		if (piece.offset >= flushed_) { // still in the buffer (a piece is flushed whole)
			out.append(buffer_, std::size_t(piece.offset - flushed_), std::size_t(piece.size));
			return;
		}
		const std::size_t at = out.size();
		out.resize(at + piece.size);
		std::uint64_t done = 0;
		while (done < piece.size) {
			const ssize_t n = pread(fd_, out.data() + at + done, piece.size - done, off_t(piece.offset + done));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				throw std::runtime_error(std::string("temporary file: ") +
							 (n < 0 ? std::strerror(errno) : "short read"));
			done += std::uint64_t(n);
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

/* --format json: gpmf::JsonDocumentWriter, its pieces in a temporary file. */

class JsonDocumentOutput : public Output
{
public:
	JsonDocumentOutput(std::unique_ptr<OutputFile> file, const OutputContext &context)
		: file_(std::move(file)), document_(std::make_unique<TempFileStore>()), localTime_(context.localTime)
	{
	}
	void header(const gpmf::Header &header) override
	{
		document_.setHeader(header);
		if (localTime_)
			document_.setRecordTimes({ header.timeZoneMinutes });
	}
	void payload(const gpmf::Payload &payload) override { document_.add(payload); }
	void finish(const gpmf::Summary *summary) override
	{
		document_.finish(summary, [this](std::string_view text) { file_->write(text); });
		file_->close();
	}

private:
	std::unique_ptr<OutputFile> file_;
	gpmf::JsonDocumentWriter document_;
	bool localTime_;
};

/* GPS tracks: the session's points (gpmf::GpsTrack), through the library's writers. */

class GpsOutput : public Output
{
public:
	GpsOutput(gpmf::GpsFormat format, std::unique_ptr<OutputFile> file, const OutputContext &context)
		: file_(std::move(file)), format_(format), context_(context)
	{
	}

	bool wantsGps() const override { return true; }

	// The header comes before the first payload: it says the time zone the writer needs.
	void header(const gpmf::Header &header) override
	{
		if (!writer_)
			start(context_.localTime ? header.timeZoneMinutes : std::nullopt);
	}

	void gps(const std::vector<gpmf::GpsPoint> &points) override
	{
		if (!writer_)
			start(std::nullopt);
		for (const gpmf::GpsPoint &p : points)
			writer_->add(buffer_, p);
		points_ += points.size();
		if (buffer_.size() >= kFlushSize) {
			file_->write(buffer_);
			buffer_.clear();
		}
	}

	void finish(const gpmf::Summary *) override
	{
		if (!writer_)
			start(std::nullopt);
		writer_->end(buffer_);
		file_->write(buffer_);
		buffer_.clear();
		file_->close();
	}

	std::size_t points() const override { return points_; }

private:
	void start(std::optional<int> zone)
	{
		writer_ = gpmf::makeGpsWriter(format_, zone);
		writer_->begin(buffer_, context_.inputName);
	}

	std::unique_ptr<OutputFile> file_;
	gpmf::GpsFormat format_;
	OutputContext context_;
	std::unique_ptr<gpmf::GpsWriter> writer_;
	std::string buffer_;
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
		: file_(std::move(file)), name_(context.inputName), json_(asJson), localTime_(context.localTime)
	{
	}

	void header(const gpmf::Header &header) override
	{
		header_ = header;
		sentHeader_ = true;
	}

	void payload(const gpmf::Payload &payload) override
	{
		for (const gpmf::Device &dev : payload.devices)
			for (const gpmf::Stream &stream : dev.streams)
				units_.try_emplace(dev.idString() + "/" + stream.key.str(), stream.units);
	}

	void finish(const gpmf::Summary *summary) override
	{
		const gpmf::Summary none;
		file_->write(json_ ? jsonReport(summary ? *summary : none) : textReport(summary ? *summary : none));
		file_->close();
	}

private:
	// The units of a summary stream, from the payloads; null when no payload had it.
	const std::vector<std::string> *unitsOf(const gpmf::StreamSummary &s) const
	{
		auto it = units_.find(s.device + "/" + s.key.str());
		return it == units_.end() ? nullptr : &it->second;
	}

	std::string jsonReport(const gpmf::Summary &summary) const
	{
		std::string out;
		gpmf::JsonWriter w(out);
		w.beginObject();
		w.key("file");
		w.string(name_);
		w.key("header");
		if (sentHeader_) {
			std::string header;
			gpmf::writeHeaderRecord(header, header_);
			w.rawValue(withoutNewline(std::move(header)));
		} else {
			w.null();
		}
		gpmf::writeSummaryMembers(w, summary, [this](gpmf::JsonWriter &stream, const gpmf::StreamSummary &s) {
			const auto *units = unitsOf(s);
			if (!units)
				return;
			stream.key("units");
			stream.beginArray();
			for (const std::string &u : *units)
				stream.string(u);
			stream.endArray();
		}, gpmf::RecordTimes{ localTime_ ? header_.timeZoneMinutes : std::nullopt });
		w.endObject();
		out += '\n';
		return out;
	}

	// Distinct units, in order: "m/s²", or "deg,m,m/s".
	std::string unitsText(const gpmf::StreamSummary &s) const
	{
		const auto *all = unitsOf(s);
		std::vector<std::string> units;
		for (const std::string &u : all ? *all : std::vector<std::string>())
			if (!u.empty() && std::find(units.begin(), units.end(), u) == units.end())
				units.push_back(u);
		std::string text;
		for (const auto &u : units)
			text += (text.empty() ? "" : ",") + u;
		return text;
	}

	static std::string shortValue(std::string s)
	{
		if (s.size() > 60)
			s = s.substr(0, 57) + "...";
		return s;
	}

	std::string textReport(const gpmf::Summary &summary) const
	{
		const gpmf::Header &header = header_;
		std::string out = name_ + "\n";
		const auto line = [&out](const char *label, const std::string &value) {
			if (value.empty())
				return;
			char buf[32];
			std::snprintf(buf, sizeof(buf), "  %-10s ", label);
			out += buf + value + "\n";
		};
		line("camera", header.camera);
		line("firmware", header.firmware);
		line("serial", header.serial);
		line("lens", header.lens);
		line("media uid", header.mediaUid);
		line("payloads", std::to_string(summary.payloads) + " (" + std::to_string(summary.corruptPayloads) + " corrupt)");

		const auto [first, last] = timeSpan(summary);
		double firstUtc = kNaN, lastUtc = kNaN;
		for (const gpmf::StreamSummary &s : summary.streams) {
			if (!gpmf::formatUtc(s.firstUtc).empty() && !(s.firstUtc >= firstUtc))
				firstUtc = s.firstUtc;
			if (!gpmf::formatUtc(s.lastUtc).empty() && !(s.lastUtc <= lastUtc))
				lastUtc = s.lastUtc;
		}
		if (std::isfinite(first))
			line("time", format("%.3f", first) + " .. " + format("%.3f", last) + " s");
		if (std::isfinite(firstUtc))
			line("GPS time", gpmf::formatUtc(firstUtc) + " .. " + gpmf::formatUtc(lastUtc));
		if (std::isfinite(firstUtc) && localTime_ && header.timeZoneMinutes)
			line("local time", gpmf::formatLocalTime(firstUtc, *header.timeZoneMinutes) + " .. " +
						   gpmf::formatLocalTime(lastUtc, *header.timeZoneMinutes));

		std::string device;
		for (const gpmf::StreamSummary &s : summary.streams) {
			if (s.device != device) {
				device = s.device;
				out += "  device " + s.device + " \"" + s.deviceName + "\"\n";
			}
			char buf[160];
			const double rate = s.rate > 0 && std::isfinite(s.rate) ? s.rate : kNaN;
			std::snprintf(buf, sizeof(buf), "    %-4s %8.0f samples  %s  %9.3f .. %9.3f s", s.key.str().c_str(),
				      double(s.samples), std::isfinite(rate) ? format("%9.3f Hz", rate).c_str() : "        - Hz",
				      gpmf::recordedSeconds(s.firstTime), gpmf::recordedSeconds(s.lastTime));
			out += buf;
			const std::string units = unitsText(s);
			if (!units.empty())
				out += "  [" + units + "]";
			if (!s.name.empty())
				out += "  " + s.name;
			out += "\n";
		}

		if (!header.hilights.empty()) {
			line("HiLights", std::to_string(header.hilights.size()));
			for (const gpmf::HiLight &h : header.hilights) {
				out += "    " + format("%9.3f s", h.time);
				if (h.in >= 0 && std::isfinite(h.in) && h.out >= 0 && std::isfinite(h.out))
					out += "  (" + format("%.3f", h.in) + " .. " + format("%.3f", h.out) + " s)";
				if (!h.kind.empty())
					out += "  " + h.kind;
				out += "\n";
			}
		}

		bool settingsTitle = false;
		const auto settings = [&]() {
			if (!settingsTitle)
				out += "  settings\n";
			settingsTitle = true;
		};
		for (const gpmf::Device &dev : header.settings) {
			for (const gpmf::Stream &stream : dev.streams) {
				settings();
				std::string values;
				for (const std::string &v : gpmf::sampleTexts(stream))
					values += (values.empty() ? "" : " ") + shortValue(v);
				out += "    " + stream.key.str() + "  " + values;
				const std::string_view name =
				    stream.name.empty() ? gpmf::settingName(stream.key) : std::string_view(stream.name);
				if (!name.empty())
					out += "  (" + std::string(name) + ")";
				out += "\n";
			}
			for (const auto &[key, value] : gpmf::deviceMetadataTexts(dev)) {
				settings();
				out += "    " + key + "  " + shortValue(value);
				if (const auto fourcc = gpmf::FourCC::fromString(key))
					if (const std::string_view name = gpmf::settingName(*fourcc); !name.empty())
						out += "  (" + std::string(name) + ")";
				out += "\n";
			}
		}
		if (!header.atoms.empty()) {
			out += "  atoms\n";
			for (const auto &[key, value] : header.atoms)
				out += "    " + key + "  " + shortValue(value) + "\n";
		}
		return out;
	}

	std::unique_ptr<OutputFile> file_;
	std::string name_;
	bool json_;
	bool localTime_;
	gpmf::Header header_;
	bool sentHeader_ = false;
	std::map<std::string, std::vector<std::string>> units_;
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

std::pair<double, double> timeSpan(const gpmf::Summary &summary)
{
	double first = kNaN, last = kNaN;
	for (const gpmf::StreamSummary &s : summary.streams) {
		const double a = gpmf::recordedSeconds(s.firstTime), b = gpmf::recordedSeconds(s.lastTime);
		if (std::isfinite(a) && !(a >= first))
			first = a;
		if (std::isfinite(b) && !(b <= last))
			last = b;
	}
	return { first, last };
}

std::unique_ptr<Output> makeOutput(Format format, std::unique_ptr<OutputFile> file, const OutputContext &context)
{
	switch (format) {
	case Format::Ndjson: return std::make_unique<NdjsonOutput>(std::move(file), context);
	case Format::Json: return std::make_unique<JsonDocumentOutput>(std::move(file), context);
	case Format::Gpx: return std::make_unique<GpsOutput>(gpmf::GpsFormat::Gpx, std::move(file), context);
	case Format::Kml: return std::make_unique<GpsOutput>(gpmf::GpsFormat::Kml, std::move(file), context);
	case Format::Csv: return std::make_unique<GpsOutput>(gpmf::GpsFormat::Csv, std::move(file), context);
	case Format::GeoJson: return std::make_unique<GpsOutput>(gpmf::GpsFormat::GeoJson, std::move(file), context);
	case Format::Info: return std::make_unique<InfoOutput>(std::move(file), context, false);
	case Format::InfoJson: return std::make_unique<InfoOutput>(std::move(file), context, true);
	}
	return nullptr;
}

} // namespace gpmf2json
