// SPDX-License-Identifier: GPL-2.0
/*
 * The memory a zcrx ifq receives into: anonymous memory in small pages, in
 * transparent or hugetlb 2 MiB pages, or a udmabuf over a memfd. Chunks
 * larger than a page (--rx-buf-len) need memory that is physically
 * contiguous per chunk, which in practice means 2 MiB pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/udmabuf.h>

#include "zcrx-bench.h"

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB	(21U << MAP_HUGE_SHIFT)
#endif
#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB	(21U << MAP_HUGE_SHIFT)	/* same encoding */
#endif

#define HUGE_2M_DIR	"/sys/kernel/mm/hugepages/hugepages-2048kB"

const char *const area_names[] = {
	[AREA_ANON] = "anon", [AREA_THP] = "thp", [AREA_HUGETLB] = "hugetlb",
	[AREA_UDMABUF] = "udmabuf", [AREA_UDMABUF_HUGETLB] = "udmabuf-hugetlb",
};
const unsigned int nr_area_types = ARRAY_SIZE(area_names);

/* what the area's size is rounded up to */
size_t area_granule(enum area_type t)
{
	return t == AREA_ANON || t == AREA_UDMABUF ? 4 * KiB : HUGE_2M;
}

static long read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* hugetlb memory could not be had: say why and what to do about it */
static int no_hugepages(size_t len, const char *what, int err)
{
	long nr = read_long(HUGE_2M_DIR "/nr_hugepages");
	long free = read_long(HUGE_2M_DIR "/free_hugepages");
	long need = len / HUGE_2M;

	if (nr < 0 || free < 0) {
		err_log("%s: %s; this kernel has no 2 MiB hugetlb pages (CONFIG_HUGETLBFS)",
			what, strerror(err));
		return EXIT_UNAVAILABLE;
	}
	err_log("%s: %s; the area needs %ld hugepages of 2 MiB, %ld of %ld reserved are free: reserve more, e.g. echo %ld > /proc/sys/vm/nr_hugepages",
		what, strerror(err), need, free, nr,
		nr - free + need);
	return EXIT_UNAVAILABLE;
}

static int area_hugetlb_map(struct area *a)
{
	void *p = mmap(NULL, a->len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE |
		       MAP_HUGETLB | MAP_HUGE_2MB, -1, 0);

	if (p == MAP_FAILED)
		return no_hugepages(a->len, "hugetlb area", errno);
	a->p = p;
	return 0;
}

/*
 * Anonymous memory at a 2 MiB boundary, advised to be backed by
 * transparent huge pages and written once, so that the faults come in
 * while the advice holds and each takes a whole huge page where it can.
 */
static int area_thp_map(struct area *a)
{
	size_t map_len = a->len + HUGE_2M;
	unsigned char *p, *start;

	p = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		err_log("thp area: mmap: %s", strerror(errno));
		return EXIT_FAIL;
	}
	start = (unsigned char *)(((uintptr_t)p + HUGE_2M - 1) &
				  ~(uintptr_t)(HUGE_2M - 1));
	if (start > p)
		munmap(p, start - p);
	if (p + map_len > start + a->len)
		munmap(start + a->len, p + map_len - (start + a->len));
	a->p = start;
	if (madvise(start, a->len, MADV_HUGEPAGE)) {
		bool no_thp = errno == EINVAL;

		err_log("thp area: madvise(MADV_HUGEPAGE): %s%s", strerror(errno),
			no_thp ? "; this kernel has no transparent hugepages (CONFIG_TRANSPARENT_HUGEPAGE)" : "");
		return no_thp ? EXIT_UNAVAILABLE : EXIT_FAIL;
	}
	memset(start, 0, a->len);
	return 0;
}

/*
 * A udmabuf over a sealed memfd (udmabuf wants F_SEAL_SHRINK and refuses
 * F_SEAL_WRITE); the memfd's own mapping is where the data is read.
 */
static int area_udmabuf_map(struct area *a, bool huge)
{
	struct udmabuf_create c = {
		.flags = UDMABUF_FLAGS_CLOEXEC, .size = a->len,
	};
	const char *what = huge ? "udmabuf-hugetlb area" : "udmabuf area";
	int memfd, dev, ret = EXIT_FAIL;
	void *p;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		bool no_dev = errno == ENOENT;

		err_log("%s: /dev/udmabuf: %s%s", what, strerror(errno),
			no_dev ? "; this kernel has no udmabuf (CONFIG_UDMABUF)" : "");
		return no_dev ? EXIT_UNAVAILABLE : EXIT_FAIL;
	}
	memfd = memfd_create("zcrx-bench", MFD_CLOEXEC | MFD_ALLOW_SEALING |
			     (huge ? MFD_HUGETLB | MFD_HUGE_2MB : 0));
	if (memfd < 0) {
		if (huge)
			ret = no_hugepages(a->len, what, errno);
		else
			err_log("%s: memfd_create: %s", what, strerror(errno));
		goto out;
	}
	if (ftruncate(memfd, a->len) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		err_log("%s: memfd of %zu bytes: %s", what, a->len,
			strerror(errno));
		goto out;
	}
	c.memfd = memfd;
	a->dmabuf_fd = ioctl(dev, UDMABUF_CREATE, &c);
	if (a->dmabuf_fd < 0) {
		if (huge && errno == ENOMEM)
			ret = no_hugepages(a->len, what, errno);
		else
			err_log("%s: UDMABUF_CREATE of %zu bytes: %s (udmabuf's size_limit_mb caps it, 64 MiB by default)",
				what, a->len, strerror(errno));
		goto out;
	}
	p = mmap(NULL, a->len, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (p == MAP_FAILED) {
		err_log("%s: mmap of the memfd: %s", what, strerror(errno));
		goto out;
	}
	a->p = p;
	ret = 0;
out:
	if (memfd >= 0)
		close(memfd);
	close(dev);
	return ret;
}

int area_alloc(const struct opts *o, struct area *a)
{
	void *p;

	a->type = o->area_type;
	a->len = o->area;
	a->p = NULL;
	a->dmabuf_fd = -1;
	switch (a->type) {
	case AREA_HUGETLB:
		return area_hugetlb_map(a);
	case AREA_THP:
		return area_thp_map(a);
	case AREA_UDMABUF:
	case AREA_UDMABUF_HUGETLB:
		return area_udmabuf_map(a, a->type == AREA_UDMABUF_HUGETLB);
	case AREA_ANON:
		break;
	}
	p = mmap(NULL, a->len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED) {
		err_log("area: mmap of %zu bytes: %s", a->len, strerror(errno));
		return EXIT_FAIL;
	}
	a->p = p;
	return 0;
}

void area_free(struct area *a)
{
	if (a->p)
		munmap(a->p, a->len);
	if (a->dmabuf_fd >= 0)
		close(a->dmabuf_fd);
	a->p = NULL;
	a->dmabuf_fd = -1;
}
