# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
"""Shared fixtures: the samples (GPMF_SAMPLES_DIR) and gpmf-dump (GPMF_DUMP), as meson passes
them. A missing sample or tool skips the tests that need it, with a message, except under
CI=true, where it fails them."""

import json
import os
import subprocess
from pathlib import Path

import pytest

DEFAULT_SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"  # ../shared/samples
SAMPLES_DIR = Path(os.environ.get("GPMF_SAMPLES_DIR", DEFAULT_SAMPLES))
GPMF_DUMP = os.environ.get("GPMF_DUMP", "")
CI = os.environ.get("CI", "").lower() == "true"

# The samples the suite knows (tests/support/samples.h's list, and what /work/shared/samples
# holds): listed so that the tests exist, and skip or fail, when the folder is missing.
RAW_SAMPLES = [
    "fusion.raw", "hero11.raw", "hero5.raw", "hero6+ble.raw", "hero6-photo-app6.raw", "hero6.raw",
    "hero7-udta-gpmf.raw", "hero7.raw", "karma.raw",
    "fusion-track.bin", "hero11-track.bin", "hero5-track.bin", "hero6+ble-track.bin", "hero6-track.bin",
    "hero7-track.bin", "hero8-basement-track.bin", "hero8-grass-track.bin", "karma-track.bin",
]
MP4_SAMPLES = ["hero7.mp4", "karma.mp4", "max-heromode.mp4"]


def _discovered(patterns):
    if not SAMPLES_DIR.is_dir():
        return []
    return sorted({p.name for pat in patterns for p in SAMPLES_DIR.glob(pat)})


def raw_samples():
    return sorted(set(RAW_SAMPLES) | set(_discovered(["*.raw", "*-track.bin"])))


def mp4_samples():
    return sorted(set(MP4_SAMPLES) | set(_discovered(["*.mp4", "*.MP4", "*.360", "*.LRV"])))


def all_samples():
    return raw_samples() + mp4_samples()


def missing(what):
    """Skips the test, or fails it under CI=true."""
    if CI:
        pytest.fail(f"missing under CI: {what}")
    pytest.skip(f"missing: {what}")


def sample_path(name):
    p = SAMPLES_DIR / name
    if not p.is_file():
        missing(f"sample {p} (set GPMF_SAMPLES_DIR)")
    return p


@pytest.fixture
def sample():
    """sample("hero5.raw") -> its Path, or a skip (a failure under CI)."""
    return sample_path


def dump_tool():
    if not GPMF_DUMP or not os.access(GPMF_DUMP, os.X_OK):
        missing(f"gpmf-dump (GPMF_DUMP={GPMF_DUMP!r})")
    return GPMF_DUMP


_dump_cache = {}


def gpmf_dump_records(path, *args):
    """gpmf-dump's NDJSON records for a file (cached): (payload records, summary record)."""
    key = (str(path), args)
    if key not in _dump_cache:
        out = subprocess.run([dump_tool(), *args, str(path)], capture_output=True, text=True, check=False)
        assert out.returncode in (0, 1), out.stderr
        records = [json.loads(line) for line in out.stdout.splitlines() if line]
        payloads = [r for r in records if r["type"] == "payload"]
        summaries = [r for r in records if r["type"] == "summary"]
        assert len(summaries) == 1, f"gpmf-dump gave {len(summaries)} summaries for {path}"
        _dump_cache[key] = (payloads, summaries[0])
    return _dump_cache[key]


def same_summary(ours, theirs, where=""):
    """Asserts a Recording.summary equals an NDJSON summary record (times to the nanosecond
    the NDJSON writes, rates exactly)."""
    assert ours["payloads"] == theirs["payloads"], where
    assert ours["corrupt_payloads"] == theirs["corrupt_payloads"], where
    assert len(ours["streams"]) == len(theirs["streams"]), where
    for a, b in zip(ours["streams"], theirs["streams"]):
        w = f"{where} {b['device']}/{b['fourcc']}"
        for key in ("device", "device_name", "fourcc", "name", "samples"):
            assert a[key] == b[key], f"{w}: {key}"
        assert a["rate"] == b.get("rate"), f"{w}: rate"
        for key in ("first", "last"):
            if b[key] is None:
                assert a[key] is None, f"{w}: {key}"
            else:
                assert abs(a[key] - b[key]) <= 1e-9, f"{w}: {key} {a[key]} != {b[key]}"
        for key in ("first_utc", "last_utc"):
            assert a[key] == b.get(key), f"{w}: {key}"
