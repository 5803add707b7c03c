// SPDX-License-Identifier: GPL-2.0
/*
 * zcrx-bench: stream a pattern over TCP and receive it with one of several
 * methods, checking every byte, to compare what each method costs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zcrx-bench.h"

static const char usage[] =
"usage: zcrx-bench [options] MODE\n"
"\n"
"Streams a seeded pattern over TCP, one connection per flow, and receives\n"
"it with MODE. Unless --listen-only, a forked sender connects to the\n"
"receiver (from --netns if given). Every mode but trunc reads every byte\n"
"once and checks it against the pattern.\n"
"\n"
"MODE:\n"
"  recv         blocking recv() into a buffer\n"
"  iou-recv     io_uring multishot recv with a provided buffer ring\n"
"  mmap         TCP_ZEROCOPY_RECEIVE; recv() for what cannot be mapped\n"
"               (payload must fill whole pages at offset 0: MTU 4148 for\n"
"               IPv4 with timestamps, 4168 for IPv6)\n"
"  zcrx         IORING_OP_RECV_ZC on an ifq bound to --ifname/--ifindex,\n"
"               --queue; the flows must be steered to that queue\n"
"  zcrx-nodev   IORING_OP_RECV_ZC on an ifq without device (ZCRX_REG_NODEV):\n"
"               every byte copied into the area; works on any TCP socket\n"
"  trunc        recv(MSG_TRUNC): data discarded unread (the ceiling)\n"
"  send         no receiver: only send, to a zcrx-bench --listen-only\n"
"\n"
"options:\n"
"  -s, --size BYTES      payload over all flows (default 64M; K, M, G suffixes)\n"
"  -m, --msg-size BYTES  bytes per send and per receive buffer (default 64K)\n"
"  -n, --flows N         TCP connections, 1 to 64 (default 1)\n"
"  -a, --addr ADDR       IPv4 or IPv6 address to listen on / connect to\n"
"                        (default 127.0.0.1)\n"
"  -p, --port PORT       TCP port (default 9000)\n"
"  -N, --netns NAME      sender's network namespace (/run/netns/NAME)\n"
"  -t, --tx send|send-zc sender: send() or IORING_OP_SEND_ZC (default send-zc)\n"
"  -c, --cpu CPU         pin the receiver (all its threads) to CPU\n"
"  -C, --tx-cpu CPU      pin the sender to CPU\n"
"  -P, --napi-cpu CPU    threaded NAPI on --ifname, its threads pinned to CPU\n"
"  -i, --ifname NAME     zcrx: receiving device (or --ifindex)\n"
"  -I, --ifindex N       zcrx: receiving device by index\n"
"  -q, --queue Q         zcrx: RX queue to bind (default 1)\n"
"  -A, --area-size BYTES zcrx: area size, a multiple of 4K (default 32M),\n"
"                        rounded up to whole pages of --area (2M for thp\n"
"                        and the hugetlb types) and whole chunks of\n"
"                        --rx-buf-len\n"
"      --area TYPE       zcrx: what the area's memory is (default anon):\n"
"                          anon     anonymous memory in small pages\n"
"                          thp      anonymous, 2 MiB aligned, MADV_HUGEPAGE,\n"
"                                   written once so that it faults in as\n"
"                                   transparent huge pages\n"
"                          hugetlb  MAP_HUGETLB, 2 MiB pages: reserve them\n"
"                                   first (/proc/sys/vm/nr_hugepages)\n"
"                          udmabuf  a memfd turned into a dma-buf with\n"
"                                   /dev/udmabuf, registered as a dma-buf\n"
"                                   area (mode zcrx only; at most\n"
"                                   udmabuf's size_limit_mb, 64M by\n"
"                                   default). The kernel can't copy into\n"
"                                   it: data that would need the copy\n"
"                                   fallback fails RECV_ZC with ENOMEM\n"
"                          udmabuf-hugetlb  the same over a hugetlb memfd\n"
"  -b, --rx-buf-len BYTES\n"
"                        zcrx: chunk size, a power of two from 4K (default\n"
"                        0: one page). The NIC/driver must support it\n"
"                        (exit status 3 if it does not), and chunks larger\n"
"                        than a page need area memory that is physically\n"
"                        contiguous per chunk: --area hugetlb or thp\n"
"  -r, --rq-entries N    zcrx: refill ring entries (default 4096)\n"
"  -l, --listen-only     don't fork a sender; wait for one\n"
"  -T, --timeout SECS    give up after SECS without data (default 120)\n"
"  -k, --kv              report as one line of key=value pairs\n"
"  -h, --help            this text\n"
"\n"
"Reports bytes, seconds, throughput, the receiver's CPU time (getrusage:\n"
"all its threads, including softirq work that ran in them), busy time of\n"
"the receiver's CPU and of all CPUs (/proc/stat), the payload bytes the\n"
"CPU copied into receive buffers, and for zcrx modes the ring's fdinfo\n"
"counters zc_bytes and copy_bytes, the area's type and the chunk size the\n"
"kernel chose. Exit status: 0 if every byte arrived and matched, 1\n"
"otherwise, 2 for bad arguments, 3 if the kernel, NIC or machine lacks\n"
"what the options ask for (a chunk size the NIC/driver refuses, no\n"
"hugepages reserved, no udmabuf).\n";

static const char *const mode_names[] = {
	[RX_RECV] = "recv", [RX_IOU_RECV] = "iou-recv", [RX_MMAP] = "mmap",
	[RX_ZCRX] = "zcrx", [RX_ZCRX_NODEV] = "zcrx-nodev",
	[RX_TRUNC] = "trunc", [TX_ONLY] = "send",
};

static long parse_num(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		die_usage("%s: '%s' is not a number from %ld to %ld", what, s,
			  min, max);
	return v;
}

static enum rx_mode parse_mode(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mode_names); i++)
		if (!strcmp(s, mode_names[i]))
			return i;
	die_usage("unknown mode '%s'", s);
}

static enum area_type parse_area(const char *s)
{
	unsigned int i;

	for (i = 0; i < nr_area_types; i++)
		if (!strcmp(s, area_names[i]))
			return i;
	die_usage("--area: '%s' is not one of anon, thp, hugetlb, udmabuf, udmabuf-hugetlb (the size is --area-size)",
		  s);
}

/* 0, or a power of two from a page up that fits rx_buf_len's 32 bits */
static uint32_t parse_buf_len(const char *s)
{
	uint64_t v = parse_size(s, "--rx-buf-len");

	if (v && ((v & (v - 1)) || v < (uint64_t)sysconf(_SC_PAGESIZE) ||
		  v > 1ULL << 31))
		die_usage("--rx-buf-len: '%s' is neither 0 nor a power of two from %ldK to 2G",
			  s, sysconf(_SC_PAGESIZE) / 1024);
	return v;
}

