#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
"""render-dashboard.py: renders a GoPro MP4 with the telemetry dashboard (gpmfoverlay) drawn on
it into a new MP4, keeping the audio, with a progress line. scripts/render-dashboard.sh runs it
with the uninstalled build; with the plugin installed it runs alone:

    render-dashboard.py [--units mph] [--layout TEXT] [--route-file F.geojson] IN.MP4 OUT.MP4
    render-dashboard.py --snapshot 8 --scale 1280x720 IN.MP4 FRAME.PNG     # one frame, to try a layout

The pipeline (built here rather than with gst-launch, so a file without audio or with other
data tracks needs no special case):

    filesrc ! qtdemux name=d
      d.video_0 ! queue ! decodebin ! videoconvert ! a.video
      d.(gpmd track) ! queue ! a.gpmf
      gpmfattach name=a ! gpmfoverlay ! identity ! videoconvert ! x264enc ! mp4mux name=m ! filesink
      d.audio_0 ! queue ! aacparse ! m.
"""

import argparse
import os
import signal
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def make(factory, **properties):
    element = Gst.ElementFactory.make(factory, None)
    if element is None:
        raise SystemExit(f"render-dashboard: missing GStreamer element {factory}"
                         " (scripts/install-deps.sh installs what is needed; is the plugin built?)")
    for name, value in properties.items():
        element.set_property(name.replace("_", "-"), value)
    return element


def deep_queue(megabytes):
    """A queue bounded by bytes only. mp4mux waits for the video that gpmfattach (about a second,
    until the telemetry after it) and the encoder (its lookahead) hold back, while qtdemux keeps
    pushing the other tracks; with queues of a second the branches wait for each other forever.
    qtdemux interleaves by time, so a queue holds those few seconds, not the file."""
    return make("queue", max_size_time=0, max_size_buffers=0, max_size_bytes=megabytes << 20)


def video_encoder(choice):
    """The encoder and what follows it: x264enc (gstreamer1.0-plugins-ugly), else avenc_mpeg4."""
    if choice in ("auto", "x264") and Gst.ElementFactory.find("x264enc"):
        # Constant quality (like x264's CRF 21): sharp text without guessing a bitrate.
        encoder = make("x264enc")
        Gst.util_set_object_arg(encoder, "pass", "qual")
        Gst.util_set_object_arg(encoder, "speed-preset", "faster")
        encoder.set_property("quantizer", 21)
        return [encoder], "H.264 (x264enc)"
    if choice == "x264":
        raise SystemExit("render-dashboard: x264enc is missing (Debian: gstreamer1.0-plugins-ugly)")
    # Constant quantizer 3: near the source's quality (libav's rate control ignores bitrate here).
    encoder = make("avenc_mpeg4")
    # The stream headers in the caps (codec_data), where mp4mux reads them: without a parser
    # (mpeg4videoparse is in gst-plugins-bad) the MP4 would have none.
    Gst.util_set_object_arg(encoder, "flags", "global_header")
    Gst.util_set_object_arg(encoder, "pass", "quant")
    encoder.set_property("quantizer", 3.0)
    return [encoder], "MPEG-4 part 2 (avenc_mpeg4)"


