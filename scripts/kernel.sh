#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel-side jobs of Generic PT: fetch a Linux 6.12 tree, graft the project
# into it and run KUnit (UML), sparse, checkpatch, kernel-doc and the
# documentation build.
#
# Usage: scripts/kernel.sh prepare|graft|kunit [kunit.py args]|
#                          qemu x86_64|arm64|s390|riscv|arm [kunit.py args]|
#                          sparse|checkpatch|kerneldoc|htmldocs|clean|
#                          bench [kunit.py args]|
#                          iommufd [iommufd|iommufd_fail_nth]|
#                          dma amd|intel|intel-sm|smmuv3|smmuv3-bbml0|
#                              smmuv3-16k|smmuv3-64k|
#                          series-build
#
# Environment:
#   GENERIC_PT_CACHE  cache directory (default ~/.cache/generic-pt)
#   KDIR              kernel tree, 6.12 or later (default: Debian's
#                     linux-source-6.12 unpacked into the cache)
#   BUILD_DIR         build directory (default: in the cache, one per KDIR
#                     for UML, one per arch for QEMU)
#   JOBS              parallel make jobs (default: nproc)
#   LLVM              1: build the kernel with clang and lld (kunit.py
#                     --make_options=LLVM=1), in build directories of their
#                     own ("-clang" added to the default names)
#   KTAP_LOG          kunit: copy the raw kernel log (KTAP) to this file
#   KUNIT_PHASE       kunit, qemu: run (default), build or exec (cmd_kunit)
#   QEMU_TIMEOUT      qemu: seconds a run may take (default 1500)
#   QEMU_KUNIT_PY     qemu: 1 lets kunit.py configure and boot arm64, riscv,
#                     arm and s390 too (qemu_own)
#   KDOC_FLAGS        kerneldoc: extra scripts/kernel-doc flags, e.g. -Wall
#   BENCH_OUT         bench: report directory (default $CACHE/bench)
#
# The project is copied into the tree with rsync, not symlinked: through a
# symlink, "../x.h" included from a header of ours would resolve against the
# project's parent directory instead of drivers/iommu/. Files are compared by
# checksum and only changed ones are rewritten, so a rewritten file gets a
# fresh mtime and make rebuilds exactly what changed, whichever checkout last
# grafted itself.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
CACHE=${GENERIC_PT_CACHE:-$HOME/.cache/generic-pt}
DEFAULT_KDIR=$CACHE/linux-source-6.12
KDIR=${KDIR:-$DEFAULT_KDIR}
JOBS=${JOBS:-$(nproc)}
MARKER=.generic-pt-graft
KCONFIG_LINE='source "drivers/iommu/generic_pt/Kconfig"'
# shellcheck disable=SC2016 # a make variable, not a shell one
MAKEFILE_LINE='obj-$(CONFIG_GENERIC_PT) += generic_pt/'
BUILD_DEPS=(build-essential bc flex bison libelf-dev libssl-dev python3 perl
	    rsync xz-utils)

die()
{
	echo "kernel.sh: $*" >&2
	exit 1
}

note()
{
	echo "kernel.sh: $*" >&2
}