/* long options without a short one */
enum { OPT_AREA = 256 };

static const struct option longopts[] = {
	{ "size", required_argument, NULL, 's' },
	{ "msg-size", required_argument, NULL, 'm' },
	{ "flows", required_argument, NULL, 'n' },
	{ "addr", required_argument, NULL, 'a' },
	{ "port", required_argument, NULL, 'p' },
	{ "netns", required_argument, NULL, 'N' },
	{ "tx", required_argument, NULL, 't' },
	{ "cpu", required_argument, NULL, 'c' },
	{ "tx-cpu", required_argument, NULL, 'C' },
	{ "napi-cpu", required_argument, NULL, 'P' },
	{ "ifname", required_argument, NULL, 'i' },
	{ "ifindex", required_argument, NULL, 'I' },
	{ "queue", required_argument, NULL, 'q' },
	{ "area-size", required_argument, NULL, 'A' },
	{ "area", required_argument, NULL, OPT_AREA },
	{ "rx-buf-len", required_argument, NULL, 'b' },
	{ "rq-entries", required_argument, NULL, 'r' },
	{ "listen-only", no_argument, NULL, 'l' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "kv", no_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

static void parse_opt(struct opts *o, int c, const char *arg)
{
	switch (c) {
	case 's':
		o->size = parse_size(arg, "--size");
		break;
	case 'm':
		o->msg = parse_size(arg, "--msg-size");
		break;
	case 'n':
		o->flows = parse_num(arg, "--flows", 1, MAX_FLOWS);
		break;
	case 'a':
		o->addr = arg;
		break;
	case 'p':
		o->port = parse_num(arg, "--port", 1, 65535);
		break;
	case 'N':
		o->netns = arg;
		break;
	case 'c':
		o->cpu = parse_num(arg, "--cpu", 0, CPU_SETSIZE - 1);
		break;
	case 'C':
		o->tx_cpu = parse_num(arg, "--tx-cpu", 0, CPU_SETSIZE - 1);
		break;
	case 'P':
		o->napi_cpu = parse_num(arg, "--napi-cpu", 0, CPU_SETSIZE - 1);
		break;
	case 'i':
		o->ifname = arg;
		break;
	case 'I':
		o->ifindex = parse_num(arg, "--ifindex", 1, 1 << 30);
		break;
	case 'q':
		o->queue = parse_num(arg, "--queue", 0, 65535);
		break;
	case 'A':
		o->area = parse_size(arg, "--area-size");
		break;
	case OPT_AREA:
		o->area_type = parse_area(arg);
		break;
	case 'b':
		o->rx_buf_len = parse_buf_len(arg);
		break;
	case 'r':
		o->rq_entries = parse_num(arg, "--rq-entries", 1, 32768);
		break;
	case 'l':
		o->listen_only = true;
		break;
	case 'T':
		o->timeout = parse_num(arg, "--timeout", 1, 86400);
		break;
	case 'k':
		o->kv = true;
		break;
	case 't':
		if (!strcmp(arg, "send"))
			o->tx = TX_SEND;
		else if (!strcmp(arg, "send-zc"))
			o->tx = TX_SEND_ZC;
		else
			die_usage("--tx: '%s' is neither send nor send-zc", arg);
		break;
	case 'h':
		fputs(usage, stdout);
		exit(0);
	case ':':
		die_usage("option '%s' needs a value", arg);
	default:
		die_usage("unknown option '%s'", arg);
	}
}

/* Combinations that can't work are refused before anything starts. */
static void check_opts(struct opts *o)
{
	size_t align;

	if (!o->size)
		die_usage("--size must not be 0");
	if (!o->msg || o->msg > 64 * MiB)
		die_usage("--msg-size must be from 1 to 64M");
	if (o->ifname && !o->ifindex) {
		o->ifindex = if_nametoindex(o->ifname);
		if (!o->ifindex)
			die_usage("--ifname: no device '%s'", o->ifname);
	}
	if (o->mode == RX_ZCRX && !o->ifindex)
		die_usage("mode zcrx needs --ifname or --ifindex");
	if (o->napi_cpu >= 0 && !o->ifname)
		die_usage("--napi-cpu needs --ifname");
	if (o->area < 4096 || o->area % 4096)
		die_usage("--area-size must be a multiple of 4K");
	if ((o->area_type != AREA_ANON || o->rx_buf_len) &&
	    o->mode != RX_ZCRX && o->mode != RX_ZCRX_NODEV)
		die_usage("--area and --rx-buf-len are for the zcrx modes");
	if ((o->area_type == AREA_UDMABUF ||
	     o->area_type == AREA_UDMABUF_HUGETLB) && o->mode != RX_ZCRX)
		die_usage("--area %s needs mode zcrx: a dma-buf area needs a device",
			  area_names[o->area_type]);
	align = area_granule(o->area_type);
	if (o->rx_buf_len > align)
		align = o->rx_buf_len;
	o->area = (o->area + align - 1) / align * align;
	if (o->mode == TX_ONLY && o->listen_only)
		die_usage("mode send and --listen-only exclude each other");
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	int c;

	*o = (struct opts) {
		.tx = TX_SEND_ZC, .size = 64 * MiB, .msg = 64 * KiB,
		.flows = 1, .addr = "127.0.0.1", .port = 9000,
		.cpu = -1, .tx_cpu = -1, .napi_cpu = -1, .queue = 1,
		.area = 32 * MiB, .rq_entries = 4096, .timeout = 120,
	};
	opterr = 0;	/* one line of our own instead */
	while ((c = getopt_long(argc, argv, ":s:m:n:a:p:N:t:c:C:P:i:I:q:A:b:r:lT:kh",
				longopts, NULL)) != -1)
		parse_opt(o, c, c == '?' || c == ':' ? argv[optind - 1] : optarg);
	if (optind != argc - 1)
		die_usage(optind == argc ? "no MODE given" : "one MODE only");
	o->mode = parse_mode(argv[optind]);
	check_opts(o);
}

static int tcp_listen(const struct opts *o)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, o->addr, o->port);
	int fd, one = 1;

	if (!len)
		die_usage("--addr: '%s' is not an IP address", o->addr);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, MAX_FLOWS)) {
		err_log("listen on %s port %d: %s", o->addr, o->port,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The sender, forked before the receiver sets anything up; it connects
 * once the receiver writes to @go, when a zcrx queue is bound.
 */
static pid_t sender_fork(const struct opts *o, int *go)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid) {
		close(p[0]);
		*go = p[1];
		return pid;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		_exit(1);
	if (pin_cpu(o->tx_cpu) || (o->netns && enter_netns(o->netns)))
		_exit(1);
	_exit(tx_run(o));
}

static int accept_flows(const struct opts *o, int lfd, struct flow *fl)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	unsigned int i;

	for (i = 0; i < o->flows; i++) {
		if (poll(&pfd, 1, o->timeout * 1000) != 1) {
			err_log("no connection from a sender in %d s",
				o->timeout);
			return -1;
		}
		fl[i].fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fl[i].fd < 0)
			return -1;
	}
	return 0;
}

