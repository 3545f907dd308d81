// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// From the C++ recording to Python objects.

#include "convert.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>

#include "gpmf/gps.h"
#include "gpmf/klv.h"

namespace py = pybind11;

namespace gpmf::python {

namespace {

constexpr std::int64_t kNaT = std::numeric_limits<std::int64_t>::min();

bool isIntegerType(char type)
{
	return std::strchr("bBsSlLjJ", type) != nullptr && type != 0;
}

// A NumPy array over the memory of `data`, which the array then owns (through a capsule).
template <class T>
py::array adopt(std::vector<T> &&data, std::vector<py::ssize_t> shape, const py::dtype &dtype)
{
	auto *owned = new std::vector<T>(std::move(data));
	py::capsule owner(owned, [](void *p) { delete static_cast<std::vector<T> *>(p); });
	std::vector<py::ssize_t> strides(shape.size());
	py::ssize_t stride = sizeof(T);
	for (std::size_t i = shape.size(); i-- > 0;) {
		strides[i] = stride;
		stride *= shape[i];
	}
	if (owned->empty()) // a null pointer would make NumPy allocate; any valid one will do
		owned->reserve(1);
	return py::array(dtype, shape, strides, owned->data(), owner);
}

py::array floats(std::vector<double> &&data, std::vector<py::ssize_t> shape)
{
	return adopt(std::move(data), std::move(shape), py::dtype::of<double>());
}

py::array floats(std::vector<double> &&data)
{
	const auto n = py::ssize_t(data.size());
	return floats(std::move(data), {n});
}

// Seconds since 1970 (NaN unknown) to datetime64[ns] (NaT unknown), rounded to the microsecond:
// a double holds a time of this century to a quarter of one, so finer digits would be noise.
py::array datetimes(std::vector<double> &&utc)
{
	std::vector<std::int64_t> ns(utc.size());
	for (std::size_t i = 0; i < utc.size(); i++) {
		const double s = utc[i];
		ns[i] = std::isfinite(s) && std::fabs(s) < 9.2e9 ? std::llround(s * 1e6) * 1000 : kNaT;
	}
	utc = {};
	const auto n = py::ssize_t(ns.size());
	return adopt(std::move(ns), {n}, py::dtype("datetime64[ns]"));
}

// The numeric values of a stream as int64 (raw integers), converted in place.
py::array integers(std::vector<double> &&values, std::vector<py::ssize_t> shape)
{
	static_assert(sizeof(double) == sizeof(std::int64_t));
	for (double &v : values) {
		std::int64_t i = 0;
		if (std::isfinite(v))
			i = v >= 9.2e18	   ? std::numeric_limits<std::int64_t>::max()
			    : v <= -9.2e18 ? std::numeric_limits<std::int64_t>::min()
					   : std::llround(v);
		std::memcpy(&v, &i, sizeof(i));
	}
	return adopt(std::move(values), std::move(shape), py::dtype::of<std::int64_t>());
}

py::object number(double v, char type)
{
	if (isIntegerType(type) && std::isfinite(v) && std::fabs(v) < 9.2e18)
		return py::int_(std::llround(v));
	return py::float_(v);
}

py::list strings(const std::vector<std::string> &texts)
{
	py::list out(texts.size());
	for (std::size_t i = 0; i < texts.size(); i++)
		out[i] = py::str(texts[i]);
	return out;
}

py::dict properties(const std::vector<Property> &props)
{
	py::dict out;
	for (const Property &p : props)
		out[py::str(p.key.str())] =
		    valuesToPython(p.values); // a key given twice keeps its last value
	return out;
}

py::object deviceId(std::uint32_t id, const std::string &idText)
{
	if (!idText.empty())
		return py::str(idText);
	return py::int_(id);
}

py::object optionalText(const std::string &s)
{
	return s.empty() ? py::object(py::none()) : py::object(py::str(s));
}

py::object finiteOrNone(double v)
{
	return std::isfinite(v) ? py::object(py::float_(v)) : py::object(py::none());
}

py::object utcText(double utc)
{
	const std::string text = formatUtc(utc);
	return optionalText(text);
}

const StreamSummary *summaryOf(const Summary &summary, const std::string &device, FourCC key)
{
	for (const StreamSummary &s : summary.streams)
		if (s.key == key && s.device == device)
			return &s;
	return nullptr;
}

py::dict stream(StreamData &s, const StreamSummary *summary)
{
	py::dict d;
	const std::size_t rows = s.rows();
	const std::size_t numeric = s.numericCount();
	const std::size_t text = s.textCount();
	d["fourcc"] = s.key.str();
	d["name"] = s.name;
	d["units"] = strings(s.units);
	d["fields"] = strings(s.fields);
	d["sticky"] = properties(s.sticky);
	d["raw"] = s.raw;
	d["grouped"] = s.grouped;
	py::list precision;
	for (std::int8_t p : s.precision)
		precision.append(int(p));
	d["precision"] = precision;
	py::list textFields, types;
	for (std::size_t i = 0; i < s.layout.size(); i++) {
		types.append(py::str(std::string(1, s.layout[i].type)));
		if (isTextType(s.layout[i].type))
			textFields.append(i);
	}
	d["types"] = types;
	d["text_fields"] = textFields;
	d["rate"] =
	    summary && summary->rate > 0 ? py::object(py::float_(summary->rate)) : py::object(py::none());

	const std::vector<py::ssize_t> shape{py::ssize_t(rows), py::ssize_t(numeric)};
	if (s.raw && s.integerFields())
		d["values"] = integers(std::move(s.values), shape);
	else
		d["values"] = floats(std::move(s.values), shape);
	d["t"] = floats(std::move(s.t));
	d["utc"] = s.utc.empty() ? py::object(py::none()) : py::object(datetimes(std::move(s.utc)));
	if (text == 0) {
		d["text"] = py::none();
	} else if (text == 1) {
		d["text"] = strings(s.texts);
	} else {
		py::list out(rows);
		for (std::size_t r = 0; r < rows && (r + 1) * text <= s.texts.size(); r++) {
			py::tuple row(text);
			for (std::size_t k = 0; k < text; k++)
				row[k] = py::str(s.texts[r * text + k]);
			out[r] = row;
		}
		d["text"] = out;
	}
	s.texts = {};
	if (s.grouped) {
		d["slot_t"] = floats(std::move(s.slotT));
		const auto n = py::ssize_t(s.slotSizes.size());
		d["slot_sizes"] = adopt(std::move(s.slotSizes), {n}, py::dtype::of<std::uint32_t>());
	} else {
		d["slot_t"] = py::none();
		d["slot_sizes"] = py::none();
	}
	return d;
}

py::dict header(const Header &h)
{
	py::dict d;
	d["camera"] = optionalText(h.camera);
	d["firmware"] = optionalText(h.firmware);
	d["serial"] = optionalText(h.serial);
	d["lens"] = optionalText(h.lens);
	d["media_uid"] = optionalText(h.mediaUid);
	py::list hilights;
	for (const HiLight &hl : h.hilights) {
		py::dict x;
		x["t"] = hl.time;
		x["in"] = hl.in >= 0 ? py::object(py::float_(hl.in)) : py::object(py::none());
		x["out"] = hl.out >= 0 ? py::object(py::float_(hl.out)) : py::object(py::none());
		const bool where = hl.lat != 0 || hl.lon != 0;
		x["lat"] = where ? py::object(py::float_(hl.lat)) : py::object(py::none());
		x["lon"] = where ? py::object(py::float_(hl.lon)) : py::object(py::none());
		x["alt"] = where ? py::object(py::float_(hl.alt)) : py::object(py::none());
		x["kind"] = optionalText(hl.kind);
		x["confidence"] =
		    hl.confidence >= 0 ? py::object(py::float_(hl.confidence)) : py::object(py::none());
		x["score"] = hl.score >= 0 ? py::object(py::float_(hl.score)) : py::object(py::none());
		hilights.append(x);
	}
	d["hilights"] = hilights;
	py::list settings;
	for (const Device &dev : h.settings) {
		py::dict x;
		x["id"] = deviceId(dev.id, dev.idText);
		x["name"] = dev.name;
		x["properties"] = properties(dev.properties);
		py::list streams;
		for (const Stream &s : dev.streams) {
			py::dict y;
			y["fourcc"] = s.key.str();
			y["name"] = s.name;
			y["units"] = strings(s.units);
			y["fields"] = strings(s.fields);
			y["sticky"] = properties(s.sticky);
			y["value"] = valuesToPython(s.values);
			streams.append(y);
		}
		x["streams"] = streams;
		settings.append(x);
	}
	d["settings"] = settings;
	py::dict atoms;
	for (const auto &[key, value] : h.atoms)
		atoms[py::str(key)] = py::str(value);
	d["atoms"] = atoms;
	py::list diagnostics;
	for (const Diagnostic &diag : h.diagnostics)
		diagnostics.append(diag.message());
	d["diagnostics"] = diagnostics;
	return d;
}

py::dict summary(const Summary &s)
{
	py::dict d;
	d["payloads"] = s.payloads;
	d["corrupt_payloads"] = s.corruptPayloads;
	py::list streams;
	for (const StreamSummary &x : s.streams) {
		py::dict y;
		y["device"] = x.device;
		y["device_name"] = x.deviceName;
		y["fourcc"] = x.key.str();
		y["name"] = x.name;
		y["samples"] = x.samples;
		y["rate"] = x.rate > 0 ? py::object(py::float_(x.rate)) : py::object(py::none());
		y["first"] = finiteOrNone(x.firstTime);
		y["last"] = finiteOrNone(x.lastTime);
		y["first_utc"] = utcText(x.firstUtc);
		y["last_utc"] = utcText(x.lastUtc);
		streams.append(y);
	}
	d["streams"] = streams;
	return d;
}

py::dict gps(GpsColumns &&g)
{
	py::dict d;
	const auto n = py::ssize_t(g.t.size());
	// Sources as a fixed-width NumPy string array ('<U4'), not a Python str per point.
	py::array source(py::dtype("<U4"), std::vector<py::ssize_t>{n});
	auto *chars = static_cast<std::uint32_t *>(source.mutable_data());
	for (py::ssize_t i = 0; i < n; i++)
		for (std::size_t k = 0; k < 4; k++)
			chars[i * 4 + k] = std::uint8_t(g.source[std::size_t(i)][k]);
	d["t"] = floats(std::move(g.t));
	d["utc"] = datetimes(std::move(g.utc));
	d["lat"] = floats(std::move(g.lat));
	d["lon"] = floats(std::move(g.lon));
	d["alt"] = floats(std::move(g.alt));
	d["speed2d"] = floats(std::move(g.speed2d));
	d["speed3d"] = floats(std::move(g.speed3d));
	d["fix"] = adopt(std::move(g.fix), {n}, py::dtype::of<std::int8_t>());
	d["dop"] = floats(std::move(g.dop));
	d["source"] = source;
	return d;
}

} // namespace

py::object valuesToPython(const Values &v)
{
	const std::size_t fields = v.fields.size();
	const auto field = [&](std::size_t sample, std::size_t f) -> py::object {
		if (v.isTextField(f))
			return py::str(v.text(sample, f));
		return number(v.number(sample, f), v.fields[f].type);
	};
	const auto sample = [&](std::size_t i) -> py::object {
		if (fields == 1)
			return field(i, 0);
		py::list out(fields);
		for (std::size_t f = 0; f < fields; f++)
			out[f] = field(i, f);
		return out;
	};
	if (v.sampleCount == 1 && fields > 0)
		return sample(0);
	py::list out;
	if (fields == 0)
		return out;
	for (std::size_t i = 0; i < v.sampleCount; i++)
		out.append(sample(i));
	return out;
}

py::dict toPython(Recording &&rec)
{
	py::dict d;
	d["source"] = rec.source;
	d["bytes_read"] = rec.bytesRead;
	d["file_size"] = rec.fileSize;
	d["header"] = header(rec.header);
	py::list devices;
	for (const DeviceData &dev : rec.devices) {
		py::dict x;
		x["id"] = deviceId(dev.id, dev.idText);
		x["name"] = dev.name;
		x["properties"] = properties(dev.properties);
		py::list streams;
		for (std::size_t i : dev.streams)
			streams.append(stream(rec.streams[i],
					      summaryOf(rec.summary, dev.idString(), rec.streams[i].key)));
		x["streams"] = streams;
		devices.append(x);
	}
	d["devices"] = devices;
	d["summary"] = summary(rec.summary);
	d["diagnostics"] = strings(rec.diagnostics);
	d["gps"] = gps(std::move(rec.gps));
	return d;
}

} // namespace gpmf::python
