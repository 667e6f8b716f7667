#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make check`: the KUnit suites on UML (built by GCC and by clang), in QEMU
# (arm64, s390, riscv, arm) and in user space, the fuzzer's corpus (user
# space), iommufd's selftests on our table, block I/O and a cut under DMA
# through QEMU's AMD IOMMU and SMMUv3 walking the drivers' tables (QEMU
# x86_64 and arm64), a quick run of the benchmark (UML), then checkpatch,
# sparse, kernel-doc and the documentation build. Every step runs even if
# an earlier one failed; the last line printed is "N passed, N failed" (see
# scripts/ktap_count.py for what is counted) and the exit status is
# non-zero if anything failed.
#
# Environment: USER_TARGET (default "run"), the user/Makefile target that
# builds the user-space suites and prints their KTAP; QEMU_ARCHES (default
# "arm64 arm s390 riscv", empty for none; x86_64 is the sixth arch
# scripts/kernel.sh qemu knows); and everything
# scripts/kernel.sh reads (KDIR, GENERIC_PT_CACHE, BUILD_DIR, JOBS).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
CACHE=${GENERIC_PT_CACHE:-$HOME/.cache/generic-pt}
LOGS=$CACHE/check
MAKE=${MAKE:-make}
# Parallel make for the user-space builds too (kernel.sh reads it as well)
JOBS=${JOBS:-$(nproc)}
export JOBS
args=()
status=0

cd "$ROOT"
rm -rf "$LOGS"
mkdir -p "$LOGS"

# step NAME COMMAND...: run COMMAND, log to $LOGS/NAME.log, set $status.
step()
{
	local name=$1 t0=$SECONDS

	shift
	echo "=== $name: $*"
	status=0
	"$@" 2>&1 | tee "$LOGS/$name.log" || status=$?
	echo "=== $name: exit $status in $((SECONDS - t0)) s"
}

# The KUnit kernels, one step each, split in two: kunit_step builds the
# kernel (KUNIT_PHASE=build, under the kernel lock), then runs its suites
# (KUNIT_PHASE=exec) in the background while the next kernel builds. A run
# under UML or TCG keeps one of the two cores busy and a build both, so
# this saves about half of every run but the last; still never two builds,
# nor two runs, at once. A background run's log is printed when it ends.
bg_name=
bg_pid=
bg_ktap=
bg_t0=

# bg_wait: wait for the background run, print its log, count its KTAP.
bg_wait()
{
	local rc=0

	[ -n "$bg_name" ] || return 0
	wait "$bg_pid" || rc=$?
	cat "$LOGS/$bg_name.log"
	echo "=== $bg_name: exit $rc after $((SECONDS - bg_t0)) s in the background"
	args+=(--ktap "$bg_name:$bg_ktap:$rc")
	bg_name=
}

# kunit_step NAME COMMAND...: COMMAND is a scripts/kernel.sh kunit or qemu
# command line (env assignments first, through env).
kunit_step()
{
	local name=$1 ktap=$LOGS/$1.ktap

	shift
	step "$name-build" env KUNIT_PHASE=build "$@"
	bg_wait
	if [ $status -ne 0 ]; then
		args+=(--ktap "$name:$ktap:$status")
		return
	fi
	echo "=== $name: $* (running in the background)"
	env KUNIT_PHASE=exec KTAP_LOG="$ktap" "$@" >"$LOGS/$name.log" 2>&1 &
	bg_pid=$!
	bg_name=$name
	bg_ktap=$ktap
	bg_t0=$SECONDS
}

kunit_step uml bash scripts/kernel.sh kunit

# The same on UML built by clang and lld (LLVM=1): the other compiler kernel
# people build with, its warnings fatal like GCC's.
kunit_step uml-clang env LLVM=1 bash scripts/kernel.sh kunit

# The same suites in QEMU: arm64 (incoherent DMA with real cache
# maintenance), arm (32-bit unsigned long and size_t, 64-bit phys_addr_t and
# dma_addr_t: ARM LPAE), s390 (big-endian host, little-endian tables) and
# riscv (the riscv64 format's own host); the longest runs last, where the
# user-space steps overlap them. x86_64 is not in the default: UML runs the
# suites on x86-64 code twice, and the iommufd and DMA steps boot a real
# x86_64 kernel on our tables (see the README's timings).
for arch in ${QEMU_ARCHES-arm64 arm s390 riscv}; do
	kunit_step "qemu-$arch" bash scripts/kernel.sh qemu "$arch"
