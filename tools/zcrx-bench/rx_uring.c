// SPDX-License-Identifier: GPL-2.0
/*
 * Receivers built on io_uring, one ring for all flows: multishot recv with
 * a provided buffer ring (the kernel copies into our buffers), and
 * IORING_OP_RECV_ZC (payload in the ifq's area; the ring's fdinfo says
 * how much of it came without a copy). liburing 2.3 sets up the ring and
 * the buffer ring; the ifq is registered with a raw syscall.
 */
#include <linux/io_uring.h>	/* the series' header, before liburing's copy */
#include <liburing.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zcrx-bench.h"

#define SQ_ENTRIES	64
#define CQ_ENTRIES	16384	/* more than the area has buffers */
#define NR_BUFS		128	/* iou-recv's provided buffers */
#define BGID		1
#define REG_WAIT_S	30	/* a queue may stay bound while a ring dies */

struct rx_uring {
	const struct opts *o;
	struct io_uring ring;
	bool zc;

	/* iou-recv */
	struct io_uring_buf_ring *br;
	unsigned char *bufs;

	/* zcrx */
	struct area area;
	bool saw_enomem;	/* a RECV_ZC ended with -ENOMEM */
	void *region;
	size_t region_len;
	struct io_uring_zcrx_ifq_reg reg;
	struct io_uring_zcrx_area_reg area_reg;
	struct io_uring_region_desc desc;
	uint32_t *khead, *ktail;
	struct io_uring_zcrx_rqe *rqes;
	uint32_t rq_mask, rq_tail;
	struct io_uring_zcrx_rqe *pend;	/* returns waiting for room */
	size_t npend, pend_cap;
};

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int ring_init(struct rx_uring *u, unsigned int flags)
{
	struct io_uring_params p = {
		.flags = flags | IORING_SETUP_CQSIZE |
			 IORING_SETUP_SINGLE_ISSUER |
			 IORING_SETUP_DEFER_TASKRUN,
		.cq_entries = CQ_ENTRIES,
	};

	return io_uring_queue_init_params(SQ_ENTRIES, &u->ring, &p);
}

static int bufs_setup(struct rx_uring *u)
{
	struct io_uring_buf_reg reg = {};
	size_t sz = u->o->msg;
	unsigned int i;
	int ret;

	u->br = map_anon(NR_BUFS * sizeof(struct io_uring_buf));
	u->bufs = map_anon(NR_BUFS * sz);
	if (!u->br || !u->bufs)
		return -ENOMEM;
	reg.ring_addr = (uintptr_t)u->br;
	reg.ring_entries = NR_BUFS;
	reg.bgid = BGID;
	ret = io_uring_register_buf_ring(&u->ring, &reg, 0);
	if (ret)
		return ret;
	io_uring_buf_ring_init(u->br);
	for (i = 0; i < NR_BUFS; i++)
		io_uring_buf_ring_add(u->br, u->bufs + i * sz, sz, i,
				      NR_BUFS - 1, i);
	io_uring_buf_ring_advance(u->br, NR_BUFS);
	return 0;
}

static void zcrx_fill_reg(struct rx_uring *u)
{
	const struct opts *o = u->o;

	memset(&u->reg, 0, sizeof(u->reg));
	memset(&u->area_reg, 0, sizeof(u->area_reg));
	memset(&u->desc, 0, sizeof(u->desc));
	if (u->area.dmabuf_fd >= 0) {
		/* a dma-buf area: from offset 0, the whole buffer */
		u->area_reg.flags = IORING_ZCRX_AREA_DMABUF;
		u->area_reg.dmabuf_fd = u->area.dmabuf_fd;
	} else {
		u->area_reg.addr = (uintptr_t)u->area.p;
	}
	u->area_reg.len = u->area.len;
	u->desc.user_addr = (uintptr_t)u->region;
	u->desc.size = u->region_len;
	u->desc.flags = IORING_MEM_REGION_TYPE_USER;
	if (o->mode == RX_ZCRX) {
		u->reg.if_idx = o->ifindex;
		u->reg.if_rxq = o->queue;
	} else {
		u->reg.flags = ZCRX_REG_NODEV;
	}
	u->reg.rq_entries = o->rq_entries;
	u->reg.rx_buf_len = o->rx_buf_len;
	u->reg.area_ptr = (uintptr_t)&u->area_reg;
	u->reg.region_ptr = (uintptr_t)&u->desc;
}

