#!/usr/bin/env python3
# SPDX-License-Identifier: CC0-1.0
"""CPU seconds (user + system) of each thread of a command, by thread name.

Usage: thread_cpu.py CMD...  Prints "name seconds" pairs, busiest first, on one line. The
threads are read from /proc every 5 ms while the command runs: a thread's last reading before
it ends is what it used (to within those 5 ms). What a pipeline's wall time follows on a
machine with few cores is its busiest thread, which the process's total hides.
"""
import os
import subprocess
import sys
import time

ticks = os.sysconf('SC_CLK_TCK')
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
last = {}
while child.poll() is None:
    try:
        tids = os.listdir(f'/proc/{child.pid}/task')
    except OSError:
        tids = []
    for tid in tids:
        try:
            with open(f'/proc/{child.pid}/task/{tid}/stat') as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        last[tid] = (name, (int(fields[11]) + int(fields[12])) / ticks)
    time.sleep(0.005)
by_name = {}
for name, seconds in last.values():
    by_name[name] = by_name.get(name, 0.0) + seconds
busy = sorted(((s, n) for n, s in by_name.items() if s >= 0.01), reverse=True)
print('  '.join(f'{n} {s:.2f} s' for s, n in busy))
sys.exit(child.returncode)
