#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Instruction counts of the user-space benchmark (user/bench/bench_user.c).

Reads the callgrind dumps the benchmark triggers with
CALLGRIND_DUMP_STATS_AT("FMT,ROW,OP,CALLS"), one per measured operation, and
prints the instructions per call, with the memset64() floor next to map.

Usage: bench_callgrind.py [--csv FILE] callgrind.out...
"""

import argparse
import csv
import re
import sys

TRIGGER_RE = re.compile(r'^desc: Trigger: Client Request: (.*)$')
SUMMARY_RE = re.compile(r'^summary: (\d+)')


def read_dump(path):
    desc = None
    total = None
    with open(path, errors='replace') as f:
        for line in f:
            m = TRIGGER_RE.match(line)
            if m:
                desc = m.group(1).strip()
                continue
            m = SUMMARY_RE.match(line)
            if m:
                total = int(m.group(1))
    return desc, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--csv')
    ap.add_argument('dumps', nargs='+')
    args = ap.parse_args()

    counts = {}
    order = []
    # callgrind.out.PID.N: the N-th dump, in the benchmark's order
    def dump_number(path):
        tail = path.rsplit('.', 1)[-1]
        return int(tail) if tail.isdigit() else 0

    for path in sorted(args.dumps, key=dump_number):
        desc, total = read_dump(path)
        if desc is None or total is None:
            continue
        fields = desc.split(',')
        if len(fields) != 4:
            continue
        fmt, row, op, calls = fields
        key = (fmt, row)
        if key not in counts:
            counts[key] = {}
            order.append(key)
        counts[key][op] = total / int(calls)
    if not counts:
        print('bench_callgrind: no benchmark dumps', file=sys.stderr)
        return 1

    ops = ('map', 'unmap', 'iova_to_phys', 'floor', 'read_and_clear_dirty')
    head = ('format', 'row', 'map', 'unmap', 'iova_to_phys', 'floor',
            'map/floor', 'read_and_clear_dirty')
    rows = []
    for key in order:
        c = counts[key]
        cells = ['%.0f' % c[op] if op in c else '-' for op in ops]
        ratio = ('%.1f' % (c['map'] / c['floor'])
                 if c.get('floor') and 'map' in c else '-')
        rows.append(key + tuple(cells[:4]) + (ratio, cells[4]))
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    print('Instructions per call (callgrind Ir), ours, user space -O2')
    print('  '.join(h.ljust(widths[i]) for i, h in enumerate(head)).rstrip())
    print('  '.join('-' * w for w in widths))
    for r in rows:
        print('  '.join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())

    if args.csv:
        with open(args.csv, 'w', newline='') as f:
            w = csv.writer(f)
            w.writerow(('format', 'row', 'op', 'instructions_per_call'))
            for key in order:
                for op in ops:
                    if op in counts[key]:
                        w.writerow(key + (op, '%.1f' % counts[key][op]))
        print('\nbench_callgrind: %s' % args.csv)
    return 0


if __name__ == '__main__':
    sys.exit(main())