class Renderer:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.pipeline = Gst.Pipeline.new("render-dashboard")
        self.error = None
        self.position = 0
        self.frames = 0
        self.started = time.monotonic()
        self.has_telemetry = False
        self.has_video = False

        add = self.add
        src = add(make("filesrc", location=args.input))
        self.demux = add(make("qtdemux"))
        src.link(self.demux)
        self.attach = add(make("gpmfattach"))
        overlay = add(make("gpmfoverlay"))
        if args.layout:
            overlay.set_property("layout", args.layout)
        if args.route_file:
            overlay.set_property("route-file", args.route_file)
        if args.font:
            overlay.set_property("font", args.font)
        Gst.util_set_object_arg(overlay, "units", args.units)
        convert = add(make("videoconvert"))
        sink = add(make("filesink", location=args.output))
        if args.snapshot is None:
            encoder, self.codec = video_encoder(args.encoder)
            self.mux = add(make("mp4mux"))
            # identity restamps the frames in running time (single-segment): avenc_mpeg4 drops
            # every frame of qtdemux's segment otherwise.
            keep = add(make("identity", single_segment=True))
            chain = [self.attach, overlay, keep, convert] + [add(e) for e in encoder] + [self.mux, sink]
        else:
            # One frame as PNG: the frames before it are drawn (the map's track needs them) and
            # dropped; pngenc ends the stream after the first it gets.
            self.mux = None
            self.codec = "PNG"
            chain = [self.attach, overlay, convert, add(make("pngenc", snapshot=True)), sink]
            convert.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, self.before_snapshot)
        for upstream, downstream in zip(chain, chain[1:]):
            if not upstream.link(downstream):
                raise SystemExit(f"render-dashboard: cannot link {upstream.name} to {downstream.name}")
        overlay.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, self.on_frame)
        self.demux.connect("pad-added", self.on_pad_added)
        self.demux.connect("no-more-pads", self.on_no_more_pads)

    def before_snapshot(self, _pad, info):
        pts = info.get_buffer().pts
        if pts == Gst.CLOCK_TIME_NONE or pts < self.args.snapshot * Gst.SECOND:
            return Gst.PadProbeReturn.DROP
        return Gst.PadProbeReturn.OK

    def add(self, element):
        self.pipeline.add(element)
        return element

    def branch(self, pad, elements, target):
        """Links the demuxer's pad through the elements (a chain) to the pad `target`."""
        for element in elements:
            self.add(element)
            element.sync_state_with_parent()
        for upstream, downstream in zip(elements, elements[1:]):
            upstream.link(downstream)
        if pad.link(elements[0].get_static_pad("sink")) != Gst.PadLinkReturn.OK:
            raise SystemExit(f"render-dashboard: cannot link {pad.get_name()}")
        if target is not None:
            elements[-1].get_static_pad("src").link(target)

    def on_pad_added(self, _demux, pad):
        caps = pad.get_current_caps() or pad.query_caps(None)
        name = caps.get_structure(0).get_name()
        if name.startswith("video/") and not self.has_video:
            self.has_video = True
            convert = make("videoconvert")
            decode = make("decodebin")
            decode.connect("pad-added", lambda _d, p: p.link(convert.get_static_pad("sink")))
            tail = [convert]
            if self.args.scale:
                width, height = self.args.scale
                tail += [make("videoscale", add_borders=False),
                         make("capsfilter", caps=Gst.Caps.from_string(
                             f"video/x-raw,width={width},height={height},pixel-aspect-ratio=1/1"))]
            for element in tail:
                self.add(element)
                element.sync_state_with_parent()
            for upstream, downstream in zip(tail, tail[1:]):
                upstream.link(downstream)
            tail[-1].get_static_pad("src").link(self.attach.get_static_pad("video"))
            self.branch(pad, [deep_queue(64), decode], None)
        elif name == "meta/x-gst-fourcc-gpmd" and not self.has_telemetry:
            self.has_telemetry = True
            self.branch(pad, [deep_queue(8)], self.attach.get_static_pad("gpmf"))
        elif name == "audio/mpeg" and not self.args.no_audio and self.mux is not None and self.codec.startswith("MPEG-4"):
            # Seen with GStreamer 1.22: avenc_mpeg4 next to an audio track in mp4mux gives a video
            # track nothing decodes (zero-duration samples); without audio the file is fine.
            sys.stderr.write("render-dashboard: the avenc_mpeg4 fallback leaves the audio out; install "
                             "gstreamer1.0-plugins-ugly (x264enc) to keep it\n")
            self.branch(pad, [make("fakesink", sync=False, **{"async": False})], None)
        elif name == "audio/mpeg" and not self.args.no_audio and self.mux is not None:
            self.branch(pad, [deep_queue(8), make("aacparse")], self.mux.request_pad_simple("audio_%u"))
        else:
            # Other tracks (timecode, fdsc, a second audio track...): read and dropped.
            self.branch(pad, [make("fakesink", sync=False, **{"async": False})], None)

    def on_no_more_pads(self, _demux):
        if not self.has_video or not self.has_telemetry:
            missing = "video track" if not self.has_video else "GoPro telemetry (gpmd) track"
            self.error = f"{self.args.input} has no {missing}"
            GLib.idle_add(self.loop.quit)

    def on_frame(self, _pad, info):
        buffer = info.get_buffer()
        if buffer.pts != Gst.CLOCK_TIME_NONE:
            self.position = buffer.pts
        self.frames += 1
        return Gst.PadProbeReturn.OK

    def show_progress(self):
        if not sys.stderr.isatty():
            return True  # a log or a pipe gets the last line only
        ok, duration = self.pipeline.query_duration(Gst.Format.TIME)
        elapsed = time.monotonic() - self.started
        fps = self.frames / elapsed if elapsed > 0 else 0
        if ok and duration > 0:
            percent = min(100.0, 100.0 * self.position / duration)
            line = (f"\rRendering: {percent:5.1f} %  {self.position / Gst.SECOND:6.1f} s of "
                    f"{duration / Gst.SECOND:.1f} s  {fps:5.1f} frames/s")
        else:
            line = f"\rRendering: {self.position / Gst.SECOND:6.1f} s  {fps:5.1f} frames/s"
        sys.stderr.write(line)
        sys.stderr.flush()
        return True

    def on_message(self, _bus, message):
        if message.type == Gst.MessageType.EOS:
            self.loop.quit()
        elif message.type == Gst.MessageType.ERROR:
            err, debug = message.parse_error()
            self.error = f"{message.src.get_path_string()}: {err.message}\n{debug or ''}"
            self.loop.quit()
        elif message.type == Gst.MessageType.WARNING:
            err, _ = message.parse_warning()
            sys.stderr.write(f"\nwarning: {message.src.name}: {err.message}\n")

    def stop_cleanly(self):
        # Ctrl-C: end the streams so mp4mux writes its index and the output stays playable.
        sys.stderr.write("\nInterrupted: finishing the file...\n")
        self.pipeline.send_event(Gst.Event.new_eos())
        return False

    def run(self):
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, self.stop_cleanly)
        if self.pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            message = bus.pop_filtered(Gst.MessageType.ERROR)
            if message:
                err, debug = message.parse_error()
                self.error = f"{message.src.name}: {err.message}" + (f"\n{debug}" if debug else "")
            self.error = self.error or "the pipeline does not start"
        else:
            GLib.timeout_add(500, self.show_progress)
            self.loop.run()
        self.show_progress()
        self.pipeline.set_state(Gst.State.NULL)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        if self.error:
            sys.exit(f"render-dashboard: {self.error}")
        elapsed = time.monotonic() - self.started
        size = os.path.getsize(self.args.output) / 1e6
        print(f"Wrote {self.args.output}: {self.frames} frames, {self.codec}, {size:.1f} MB, "
              f"in {elapsed:.1f} s")


