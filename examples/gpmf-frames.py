#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
"""Prints the telemetry gpmfattach puts on each video frame of a GoPro MP4.

    meson devenv -C build /usr/bin/python3 examples/gpmf-frames.py GX010001.MP4

For every frame: its time, the GPS speed and the UTC time at the frame's middle, and the number
of faces the camera saw. The telemetry is read from the frame itself, a GstCustomMeta named
"GstGpmfMeta" (no header of the plugin needed); the faces are GstVideoRegionOfInterestMeta.
--record also prints each frame's NDJSON record.
"""

import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import Gst, GstVideo  # noqa: E402


def face_count(buffer):
    """How many faces gpmfattach put on the frame (GstVideoRegionOfInterestMeta of type "face")."""
    return buffer.get_n_meta(GstVideo.VideoRegionOfInterestMeta.get_info().api)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="a GoPro MP4 (or LRV, 360)")
    parser.add_argument("--record", action="store_true", help="print each frame's NDJSON record too")
    args = parser.parse_args()

    Gst.init(None)
    if not Gst.ElementFactory.find("gpmfattach"):
        sys.exit("gpmfattach not found: run through `meson devenv -C build` or install the plugin")

    pipeline = Gst.parse_launch(
        "filesrc name=src ! qtdemux name=d "
        "d.video_0 ! queue ! gpmfattach name=attach ! appsink name=sink sync=false "
        "d.meta_0 ! attach.gpmf"
    )
    pipeline.get_by_name("src").set_property("location", args.file)
    sink = pipeline.get_by_name("sink")

    pipeline.set_state(Gst.State.PLAYING)
    frames = 0
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:
            break  # EOS (or an error, reported below)
        buffer = sample.get_buffer()
        frames += 1
        time = buffer.pts / Gst.SECOND
        meta = buffer.get_custom_meta("GstGpmfMeta")
        if meta is None:
            print(f"{time:10.3f} s  (no telemetry)")
            continue
        s = meta.get_structure()
        ok, speed = s.get_double("speed-2d")
        utc = s.get_string("utc")
        line = f"{time:10.3f} s  speed {speed:6.2f} m/s" if ok else f"{time:10.3f} s  speed      -    "
        line += f"  utc {utc}" if utc else ""
        n = face_count(buffer)
        if n:
            line += f"  faces {n}"
        print(line)
        if args.record and s.has_field("record"):
            print(s.get_string("record"))

    message = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if message:
        error, debug = message.parse_error()
        sys.exit(f"error: {error.message} ({debug})")
    print(f"{frames} frames", file=sys.stderr)


if __name__ == "__main__":
    main()
