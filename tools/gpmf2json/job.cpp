// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: running one job: its pipeline and session, its outputs, and what is said about it.

#include "job.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gpmf/records.h"
#include "pipeline.h"

namespace gpmf2json {

namespace {

// Diagnostics are reported one per line up to this many, then counted.
constexpr std::size_t kMaxDiagnosticLines = 5;

std::string seconds(double t)
{
	if (!std::isfinite(t))
		return "?";
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%.3f", t);
	return buf;
}

// Hands the session's events to the outputs that ask for them, and keeps what the messages need.
class JobHandler : public TelemetryHandler
{
public:
	std::vector<std::unique_ptr<Output>> outputs;
	std::unique_ptr<OutputFile> rawTrack;

	std::vector<std::string> diagnostics;
	std::size_t diagnosticCount = 0;
	/// GPS times left out (bad_time): the first one said, the others counted. No data is lost.
	std::string firstBadTime;
	std::size_t badTimes = 0;
	/// The camera's time zone (TZON), from the header sent before the payloads.
	std::optional<int> timeZone;

	void event(gpmf::SessionEvent &event, const gpmf::Session &session) override
	{
		using Kind = gpmf::SessionEvent::Kind;
		if (event.kind == Kind::Header) {
			timeZone = session.header().timeZoneMinutes;
			for (auto &output : outputs)
				output->header(session.header());
		}
		// With an interval a payload comes once per record: its first is the payload's event.
		if (event.kind == Kind::Payload && (!sawPayload_ || event.payload->index != lastIndex_)) {
			sawPayload_ = true;
			lastIndex_ = event.payload->index;
			for (auto &output : outputs)
				output->payload(*event.payload);
			payloadDiagnostics(*event.payload);
		}
		for (auto &output : outputs) {
			if (event.json && output->wantsRecords())
				output->record(*event.json);
			if (event.gps && output->wantsGps())
				output->gps(*event.gps);
		}
	}

