// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke test of the io_uring receive and send paths that 6.12 already has:
 * IORING_OP_SEND_ZC on one end of a loopback TCP connection, multishot
 * recv with a provided buffer ring on the other. Every byte is checked.
 * It proves that the harness builds, boots and reads results before any
 * zcrx code runs.
 */
#include <linux/io_uring.h>	/* the tree's header, before liburing's copy */
#include <liburing.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define BUF_SIZE	4096
#define NR_BUFS		64
#define BGID		7
#define CHUNK		(64 * 1024)

static unsigned char pattern(size_t off)
{
	return (off * 31 + (off >> 12)) & 0xff;
}

static int tcp_pair(int *srv, int *cli)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t alen = sizeof(addr);
	int lfd, one = 1;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		return -errno;
	if (bind(lfd, (void *)&addr, sizeof(addr)) ||
	    listen(lfd, 1) || getsockname(lfd, (void *)&addr, &alen))
		goto err;
	*cli = socket(AF_INET, SOCK_STREAM, 0);
	if (*cli < 0 || connect(*cli, (void *)&addr, sizeof(addr)))
		goto err;
	*srv = accept(lfd, NULL, NULL);
	if (*srv < 0)
		goto err;
	setsockopt(*cli, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	close(lfd);
	return 0;
err:
	close(lfd);
	return -errno;
}

FIXTURE(loopback) {
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	unsigned char *bufs;
	unsigned char *src;
	int srv, cli;
};

FIXTURE_VARIANT(loopback) {
	size_t total;
};

FIXTURE_VARIANT_ADD(loopback, small) {
	.total = 256 * 1024,
};

FIXTURE_VARIANT_ADD(loopback, large) {
	.total = 16 * 1024 * 1024,
};

FIXTURE_SETUP(loopback)
{
	struct io_uring_buf_reg reg = {};
	size_t i;

	ASSERT_EQ(0, io_uring_queue_init(256, &self->ring, 0));
	ASSERT_EQ(0, tcp_pair(&self->srv, &self->cli));

	self->br = mmap(NULL, NR_BUFS * sizeof(struct io_uring_buf),
			PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE,
			-1, 0);
	ASSERT_NE(MAP_FAILED, self->br);
	self->bufs = malloc(NR_BUFS * BUF_SIZE);
	ASSERT_NE(NULL, self->bufs);
	reg.ring_addr = (unsigned long)self->br;
	reg.ring_entries = NR_BUFS;
	reg.bgid = BGID;
	ASSERT_EQ(0, io_uring_register_buf_ring(&self->ring, &reg, 0));
	io_uring_buf_ring_init(self->br);
	for (i = 0; i < NR_BUFS; i++)
		io_uring_buf_ring_add(self->br, self->bufs + i * BUF_SIZE,
				      BUF_SIZE, i, NR_BUFS - 1, i);
	io_uring_buf_ring_advance(self->br, NR_BUFS);

	self->src = malloc(variant->total);
	ASSERT_NE(NULL, self->src);
	for (i = 0; i < variant->total; i++)
		self->src[i] = pattern(i);
}

FIXTURE_TEARDOWN(loopback)
{
	io_uring_queue_exit(&self->ring);
	close(self->srv);
	close(self->cli);
	free(self->bufs);
	free(self->src);
}

static void arm_recv(struct io_uring *ring, int fd)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	sqe->user_data = 1;
}

/* Data sent with SEND_ZC arrives through multishot recv, byte for byte. */
TEST_F(loopback, send_zc_to_multishot_recv)
{
	size_t sent = 0, queued = 0, rcvd = 0;
	unsigned int notifs = 0, sends = 0, done = 0, rearms = 0;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;

	arm_recv(&self->ring, self->srv);
	while (rcvd < variant->total || notifs < sends) {
		/* One send in flight keeps the stream in order. */
		if (queued < variant->total && sends == done) {
			size_t len = variant->total - queued;

			if (len > CHUNK)
				len = CHUNK;
			sqe = io_uring_get_sqe(&self->ring);
			ASSERT_NE(NULL, sqe);
			io_uring_prep_send_zc(sqe, self->cli, self->src + queued,
					      len, MSG_WAITALL, 0);
			sqe->user_data = 2;
			queued += len;
			sends++;
		}
		ASSERT_LE(0, io_uring_submit_and_wait(&self->ring, 1));
		while (io_uring_peek_cqe(&self->ring, &cqe) == 0) {
			if (cqe->user_data == 2) {
				if (cqe->flags & IORING_CQE_F_NOTIF) {
					notifs++;
				} else {
					ASSERT_LT(0, cqe->res);
					sent += cqe->res;
					done++;
					/* a notification always follows */
					ASSERT_TRUE(cqe->flags & IORING_CQE_F_MORE);
				}
			} else {
				unsigned int bid;

				ASSERT_EQ(1, cqe->user_data);
				if (cqe->res == -ENOBUFS) {
					/* all buffers were in use; go again */
					arm_recv(&self->ring, self->srv);
					rearms++;
					io_uring_cqe_seen(&self->ring, cqe);
					continue;
				}
				ASSERT_LT(0, cqe->res) TH_LOG("recv res %d", cqe->res);
				ASSERT_TRUE(cqe->flags & IORING_CQE_F_BUFFER);
				bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
				ASSERT_LT(bid, NR_BUFS);
				ASSERT_LE(rcvd + cqe->res, variant->total);
				ASSERT_EQ(0, memcmp(self->bufs + bid * BUF_SIZE,
						    self->src + rcvd, cqe->res))
					TH_LOG("data mismatch at offset %zu", rcvd);
				rcvd += cqe->res;
				io_uring_buf_ring_add(self->br,
						      self->bufs + bid * BUF_SIZE,
						      BUF_SIZE, bid, NR_BUFS - 1, 0);
				io_uring_buf_ring_advance(self->br, 1);
				if (!(cqe->flags & IORING_CQE_F_MORE)) {
					arm_recv(&self->ring, self->srv);
					rearms++;
				}
			}
			io_uring_cqe_seen(&self->ring, cqe);
		}
	}
	ASSERT_EQ(variant->total, sent);
	ASSERT_EQ(variant->total, rcvd);
	ASSERT_EQ(sends, notifs);
	TH_LOG("%zu bytes in %u sends, recv re-armed %u times", rcvd, sends, rearms);
}

/* A recv on a buffer group that does not exist fails with ENOBUFS. */
TEST_F(loopback, recv_unknown_buffer_group)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;

	ASSERT_EQ(1, send(self->cli, "x", 1, 0));
	sqe = io_uring_get_sqe(&self->ring);
	io_uring_prep_recv_multishot(sqe, self->srv, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID + 1;
	ASSERT_EQ(1, io_uring_submit_and_wait(&self->ring, 1));
	ASSERT_EQ(0, io_uring_peek_cqe(&self->ring, &cqe));
	ASSERT_EQ(-ENOBUFS, cqe->res);
	ASSERT_FALSE(cqe->flags & IORING_CQE_F_MORE);
	io_uring_cqe_seen(&self->ring, cqe);
}

TEST_HARNESS_MAIN