/* Where the kernel put the refill ring's head, tail and entries. */
static int zcrx_map_rq(struct rx_uring *u)
{
	const struct io_uring_zcrx_offsets *off = &u->reg.offsets;
	unsigned char *r = u->region;

	if (off->rqes + (size_t)u->reg.rq_entries * sizeof(*u->rqes) >
	    u->region_len)
		return -EOVERFLOW;
	u->khead = (uint32_t *)(r + off->head);
	u->ktail = (uint32_t *)(r + off->tail);
	u->rqes = (struct io_uring_zcrx_rqe *)(r + off->rqes);
	u->rq_mask = u->reg.rq_entries - 1;
	u->rq_tail = __atomic_load_n(u->ktail, __ATOMIC_RELAXED);
	return 0;
}

/*
 * Registration errors that mean "not here" rather than "broken": a chunk
 * size the NIC or driver can't use (upstream's advice is to retry with 0;
 * a benchmark row asked for that size, so it says so and stops).
 */
static int zcrx_reg_error(struct rx_uring *u, int err)
{
	const struct opts *o = u->o;
	char where[64];

	if (o->mode == RX_ZCRX)
		snprintf(where, sizeof(where), "ifindex %u, queue %u",
			 o->ifindex, o->queue);
	else
		snprintf(where, sizeof(where), "no device");
	if (err == -EOPNOTSUPP && o->rx_buf_len) {
		err_log("zcrx ifq registration (%s): %s: %s does not support %u-byte chunks (--rx-buf-len)",
			where, strerror(-err),
			o->mode == RX_ZCRX ? "the NIC/driver" :
			"device-less copy mode", o->rx_buf_len);
		return EXIT_UNAVAILABLE;
	}
	if (err == -ERANGE && o->rx_buf_len)
		err_log("zcrx ifq registration (%s): %s: the area is not physically contiguous in %u-byte chunks (--area hugetlb, or thp with transparent hugepages enabled)",
			where, strerror(-err), o->rx_buf_len);
	else
		err_log("zcrx ifq registration (%s): %s", where, strerror(-err));
	return EXIT_FAIL;
}

