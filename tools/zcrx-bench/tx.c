// SPDX-License-Identifier: GPL-2.0
/*
 * The sender: one connection and one thread per flow, each streaming its
 * share of the payload with send() or with IORING_OP_SEND_ZC.
 */
#include <linux/io_uring.h>	/* the series' header, before liburing's copy */
#include <liburing.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zcrx-bench.h"

#define CONNECT_S	20	/* the receiver or the netns may need a moment */
#define ZC_CHAIN	8	/* SEND_ZCs in flight per flow */

struct tx_flow {
	const struct opts *o;
	pthread_t thread;
	int fd;
	unsigned int id;
	uint64_t want;
	unsigned char *buf;	/* the pattern, long enough for any window */
	int err;
};

static int tx_connect(const struct opts *o)
{
	double end = now_s() + CONNECT_S;
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, o->addr, o->port);
	int fd;

	for (;;) {
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (!connect(fd, (struct sockaddr *)&ss, len))
			return fd;
		close(fd);
		if (now_s() > end) {
			err_log("connect to %s port %d: %s", o->addr, o->port,
				strerror(errno));
			return -errno;
		}
		usleep(100 * 1000);
	}
}

static unsigned char *tx_window(unsigned int id, size_t msg)
{
	const unsigned char *pat = pat_get(id);
	unsigned char *buf;
	size_t i;

	buf = malloc(PAT_LEN + msg);
	if (!buf || !pat)
		return NULL;
	for (i = 0; i < PAT_LEN + msg; i++)
		buf[i] = pat[i % PAT_LEN];
	return buf;
}

static size_t next_len(const struct tx_flow *t, uint64_t pos)
{
	return t->want - pos < t->o->msg ? t->want - pos : t->o->msg;
}

static int tx_plain(struct tx_flow *t)
{
	uint64_t pos = 0;

	while (pos < t->want) {
		ssize_t ret = send(t->fd, t->buf + pos % PAT_LEN,
				   next_len(t, pos), MSG_NOSIGNAL);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		pos += ret;
	}
	return 0;
}

/*
 * Queue a chain of linked SEND_ZCs from @pos. Linked, because io_uring
 * gives no order between independent sends on one socket; if one falls
 * short, the rest of the chain is cancelled and the stream stays intact.
 */
static unsigned int zc_queue(struct io_uring *ring, struct tx_flow *t,
			     uint64_t pos)
{
	struct io_uring_sqe *sqe = NULL;
	unsigned int n = 0;

	while (n < ZC_CHAIN && pos < t->want) {
		size_t len = next_len(t, pos);

		sqe = io_uring_get_sqe(ring);
		io_uring_prep_send_zc(sqe, t->fd, t->buf + pos % PAT_LEN, len,
				      MSG_WAITALL | MSG_NOSIGNAL, 0);
		sqe->flags |= IOSQE_IO_LINK;
		sqe->user_data = n++;
		pos += len;
	}
	if (sqe)
		sqe->flags &= ~IOSQE_IO_LINK;
	return n;
}

static int tx_zc(struct tx_flow *t)
{
	unsigned int busy = 0, notifs = 0;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	uint64_t pos = 0, done = 0;
	int ret;

	ret = io_uring_queue_init(2 * ZC_CHAIN, &ring, 0);
	if (ret)
		return ret;
	while (pos < t->want || busy || notifs) {
		if (!busy && pos < t->want)
			busy = zc_queue(&ring, t, pos);
		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0 && ret != -EINTR)
			break;
		while (!io_uring_peek_cqe(&ring, &cqe)) {
			if (cqe->flags & IORING_CQE_F_NOTIF) {
				notifs--;
			} else {
				/* a notification follows iff F_MORE */
				if (cqe->flags & IORING_CQE_F_MORE)
					notifs++;
				if (cqe->res > 0)
					done += cqe->res;
				else if (cqe->res != -ECANCELED)
					ret = cqe->res;
				if (!--busy)
					pos = done;
			}
			io_uring_cqe_seen(&ring, cqe);
		}
		if (ret < 0)
			break;
	}
	io_uring_queue_exit(&ring);
	return ret < 0 ? ret : 0;
}

static void *tx_thread(void *arg)
{
	struct tx_flow *t = arg;

	t->err = t->o->tx == TX_SEND_ZC ? tx_zc(t) : tx_plain(t);
	if (t->err)
		err_log("sender, flow %u: %s", t->id, strerror(-t->err));
	close(t->fd);
	return NULL;
}

/* Connect every flow first, so the receiver sees them all at once. */
int tx_run(const struct opts *o)
{
	struct tx_flow t[MAX_FLOWS] = {};
	unsigned int i;
	int ret = 0;

	for (i = 0; i < o->flows; i++) {
		t[i].o = o;
		t[i].id = i;
		t[i].want = flow_bytes(o, i);
		t[i].buf = tx_window(i, o->msg);
		t[i].fd = tx_connect(o);
		if (!t[i].buf || t[i].fd < 0)
			return 1;
	}
	for (i = 0; i < o->flows; i++)
		if (pthread_create(&t[i].thread, NULL, tx_thread, &t[i]))
			return 1;
	for (i = 0; i < o->flows; i++) {
		pthread_join(t[i].thread, NULL);
		if (t[i].err)
			ret = 1;
		free(t[i].buf);
	}
	return ret;
}