def size(text):
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not WIDTHxHEIGHT: {text}") from None
    if width <= 0 or height <= 0:
        raise argparse.ArgumentTypeError(f"not WIDTHxHEIGHT: {text}")
    return width, height


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", help="GoPro MP4 (with its gpmd telemetry track)")
    parser.add_argument("output", help="MP4 to write (PNG with --snapshot)")
    parser.add_argument("--units", choices=["kmh", "mph", "ms"], default="kmh")
    parser.add_argument("--layout", help="gpmfoverlay layout text, e.g. 'map:hide'")
    parser.add_argument("--route-file", help="gpmf2json --geojson output: the whole route on the map")
    parser.add_argument("--font", help="Pango font description, e.g. 'DejaVu Sans Bold'")
    parser.add_argument("--encoder", choices=["auto", "x264", "mpeg4"], default="auto",
                        help="x264enc (default when installed) or avenc_mpeg4")
    parser.add_argument("--no-audio", action="store_true", help="leave the audio out")
    parser.add_argument("--scale", type=size, metavar="WxH",
                        help="scale the video to this size first, e.g. 1920x1080")
    parser.add_argument("--snapshot", type=float, metavar="SECONDS",
                        help="write the frame at this time as PNG to OUTPUT instead of a video")
    args = parser.parse_args()
    if not os.path.isfile(args.input):
        sys.exit(f"render-dashboard: no such file: {args.input}")
    if os.path.abspath(args.input) == os.path.abspath(args.output):
        sys.exit("render-dashboard: the output would overwrite the input")
    Gst.init(None)
    Renderer(args).run()


if __name__ == "__main__":
    main()
