/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcrx-bench: one TCP stream per flow from a sender to a receiver, received
 * by one of several methods, every byte checked against a pattern.
 */
#ifndef ZCRX_BENCH_H
#define ZCRX_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define KiB		(1ULL << 10)
#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)
#define HUGE_2M		(2 * MiB)

#define MAX_FLOWS	64

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define fallthrough	__attribute__((__fallthrough__))

/* exit status: 0 when every byte arrived and matched */
enum {
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_UNAVAILABLE = 3,	/* the kernel, NIC or machine lacks what was asked */
};

enum rx_mode {
	RX_RECV,	/* blocking recv() into a buffer */
	RX_IOU_RECV,	/* io_uring multishot recv, provided buffer ring */
	RX_MMAP,	/* TCP_ZEROCOPY_RECEIVE, copy for what can't be mapped */
	RX_ZCRX,	/* IORING_OP_RECV_ZC on an ifq bound to a NIC queue */
	RX_ZCRX_NODEV,	/* IORING_OP_RECV_ZC, ZCRX_REG_NODEV: copy mode */
	RX_TRUNC,	/* MSG_TRUNC: the data is never touched */
	TX_ONLY,	/* no receiver: be the sender for another instance */
};

/* zcrx: what the area's memory is */
enum area_type {
	AREA_ANON,		/* anonymous memory, small pages */
	AREA_THP,		/* anonymous, 2 MiB aligned, MADV_HUGEPAGE */
	AREA_HUGETLB,		/* MAP_HUGETLB, 2 MiB pages */
	AREA_UDMABUF,		/* a udmabuf over a memfd: IORING_ZCRX_AREA_DMABUF */
	AREA_UDMABUF_HUGETLB,	/* the same over a hugetlb memfd */
};

enum tx_mode {
	TX_SEND,	/* send() */
	TX_SEND_ZC,	/* IORING_OP_SEND_ZC */
};

struct opts {
	enum rx_mode mode;
	enum tx_mode tx;
	uint64_t size;		/* payload bytes over all flows */
	size_t msg;		/* bytes per send and per receive call */
	unsigned int flows;
	const char *addr;
	int port;
	const char *netns;	/* sender's network namespace */
	int cpu;		/* receiver's CPU, -1: not pinned */
	int tx_cpu;
	int napi_cpu;
	const char *ifname;	/* zcrx: the NIC */
	unsigned int ifindex;
	unsigned int queue;
	size_t area;		/* zcrx area bytes */
	enum area_type area_type;
	uint32_t rx_buf_len;	/* zcrx chunk size asked for, 0: a page */
	unsigned int rq_entries;
	bool listen_only;
	bool kv;
	int timeout;		/* seconds without progress before giving up */
};

/* What a receiver did with one flow. */
struct flow {
	int fd;
	unsigned int id;	/* selects the pattern's seed */
	uint64_t want;		/* bytes the sender sends on this flow */
	uint64_t pos;		/* bytes received and checked */
	uint64_t copied;	/* of those, copied by the CPU into our buffers */
	bool eof;
	bool bad;		/* data did not match, or too much of it */
};

/* Result of one receive run, beyond the per-flow counters. */
struct rx_result {
	bool have_zcrx;		/* zcrx: the ring's fdinfo line */
	unsigned int ifindex;
	unsigned int rxq;
	unsigned long long area_len;
	unsigned long long zc_bytes;
	unsigned long long copy_bytes;
	unsigned long long bad_rqes;
	enum area_type area_type;
	unsigned int rx_buf_len;	/* the chunk size the kernel chose */
};

/* Flow @i's share of the payload: the first flows carry the remainder. */
static inline uint64_t flow_bytes(const struct opts *o, unsigned int i)
{
	return o->size / o->flows + (i < o->size % o->flows);
}

/* pattern.c */
#define PAT_LEN		65521	/* prime: shifted or repeated data won't line up */
const unsigned char *pat_get(unsigned int seed);
bool pat_ok(const unsigned char *pat, const void *buf, size_t len,
	    uint64_t pos);
void flow_check(struct flow *f, const void *buf, size_t len, bool copied);

/* util.c */
void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						    noreturn));
void err_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double now_s(void);
int pin_cpu(int cpu);
socklen_t make_addr(struct sockaddr_storage *ss, const char *addr, int port);
int enter_netns(const char *name);
int napi_pin(const char *ifname, int cpu);
uint64_t parse_size(const char *s, const char *what);

/* idle time from /proc/stat, in seconds: one CPU's and all CPUs' */
struct cpu_idle {
	double core;
	double all;
	unsigned int ncpus;
};

int cpu_idle_read(int cpu, struct cpu_idle *b);

/* area.c: the memory a zcrx ifq receives into */
struct area {
	enum area_type type;
	unsigned char *p;	/* where the data is read: for a udmabuf, its memfd */
	size_t len;
	int dmabuf_fd;		/* a udmabuf's dma-buf, else -1 */
};

extern const char *const area_names[];
extern const unsigned int nr_area_types;
size_t area_granule(enum area_type t);
/* 0, or the exit status the failure calls for (it says what went wrong) */
int area_alloc(const struct opts *o, struct area *a);
void area_free(struct area *a);

/* tx.c */
int tx_run(const struct opts *o);

/* rx_sync.c: recv, mmap and trunc, a thread per flow */
int rx_sync_run(const struct opts *o, struct flow *fl, unsigned int n);

/*
 * rx_uring.c: iou-recv, zcrx, zcrx-nodev, one ring for all flows. The ring
 * and the ifq are set up before the sender connects, so that no payload
 * lands in kernel pages before the queue is bound.
 */
struct rx_uring;
/* 0, or the exit status the failure calls for (it says what went wrong) */
int rx_uring_setup(const struct opts *o, struct rx_uring **up);
int rx_uring_run(struct rx_uring *u, struct flow *fl, unsigned int n,
		 struct rx_result *res);
void rx_uring_free(struct rx_uring *u);

#endif
