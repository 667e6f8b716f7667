#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The host side of the QEMU DMA test ("scripts/kernel.sh dma").

Usage:
  dma_check.py disk IMG             write the disk the guest reads
  dma_check.py check --disk IMG --trace TRACE --out KTAP CONSOLE_LOG

The guest (scripts/dma/init.c, scripts/dma/dmatest.c) reads the disk through
a 2M hugetlb page and 16 separate 4K pages with O_DIRECT, so the
virtio-blk device DMAs through the IOMMU, writes two areas and reads them
back. It prints the buffers' physical addresses ("DMATEST-PHYS") and its
verdict ("DMATEST-RESULT"). The checks, each a KTAP result:

- dma:dmatest: the guest saw the disk's bytes and read back what it wrote;
- dma:disk: the disk holds what the guest wrote, where it wrote it, and the
  host's pattern everywhere else (checked here, not by the guest);
- dma:walker-2M: QEMU's IOMMU translated the 2M buffer through one 2M leaf.
  Its walker returns the base of the leaf it found (amdvi_translation_result
  "hpa", or the base of an IOTLB hit; VT-d's vtd_dmar_translate gives the
  leaf's IOVA, base and size): every translation into the buffer
  returned the buffer's first address, none a later 4K page of it, and the
  data check proves the whole buffer was translated. With --granule 16384
  or 65536 (an arm64 kernel of that PAGE_SIZE) 2M is a contiguous run of
  the granule's pages, which QEMU's SMMUv3 walker reads as pages: each
  translation into the buffer returned a page of the granule;
- dma:walker-4K: each 4K buffer was translated on its own (a translation
  returned the address of its page of the granule);
- dma:no-fault: the IOMMU logged no fault (QEMU's amdvi_page_fault and
  vtd_dmar_fault, the drivers' "Event logged" and "DMAR: [DMA ..."
  messages);
- dma:ours: the guest's function profile shows the DMA domain mapped and
  unmapped through Generic PT (pt_iommu_* calls), when the series converts
  the driver;
- dma:live-cut: the KUnit suite generic_pt_dma_live_cut (kunit/dma/
  live_cut.c) ran in the guest and passed: QEMU's edu device copied pages
  of a 2M mapping that was cut eight times under its pending copies, and of
  a 64K run cut once, every byte checked by the guest;
- dma:live-cut-walker: QEMU's trace of edu's translations, against the
  pages the suite printed ("DMACUT" lines): the pages copied before the
  cuts went through the 2M leaf (translated to its base), each page at a
  cut was translated to its own address (a leaf starts there), and each
  page copied after the cuts through a leaf that starts at or above the
  cut below it (VT-d, which has no 64K pages: the 2M mapping only, whose
  leaves after the cuts are 4K);
- kernel-log: no WARNING, BUG, KASAN, lockdep or RCU report, Oops or panic.
"""

import argparse
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from iommufd_tap import KERNEL_REPORT_RE  # noqa: E402

# Keep in step with scripts/dma/dmatest.c
SEED_DISK = 0x6a09e667f3bcc908
SEED_GUEST = 0xbb67ae8584caa73b
DISK_SZ = 8 << 20
MB = 1 << 20
WRITTEN = [(4 * MB, 2 * MB), (6 * MB, 64 << 10)]
M64 = (1 << 64) - 1

# QEMU's trace of its walkers, each giving the IOVA and the base of the leaf
# the walker found: AMD-Vi ("gpa" is the IOVA, "hpa" the leaf's base, with
# the device), SMMUv3 (the level and address of a block or a page), VT-d
# (the device, the IOVA and base of the leaf, and its size less one: every
# translation, from the IOTLB or a walk).
AMDVI_RE = re.compile(
    r'(amdvi_translation_result|amdvi_iotlb_hit)\b.*?'
    r'devid:? ([0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]).*?'
    r'gpa (0x[0-9a-fA-F]+).*?hpa (0x[0-9a-fA-F]+)')
SMMU_RE = re.compile(
    r'smmu_ptw_(?:block|page)_pte\b.*?iova=(0x[0-9a-fA-F]+).*?'
    r'(?:block|page) address = (0x[0-9a-fA-F]+)')
# The descriptor QEMU's SMMUv3 walker read, and its Contiguous bit
SMMU_PTE_RE = re.compile(r'smmu_ptw_page_pte\b.*?iova=(0x[0-9a-fA-F]+).*?'
                         r'\bpte=(0x[0-9a-fA-F]+).*?'
                         r'page address = (0x[0-9a-fA-F]+)')
VTD_RE = re.compile(
    r'vtd_dmar_translate\b.*?dev ([0-9a-f]{2}:[0-9a-f]{2})\.([0-9a-f]{2}) '
    r'iova (0x[0-9a-fA-F]+) -> gpa (0x[0-9a-fA-F]+) mask (0x[0-9a-fA-F]+)')
ARM_CONTIG = 1 << 52
FAULT_RE = re.compile(r'(amdvi_page_fault|IO_PAGE_FAULT|Event logged|'
                      r'smmuv3_translate_abort|smmuv3_record_event|'
                      r'event 0x[0-9a-f]+ received|vtd_dmar_fault|'
                      r'DMAR: \[DMA (?:Read|Write)|DMAR: DRHD: handling fault)')


def vtd_leaf(m):
    """(devid, IOVA, base, size) of a leaf VTD_RE matched"""
    return (f'{m.group(1)}.{int(m.group(2), 16):x}', int(m.group(3), 16),
            int(m.group(4), 16), int(m.group(5), 16) + 1)


def translations(trace):
    """(devid or None, IOVA, base of the leaf) of each translation traced.
    VT-d gives the leaf's first IOVA, not the one translated."""
    out = []
    for ln in trace:
        m = VTD_RE.search(ln)
        if m:
            out.append(vtd_leaf(m)[:3])
            continue
        m = AMDVI_RE.search(ln)
        if m:
            out.append((m.group(2), int(m.group(3), 16),
                        int(m.group(4), 16)))
            continue
        m = SMMU_RE.search(ln)
        if m:
            out.append((None, int(m.group(1), 16), int(m.group(2), 16)))
    return out


def vtd_leaves(trace):
    """(devid, IOVA, base, size) of each leaf QEMU's VT-d translated
    through"""
    return [vtd_leaf(m) for m in map(VTD_RE.search, trace) if m]


def smmu_ptes(trace):
    """(IOVA, descriptor, page address) of each page QEMU's SMMUv3 walked"""
    return [(int(m.group(1), 16), int(m.group(2), 16), int(m.group(3), 16))
            for m in map(SMMU_PTE_RE.search, trace) if m]


def pattern(seed, off):
    x = seed ^ ((off * 0x9e3779b97f4a7c15) & M64)
    x ^= x >> 29
    return (x * 0xbf58476d1ce4e5b9) & M64


def area(seed, off, length):
    return struct.pack('<%dQ' % (length // 8),
                       *(pattern(seed, off + i) for i in range(0, length, 8)))


def make_disk(path):
    with open(path, 'wb') as f:
        for off in range(0, DISK_SZ, MB):
            f.write(area(SEED_DISK, off, MB))


def check_disk(path):
    """Where the disk differs from what the test must leave, or None"""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) != DISK_SZ:
        return f'disk is {len(data)} bytes'
    for off in range(0, DISK_SZ, 64 << 10):
        seed = SEED_DISK
        for start, length in WRITTEN:
            if start <= off < start + length:
                seed = SEED_GUEST
        if data[off:off + (64 << 10)] != area(seed, off, 64 << 10):
            return f'64K block at {off:#x} is not the ' + (
                'guest\'s data' if seed == SEED_GUEST else 'host\'s pattern')
    return None


def devid_of(bdf):
    """The bus:slot.function of a PCI address, as the traces name devices"""
    return bdf.split(':', 1)[1] if bdf.count(':') == 2 else bdf


def edu_translations(trace, bdf, iova, size):
    """{4K page of the IOVA: [translated bases]} of edu's DMAs: its device
    where the trace names it, else the IOVAs of its mapping"""
    devid = devid_of(bdf)
    pages = {}
    for dev, addr, base in translations(trace):
        if dev == devid or (dev is None and iova <= addr < iova + size):
            pages.setdefault(addr >> 12, []).append(base)
    return pages


def kunit_case(console, case):
    """'ok', 'skip', 'fail' or None (never ran) of a KUnit case"""
    for ln in console:
        m = re.search(r'\b(not ok|ok) \d+ %s\b(.*)' % case, ln)
        if m:
            if m.group(1) == 'not ok':
                return 'fail'
            return 'skip' if '# SKIP' in m.group(2) else 'ok'
    return None


def check_live_cut(console, trace, refused, contig_run=True):
    """The results dma:live-cut and dma:live-cut-walker. With @refused the
    domain has no cut_mapping op: live_cut_refused must pass and the cutting
    cases skip, the walker finding the 2M leaf after the refused cut;
    otherwise live_cut_2m and live_cut_contig pass and live_cut_refused
    skips. Without @contig_run the domain has no 64K pages (VT-d) and
    live_cut_contig skips."""
    want = ({'live_cut_2m': 'skip', 'live_cut_contig': 'skip',
             'live_cut_refused': 'ok'} if refused else
            {'live_cut_2m': 'ok',
             'live_cut_contig': 'ok' if contig_run else 'skip',
             'live_cut_refused': 'skip'})
    got = {case: kunit_case(console, case) for case in want}
    fails = [ln.strip() for ln in console
             if re.search(r'# live_cut_\w+: (?!DMACUT)', ln) and
             'kunit_skip' not in ln]
    ok = got == want
    results = [(ok, 'dma:live-cut',
                ', '.join(f'{c} {g}' for c, g in got.items()) +
                (f': {fails[0]}' if fails and not ok else ''))]

    # Each "DMACUT map" line starts a mapping (iova, phys, size) whose
    # lines follow. expect: (4K page of the IOVA, low, high) of the leaf
    # base, and whether the walker must have translated that page: an
    # SMMU's IOTLB serves the other pages of a cached 2M leaf until the
    # invalidation after the cuts, and QEMU's SMMU walker reads the
    # entries of a contiguous run as 4K pages (the hint is for TLBs).
    # VT-d's IOTLB does the same, and its trace names the leaf's first
    # IOVA, not the one translated: the pages of a 2M leaf are its first.
    expect, cuts, maps, contig = [], [], [], []
    edu = iova = phys = size = None
    smmu = any(dev is None for dev, _, _ in translations(trace))
    vtd = vtd_leaves(trace)
    cached = smmu or bool(vtd)
    for ln in console:
        m = re.search(r'DMACUT map edu (\S+) iova (0x[0-9a-f]+) '
                      r'phys (0x[0-9a-f]+) size (0x[0-9a-f]+)', ln)
        if m:
            edu, iova, phys, size = (m.group(1), int(m.group(2), 16),
                                     int(m.group(3), 16),
                                     int(m.group(4), 16))
            maps.append((iova, phys, size))
            cuts = []
            continue
        m = re.search(r'DMACUT (before|cut|after|refused) ([\d ]+)$',
                      ln.rstrip())
        if not m or iova is None:
            continue
        pg = [int(x) for x in m.group(2).split()]
        page0 = iova >> 12
        run = smmu and size < 2 * MB
        if run and m.group(1) != 'refused':
            # The pages a copy used: before the cut, the run's hint
            contig += [(page0 + p, m.group(1) == 'before')
                       for p in (pg if m.group(1) != 'cut' else pg[2:])]
        if m.group(1) == 'before':
            expect += [(page0 + p, phys, phys + (p * 4096 if run else 0),
                        i == 0 or not cached) for i, p in enumerate(pg)]
        elif m.group(1) == 'refused':
            cuts.append(pg[0])
        elif m.group(1) == 'cut':
            cuts.append(pg[0])
            expect.append((page0 + pg[2], phys + pg[0] * 4096,
                           phys + pg[0] * 4096, not cached))
        else:
            below = max((c for c in cuts if c <= pg[1]), default=None)
            if below is not None:
                expect.append((page0 + pg[1], phys + below * 4096,
                               phys + pg[1] * 4096, True))
    if edu is None or not expect:
        results.append((False, 'dma:live-cut-walker',
                        'no DMACUT lines from the suite'))
        return results
    pages = {}
    for iova, _, size in maps:
        for pg, bases in edu_translations(trace, edu, iova, size).items():
            pages[pg] = bases
    # SMMUv3: the descriptors of a run carry the Contiguous hint before
    # the cut and none after it (neither side of a cut holds a whole run)
    ptes = {}
    for va, pte, _ in smmu_ptes(trace):
        ptes.setdefault(va >> 12, []).append(pte)
    bad = []
    for p, hint in contig:
        got = ptes.get(p, [])
        if any(bool(pte & ARM_CONTIG) != hint for pte in got):
            bad.append(f'IOVA page {p:#x}: descriptor {got[0]:#x} '
                       f'{"without" if hint else "with"} the Contiguous '
                       'hint')
    # VT-d: the 2M mapping went through one 2M leaf before the cuts, and
    # every leaf of a mapping maps its IOVAs linearly (edu's leaves only:
    # the disk's DMA domain has IOVAs of its own)
    for iova, phys, size in maps if vtd else []:
        mine = [lf[1:] for lf in vtd if lf[0] == devid_of(edu) and
                iova <= lf[1] < iova + size]
        if size == 2 * MB and (iova, phys, size) not in mine:
            bad.append(f'no 2M leaf at IOVA {iova:#x}')
        bad += [f'leaf {va:#x}+{sz:#x} translated to {pa:#x}'
                for va, pa, sz in mine if pa - phys != va - iova]
    for p, low, high, needed in expect:
        got = pages.get(p)
        if not got:
            if needed:
                bad.append(f'IOVA page {p:#x} never translated')
        elif not all(low <= b <= high for b in got):
            bad.append(f'IOVA page {p:#x} translated to {got[0]:#x}, '
                       f'expected {low:#x}' +
                       (f'..{high:#x}' if high != low else ''))
    results.append((not bad, 'dma:live-cut-walker',
                    bad[0] if bad else f'{len(expect)} pages of edu ({edu}) '
                    f'in {len(maps)} mappings translated through the leaves '
                    'the cuts left'))
    return results


def check(args):
    with open(args.log, errors='replace') as f:
        console = f.read().splitlines()
    with open(args.trace, errors='replace') as f:
        trace = f.read().splitlines()

    results = []  # (ok, name, detail)
    verdict = [ln for ln in console if 'DMATEST-RESULT' in ln]
    results.append((bool(verdict) and verdict[-1].split('DMATEST-RESULT', 1)
                    [1].strip() == 'ok', 'dma:dmatest',
                    verdict[-1] if verdict else 'no DMATEST-RESULT line'))

    bad = check_disk(args.disk)
    results.append((bad is None, 'dma:disk', bad or 'as written'))

    huge, small = [], []
    for ln in console:
        m = re.search(r'DMATEST-PHYS (huge|small) (0x[0-9a-f]+|0) ', ln)
        if m:
            (huge if m.group(1) == 'huge' else small).append(
                int(m.group(2), 16))
    bases = {}  # translated base -> number of translations
    for _, _, hpa in translations(trace):
        bases[hpa] = bases.get(hpa, 0) + 1

    g = args.granule
    if len(huge) != 1 or not huge[0] or huge[0] % (2 * MB):
        results.append((False, 'dma:walker-2M',
                        f'no 2M-aligned buffer address ({huge})'))
    elif g == 4096:
        p = huge[0]
        inside = sorted(b for b in bases if p < b < p + 2 * MB)
        ok = bases.get(p, 0) > 0 and not inside
        detail = (f'{bases.get(p, 0)} translations to {p:#x}, '
                  f'{len(inside)} to later 4K pages of the buffer')
        results.append((ok, 'dma:walker-2M', detail))
    else:
        # With a 16K or 64K granule 2M is a contiguous run (128 or 32
        # entries with the hint), not a block: QEMU's walker reads each
        # entry as a page of the granule, at its own address.
        p = huge[0]
        inside = sorted(b for b in bases if p <= b < p + 2 * MB)
        odd = [b for b in inside if b % g]
        # and each descriptor read carries the Contiguous hint
        nohint = [pte for _, pte, pa in smmu_ptes(trace)
                  if p <= pa < p + 2 * MB and not pte & ARM_CONTIG]
        ok = bases.get(p, 0) > 0 and not odd and not nohint
        detail = (f'a run of {2 * MB // g} entries of {g // 1024}K: '
                  f'{len(inside)} of them translated, each to its own page, '
                  'with the Contiguous hint' +
                  (f', not {odd[0]:#x}' if odd else '') +
                  (f'; descriptor {nohint[0]:#x} without the hint'
                   if nohint else ''))
        results.append((ok, 'dma:walker-2M', detail))

    if len(small) != 16 or not all(small):
        results.append((False, 'dma:walker-4K',
                        f'16 page addresses expected, got {small}'))
    else:
        # Each 4K buffer through the leaf of its granule page
        missing = [p for p in small if not bases.get(p - p % g)]
        results.append((not missing, 'dma:walker-4K',
                        f'{16 - len(missing)} of 16 buffers translated '
                        f'through their own {g // 1024}K page' +
                        (f', not {missing}' if missing else '')))

    faults = [ln for ln in console + trace if FAULT_RE.search(ln)]
    results.append((not faults, 'dma:no-fault',
                    faults[0] if faults else 'none'))

    calls = {}
    for ln in console:
        m = re.search(r'DMATEST-CALLS (\S+) (\d+)', ln)
        if m:
            calls[m.group(1)] = int(m.group(2))
    if args.expect_ours:
        ok = any(n for f, n in calls.items() if 'map_pages' in f and
                 'unmap' not in f) and any(
                     n for f, n in calls.items() if 'unmap_pages' in f)
        results.append((ok, 'dma:ours', ', '.join(
            f'{f} {n}' for f, n in sorted(calls.items())) or 'no profile'))

    if args.expect_cut or args.expect_cut_refused:
        results += check_live_cut(console, trace, args.expect_cut_refused,
                                  not args.no_contig_run)

    reports = [ln for ln in console if KERNEL_REPORT_RE.search(ln)]
    results.append((not reports, 'kernel-log',
                    reports[0] if reports else 'clean'))

    out = ['KTAP version 1', f'1..{len(results)}']
    for i, (ok, name, detail) in enumerate(results, 1):
        out.append(f'ok {i} {name}' if ok else
                   f'not ok {i} {name} # {detail}')
        print(f'dma: {name} {"ok" if ok else "FAILED"}: {detail}')
    with open(args.out, 'w') as f:
        f.write('\n'.join(out) + '\n')
    failed = sum(1 for ok, _, _ in results if not ok)
    print(f'dma: {len(results) - failed} passed, {failed} failed')
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    d = sub.add_parser('disk')
    d.add_argument('img')
    c = sub.add_parser('check')
    c.add_argument('--disk', required=True)
    c.add_argument('--trace', required=True)
    c.add_argument('--out', required=True)
    c.add_argument('--expect-ours', action='store_true')
    c.add_argument('--granule', type=int, default=4096,
                   help='the DMA domain\'s page size (16K, 64K kernels)')
    c.add_argument('--expect-cut', action='store_true',
                   help='live_cut_2m and live_cut_contig must pass')
    c.add_argument('--expect-cut-refused', action='store_true',
                   help='live_cut_refused must pass (no cut_mapping op)')
    c.add_argument('--no-contig-run', action='store_true',
                   help='the domain has no 64K pages: live_cut_contig '
                   'skips (VT-d)')
    c.add_argument('log')
    args = ap.parse_args()
    if args.cmd == 'disk':
        make_disk(args.img)
        return 0
    return check(args)


if __name__ == '__main__':
    sys.exit(main())
