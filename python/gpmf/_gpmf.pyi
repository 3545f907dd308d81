# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
# Types of the extension module gpmf._gpmf (C++, pybind11). Use the package `gpmf`, which wraps
# these dicts in classes (gpmf.Recording, gpmf.Stream...).
from typing import Any, Dict, List, Optional, Sequence, Union

__version__: str

class Error(ValueError):
    """The input holds no GPMF telemetry that could be decoded; the message says why."""

def open(
    path: str,
    *,
    raw: bool = ...,
    streams: Optional[Sequence[str]] = ...,
    devices: Optional[Sequence[str]] = ...,
    min_gps_fix: int = ...,
    max_gps_dop: float = ...,
) -> Dict[str, Any]:
    """Decodes a file: {"source", "bytes_read", "file_size", "header", "devices", "summary",
    "diagnostics", "gps"}, arrays as NumPy arrays. Raises Error or OSError."""

def decode(
    data: Union[bytes, bytearray, memoryview],
    *,
    pts: Optional[float] = ...,
    duration: Optional[float] = ...,
    raw: bool = ...,
    streams: Optional[Sequence[str]] = ...,
    devices: Optional[Sequence[str]] = ...,
    min_gps_fix: int = ...,
    max_gps_dop: float = ...,
) -> Dict[str, Any]:
    """Decodes one payload, as open() does a file. Raises Error."""
