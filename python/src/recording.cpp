// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// Concatenating a session's decoded payloads, stream by stream, into one recording.

#include "recording.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "gpmf/klv.h"

namespace gpmf::python {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A hostile dump can be corrupt all along: its diagnostics are counted past this many.
constexpr std::size_t kMaxDiagnostics = 1000;

bool isIntegerType(char type)
{
	switch (type) {
	case 'b':
	case 'B':
	case 's':
	case 'S':
	case 'l':
	case 'L':
	case 'j':
	case 'J':
		return true;
	default:
		return false;
	}
}

std::string seconds(double t)
{
	if (!std::isfinite(t))
		return "?";
	char text[32];
	std::snprintf(text, sizeof(text), "%.3f", t);
	return text;
}

} // namespace

std::size_t StreamData::numericCount() const noexcept
{
	std::size_t n = 0;
	for (const Field &f : layout)
		n += !isTextType(f.type);
	return n;
}

bool StreamData::integerFields() const noexcept
{
	bool any = false;
	for (const Field &f : layout) {
		if (isTextType(f.type))
			continue;
		if (!isIntegerType(f.type))
			return false;
		any = true;
	}
	return any;
}

SessionOptions sessionOptions(const DecodeOptions &decode)
{
	SessionOptions o;
	o.decode = decode;
	o.records = false;
	o.header = false;  // the header is read from the Session, not as a record
	o.summary = false; // the same for the summary
	o.gps = true;
	o.threads = 1;
	return o;
}

bool Collector::handle(SessionEvent &event)
{
	switch (event.kind) {
	case SessionEvent::Kind::Payload:
		if (event.payload && event.part <= 0)
			addPayload(*event.payload);
		if (event.gps)
			addGps(*event.gps);
		break;
	case SessionEvent::Kind::Warning:
		if (quiet_) {
			quietened_++;
			break;
		}
		if (out_.diagnostics.size() < kMaxDiagnostics)
			out_.diagnostics.push_back(event.detail.empty() ? std::string(event.message)
									: std::string(event.message) + ": " +
									      std::string(event.detail));
		else if (out_.diagnostics.size() == kMaxDiagnostics)
			out_.diagnostics.push_back("(further diagnostics left out)");
		break;
	default:
		break;
	}
	return true;
}

DeviceData &Collector::deviceFor(const Device &device)
{
	const std::string id = device.idString();
	for (DeviceData &d : out_.devices)
		if (d.idString() == id)
			return d;
	DeviceData &d = out_.devices.emplace_back();
	d.id = device.id;
	d.idText = device.idText;
	return d;
}

void Collector::addPayload(const Payload &payload)
{
	out_.payloadEvents++;
	seen_++;
	for (const Diagnostic &d : payload.diagnostics) {
		if (out_.diagnostics.size() >= kMaxDiagnostics)
			break;
		out_.diagnostics.push_back("payload " + std::to_string(payload.index) + " at " +
					   seconds(payload.pts) + " s: " + d.message());
	}
	for (const std::string &path : payload.unsupported) {
		const std::string text = "undecoded data (unsupported) in " + path;
		if (out_.diagnostics.size() < kMaxDiagnostics &&
		    std::find(out_.diagnostics.begin(), out_.diagnostics.end(), text) ==
			out_.diagnostics.end())
			out_.diagnostics.push_back(text);
	}
	for (const Device &device : payload.devices) {
		DeviceData &d = deviceFor(device);
		if (!device.name.empty())
			d.name = device.name;
		d.properties = device.properties;
		for (const Stream &stream : device.streams)
			addStream(d, stream, payload);
	}
}

