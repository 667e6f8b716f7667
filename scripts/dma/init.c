// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the QEMU DMA guests ("scripts/kernel.sh dma"), one static
 * program for every guest architecture, so that no shell has to be built
 * for it: block I/O through the IOMMU with /tests/dmatest, the calls into
 * the page table it made (the function profiler's counts of pt_iommu_*),
 * then power off. scripts/dma_check.py reads the console:
 *
 *   DMATEST-GROUP <group> <type> <devices>   each IOMMU group
 *   DMATEST-QUEUE max_sectors_kb <n>         the disk's request size limit
 *   DMATEST-EXIT <status>                    dmatest's exit status
 *   DMATEST-CALLS <function> <count>         each pt_iommu_* function called
 *   DMATEST-DONE
 *
 * The KUnit suites built into the guest (kunit/dma/) ran before /init.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRACING "/sys/kernel/debug/tracing"
#define MAX_FUNCS 64

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	int ret = -1;

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) == (ssize_t)strlen(text))
		ret = 0;
	close(fd);
	return ret;
}

/* The first line of @path, without its newline, or "" */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static void print_groups(void)
{
	const char *base = "/sys/kernel/iommu_groups";
	DIR *groups = opendir(base);
	struct dirent *g, *d;
	char path[512], type[64];

	if (!groups)
		return;
	while ((g = readdir(groups))) {
		DIR *devs;

		if (g->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/type", base, g->d_name);
		read_line(path, type, sizeof(type));
		if (!type[0])
			continue;
		printf("DMATEST-GROUP %s %s", g->d_name, type);
		snprintf(path, sizeof(path), "%s/%s/devices", base, g->d_name);
		devs = opendir(path);
		while (devs && (d = readdir(devs)))
			if (d->d_name[0] != '.')
				printf(" %s", d->d_name);
		if (devs)
			closedir(devs);
		printf("\n");
	}
	closedir(groups);
}

/* Sum the hit counts of each pt_iommu_* function over every CPU's file */
static void print_calls(void)
{
	static char names[MAX_FUNCS][128];
	static unsigned long hits[MAX_FUNCS];
	char path[512], line[512], name[128];
	unsigned int n = 0, i, cpu;
	unsigned long hit;

	for (cpu = 0;; cpu++) {
		FILE *f;

		snprintf(path, sizeof(path), TRACING "/trace_stat/function%u",
			 cpu);
		f = fopen(path, "r");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, " %127s %lu", name, &hit) != 2 ||
			    strncmp(name, "pt_iommu_", 9))
				continue;
			for (i = 0; i < n && strcmp(names[i], name); i++)
				;
			if (i == n) {
				if (n == MAX_FUNCS)
					continue;
				snprintf(names[n++], sizeof(names[0]), "%s",
					 name);
			}
			hits[i] += hit;
		}
		fclose(f);
	}
	for (i = 0; i < n; i++)
		printf("DMATEST-CALLS %s %lu\n", names[i], hits[i]);
}

int main(void)
{
	char *const argv[] = { "/tests/dmatest", "/dev/vda", NULL };
	char buf[64];
	int profile, status = -1;
	pid_t pid;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	print_groups();
	/* One request for the whole 2M buffer (one 2M DMA mapping) */
	write_file("/sys/block/vda/queue/max_sectors_kb", "4096");
	read_line("/sys/block/vda/queue/max_sectors_kb", buf, sizeof(buf));
	printf("DMATEST-QUEUE max_sectors_kb %s\n", buf);

	profile = !write_file(TRACING "/set_ftrace_filter", "pt_iommu_*") &&
		  !write_file(TRACING "/function_profile_enabled", "1");

	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		printf("DMATEST-RESULT fail exec %s: %s\n", argv[0],
		       strerror(errno));
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid)
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	printf("DMATEST-EXIT %d\n", status);

	if (profile) {
		write_file(TRACING "/function_profile_enabled", "0");
		print_calls();
	}
	printf("DMATEST-DONE\n");
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
