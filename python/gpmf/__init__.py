# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
"""GoPro GPMF telemetry as NumPy arrays.

Reads the telemetry of a GoPro recording (``.MP4``, ``.360``, ``.LRV``, or a raw ``gpmd`` track
dump) with the gst-gpmf C++ library, without GStreamer::

    >>> import gpmf
    >>> rec = gpmf.open("GX010042.MP4")
    >>> accl = rec["ACCL"]
    >>> accl.t            # float64 seconds on the video timeline, one per sample
    >>> accl.values       # float64, samples x fields (z, x, y), scaled (SCAL) and in camera axes
    >>> accl.to_pandas()  # a DataFrame indexed by time, one column per field
    >>> rec["GPS5"].utc   # datetime64[ns] from the GPS

Every stream's samples are concatenated across payloads in C++ and handed over as arrays (no
Python object per sample); decoding runs with the GIL released, so threads decode files in
parallel. A file that holds nothing decodable raises :class:`gpmf.Error`; a damaged one gives
what could be decoded and says what was lost in :attr:`Recording.diagnostics`.

:mod:`gpmf.dask` builds Dask bags and dataframes over many files (docs/python.md).
"""

import os
from typing import Any, Dict, Iterator, List, Literal, Optional, Sequence, Tuple, Union

import numpy as np

from . import _gpmf
from ._gpmf import Error

__version__: str = _gpmf.__version__

__all__ = ["open", "decode", "Error", "Recording", "Device", "Stream", "GpsTrack", "__version__"]

PathLike = Union[str, os.PathLike]
Text = Union[List[str], List[Tuple[str, ...]]]


def _pandas():
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - pandas is optional
        raise ImportError("to_pandas() needs pandas (pip install pandas)") from e
    return pandas


