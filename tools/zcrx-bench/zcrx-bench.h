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

#define MAX_FLOWS	64

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define fallthrough	__attribute__((__fallthrough__))

enum rx_mode {
	RX_RECV,	/* blocking recv() into a buffer */
	RX_IOU_RECV,	/* io_uring multishot recv, provided buffer ring */
	RX_MMAP,	/* TCP_ZEROCOPY_RECEIVE, copy for what can't be mapped */
	RX_ZCRX,	/* IORING_OP_RECV_ZC on an ifq bound to a NIC queue */
	RX_ZCRX_NODEV,	/* IORING_OP_RECV_ZC, ZCRX_REG_NODEV: copy mode */
	RX_TRUNC,	/* MSG_TRUNC: the data is never touched */
	TX_ONLY,	/* no receiver: be the sender for another instance */
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
struct rx_uring *rx_uring_setup(const struct opts *o);
int rx_uring_run(struct rx_uring *u, struct flow *fl, unsigned int n,
		 struct rx_result *res);
void rx_uring_free(struct rx_uring *u);

#endif
