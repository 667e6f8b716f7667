// SPDX-License-Identifier: GPL-2.0-only
/*
 * Block I/O through an IOMMU, in the guest of "scripts/kernel.sh dma": reads
 * and writes the virtio-blk disk with O_DIRECT, so that the device DMAs
 * straight into the buffers through the page table of its DMA domain.
 *
 * The host wrote the disk with pattern(SEED_DISK) before boot. This program
 * reads it through a 2M hugetlb page (one aligned 2M DMA mapping: a 2M leaf)
 * and through 16 separate 4K pages (one request of 16 segments, given in
 * the reverse order of their addresses so that no two of them are merged
 * into a larger mapping), checks every byte, writes pattern(SEED_GUEST) to
 * two other areas from both and reads them back. The host checks the
 * disk afterwards and, in QEMU's trace of its IOMMU walker, which leaves it
 * translated the buffers through: it is told the buffers' physical
 * addresses ("DMATEST-PHYS" lines, from /proc/self/pagemap).
 *
 * Usage: dmatest /dev/vda. Prints "DMATEST-RESULT ok" or
 * "DMATEST-RESULT fail <what>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

/* Keep in step with scripts/dma_check.py */
#define SEED_DISK 0x6a09e667f3bcc908ULL
#define SEED_GUEST 0xbb67ae8584caa73bULL
#define HUGE_SZ (2UL << 20)
#define PAGE_SZ 4096UL
#define SMALL_PAGES 16
#define SMALL_SZ (SMALL_PAGES * PAGE_SZ)
/* Disk offsets: read areas first, then the areas this program writes */
#define OFF_HUGE_READ 0UL
#define OFF_SMALL_READ (2UL << 20)
#define OFF_HUGE_WRITE (4UL << 20)
#define OFF_SMALL_WRITE (6UL << 20)

/* The 8 bytes at disk offset @off of the pattern of @seed */
static __u64 pattern(__u64 seed, __u64 off)
{
	__u64 x = seed ^ (off * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 29;
	return x * 0xbf58476d1ce4e5b9ULL;
}

static void fill(__u64 *buf, size_t len, __u64 seed, __u64 off)
{
	size_t i;

	for (i = 0; i != len / 8; i++)
		buf[i] = pattern(seed, off + i * 8);
}

/* First disk offset in @buf that does not hold the pattern, or -1 */
static long check(const __u64 *buf, size_t len, __u64 seed, __u64 off)
{
	size_t i;

	for (i = 0; i != len / 8; i++)
		if (buf[i] != pattern(seed, off + i * 8))
			return (long)(off + i * 8);
	return -1;
}

/*
 * Physical address of @p, from /proc/self/pagemap, whose entries are the
 * kernel's pages (4K, 16K or 64K on arm64)
 */
static __u64 phys_of(int pagemap, const void *p)
{
	unsigned long page = sysconf(_SC_PAGESIZE);
	__u64 ent;
	off_t at = (uintptr_t)p / page * sizeof(ent);

	if (pread(pagemap, &ent, sizeof(ent), at) != sizeof(ent) ||
	    !(ent & (1ULL << 63)))
		return 0;
	return (ent & ((1ULL << 55) - 1)) * page + (uintptr_t)p % page;
}

static int report_fail(const char *what, long at)
{
	printf("DMATEST-RESULT fail %s at %ld (%s)\n", what, at,
	       errno ? strerror(errno) : "data");
	return 1;
}

/* Read @len bytes at @off into @buf and check them against @seed */
static int read_check(int fd, void *buf, size_t len, __u64 seed,
		      __u64 off, const char *what)
{
	long bad;

	memset(buf, 0, len);
	errno = 0;
	if (pread(fd, buf, len, off) != (ssize_t)len)
		return report_fail(what, off);
	bad = check(buf, len, seed, off);
	if (bad >= 0) {
		errno = 0;
		return report_fail(what, bad);
	}
	return 0;
}

static int write_all(int fd, void *buf, size_t len, __u64 off,
		     const char *what)
{
	fill(buf, len, SEED_GUEST, off);
	errno = 0;
	if (pwrite(fd, buf, len, off) != (ssize_t)len)
		return report_fail(what, off);
	return 0;
}

/* The 4K pages: iovec i is page 2 * (SMALL_PAGES - 1 - i) of @small */
static void small_iov(struct iovec *iov, char *small)
{
	int i;

	for (i = 0; i != SMALL_PAGES; i++) {
		iov[i].iov_base = small + 2 * (SMALL_PAGES - 1 - i) * PAGE_SZ;
		iov[i].iov_len = PAGE_SZ;
	}
}

static int small_read_check(int fd, struct iovec *iov, __u64 seed,
			    __u64 off, const char *what)
{
	long bad;
	int i;

	for (i = 0; i != SMALL_PAGES; i++)
		memset(iov[i].iov_base, 0, PAGE_SZ);
	errno = 0;
	if (preadv(fd, iov, SMALL_PAGES, off) != (ssize_t)SMALL_SZ)
		return report_fail(what, off);
	for (i = 0; i != SMALL_PAGES; i++) {
		bad = check(iov[i].iov_base, PAGE_SZ, seed, off + i * PAGE_SZ);
		if (bad >= 0) {
			errno = 0;
			return report_fail(what, bad);
		}
	}
	return 0;
}

static int small_write(int fd, struct iovec *iov, __u64 off,
		       const char *what)
{
	int i;

	for (i = 0; i != SMALL_PAGES; i++)
		fill(iov[i].iov_base, PAGE_SZ, SEED_GUEST, off + i * PAGE_SZ);
	errno = 0;
	if (pwritev(fd, iov, SMALL_PAGES, off) != (ssize_t)SMALL_SZ)
		return report_fail(what, off);
	return 0;
}

int main(int argc, char **argv)
{
	struct iovec iov[SMALL_PAGES];
	void *huge, *small;
	int fd, pagemap;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: dmatest /dev/vdX\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_DIRECT | O_SYNC);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	huge = mmap(NULL, HUGE_SZ, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE,
		    -1, 0);
	small = mmap(NULL, 2 * SMALL_SZ, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (fd < 0 || pagemap < 0 || huge == MAP_FAILED || small == MAP_FAILED)
		return report_fail("setup", 0);
	small_iov(iov, small);

	/* Let the host find what the walker translated the buffers to */
	printf("DMATEST-PHYS huge %#llx %#lx\n",
	       (unsigned long long)phys_of(pagemap, huge), HUGE_SZ);
	for (i = 0; i != SMALL_PAGES; i++)
		printf("DMATEST-PHYS small %#llx %#lx\n",
		       (unsigned long long)phys_of(pagemap, iov[i].iov_base),
		       PAGE_SZ);

	if (read_check(fd, huge, HUGE_SZ, SEED_DISK, OFF_HUGE_READ,
		       "2M read") ||
	    small_read_check(fd, iov, SEED_DISK, OFF_SMALL_READ,
			     "4K pages read") ||
	    write_all(fd, huge, HUGE_SZ, OFF_HUGE_WRITE, "2M write") ||
	    small_write(fd, iov, OFF_SMALL_WRITE, "4K pages write") ||
	    read_check(fd, huge, HUGE_SZ, SEED_GUEST, OFF_HUGE_WRITE,
		       "2M read back") ||
	    small_read_check(fd, iov, SEED_GUEST, OFF_SMALL_WRITE,
			     "4K pages read back"))
		return 1;
	printf("DMATEST-RESULT ok\n");
	return 0;
}
