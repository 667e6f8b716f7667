# SPDX-License-Identifier: GPL-2.0-only
#
# The fuzzer of user/fuzz/, included from user/Makefile: one target,
# LLVMFuzzerTestOneInput() in fuzz_pt.c, over every format configuration,
# built three ways from the same sources.
#
#   make -C user fuzz         libFuzzer (clang, -fsanitize=fuzzer,address,
#                             undefined) for FUZZ_SECONDS (default 60),
#                             starting from the corpus; new inputs go to
#                             build/user-fuzz/corpus; installs clang when
#                             missing (as root)
#   make -C user fuzz-replay  the corpus (user/fuzz/corpus) through the
#                             regular build (CC, ASan, UBSan), one KTAP
#                             result per configuration, its inputs in one
#                             child process: what make check counts
#   make -C user fuzz-tsan    the corpus and FUZZ_TSAN_RUNS random inputs in
#                             the two-thread mode under ThreadSanitizer
#   make -C user fuzz-cov     lines of iommu_pt.h, generic_pt/ and fmt/ the
#                             corpus reaches (clang source coverage)
#   make -C user fuzz-merge   libFuzzer's -merge=1: adds to the corpus the
#                             inputs of build/user-fuzz*/corpus that reach
#                             coverage it does not, smallest first
#
# FUZZ_CONFIGS=vtdss (parts of configuration names, comma separated) makes
# make fuzz explore those configurations only: the target rejects inputs
# that pick another (FUZZ_PT_CONFIGS in fuzz_pt.c).
# FUZZ_ARGS adds libFuzzer options (-jobs=N, -runs=N, ...). FUZZ_FAST=1 makes
# make fuzz build without ASan, with -O2 (UBSan stays), in
# build/user-fuzz-fast-lf: several times the inputs per second, for long
# runs (use-after-free and overflows in the engine go unseen there).

FUZZ_DIR := $(USER_DIR)/fuzz
FUZZ_CORPUS ?= $(FUZZ_DIR)/corpus
FUZZ_SECONDS ?= 60
FUZZ_ARGS ?=
FUZZ_TSAN_RUNS ?= 300
FUZZ_CONFIGS ?=
ifeq ($(FUZZ_FAST),1)
FUZZ_O ?= $(ROOT)/build/user-fuzz-fast-lf
FUZZ_LF_SANITIZE := -fsanitize=fuzzer-no-link,undefined -fno-sanitize-recover=all
FUZZ_LF_OPT := -O2
else
FUZZ_O ?= $(ROOT)/build/user-fuzz
FUZZ_LF_SANITIZE := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LF_OPT := -O1
endif
FUZZ_TSAN_O ?= $(ROOT)/build/user-fuzz-tsan
FUZZ_COV_O ?= $(ROOT)/build/user-fuzz-cov
FUZZ_CLANG ?= clang

FUZZ_OBJS := $(patsubst $(ROOT)/%.c,$(O)/obj/%.o,$(ENGINE_SRCS) \
	$(filter-out %/kunit.c,$(LIB_SRCS)) $(FUZZ_DIR)/fuzz_pt.c)
FUZZ_REPLAY := $(O)/fuzz_replay
FUZZ_PROG := $(O)/fuzz_pt

# The checks of the target itself are not what libFuzzer should explore,
# and comparing copies of the tables under its comparison tracing took
# half the time: fuzz_pt.c is built without coverage instrumentation.
ifneq ($(findstring fuzzer-no-link,$(SANITIZE)),)
$(O)/obj/user/fuzz/fuzz_pt.o: CPPFLAGS += -fno-sanitize=fuzzer-no-link
endif

$(FUZZ_REPLAY): $(FUZZ_OBJS) $(O)/obj/user/fuzz/replay.o $(O)/flags
	$(CC) $(CFLAGS_COMMON) -o $@ $(filter %.o,$^) $(LDLIBS)

$(FUZZ_PROG): $(FUZZ_OBJS) $(O)/flags
	$(CC) $(CFLAGS_COMMON) -fsanitize=fuzzer -o $@ $(filter %.o,$^) \
		$(LDLIBS)

.PHONY: fuzz fuzz-deps fuzz-build fuzz-prog fuzz-replay fuzz-replay-build \
	fuzz-tsan fuzz-cov fuzz-merge
fuzz-prog: $(FUZZ_PROG)
fuzz-replay-build: $(FUZZ_REPLAY)

fuzz-replay: $(FUZZ_REPLAY)
	@ASAN_OPTIONS=detect_leaks=1:$(ASAN_OPTIONS) \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:$(UBSAN_OPTIONS) \
	$(FUZZ_REPLAY) $(FUZZ_CORPUS)

# clang and its libFuzzer and sanitizer runtimes, from Debian when root
fuzz-deps:
	@if ! command -v $(FUZZ_CLANG) >/dev/null || \
	    ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' | \
	      $(FUZZ_CLANG) -fsanitize=fuzzer,address,undefined -x c - \
			-o /dev/null 2>/dev/null; then \
		[ "$$(id -u)" = 0 ] || { echo "fuzz: $(FUZZ_CLANG) with libFuzzer missing (apt-get install clang)" >&2; exit 1; }; \
		apt-get update -q && apt-get install -y -q clang && \
		v=$$($(FUZZ_CLANG) -dumpversion | cut -d. -f1) && \
		apt-get install -y -q libclang-rt-$$v-dev || \
		apt-get install -y -q libclang-common-$$v-dev; \
	fi