# Install the Debian packages given that are not installed yet.
ensure_pkgs()
{
	local missing=() p

	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0

	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null ||
			die "need root to install: ${missing[*]}"
		sudo=(sudo)
	fi
	note "installing ${missing[*]}"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Serialise everything that writes the tree or the build directory: one
# kernel build at a time on this machine, whichever checkout runs it.
lock()
{
	mkdir -p "$CACHE"
	exec 9>"$CACHE/lock"
	if ! flock -n 9; then
		note "waiting for another kernel job ($CACHE/lock)"
		flock 9
	fi
}

is_within()
{
	case "$1/" in
	"$2"/*) return 0 ;;
	esac
	return 1
}

unpack_default_tree()
{
	local tarball=/usr/src/linux-source-6.12.tar.xz tmp

	[ -f "$tarball" ] || ensure_pkgs linux-source-6.12
	[ -f "$tarball" ] || die "$tarball missing after installing linux-source-6.12"
	note "unpacking $tarball into $CACHE"
	tmp=$(mktemp -d "$CACHE/unpack.XXXXXX")
	tar -xJf "$tarball" -C "$tmp"
	[ -d "$tmp/linux-source-6.12" ] ||
		die "$tarball has no linux-source-6.12/ directory"
	mv "$tmp/linux-source-6.12" "$KDIR"
	rmdir "$tmp"
}

check_tree()
{
	local mk=$KDIR/Makefile ver patch dir

	[ -f "$mk" ] || die "$KDIR is not a kernel source tree"
	[ -f "$KDIR/tools/testing/kunit/kunit.py" ] ||
		die "$KDIR has no tools/testing/kunit/kunit.py"
	ver=$(sed -n 's/^VERSION = \([0-9]*\)$/\1/p' "$mk")
	patch=$(sed -n 's/^PATCHLEVEL = \([0-9]*\)$/\1/p' "$mk")
	[ -n "$ver" ] || die "$mk: no VERSION"
	[ -n "$patch" ] || die "$mk: no PATCHLEVEL"
	[ "$ver" -gt 6 ] || { [ "$ver" -eq 6 ] && [ "$patch" -ge 12 ]; } ||
		die "$KDIR is Linux $ver.$patch; 6.12 or later is needed"

	is_within "$ROOT" "$KDIR" &&
		die "the project ($ROOT) must not be inside KDIR ($KDIR)"
	is_within "$KDIR" "$ROOT" &&
		die "KDIR ($KDIR) must not be inside the project ($ROOT)"

	for dir in drivers/iommu/generic_pt include/linux/generic_pt; do
		if [ -L "$KDIR/$dir" ] ||
		   { [ -e "$KDIR/$dir" ] && [ ! -f "$KDIR/$dir/$MARKER" ]; }; then
			die "$KDIR/$dir exists and was not grafted by Generic PT" \
			    "(the tree has its own generic_pt?); use a 6.12+ tree" \
			    "without it, or remove it if it is a stale copy"
		fi
	done
	return 0
}

# Make sure the kernel tree and the tools to build it are there.
cmd_prepare()
{
	ensure_pkgs "${BUILD_DEPS[@]}"
	if [ ! -d "$KDIR" ]; then
		[ "$KDIR" = "$DEFAULT_KDIR" ] || die "KDIR=$KDIR does not exist"
		mkdir -p "$CACHE"
		unpack_default_tree
	fi
	KDIR=$(cd "$KDIR" && pwd -P)
	check_tree
}

# Append a line to a file unless the file already has it.
add_line()
{
	local file=$1 line=$2

	grep -qxF -- "$line" "$file" && return 0
	note "adding '$line' to $file"
	[ -z "$(tail -c1 "$file")" ] || echo >>"$file"
	echo "$line" >>"$file"
}

# Copy only what Kbuild reads: Kconfig, Kbuild and the C sources; the
# public headers go to include/linux/generic_pt.
cmd_graft()
{
	local dst=$KDIR/drivers/iommu/generic_pt
	local inc=$KDIR/include/linux/generic_pt
	local sync=(rsync -rl --checksum --delete --prune-empty-dirs
		    --filter="P /$MARKER")
	local f text

	mkdir -p "$dst" "$inc"
	text="Copy of $ROOT by scripts/kernel.sh graft: do not edit."
	for f in "$dst/$MARKER" "$inc/$MARKER"; do
		[ "$(cat "$f" 2>/dev/null)" = "$text" ] || echo "$text" >"$f"
	done

	"${sync[@]}" --exclude='.*' --exclude=/include --exclude=/user \
		--exclude=/build --exclude=/scripts --exclude=/Documentation \
		--include='*/' --include=Kconfig --include=Kbuild \
		--include='*.[chS]' --exclude='*' "$ROOT/" "$dst/"
	if [ -d "$ROOT/include/linux/generic_pt" ]; then
		"${sync[@]}" --exclude='.*' --include='*.h' --exclude='*' \
			"$ROOT/include/linux/generic_pt/" "$inc/"
	fi

	add_line "$KDIR/drivers/iommu/Kconfig" "$KCONFIG_LINE"
	add_line "$KDIR/drivers/iommu/Makefile" "$MAKEFILE_LINE"
	apply_series
}

# The files a patch writes, one per line (new files included, the
# /dev/null of a deleted or created file excluded).
patch_files()
{
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p; s|^--- a/\([^[:space:]]*\).*|\1|p' "$1" |
		sort -u
}

# The patches of patches/series in order, the first SERIES_UPTO of them
# when that is set
series_patches()
{
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ROOT/patches/series" |
		head -n "${SERIES_UPTO:-1000000}"
}

# Apply the kernel patch series of patches/ (the patches named in
# patches/series, in order) to the tree, idempotently and from pristine
# files, whatever series an earlier graft applied: every file a series ever
# touched is saved once, before it is first patched, in
# $CACHE/series-state/<KDIR>/pristine (or noted absent), and a manifest
# lists the files the last series wrote. The new series is applied to
# pristine copies in a scratch directory; then every file of the manifest
# or of the new series is made equal to its patched or pristine version,
# and only files whose content differs are rewritten (make rebuilds what
# changed, not what include/linux/iommu.h reaches each time). A checkout
# without patches/series restores every pristine file. SERIES_UPTO=N
# applies only the first N patches (series-build).
apply_series()
{
	local series=$ROOT/patches/series
	local state sum work f p
	local new=() old=() all=()

	sum=$(printf '%s' "$KDIR" | cksum | cut -d' ' -f1)
	state=$CACHE/series-state/$sum
	mkdir -p "$state/pristine" "$state/absent"
	[ ! -f "$state/files" ] || mapfile -t old <"$state/files"
	if [ -f "$series" ]; then
		mapfile -t new < <(series_patches | while read -r p; do
				[ -f "$ROOT/patches/$p" ] ||
					die "patches/series: no patches/$p"
				patch_files "$ROOT/patches/$p"
			done | sort -u)
	fi
	mapfile -t all < <(printf '%s\n' "${old[@]}" "${new[@]}" |
			   sed '/^$/d' | sort -u)
	[ ${#all[@]} -gt 0 ] || return 0

	# Save the pristine version of a file before any series touches it
	for f in "${all[@]}"; do
		if [ -f "$state/pristine/$f" ] || [ -f "$state/absent/$f" ]; then
			continue
		fi
		printf '%s\n' "${old[@]}" | grep -qxF -- "$f" &&
			die "$state: no pristine copy of $f, which an earlier" \
			    "series patched; restore the tree"
		if [ -f "$KDIR/$f" ]; then
			mkdir -p "$(dirname "$state/pristine/$f")"
			cp "$KDIR/$f" "$state/pristine/$f"
		else
			mkdir -p "$(dirname "$state/absent/$f")"
			: >"$state/absent/$f"
		fi
	done

	work=$(mktemp -d "$CACHE/series.XXXXXX")
	for f in "${new[@]}"; do
		[ -f "$state/pristine/$f" ] || continue
		mkdir -p "$(dirname "$work/$f")"
		cp "$state/pristine/$f" "$work/$f"
	done
	if [ ${#new[@]} -gt 0 ]; then
		while read -r p; do
			patch -d "$work" -p1 -s --batch --forward \
				--no-backup-if-mismatch <"$ROOT/patches/$p" || {
				rm -rf "$work"
				die "patches/$p does not apply to $KDIR"
			}
		done < <(series_patches)
	fi

	for f in "${all[@]}"; do
		if [ -f "$work/$f" ]; then
			p=$work/$f
		elif [ -f "$state/pristine/$f" ] &&
		     ! printf '%s\n' "${new[@]}" | grep -qxF -- "$f"; then
			p=$state/pristine/$f
		else
			p=
		fi
		if [ -z "$p" ]; then
			[ ! -e "$KDIR/$f" ] || { note "series: removing $f"; rm -f "$KDIR/$f"; }
		elif ! cmp -s "$p" "$KDIR/$f"; then
			note "series: writing $f"
			mkdir -p "$(dirname "$KDIR/$f")"
			cp "$p" "$KDIR/$f"
		fi
	done
	printf '%s\n' "${new[@]}" | sed '/^$/d' >"$state/files"
	rm -rf "$work"
}

set_build_dir()
{
	local sum

	[ ! -d "$KDIR" ] || KDIR=$(cd "$KDIR" && pwd -P)
	if [ -z "${BUILD_DIR:-}" ]; then
		BUILD_DIR=$CACHE/build-uml
		if [ "$KDIR" != "$(cd "$DEFAULT_KDIR" 2>/dev/null && pwd -P)" ]; then
			sum=$(printf '%s' "$KDIR" | cksum | cut -d' ' -f1)
			BUILD_DIR=$CACHE/build-uml-$sum
		fi
		BUILD_DIR+=$CC_SUFFIX
	fi
	mkdir -p "$BUILD_DIR"
	BUILD_DIR=$(cd "$BUILD_DIR" && pwd -P)
	is_within "$BUILD_DIR" "$ROOT" &&
		die "BUILD_DIR ($BUILD_DIR) must be outside the project"
	return 0
}

# Show paths in the grafted copy as paths of the project, so that editors
# open the file that is edited: "a/../b" is resolved first (the copy has no
# symlinks), and a path that leads out of the copy stays a KDIR path.
unmap_paths()
{
	perl -pe 'BEGIN { $| = 1; ($k, $r) = splice(@ARGV, 0, 2); }
		sub norm {
			my @out;
			for (split m{/}, shift) {
				if ($_ eq "..") { pop @out; }
				elsif ($_ ne "." && $_ ne "") { push @out, $_; }
			}
			my $p = join("/", @out);
			return "$r/$1" if $p =~ m{^drivers/iommu/generic_pt/(.*)};
			return "$r/$p" if $p =~ m{^include/linux/generic_pt/};
			return "$k/$p";
		}
		s{\Q$k\E/((?:drivers/iommu|include/linux)/generic_pt/[\w./-]*)}{norm($1)}ge;' \
		"$KDIR" "$ROOT"
}

# The kunitconfig of this run (cmd_bench has its own), then extra fragments
# (absolute paths): cmd_qemu adds kunit/configs/<arch>.kunitconfig if there
# is one; on UML, kunit/configs/um.kunitconfig (the benchmark, which
# make check's quick run takes from this kernel instead of building one).
KUNITCONFIG=$ROOT/.kunitconfig
EXTRA_KUNITCONFIGS=()
QEMU_ARCH=

kunit_py()
{
	local configs=(--kunitconfig="$KUNITCONFIG") f

	if [ -z "$QEMU_ARCH" ] && [ "$KUNITCONFIG" = "$ROOT/.kunitconfig" ]; then
		configs+=(--kunitconfig="$ROOT/kunit/configs/um.kunitconfig")
	fi
	for f in "${EXTRA_KUNITCONFIGS[@]}"; do
		configs+=(--kunitconfig="$f")
	done
	(cd "$KDIR" && python3 tools/testing/kunit/kunit.py "$@" \
		"${configs[@]}" --build_dir="$BUILD_DIR")
}

# The compiler: GCC, or with LLVM=1 clang and lld, as the kernel's own
# LLVM=1. Warnings are errors either way (kunit.py's default config).
CC_SUFFIX=
CC_ARGS=()
if [ "${LLVM:-}" = 1 ]; then
	CC_SUFFIX=-clang
	CC_ARGS=(--make_options=LLVM=1)
fi

# KUNIT_PHASE: run (the default: configure, build and run), build
# (configure and build, under the lock) or exec (run what the build left,
# without the lock: another kernel may build meanwhile, as make check does).
# The kunit.py options of "$@" that a phase does not take are dropped.
cmd_kunit()
{
	local rc=0 phase=${KUNIT_PHASE:-run} a args=()

	case "$phase" in
	run)
		args=(--jobs="$JOBS" "$@")
		;;
	build)
		args=(--jobs="$JOBS")
		for a in "$@"; do
			case "$a" in
			--arch=* | --cross_compile=* | --make_options=* | \
			--kunitconfig=* | --kconfig_add=* | --qemu_*) args+=("$a") ;;
			esac
		done
		;;
	exec)
		args=("$@")
		;;
	*) die "KUNIT_PHASE must be run, build or exec, not '$phase'" ;;
	esac
	if [ "$phase" != exec ]; then
		lock
		cmd_prepare
		[ "${LLVM:-}" != 1 ] || ensure_pkgs clang lld llvm
		cmd_graft
	fi
	set_build_dir
	[ "$phase" = build ] || rm -f "$BUILD_DIR/test.log"
	kunit_py "$phase" "${CC_ARGS[@]}" "${args[@]}" 2>&1 |
		tee "$BUILD_DIR/kunit-$phase.out" | unmap_paths || rc=$?
	[ "$phase" != build ] || return $rc
	if [ -n "${KTAP_LOG:-}" ]; then
		if [ -f "$BUILD_DIR/test.log" ]; then
			cp "$BUILD_DIR/test.log" "$KTAP_LOG"
		else
			: >"$KTAP_LOG"
		fi
	fi
	note "raw kernel log: $BUILD_DIR/test.log"
	return $rc
}

