// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// A Recording made Python: dicts and lists for the metadata, NumPy arrays that take over the
// C++ vectors (no copy) for the samples. Needs the GIL.
#pragma once

#include <pybind11/pybind11.h>

#include "recording.h"

namespace gpmf::python {

/// {"source", "bytes_read", "file_size", "header", "devices", "summary", "diagnostics", "gps"};
/// each device {"id", "name", "properties", "streams"}, each stream a dict of its arrays and
/// metadata (see gpmf/__init__.py, which wraps them in classes). Takes the vectors of `rec`.
pybind11::dict toPython(Recording &&rec);

/// A GPMF value as the JSON contract writes it: a scalar for one sample of one field, a list of
/// fields for one sample of several, a list of those for several samples, [] for none.
pybind11::object valuesToPython(const Values &values);

} // namespace gpmf::python