void Collector::addStream(DeviceData &device, const Stream &stream, const Payload &payload)
{
	StreamData *s = nullptr;
	for (std::size_t i : device.streams)
		if (out_.streams[i].key == stream.key)
			s = &out_.streams[i];
	if (!s) {
		device.streams.push_back(out_.streams.size());
		s = &out_.streams.emplace_back();
		s->key = stream.key;
	}
	s->sticky = stream.sticky;
	s->raw = stream.raw;
	const Values &v = stream.values;
	const bool hasSamples = v.sampleCount > 0;
	if (!s->haveLayout || (hasSamples && s->rows() == 0)) {
		// Until a sample arrives, the metadata follows the latest payload.
		s->name = stream.name;
		s->units = stream.units;
		s->fields = stream.fields;
		s->precision = stream.precision;
		s->layout = v.fields;
		s->haveLayout = hasSamples;
		s->grouped = stream.isGrouped();
	}
	if (!hasSamples && !stream.isGrouped())
		return;
	if (hasSamples && !(v.fields == s->layout)) {
		if (out_.diagnostics.size() < kMaxDiagnostics)
			out_.diagnostics.push_back(
			    "payload " + std::to_string(payload.index) + " at " + seconds(payload.pts) +
			    " s: the layout of " + device.idString() + "/" + stream.key.str() + " changed (" +
			    std::to_string(v.fields.size()) + " fields instead of " +
			    std::to_string(s->layout.size()) + "): its samples were left out");
		return;
	}
	if (stream.isGrouped() != s->grouped) {
		if (s->rows() > 0 || !s->slotSizes.empty())
			return; // a stream that changes its kind of timing: keep the first
		s->grouped = stream.isGrouped();
	}

	const std::size_t slots = stream.slotCount();
	const bool timed = stream.times.size() == slots;
	const bool hasUtc = stream.utc.size() == slots && slots > 0;
	const std::size_t before = s->rows();
	const std::size_t rows = v.sampleCount;
	if (hasUtc && s->utc.empty() && before > 0)
		s->utc.assign(before, kNaN); // the first payloads had no UTC
	if (before == 0 && expected_ > seen_) {
		// Room for the payloads to come at this one's rate, and a tenth more.
		const std::size_t payloads = expected_ - seen_ + 1;
		const std::size_t room = rows * payloads + rows * payloads / 10 + 16;
		s->t.reserve(room);
		s->values.reserve(room * v.numericFieldCount());
		s->texts.reserve(room * v.textFieldCount());
		if (hasUtc)
			s->utc.reserve(room);
		if (stream.isGrouped()) {
			const std::size_t slotRoom = slots * payloads + slots * payloads / 10 + 16;
			s->slotT.reserve(slotRoom);
			s->slotSizes.reserve(slotRoom);
		}
	}

	s->values.insert(s->values.end(), v.numbers.begin(), v.numbers.end());
	s->texts.insert(s->texts.end(), v.texts.begin(), v.texts.end());
	if (!stream.isGrouped()) {
		if (timed)
			s->t.insert(s->t.end(), stream.times.begin(), stream.times.end());
		else
			s->t.resize(before + rows, kNaN);
		if (hasUtc)
			s->utc.insert(s->utc.end(), stream.utc.begin(), stream.utc.end());
		else if (!s->utc.empty())
			s->utc.resize(before + rows, kNaN);
		return;
	}
	// Grouped: the slot times repeated for their items.
	for (std::size_t i = 0; i < slots; i++) {
		const double t = timed ? stream.times[i] : kNaN;
		const double utc = hasUtc ? stream.utc[i] : kNaN;
		s->slotT.push_back(t);
		s->slotSizes.push_back(stream.slotSizes[i]);
		s->t.insert(s->t.end(), stream.slotSizes[i], t);
		if (hasUtc || !s->utc.empty())
			s->utc.insert(s->utc.end(), stream.slotSizes[i], utc);
	}
	// Slot sizes that do not add up to the items (damaged data): rows stay aligned.
	s->t.resize(before + rows, kNaN);
	if (!s->utc.empty())
		s->utc.resize(before + rows, kNaN);
}

void Collector::addGps(const std::vector<GpsPoint> &points)
{
	GpsColumns &g = out_.gps;
	if (g.t.empty() && !points.empty() && expected_ > seen_) {
		const std::size_t payloads = expected_ - seen_ + 1;
		const std::size_t room = points.size() * payloads + points.size() * payloads / 10 + 16;
		for (std::vector<double> *c :
		     {&g.t, &g.utc, &g.lat, &g.lon, &g.alt, &g.speed2d, &g.speed3d, &g.dop})
			c->reserve(room);
		g.fix.reserve(room);
		g.source.reserve(room);
	}
	for (const GpsPoint &p : points) {
		g.t.push_back(p.time);
		g.utc.push_back(p.utc);
		g.lat.push_back(p.lat);
		g.lon.push_back(p.lon);
		g.alt.push_back(p.alt);
		g.speed2d.push_back(p.speed2d);
		g.speed3d.push_back(p.speed3d);
		g.fix.push_back(std::int8_t(p.fix));
		g.dop.push_back(p.dop);
		std::array<char, 4> source{};
		std::copy_n(p.source.begin(), std::min<std::size_t>(4, p.source.size()), source.begin());
		g.source.push_back(source);
	}
}

void Collector::finish()
{
	if (quietened_ > 0 && out_.diagnostics.size() < kMaxDiagnostics)
		out_.diagnostics.push_back(std::to_string(quietened_) +
					   " stretches of non-GPMF data skipped while scanning the file");
}

} // namespace gpmf::python
