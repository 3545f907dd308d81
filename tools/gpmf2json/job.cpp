// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: running one job: its pipeline, its outputs, and what is said about it.

#include "gpmf2json_job.h"

#include <cmath>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "gpmf2json_json.h"
#include "gpmf2json_pipeline.h"

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

// Hands each record to every output, and keeps what the messages need.
class JobHandler : public RecordHandler
{
public:
	std::vector<std::unique_ptr<Output>> outputs;
	std::unique_ptr<OutputFile> rawTrack;

	std::vector<std::string> diagnostics;
	std::size_t diagnosticCount = 0;
	bool sawSummary = false;
	double payloads = 0, corruptPayloads = 0, streams = 0;
	double first = NAN, last = NAN;

	void record(std::string_view text) override
	{
		const json::Value record = json::Value::record(text);
		const std::string type = record["type"].string();
		for (auto &output : outputs)
			output->record(type, record, text);
		if (type == "payload" && mayHaveDiagnostics(text))
			payloadDiagnostics(record);
		else if (type == "summary")
			summary(record);
	}

	void telemetry(std::span<const std::uint8_t> bytes) override
	{
		rawTrack->write(std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
	}

	bool wantTelemetry() const override { return rawTrack != nullptr; }

private:
	// The contract puts "diagnostics" after "devices", last but for "unsupported": a payload
	// record that has them ends with "..."}]}" (a diagnostic's message) or "..."]}" (a path),
	// before its newline.
	// Records without end in "}]}]}" or "[]}", so only those few are searched for the key (a
	// search through every record's samples cost a tenth of the tool's time). A "diagnostics"
	// found can only be the record's own: strings escape their quotes.
	static bool mayHaveDiagnostics(std::string_view text)
	{
		while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
			text.remove_suffix(1);
		return (text.ends_with("\"}]}") || text.ends_with("\"]}")) &&
		       text.find("\"diagnostics\":") != std::string_view::npos;
	}

	void payloadDiagnostics(const json::Value &record)
	{
		// Parts of a payload (--interval) all carry its diagnostics: count them once.
		const json::Value part = record["part"];
		if (part.valid() && part.number() != 0)
			return;
		record["diagnostics"].forEachElement([&](const json::Value &d) {
			if (diagnosticCount++ < kMaxDiagnosticLines)
				diagnostics.push_back("payload " + std::string(record["index"].text()) + " at " +
						      seconds(record["pts"].number()) + " s: " + d["message"].string());
		});
	}

	void summary(const json::Value &record)
	{
		sawSummary = true;
		payloads = record["payloads"].number(0);
		corruptPayloads = record["corrupt_payloads"].number(0);
		record["streams"].forEachElement([&](const json::Value &s) {
			streams++;
			const double a = s["first"].number(), b = s["last"].number();
			if (std::isfinite(a) && !(a >= first))
				first = a;
			if (std::isfinite(b) && !(b <= last))
				last = b;
		});
	}
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
	context.gpsIntervalNs = o.intervalNs;
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

	ElementSettings settings;
	settings.streams = o.elementStreams();
	// Records are split only for the NDJSON; GPS tracks thin their points themselves.
	const bool ndjson = !o.info && o.format == Format::Ndjson;
	const bool defaultNdjson = !o.info && !o.format && o.gps.empty();
	settings.intervalNs = ndjson || defaultNdjson ? o.intervalNs : 0;
	settings.minGpsFix = o.skip ? 2 : 0;
	settings.maxGpsDop = o.maxGpsDop;
	settings.threads = threads;

	if (o.verbose && job.inputs.size() > 1) {
		std::string chapters;
		for (const auto &in : job.inputs)
			chapters += (chapters.empty() ? "" : " + ") + in.filename().string();
		say("merging " + chapters);
	}

	DecodeResult decoded = decodeFiles(job.inputs, job.kind, settings, handler,
					   [&](double f) { reporter.progress(index, f); });

	// Whatever was decoded is written out, even after an error.
	std::string writeError;
	for (auto &output : handler.outputs) {
		try {
			output->finish();
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

	bool failed = decoded.failed || !writeError.empty();
	if (!writeError.empty())
		say(writeError);
	else if (decoded.failed)
		say(decoded.error);
	else if (!handler.sawSummary || handler.payloads == 0) {
		say("no GPMF telemetry found");
		failed = true;
	}
	const bool lost = decoded.dataLost || handler.diagnosticCount > 0 || handler.corruptPayloads > 0;
	if (!failed && lost)
		say("some telemetry could not be decoded (see the warnings above); the outputs hold the rest");

	for (std::size_t i = 0; i < job.outputs.size(); i++) {
		if (!failed && isGps(job.outputs[i].first) && handler.outputs[i]->points() == 0) {
			say("note: no GPS5, GPS9 or GPRI sample with a position, so the GPS track is empty");
			break;
		}
	}

	if (o.verbose) {
		const long long streams = std::llround(handler.streams);
		std::string line = std::to_string(std::llround(handler.payloads)) + " payloads, " + std::to_string(streams) +
				   (streams == 1 ? " stream" : " streams");
		if (std::isfinite(handler.first))
			line += ", " + seconds(handler.first) + " .. " + seconds(handler.last) + " s";
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
