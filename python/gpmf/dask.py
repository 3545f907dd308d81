# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
"""Dask collections over many GoPro files: one task per file, run wherever Dask runs them.

Each file is decoded by one task (:func:`gpmf.open`, GIL released), on a local scheduler or a
``dask.distributed`` cluster whose workers can read the paths and import ``gpmf``::

    from dask.distributed import Client
    import gpmf.dask

    client = Client("tcp://scheduler:8786")
    paths = sorted(glob.glob("/data/gopro/**/*.MP4", recursive=True))
    summaries = gpmf.dask.summaries(paths).compute()       # one dict per file
    streams = gpmf.dask.summary_frame(paths).compute()     # one row per file and stream
    track = gpmf.dask.gps_tracks(paths, min_gps_fix=3)     # a dask DataFrame of GPS points
    accl = gpmf.dask.stream_frame(paths, "ACCL")           # a dask DataFrame of one stream

What travels between the workers and the client are the results (dicts, DataFrames), never the
files: a worker reads its file itself.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Literal, Optional, Sequence, Union

import numpy as np

import gpmf

__all__ = ["summarize", "summaries", "summary_frame", "gps_tracks", "stream_frame"]

PathLike = Union[str, "os.PathLike[str]"]
Errors = Literal["raise", "record", "skip"]


def _open(path: str, options: Dict[str, Any]) -> gpmf.Recording:
    return gpmf.open(path, **options)


def summarize(path: PathLike, **options: Any) -> Dict[str, Any]:
    """The per-file summary one task returns: the file's :attr:`gpmf.Recording.summary`
    (``payloads``, ``corrupt_payloads``, ``streams``) plus ``path``, ``source``, ``camera``,
    ``firmware``, ``serial``, ``hilights`` (their count), ``gps_points``, ``diagnostics`` (the
    lines), ``bytes_read``, ``file_size`` and ``error`` (None). Options as for
    :func:`gpmf.open`. Raises what :func:`gpmf.open` raises."""
    p = os.fspath(path)
    rec = gpmf.open(p, **options)
    header = rec.header
    out: Dict[str, Any] = {
        "path": p,
        "source": rec.source,
        "camera": header["camera"],
        "firmware": header["firmware"],
        "serial": header["serial"],
        "hilights": len(header["hilights"]),
        "gps_points": len(rec.gps),
        "diagnostics": list(rec.diagnostics),
        "bytes_read": rec.bytes_read,
        "file_size": rec.file_size,
        "error": None,
    }
    out.update(rec.summary)
    return out


def _summarize_or_record(path: str, options: Dict[str, Any], errors: Errors) -> Optional[Dict[str, Any]]:
    try:
        return summarize(path, **options)
    except (gpmf.Error, OSError) as e:
        if errors == "raise":
            raise
        if errors == "skip":
            return None
        return {"path": path, "error": f"{type(e).__name__}: {e}"}


def summaries(paths: Sequence[PathLike], *, errors: Errors = "record", npartitions: Optional[int] = None,
              **options: Any):
    """A ``dask.bag.Bag`` of :func:`summarize` dicts, one per file, in the order of ``paths``.

    Args:
        paths: The files (paths the workers can open).
        errors: A file that cannot be decoded gives ``{"path", "error"}`` (``"record"``, the
            default), is left out (``"skip"``), or fails the computation (``"raise"``).
        npartitions: Bag partitions (default: one per file, so every file is a task).
        options: As for :func:`gpmf.open` (``streams``, ``min_gps_fix``...).
    """
    import dask.bag as db

    files = [os.fspath(p) for p in paths]
    if npartitions is None:
        bag = db.from_sequence(files, partition_size=1)
    else:
        bag = db.from_sequence(files, npartitions=npartitions)
    out = bag.map(_summarize_or_record, options, errors)
    if errors == "skip":
        out = out.filter(lambda s: s is not None)
    return out


_SUMMARY_META = {
    "path": "object", "device": "object", "device_name": "object", "fourcc": "object", "name": "object",
    "samples": "int64", "rate": "float64", "first": "float64", "last": "float64",
    "first_utc": "datetime64[ns]", "last_utc": "datetime64[ns]",
}


def _utc(text: Optional[str]) -> np.datetime64:
    # "2017-04-17T17:31:03.055Z": UTC, naive as the arrays' datetime64[ns] are.
    return np.datetime64(text[:-1], "ns") if text else np.datetime64("NaT", "ns")


def _summary_rows(path: str, options: Dict[str, Any], errors: Errors):
    import pandas as pd

    s = _summarize_or_record(path, options, errors)
    rows = []
    for st in (s or {}).get("streams", []):
        rows.append({
            "path": path, "device": st["device"], "device_name": st["device_name"], "fourcc": st["fourcc"],
            "name": st["name"], "samples": st["samples"],
            "rate": np.nan if st["rate"] is None else st["rate"],
            "first": np.nan if st["first"] is None else st["first"],
            "last": np.nan if st["last"] is None else st["last"],
            "first_utc": _utc(st["first_utc"]), "last_utc": _utc(st["last_utc"]),
        })
    frame = pd.DataFrame(rows, columns=list(_SUMMARY_META))
    return frame.astype(_SUMMARY_META)


def summary_frame(paths: Sequence[PathLike], *, errors: Errors = "skip", **options: Any):
    """A ``dask.dataframe.DataFrame`` with one row per file and stream: ``path``, ``device``,
    ``device_name``, ``fourcc``, ``name``, ``samples``, ``rate``, ``first``, ``last``,
    ``first_utc``, ``last_utc`` (one partition per file). Files that cannot be decoded give no
    row (``errors="skip"``) or fail the computation (``"raise"``)."""
    import dask.dataframe as dd
    import pandas as pd

    files = [os.fspath(p) for p in paths]
    meta = pd.DataFrame({k: pd.Series(dtype=v) for k, v in _SUMMARY_META.items()})
    return dd.from_map(_summary_rows, files, options=options, errors=_rows_errors(errors), meta=meta,
                       enforce_metadata=False)


def _rows_errors(errors: Errors) -> Errors:
    if errors not in ("raise", "skip"):
        raise ValueError("errors is 'raise' or 'skip' for a DataFrame")
    return errors


_GPS_META = {
    "path": "object", "t": "float64", "utc": "datetime64[ns]", "lat": "float64", "lon": "float64",
    "alt": "float64", "speed2d": "float64", "speed3d": "float64", "fix": "int8", "dop": "float64",
    "source": "object",
}


def _gps_frame(path: str, options: Dict[str, Any], errors: Errors):
    import pandas as pd

    try:
        rec = _open(path, options)
    except (gpmf.Error, OSError):
        if errors == "raise":
            raise
        return pd.DataFrame({k: pd.Series(dtype=v) for k, v in _GPS_META.items()})
    g = rec.gps
    frame = pd.DataFrame({
        "path": pd.Series([path] * len(g), dtype="object"),
        "t": g.t, "utc": g.utc, "lat": g.lat, "lon": g.lon, "alt": g.alt, "speed2d": g.speed2d,
        "speed3d": g.speed3d, "fix": g.fix, "dop": g.dop, "source": g.source.astype(object),
    })
    return frame


def gps_tracks(paths: Sequence[PathLike], *, errors: Errors = "skip", **options: Any):
    """A ``dask.dataframe.DataFrame`` of the GPS tracks of ``paths`` (one partition per file):
    ``path``, ``t``, ``utc``, ``lat``, ``lon``, ``alt``, ``speed2d``, ``speed3d``, ``fix``,
    ``dop``, ``source``, as :class:`gpmf.GpsTrack`. ``min_gps_fix=3``, ``max_gps_dop=5`` filter
    the points. Files that cannot be decoded give no row (``errors="skip"``) or fail the
    computation (``"raise"``)."""
    import dask.dataframe as dd
    import pandas as pd

    files = [os.fspath(p) for p in paths]
    meta = pd.DataFrame({k: pd.Series(dtype=v) for k, v in _GPS_META.items()})
    return dd.from_map(_gps_frame, files, options=options, errors=_rows_errors(errors), meta=meta,
                       enforce_metadata=False)


def _stream_frame(path: str, fourcc: str, device: Union[int, str, None], columns: Optional[List[str]],
                  options: Dict[str, Any], errors: Errors, like):
    try:
        rec = _open(path, dict(options, streams=[fourcc]))
        stream = rec.stream(fourcc, device)
    except (gpmf.Error, OSError, KeyError):
        if errors == "raise":
            raise
        return like.iloc[:0].copy() if like is not None else None
    frame = stream.to_pandas().reset_index()
    frame.insert(0, "path", path)
    if columns is not None:
        frame = frame.reindex(columns=["path", "t"] + [c for c in columns if c not in ("path", "t")])
    if like is not None:
        frame = frame.reindex(columns=list(like.columns)).astype(like.dtypes.to_dict())
    return frame


def stream_frame(paths: Sequence[PathLike], fourcc: str, *, device: Union[int, str, None] = None,
                 columns: Optional[List[str]] = None, meta=None, errors: Errors = "skip", **options: Any):
    """A ``dask.dataframe.DataFrame`` of one stream (e.g. ``"ACCL"``) across files, one
    partition per file: ``path``, ``t``, then the stream's columns (:meth:`gpmf.Stream.to_pandas`).

    Args:
        paths: The files.
        fourcc: The stream.
        device: Its device (an id or name), when several have it.
        columns: The columns to keep, by name (default: those of the first file that has
            the stream). Columns are matched by field name: a file whose fields are named
            otherwise (cameras differ: HERO5 ACCL is ``z, x, y``, Fusion ``-y, x, z``) gets NaN
            in the columns it lacks and loses those it has in addition, so give the union when
            mixing camera models.
        meta: The empty pandas DataFrame the partitions look like; by default the first file
            is decoded on the client to find it.
        errors: ``"skip"`` (files without the stream give no row) or ``"raise"``.
        options: As for :func:`gpmf.open` (``raw``, ``min_gps_fix``...).
    """
    import dask.dataframe as dd

    files = [os.fspath(p) for p in paths]
    _rows_errors(errors)
    if meta is None:
        for p in files:
            frame = _stream_frame(p, fourcc, device, columns, options, "skip", None)
            if frame is not None:
                meta = frame.iloc[:0]
                break
        else:
            raise gpmf.Error(f"no file of {len(files)} has a {fourcc} stream")
    return dd.from_map(_stream_frame, files, fourcc=fourcc, device=device, columns=columns, options=options,
                       errors=errors, like=meta, meta=meta, enforce_metadata=False)
