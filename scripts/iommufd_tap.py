#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the console of the iommufd selftest guest into KTAP for `make check`.

Usage: iommufd_tap.py --known FILE --out KTAP CONSOLE_LOG

The guest (scripts/iommufd/init) prints the TAP of each selftest program
between "IOMMUFD-BEGIN <prog>" and "IOMMUFD-END <prog> <rc> <start> <end>".
Each "ok" / "not ok" line of a program becomes one result named
"<prog>:<test>". A failing test listed in the known-failures file (one
"<prog>:<test> <reason>" a line) is reported as skipped with its reason, so
it counts in neither total but stays visible; a listed test that passes is
reported passed, with a note to take it off the list. A test announced by
the plan and never reported (the program crashed) fails. One more result,
"kernel-log", fails if the kernel printed a WARNING, BUG, KASAN, lockdep or
RCU report, an Oops or a panic anywhere in the boot. "<prog>:iommu-pages"
fails if the page table pages in use (/proc/vmstat nr_iommu_pages) after
the program differ from before it ("IOMMUFD-PAGES <prog> <before>
<after>"), and "kmemleak" if kmemleak reported an unreferenced object
between "IOMMUFD-KMEMLEAK-BEGIN" and "IOMMUFD-KMEMLEAK-END" (or never
printed them while tests ran). The KTAP goes to --out; a summary goes to
stdout.
"""

import argparse
import re
import sys

RESULT_RE = re.compile(r'^(ok|not ok)\s+(\d+)\s+(\S+)(?:\s*#\s*(.*))?$')
PLAN_RE = re.compile(r'^1\.\.(\d+)$')
PREFIX_RE = re.compile(r'^\[\s*\d+\.\d+\]\s?')
KERNEL_REPORT_RE = re.compile(
    r'(WARNING:|BUG:|KASAN|UBSAN|possible circular locking|'
    r'possible recursive locking|inconsistent lock state|'
    r'suspicious RCU usage|Oops|Kernel panic|general protection fault|'
    r'INFO: task .* blocked)')


def load_known(path):
    known = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            name, _, reason = line.partition(' ')
            known[name] = reason.strip() or 'no reason given'
    return known


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--known', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('log')
    args = ap.parse_args()

    known = load_known(args.known)
    results = []      # (ok, name, directive)
    reports = []
    times = []
    prog = None
    planned = reported = 0
    done = False
    ran = False
    leaks = None      # lines kmemleak printed, None if it never ran
    in_leaks = False
    details = {}      # name: comment lines under a failed result

    def close(prog, planned, reported):
        for i in range(reported, planned):
            results.append((False, f'{prog}:missing-result-{i + 1}',
                            'never reported: the program died'))

    with open(args.log, errors='replace') as f:
        for raw in f:
            line = PREFIX_RE.sub('', raw.rstrip('\r\n'))
            if line == 'IOMMUFD-KMEMLEAK-BEGIN':
                leaks, in_leaks = [], True
                continue
            if line == 'IOMMUFD-KMEMLEAK-END':
                in_leaks = False
                continue
            if in_leaks:
                leaks.append(line)
                continue
            if KERNEL_REPORT_RE.search(line) and not line.startswith(
                    ('ok ', 'not ok ', '#')):
                reports.append(line)
            m = re.match(r'^IOMMUFD-BEGIN (\S+)$', line)
            if m:
                prog, planned, reported = m.group(1), 0, 0
                continue
            m = re.match(r'^IOMMUFD-END (\S+) (\d+) (\S+) (\S+)$', line)
            if m and prog:
                ran = True
                close(prog, planned, reported)
                times.append((prog, int(m.group(2)),
                              float(m.group(4)) - float(m.group(3))))
                prog = None
                continue
            m = re.match(r'^IOMMUFD-PAGES (\S+) (\d+) (\d+)$', line)
            if m:
                before, after = int(m.group(2)), int(m.group(3))
                results.append((before == after,
                                f'{m.group(1)}:iommu-pages',
                                '' if before == after else
                                f'{after - before} table pages left'))
                continue
            if line == 'IOMMUFD-DONE':
                done = True
                continue
            if not prog:
                continue
            m = PLAN_RE.match(line)
            if m:
                planned = int(m.group(1))
                continue
            m = RESULT_RE.match(line)
            if not m:
                continue
            reported += 1
            ok = m.group(1) == 'ok'
            name = f'{prog}:{m.group(3)}'
            directive = m.group(4) or ''
            results.append((ok, name, directive))
    if prog:
        close(prog, planned, reported)
        results.append((False, f'{prog}:end', 'the guest stopped inside it'))
    if not done:
        results.append((False, 'guest-finished',
                        'no IOMMUFD-DONE: timeout or crash'))
    if ran:
        unref = [x for x in leaks or [] if 'unreferenced object' in x]
        results.append((leaks is not None and not unref, 'kmemleak',
                        'kmemleak did not run' if leaks is None else
                        f'{len(unref)} unreferenced objects'))
        if unref:
            details['kmemleak'] = leaks[:40]

    out = ['KTAP version 1', f'1..{len(results) + 1}']
    npass = nfail = nskip = nknown = 0
    for i, (ok, name, directive) in enumerate(results, 1):
        if not ok and name in known:
            out.append(f'ok {i} {name} # SKIP known failure: {known[name]}')
            nknown += 1
        elif ok and directive.upper().startswith('SKIP'):
            out.append(f'ok {i} {name} # {directive}')
            nskip += 1
        elif ok:
            if name in known:
                print(f'iommufd: {name} passes: take it off the known '
                      'failures')
            out.append(f'ok {i} {name}')
            npass += 1
        else:
            out.append(f'not ok {i} {name}')
            if directive:
                out.append(f'# {directive}')
            for x in details.get(name, []):
                out.append(f'# {x}')
            print(f'iommufd: {name} failed {directive}')
            nfail += 1
    i = len(results) + 1
    if reports:
        out.append(f'not ok {i} kernel-log')
        for r in reports[:20]:
            out.append(f'# {r}')
        nfail += 1
    else:
        out.append(f'ok {i} kernel-log')
        npass += 1
    with open(args.out, 'w') as f:
        f.write('\n'.join(out) + '\n')

    for prog, rc, secs in times:
        print(f'iommufd: {prog} exited {rc} after {secs:.0f} s in the guest')
    for r in reports[:20]:
        print(f'iommufd: kernel report: {r}')
    print(f'iommufd: {npass} passed, {nfail} failed, {nknown} known '
          f'failures, {nskip} skipped')
    return 1 if nfail else 0


if __name__ == '__main__':
    sys.exit(main())