class Stream:
    """One stream of a recording (a device's FourCC, e.g. ``ACCL``), all payloads together.

    Attributes:
        fourcc: The data's FourCC, e.g. ``"ACCL"``, ``"GPS5"``.
        name: STNM, e.g. ``"Accelerometer"`` (may be empty).
        units: SIUN or UNIT, one per field or one for all, UTF-8 (``"m/s²"``).
        fields: Field names when the library knows them (``["lat", "lon", ...]``), else ``[]``.
        sticky: The stream's metadata KLVs (SCAL, TSMP, ORIN, GPSF, TYPE...) as of its last
            payload, ``{"SCAL": 418, "ORIN": "ZXY"}``; values as in the NDJSON records.
        rate: Measured sample rate in Hz over the whole recording (None when unknown).
        device: The :class:`Device` the stream belongs to.
        t: float64 array, one time per row: seconds on the video timeline (the gpmd track's
            buffer times, as gpmfparse and gpmf2json give them). NaN where unknown.
        values: 2-D array, rows x numeric fields. float64, scaled by SCAL and in camera axis
            order; with ``raw=True`` unscaled, sensor order, and int64 when every field is an
            integer type. Text fields are not here but in :attr:`text`.
        utc: datetime64[ns] array (to the microsecond), one per row, from the GPS (GPSU,
            GPS9), NaT where unknown; None for streams without GPS time.
        text: The text fields (FourCC and string fields, e.g. SCEN's class or Karma's FWVS):
            a list of str with one text field, of tuples with several; None without any.
        grouped: True for streams with several items per time slot (FACE, SCEN, HUES): then
            each row is one item, ``t`` repeats the slot's time, and :attr:`slot_t` and
            :attr:`slot_sizes` give the slots (an empty slot has no row).
        slot_t: Grouped streams: float64 time of every slot, else None.
        slot_sizes: Grouped streams: uint32 items per slot, else None.
        precision: Per numeric field, the decimals that carry the sensor's precision (as the
            NDJSON writes them); -1 shortest double, -2 shortest float.
        types: GPMF type character of every field (``"s"``, ``"l"``, ``"f"``, ``"F"``...).
        text_fields: Indexes (into all fields) of the text fields.
        raw: True when the values were left unscaled.
    """

    __slots__ = (
        "fourcc", "name", "units", "fields", "sticky", "rate", "device", "t", "values", "utc",
        "text", "grouped", "slot_t", "slot_sizes", "precision", "types", "text_fields", "raw",
    )

    fourcc: str
    name: str
    units: List[str]
    fields: List[str]
    sticky: Dict[str, Any]
    rate: Optional[float]
    device: "Device"
    t: np.ndarray
    values: np.ndarray
    utc: Optional[np.ndarray]
    text: Optional[Text]
    grouped: bool
    slot_t: Optional[np.ndarray]
    slot_sizes: Optional[np.ndarray]
    precision: List[int]
    types: List[str]
    text_fields: List[int]
    raw: bool

    def __init__(self, device: "Device", data: Dict[str, Any]) -> None:
        self.device = device
        for key in Stream.__slots__:
            if key != "device":
                setattr(self, key, data[key])

    def __len__(self) -> int:
        """Number of rows (samples; items for grouped streams)."""
        return len(self.t)

    def __repr__(self) -> str:
        rate = f", {self.rate:.4g} Hz" if self.rate else ""
        return (f"<gpmf.Stream {self.device.id}/{self.fourcc} {self.name!r}: {len(self)} rows x "
                f"{len(self.columns)} fields{rate}>")

    @property
    def columns(self) -> List[str]:
        """Column names, one per field: :attr:`fields` when known, else the FourCC (one
        field) or ``FOURCC_0``, ``FOURCC_1``... (several)."""
        n = len(self.types) or self.values.shape[1]
        if len(self.fields) == n:
            return list(self.fields)
        if n == 1:
            return [self.fourcc]
        return [f"{self.fourcc}_{i}" for i in range(n)]

    def to_pandas(self, index: Literal["t", "timedelta", "utc"] = "t"):
        """The samples as a pandas DataFrame indexed by time, one column per field.

        Args:
            index: ``"t"`` (default): float seconds on the video timeline; ``"timedelta"``:
                the same as a TimedeltaIndex; ``"utc"``: the GPS time (streams with
                :attr:`utc` only).

        Numeric columns are views of :attr:`values` where NumPy allows it; text fields become
        object columns. A ``utc`` column is added when the stream has GPS time (and the index
        is not already UTC); grouped streams get a ``slot`` column (the slot's number).
        """
        pd = _pandas()
        if index == "t":
            idx = pd.Index(self.t, name="t")
        elif index == "timedelta":
            idx = pd.TimedeltaIndex(pd.to_timedelta(self.t, unit="s"), name="t")
        elif index == "utc":
            if self.utc is None:
                raise ValueError(f"{self.fourcc} has no GPS time (utc)")
            idx = pd.DatetimeIndex(self.utc, name="utc")
        else:
            raise ValueError("index is 't', 'timedelta' or 'utc'")
        data: Dict[str, Any] = {}
        names = self.columns
        text_set = set(self.text_fields)
        numeric = 0
        text = 0
        for i, name in enumerate(names):
            if i in text_set and self.text is not None:
                if len(self.text_fields) == 1:
                    data[name] = self.text
                else:
                    k = text
                    data[name] = [row[k] for row in self.text]
                text += 1
            elif numeric < self.values.shape[1]:
                data[name] = self.values[:, numeric]
                numeric += 1
        if self.utc is not None and index != "utc":
            data["utc"] = self.utc
        if self.grouped and self.slot_sizes is not None:
            data["slot"] = np.repeat(np.arange(len(self.slot_sizes)), self.slot_sizes)[:len(self)]
        return pd.DataFrame(data, index=idx, copy=False)


class Device:
    """One device (DEVC) of a recording: the camera (id 1), a Karma drone, a BLE sensor...

    Attributes:
        id: DVID: a number (1 is the camera) or a FourCC text such as ``"HLMT"``.
        name: DVNM, e.g. ``"HERO7 Black"`` or ``"Camera"``.
        properties: Device-level metadata KLVs as of its last payload (e.g. ``{"TICK": 119095}``).
        streams: Its :class:`Stream` objects, in first-seen order.
    """

    __slots__ = ("id", "name", "properties", "streams")

    id: Union[int, str]
    name: str
    properties: Dict[str, Any]
    streams: List[Stream]

    def __init__(self, data: Dict[str, Any]) -> None:
        self.id = data["id"]
        self.name = data["name"]
        self.properties = data["properties"]
        self.streams = [Stream(self, s) for s in data["streams"]]

    def __repr__(self) -> str:
        return f"<gpmf.Device {self.id} {self.name!r}: {' '.join(s.fourcc for s in self.streams)}>"


