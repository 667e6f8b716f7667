// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic PT fuzzer without libFuzzer: runs inputs through the same
 * LLVMFuzzerTestOneInput() with any compiler and sanitizer.
 *
 *   fuzz_replay FILE|DIR...        the inputs of each table configuration
 *                                  in one child process, one KTAP result
 *                                  per configuration (the corpus replay of
 *                                  make check); when a child fails, its
 *                                  inputs again, each in its own child, to
 *                                  name the failing ones
 *   fuzz_replay --each FILE|DIR... each input in its own child process
 *   fuzz_replay --random N [--seed S] [--len L] [--threads] [--save F]
 *                                  N pseudo-random inputs of up to L bytes
 *                                  (--threads: all in the two-thread mode);
 *                                  prints the operations and their rate;
 *                                  an input that aborts is written to F
 *                                  (UBSan: UBSAN_OPTIONS=abort_on_error=1)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_pt.h"

static char **paths;
static unsigned int npaths;

static void add_path(const char *p)
{
	paths = realloc(paths, (npaths + 1) * sizeof(*paths));
	if (!paths)
		exit(2);
	paths[npaths] = strdup(p);
	if (!paths[npaths++])
		exit(2);
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect(const char *p)
{
	struct dirent *de;
	struct stat st;
	char buf[4096];
	DIR *d;

	if (stat(p, &st)) {
		fprintf(stderr, "fuzz_replay: %s: %s\n", p, strerror(errno));
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		add_path(p);
		return;
	}
	d = opendir(p);
	if (!d)
		exit(2);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(buf, sizeof(buf), "%s/%s", p, de->d_name);
		add_path(buf);
	}
	closedir(d);
}

static unsigned char data[1 << 20];

/* Read an input; returns its size, or -1 */
static long read_file(const char *p)
{
	FILE *f = fopen(p, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	return n;
}

/*
 * Run inputs in one child process, one after the other as libFuzzer does:
 * 0 if all passed. The sanitizers' checks at exit (LeakSanitizer) cover
 * them all; one child per input cost a fork and a leak scan each, most of
 * the time of the corpus replay.
 */
static int run_children(char **p, unsigned int n)
{
	pid_t pid;
	int status = 1;
	unsigned int i;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		for (i = 0; i != n; i++) {
			long len = read_file(p[i]);

			if (len < 0)
				exit(1);
			LLVMFuzzerTestOneInput(data, len);
		}
		exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	return status;
}

/* Run one input in a child process: 0 if it passed */
static int run_child(char *p)
{
	return run_children(&p, 1);
}

/* The input running, written to save_path when it aborts */
static const unsigned char *cur_data;
static size_t cur_len;
static const char *save_path;

static void save_on_abort(int sig)
{
	int fd = open(save_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, cur_data, cur_len) < 0)
			cur_len = 0;
		close(fd);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static unsigned long long splitmix(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double now_clock(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now(void)
{
	return now_clock(CLOCK_MONOTONIC);
}

static int run_random(unsigned long n, unsigned long long seed, size_t len,
		      int threads)
{
	unsigned char *data = malloc(len);
	double t0 = now(), c0 = now_clock(CLOCK_PROCESS_CPUTIME_ID), t, c;
	unsigned long i;
	size_t k, sz;

	if (!data)
		return 2;
	if (save_path)
		signal(SIGABRT, save_on_abort);
	cur_data = data;
	for (i = 0; i != n; i++) {
		sz = 2 + splitmix(&seed) % (len - 1);
		for (k = 0; k != sz; k++)
			data[k] = splitmix(&seed);
		if (threads)
			data[1] |= 1;
		cur_len = sz;
		LLVMFuzzerTestOneInput(data, sz);
	}
	t = now() - t0;
	c = now_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
	/* CPU time: the machine may be shared, the process niced */
	printf("# fuzz_replay: %lu inputs, %lu operations in %.1f s (%.1f s of CPU), ",
	       n, fuzz_pt_ops(), t, c);
	printf("%.0f operations/s, %.0f per CPU second\n",
	       fuzz_pt_ops() / (t > 0 ? t : 1),
	       fuzz_pt_ops() / (c > 0 ? c : 1));
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long seed = 1;
	unsigned int i, c, ncfgs, failed = 0;
	unsigned long nrandom = 0;
	int threads = 0, random = 0, each = 0;
	unsigned char *cfg_of;
	char **batch;
	size_t len = 512;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--random") && i + 1 < (unsigned int)argc) {
			random = 1;
			nrandom = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--seed") &&
			   i + 1 < (unsigned int)argc) {
			seed = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--len") &&
			   i + 1 < (unsigned int)argc) {
			len = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--save") &&
			   i + 1 < (unsigned int)argc) {
			save_path = argv[++i];
		} else if (!strcmp(argv[i], "--threads")) {
			threads = 1;
		} else if (!strcmp(argv[i], "--each")) {
			each = 1;
		} else {
			collect(argv[i]);
		}
	}
	if (random)
		return run_random(nrandom, seed, len < 2 ? 2 : len, threads);

	/*
	 * One KTAP case per configuration, the inputs whose first byte picks
	 * it, in one child process (each in its own with --each); a failing
	 * input is named.
	 */
	if (npaths)
		qsort(paths, npaths, sizeof(*paths), cmp_path);
	ncfgs = fuzz_pt_configs();
	cfg_of = malloc(npaths + 1);
	batch = malloc((npaths + 1) * sizeof(*batch));
	if (!cfg_of || !batch)
		return 2;
	for (i = 0; i != npaths; i++) {
		long n = read_file(paths[i]);

		/* Too short to pick one: in no configuration's case */
		cfg_of[i] = n < 1 ? ncfgs : data[0] % ncfgs;
	}
	printf("KTAP version 1\n1..1\n");
	printf("    KTAP version 1\n    # Subtest: generic_pt_fuzz_corpus\n");
	printf("    1..%u\n", ncfgs);
	for (c = 0; c != ncfgs; c++) {
		unsigned int inputs = 0, bad = 0;

		for (i = 0; i != npaths; i++)
			if (cfg_of[i] == c)
				batch[inputs++] = paths[i];
		if (inputs && (each || run_children(batch, inputs))) {
			for (i = 0; i != inputs; i++) {
				if (run_child(batch[i])) {
					printf("    # %s: failed\n", batch[i]);
					bad++;
				}
			}
			/* Failed together only: the first run's order counts */
			if (!each && !bad) {
				printf("    # the %u inputs failed in one process, none alone\n",
				       inputs);
				bad = 1;
			}
		}
		if (!inputs)
			printf("    ok %u %s # SKIP no input\n", c + 1,
			       fuzz_pt_config_name(c));
		else
			printf("    %sok %u %s\n", bad ? "not " : "", c + 1,
			       fuzz_pt_config_name(c));
		fflush(stdout);
		failed += bad;
	}
	printf("# generic_pt_fuzz_corpus: %u inputs, %u failed\n", npaths,
	       failed);
	printf("%sok 1 generic_pt_fuzz_corpus\n", failed ? "not " : "");
	free(batch);
	free(cfg_of);
	return failed ? 1 : 0;
}
