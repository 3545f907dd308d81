# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
"""The module's arrays against gpmf-dump's NDJSON, for every stream of every raw sample: the
same numbers (to the decimals the NDJSON writes), the same times within 1e-9 s, the same UTC
(to the millisecond the NDJSON writes), the same text, the same summary."""

import math
from datetime import datetime, timezone

import numpy as np
import pytest

import gpmf
from conftest import gpmf_dump_records, raw_samples, same_summary, sample_path


def reference_streams(payloads):
    """Per (device id, FourCC), in first-seen order: the samples of every payload record."""
    streams = {}
    for record in payloads:
        for device in record["devices"]:
            for stream in device["streams"]:
                key = (str(device["id"]), stream["fourcc"])
                streams.setdefault(key, []).extend(stream["samples"])
    return streams


def flatten(stream, samples):
    """NDJSON samples as rows (items for grouped streams): times, numeric rows, text rows,
    UTC texts, and the slot sizes of grouped streams."""
    t, numbers, texts, utc, slots = [], [], [], [], []
    nfields = len(stream.types)
    text_set = set(stream.text_fields)

    def row(value):
        fields = [value] if nfields == 1 else value
        assert len(fields) == nfields, f"{stream.fourcc}: {value!r} has not {nfields} fields"
        numbers.append([f for i, f in enumerate(fields) if i not in text_set])
        texts.append(tuple(f for i, f in enumerate(fields) if i in text_set))

    for s in samples:
        items = s["v"] if stream.grouped else [s["v"]]
        if stream.grouped:
            slots.append(len(items))
        for item in items:
            t.append(math.nan if s.get("t") is None else s["t"])
            utc.append(s.get("utc"))
            row(item)
    return t, numbers, texts, utc, slots


def utc_text(ns):
    """datetime64[ns] as int ns -> the NDJSON's "2017-04-17T17:31:03.055Z" (rounded to ms as
    the library does: half away from zero)."""
    ms = int(math.floor(ns / 1e6 + 0.5))
    dt = datetime.fromtimestamp(ms // 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def check_number(ours, theirs, precision, where):
    if theirs is None:
        assert not math.isfinite(ours), f"{where}: {ours} for null"
        return
    if precision >= 0:
        # The NDJSON writes the value rounded to `precision` decimals.
        tolerance = 0.5 * 10.0 ** -precision * (1 + 1e-9) + 1e-12 * abs(theirs)
        assert abs(ours - theirs) <= tolerance, f"{where}: {ours!r} vs {theirs!r} ({precision} decimals)"
    elif precision == -2:
        assert np.float32(ours) == np.float32(theirs), f"{where}: {ours!r} vs {theirs!r} (float)"
    else:
        assert ours == theirs, f"{where}: {ours!r} vs {theirs!r}"


def compare(rec, payloads, name):
    # The payloads' diagnostics: the same, in the same order, as "payload N at T s: message".
    expected = [f"payload {r['index']} at {r['pts']:.3f} s: {d['message']}"
                for r in payloads for d in r.get("diagnostics", [])]
    assert [d for d in rec.diagnostics if d.startswith("payload ")] == expected, name
    reference = reference_streams(payloads)
    ours = {(str(s.device.id), s.fourcc): s for s in rec.streams}
    # Streams that never had a sample in a record with samples are in neither, or are empty.
    assert {k for k, v in reference.items() if v} <= set(ours), name
    for key, s in ours.items():
        assert key in reference or len(s) == 0, f"{name} {key}: {len(s)} rows that gpmf-dump does not have"
    for key, samples in reference.items():
        where = f"{name} {key[0]}/{key[1]}"
        if key not in ours:
            assert not samples, where
            continue
        s = ours[key]
        t, numbers, texts, utc, slots = flatten(s, samples)
        assert len(s) == len(t), f"{where}: {len(s)} rows, gpmf-dump {len(t)}"
        assert s.t.dtype == np.float64 and s.t.shape == (len(t),)
        np.testing.assert_allclose(s.t, np.array(t, dtype=float), rtol=0, atol=1e-9, err_msg=where)
        numeric = s.values.shape[1]
        expected = np.array(numbers, dtype=object).reshape(len(t), numeric) if t else np.zeros((0, numeric))
        for k in range(numeric):
            precision = s.precision[k] if k < len(s.precision) else -1
            column = s.values[:, k]
            for i in range(len(t)):
                check_number(float(column[i]), expected[i, k], precision, f"{where} row {i} field {k}")
        if s.text_fields:
            got = s.text if len(s.text_fields) > 1 else [(x,) for x in s.text]
            assert got == texts, where
        else:
            assert s.text is None
        if any(u is not None for u in utc):
            assert s.utc is not None and s.utc.dtype == np.dtype("datetime64[ns]"), where
            ns = s.utc.astype(np.int64)
            for i, text in enumerate(utc):
                if text is None:
                    assert np.isnat(s.utc[i]), f"{where} row {i}: utc {s.utc[i]} for none"
                else:
                    got = utc_text(int(ns[i]))
                    # Our nanoseconds and the library's milliseconds round the same double:
                    # they can differ only for a time within a microsecond of half a millisecond.
                    if got != text:
                        half = abs((ns[i] / 1e6) % 1 - 0.5) * 1e6
                        assert half < 1000, f"{where} row {i}: utc {got} vs {text}"
        elif s.utc is not None:
            assert np.isnat(s.utc).all(), where
        if s.grouped:
            assert list(s.slot_sizes) == slots, where
            assert len(s.slot_t) == len(slots)


@pytest.mark.parametrize("name", raw_samples())
def test_arrays_equal_gpmf_dump(name):
    path = sample_path(name)
    payloads, summary = gpmf_dump_records(path)
    rec = gpmf.open(path)
    compare(rec, payloads, name)
    same_summary(rec.summary, summary, name)


@pytest.mark.parametrize("name", raw_samples())
def test_raw_values_equal_gpmf_dump_raw(name):
    path = sample_path(name)
    payloads, summary = gpmf_dump_records(path, "--raw")
    rec = gpmf.open(path, raw=True)
    for s in rec.streams:
        assert s.raw or not len(s), s
        numeric = [t for i, t in enumerate(s.types) if i not in s.text_fields]
        if s.raw and numeric and all(t in "bBsSlLjJ" for t in numeric):
            assert s.values.dtype == np.int64, s
        else:
            assert s.values.dtype == np.float64, s
    compare(rec, payloads, name + " --raw")
    same_summary(rec.summary, summary, name + " --raw")


@pytest.mark.parametrize("name", raw_samples())
def test_gps_track_equals_gpmf_dump_csv(name, tmp_path):
    """The GPS track is gpmf-dump --gps csv's, point for point."""
    import csv
    import subprocess

    from conftest import dump_tool

    path = sample_path(name)
    out = subprocess.run([dump_tool(), "--gps", "csv", str(path)], capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    rows = list(csv.DictReader(out.stdout.splitlines()))
    gps = gpmf.open(path).gps
    assert len(gps) == len(rows), name
    if rows:
        lat_key = next(k for k in rows[0] if k.lower().startswith("lat"))
        lon_key = next(k for k in rows[0] if k.lower().startswith("lon"))
        np.testing.assert_allclose(gps.lat, [float(r[lat_key]) for r in rows], atol=1e-7)
        np.testing.assert_allclose(gps.lon, [float(r[lon_key]) for r in rows], atol=1e-7)
