// SPDX-License-Identifier: GPL-2.0
/* Small helpers: errors, time, CPU affinity, addresses, netns, /proc/stat. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zcrx-bench.h"

void die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("zcrx-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see --help)\n", stderr);
	exit(EXIT_USAGE);
}

void err_log(const char *fmt, ...)
{
	va_list ap;

	fputs("zcrx-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		err_log("pin to CPU %d: %s", cpu, strerror(errno));
		return -errno;
	}
	return 0;
}

socklen_t make_addr(struct sockaddr_storage *ss, const char *addr, int port)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		return sizeof(*a4);
	}
	if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		return sizeof(*a6);
	}
	return 0;
}

/* Join the network namespace 'ip netns add NAME' made. */
int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		err_log("netns %s: %s", name, strerror(errno));
		ret = -1;
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

static bool is_napi_thread(const char *pid, const char *prefix)
{
	char path[300], comm[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = 0;
	fclose(f);
	return !strncmp(comm, prefix, strlen(prefix));
}

/*
 * Move @ifname's NAPI instances into kernel threads ("napi/IF-ID") and pin
 * those to @cpu. Without threaded NAPI the receive softirq runs wherever
 * the interrupt (for netdevsim: the peer's transmit) raised it.
 */
int napi_pin(const char *ifname, int cpu)
{
	char path[PATH_MAX], prefix[32];
	struct dirent *de;
	int n = 0, fd;
	cpu_set_t set;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/net/%s/threaded", ifname);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		err_log("threaded NAPI on %s: %s", ifname, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	snprintf(prefix, sizeof(prefix), "napi/%s-", ifname);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	d = opendir("/proc");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!isdigit(de->d_name[0]) ||
		    !is_napi_thread(de->d_name, prefix))
			continue;
		if (sched_setaffinity(atoi(de->d_name), sizeof(set), &set))
			err_log("pin %s: %s", de->d_name, strerror(errno));
		else
			n++;
	}
	closedir(d);
	if (!n)
		err_log("no NAPI threads of %s found", ifname);
	return n ? 0 : -1;
}

/* A byte count with an optional K, M or G (binary) suffix. */
uint64_t parse_size(const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		die_usage("%s: '%s' is not a size", what, s);
	switch (toupper(*end)) {
	case 'G':
		v <<= 10;
		fallthrough;
	case 'M':
		v <<= 10;
		fallthrough;
	case 'K':
		v <<= 10;
		end++;
		if (toupper(*end) == 'I')
			end++;
		if (toupper(*end) == 'B')
			end++;
		break;
	}
	if (*end)
		die_usage("%s: '%s' is not a size", what, s);
	return v;
}

/*
 * Idle time (idle and iowait) of CPU @cpu and of all CPUs, from /proc/stat.
 * Busy time is elapsed time minus this. With NO_HZ the kernel measures
 * idle periods exactly and only rounds them to USER_HZ, while the other
 * fields are sampled at each tick: too coarse for runs of a second or two.
 * Busy time so covers softirq work wherever it ran, which is what the
 * receive path costs beyond the application's own time.
 */
int cpu_idle_read(int cpu, struct cpu_idle *b)
{
	double hz = sysconf(_SC_CLK_TCK);
	unsigned long long idle, iowait;
	char line[512], name[16];
	FILE *f;

	memset(b, 0, sizeof(*b));
	f = fopen("/proc/stat", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		int c;

		if (strncmp(line, "cpu", 3))
			break;
		/* cpuN user nice system idle iowait ... */
		if (sscanf(line, "%15s %*u %*u %*u %llu %llu", name, &idle,
			   &iowait) != 3)
			continue;
		if (!strcmp(name, "cpu")) {
			b->all = (idle + iowait) / hz;
			continue;
		}
		b->ncpus++;
		if (sscanf(name, "cpu%d", &c) == 1 && c == cpu)
			b->core = (idle + iowait) / hz;
	}
	fclose(f);
	return 0;
}
