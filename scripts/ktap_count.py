#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Count KUnit test cases in KTAP logs and gate results for `make check`.

Usage: ktap_count.py [--ktap NAME:LOG:STATUS]... [--gate NAME:STATUS]...

STATUS is the exit status of the step that produced LOG (or of the gate).
Prints one line per source, then the final line "N passed, N failed"; exits
1 if anything failed.

Counting rule (KTAP, as printed by KUnit and by the user-space runner):
- every "ok" / "not ok" result line that has no subtests of its own is one
  test case: a plain case, or one parameter of a parameterised case (whose
  own result line is then not counted); a suite that ran no case at all
  counts as one;
- "# SKIP" results are skipped: counted in neither total, shown per source;
- a result without "# SKIP" counts as passed if "ok", failed if "not ok";
- tests announced by a plan line "1..N" but never reported (a crash) count
  as failed, one per missing result;
- a step that exited non-zero with no failure in its log, or that reported
  no test at all, counts as one failure;
- each gate (doc-sizes, checkpatch, sparse, kernel-doc) is one test:
  passed if its status is 0.
"""

import re
import sys

RESULT_RE = re.compile(r'^(\s*)(ok|not ok)\s+(\d+)\b\s*-?\s*([^#]*?)\s*(?:#\s*(.*))?$')
PLAN_RE = re.compile(r'^(\s*)1\.\.(\d+)\s*$')
# Console prefixes: a printk timestamp, a kunit.py time stamp.
PREFIX_RE = re.compile(r'^(\[\s*\d+\.\d+\]\s?|\[\d\d:\d\d:\d\d\]\s?)')


def depth_of(indent):
    return len(indent.expandtabs(8)) // 4


class Counts:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.missing = 0

    def total(self):
        return self.passed + self.failed + self.skipped + self.missing


def count_ktap(lines):
    counts = Counts()
    child_seen = {}      # depth -> a result at depth + 1 came since the last at depth
    plans = {}           # depth -> [planned, reported]

    def close_groups(from_depth):
        for d in [d for d in plans if d >= from_depth]:
            planned, reported = plans.pop(d)
            if reported < planned:
                counts.missing += planned - reported

    for raw in lines:
        line = PREFIX_RE.sub('', raw.rstrip('\r\n'))
        m = PLAN_RE.match(line)
        if m:
            depth = depth_of(m.group(1))
            close_groups(depth)
            plans[depth] = [int(m.group(2)), 0]
            continue
        m = RESULT_RE.match(line)
        if not m:
            continue
        depth = depth_of(m.group(1))
        if depth in plans:
            plans[depth][1] += 1
        close_groups(depth + 1)
        leaf = not child_seen.get(depth, False)
        for d in [d for d in child_seen if d >= depth]:
            child_seen[d] = False
        if depth > 0:
            child_seen[depth - 1] = True
        if not leaf:
            continue
        directive = (m.group(5) or '').strip()
        if directive.upper().startswith('SKIP'):
            counts.skipped += 1
        elif m.group(2) == 'ok':
            counts.passed += 1
        else:
            counts.failed += 1
    close_groups(0)
    return counts


def read_lines(path):
    try:
        with open(path, errors='replace') as f:
            return f.readlines()
    except OSError:
        return []


def split_arg(arg, parts):
    fields = arg.split(':')
    if len(fields) < parts:
        sys.exit('ktap_count.py: bad argument ' + arg)
    if parts == 3:
        return fields[0], ':'.join(fields[1:-1]), fields[-1]
    return fields[0], fields[-1]


def main(argv):
    passed = failed = 0
    i = 0
    while i < len(argv):
        opt = argv[i]
        if opt not in ('--ktap', '--gate') or i + 1 >= len(argv):
            sys.exit(__doc__)
        arg = argv[i + 1]
        i += 2
        if opt == '--gate':
            name, status = split_arg(arg, 2)
            ok = status == '0'
            passed += ok
            failed += not ok
            print(f'{name:<12} {"pass" if ok else "FAIL"} (exit {status})')
            continue
        name, path, status = split_arg(arg, 3)
        c = count_ktap(read_lines(path))
        extra = 0
        why = ''
        if status != '0' and c.failed + c.missing == 0:
            extra, why = 1, ': counted as one failure'
        elif c.total() == 0:
            extra, why = 1, ', no test reported: counted as one failure'
        passed += c.passed
        failed += c.failed + c.missing + extra
        print(f'{name:<12} cases ok={c.passed} not-ok={c.failed} '
              f'missing={c.missing} skipped={c.skipped} (exit {status}{why})')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