/* Flows are told apart by arrival order, as the sender connects them. */
static void flows_init(const struct opts *o, struct flow *fl)
{
	unsigned int i;

	for (i = 0; i < o->flows; i++) {
		memset(&fl[i], 0, sizeof(fl[i]));
		fl[i].fd = -1;
		fl[i].id = i;
		fl[i].want = flow_bytes(o, i);
	}
}

struct measure {
	double t;
	double cpu;		/* receiver process: user + system */
	double user, sys;
	struct cpu_idle idle;
	double core_busy, all_busy;	/* differences only */
};

static void measure(const struct opts *o, struct measure *m)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	m->user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6;
	m->sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
	m->cpu = m->user + m->sys;
	cpu_idle_read(o->cpu, &m->idle);
	m->t = now_s();
}

struct totals {
	uint64_t bytes, copied;
	bool ok;
};

static struct totals sum_flows(const struct opts *o, const struct flow *fl,
			       const struct rx_result *r)
{
	struct totals t = { .ok = true };
	unsigned int i;

	for (i = 0; i < o->flows; i++) {
		t.bytes += fl[i].pos;
		t.copied += fl[i].copied;
		if (fl[i].bad || fl[i].pos != fl[i].want)
			t.ok = false;
	}
	/* RECV_ZC's copies happen in the kernel; fdinfo counts them */
	if (r->have_zcrx)
		t.copied += r->copy_bytes;
	return t;
}

