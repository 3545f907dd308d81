#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The gst-gpmf authors
"""The Python module's cost (bench/python_bench.sh runs it; docs/python.md quotes it).

1. One long recording (karma.mp4 looped to an hour) to arrays for every stream: a fresh
   `python3` process per run (interpreter start, `import gpmf`, `gpmf.open`), its wall time,
   the time of `gpmf.open` alone and the peak RSS; beside `gpmf2json FILE -o out.ndjson`
   (wall time, peak RSS), runs interleaved, medians printed.
2. Per-file overhead: `gpmf.open` on each small sample MP4 many times: time per file and the
   bytes read (box headers, moov, telemetry samples) against the file's size.
3. The same files through gpmf.dask on a dask.distributed LocalCluster (2 worker processes,
   1 thread each): per-file summaries of 300 files, the time per file with Dask's task overhead.

Usage: bench/python_bench.py --pythonpath BUILD/python --gpmf2json BUILD/tools/gpmf2json
                             [--runs N] [--samples DIR] LONG.mp4
"""

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import numpy, gpmf
t1 = time.perf_counter()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rec = gpmf.open(sys.argv[1])
t2 = time.perf_counter()
rows = sum(len(s) for s in rec.streams)
values = sum(s.values.size for s in rec.streams)
nbytes = sum(s.values.nbytes + s.t.nbytes + (0 if s.utc is None else s.utc.nbytes) for s in rec.streams)
json.dump({"import": t1 - t0, "open": t2 - t1, "rss_import_kb": base,
           "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "rows": rows, "values": values,
           "array_bytes": nbytes, "streams": len(rec.streams), "payloads": rec.summary["payloads"],
           "bytes_read": rec.bytes_read, "file_size": rec.file_size, "gps": len(rec.gps)}, sys.stdout)
"""


def run_child(argv, env=None):
    """Runs argv; returns (wall seconds, peak RSS in kB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)} failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss, out


def mib(kb):
    return f"{kb / 1024:.1f} MiB"


def long_recording(args):
    env = dict(os.environ, PYTHONPATH=args.pythonpath)
    py, tool = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.ndjson")
        for _ in range(args.runs):
            wall, peak, stdout = run_child([sys.executable, "-c", CHILD, args.file], env)
            py.append((wall, peak, json.loads(stdout)))
            wall, peak, _ = run_child([args.gpmf2json, args.file, "-o", out])
            tool.append((wall, peak, os.path.getsize(out)))
    info = py[0][2]
    size = info["file_size"]
    print(f"Input: {args.file}")
    print(f"  {size / 2**20:.1f} MiB, {info['payloads']} payloads, {info['streams']} streams, "
          f"{info['rows']} rows, {info['values']} values, {info['gps']} GPS points")
    print(f"  bytes read by gpmf.open: {info['bytes_read'] / 2**20:.2f} MiB "
          f"({100 * info['bytes_read'] / size:.2f} % of the file)")
    print(f"Medians of {args.runs} runs (interleaved):")
    med = statistics.median
    py_wall = med(r[0] for r in py)
    py_open = med(r[2]["open"] for r in py)
    py_import = med(r[2]["import"] for r in py)
    py_peak = med(r[1] for r in py)
    py_base = med(r[2]["rss_import_kb"] for r in py)
    tool_wall = med(r[0] for r in tool)
    tool_peak = med(r[1] for r in tool)
    print(f"  python3 -c 'gpmf.open(FILE)'  process {py_wall:.3f} s (import numpy+gpmf {py_import:.3f} s, "
          f"gpmf.open {py_open:.3f} s), peak RSS {mib(py_peak)} "
          f"({mib(py_peak - py_base)} over the interpreter with numpy; arrays {info['array_bytes'] / 2**20:.1f} MiB)")
    print(f"  gpmf2json FILE -o out.ndjson   process {tool_wall:.3f} s, peak RSS {mib(tool_peak)}, "
          f"NDJSON {tool[0][2] / 2**20:.1f} MiB")
    print(f"  ratio: gpmf.open is {tool_wall / py_open:.1f}x faster than gpmf2json; the whole Python "
          f"process {tool_wall / py_wall:.1f}x")