done

# The same suites in user space, under AddressSanitizer and UBSan.
step user "$MAKE" -j"$JOBS" -C user "${USER_TARGET:-run}"
args+=(--ktap "user:$LOGS/user.log:$status")

# The concurrency suites race real threads: ThreadSanitizer in user space.
step user-tsan "$MAKE" -j"$JOBS" -C user run-tsan
args+=(--ktap "user-tsan:$LOGS/user-tsan.log:$status")

# The fuzzer's corpus (user/fuzz/corpus), each input replayed through the
# regular user-space build (ASan, UBSan) in a child process: one KTAP
# result per input.
step fuzz-corpus "$MAKE" -j"$JOBS" -C user fuzz-replay
args+=(--ktap "fuzz-corpus:$LOGS/fuzz-corpus.log:$status")

# The last KUnit run ends before the guests below, whose DMA and selftests
# keep time.
bg_wait

# The table "Leaf sizes by level" of the documentation against the sizes the
# format hooks and the KUnit references agree on, as the user-space run
# printed them (kpt_fmt_test_doc_sizes).
step doc-sizes python3 scripts/check_doc_sizes.py --log "$LOGS/user.log"
args+=(--gate "doc-sizes:$status")

# iommufd's own selftests on our table: the patch series of patches/, the
# mock domain on the AMD v1 format with a 2K granule, in an x86_64 guest
# with KASAN and lockdep (scripts/kernel.sh iommufd). IOMMUFD=0 skips it.
if [ -f patches/series ] && [ "${IOMMUFD:-1}" != 0 ]; then
	step iommufd env IOMMUFD_KTAP="$LOGS/iommufd.ktap" \
		bash scripts/kernel.sh iommufd
	args+=(--ktap "iommufd:$LOGS/iommufd.ktap:$status")
fi

# Real DMA through the IOMMUs QEMU emulates, walking the page tables of the
# drivers' DMA domains (patches 8, 9 and 12 of the series put them on our
# tables), and a 2M mapping cut under the DMA of QEMU's edu device: the AMD
# IOMMU and the Intel IOMMU (second stage, in legacy and in scalable mode)
# in the iommufd step's kernel, then SMMUv3 in an arm64 kernel of its own,
# once with the BBML level QEMU reports, 2 (the cut), and once with level 0
# declared (the cut refused). DMA=0 skips them.
if [ -f patches/series ] && [ "${DMA:-1}" != 0 ]; then
	for iommu in amd intel intel-sm smmuv3 smmuv3-bbml0; do
		step "dma-$iommu" env DMA_KTAP="$LOGS/dma-$iommu.ktap" \
			bash scripts/kernel.sh dma "$iommu"
		args+=(--ktap "dma-$iommu:$LOGS/dma-$iommu.ktap:$status")
	done
fi

# The benchmark in a quick mode (3 repetitions, no chart), in the UML KUnit
# kernel (kunit/configs/um.kunitconfig): its checks that both page tables
# translate alike keep it from rotting; the timings of a quick run mean
# nothing.
step bench-quick env KTAP_LOG="$LOGS/bench.ktap" BENCH_REPS=3 BENCH_CHART=0 \
	BENCH_BUILD=kunit BENCH_OUT="$LOGS/bench" bash scripts/kernel.sh bench
args+=(--ktap "bench-quick:$LOGS/bench.ktap:$status")

# htmldocs: the documentation builds with the kernel's Sphinx set-up,
# kernel-doc of the public headers included, without a warning.
for gate in checkpatch sparse kerneldoc htmldocs; do
	step "$gate" bash scripts/kernel.sh "$gate"
	args+=(--gate "$gate:$status")
done

echo "=== summary (logs in $LOGS), $((SECONDS / 60)) min $((SECONDS % 60)) s"
exec python3 scripts/ktap_count.py "${args[@]}"