# The QEMU arches of the test matrix: the kunit.py arch (also the name of
# the build directory and of kunit/configs/<arch>.kunitconfig), Debian
# packages, and the cross compiler prefix (empty for the host's own
# compiler). qemu-system-misc has qemu-system-riscv64; the OpenSBI firmware
# it boots with comes with qemu-system-data. For the arches whose kernel
# this script configures and boots itself (qemu_own): QEMU_IMAGE, the
# kernel image in the build directory; QEMU_BIN and QEMU_MACHINE, the QEMU
# command (kunit.py's for that arch); QEMU_CONSOLE; QEMU_BASE, a fragment
# beside the two kunitconfigs, if any.
qemu_arch_params()
{
	QEMU_IMAGE=
	QEMU_BASE=
	case "$1" in
	x86_64)
		QEMU_ARCH=x86_64
		QEMU_PKGS=(qemu-system-x86)
		QEMU_CROSS=
		;;
	arm64)
		QEMU_ARCH=arm64
		QEMU_PKGS=(qemu-system-arm gcc-aarch64-linux-gnu)
		QEMU_CROSS=aarch64-linux-gnu-
		QEMU_IMAGE=arch/arm64/boot/Image
		QEMU_BIN="qemu-system-aarch64"
		QEMU_MACHINE=(-M virt -cpu "max,pauth-impdef=on")
		QEMU_CONSOLE=ttyAMA0
		QEMU_BASE=$ROOT/scripts/dma/arm64.config
		;;
	s390)
		QEMU_ARCH=s390
		QEMU_PKGS=(qemu-system-s390x gcc-s390x-linux-gnu)
		QEMU_CROSS=s390x-linux-gnu-
		QEMU_IMAGE=arch/s390/boot/bzImage
		QEMU_BIN="qemu-system-s390x"
		QEMU_MACHINE=(-M s390-ccw-virtio -cpu qemu)
		QEMU_CONSOLE=ttyS0
		;;
	riscv | riscv64)
		QEMU_ARCH=riscv
		QEMU_PKGS=(qemu-system-misc qemu-system-data
			   gcc-riscv64-linux-gnu)
		QEMU_CROSS=riscv64-linux-gnu-
		QEMU_IMAGE=arch/riscv/boot/Image
		QEMU_BIN="qemu-system-riscv64"
		QEMU_MACHINE=(-M virt -cpu rv64
			      -bios /usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin)
		QEMU_CONSOLE=ttyS0
		;;
	arm)
		# 32-bit, with LPAE (kunit/configs/arm.kunitconfig)
		QEMU_ARCH=arm
		QEMU_PKGS=(qemu-system-arm gcc-arm-linux-gnueabihf)
		QEMU_CROSS=arm-linux-gnueabihf-
		QEMU_IMAGE=arch/arm/boot/zImage
		QEMU_BIN="qemu-system-arm"
		QEMU_MACHINE=(-M virt)
		QEMU_CONSOLE=ttyAMA0
		;;
	*)
		die "unknown QEMU arch '$1' (x86_64, arm64, s390, riscv or arm)"
		;;
	esac
}

# qemu ARCH [kunit.py args]: the KUnit suites in QEMU (TCG, no KVM: a KVM
# guest hangs at boot on these machines), one build directory per arch.
cmd_qemu()
{
	local arch

	qemu_arch_params "$1"
	shift
	arch=$QEMU_ARCH
	# QEMU_KUNIT_PY=1: kunit.py configures, builds and boots instead, in
	# build-<arch>-kunitpy (for comparison; twice the build on riscv)
	if [ -n "$QEMU_IMAGE" ] && [ "${QEMU_KUNIT_PY:-}" != 1 ]; then
		ensure_pkgs "${QEMU_PKGS[@]}"
		qemu_own "$@"
		return
	fi
	[ -z "$QEMU_IMAGE" ] || BUILD_DIR=${BUILD_DIR:-$CACHE/build-$arch-kunitpy$CC_SUFFIX}
	# kunit.py's default of 300 s is too short for every suite under TCG
	# on a busy machine (arm64 was stopped in the DART suites)
	local args=(--arch="$arch" --timeout="${QEMU_TIMEOUT:-1500}")

	ensure_pkgs "${QEMU_PKGS[@]}"
	[ -z "$QEMU_CROSS" ] || args+=(--cross_compile="$QEMU_CROSS")
	# For instance the io-pgtable-arm cross-check on arm64
	[ ! -f "$ROOT/kunit/configs/$arch.kunitconfig" ] ||
		EXTRA_KUNITCONFIGS+=("$ROOT/kunit/configs/$arch.kunitconfig")
	BUILD_DIR=${BUILD_DIR:-$CACHE/build-$arch$CC_SUFFIX}
	cmd_kunit "${args[@]}" "$@"
}