def per_file(args):
    sys.path.insert(0, args.pythonpath)
    import gpmf

    files = sorted(glob.glob(os.path.join(args.samples, "*.mp4")))
    if not files:
        print(f"(no MP4 in {args.samples}: per-file overhead skipped)")
        return
    print("Per-file overhead: gpmf.open on the sample MP4s (best of 5 rounds of 50 opens each)")
    for f in files:
        rounds = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(50):
                rec = gpmf.open(f)
            rounds.append((time.perf_counter() - start) / 50)
        print(f"  {os.path.basename(f):18} {min(rounds) * 1e3:6.2f} ms/file, {rec.summary['payloads']:3} payloads, "
              f"read {rec.bytes_read:7} of {rec.file_size:8} bytes ({100 * rec.bytes_read / rec.file_size:.1f} %)")
    header = gpmf.open(files[0])
    start = time.perf_counter()
    for _ in range(200):
        gpmf.open(files[0], streams=["XXXX"])
    only_index = (time.perf_counter() - start) / 200
    print(f"  {os.path.basename(files[0])} with streams=['XXXX'] (index, header and samples read, no stream kept): "
          f"{only_index * 1e3:.2f} ms/file; header camera {header.header['camera']!r}")


def cluster(args):
    try:
        import distributed
    except ImportError:
        print("(dask.distributed is not installed: the cluster row is skipped)")
        return
    sys.path.insert(0, args.pythonpath)
    os.environ["PYTHONPATH"] = args.pythonpath  # for the worker processes
    import gpmf.dask

    files = sorted(glob.glob(os.path.join(args.samples, "*.mp4")))
    if not files:
        return
    tmp = tempfile.TemporaryDirectory()
    # Each round its own paths (symbolic links): Dask would otherwise find its results by key.
    rounds_paths = []
    for r in range(4):
        paths = []
        for i in range(300):
            link = os.path.join(tmp.name, f"{r}-{i}.mp4")
            os.symlink(os.path.abspath(files[i % len(files)]), link)
            paths.append(link)
        rounds_paths.append(paths)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=50) as c, distributed.Client(c) as client:
        client.compute(gpmf.dask.summaries(rounds_paths[0][:4])).result()  # workers warm
        rounds, batched = [], []
        for paths in rounds_paths[1:]:
            start = time.perf_counter()
            results = client.compute(gpmf.dask.summaries(paths)).result()
            rounds.append(time.perf_counter() - start)
            assert [r["path"] for r in results] == paths and all(r["error"] is None for r in results)
            # The same paths again in 8 partitions of about 38 files (other keys: other partitions).
            start = time.perf_counter()
            again = client.compute(gpmf.dask.summaries(paths, npartitions=8)).result()
            batched.append(time.perf_counter() - start)
            assert again == results
        start = time.perf_counter()
        local = [gpmf.dask.summarize(p) for p in paths]
        serial = time.perf_counter() - start
    assert results == local
    tmp.cleanup()
    best = min(rounds)
    print(f"Cluster: gpmf.dask.summaries over {len(paths)} sample MP4s on a LocalCluster (2 processes x 1 thread)")
    print(f"  one task per file:   {best:.2f} s, {best / len(paths) * 1e3:.2f} ms/file (best of 3)")
    best = min(batched)
    print(f"  npartitions=8:       {best:.2f} s, {best / len(paths) * 1e3:.2f} ms/file (best of 3)")
    print(f"  this process, a loop without Dask: {serial:.2f} s, {serial / len(paths) * 1e3:.2f} ms/file")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pythonpath", required=True)
    parser.add_argument("--gpmf2json", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", default=os.environ.get("GPMF_SAMPLES_DIR", "../shared/samples"))
    parser.add_argument("file")
    args = parser.parse_args()
    long_recording(args)
    print()
    per_file(args)
    print()
    cluster(args)


if __name__ == "__main__":
    main()
