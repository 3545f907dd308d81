# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
"""Bad input: gpmf.Error with the diagnostic's text when nothing could be decoded; what could
be decoded, with diagnostics, when the input is only partly damaged."""

import os

import numpy as np
import pytest

import gpmf


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_error_is_a_value_error():
    assert issubclass(gpmf.Error, ValueError)
    assert gpmf.Error.__module__ == "gpmf"
    assert "decoded" in gpmf.Error.__doc__


def test_garbage_file(tmp_path):
    p = write(tmp_path, "garbage.mp4", bytes(range(256)) * 40)
    with pytest.raises(gpmf.Error, match="neither an MP4 file nor raw GPMF.*at byte 0"):
        gpmf.open(p)


def test_empty_file(tmp_path):
    with pytest.raises(gpmf.Error, match="empty"):
        gpmf.open(write(tmp_path, "empty.mp4", b""))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        gpmf.open(tmp_path / "nothing.mp4")
    with pytest.raises(IsADirectoryError):
        gpmf.open(tmp_path)


def test_truncated_dump_header(tmp_path, sample):
    data = sample("hero5.raw").read_bytes()
    for n in (4, 8, 12):
        with pytest.raises(gpmf.Error, match=r"truncated data at byte \d+"):
            gpmf.open(write(tmp_path, f"cut{n}.raw", data[:n]))


def test_truncated_dump_gives_what_was_decodable(tmp_path, sample):
    data = sample("hero5.raw").read_bytes()
    rec = gpmf.open(write(tmp_path, "half.raw", data[: len(data) * 2 // 3]))
    assert rec.diagnostics, "a cut payload is reported"
    assert any("truncated data at byte" in d and "DEVC" in d for d in rec.diagnostics), rec.diagnostics
    assert len(rec["ACCL"]) == 199  # ACCL comes first in the payload: whole
    assert rec.summary["corrupt_payloads"] == 1


def test_damaged_payload_in_a_track(tmp_path, sample):
    """Garbage over part of a multi-payload dump: the payloads around it still decode."""
    data = bytearray(sample("hero5-track.bin").read_bytes())
    whole = gpmf.open(sample("hero5-track.bin"))
    middle = len(data) // 2
    data[middle:middle + 64] = b"\xff" * 64
    rec = gpmf.open(write(tmp_path, "damaged.bin", bytes(data)))
    assert rec.diagnostics
    assert 0 < len(rec["ACCL"]) < len(whole["ACCL"]) + 1
    assert rec.summary["payloads"] >= whole.summary["payloads"] - 2


def test_truncated_mp4_is_recovered(tmp_path, sample):
    """An MP4 cut before its moov (the camera stopped) is scanned as a dump, as gpmf2json does."""
    data = sample("hero7.mp4").read_bytes()
    moov = data.rfind(b"moov") - 4
    rec = gpmf.open(write(tmp_path, "cut.mp4", data[:moov]))
    assert rec.source == "mp4-recovered"
    assert rec.diagnostics[0].startswith("truncated MP4: no moov box")
    whole = gpmf.open(sample("hero7.mp4"))
    np.testing.assert_array_equal(rec["ACCL"].values, whole["ACCL"].values)
    half = gpmf.open(write(tmp_path, "half.mp4", data[: len(data) // 2]))
    assert 0 < len(half["ACCL"]) < len(whole["ACCL"])


def test_truncated_mp4_without_telemetry(tmp_path, sample):
    data = sample("hero7.mp4").read_bytes()
    with pytest.raises(gpmf.Error, match="no moov box.*no GPMF payload"):
        gpmf.open(write(tmp_path, "head.mp4", data[:100]))


def test_mp4_without_telemetry_track(tmp_path):
    # ftyp + a moov with an mvhd and nothing else: no gpmd track.
    def box(kind, body):
        return (8 + len(body)).to_bytes(4, "big") + kind + body

    mvhd = box(b"mvhd", bytes(4) + bytes(8) + (1000).to_bytes(4, "big") + bytes(4) + bytes(80))
    data = box(b"ftyp", b"isom" + bytes(4)) + box(b"moov", mvhd)
    with pytest.raises(gpmf.Error, match=r"no GoPro telemetry \(gpmd\) track"):
        gpmf.open(write(tmp_path, "video.mp4", data))


def test_decode_bad_bytes():
    with pytest.raises(gpmf.Error, match="Empty GPMF payload"):
        gpmf.decode(b"")
    with pytest.raises(gpmf.Error, match="invalid FourCC key at byte 0"):
        gpmf.decode(bytes(range(128, 228)))
    with pytest.raises(gpmf.Error, match=r"truncated data at byte 8 in DEVC"):
        gpmf.decode(b"DEVC\x00\x01\x00\x10" + b"STRM")
    with pytest.raises(TypeError):
        gpmf.decode("DEVC")  # text, not bytes


def test_decode_one_payload(sample):
    data = sample("hero5.raw").read_bytes()
    rec = gpmf.decode(data, pts=10.0, duration=1.001)
    assert rec.source == "bytes" and rec.path is None
    assert rec["ACCL"].t[0] == pytest.approx(10.0)
    assert len(rec["ACCL"]) == 199
    again = gpmf.decode(memoryview(bytearray(data)))
    assert again["ACCL"].t[0] == 0
    np.testing.assert_array_equal(again["ACCL"].values, rec["ACCL"].values)
    cut = gpmf.decode(data[: len(data) // 2])
    assert cut.diagnostics and len(cut["ACCL"]) == 199


def test_bad_options(sample):
    path = sample("hero5.raw")
    with pytest.raises(ValueError, match="FourCC"):
        gpmf.open(path, streams=["ACCELERATION"])
    with pytest.raises(ValueError, match="min_gps_fix"):
        gpmf.open(path, min_gps_fix=7)
    with pytest.raises(ValueError, match="max_gps_dop"):
        gpmf.open(path, max_gps_dop=-1)
    with pytest.raises(TypeError):
        gpmf.open(path, True)  # options are keyword-only
    with pytest.raises(KeyError, match="no stream 'XXXX'"):
        gpmf.open(path)["XXXX"]


def test_error_message_names_the_file(tmp_path):
    p = write(tmp_path, "junk.bin", b"\x00" * 64)
    with pytest.raises(gpmf.Error) as e:
        gpmf.open(p)
    assert os.fspath(p) in str(e.value)
