#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check the table "Leaf sizes by level" of Documentation/generic_pt.rst.

Usage: check_doc_sizes.py [--log KTAP_LOG] [--doc RST]

The fmt suite of every format (kpt_fmt_test_doc_sizes in
kunit/suites/fmt.h) prints, for the configurations the table lists, the leaf
sizes the format's hooks give at each level and the page size bitmap of a
table, after checking both against the format's KUnit reference:

    generic-pt-sizes: <format> <configuration> <level> 0x<sizes>
    generic-pt-pgsize: <format> <configuration> 0x<pgsize_bitmap>

This script compares those lines with the table. Without --log it builds
and runs the fmt suites in user space (make -C user run) to get them; with
it, it reads a KTAP log of such a run (make check passes the user-space
run's). Exit status 0 when every row, level and bitmap agrees, 1 otherwise.
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = '.. generic-pt-sizes-begin'
END = '.. generic-pt-sizes-end'
UNITS = {'K': 10, 'M': 20, 'G': 30, 'T': 40, 'P': 50}
LINE = re.compile(r'generic-pt-(sizes|pgsize): (\S+) (\S+) (?:(\d+) )?'
                  r'0x([0-9a-f]+)\s*$')


def size_lg2(text):
    """'64K' -> 16"""
    m = re.fullmatch(r'(\d+)([KMGTP])', text)
    if not m or int(m.group(1)) & (int(m.group(1)) - 1):
        raise ValueError(f'not a power of two size: {text!r}')
    return int(m.group(1)).bit_length() - 1 + UNITS[m.group(2)]


def cell_bitmap(text):
    """'none', '4K, 64K' or '4K..1M' (every power of two) -> a bitmap"""
    bits = 0
    if text == 'none':
        return 0
    for item in text.split(','):
        item = item.strip()
        if '..' in item:
            lo, hi = (size_lg2(x) for x in item.split('..'))
            if lo > hi:
                raise ValueError(f'empty range {item!r}')
            for k in range(lo, hi + 1):
                bits |= 1 << k
        else:
            bits |= 1 << size_lg2(item)
    return bits


def read_doc(path):
    """{(format, configuration): [bitmap of level 0, level 1, ...]}"""
    rows = {}
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    try:
        start = lines.index(BEGIN) + 1
        end = lines.index(END, start)
    except ValueError:
        raise SystemExit(f'{path}: no {BEGIN} ... {END} table')
    header = None
    for line in lines[start:end]:
        if not line.strip() or set(line.strip()) <= {'=', ' '}:
            continue
        cells = re.split(r'\s{2,}', line.strip())
        if header is None:
            header = cells
            if header[:2] != ['format', 'configuration'] or any(
                    c != f'level {i}' for i, c in enumerate(header[2:])):
                raise SystemExit(f'{path}: unexpected header {header}')
            continue
        if len(cells) != len(header):
            raise SystemExit(f'{path}: row {cells} has {len(cells)} cells, '
                             f'the header {len(header)}')
        key = (cells[0], cells[1])
        if key in rows:
            raise SystemExit(f'{path}: {key} twice')
        try:
            rows[key] = [cell_bitmap(c) for c in cells[2:]]
        except ValueError as e:
            raise SystemExit(f'{path}: {key}: {e}')
    if not rows:
        raise SystemExit(f'{path}: the table has no rows')
    return rows


def run_suites():
    """The KTAP of the fmt suites, built and run in user space"""
    cmd = ['make', '-s', '-C', os.path.join(ROOT, 'user'), 'run',
           'FILTER=generic_pt_*_fmt']
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, check=False)
    if res.returncode:
        sys.stdout.write(res.stdout)
        print(f'check_doc_sizes: {" ".join(cmd)} failed ({res.returncode})')
    return res.stdout


def main(argv):
    log = None
    doc = os.path.join(ROOT, 'Documentation', 'generic_pt.rst')
    args = list(argv)
    while args:
        opt = args.pop(0)
        if opt in ('--log', '--doc') and args:
            if opt == '--log':
                log = args.pop(0)
            else:
                doc = args.pop(0)
        else:
            raise SystemExit(__doc__)
    rows = read_doc(doc)
    if log:
        with open(log, encoding='utf-8', errors='replace') as f:
            text = f.read()
    else:
        text = run_suites()

    got = {}
    pgsizes = {}
    for line in text.splitlines():
        m = LINE.search(line)
        if not m:
            continue
        kind, fmt, cfg, level, value = m.groups()
        value = int(value, 16)
        if kind == 'sizes':
            got.setdefault((fmt, cfg), {}).setdefault(int(level),
                                                      set()).add(value)
        else:
            pgsizes.setdefault((fmt, cfg), set()).add(value)

    errors = []
    checked = 0
    for key in sorted(set(rows) | set(got)):
        name = f'{key[0]} {key[1]}'
        if key not in rows:
            errors.append(f'{name}: printed by the fmt suite, not in the '
                          'table')
            continue
        if key not in got:
            errors.append(f'{name}: in the table, not printed by any fmt '
                          'suite (no such format or kpt_doc_cfgs[] entry)')
            continue
        doc_levels = rows[key]
        for level in range(max(len(doc_levels), max(got[key]) + 1)):
            want = doc_levels[level] if level < len(doc_levels) else None
            have = got[key].get(level, {0})
            if want is None:
                if have != {0}:
                    errors.append(f'{name}: level {level} has sizes '
                                  f'{sorted(hex(v) for v in have)}, the '
                                  'table has no column for it')
                continue
            checked += 1
            for value in have:
                if value != want:
                    errors.append(f'{name}: level {level}: the format has '
                                  f'{value:#x}, the table says {want:#x}')
        union = 0
        for bits in doc_levels:
            union |= bits
        for value in pgsizes.get(key, set()) or {None}:
            if value != union:
                errors.append(f'{name}: page size bitmap '
                              f'{value if value is None else hex(value)}, '
                              f'the union of the row is {union:#x}')

    for e in errors:
        print(f'check_doc_sizes: {e}')
    print(f'check_doc_sizes: {len(rows)} rows, {checked} levels checked, '
          f'{len(errors)} differences')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