# A report about one of our files (the grafted copies), absolute or not.
OURS_RE='(^|/)(drivers/iommu/generic_pt|include/linux/generic_pt)/[^:]*:[0-9]+(:[0-9]+)?: '

cmd_sparse()
{
	local log rc=0 n

	lock
	ensure_pkgs sparse
	cmd_prepare
	cmd_graft
	set_build_dir
	kunit_py config >/dev/null || die "kunit.py config failed"
	log=$BUILD_DIR/sparse.log
	make -C "$KDIR" -s ARCH=um O="$BUILD_DIR" -j"$JOBS" C=2 \
		drivers/iommu/generic_pt/ >"$log" 2>&1 || rc=$?
	unmap_paths <"$log"
	[ $rc -eq 0 ] || die "make C=2 failed ($rc)"
	n=$(grep -cE "$OURS_RE" "$log" || true)
	[ "$n" -eq 0 ] || die "sparse: $n report(s) for Generic PT files"
	echo "sparse: no reports for Generic PT files"
}

# Every C source and header of the project, tracked or not (but not ignored).
project_files()
{
	if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$ROOT" ls-files -co --exclude-standard -- "$@"
	else
		local args=() p
		for p in "$@"; do
			args+=(-o -name "${p##*/}")
		done
		(cd "$ROOT" && find . -path ./.git -prune \
			-o -type f \( -false "${args[@]}" \) -print | sed 's|^\./||')
	fi | while read -r f; do
		[ -f "$ROOT/$f" ] && echo "$f"
	done | sort
}

# checkpatch has no in-source suppression: the few exceptions are listed,
# each with its reason, in scripts/checkpatch.exceptions as
# "<glob relative to the project root> <TYPE>[,<TYPE>...]".
checkpatch_ignores()
{
	local f=$1 glob types ign=

	while read -r glob types; do
		case "$glob" in
		"" | "#"*) continue ;;
		esac
		# shellcheck disable=SC2053 # $glob is a pattern
		[[ $f == $glob ]] && ign+=${ign:+,}$types
	done <"$ROOT/scripts/checkpatch.exceptions"
	echo "${ign:--}"
}

