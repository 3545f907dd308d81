# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
"""gpmf.dask on a real dask.distributed cluster (two worker processes): the per-file summaries
equal those of the module run locally and gpmf-dump's, for every sample."""

import os

import numpy as np
import pytest

import gpmf
from conftest import SAMPLES_DIR, all_samples, gpmf_dump_records, missing, raw_samples, same_summary

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")
import gpmf.dask  # noqa: E402


@pytest.fixture(scope="module")
def client():
    # Workers are processes: they import gpmf themselves (PYTHONPATH is inherited).
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster:
        with distributed.Client(cluster) as c:
            yield c


@pytest.fixture(scope="module")
def paths():
    found = [SAMPLES_DIR / n for n in all_samples() if (SAMPLES_DIR / n).is_file()]
    if len(found) < len(all_samples()):
        absent = sorted(set(all_samples()) - {p.name for p in found})
        missing(f"samples {', '.join(absent)} in {SAMPLES_DIR}")
    return [str(p) for p in found]


def test_summaries_on_a_cluster(client, paths):
    bag = gpmf.dask.summaries(paths)
    assert bag.npartitions == len(paths)
    results = client.compute(bag).result()
    assert [r["path"] for r in results] == paths
    # The work really ran on the workers (processes other than this one).
    workers = client.run(os.getpid)
    assert len(workers) == 2 and os.getpid() not in workers.values()
    raw = set(raw_samples())
    for path, remote in zip(paths, results):
        name = os.path.basename(path)
        assert remote["error"] is None, remote
        local = gpmf.dask.summarize(path)
        assert remote == local, name
        rec = gpmf.open(path)
        assert {k: remote[k] for k in ("payloads", "corrupt_payloads", "streams")} == rec.summary, name
        if name in raw:
            same_summary(remote, gpmf_dump_records(path)[1], name)


def test_errors_are_recorded_or_raised(client, paths, tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 100)
    results = client.compute(gpmf.dask.summaries([paths[0], str(bad)])).result()
    assert results[0]["error"] is None
    assert results[1]["error"].startswith("Error: ") and str(bad) in results[1]["error"]
    assert len(client.compute(gpmf.dask.summaries([paths[0], str(bad)], errors="skip")).result()) == 1
    with pytest.raises(gpmf.Error):
        client.compute(gpmf.dask.summaries([str(bad)], errors="raise")).result()


def test_summary_frame(client, paths):
    frame = client.compute(gpmf.dask.summary_frame(paths)).result()
    expected = sum(len(gpmf.open(p).summary["streams"]) for p in paths)
    assert len(frame) == expected
    hero5 = frame[(frame.path.str.endswith("hero5.raw")) & (frame.fourcc == "GPS5")].iloc[0]
    assert hero5.samples == 18 and str(hero5.first_utc) == "2017-04-17 17:31:03"


def test_gps_tracks(client, paths):
    ddf = gpmf.dask.gps_tracks(paths, min_gps_fix=3)
    assert ddf.npartitions == len(paths)
    frame = client.compute(ddf).result()
    for p in paths:
        local = gpmf.open(p, min_gps_fix=3).gps
        part = frame[frame.path == p]
        assert len(part) == len(local), p
        np.testing.assert_array_equal(part.lat.to_numpy(), local.lat)
        np.testing.assert_array_equal(part.utc.to_numpy(), local.utc)
    assert (frame.fix >= 3).all()


def test_stream_frame(client, paths):
    # Columns are matched by field name: HERO cameras name ACCL's fields z, x, y; Fusion -y, x, z.
    by_fields = {}
    for p in paths:
        rec = gpmf.open(p)
        if "ACCL" in rec:
            by_fields.setdefault(tuple(rec["ACCL"].columns), []).append(p)
    hero = by_fields[("z", "x", "y")]
    ddf = gpmf.dask.stream_frame(hero, "ACCL")
    assert list(ddf.columns) == ["path", "t", "z", "x", "y"]
    assert ddf.npartitions == len(hero)
    frame = client.compute(ddf).result()
    for p in hero:
        accl = gpmf.open(p)["ACCL"]
        part = frame[frame.path == p]
        np.testing.assert_array_equal(part[["z", "x", "y"]].to_numpy(), accl.values)
        np.testing.assert_array_equal(part["t"].to_numpy(), accl.t)
    assert len(frame) == sum(len(gpmf.open(p)["ACCL"]) for p in hero)

    # Every file, with the union of the names: each file fills its own columns.
    union = sorted({c for names in by_fields for c in names})
    every = [p for group in by_fields.values() for p in group]
    frame = client.compute(gpmf.dask.stream_frame(every, "ACCL", columns=union)).result()
    assert list(frame.columns) == ["path", "t"] + union
    for names, group in by_fields.items():
        part = frame[frame.path == group[0]]
        np.testing.assert_array_equal(part[list(names)].to_numpy(), gpmf.open(group[0])["ACCL"].values)