class GpsTrack:
    """The recording's GPS track, one row per point: GPS9 where the camera wrote it, else GPS5
    (never both for one device), else a Karma drone's GPRI. Points without a position
    (lat = lon = 0) are left out; ``min_gps_fix`` and ``max_gps_dop`` filter them.

    Attributes:
        t: float64 seconds on the video timeline.
        utc: datetime64[ns] (NaT where unknown; GPRI has none).
        lat, lon: float64 degrees. alt: float64 metres.
        speed2d, speed3d: float64 m/s.
        fix: int8: 0 none, 2 2D, 3 3D, -1 unknown.
        dop: float64 dilution of precision, -1 when unknown.
        source: fixed-width str array: ``"GPS5"``, ``"GPS9"`` or ``"GPRI"``.
    """

    __slots__ = ("t", "utc", "lat", "lon", "alt", "speed2d", "speed3d", "fix", "dop", "source")

    t: np.ndarray
    utc: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    alt: np.ndarray
    speed2d: np.ndarray
    speed3d: np.ndarray
    fix: np.ndarray
    dop: np.ndarray
    source: np.ndarray

    def __init__(self, data: Dict[str, np.ndarray]) -> None:
        for key in GpsTrack.__slots__:
            setattr(self, key, data[key])

    def __len__(self) -> int:
        return len(self.t)

    def __repr__(self) -> str:
        return f"<gpmf.GpsTrack {len(self)} points>"

    def to_pandas(self, index: Literal["t", "utc"] = "t"):
        """The points as a pandas DataFrame indexed by ``t`` (or ``utc``)."""
        pd = _pandas()
        cols = {k: getattr(self, k) for k in GpsTrack.__slots__ if k != index}
        idx = pd.Index(getattr(self, index), name=index)
        return pd.DataFrame(cols, index=idx, copy=False)


class Recording:
    """What :func:`gpmf.open` and :func:`gpmf.decode` return.

    Attributes:
        path: The file decoded (None for :func:`decode`).
        source: How it was read: ``"mp4"`` (the MP4 index), ``"raw"`` (a gpmd dump),
            ``"mp4-recovered"`` (an MP4 without moov, scanned as a dump), ``"bytes"``.
        header: The recording's metadata from the MP4 udta atoms: ``camera``, ``firmware``,
            ``serial``, ``lens``, ``media_uid`` (str or None), ``hilights`` (list of dicts:
            ``t`` seconds, then ``in``, ``out``, ``lat``, ``lon``, ``alt``, ``kind``,
            ``confidence``, ``score`` or None), ``settings`` (the udta GPMF devices: ``id``,
            ``name``, ``properties``, ``streams`` with a ``value`` each), ``atoms`` (other udta
            atoms as text) and ``diagnostics``. Empty for raw dumps.
        devices: :class:`Device` list, in first-seen order.
        streams: Every :class:`Stream` of every device, in that order.
        gps: The :class:`GpsTrack`.
        summary: As the NDJSON summary record: ``payloads``, ``corrupt_payloads``, and per
            stream ``device``, ``device_name``, ``fourcc``, ``name``, ``samples``, ``rate``,
            ``first``, ``last`` (seconds), ``first_utc``, ``last_utc`` (ISO 8601 text); None
            where unknown.
        diagnostics: What was lost or repaired, one line each, with the byte offset and FourCC
            path (``"payload 3 at 3.003 s: truncated at byte 120 in DEVC/STRM/ACCL: ..."``).
        bytes_read: Bytes read from the file (an MP4: the box headers, the moov and the
            telemetry samples; a dump: all of it).
        file_size: Size of the file in bytes.
    """

    __slots__ = ("path", "source", "header", "devices", "streams", "gps", "summary", "diagnostics",
                 "bytes_read", "file_size")

    path: Optional[str]
    source: str
    header: Dict[str, Any]
    devices: List[Device]
    streams: List[Stream]
    gps: GpsTrack
    summary: Dict[str, Any]
    diagnostics: List[str]
    bytes_read: int
    file_size: int

    def __init__(self, data: Dict[str, Any], path: Optional[str]) -> None:
        self.path = path
        self.source = data["source"]
        self.header = data["header"]
        self.devices = [Device(d) for d in data["devices"]]
        self.streams = [s for d in self.devices for s in d.streams]
        self.gps = GpsTrack(data["gps"])
        self.summary = data["summary"]
        self.diagnostics = data["diagnostics"]
        self.bytes_read = data["bytes_read"]
        self.file_size = data["file_size"]

    def stream(self, fourcc: str, device: Union[int, str, None] = None) -> Stream:
        """The stream ``fourcc`` (of ``device``, an id or a name, when given; else the first
        device that has it). Raises KeyError when there is none."""
        for s in self.streams:
            if s.fourcc == fourcc and (device is None or device in (s.device.id, s.device.name)):
                return s
        where = f" of device {device!r}" if device is not None else ""
        have = " ".join(sorted({s.fourcc for s in self.streams}))
        raise KeyError(f"no stream {fourcc!r}{where} (there are: {have or 'none'})")

    def __getitem__(self, fourcc: str) -> Stream:
        """``rec["ACCL"]``: :meth:`stream` of the first device that has it."""
        return self.stream(fourcc)

    def __contains__(self, fourcc: object) -> bool:
        return any(s.fourcc == fourcc for s in self.streams)

    def __iter__(self) -> Iterator[Stream]:
        return iter(self.streams)

    def __len__(self) -> int:
        return len(self.streams)

    def __repr__(self) -> str:
        name = os.path.basename(self.path) if self.path else "bytes"
        camera = self.header.get("camera")
        what = f" {camera}" if camera else ""
        return (f"<gpmf.Recording {name}{what}: {self.summary['payloads']} payloads, "
                f"{len(self.streams)} streams, {len(self.diagnostics)} diagnostics>")