cmd_checkpatch()
{
	local files=() group=() opts=() f ign rc=0
	declare -A groups=()

	cmd_prepare
	mapfile -t files < <(project_files '*.c' '*.h' Kconfig '*/Kconfig' \
		Kbuild '*/Kbuild')
	[ ${#files[@]} -gt 0 ] || die "no files to check"
	for f in "${files[@]}"; do
		ign=$(checkpatch_ignores "$f")
		groups[$ign]+=$f$'\n'
	done
	for ign in "${!groups[@]}"; do
		mapfile -t group < <(printf '%s' "${groups[$ign]}")
		opts=(--strict --no-tree --show-types --color=never -q)
		if [ "$ign" != - ]; then
			echo "checkpatch: ignoring $ign in: ${group[*]}"
			opts+=(--ignore="$ign")
		fi
		(cd "$ROOT" && perl "$KDIR/scripts/checkpatch.pl" "${opts[@]}" \
			-f "${group[@]}") || rc=1
	done
	# The patch series, each patch as a patch (on stdin: given a file
	# name inside a git checkout, checkpatch.pl reads the file as
	# that checkout's and flags every blank context line)
	for f in "$ROOT"/patches/[0-9]*.patch; do
		[ -f "$f" ] || continue
		case "$f" in *-cover-letter.patch) continue ;; esac
		(cd / && perl "$KDIR/scripts/checkpatch.pl" --strict --no-tree \
			--show-types --color=never -q - <"$f") ||
			{ echo "checkpatch: in ${f#"$ROOT"/}"; rc=1; }
		files+=("${f#"$ROOT"/}")
	done
	[ $rc -eq 0 ] || die "checkpatch found problems"
	echo "checkpatch: ${#files[@]} files clean"
}

cmd_kerneldoc()
{
	local files=() out f

	cmd_prepare
	for f in "$ROOT"/include/linux/generic_pt/*.h "$ROOT/iommu_pt.h"; do
		[ -f "$f" ] && files+=("${f#"$ROOT"/}")
	done
	[ ${#files[@]} -gt 0 ] || die "no headers to check"
	# shellcheck disable=SC2086 # KDOC_FLAGS (e.g. -Wall) is a word list
	out=$(cd "$ROOT" && perl "$KDIR/scripts/kernel-doc" -none \
		${KDOC_FLAGS:-} "${files[@]}" 2>&1) || true
	if [ -n "$out" ]; then
		echo "$out"
		die "kernel-doc reported problems"
	fi
	echo "kernel-doc: ${files[*]} clean"
}

# The build directory of the iommufd guest's kernel, configured from
# scripts/iommufd/kernel.config only when that changed: an unchanged .config
# keeps the build incremental.
# guest_configure FRAG MAKE...: configure BUILD_DIR, a guest kernel's, as
# allnoconfig with the fragment FRAG (MAKE: the make command, ARCH and
# CROSS_COMPILE), again whenever FRAG changed.
guest_configure()
{
	local frag=$1 sum

	shift
	mkdir -p "$BUILD_DIR"
	BUILD_DIR=$(cd "$BUILD_DIR" && pwd -P)
	is_within "$BUILD_DIR" "$ROOT" &&
		die "BUILD_DIR ($BUILD_DIR) must be outside the project"
	sum=$(cksum <"$frag")
	if [ "$(cat "$BUILD_DIR/.gpt-config" 2>/dev/null)" != "$sum" ] ||
	   [ ! -f "$BUILD_DIR/.config" ]; then
		note "configuring $BUILD_DIR"
		KCONFIG_ALLCONFIG=$frag "$@" O="$BUILD_DIR" allnoconfig
		echo "$sum" >"$BUILD_DIR/.gpt-config"
	fi
}

# guest_check_config FRAG: every option FRAG sets to y is in BUILD_DIR's
# .config (else a dependency is missing).
guest_check_config()
{
	local st

	while read -r st; do
		grep -qxF "$st" "$BUILD_DIR/.config" ||
			die "$st of $1 is not in the .config" \
			    "(a dependency is missing)"
	done < <(grep '^CONFIG_.*=y$' "$1")
}

iommufd_configure()
{
	BUILD_DIR=${BUILD_DIR:-$CACHE/build-iommufd-x86_64}
	guest_configure "$ROOT/scripts/iommufd/kernel.config" \
		make -C "$KDIR" -s ARCH=x86_64
}

# The x86_64 kernel of the iommufd and DMA guests, with the library and the
# series grafted: one configuration (scripts/iommufd/kernel.config) serves
# both, so one build does.
iommufd_build()
{
	local t0 t1

	cmd_prepare
	cmd_graft
	iommufd_configure
	t0=$(date +%s)
	note "iommufd: building the kernel"
	make -C "$KDIR" -s O="$BUILD_DIR" ARCH=x86_64 -j"$JOBS" bzImage \
		headers_install 2>&1 | unmap_paths ||
		die "iommufd: kernel build failed"
	guest_check_config "$ROOT/scripts/iommufd/kernel.config"
	t1=$(date +%s)
	note "iommufd: kernel built in $((t1 - t0)) s"
}

# series-build: every patch of patches/series built on top of the ones
# before it, as a reviewer applying the series one patch at a time would:
# the tree with patches 1..N (SERIES_UPTO), the objects of drivers/iommu/
# (the library, the iommu core, iommufd and its mock, the AMD driver) and
# drivers/vfio/ in the iommufd guest's configuration, and drivers/iommu/
# (the SMMUv3 driver) in the arm64 DMA guest's, with any compiler warning
# fatal, and iommufd's selftests compiled against that tree. The tree ends
# with the whole series applied again.
cmd_series_build()
{
	local n k rc=0 out p t x86_dir arm64_dir
	local patches=()

	lock
	ensure_pkgs gcc-aarch64-linux-gnu
	cmd_prepare
	mapfile -t patches < <(series_patches)
	n=${#patches[@]}
	[ "$n" -gt 0 ] || die "series-build: patches/series is empty"
	BUILD_DIR=
	qemu_arch_params arm64
	own_configure
	arm64_dir=$BUILD_DIR
	BUILD_DIR=
	iommufd_configure
	x86_dir=$BUILD_DIR
	out=$(mktemp)
	# shellcheck disable=SC2064 # expand now: out is local
	trap "rm -f '$out'" RETURN
	for ((k = 1; k <= n; k++)); do
		p=${patches[k - 1]}
		SERIES_UPTO=$k cmd_graft
		note "series-build: $k/$n $p"
		if ! { make -C "$KDIR" -s O="$x86_dir" ARCH=x86_64 -j"$JOBS" \
			headers_install drivers/iommu/ drivers/vfio/ &&
		       "${QEMU_MAKE[@]}" O="$arm64_dir" -j"$JOBS" drivers/iommu/; } \
			>"$out" 2>&1 || grep -q 'warning:' "$out"; then
			unmap_paths <"$out"
			echo "series-build: $p does not build cleanly"
			rc=1
			continue
		fi
		for t in iommufd iommufd_fail_nth; do
			gcc -fsyntax-only -Wall -Werror -Wno-unused-function \
				-D_GNU_SOURCE= \
				-I"$KDIR/tools/testing/selftests" \
				-include "$ROOT/scripts/iommufd/compat.h" \
				-I"$BUILD_DIR/usr/include" \
				"$KDIR/tools/testing/selftests/iommu/$t.c" || {
				echo "series-build: the $t selftest does not" \
				     "build with $p"
				rc=1
			}
		done
		echo "series-build: $k/$n builds: $p"
	done
	cmd_graft
	[ $rc -eq 0 ] || die "series-build: a patch does not build on its own"
	echo "series-build: each of the $n patches builds on the ones before it"
}

# iommufd [iommufd|iommufd_fail_nth|both|bench]: iommufd's own selftests
# (tools/testing/selftests/iommu of the tree) in an x86_64 QEMU guest whose
# mock domain runs on our AMD v1 table (the patch series): a kernel of its
# own (scripts/iommufd/kernel.config: IOMMUFD_TEST, fault injection, KASAN,
# lockdep) in BUILD_DIR (default $CACHE/build-iommufd-x86_64), the
# selftests built statically against its uAPI headers with
# scripts/iommufd/compat.h, a busybox-static initramfs, then the console
# parsed into KTAP by scripts/iommufd_tap.py with the known failures of
# scripts/iommufd/known-failures. IOMMUFD_ARGS: harness options for the
# guest (commas for spaces, e.g. -f,vfio_compat_mock_domain); IOMMUFD_KTAP:
# where to write the KTAP (default $BUILD_DIR/iommufd.ktap); IOMMUFD_APPEND:
# more kernel command line (iommufd_pages_each=1: scripts/iommufd/init
# counts the table pages each fixture leaves); IOMMUFD_MEM,
# IOMMUFD_TIMEOUT (seconds, default 3000). "bench" runs no selftest but
# scripts/iommufd/bench_v1.c: VFIO type1 v1.0 map and unmap of 1 GiB with
# large pages off (6.12) and on, in one boot.
cmd_iommufd()
{
	local tests=${1:-both}
	local hdr initrd log append rc=0 t t0 t1 bench=0

	case "$tests" in
	both) tests=iommufd,iommufd_fail_nth ;;
	bench) tests=none bench=1 ;;
	iommufd | iommufd_fail_nth) ;;
	*) die "iommufd: unknown selftest '$tests'" ;;
	esac
	lock
	ensure_pkgs qemu-system-x86 busybox-static cpio
	iommufd_build

	# The selftests, static, against the uAPI headers of this kernel
	hdr=$BUILD_DIR/usr/include
	mkdir -p "$BUILD_DIR/iommufd-initramfs/tests" \
		"$BUILD_DIR/iommufd-initramfs/bin"
	for t in iommufd iommufd_fail_nth; do
		gcc -static -O2 -Wall -Wno-unused-function -D_GNU_SOURCE= \
			-I"$KDIR/tools/testing/selftests" \
			-include "$ROOT/scripts/iommufd/compat.h" -I"$hdr" \
			-o "$BUILD_DIR/iommufd-initramfs/tests/$t" \
			"$KDIR/tools/testing/selftests/iommu/$t.c" -lpthread ||
			die "iommufd: building the $t selftest failed"
	done
	gcc -static -O2 -Wall -Wno-unused-function -Wno-unused-variable \
		-D_GNU_SOURCE= -I"$KDIR/tools/testing/selftests" \
		-include "$ROOT/scripts/iommufd/compat.h" \
		-I"$hdr" -I"$KDIR/tools/testing/selftests/iommu" \
		-o "$BUILD_DIR/iommufd-initramfs/tests/bench_v1" \
		"$ROOT/scripts/iommufd/bench_v1.c" ||
		die "iommufd: building bench_v1 failed"
	cp /bin/busybox "$BUILD_DIR/iommufd-initramfs/bin/busybox"
	ln -sf busybox "$BUILD_DIR/iommufd-initramfs/bin/sh"
	cp "$ROOT/scripts/iommufd/init" "$BUILD_DIR/iommufd-initramfs/init"
	mkdir -p "$BUILD_DIR"/iommufd-initramfs/{proc,sys,dev,tmp}
	initrd=$BUILD_DIR/iommufd-initramfs.cpio.gz
	(cd "$BUILD_DIR/iommufd-initramfs" &&
		find . | cpio -o -H newc --quiet | gzip -1) >"$initrd"

	# Huge pages: 2M ones for the dirty tracking and hugepage fixtures,
	# 1G ones (the CPU needs pdpe1gb) for the cut tests of the series.
	append="console=ttyS0 panic=-1 hugepagesz=1G hugepages=2"
	append+=" hugepagesz=2M hugepages=600 iommufd_tests=$tests"
	[ -z "${IOMMUFD_ARGS:-}" ] || append+=" iommufd_args=$IOMMUFD_ARGS"
	[ "$bench" = 0 ] || append+=" iommufd_bench=1"
	[ -z "${IOMMUFD_APPEND:-}" ] || append+=" $IOMMUFD_APPEND"
	log=$BUILD_DIR/iommufd-console.log
	note "iommufd: booting (console in $log)"
	t0=$(date +%s)
	timeout "${IOMMUFD_TIMEOUT:-3000}" qemu-system-x86_64 -nodefaults \
		-cpu qemu64,pdpe1gb=on -smp 2 -m "${IOMMUFD_MEM:-5G}" \
		-bios qboot.rom -nographic -no-reboot -serial stdio \
		-kernel "$BUILD_DIR/arch/x86/boot/bzImage" -initrd "$initrd" \
		-append "$append" </dev/null >"$log" 2>&1 || rc=$?
	t1=$(date +%s)
	note "iommufd: guest ran $((t1 - t0)) s (qemu exit $rc)"
	if [ "$bench" = 1 ]; then
		grep -aE 'IOMMUFD-(BENCH|PROFILE)' "$log" || die "iommufd: no benchmark output"
		return 0
	fi
	python3 "$ROOT/scripts/iommufd_tap.py" \
		--known "$ROOT/scripts/iommufd/known-failures" \
		--out "${IOMMUFD_KTAP:-$BUILD_DIR/iommufd.ktap}" "$log"
}

# The kernels of "qemu arm64|riscv|arm", configured and booted by this
# script rather than by kunit.py: allnoconfig with the fragments
# $QEMU_BASE (arm64: scripts/dma/arm64.config, the DMA guest's PCI,
# virtio-blk, SMMUv3 driver and lockdep, so that one arm64 kernel serves the
# KUnit run and the SMMUv3 DMA guests), .kunitconfig and
# kunit/configs/<arch>.kunitconfig (the suites, and what the machine needs
# to boot), concatenated into $CACHE/<arch>.config. kunit.py's own
# configuration starts from the architecture's defaults, which with
# COMPILE_TEST (riscv needs it for io-pgtable-arm) build many drivers that
# the run never uses: twice the build time on riscv. QEMU_MAKE is the make
# command (ARCH, CROSS_COMPILE, LLVM), QEMU_FRAG the concatenated file.
QEMU_MAKE=()
QEMU_FRAG=
own_configure()
{
	QEMU_MAKE=(make -C "$KDIR" -s ARCH="$QEMU_ARCH")
	[ -z "$QEMU_CROSS" ] || QEMU_MAKE+=(CROSS_COMPILE="$QEMU_CROSS")
	[ "${LLVM:-}" != 1 ] || QEMU_MAKE+=(LLVM=1)
	mkdir -p "$CACHE"
	if [ -n "${QEMU_PAGES:-}" ]; then
		# dma smmuv3-16k|smmuv3-64k: the DMA guest alone (no KUnit
		# suites but kunit/dma/), with that PAGE_SIZE
		QEMU_FRAG=$CACHE/$QEMU_ARCH-$QEMU_PAGES.config
		{ cat "$QEMU_BASE"
		  echo "CONFIG_ARM64_${QEMU_PAGES^^}_PAGES=y"; } >"$QEMU_FRAG"
	else
		QEMU_FRAG=$CACHE/$QEMU_ARCH.config
		# An option set alike twice only once (Kconfig warns of the
		# second)
		cat ${QEMU_BASE:+"$QEMU_BASE"} "$ROOT/.kunitconfig" \
			"$ROOT/kunit/configs/$QEMU_ARCH.kunitconfig" |
			awk '!/^CONFIG_/ || !seen[$0]++' >"$QEMU_FRAG"
	fi
	own_build_dir
	guest_configure "$QEMU_FRAG" "${QEMU_MAKE[@]}"
}

# own_build_dir: BUILD_DIR, unless set: build-<arch>, or build-arm64-16k or
# -64k for a DMA guest of that page size, "-clang" added with LLVM=1
own_build_dir()
{
	BUILD_DIR=${BUILD_DIR:-$CACHE/build-$QEMU_ARCH${QEMU_PAGES:+-$QEMU_PAGES}$CC_SUFFIX}
}

# own_build: that kernel, with the library and the series grafted.
own_build()
{
	local t0 t1

	cmd_prepare
	cmd_graft
	own_configure
	t0=$(date +%s)
	note "building the $QEMU_ARCH kernel in $BUILD_DIR"
	"${QEMU_MAKE[@]}" O="$BUILD_DIR" -j"$JOBS" "${QEMU_IMAGE##*/}" 2>&1 |
		unmap_paths || die "$QEMU_ARCH kernel build failed"
	guest_check_config "$QEMU_FRAG"
	t1=$(date +%s)
	note "$QEMU_ARCH kernel built in $((t1 - t0)) s"
}