FUZZ_SUB = $(MAKE) --no-print-directory -f $(USER_DIR)/Makefile

fuzz-build: fuzz-deps
	+@$(FUZZ_SUB) O=$(FUZZ_O) CC=$(FUZZ_CLANG) OPT=$(FUZZ_LF_OPT) \
		SANITIZE='$(FUZZ_LF_SANITIZE)' fuzz-prog

# libFuzzer's leak check would run LeakSanitizer after most inputs (the
# compat page allocator keeps its bookkeeping between them), five times
# slower: the target checks that every table and page was freed itself,
# and the replay runs LeakSanitizer at exit.
fuzz: fuzz-build
	@mkdir -p $(FUZZ_O)/corpus $(FUZZ_O)/crashes
	cd $(FUZZ_O) && FUZZ_PT_STATS=1 FUZZ_PT_CONFIGS='$(FUZZ_CONFIGS)' \
		ASAN_OPTIONS=$(ASAN_OPTIONS) \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:$(UBSAN_OPTIONS) \
		$(FUZZ_O)/fuzz_pt -max_total_time=$(FUZZ_SECONDS) -max_len=512 \
		-detect_leaks=0 -len_control=0 \
		-artifact_prefix=$(FUZZ_O)/crashes/ -print_final_stats=1 \
		$(FUZZ_ARGS) $(FUZZ_O)/corpus $(FUZZ_CORPUS)

# Every configuration counts here, so an input is added only for what
# the whole corpus does not reach yet; and only for new edges, not new hit
# counts of an edge (-use_counters=0), which keeps the corpus small: after
# the 360 s vtdss run, 84 inputs rather than 606.
fuzz-merge: fuzz-build
	cd $(FUZZ_O) && UBSAN_OPTIONS=halt_on_error=1:$(UBSAN_OPTIONS) \
		$(FUZZ_O)/fuzz_pt -merge=1 -use_counters=0 -max_len=512 \
		-detect_leaks=0 $(FUZZ_ARGS) $(FUZZ_CORPUS) $(FUZZ_O)/corpus

fuzz-tsan:
	+@$(FUZZ_SUB) O=$(FUZZ_TSAN_O) TSAN=1 SANITIZE='$(TSAN_SANITIZE)' \
		fuzz-replay-build
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:$(TSAN_OPTIONS) \
		$(FUZZ_TSAN_O)/fuzz_replay $(FUZZ_CORPUS)
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:$(TSAN_OPTIONS) \
		$(FUZZ_TSAN_O)/fuzz_replay --random $(FUZZ_TSAN_RUNS) --threads

# Atomic counters: in the two-thread mode plain increments race, and a
# count llvm-cov derives by subtraction can come out negative (it shows
# 18.4E) and mark lines as run that never were (amdv1pt_sme() past its
# early return, which no configuration reaches)
FUZZ_COV_FLAGS := -fprofile-instr-generate -fcoverage-mapping \
	-fprofile-update=atomic

fuzz-cov: fuzz-deps
	+@$(FUZZ_SUB) O=$(FUZZ_COV_O) CC=$(FUZZ_CLANG) OPT=-O0 \
		SANITIZE='$(FUZZ_COV_FLAGS)' \
		fuzz-replay-build
	@rm -rf $(FUZZ_COV_O)/prof && mkdir -p $(FUZZ_COV_O)/prof
	@LLVM_PROFILE_FILE=$(FUZZ_COV_O)/prof/%p.profraw \
		$(FUZZ_COV_O)/fuzz_replay $(FUZZ_CORPUS) > /dev/null
	@v=$$($(FUZZ_CLANG) -dumpversion | cut -d. -f1); \
	llvm-profdata-$$v merge -o $(FUZZ_COV_O)/fuzz.profdata \
		$(FUZZ_COV_O)/prof/*.profraw && \
	llvm-cov-$$v report $(FUZZ_COV_O)/fuzz_replay \
		-instr-profile=$(FUZZ_COV_O)/fuzz.profdata \
		$(ROOT)/iommu_pt.h $(wildcard $(ROOT)/generic_pt/*.h) \
		$(wildcard $(ROOT)/fmt/*.h)

# The long-run build: no AddressSanitizer, UBSan and -O2, the same checks;
# the replay driver's pseudo-random mode is what long runs use.
#
#   make -C user fuzz-fast    build it and run FUZZ_FAST_INPUTS random
#                             inputs from FUZZ_FAST_SEED (both modes)
FUZZ_FAST_O ?= $(ROOT)/build/user-fuzz-fast
FUZZ_FAST_INPUTS ?= 20000
FUZZ_FAST_SEED ?= 1

.PHONY: fuzz-fast fuzz-fast-build
fuzz-fast-build:
	+@$(FUZZ_SUB) O=$(FUZZ_FAST_O) OPT=-O2 \
		SANITIZE='-fsanitize=undefined -fno-sanitize-recover=all' \
		fuzz-replay-build

fuzz-fast: fuzz-fast-build
	FUZZ_PT_STATS=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:$(UBSAN_OPTIONS) \
		$(FUZZ_FAST_O)/fuzz_replay --random $(FUZZ_FAST_INPUTS) \
		--seed $(FUZZ_FAST_SEED)
