// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmf._gpmf: the extension module behind `import gpmf` (gpmf/__init__.py wraps what it returns
// in classes). Decoding runs with the GIL released; the arrays are built once, in C++.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "convert.h"
#include "reader.h"

namespace py = pybind11;
using namespace gpmf::python;

#ifndef GPMF_VERSION
#define GPMF_VERSION "0"
#endif

namespace {

PyObject *errorType = nullptr;

gpmf::DecodeOptions decodeOptions(bool raw, const std::optional<std::vector<std::string>> &streams,
				  const std::optional<std::vector<std::string>> &devices, int minGpsFix,
				  double maxGpsDop)
{
	gpmf::DecodeOptions o;
	o.raw = raw;
	if (streams) {
		for (const std::string &s : *streams) {
			const auto key = gpmf::FourCC::fromString(s);
			if (!key)
				throw py::value_error(
				    "a stream is named by its FourCC (four characters, e.g. 'ACCL'), not '" +
				    s + "'");
			o.streams.push_back(*key);
		}
		if (o.streams.empty()) // an empty list asks for nothing, not for everything
			o.streams.push_back(gpmf::FourCC("    "));
	}
	if (devices) {
		o.devices = *devices;
		if (o.devices.empty())
			o.devices.push_back(std::string(1, '\0'));
	}
	if (minGpsFix < 0 || minGpsFix > 3)
		throw py::value_error("min_gps_fix is 0 (no filter), 2 (2D) or 3 (3D)");
	if (!(maxGpsDop >= 0) || std::isinf(maxGpsDop))
		throw py::value_error("max_gps_dop is a DOP such as 5.0, or 0 for no limit");
	o.minGpsFix = minGpsFix;
	o.maxGpsDop = maxGpsDop;
	return o;
}

py::dict result(Recording &&rec, const std::string &path)
{
	if (rec.osError) {
		py::object error =
		    py::reinterpret_borrow<py::object>(PyExc_OSError)(rec.osError, rec.fatal, path);
		PyErr_SetObject(reinterpret_cast<PyObject *>(Py_TYPE(error.ptr())), error.ptr());
		throw py::error_already_set();
	}
	if (!rec.fatal.empty()) {
		const std::string text = path.empty() ? rec.fatal : path + ": " + rec.fatal;
		PyErr_SetString(errorType, text.c_str());
		throw py::error_already_set();
	}
	return toPython(std::move(rec));
}

gpmf::Nanoseconds nanoseconds(const std::optional<double> &seconds, const char *what)
{
	if (!seconds)
		return gpmf::kNoTime;
	if (!(*seconds >= 0 && *seconds < 1.8e10))
		throw py::value_error(std::string(what) + " is a time in seconds, 0 or more");
	return gpmf::Nanoseconds(std::llround(*seconds * 1e9));
}

} // namespace

PYBIND11_MODULE(_gpmf, m)
{
	m.doc() = "The C++ core of the gpmf package; use `import gpmf`, which wraps it.";
	m.attr("__version__") = GPMF_VERSION;

	errorType = PyErr_NewExceptionWithDoc(
	    "gpmf.Error",
	    "The input holds no GPMF telemetry that could be decoded. The message says why (the library's\n"
	    "diagnostic: what went wrong, at which byte, under which FourCC path). A ValueError.",
	    PyExc_ValueError, nullptr);
	if (!errorType)
		throw py::error_already_set();
	m.add_object("Error", py::reinterpret_borrow<py::object>(errorType));

	m.def(
	    "open",
	    [](const std::string &path, bool raw, std::optional<std::vector<std::string>> streams,
	       std::optional<std::vector<std::string>> devices, int minGpsFix, double maxGpsDop) {
		    const gpmf::DecodeOptions options =
			decodeOptions(raw, streams, devices, minGpsFix, maxGpsDop);
		    Recording rec;
		    {
			    py::gil_scoped_release nogil;
			    rec = readFile(path, options);
		    }
		    return result(std::move(rec), path);
	    },
	    py::arg("path"), py::kw_only(), py::arg("raw") = false, py::arg("streams") = py::none(),
	    py::arg("devices") = py::none(), py::arg("min_gps_fix") = 0, py::arg("max_gps_dop") = 0.0,
	    "Decodes a file into a dict of arrays and metadata (see gpmf.open).");

	m.def(
	    "decode",
	    [](py::buffer data, std::optional<double> pts, std::optional<double> duration, bool raw,
	       std::optional<std::vector<std::string>> streams,
	       std::optional<std::vector<std::string>> devices, int minGpsFix, double maxGpsDop) {
		    const gpmf::DecodeOptions options =
			decodeOptions(raw, streams, devices, minGpsFix, maxGpsDop);
		    const gpmf::Nanoseconds start = nanoseconds(pts, "pts");
		    const gpmf::Nanoseconds length = nanoseconds(duration, "duration");
		    const py::buffer_info info = data.request();
		    if (info.ndim != 1 || info.itemsize != 1 || info.strides[0] != 1)
			    throw py::type_error("decode() takes bytes (or any contiguous buffer of bytes)");
		    const std::span<const std::uint8_t> bytes(static_cast<const std::uint8_t *>(info.ptr),
							      std::size_t(info.size));
		    Recording rec;
		    {
			    py::gil_scoped_release nogil; // the buffer stays exported (and alive) meanwhile
			    rec = decodeBytes(bytes, start, length, options);
		    }
		    return result(std::move(rec), std::string());
	    },
	    py::arg("data"), py::kw_only(), py::arg("pts") = py::none(), py::arg("duration") = py::none(),
	    py::arg("raw") = false, py::arg("streams") = py::none(), py::arg("devices") = py::none(),
	    py::arg("min_gps_fix") = 0, py::arg("max_gps_dop") = 0.0,
	    "Decodes one payload into a dict of arrays and metadata (see gpmf.decode).");
}