# qemu_own [kunit.py run args]: "qemu ARCH" for those arches: the kernel
# of own_build booted as kunit.py would boot it (its machine, -m 1024, the
# suites at boot, kunit_shutdown=reboot), then kunit.py parses the console.
# KUNIT_PHASE as for cmd_kunit; of the arguments, the filter glob (default
# generic_pt_*), --timeout and --kernel_args are used.
qemu_own()
{
	local phase=${KUNIT_PHASE:-run} glob='generic_pt_*' a log rc=0
	local timeout=${QEMU_TIMEOUT:-1500}
	local append="console=$QEMU_CONSOLE panic=-1"

	[ "${LLVM:-}" != 1 ] || ensure_pkgs clang lld llvm
	case "$phase" in
	run | build)
		lock
		own_build
		[ "$phase" = run ] || return 0
		;;
	exec)
		own_build_dir
		;;
	*) die "KUNIT_PHASE must be run, build or exec, not '$phase'" ;;
	esac
	for a in "$@"; do
		case "$a" in
		--timeout=*) timeout=${a#--timeout=} ;;
		--kernel_args=*) append+=" ${a#--kernel_args=}" ;;
		--arch=* | --cross_compile=*) ;;
		-*) die "qemu $QEMU_ARCH: kunit.py option '$a' is not taken" ;;
		*) glob=$a ;;
		esac
	done
	append+=" kunit.enable=1 kunit_shutdown=reboot kunit.filter_glob=$glob"
	log=$BUILD_DIR/test.log
	note "qemu $QEMU_ARCH: booting (console in $log)"
	timeout "$timeout" "$QEMU_BIN" -nodefaults "${QEMU_MACHINE[@]}" \
		-m 1024 -nographic -no-reboot -serial stdio \
		-kernel "$BUILD_DIR/$QEMU_IMAGE" -append "$append" \
		</dev/null >"$log" 2>&1 || rc=$?
	[ -z "${KTAP_LOG:-}" ] || cp "$log" "$KTAP_LOG"
	[ $rc -eq 0 ] || echo "qemu $QEMU_ARCH: QEMU exited with $rc"
	(cd "$KDIR" && python3 tools/testing/kunit/kunit.py parse "$log") |
		unmap_paths || rc=1
	note "raw kernel log: $log"
	return $rc
}

