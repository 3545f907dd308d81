# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
"""Every sample decodes; MP4s through the MP4 index read the telemetry and the header, and
agree with the track dumps and (when the build has it) gpmf2json."""

import json
import os
import subprocess

import numpy as np
import pytest

import gpmf
from conftest import all_samples, mp4_samples, same_summary, sample_path
from test_dump import compare


@pytest.mark.parametrize("name", all_samples())
def test_every_sample_decodes(name):
    path = sample_path(name)
    rec = gpmf.open(path)
    assert rec.summary["payloads"] > 0
    assert rec.summary["corrupt_payloads"] == 0
    # Nothing lost: at most the decoder's notes on a payload (e.g. a GPSU from a clock not set,
    # which test_dump checks against gpmf-dump's), nothing from the reading.
    assert all(d.startswith("payload ") and " s: " in d for d in rec.diagnostics), rec.diagnostics
    assert rec.streams, name
    assert rec.source == ("mp4" if name.lower().endswith((".mp4", ".360", ".lrv")) else "raw")
    assert 0 < rec.bytes_read <= rec.file_size + 64
    for s in rec.streams:
        assert s.t.dtype == np.float64 and s.t.ndim == 1
        assert s.values.ndim == 2 and s.values.shape[0] == len(s.t)
        assert s.values.flags.c_contiguous
        if s.utc is not None:
            assert s.utc.dtype == np.dtype("datetime64[ns]") and len(s.utc) == len(s.t)
        if s.text is not None:
            assert len(s.text) == len(s.t)
        if len(s.t) > 1 and not s.grouped:
            assert np.all(np.diff(s.t) >= 0), f"{name} {s.fourcc}: times go back"


@pytest.mark.parametrize("name", mp4_samples())
def test_mp4_reads_only_the_index_and_the_telemetry(name):
    path = sample_path(name)
    rec = gpmf.open(path)
    # A few hundred kB of a file of several MB: the moov and the gpmd samples, not the video.
    assert rec.bytes_read < rec.file_size / 10, (rec.bytes_read, rec.file_size)
    assert rec.header["camera"], rec.header
    assert rec.header["firmware"]
    assert isinstance(rec.header["hilights"], list) and isinstance(rec.header["settings"], list)


def test_karma_mp4_equals_its_track_dump(sample):
    """karma-track.bin is byte-identical to karma.mp4's gpmd track: the same values; the MP4's
    times come from its index (payloads of 1.001 s), the dump's from the 1 s rule."""
    mp4 = gpmf.open(sample("karma.mp4"))
    dump = gpmf.open(sample("karma-track.bin"))
    assert [(s.device.id, s.fourcc) for s in mp4.streams] == [(s.device.id, s.fourcc) for s in dump.streams]
    for a in mp4.streams:
        b = dump.stream(a.fourcc, a.device.id)
        np.testing.assert_array_equal(a.values, b.values)
        assert a.text == b.text
    assert mp4.stream("ACCL").t[-1] > dump.stream("ACCL").t[-1]  # 1.001 s payloads
    assert mp4.summary["payloads"] == dump.summary["payloads"] == 13


@pytest.mark.parametrize("name", mp4_samples())
def test_mp4_equals_gpmf2json(name, tmp_path):
    """With the plugin built, gpmf2json (gpmfdemux + gpmfparse) is the reference for MP4s."""
    tool = os.environ.get("GPMF2JSON", "")
    if not tool or not os.access(tool, os.X_OK):
        pytest.skip("gpmf2json is not built (plugin disabled): MP4s are checked against the dumps only")
    path = sample_path(name)
    out = tmp_path / "out.ndjson"
    run = subprocess.run([tool, str(path), "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    rec = gpmf.open(path)
    compare(rec, [r for r in records if r["type"] == "payload"], name)
    same_summary(rec.summary, next(r for r in records if r["type"] == "summary"), name)
    header = next(r for r in records if r["type"] == "header")
    for key in ("camera", "firmware", "serial", "lens", "media_uid"):
        assert rec.header[key] == header.get(key), key
    assert len(rec.header["hilights"]) == len(header["hilights"])
    assert rec.header["atoms"] == header["atoms"]


def test_gps_utc(sample):
    rec = gpmf.open(sample("hero5.raw"))
    gps5 = rec["GPS5"]
    assert gps5.utc is not None
    assert str(gps5.utc[0]) == "2017-04-17T17:31:03.000000000"
    assert gps5.columns == ["lat", "lon", "alt", "speed2d", "speed3d"]
    assert len(rec.gps) == len(gps5)
    assert set(rec.gps.source) == {"GPS5"}
    np.testing.assert_array_equal(rec.gps.lat, gps5.values[:, 0])
    assert rec["ACCL"].utc is None


def test_gps9_preferred(sample):
    rec = gpmf.open(sample("hero11-track.bin"))
    assert "GPS5" in rec and "GPS9" in rec
    assert set(rec.gps.source) == {"GPS9"}
    assert len(rec.gps) == len(rec["GPS9"])


def test_sticky_and_rate(sample):
    rec = gpmf.open(sample("hero5.raw"))
    accl = rec["ACCL"]
    assert accl.sticky["SCAL"] == 418
    assert accl.sticky["TSMP"] == 199
    assert accl.rate == 199
    assert accl.units == ["m/s²"]
    assert accl.fields == ["z", "x", "y"]
    assert rec["GPS5"].sticky["GPSU"] == "170417173103.000"
    assert rec.devices[0].id == 1 and rec.devices[0].name == "Camera"
    assert rec.devices[0].properties["TICK"] == 119095


def test_grouped_and_text_streams(sample):
    rec = gpmf.open(sample("hero11.raw"))
    scen = rec["SCEN"]
    assert scen.grouped
    assert scen.text_fields == [0]
    assert scen.text[:2] == ["SNOW", "URBA"]
    assert scen.values.shape == (len(scen), 1)
    assert int(scen.slot_sizes.sum()) == len(scen)
    assert len(scen.slot_t) == len(scen.slot_sizes)
    karma = gpmf.open(sample("karma.raw"))
    fwvs = karma.stream("FWVS", "GoPro Karma v1.0")
    assert fwvs.text == ["1.1.11.0"] and fwvs.values.shape == (1, 0)


def test_header_of_an_mp4(sample):
    rec = gpmf.open(sample("max-heromode.mp4"))
    h = rec.header
    assert h["camera"] == "GoPro Max"
    assert h["firmware"].startswith("H19")
    assert set(h) >= {"camera", "firmware", "serial", "lens", "media_uid", "hilights", "settings", "atoms",
                      "diagnostics"}
    assert all(isinstance(v, str) for v in h["atoms"].values())