static void report_kv(const struct opts *o, const struct totals *t,
		      const struct measure *d, const struct rx_result *r)
{
	printf("mode=%s tx=%s flows=%u bytes=%llu secs=%.6f mibps=%.2f rx_cpu_s=%.3f rx_user_s=%.3f rx_sys_s=%.3f core_cpu_s=%.2f all_cpu_s=%.2f copied=%llu verified=%s",
	       mode_names[o->mode], o->tx == TX_SEND ? "send" : "send-zc",
	       o->flows, (unsigned long long)t->bytes, d->t,
	       (double)t->bytes / MiB / d->t, d->cpu, d->user, d->sys,
	       o->cpu >= 0 ? d->core_busy : -1.0, d->all_busy,
	       (unsigned long long)t->copied,
	       !t->ok ? "no" : o->mode == RX_TRUNC ? "count" : "yes");
	if (r->have_zcrx)
		printf(" ifq_ifindex=%u ifq_rxq=%u area=%s area_len=%llu rx_buf_len=%u zc_bytes=%llu copy_bytes=%llu bad_rqes=%llu",
		       r->ifindex, r->rxq, area_names[r->area_type],
		       r->area_len, r->rx_buf_len, r->zc_bytes,
		       r->copy_bytes, r->bad_rqes);
	putchar('\n');
}