def _options(raw: bool, streams: Optional[Sequence[str]], devices: Optional[Sequence[Union[int, str]]],
             min_gps_fix: int, max_gps_dop: float) -> Dict[str, Any]:
    if isinstance(streams, str):
        streams = [streams]
    if isinstance(devices, (str, int)):
        devices = [devices]
    return dict(raw=bool(raw), streams=None if streams is None else list(streams),
                devices=None if devices is None else [str(d) for d in devices],
                min_gps_fix=int(min_gps_fix), max_gps_dop=float(max_gps_dop))


def open(path: PathLike, *, raw: bool = False, streams: Optional[Sequence[str]] = None,
         devices: Optional[Sequence[Union[int, str]]] = None, min_gps_fix: int = 0,
         max_gps_dop: float = 0.0) -> Recording:
    """Decodes the GPMF telemetry of a file.

    An MP4 (``.MP4``, ``.360``, ``.LRV``) is read through the library's MP4 index: the box
    headers, the moov and the telemetry samples, never the video. A file that starts with
    ``DEVC`` is a raw gpmd track dump (``ffmpeg -i IN.MP4 -map 0:3 -c copy -f data OUT.bin``).
    An MP4 without moov (a recording cut short) is scanned as a dump: its telemetry comes back
    with estimated times and a diagnostic saying so.

    Args:
        path: The file.
        raw: Keep sensor values unscaled and in sensor axis order (int64 arrays where every
            field is an integer).
        streams: Keep only these stream FourCCs, e.g. ``["ACCL", "GPS5"]`` (None: all).
        devices: Keep only the devices with these ids or names (None: all).
        min_gps_fix: Drop GPS samples whose fix is below this (2: 2D, 3: 3D; 0: keep all).
        max_gps_dop: Drop GPS samples whose DOP is above this (0: no limit).

    Returns:
        A :class:`Recording`: ``header``, ``devices``, ``streams`` (``rec["ACCL"].values``),
        ``gps``, ``summary`` and ``diagnostics``.

    Raises:
        gpmf.Error: Nothing could be decoded (not an MP4 or dump, no telemetry track, every
            payload corrupt); the message is the library's diagnostic.
        OSError: The file cannot be read.
    """
    p = os.fspath(path)
    data = _gpmf.open(p, **_options(raw, streams, devices, min_gps_fix, max_gps_dop))
    return Recording(data, p)


def decode(data: Union[bytes, bytearray, memoryview], *, pts: Optional[float] = None,
           duration: Optional[float] = None, raw: bool = False, streams: Optional[Sequence[str]] = None,
           devices: Optional[Sequence[Union[int, str]]] = None, min_gps_fix: int = 0,
           max_gps_dop: float = 0.0) -> Recording:
    """Decodes one GPMF payload (the bytes of one gpmd sample, a JPEG's APP6 GPMF...).

    Args:
        data: The payload (any contiguous buffer of bytes).
        pts: Start of the payload on the video timeline in seconds (default 0).
        duration: Its length in seconds (default 1): the samples are spread over it.
        raw, streams, devices, min_gps_fix, max_gps_dop: As for :func:`open`.

    Returns:
        A :class:`Recording` of that payload (``path`` None, ``source`` ``"bytes"``).

    Raises:
        gpmf.Error: Nothing in it could be decoded; the message says where and why.
    """
    result = _gpmf.decode(data, pts=pts, duration=duration,
                          **_options(raw, streams, devices, min_gps_fix, max_gps_dop))
    return Recording(result, None)