static int zcrx_setup(struct rx_uring *u)
{
	double end = now_s() + REG_WAIT_S;
	size_t rq = 1;
	int ret;

	while (rq < u->o->rq_entries)
		rq <<= 1;
	u->region_len = (rq * sizeof(*u->rqes) + 4096 + 4095) & ~4095UL;
	u->region = map_anon(u->region_len);
	if (!u->region) {
		err_log("refill region: %s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	ret = area_alloc(u->o, &u->area);
	if (ret)
		return ret;
	/* the queue of an earlier run may take a moment to come free */
	do {
		zcrx_fill_reg(u);
		ret = syscall(__NR_io_uring_register, u->ring.ring_fd,
			      IORING_REGISTER_ZCRX_IFQ, &u->reg, 1) ? -errno : 0;
	} while (ret == -EEXIST && now_s() < end && !usleep(100 * 1000));
	if (ret)
		return zcrx_reg_error(u, ret);
	/* the kernel says what chunk size it took; 0 from an older one: pages */
	if (!u->reg.rx_buf_len)
		u->reg.rx_buf_len = sysconf(_SC_PAGESIZE);
	ret = zcrx_map_rq(u);
	if (ret)
		err_log("refill ring: %s", strerror(-ret));
	return ret ? EXIT_FAIL : 0;
}

int rx_uring_setup(const struct opts *o, struct rx_uring **up)
{
	struct rx_uring *u = calloc(1, sizeof(*u));
	int ret;

	*up = NULL;
	if (!u)
		return EXIT_FAIL;
	u->o = o;
	u->zc = o->mode != RX_IOU_RECV;
	u->area.dmabuf_fd = -1;
	ret = ring_init(u, u->zc ? IORING_SETUP_CQE32 : 0);
	if (ret) {
		err_log("io_uring setup: %s", strerror(-ret));
		free(u);
		return EXIT_FAIL;
	}
	if (u->zc) {
		ret = zcrx_setup(u);
	} else {
		ret = bufs_setup(u);
		if (ret)
			err_log("buffer ring: %s", strerror(-ret));
		ret = ret ? EXIT_FAIL : 0;
	}
	if (ret) {
		rx_uring_free(u);
		return ret;
	}
	*up = u;
	return 0;
}

void rx_uring_free(struct rx_uring *u)
{
	if (!u)
		return;
	io_uring_queue_exit(&u->ring);
	if (u->br)
		munmap(u->br, NR_BUFS * sizeof(struct io_uring_buf));
	if (u->bufs)
		munmap(u->bufs, NR_BUFS * u->o->msg);
	area_free(&u->area);
	if (u->region)
		munmap(u->region, u->region_len);
	free(u->pend);
	free(u);
}

/* Hand a buffer back; it waits in 'pend' while the refill ring is full. */
static int zcrx_give_back(struct rx_uring *u, uint64_t cqe_off, uint32_t len)
{
	struct io_uring_zcrx_rqe *e;

	if (u->npend == u->pend_cap) {
		size_t cap = u->pend_cap ? 2 * u->pend_cap : 1024;

		e = realloc(u->pend, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		u->pend = e;
		u->pend_cap = cap;
	}
	e = &u->pend[u->npend++];
	e->off = (cqe_off & ~IORING_ZCRX_AREA_MASK) | u->area_reg.rq_area_token;
	e->len = len;
	e->__pad = 0;
	return 0;
}

static void zcrx_flush(struct rx_uring *u)
{
	uint32_t head, room, i;

	if (!u->npend)
		return;
	head = __atomic_load_n(u->khead, __ATOMIC_ACQUIRE);
	room = u->rq_mask + 1 - (u->rq_tail - head);
	if (room > u->npend)
		room = u->npend;
	for (i = 0; i < room; i++)
		u->rqes[u->rq_tail++ & u->rq_mask] = u->pend[i];
	u->npend -= room;
	memmove(u->pend, u->pend + room, u->npend * sizeof(*u->pend));
	__atomic_store_n(u->ktail, u->rq_tail, __ATOMIC_RELEASE);
}

static void arm(struct rx_uring *u, struct flow *f, unsigned int idx)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	/* many flows re-armed at once may fill the SQ */
	if (!sqe) {
		io_uring_submit(&u->ring);
		sqe = io_uring_get_sqe(&u->ring);
	}

	if (u->zc) {
		io_uring_prep_rw(IORING_OP_RECV_ZC, sqe, f->fd, NULL, 0, 0);
		sqe->ioprio = IORING_RECV_MULTISHOT;
		sqe->zcrx_ifq_idx = u->reg.zcrx_id;
	} else {
		io_uring_prep_recv_multishot(sqe, f->fd, NULL, 0, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = BGID;
	}
	sqe->user_data = idx;
}

/* The data of one CQE: check it, then give its buffer back. */
static int take_data(struct rx_uring *u, struct flow *f,
		     const struct io_uring_cqe *cqe)
{
	const struct io_uring_zcrx_cqe *zc = (const void *)(cqe + 1);
	size_t sz = u->o->msg;
	uint64_t off;
	unsigned int bid;

	if (!u->zc) {
		bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		if (!(cqe->flags & IORING_CQE_F_BUFFER) || bid >= NR_BUFS)
			return -EPROTO;
		flow_check(f, u->bufs + bid * sz, cqe->res, true);
		io_uring_buf_ring_add(u->br, u->bufs + bid * sz, sz, bid,
				      NR_BUFS - 1, 0);
		io_uring_buf_ring_advance(u->br, 1);
		return 0;
	}
	/* (niov index << chunk shift) + offset in the chunk: any chunk size */
	off = zc->off & ~IORING_ZCRX_AREA_MASK;
	if (off + cqe->res > u->area.len)
		return -EOVERFLOW;
	flow_check(f, u->area.p + off, cqe->res, false);
	return zcrx_give_back(u, zc->off, cqe->res);
}

/*
 * One CQE. A request that ended before its stream did (out of buffers,
 * CQ overflow) is armed again; res 0 without F_MORE is the end.
 */
static int take_cqe(struct rx_uring *u, struct flow *fl, unsigned int n,
		    const struct io_uring_cqe *cqe, unsigned int *live)
{
	struct flow *f;
	int ret = 0;

	if (cqe->user_data >= n)
		return -EPROTO;
	f = &fl[cqe->user_data];
	if (cqe->res > 0)
		ret = take_data(u, f, cqe);
	if (ret || (cqe->flags & IORING_CQE_F_MORE))
		return ret;
	if (!cqe->res) {
		f->eof = true;
		(*live)--;
	} else if (cqe->res > 0 || cqe->res == -ENOBUFS ||
		   cqe->res == -ENOMEM || cqe->res == -ENOSPC) {
		u->saw_enomem |= cqe->res == -ENOMEM;
		arm(u, f, cqe->user_data);
	} else {
		err_log("flow %u: receive: %s", f->id, strerror(-cqe->res));
		return cqe->res;
	}
	return 0;
}

/* The ring's fdinfo line for our ifq: bytes without and with a copy. */
static int zcrx_stats(struct rx_uring *u, struct rx_result *res)
{
	char path[64], line[512];
	struct rx_result r = {};
	unsigned int id;
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", u->ring.ring_fd);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "zcrx ");

		if (p && sscanf(p, "zcrx %u: ifindex %u rxq %u rq_entries %*u area_len %llu zc_bytes %llu copy_bytes %llu bad_rqes %llu",
				&id, &r.ifindex, &r.rxq, &r.area_len,
				&r.zc_bytes, &r.copy_bytes, &r.bad_rqes) == 7 &&
		    id == u->reg.zcrx_id)
			ret = 0;
	}
	fclose(f);
	if (ret) {
		err_log("no 'zcrx %u:' line in %s", u->reg.zcrx_id, path);
		return ret;
	}
	r.have_zcrx = true;
	*res = r;
	return 0;
}

int rx_uring_run(struct rx_uring *u, struct flow *fl, unsigned int n,
		 struct rx_result *res)
{
	double last = now_s();
	unsigned int i, live = n;
	int ret = 0;

	for (i = 0; i < n; i++)
		arm(u, &fl[i], i);
	while (live && !ret) {
		struct __kernel_timespec ts = { .tv_sec = 1 };
		struct io_uring_cqe *cqe;
		unsigned int head, seen = 0;
		bool data = false;

		if (u->zc)
			zcrx_flush(u);
		io_uring_submit(&u->ring);
		ret = io_uring_wait_cqe_timeout(&u->ring, &cqe, &ts);
		if (ret == -ETIME || ret == -EINTR) {
			ret = now_s() - last > u->o->timeout ? -ETIMEDOUT : 0;
			continue;
		}
		io_uring_for_each_cqe(&u->ring, head, cqe) {
			seen++;
			data |= cqe->res > 0;
			ret = take_cqe(u, fl, n, cqe, &live);
			if (ret)
				break;
		}
		io_uring_cq_advance(&u->ring, seen);
		/* requests that end in an error and are armed again are no progress */
		if (data)
			last = now_s();
		else if (!ret && now_s() - last > u->o->timeout)
			ret = -ETIMEDOUT;
	}
	if (ret)
		err_log("receive: %s", strerror(-ret));
	if (ret == -ETIMEDOUT && u->saw_enomem && u->area.dmabuf_fd >= 0)
		err_log("RECV_ZC kept failing with ENOMEM: a dma-buf area has no copy fallback, so data the NIC did not place in the area can't be received");
	if (u->zc && zcrx_stats(u, res))
		ret = ret ?: -ENOENT;
	if (u->zc) {
		res->area_type = u->area.type;
		res->rx_buf_len = u->reg.rx_buf_len;
	}
	return ret;
}
