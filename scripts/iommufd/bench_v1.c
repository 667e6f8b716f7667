// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA of a 1 GiB hugetlb buffer
 * through iommufd's VFIO type1 v1.0 compat ioctls on a mock domain with
 * large leaves, with large pages off (what 6.12 does for type1 v1.0: one
 * iommu_map() per page) and on (the patch series: the domain can cut), in
 * the same boot. Run in the guest of "scripts/kernel.sh iommufd"; built
 * like the selftests, against tools/testing/selftests/iommu/iommufd_utils.h.
 * Prints "IOMMUFD-BENCH <large pages> <op> <ns>" lines, the median of REPS.
 * Then, when the kernel has the function profiler, one more map and unmap
 * of each setting runs under it (not timed) and the functions that took the
 * most time in the unmap are printed as "IOMMUFD-PROFILE" lines.
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
#define REPS 3
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
		for (n = 0; n != PROFILE_LINES + 2 && fgets(line, sizeof(line), f);
		     n++)
			printf("IOMMUFD-PROFILE %s cpu%d %s", large ? "on" : "off",
			       cpu, line);
		fclose(f);
	}
}

static int run(void *buf, int large)
{
	struct iommu_vfio_ioas vfio_ioas = {
		.size = sizeof(vfio_ioas),
		.op = IOMMU_VFIO_IOAS_SET,
	};
	struct iommu_option opt = {
		.size = sizeof(opt),
		.option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_SET,
		.val64 = large,
	};
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf,
		.size = LEN,
		.iova = IOVA,
	};
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = IOVA,
		.size = LEN,
	};
	unsigned long long t_map[REPS], t_unmap[REPS], t0;
	__u32 ioas_id, stdev_id, hwpt_id;
	int fd, i;

	fd = open("/dev/iommu", O_RDWR);
	if (fd < 0 || _test_ioctl_ioas_alloc(fd, &ioas_id) ||
	    _test_cmd_mock_domain_flags(fd, ioas_id,
					MOCK_FLAGS_DEVICE_HUGE_IOVA, &stdev_id,
					&hwpt_id, NULL))
		return -1;
	vfio_ioas.ioas_id = ioas_id;
	opt.object_id = ioas_id;
	if (ioctl(fd, IOMMU_VFIO_IOAS, &vfio_ioas) ||
	    ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU) ||
	    ioctl(fd, IOMMU_OPTION, &opt))
		return -1;
	for (i = 0; i != REPS; i++) {
		t0 = now_ns();
		if (ioctl(fd, VFIO_IOMMU_MAP_DMA, &map))
			return -1;
		t_map[i] = now_ns() - t0;
		unmap.size = LEN;
		t0 = now_ns();
		if (ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &unmap) ||
		    unmap.size != LEN)
			return -1;
		t_unmap[i] = now_ns() - t0;
	}
	/* Where the unmap's time goes, off the clock */
	if (ioctl(fd, VFIO_IOMMU_MAP_DMA, &map))
		return -1;
	unmap.size = LEN;
	if (!profile("1")) {
		if (ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &unmap))
			return -1;
		profile("0");
		profile_print(large);
	} else if (ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &unmap)) {
		return -1;
	}
	qsort(t_map, REPS, sizeof(t_map[0]), cmp_ull);
	qsort(t_unmap, REPS, sizeof(t_unmap[0]), cmp_ull);
	printf("IOMMUFD-BENCH %s map_1G %llu\n", large ? "on" : "off",
	       t_map[REPS / 2]);
	printf("IOMMUFD-BENCH %s unmap_1G %llu\n", large ? "on" : "off",
	       t_unmap[REPS / 2]);
	close(fd);
	return 0;
}

int main(void)
{
	void *buf = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB |
				 MAP_POPULATE | (30 << MAP_HUGE_SHIFT),
			 -1, 0);

	if (buf == MAP_FAILED) {
		perror("mmap of a 1G huge page");
		return 1;
	}
	/* Off first: what 6.12 does for type1 v1.0, then the series */
	if (run(buf, 0) || run(buf, 1)) {
		perror("IOMMUFD-BENCH failed");
		return 1;
	}
	return 0;
}
