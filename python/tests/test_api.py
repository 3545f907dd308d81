# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
"""The Python face: filters, raw values, pandas, pickling, threads, help()."""

import pickle
import pydoc
import threading

import numpy as np
import pytest

import gpmf


def test_streams_filter(sample):
    rec = gpmf.open(sample("hero5-track.bin"), streams=["GPS5", "ACCL"])
    assert sorted(s.fourcc for s in rec.streams) == ["ACCL", "GPS5"]
    assert [s["fourcc"] for s in rec.summary["streams"]] == ["ACCL", "GPS5"]
    assert gpmf.open(sample("hero5-track.bin"), streams="GPS5").streams[0].fourcc == "GPS5"
    assert gpmf.open(sample("hero5-track.bin"), streams=[]).streams == []


def test_devices_filter(sample):
    rec = gpmf.open(sample("karma.raw"), devices=["GoPro Karma v1.0"])
    assert {d.name for d in rec.devices} == {"GoPro Karma v1.0"}
    rec = gpmf.open(sample("karma.raw"), devices=[1])
    assert [d.id for d in rec.devices] == [1]


def test_gps_filters(sample):
    path = sample("hero11-track.bin")
    whole = gpmf.open(path)
    fix = whole["GPS9"].values[:, 8]
    dop = whole["GPS9"].values[:, 7]
    fixed = gpmf.open(path, min_gps_fix=3)
    assert len(fixed["GPS9"]) == int(np.sum(fix >= 3))
    precise = gpmf.open(path, max_gps_dop=1.5)
    assert len(precise["GPS9"]) == int(np.sum(dop <= 1.5))
    assert len(precise.gps) <= len(whole.gps)
    assert np.all(precise.gps.dop <= 1.5)


def test_raw_integers(sample):
    scaled = gpmf.open(sample("hero5.raw"))["ACCL"]
    raw = gpmf.open(sample("hero5.raw"), raw=True)["ACCL"]
    assert raw.raw and not scaled.raw
    assert raw.values.dtype == np.int64 and scaled.values.dtype == np.float64
    np.testing.assert_allclose(raw.values / 418.0, scaled.values)
    gps = gpmf.open(sample("hero5.raw"), raw=True)["GPS5"]
    assert gps.values.dtype == np.int64 and abs(gps.values[0, 0]) > 1e8


def test_to_pandas(sample):
    pd = pytest.importorskip("pandas")
    rec = gpmf.open(sample("hero5.raw"))
    df = rec["ACCL"].to_pandas()
    assert list(df.columns) == ["z", "x", "y"]
    assert df.index.name == "t" and len(df) == 199
    np.testing.assert_array_equal(df.to_numpy(), rec["ACCL"].values)
    gps = rec["GPS5"].to_pandas(index="utc")
    assert isinstance(gps.index, pd.DatetimeIndex)
    assert list(gps.columns) == ["lat", "lon", "alt", "speed2d", "speed3d"]
    with_utc = rec["GPS5"].to_pandas()
    assert "utc" in with_utc.columns
    td = rec["ACCL"].to_pandas(index="timedelta")
    assert isinstance(td.index, pd.TimedeltaIndex)
    with pytest.raises(ValueError):
        rec["ACCL"].to_pandas(index="utc")
    shut = rec["SHUT"].to_pandas()
    assert list(shut.columns) == ["SHUT"]
    track = rec.gps.to_pandas()
    assert len(track) == len(rec.gps) and "lat" in track.columns


def test_to_pandas_grouped_and_text(sample):
    pytest.importorskip("pandas")
    scen = gpmf.open(sample("hero11.raw"))["SCEN"].to_pandas()
    assert list(scen.columns) == ["class", "probability", "slot"]
    assert scen["class"].iloc[0] == "SNOW"
    kbat = gpmf.open(sample("karma.raw")).stream("KBAT").to_pandas()
    assert list(kbat.columns) == [f"KBAT_{i}" for i in range(15)]


def test_pickle(sample):
    rec = gpmf.open(sample("hero5.raw"))
    back = pickle.loads(pickle.dumps(rec))
    np.testing.assert_array_equal(back["ACCL"].values, rec["ACCL"].values)
    assert back.summary == rec.summary and back["ACCL"].device.name == "Camera"


def test_arrays_own_their_memory(sample):
    rec = gpmf.open(sample("hero5-track.bin"))
    values = rec["ACCL"].values
    del rec
    assert values.sum() != 0  # the capsule keeps the C++ vector alive
    assert values.base is not None and not values.flags.owndata


def test_threads_decode_in_parallel(sample):
    """Decoding releases the GIL: threads give the same results as a loop."""
    path = sample("hero8-basement-track.bin")
    expected = gpmf.open(path)["GYRO"].values
    results = []

    def work():
        for _ in range(3):
            results.append(gpmf.open(path)["GYRO"].values)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 12
    for r in results:
        np.testing.assert_array_equal(r, expected)


def test_help_reads_well():
    text = pydoc.render_doc(gpmf.open, renderer=pydoc.plaintext)
    assert "open(path" in text and "raw: 'bool' = False" in text or "raw: bool = False" in text
    assert "Raises:" in text and "gpmf.Error" in text
    assert "MP4 index" in text
    assert gpmf.__doc__.startswith("GoPro GPMF telemetry")
    for name in gpmf.__all__:
        assert getattr(gpmf, name) is not None
    for cls in (gpmf.Recording, gpmf.Stream, gpmf.Device, gpmf.GpsTrack):
        assert cls.__doc__ and len(cls.__doc__) > 100, cls
    assert gpmf.Stream.to_pandas.__doc__


def test_repr(sample):
    rec = gpmf.open(sample("hero5.raw"))
    assert repr(rec) == "<gpmf.Recording hero5.raw: 1 payloads, 5 streams, 0 diagnostics>"
    assert repr(rec["ACCL"]).startswith("<gpmf.Stream 1/ACCL ")
    assert "ACCL" in repr(rec.devices[0])


def test_version():
    assert gpmf.__version__ and gpmf.__version__[0].isdigit()
