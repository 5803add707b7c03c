// SPDX-License-Identifier: GPL-2.0
/*
 * Receivers built on socket calls: a thread per flow, each pinned where
 * the process is, blocking until its stream ends.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zcrx-bench.h"

struct rx_thread {
	const struct opts *o;
	struct flow *f;
	pthread_t thread;
	int err;
};

/* recv() into @buf: returns bytes (0 at the end of the stream) or -errno. */
static ssize_t recv_some(struct flow *f, void *buf, size_t len, int flags)
{
	ssize_t ret;

	do {
		ret = recv(f->fd, buf, len, flags);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (!ret)
		f->eof = true;
	return ret;
}

/* recv(): the kernel copies every byte into our buffer. */
static int rx_recv(struct rx_thread *t, bool trunc)
{
	struct flow *f = t->f;
	void *buf = malloc(t->o->msg);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	do {
		n = recv_some(f, buf, t->o->msg, trunc ? MSG_TRUNC : 0);
		if (n > 0)
			flow_check(f, trunc ? NULL : buf, n, !trunc);
	} while (n > 0);
	free(buf);
	return n;
}

/*
 * TCP_ZEROCOPY_RECEIVE: map whole pages of payload into @map, read what
 * can't be mapped (the kernel says how much in recv_skip_hint) with
 * recv(). SO_RCVLOWAT makes poll() wait for a mappable amount.
 */
static int rx_mmap(struct rx_thread *t)
{
	size_t chunk = (t->o->msg + 4095) & ~4095UL;
	struct tcp_zerocopy_receive zc;
	struct flow *f = t->f;
	struct pollfd pfd = { .fd = f->fd, .events = POLLIN };
	socklen_t zlen;
	int lowat = chunk, ret = 0;
	void *map, *buf;
	ssize_t n;

	map = mmap(NULL, chunk, PROT_READ, MAP_SHARED, f->fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	buf = malloc(chunk);
	if (!buf) {
		munmap(map, chunk);
		return -ENOMEM;
	}
	setsockopt(f->fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat));
	while (!f->eof) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		memset(&zc, 0, sizeof(zc));
		zc.address = (uintptr_t)map;
		zc.length = chunk;
		zlen = sizeof(zc);
		if (getsockopt(f->fd, IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, &zc,
			       &zlen)) {
			/* EIO: nothing left and the peer has closed */
			if (errno != EIO) {
				ret = -errno;
				break;
			}
			zc.length = 0;
			zc.recv_skip_hint = 0;
		}
		if (zc.length)
			flow_check(f, map, zc.length, false);
		/* nothing mappable: a partial page, or the end */
		n = zc.recv_skip_hint ?: (zc.length ? 0 : chunk);
		if (n) {
			n = recv_some(f, buf, n < chunk ? n : chunk, 0);
			if (n < 0) {
				ret = n;
				break;
			}
			flow_check(f, buf, n, true);
		}
	}
	free(buf);
	munmap(map, chunk);
	return ret;
}

static void *rx_thread_fn(void *arg)
{
	struct rx_thread *t = arg;

	switch (t->o->mode) {
	case RX_MMAP:
		t->err = rx_mmap(t);
		break;
	case RX_TRUNC:
		t->err = rx_recv(t, true);
		break;
	default:
		t->err = rx_recv(t, false);
		break;
	}
	if (t->err)
		err_log("flow %u: %s", t->f->id, strerror(-t->err));
	return NULL;
}

int rx_sync_run(const struct opts *o, struct flow *fl, unsigned int n)
{
	struct rx_thread t[MAX_FLOWS] = {};
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		t[i].o = o;
		t[i].f = &fl[i];
		if (pthread_create(&t[i].thread, NULL, rx_thread_fn, &t[i]))
			return -1;
	}
	for (i = 0; i < n; i++) {
		pthread_join(t[i].thread, NULL);
		if (t[i].err)
			ret = -1;
	}
	return ret;
}
