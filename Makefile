# SPDX-License-Identifier: GPL-2.0-only
#
# Commands for people. The kernel build reads the Kbuild files, never this
# one. Variables: KDIR=<kernel tree, 6.12+>, KUNIT_ARGS=<extra kunit.py run
# arguments>, JOBS, GENERIC_PT_CACHE, BUILD_DIR; see scripts/kernel.sh.

USER_TARGET ?= run

.PHONY: help kunit qemu check user checkpatch sparse kerneldoc htmldocs clean \
	bench bench-user bench-scale iommufd iommufd-bench dma dma-granules fuzz \
	series-build

help:
	@echo 'make kunit       run the KUnit suites on UML (the main job)'
	@echo 'make check       everything: KUnit on UML, in QEMU and in user space,'
	@echo '                 checkpatch, sparse, kernel-doc; ends with'
	@echo '                 "N passed, N failed"'
	@echo 'make qemu        the KUnit suites in QEMU: arm64, s390, riscv, arm'
	@echo '                 (QEMU_ARCHES= for a subset, or with x86_64)'
	@echo 'make user        the KUnit suites in user space (ASan, UBSan)'
	@echo 'make fuzz        the libFuzzer target of user/fuzz for FUZZ_SECONDS'
	@echo '                 (default 60); installs clang if missing'
	@echo 'make checkpatch | sparse | kerneldoc | htmldocs   one gate'
	@echo '                 (htmldocs: Documentation/generic_pt.rst with the'
	@echo '                 kernel'\''s Sphinx set-up, in ~/.cache/generic-pt/htmldocs)'
	@echo 'make bench       benchmark on UML against io-pgtable-arm and the'
	@echo '                 AMD v1 io_pgtable: table, CSV and chart in'
	@echo '                 ~/.cache/generic-pt/bench (BENCH_OUT=)'
	@echo 'make iommufd     iommufd'"'"'s selftests (iommufd, iommufd_fail_nth) in'
	@echo '                 QEMU x86_64 with the mock domain on our AMD v1'
	@echo '                 table and the patch series of patches/'
	@echo '                 (IOMMUFD_TESTS=iommufd|iommufd_fail_nth for one)'
	@echo 'make iommufd-bench  VFIO type1 v1.0 map of 1 GiB, large pages off'
	@echo '                 (6.12) and on, in one boot of that guest'
	@echo 'make dma         block I/O and a cut under DMA through QEMU'"'"'s'
	@echo '                 amd-iommu, intel-iommu and smmuv3 walking the'
	@echo '                 AMD, Intel and SMMUv3 drivers'"'"' domains on our'
	@echo '                 tables'
	@echo 'make dma-granules  the SMMUv3 guest with 16K and 64K pages (a'
	@echo '                 kernel each; not in make check)'
	@echo 'make series-build  each patch of patches/ built on the ones before'
	@echo '                 it (drivers/iommu, drivers/vfio, the selftests)'
	@echo 'make bench-user  instruction counts of the same operations'
	@echo '                 (ours) in user space under callgrind'
	@echo 'make bench-scale one and two threads mapping and unmapping in'
	@echo '                 one table (user space, wall clock): throughput, speedup'
	@echo 'make clean       remove the UML build and the user-space build'

kunit:
	@bash scripts/kernel.sh kunit $(KUNIT_ARGS)

QEMU_ARCHES ?= arm64 arm s390 riscv

qemu:
	@rc=0; for a in $(QEMU_ARCHES); do \
		bash scripts/kernel.sh qemu $$a $(KUNIT_ARGS) || rc=1; \
	done; exit $$rc

check:
	@MAKE='$(MAKE)' USER_TARGET='$(USER_TARGET)' \
		QEMU_ARCHES='$(QEMU_ARCHES)' bash scripts/check.sh

user:
	@$(MAKE) -C user $(USER_TARGET)

bench:
	@bash scripts/kernel.sh bench $(KUNIT_ARGS)

bench-user:
	@$(MAKE) -C user bench

IOMMUFD_TESTS ?= both

iommufd:
	@bash scripts/kernel.sh iommufd $(IOMMUFD_TESTS)

iommufd-bench:
	@bash scripts/kernel.sh iommufd bench

dma:
	@bash scripts/kernel.sh dma amd
	@bash scripts/kernel.sh dma intel
	@bash scripts/kernel.sh dma intel-sm
	@bash scripts/kernel.sh dma smmuv3
	@bash scripts/kernel.sh dma smmuv3-bbml0

dma-granules:
	@rc=0; for g in 16k 64k; do \
		bash scripts/kernel.sh dma smmuv3-$$g || rc=1; \
	done; exit $$rc

series-build:
	@bash scripts/kernel.sh series-build

# The coverage-guided fuzzer (user/fuzz/fuzz.mk); FUZZ_ARGS adds libFuzzer
# options
FUZZ_SECONDS ?= 60

fuzz:
	@$(MAKE) -C user fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

bench-scale:
	@$(MAKE) -C user bench-scale

checkpatch sparse kerneldoc htmldocs:
	@bash scripts/kernel.sh $@

clean:
	@bash scripts/kernel.sh clean
	@$(MAKE) -C user clean