static void report(const struct opts *o, const struct totals *t,
		   const struct measure *d, const struct rx_result *r)
{
	double gib = (double)t->bytes / GiB;

	if (o->kv) {
		report_kv(o, t, d, r);
		return;
	}
	printf("mode %s, %u flow%s, sender %s\n", mode_names[o->mode],
	       o->flows, o->flows > 1 ? "s" : "",
	       o->tx == TX_SEND ? "send()" : "SEND_ZC");
	printf("received  %llu bytes in %.3f s: %.1f MiB/s\n",
	       (unsigned long long)t->bytes, d->t, (double)t->bytes / MiB / d->t);
	printf("verified  %s\n", o->mode == RX_TRUNC ? "no (trunc never reads the data)" :
	       t->ok ? "yes, every byte matches the pattern" : "NO");
	printf("rx CPU    %.3f s (user %.3f, system %.3f), %.3f s per GiB\n",
	       d->cpu, d->user, d->sys, gib > 0 ? d->cpu / gib : 0);
	if (o->cpu >= 0)
		printf("busy      CPU %d: %.2f s, all CPUs: %.2f s\n", o->cpu,
		       d->core_busy, d->all_busy);
	else
		printf("busy      all CPUs: %.2f s\n", d->all_busy);
	printf("copied    %llu payload bytes by the CPU into receive buffers\n",
	       (unsigned long long)t->copied);
	if (r->have_zcrx)
		printf("zcrx      ifq on ifindex %u rxq %u, area %llu bytes (%s) in %u-byte chunks: zc_bytes %llu (no copy), copy_bytes %llu (copy fallback), bad_rqes %llu\n",
		       r->ifindex, r->rxq, r->area_len,
		       area_names[r->area_type], r->rx_buf_len, r->zc_bytes,
		       r->copy_bytes, r->bad_rqes);
}

static void measure_diff(struct measure *d, const struct measure *a,
			 const struct measure *b)
{
	d->t = b->t - a->t;
	d->cpu = b->cpu - a->cpu;
	d->user = b->user - a->user;
	d->sys = b->sys - a->sys;
	d->core_busy = d->t - (b->idle.core - a->idle.core);
	d->all_busy = d->t * b->idle.ncpus - (b->idle.all - a->idle.all);
}

/* Receive: bind, (fork the sender,) accept, measure the transfer. */
static int rx_main(const struct opts *o)
{
	static struct flow fl[MAX_FLOWS];
	struct rx_result r = {};
	struct measure a, b, d;
	struct rx_uring *u = NULL;
	struct totals t;
	pid_t tx = 0;
	int lfd, go = -1, ret, status = 0;

	flows_init(o, fl);
	lfd = tcp_listen(o);
	if (lfd < 0)
		return 1;
	if (!o->listen_only) {
		tx = sender_fork(o, &go);
		if (tx < 0)
			return 1;
	}
	if (pin_cpu(o->cpu) ||
	    (o->napi_cpu >= 0 && napi_pin(o->ifname, o->napi_cpu)))
		return 1;
	if (o->mode == RX_IOU_RECV || o->mode == RX_ZCRX ||
	    o->mode == RX_ZCRX_NODEV) {
		ret = rx_uring_setup(o, &u);
		if (ret)
			return ret;
	}
	if (go >= 0 && write(go, "g", 1) != 1)
		return 1;
	if (accept_flows(o, lfd, fl))
		return 1;
	close(lfd);
	measure(o, &a);
	ret = u ? rx_uring_run(u, fl, o->flows, &r) :
		  rx_sync_run(o, fl, o->flows);
	measure(o, &b);
	measure_diff(&d, &a, &b);
	rx_uring_free(u);
	if (tx > 0 && (waitpid(tx, &status, 0) != tx || status)) {
		err_log("the sender failed (status %#x)", status);
		ret = -1;
	}
	t = sum_flows(o, fl, &r);
	report(o, &t, &d, &r);
	return ret || !t.ok;
}

int main(int argc, char **argv)
{
	struct opts o;

	parse_args(&o, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.mode == TX_ONLY)
		return pin_cpu(o.tx_cpu) || tx_run(&o);
	return rx_main(&o);
}
