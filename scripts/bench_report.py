#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the "iommu_pt_bench:" lines of a benchmark kernel log into a console
table, CSV files and a gnuplot chart.

Lines written by kunit/bench/bench.c:
  iommu_pt_bench: time,FMT,ROW,OP,SIDE,ENTRIES,MEDIAN_NS,P10_NS,P90_NS,REPS
    (OP read_and_clear_dirty: ROW "1G in 4K all dirty" and the like,
    ENTRIES the leaves read; only ours and theirs)
  iommu_pt_bench: mem,FMT,ROW,WHEN,OURS_BYTES,THEIRS_BYTES
  iommu_pt_bench: clock,FMT,NS

Usage: bench_report.py [--out DIR] [--no-chart] LOG
Writes DIR/bench.csv, DIR/bench_mem.csv, DIR/bench.txt (the table) and
DIR/bench.png (with gnuplot), and prints the table.
"""

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys

LINE_RE = re.compile(r'iommu_pt_bench: (.*?)\s*$')
SIDES = ('ours', 'theirs', 'floor')
# The op of the rows kunit/bench/bench.c times on dirty-tracking tables
DIRTY_OP = 'read_and_clear_dirty'
DIRTY_SETUP = {
    'armv8_4k': 'ours with PT_FEAT_ARMV8_DBM, io-pgtable-arm with '
                'IO_PGTABLE_QUIRK_ARM_HD',
    'amdv1': 'AMD v1 always has them',
}
FMT_TITLE = {
    'armv8_4k': 'ARM LPAE S1 4K: armv8_4k vs io-pgtable-arm (6.12)',
    'amdv1': 'AMD v1: amdv1 vs drivers/iommu/amd/io_pgtable.c (6.12)',
}


def parse(path):
    times = {}
    order = []
    mem = []
    clock = {}
    with open(path, errors='replace') as f:
        for line in f:
            m = LINE_RE.search(line)
            if not m:
                continue
            fields = m.group(1).split(',')
            kind = fields[0]
            if kind == 'time' and len(fields) == 10:
                fmt, row, op, side = fields[1:5]
                entries = int(fields[5])
                med, lo, hi = (float(x) for x in fields[6:9])
                key = (fmt, row, op)
                if key not in times:
                    times[key] = {'entries': entries}
                    order.append(key)
                times[key][side] = (med, lo, hi, int(fields[9]))
            elif kind == 'mem' and len(fields) == 6:
                mem.append((fields[1], fields[2], fields[3],
                            int(fields[4]), int(fields[5])))
            elif kind == 'clock' and len(fields) == 3:
                clock[fields[1]] = int(fields[2])
    return times, order, mem, clock


def fmt_ns(v):
    if v is None:
        return '-'
    if v >= 100:
        return '%.0f' % v
    return '%.1f' % v


def formats(order):
    """The formats in the order the log first names them."""
    fmts = []
    for key in order:
        if key[0] not in fmts:
            fmts.append(key[0])
    return fmts


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def table(times, order, mem, clock):
    out = []
    fmts = formats(order)
    head = ('row', 'op', 'ours ns', 'theirs ns', 'floor ns', 'ours/theirs',
            'speedup', 'ours/floor')
    for fmt in fmts:
        out.append('')
        out.append('== %s (median ns per call, [p10-p90])' %
                   FMT_TITLE.get(fmt, fmt))
        rows = []
        for key in order:
            if key[0] != fmt:
                continue
            t = times[key]
            med = {s: t[s][0] if s in t else None for s in SIDES}

            def cell(side):
                if side not in t:
                    return '-'
                m, lo, hi, _ = t[side]
                return '%s [%s-%s]' % (fmt_ns(m), fmt_ns(lo), fmt_ns(hi))

            r_ot = ratio(med['ours'], med['theirs'])
            r_of = ratio(med['ours'], med['floor'])
            rows.append((key[1], key[2], cell('ours'), cell('theirs'),
                         cell('floor'),
                         '%.2f' % r_ot if r_ot is not None else '-',
                         '%.1fx' % (1 / r_ot) if r_ot else '-',
                         '%.2f' % r_of if r_of is not None else '-'))
        widths = [max(len(str(r[i])) for r in rows + [head])
                  for i in range(len(head))]
        line = '  '.join(h.ljust(widths[i]) for i, h in enumerate(head))
        out.append(line.rstrip())
        out.append('  '.join('-' * w for w in widths))
        for r in rows:
            out.append('  '.join(str(c).ljust(widths[i])
                                 for i, c in enumerate(r)).rstrip())
        if fmt in clock:
            out.append('(reading the clock twice: %d ns. map+walk: a map '
                       'across two existing leaf tables, which needs the '
                       'read-only walk first; walk: that walk alone, the '
                       'same map refused with -EADDRINUSE at its last page)'
                       % clock[fmt])
        if any(k[0] == fmt and k[2] == DIRTY_OP for k in order):
            out.append('(%s: one call over 1 GiB of 4K or 2M leaves, '
                       'every leaf or none made dirty first, untimed, with '
                       'a NULL iova_bitmap and a gather, then iotlb_sync, as '
                       'iommufd clears dirty state; on tables with dirty '
                       'tracking: %s; entries: leaves read)'
                       % (DIRTY_OP, DIRTY_SETUP.get(fmt, fmt)))
    if mem:
        out.append('')
        out.append('== Table memory (bytes) a row adds: after its first map, '
                   'and what is left after its unmap')
        out.append('both: a walk of the table from its root, decoding the '
                   'entries from the specification')
        before = {}
        rows = []
        for f, r, w, o, t in mem:
            if w == 'before':
                before[(f, r)] = (o, t)
                continue
            bo, bt = before.get((f, r), (0, 0))
            rows.append((f, r, w, str(o - bo), str(t - bt)))
        head = ('format', 'row', 'after', 'ours', 'theirs')
        widths = [max(len(x[i]) for x in rows + [head])
                  for i in range(len(head))]
        out.append('  '.join(h.ljust(widths[i])
                             for i, h in enumerate(head)).rstrip())
        out.append('  '.join('-' * w for w in widths))
        for r in rows:
            out.append('  '.join(c.ljust(widths[i])
                                 for i, c in enumerate(r)).rstrip())
    return '\n'.join(out) + '\n'


def write_csv(outdir, times, order, mem):
    with open(os.path.join(outdir, 'bench.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(('format', 'row', 'op', 'side', 'entries', 'median_ns',
                    'p10_ns', 'p90_ns', 'reps', 'ours_over_side'))
        for key in order:
            t = times[key]
            for side in SIDES:
                if side not in t:
                    continue
                m, lo, hi, reps = t[side]
                r = ratio(t['ours'][0], m) if 'ours' in t else None
                w.writerow(key + (side, t['entries'], m, lo, hi, reps,
                                  '%.3f' % r if r is not None else ''))
    with open(os.path.join(outdir, 'bench_mem.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(('format', 'row', 'when', 'ours_bytes', 'theirs_bytes'))
        for m in mem:
            w.writerow(m)


def chart(outdir, times, order):
    """Clustered bars, log scale: ns per call of map and unmap by row
    (rows without either, such as the read_and_clear_dirty ones, are left
    out)."""
    if not shutil.which('gnuplot'):
        print('bench_report: gnuplot not found, no chart', file=sys.stderr)
        return False
    fmts = formats(order)
    plots = []
    for fmt in fmts:
        dat = os.path.join(outdir, 'bench_%s.dat' % fmt)
        with open(dat, 'w') as f:
            f.write('# row ours_map theirs_map ours_unmap theirs_unmap '
                    'floor_map\n')
            rows = []
            for key in order:
                if (key[0] == fmt and key[1] not in rows and
                        key[2] in ('map', 'unmap')):
                    rows.append(key[1])
            for row in rows:
                def med(op, side):
                    t = times.get((fmt, row, op), {})
                    return '%.3f' % t[side][0] if side in t else '?'
                f.write('"%s" %s %s %s %s %s\n' % (
                    row, med('map', 'ours'), med('map', 'theirs'),
                    med('unmap', 'ours'), med('unmap', 'theirs'),
                    med('map', 'floor')))
        plots.append((fmt, dat))
    png = os.path.join(outdir, 'bench.png')
    gp = ['set terminal pngcairo size 1100,%d font "sans,10"' %
          (380 * len(plots)),
          'set output "%s"' % png,
          'set termoption noenhanced',
          'set multiplot layout %d,1' % len(plots),
          'set style data histogram',
          'set style histogram cluster gap 1',
          'set style fill solid 0.85 border -1',
          'set boxwidth 0.9',
          'set logscale y',
          'set format y "%.0f"',
          'set ylabel "ns per call (median)"',
          'set grid ytics',
          'set key outside right top vertical',
          'set datafile missing "?"',
          'set xtics nomirror']
    for fmt, dat in plots:
        gp.append('set title "%s"' % FMT_TITLE.get(fmt, fmt))
        gp.append('plot "%s" using 2:xtic(1) title "ours map" lc rgb '
                  '"#1f77b4", "" using 3 title "theirs map" lc rgb "#ff7f0e", '
                  '"" using 4 title "ours unmap" lc rgb "#6baed6", '
                  '"" using 5 title "theirs unmap" lc rgb "#fdae6b", '
                  '"" using 6 title "memset64 floor (map)" lc rgb "#999999"'
                  % dat)
    gp.append('unset multiplot')
    script = os.path.join(outdir, 'bench.gp')
    with open(script, 'w') as f:
        f.write('\n'.join(gp) + '\n')
    res = subprocess.run(['gnuplot', script], capture_output=True, text=True)
    if res.returncode:
        sys.stderr.write(res.stderr)
        return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='.')
    ap.add_argument('--no-chart', action='store_true')
    ap.add_argument('log')
    args = ap.parse_args()
    times, order, mem, clock = parse(args.log)
    if not times:
        print('bench_report: no benchmark lines in %s' % args.log,
              file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    text = table(times, order, mem, clock)
    with open(os.path.join(args.out, 'bench.txt'), 'w') as f:
        f.write(text)
    sys.stdout.write(text)
    write_csv(args.out, times, order, mem)
    ok = True
    if not args.no_chart:
        ok = chart(args.out, times, order)
    print('\nbench_report: %s/bench.txt, bench.csv, bench_mem.csv%s' %
          (args.out, ', bench.png' if ok and not args.no_chart else ''))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
