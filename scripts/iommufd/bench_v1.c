// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA of a 1 GiB hugetlb buffer
 * through iommufd's VFIO type1 v1.0 compat ioctls on a mock domain with
 * large leaves, with large pages off (what 6.12 does for type1 v1.0: one
 * iommu_map() per page) and on (the patch series: the domain can cut), in
 * the same boot. Run in the guest of "scripts/kernel.sh iommufd"; built
 * like the selftests, against tools/testing/selftests/iommu/iommufd_utils.h.
 * The repetitions of the two settings alternate, so that a change in the
 * host's load (the guest is TCG) weighs on both alike. Prints
 * "IOMMUFD-BENCH <large pages> <op> <median ns> <min ns> <max ns>" lines
 * over REPS. Then, when the kernel has the function profiler, one more map
 * and unmap of each setting runs under it (not timed) and the functions
 * that took the most time in the unmap, and every function with "unmap" in
 * its name, are printed as "IOMMUFD-PROFILE" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <linux/vfio.h>

#include "iommufd_utils.h"

#define LEN (1UL << 30)
#define IOVA (1UL << 30)
#define REPS 7
#define PROFILE "/sys/kernel/debug/tracing/function_profile_enabled"
#define PROFILE_STAT "/sys/kernel/debug/tracing/trace_stat/function%d"
#define PROFILE_LINES 25

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* Turning the profiler on clears what it counted before */
static int profile(const char *on)
{
	FILE *f = fopen(PROFILE, "w");

	if (!f)
		return -1;
	fputs(on, f);
	return fclose(f);
}

static void profile_print(int large)
{
	char path[80], line[256];
	int cpu, n;
	FILE *f;

	for (cpu = 0; cpu != 2; cpu++) {
		snprintf(path, sizeof(path), PROFILE_STAT, cpu);
		f = fopen(path, "r");
		if (!f)
			continue;
		for (n = 0; fgets(line, sizeof(line), f); n++)
			if (n < PROFILE_LINES + 2 || strstr(line, "unmap"))
				printf("IOMMUFD-PROFILE %s cpu%d %s",
				       large ? "on" : "off", cpu, line);
		fclose(f);
	}
}

/* One setting: a VFIO type1 v1.0 container with large pages on or off */
struct side {
	int fd;
	int large;
	unsigned long long t_map[REPS];
	unsigned long long t_unmap[REPS];
};

static int side_open(struct side *side)
{
	struct iommu_vfio_ioas vfio_ioas = {
		.size = sizeof(vfio_ioas),
		.op = IOMMU_VFIO_IOAS_SET,
	};
	struct iommu_option opt = {
		.size = sizeof(opt),
		.option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_SET,
		.val64 = side->large,
	};
	__u32 ioas_id, stdev_id, hwpt_id;

	side->fd = open("/dev/iommu", O_RDWR);
	if (side->fd < 0 || _test_ioctl_ioas_alloc(side->fd, &ioas_id) ||
	    _test_cmd_mock_domain_flags(side->fd, ioas_id,
					MOCK_FLAGS_DEVICE_HUGE_IOVA, &stdev_id,
					&hwpt_id, NULL))
		return -1;
	vfio_ioas.ioas_id = ioas_id;
	opt.object_id = ioas_id;
	if (ioctl(side->fd, IOMMU_VFIO_IOAS, &vfio_ioas) ||
	    ioctl(side->fd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU) ||
	    ioctl(side->fd, IOMMU_OPTION, &opt))
		return -1;
	return 0;
}

static int map_1g(struct side *side, void *buf)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf,
		.size = LEN,
		.iova = IOVA,
	};

	return ioctl(side->fd, VFIO_IOMMU_MAP_DMA, &map);
}

static int unmap_1g(struct side *side)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = IOVA,
		.size = LEN,
	};

	if (ioctl(side->fd, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -1;
	return unmap.size == LEN ? 0 : -1;
}

/* Repetition @i of @side's map and unmap, timed */
static int side_time(struct side *side, void *buf, int i)
{
	unsigned long long t0;

	t0 = now_ns();
	if (map_1g(side, buf))
		return -1;
	side->t_map[i] = now_ns() - t0;
	t0 = now_ns();
	if (unmap_1g(side))
		return -1;
	side->t_unmap[i] = now_ns() - t0;
	return 0;
}

/* Where the unmap's time goes, off the clock */
static int side_profile(struct side *side, void *buf)
{
	if (map_1g(side, buf))
		return -1;
	if (profile("1"))
		return unmap_1g(side);
	if (unmap_1g(side))
		return -1;
	profile("0");
	profile_print(side->large);
	return 0;
}

static void report(const char *large, const char *op, unsigned long long *t)
{
	qsort(t, REPS, sizeof(t[0]), cmp_ull);
	printf("IOMMUFD-BENCH %s %s %llu %llu %llu\n", large, op, t[REPS / 2],
	       t[0], t[REPS - 1]);
}

int main(void)
{
	/* Off: what 6.12 does for type1 v1.0; on: the series */
	struct side sides[2] = { { .large = 0 }, { .large = 1 } };
	void *buf = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB |
				 MAP_POPULATE | (30 << MAP_HUGE_SHIFT),
			 -1, 0);
	int i, s;

	if (buf == MAP_FAILED) {
		perror("mmap of a 1G huge page");
		return 1;
	}
	for (s = 0; s != 2; s++)
		if (side_open(&sides[s]))
			goto fail;
	for (i = 0; i != REPS; i++)
		for (s = 0; s != 2; s++)
			if (side_time(&sides[s], buf, i))
				goto fail;
	for (s = 0; s != 2; s++) {
		if (side_profile(&sides[s], buf))
			goto fail;
		report(sides[s].large ? "on" : "off", "map_1G",
		       sides[s].t_map);
		report(sides[s].large ? "on" : "off", "unmap_1G",
		       sides[s].t_unmap);
	}
	for (s = 0; s != 2; s++)
		close(sides[s].fd);
	return 0;
fail:
	perror("IOMMUFD-BENCH failed");
	return 1;
}
