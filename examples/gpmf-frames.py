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
import os
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
    bus = pipeline.get_bus()
    frames = 0
    message = None
    while True:
        # A pipeline that fails (a cut file) never ends the appsink's stream: look at the bus
        # between frames rather than wait for a sample that will not come.
        sample = sink.emit("try-pull-sample", Gst.SECOND // 10)
        if sample is None:
            message = bus.pop_filtered(Gst.MessageType.ERROR)
            if message or sink.get_property("eos"):
                break
            continue
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

    message = message or bus.pop_filtered(Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if message:
        error, debug = message.parse_error()
        sys.exit(f"error: {error.message} ({debug})")
    print(f"{frames} frames", file=sys.stderr)


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