# dma amd|intel|intel-sm|smmuv3|smmuv3-bbml0|smmuv3-16k|smmuv3-64k: block
# I/O through an IOMMU that QEMU emulates, whose walker (written by others
# from the same specification) translates every DMA of a virtio-blk disk
# through the page table of the device's DMA domain, on Generic PT with the
# series:
#   amd           q35 with -device amd-iommu: the AMD IOMMU driver's v1
#                 domains on amdv1; the iommufd guest's kernel (x86_64);
#   intel         q35 with -device intel-iommu in legacy mode (QEMU 7.2's
#                 default; the unit's page walks do not snoop, so every
#                 change is written back with clflush): the Intel IOMMU
#                 driver's second-stage domains on vtdss; the same kernel;
#                 VT-d has no 64K pages, so live_cut_contig skips;
#   intel-sm      the same unit in scalable mode with a 48-bit AGAW: the
#                 second-stage table (4 levels) set up through PASID
#                 entries (QEMU 7.2's scalable mode has no first stage);
#   smmuv3        virt with iommu=smmuv3: the SMMUv3 driver's stage 1
#                 domains on armv8_4k, the arm64 kernel of "qemu arm64"
#                 (scripts/dma/arm64.config is its base); QEMU's SMMU
#                 reports BBML level 2 (it never raises a TLB conflict
#                 abort);
#   smmuv3-bbml0  the same with BBML level 0 declared
#                 (arm_smmu_v3.assume_bbml=0, patch 10): the domains have
#                 no cut_mapping op and the cut is refused;
#   smmuv3-16k, smmuv3-64k
#                 the SMMUv3 guest in a kernel of that PAGE_SIZE (its own
#                 build, build-arm64-16k or -64k, without the other
#                 suites): domains on armv8_16k or armv8_64k, where 2M is a
#                 contiguous run; not in make check (make dma-granules).
# scripts/dma/dmatest.c reads a disk the host wrote, through a 2M hugetlb
# page and through separate 4K pages, with O_DIRECT, writes and reads back
# (scripts/dma/init.c runs it); the KUnit suite of kunit/dma/live_cut.c
# cuts a 2M mapping and a 64K run while QEMU's edu device copies through
# them (4K pages only); then
# scripts/dma_check.py checks the data, the disk, QEMU's trace of the
# translations (the leaf sizes its walker found) and the kernel log, and
# writes the KTAP (DMA_KTAP, default $BUILD_DIR/dma-<iommu>.ktap).
# DMA_APPEND adds to the kernel command line (amd_iommu=nohugepages: the 2M
# check must then fail).
cmd_dma()
{
	local iommu=${1:-amd} initrd log trace img rc=0 t0 t1 cc ev vtd
	local qemu kernel append trace_ev=() machine=() check=(--expect-ours)
	local trace_args=()

	# kunit.enable: the KUnit suites of kunit/dma/ run at boot (the
	# configurations leave KUNIT_DEFAULT_ENABLED off: the iommufd guest
	# runs none), and only they: the arm64 kernel has all the others too.
	append="panic=-1 iommu.passthrough=0 iommu.strict=1 kunit.enable=1"
	append+=" kunit.filter_glob=generic_pt_dma_*"
	# 2M hugetlb pages, also the default size dmatest's MAP_HUGETLB gets
	# (a 64K-page arm64 kernel's default is 512M)
	append+=" default_hugepagesz=2M hugepagesz=2M hugepages=4"
	case "$iommu" in
	amd | intel | intel-sm)
		lock
		ensure_pkgs qemu-system-x86 cpio
		iommufd_build
		cc=gcc
		qemu="qemu-system-x86_64"
		kernel=$BUILD_DIR/arch/x86/boot/bzImage
		append="console=ttyS0 no_timer_check $append"
		check+=(--expect-cut)
		;;&
	amd)
		machine=(-M q35 -cpu qemu64 -device amd-iommu)
		trace_ev=(amdvi_translation_result amdvi_iotlb_hit
			  amdvi_page_fault)
		;;
	intel | intel-sm)
		# Interrupt remapping needs a split irqchip, which TCG lacks
		vtd=intel-iommu,intremap=off
		# Scalable mode: QEMU 7.2 has only the second stage there, set
		# up through PASID entries; a 48-bit AGAW, 4 levels
		[ "$iommu" = intel ] || vtd+=,x-scalable-mode=on,aw-bits=48
		machine=(-M q35 -cpu qemu64 -device "$vtd")
		append="intel_iommu=on $append"
		trace_ev=(vtd_dmar_translate vtd_dmar_fault)
		check+=(--no-contig-run)
		;;
	smmuv3 | smmuv3-bbml0 | smmuv3-16k | smmuv3-64k)
		lock
		ensure_pkgs qemu-system-arm gcc-aarch64-linux-gnu \
			libc6-dev-arm64-cross cpio
		qemu_arch_params arm64
		case "$iommu" in
		*-16k | *-64k) QEMU_PAGES=${iommu#smmuv3-} ;;
		esac
		own_build
		cc=aarch64-linux-gnu-gcc
		qemu=$QEMU_BIN
		kernel=$BUILD_DIR/$QEMU_IMAGE
		# A Cortex-A57 has no 16K granule: -cpu max for that kernel
		machine=(-M "virt,iommu=smmuv3" -cpu cortex-a57)
		[ "${QEMU_PAGES:-}" != 16k ] ||
			machine=(-M "virt,iommu=smmuv3" -cpu max)
		append="console=ttyAMA0 $append"
		trace_ev=(smmu_ptw_block_pte smmu_ptw_page_pte
			  smmuv3_translate_abort smmuv3_record_event)
		case "$iommu" in
		smmuv3) check+=(--expect-cut) ;;
		smmuv3-bbml0)
			append+=" arm_smmu_v3.assume_bbml=0"
			check+=(--expect-cut-refused)
			;;
		*)
			# The live cut cases need 4K pages and skip
			check+=(--granule $((${QEMU_PAGES%k} * 1024)))
			;;
		esac
		;;
	*) die "dma: unknown IOMMU '$iommu' (amd, intel, intel-sm, smmuv3," \
	       "smmuv3-bbml0, smmuv3-16k, smmuv3-64k)" ;;
	esac

	rm -rf "$BUILD_DIR/dma-initramfs"
	mkdir -p "$BUILD_DIR"/dma-initramfs/{tests,proc,sys,dev,tmp}
	"$cc" -static -O2 -Wall -Werror -o "$BUILD_DIR/dma-initramfs/init" \
		"$ROOT/scripts/dma/init.c" || die "dma: building init failed"
	"$cc" -static -O2 -Wall -Werror \
		-o "$BUILD_DIR/dma-initramfs/tests/dmatest" \
		"$ROOT/scripts/dma/dmatest.c" || die "dma: building dmatest failed"
	initrd=$BUILD_DIR/dma-initramfs.cpio.gz
	(cd "$BUILD_DIR/dma-initramfs" &&
		find . | cpio -o -H newc --quiet | gzip -1) >"$initrd"

	img=$BUILD_DIR/dma-disk.img
	python3 "$ROOT/scripts/dma_check.py" disk "$img"
	log=$BUILD_DIR/dma-$iommu-console.log
	trace=$BUILD_DIR/dma-$iommu-trace.log
	rm -f "$trace"
	for ev in "${trace_ev[@]}"; do
		trace_args+=(-trace "$ev")
	done
	note "dma: booting with $iommu (console in $log, trace in $trace)"
	t0=$(date +%s)
	timeout "${DMA_TIMEOUT:-1200}" "$qemu" -nodefaults "${machine[@]}" \
		-smp 2 -m 2G -nographic -no-reboot -serial stdio \
		-drive "file=$img,if=none,id=disk0,format=raw" \
		-device virtio-blk-pci,drive=disk0,iommu_platform=on,disable-legacy=on \
		-device edu \
		-kernel "$kernel" -initrd "$initrd" \
		-append "$append ${DMA_APPEND:-}" \
		"${trace_args[@]}" -D "$trace" </dev/null >"$log" 2>&1 || rc=$?
	t1=$(date +%s)
	note "dma: guest ran $((t1 - t0)) s (qemu exit $rc)"
	python3 "$ROOT/scripts/dma_check.py" check "${check[@]}" \
		--disk "$img" --trace "$trace" \
		--out "${DMA_KTAP:-$BUILD_DIR/dma-$iommu.ktap}" "$log"
}

