#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Table of the scaling benchmark (user/bench/scale.c) from its KTAP log.

Each "# scale: fmt,layout,one,two,speedup" line gives the map+unmap calls
per microsecond of one thread and of two threads together.
"""
import sys


def main(path):
    rows = []
    ok = False
    with open(path, encoding="utf-8") as log:
        for line in log:
            line = line.strip()
            if line.startswith("# scale: "):
                rows.append(line[len("# scale: "):].split(","))
            elif line.startswith("ok ") and "iommu_pt_bench_scale" in line:
                ok = True
    if not rows or not ok:
        sys.stdout.write(open(path, encoding="utf-8").read())
        sys.exit("bench_scale: the suite failed or printed no rows")
    print("| format | layout | 1 thread (calls/us) | 2 threads (calls/us) "
          "| speedup |")
    print("| --- | --- | --- | --- | --- |")
    for fmt, layout, one, two, speedup in rows:
        print(f"| {fmt} | {layout} | {one} | {two} | {speedup}x |")


if __name__ == "__main__":
    main(sys.argv[1])
