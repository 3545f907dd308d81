#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2025 The gst-gpmf authors
"""gpmf-player.py: plays a GoPro video and prints its telemetry (speed, G-force) as the frames
show, from the gpmfparse element's bus messages. The PyGObject twin of gpmf-player.cpp.

    ./gpmf-player.py [--no-display] GX010001.MP4

Without installing the plugin, from the folder of FILE.MP4:
    meson devenv -C ~/gst-gpmf/build -w . /usr/bin/python3 ~/gst-gpmf/examples/gpmf-player.py FILE.MP4
"""

import argparse
import json
import math
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

STANDARD_GRAVITY = 9.80665


def last_value(stream):
    """The last sample's value (a list of fields), or None."""
    samples = stream.get("samples", [])
    if not samples or not isinstance(samples[-1].get("v"), list):
        return None
    return samples[-1]["v"]


class Player:
    def __init__(self, path, display):
        self.speed = None  # last known, km/h: GPS comes at 10-18 Hz, slower than the frames
        self.video_linked = False
        self.pipeline = Gst.Pipeline.new("player")

        def make(factory):
            element = Gst.ElementFactory.make(factory, None)
            if element is None:
                sys.exit(f"missing element {factory} (is the plugin installed or GST_PLUGIN_PATH set?)")
            self.pipeline.add(element)
            return element

        src = make("filesrc")
        src.set_property("location", path)
        demux = make("qtdemux")
        src.link(demux)

        self.video_queue = make("queue")
        decode = make("decodebin")
        convert = make("videoconvert")
        video_sink = make("autovideosink" if display else "fakesink")
        video_sink.set_property("sync", True)
        self.video_queue.link(decode)
        convert.link(video_sink)
        decode.connect("pad-added", lambda _, pad: pad.link(convert.get_static_pad("sink")))

        # message-timing=clock: each record is posted when its video frame is shown.
        self.gpmf_queue = make("queue")
        self.gpmfparse = make("gpmfparse")
        self.gpmfparse.set_property("post-messages", True)
        Gst.util_set_object_arg(self.gpmfparse, "message-timing", "clock")
        gpmf_sink = make("fakesink")
        gpmf_sink.set_property("sync", True)
        self.gpmf_queue.link(self.gpmfparse)
        self.gpmfparse.link(gpmf_sink)
        demux.connect("pad-added", self.on_pad_added)

    def on_pad_added(self, _demux, pad):
        caps = pad.get_current_caps()
        if caps is None:
            return
        s = caps.get_structure(0)
        name = s.get_name()
        if name.startswith("video/") and not self.video_linked:
            self.video_linked = True  # MAX .360 files have two video tracks: show the first
            ok, num, den = s.get_fraction("framerate")
            if ok and num > 0:
                # One telemetry record per video frame.
                self.gpmfparse.set_property("interval", Gst.util_uint64_scale(Gst.SECOND, den, num))
            pad.link(self.video_queue.get_static_pad("sink"))
        elif name == "meta/x-gst-fourcc-gpmd":
            pad.link(self.gpmf_queue.get_static_pad("sink"))

    def print_telemetry(self, record, running_time):
        speed = gforce = None
        gps9 = False
        for device in record.get("devices", []):
            for stream in device.get("streams", []):
                v = last_value(stream)
                if v is None:
                    continue
                fourcc = stream["fourcc"]
                if fourcc == "ACCL" and len(v) >= 3:
                    gforce = math.sqrt(sum(x * x for x in v[:3])) / STANDARD_GRAVITY
                elif fourcc == "GPS9" or (fourcc == "GPS5" and not gps9):
                    fields = stream.get("fields", [])
                    if "speed2d" in fields and fields.index("speed2d") < len(v):
                        speed = v[fields.index("speed2d")] * 3.6
                        gps9 = fourcc == "GPS9"
        if speed is not None:
            self.speed = speed
        if self.speed is None and gforce is None:
            return
        line = f"{running_time / Gst.SECOND:8.3f} s"
        if self.speed is not None:
            line += f"   speed {self.speed:6.1f} km/h"
        if gforce is not None:
            line += f"   {gforce:5.2f} G"
        print(line, flush=True)

    def on_message(self, _bus, message, loop):
        try:
            return self.handle_message(message, loop)
        except BrokenPipeError:
            # The reader went away (`| head`): stop playing, quietly, as command-line tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            loop.quit()
            return False

    def handle_message(self, message, loop):
        if message.type == Gst.MessageType.ELEMENT:
            s = message.get_structure()
            if s is None or s.get_name() != "gpmf":
                return True
            record = json.loads(s.get_string("json"))
            ok, running_time = s.get_clock_time("running-time")
            if record["type"] == "header":
                print(f"camera {record.get('camera', '?')}, firmware {record.get('firmware', '?')}")
            elif record["type"] == "payload":
                self.print_telemetry(record, running_time if ok and running_time != Gst.CLOCK_TIME_NONE else 0)
        elif message.type == Gst.MessageType.TOC and message.src == self.gpmfparse:
            toc, _updated = message.parse_toc()
            for entry in toc.get_entries():
                ok, start, _stop = entry.get_start_stop_times()
                if ok:
                    print(f"HiLight at {start / Gst.SECOND:.3f} s")
        elif message.type == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            print(f"error: {error.message}\n{debug or ''}", file=sys.stderr)
            loop.quit()
        elif message.type == Gst.MessageType.EOS:
            loop.quit()
        return True

    def run(self):
        loop = GLib.MainLoop()
        bus = self.pipeline.get_bus()
        bus.add_watch(GLib.PRIORITY_DEFAULT, self.on_message, loop)
        if self.pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            sys.exit("cannot play")
        try:
            loop.run()
        finally:
            self.pipeline.set_state(Gst.State.NULL)


def main():
    parser = argparse.ArgumentParser(description="Play a GoPro video and print its telemetry in sync.")
    parser.add_argument("--no-display", action="store_true", help="decode the video without showing it")
    parser.add_argument("file", help="a GoPro .MP4, .LRV or .360 file")
    args = parser.parse_args()
    # A relative path is the current directory's: under `meson devenv`, the build directory
    # unless it was given -w (--workdir). Say so rather than fail later with a bus error.
    if not os.path.isfile(args.file):
        hint = ""
        if not os.path.isabs(args.file) and os.environ.get("MESON_DEVENV"):
            hint = " (meson devenv runs commands in the build directory: add -w . or give an absolute path)"
        sys.exit(f"gpmf-player.py: {args.file}: no such file in {os.getcwd()}{hint}")
    Gst.init(None)
    Player(args.file, not args.no_display).run()


if __name__ == "__main__":
    main()