# htmldocs: Documentation/generic_pt.rst built as the kernel builds its
# documentation: Sphinx with the tree's Documentation/conf.py and its
# extensions (kernel-doc directives run the tree's scripts/kernel-doc on our
# headers, here in the project rather than a grafted copy). The page is the
# only document of a small book of its own, so the build takes seconds
# instead of the whole kernel's documentation. Any Sphinx warning fails
# (-W); HTML in $CACHE/htmldocs.
cmd_htmldocs()
{
	local out=$CACHE/htmldocs src log rc=0

	# graphviz: without dot(1) the tree's kfigure extension warns, and -W
	# makes every warning fatal.
	ensure_pkgs python3-sphinx graphviz
	cmd_prepare
	src=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now: src is local
	trap "rm -rf '$src'" RETURN
	cp "$ROOT/Documentation/generic_pt.rst" "$src/"
	printf '%s\n' '.. SPDX-License-Identifier: GPL-2.0-only' '' \
		'Generic PT' '==========' '' '.. toctree::' '' \
		'   generic_pt' > "$src/index.rst"
	rm -rf "$out"
	log=$src/sphinx.log
	# The tree's conf.py finds its extensions relative to the working
	# directory, and runs kernel-doc from there.
	(cd "$KDIR/Documentation" &&
		PYTHONDONTWRITEBYTECODE=1 /usr/bin/sphinx-build -b html -q \
		-W --keep-going -c "$KDIR/Documentation" \
		-D kerneldoc_srctree="$ROOT" \
		-D kerneldoc_bin="$KDIR/scripts/kernel-doc" \
		-d "$src/doctrees" "$src" "$out") >"$log" 2>&1 || rc=$?
	# conf.py prints the theme it picked; any other line is a report,
	# kernel-doc's warnings included (they reach stderr, not Sphinx's -W).
	grep -v 'Using alabaster theme' "$log" |
		sed "s|$src/generic_pt.rst|Documentation/generic_pt.rst|" >"$src/rep" ||
		true
	cat "$src/rep"
	if [ $rc -ne 0 ] || [ -s "$src/rep" ]; then
		die "Sphinx reported problems in Documentation/generic_pt.rst"
	fi
	echo "htmldocs: Documentation/generic_pt.rst clean, HTML in $out"
}

cmd_clean()
{
	lock
	set_build_dir
	rm -rf "$BUILD_DIR" "$CACHE/check"
}

# bench [kunit.py args]: the benchmark suite (kunit/bench/bench.c) on UML, in
# its own build directory with kunit/bench/bench.kunitconfig, then its
# report: a table on the console, CSV and a gnuplot chart in BENCH_OUT
# (default $CACHE/bench). KUnit asserts inside the benchmark make it fail if the
# compared tables disagree. BENCH_REPS sets the repetitions (default 41);
# BENCH_CHART=0 skips the chart (and gnuplot); BENCH_BUILD=kunit runs it in
# the UML KUnit kernel instead (below).
cmd_bench()
{
	local out=${BENCH_OUT:-$CACHE/bench} rc=0 args=() report=()

	[ -z "${BENCH_REPS:-}" ] ||
		args+=(--kernel_args="iommu_pt_bench.reps=$BENCH_REPS")
	# BENCH_BUILD=kunit: from the UML KUnit kernel (make check's quick
	# run: it builds and checks, and its timings mean nothing anyway, as
	# that kernel has the test hooks). Else a kernel of its own with only
	# what the benchmark needs.
	if [ "${BENCH_BUILD:-}" != kunit ]; then
		KUNITCONFIG=$ROOT/kunit/bench/bench.kunitconfig
		BUILD_DIR=${BUILD_DIR:-$CACHE/build-bench$CC_SUFFIX}
	fi
	cmd_kunit "${args[@]}" "$@" 'iommu_pt_bench' || rc=$?
	[ -f "$BUILD_DIR/test.log" ] || die "no kernel log"
	mkdir -p "$out"
	cp "$BUILD_DIR/test.log" "$out/bench.log"
	if [ "${BENCH_CHART:-1}" = 0 ]; then
		report+=(--no-chart)
	else
		ensure_pkgs gnuplot-nox
	fi
	python3 "$ROOT/scripts/bench_report.py" "${report[@]}" --out "$out" \
		"$out/bench.log" || rc=1
	return $rc
}

usage="prepare|graft|kunit|qemu ARCH|sparse|checkpatch|kerneldoc|htmldocs"
[ $# -ge 1 ] || die "usage: $0 $usage|clean|bench"
cmd=$1
shift
case "$cmd" in
prepare)	lock; cmd_prepare ;;
graft)		lock; cmd_prepare; cmd_graft ;;
kunit)		# The library's suites (all named generic_pt_*), not the
		# benchmark the UML kernel also has, unless a glob is given
		# (kunit.py's options as --option=value).
		glob=('generic_pt_*')
		for a in "$@"; do
			[ "${a#-}" != "$a" ] || glob=()
		done
		cmd_kunit "$@" "${glob[@]}" ;;
bench)		cmd_bench "$@" ;;
qemu)		[ $# -ge 1 ] || die "usage: $0 qemu x86_64|arm64|s390|riscv|arm"
		cmd_qemu "$@" ;;
iommufd)	cmd_iommufd "$@" ;;
dma)		cmd_dma "$@" ;;
series-build)	cmd_series_build ;;
sparse)		cmd_sparse ;;
checkpatch)	cmd_checkpatch ;;
kerneldoc)	cmd_kerneldoc ;;
htmldocs)	cmd_htmldocs ;;
clean)		cmd_clean ;;
*)		die "unknown command '$cmd'" ;;
esac
