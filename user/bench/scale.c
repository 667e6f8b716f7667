// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scaling of map and unmap with callers on several CPUs: one table, one or
 * two threads, each mapping and then unmapping 4K pages one call at a time,
 * as the DMA API does per I/O. Two layouts:
 *
 * - "disjoint": each thread works in its own 1 GiB window; the windows
 *   share the upper tables, so the threads meet only there (read-mostly);
 * - "one table": both threads work in the same 2 MiB, thread 0 on the even
 *   pages and thread 1 on the odd ones, so every store of either thread
 *   lands in the same leaf table (and often the same cache line): the
 *   engine's lock-free path under contention.
 *
 * Each thread does the same work whatever the number of threads, so the
 * speedup is the aggregate throughput of two threads over that of one; 2.0
 * is perfect scaling. Wall-clock timings of user space: run on a quiet
 * machine with at least two CPUs (make -C user bench-scale). Only our side
 * runs here: the 6.12 page tables it replaces are kernel-only code (and
 * io-pgtable-arm, the lock-free one, is compared single-threaded by
 * make bench).
 */
#include <kunit/test.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/minmax.h>
#include <time.h>

#include "bench/ours.h"

/* Pages one thread cycles through: a leaf table, or half of one */
#define SCALE_PAGES 512
#define SCALE_SAMPLES 7		/* the best of these is reported */

static unsigned int scale_rounds(void)
{
	const char *env = getenv("BENCH_SCALE_ROUNDS");

	return env ? strtoul(env, NULL, 0) : 400;
}

struct scale_thread {
	struct bench_side *side;
	unsigned long base;	/* IOVA of the thread's first page */
	unsigned int stride_lg2;	/* log2 of the distance of its pages */
	unsigned int pages;
	unsigned int rounds;
	pthread_barrier_t *start;
	u64 t_start;	/* when it started and ended, in nanoseconds */
	u64 t_end;
	int err;
};

static u64 scale_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Map every page one call at a time, then unmap them one call at a time */
static void *scale_thread_fn(void *arg)
{
	struct scale_thread *t = arg;
	unsigned int r, i;

	pthread_barrier_wait(t->start);
	t->t_start = scale_now_ns();
	for (r = 0; r != t->rounds; r++) {
		for (i = 0; i != t->pages; i++) {
			unsigned long iova = t->base + ((unsigned long)i << t->stride_lg2);

			if (bench_map(t->side, iova, bench_pa(iova, SZ_4K),
				      SZ_4K, BENCH_PROT))
				t->err = -EIO;
		}
		for (i = 0; i != t->pages; i++) {
			unsigned long iova = t->base + ((unsigned long)i << t->stride_lg2);

			if (bench_unmap(t->side, iova, SZ_4K) != SZ_4K)
				t->err = -EIO;
		}
	}
	t->t_end = scale_now_ns();
	return NULL;
}

/*
 * One sample: @nthreads threads; Return: the time in nanoseconds from the
 * first thread's start to the last one's end. Each thread reads the clock
 * itself: with as many threads as CPUs, the main thread may not run again
 * until a worker is done, so its own clock reads would miss their work.
 */
static u64 scale_sample(struct kunit *test, struct bench_side *side,
			unsigned int nthreads, bool one_table)
{
	struct scale_thread threads[2];
	pthread_t ids[2];
	pthread_barrier_t start;
	unsigned int i;
	u64 first = U64_MAX, last = 0;

	pthread_barrier_init(&start, NULL, nthreads + 1);
	for (i = 0; i != nthreads; i++) {
		threads[i] = (struct scale_thread){
			.side = side,
			.base = one_table ? SZ_1G + i * SZ_4K :
					    SZ_1G + i * (unsigned long)SZ_1G,
			.stride_lg2 = one_table ? 13 : 12,
			.pages = one_table ? SCALE_PAGES / 2 : SCALE_PAGES,
			.rounds = scale_rounds(),
			.start = &start,
		};
		KUNIT_ASSERT_EQ(test, pthread_create(&ids[i], NULL,
						     scale_thread_fn,
						     &threads[i]), 0);
	}
	pthread_barrier_wait(&start);
	for (i = 0; i != nthreads; i++)
		pthread_join(ids[i], NULL);
	pthread_barrier_destroy(&start);
	for (i = 0; i != nthreads; i++) {
		KUNIT_ASSERT_EQ(test, threads[i].err, 0);
		first = min(first, threads[i].t_start);
		last = max(last, threads[i].t_end);
	}
	return last - first;
}

/*
 * Map+unmap calls per microsecond, aggregate, of one thread (@rate[0]) and
 * of two (@rate[1]): the best of SCALE_SAMPLES samples each, taken in
 * turns so that a slow phase of a shared machine hits both alike
 */
static void scale_rates(struct kunit *test, struct bench_side *side,
			bool one_table, double *rate)
{
	u64 calls = 2ull * (one_table ? SCALE_PAGES / 2 : SCALE_PAGES) *
		    scale_rounds();
	u64 best[2] = { U64_MAX, U64_MAX };
	unsigned int i, n;

	scale_sample(test, side, 2, one_table); /* warm up: tables allocated */
	for (i = 0; i != SCALE_SAMPLES; i++) {
		for (n = 0; n != 2; n++)
			best[n] = min(best[n],
				      scale_sample(test, side, n + 1, one_table));
	}
	for (n = 0; n != 2; n++)
		rate[n] = calls * (n + 1) * 1000.0 / best[n];
}

static void bench_scale_fmt(struct kunit *test, bool amd)
{
	static const char *const layouts[] = { "disjoint", "one table" };
	const char *fmt = amd ? "amdv1" : "armv8_4k";
	struct bench_side side;
	unsigned int l;

	KUNIT_ASSERT_EQ(test, bench_ours_init(&side, amd), 0);
	for (l = 0; l != ARRAY_SIZE(layouts); l++) {
		double rate[2];

		scale_rates(test, &side, l, rate);

		/*
		 * Two threads do twice the work of one: more than about
		 * twice the rate is a timing that missed part of the work
		 */
		KUNIT_EXPECT_TRUE_MSG(test, rate[1] < 2.5 * rate[0],
				      "%s %s: %.2f calls/us with two threads, %.2f with one",
				      fmt, layouts[l], rate[1], rate[0]);

		/* Everything mapped was unmapped: nothing translates */
		KUNIT_EXPECT_EQ(test, side.iova_to_phys(&side, SZ_1G), 0);
		printf("# scale: %s,%s,%.2f,%.2f,%.2f\n", fmt, layouts[l],
		       rate[0], rate[1], rate[1] / rate[0]);
	}
	bench_ours_deinit(&side, amd);
}

static void bench_scale_armv8_4k(struct kunit *test)
{
	bench_scale_fmt(test, false);
}

static void bench_scale_amdv1(struct kunit *test)
{
	bench_scale_fmt(test, true);
}

static struct kunit_case bench_scale_cases[] = {
	KUNIT_CASE(bench_scale_armv8_4k),
	KUNIT_CASE(bench_scale_amdv1),
	{}
};

static struct kunit_suite bench_scale_suite = {
	.name = "iommu_pt_bench_scale",
	.test_cases = bench_scale_cases,
};

kunit_test_suite(bench_scale_suite);