	void telemetry(std::span<const std::uint8_t> bytes) override
	{
		rawTrack->write(std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
	}

	bool wantTelemetry() const override { return rawTrack != nullptr; }

	bool wantsRecords() const
	{
		return std::any_of(outputs.begin(), outputs.end(), [](const auto &o) { return o->wantsRecords(); });
	}
	bool wantsGps() const
	{
		return std::any_of(outputs.begin(), outputs.end(), [](const auto &o) { return o->wantsGps(); });
	}

private:
	void payloadDiagnostics(const gpmf::Payload &payload)
	{
		for (const gpmf::Diagnostic &d : payload.diagnostics) {
			const std::string line = "payload " + std::to_string(payload.index) + " at " +
						 seconds(gpmf::recordedSeconds(payload.pts)) + " s: " + d.message();
			if (d.code == gpmf::Errc::BadTime) {
				if (badTimes++ == 0)
					firstBadTime = line;
			} else if (diagnosticCount++ < kMaxDiagnosticLines) {
				diagnostics.push_back(line);
			}
		}
	}

	bool sawPayload_ = false;
	std::uint64_t lastIndex_ = 0;
};

std::string describe(const std::filesystem::path &p)
{
	return p.empty() ? "standard output" : p.string();
}

} // namespace

JobResult runJob(const Job &job, const Options &o, bool bufferStdout, Reporter &reporter, std::size_t index,
		 unsigned threads)
{
	JobResult result;
	reporter.started(index, job.name);
	const auto say = [&](const std::string &line) { reporter.say(job.name + ": " + line); };

	// A missing input makes no empty output.
	for (const auto &input : job.inputs) {
		if (const std::string why = inputError(input); !why.empty()) {
			say(input == job.inputs.front() ? why : "chapter " + input.filename().string() + ": " + why);
			reporter.finished(index);
			return result;
		}
	}

	JobHandler handler;
	OutputContext context;
	context.inputName = job.inputs.front().filename().string();
	context.localTime = o.localTime;
	try {
		for (const auto &[format, path] : job.outputs) {
			std::unique_ptr<OutputFile> file;
			if (!path.empty())
				file = OutputFile::create(path);
			else if (bufferStdout)
				file = OutputFile::memory(result.bufferedStdout);
			else
				file = OutputFile::standardOutput();
			handler.outputs.push_back(makeOutput(format, std::move(file), context));
		}
		if (!job.rawTrack.empty())
			handler.rawTrack = OutputFile::create(job.rawTrack);
	} catch (const std::exception &e) {
		say(e.what());
		reporter.finished(index);
		return result;
	}

	gpmf::SessionOptions session;
	session.decode.streams = o.decodeStreams();
	session.decode.minGpsFix = o.skip ? 2 : 0;
	session.decode.maxGpsDop = o.maxGpsDop;
	session.decode.maxGpsSpeed = o.maxGpsSpeed;
	// Records are split only for the NDJSON; GPS tracks thin their points themselves.
	const bool ndjson = !o.info && o.format == Format::Ndjson;
	const bool defaultNdjson = !o.info && !o.format && o.gps.empty();
	session.interval = ndjson || defaultNdjson ? o.intervalNs : 0;
	session.records = handler.wantsRecords();
	session.gps = handler.wantsGps();
	session.gpsInterval = double(o.intervalNs) / 1e9;
	session.threads = threads;
	session.localTime = o.localTime;

	if (o.verbose && job.inputs.size() > 1) {
		std::string chapters;
		for (const auto &in : job.inputs)
			chapters += (chapters.empty() ? "" : " + ") + in.filename().string();
		say("merging " + chapters);
	}

	DecodeResult decoded = decodeFiles(job.inputs, job.kind, session, handler,
					   [&](double f) { reporter.progress(index, f); });
	const gpmf::Summary *summary = decoded.summary ? &*decoded.summary : nullptr;

	// Whatever was decoded is written out, even after an error.
	std::string writeError;
	for (auto &output : handler.outputs) {
		try {
			output->finish(summary);
		} catch (const std::exception &e) {
			if (writeError.empty())
				writeError = e.what();
		}
	}
	try {
		if (handler.rawTrack)
			handler.rawTrack->close();
	} catch (const std::exception &e) {
		if (writeError.empty())
			writeError = e.what();
	}
	reporter.finished(index);

	for (const std::string &w : decoded.warnings)
		say("warning: " + w);
	for (const std::string &d : handler.diagnostics)
		say("warning: " + d);
	if (handler.diagnosticCount > kMaxDiagnosticLines)
		say("warning: " + std::to_string(handler.diagnosticCount - kMaxDiagnosticLines) + " more damaged payloads");
	if (handler.badTimes)
		say("warning: " + handler.firstBadTime +
		    (handler.badTimes > 1 ? " (and " + std::to_string(handler.badTimes - 1) + " more payloads)" : ""));

	if (o.localTime && !handler.timeZone)
		say("note: the camera recorded no time zone (TZON), so the times are UTC only");

	bool failed = decoded.failed || !writeError.empty();
	if (!writeError.empty())
		say(writeError);
	else if (decoded.failed)
		say(decoded.error);
	else if (!summary || summary->payloads == 0) {
		say("no GPMF telemetry found");
		failed = true;
	}
	const bool lost = decoded.dataLost || handler.diagnosticCount > 0 || (summary && summary->corruptPayloads > 0);
	if (!failed && lost)
		say("some telemetry could not be decoded (see the warnings above); the outputs hold the rest");

	for (std::size_t i = 0; i < job.outputs.size(); i++) {
		if (!failed && isGps(job.outputs[i].first) && handler.outputs[i]->points() == 0) {
			say("note: no GPS5, GPS9 or GPRI sample with a position, so the GPS track is empty");
			break;
		}
	}

	if (o.verbose) {
		const std::size_t streams = summary ? summary->streams.size() : 0;
		const auto [first, last] = summary ? timeSpan(*summary) : std::pair(double(NAN), double(NAN));
		std::string line = std::to_string(summary ? summary->payloads : 0) + " payloads, " + std::to_string(streams) +
				   (streams == 1 ? " stream" : " streams");
		if (std::isfinite(first))
			line += ", " + seconds(first) + " .. " + seconds(last) + " s";
		line += " ->";
		for (std::size_t i = 0; i < job.outputs.size(); i++) {
			line += (i ? ", " : " ") + describe(job.outputs[i].second);
			if (isGps(job.outputs[i].first))
				line += " (" + std::to_string(handler.outputs[i]->points()) + " points)";
		}
		if (!job.rawTrack.empty())
			line += ", raw track " + job.rawTrack.string();
		say(line);
	}
	result.ok = !failed && !lost;
	return result;
}

} // namespace gpmf2json
