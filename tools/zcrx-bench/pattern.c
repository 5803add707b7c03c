// SPDX-License-Identifier: GPL-2.0
/*
 * The payload: PAT_LEN bytes from a seeded 64-bit LCG, repeated
 * over the stream. Each flow has its own seed, so data delivered to the
 * wrong flow, shifted, lost or repeated is caught.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "zcrx-bench.h"

static unsigned char *pats[MAX_FLOWS];
static pthread_mutex_t pat_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * The table for @seed, twice over: any window of up to PAT_LEN bytes
 * starting anywhere in the first copy is contiguous, so senders can hand
 * it to send() directly and checks need one memcmp().
 */
const unsigned char *pat_get(unsigned int seed)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL * (seed + 1);
	unsigned char *p;
	size_t i;

	pthread_mutex_lock(&pat_lock);
	p = pats[seed % MAX_FLOWS];
	if (p)
		goto out;
	p = malloc(2 * PAT_LEN);
	if (!p)
		goto out;
	/* Knuth's MMIX constants; the top byte is the best mixed one */
	for (i = 0; i < PAT_LEN; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		p[i] = x >> 56;
	}
	memcpy(p + PAT_LEN, p, PAT_LEN);
	pats[seed % MAX_FLOWS] = p;
out:
	pthread_mutex_unlock(&pat_lock);
	return p;
}

/* Whether @buf holds stream bytes [@pos, @pos + @len). */
bool pat_ok(const unsigned char *pat, const void *buf, size_t len,
	    uint64_t pos)
{
	const unsigned char *b = buf;

	while (len) {
		size_t off = pos % PAT_LEN;
		size_t n = len < PAT_LEN ? len : PAT_LEN;

		if (memcmp(b, pat + off, n))
			return false;
		b += n;
		pos += n;
		len -= n;
	}
	return true;
}

/* Account and check @len bytes the receiver got on flow @f. */
void flow_check(struct flow *f, const void *buf, size_t len, bool copied)
{
	if (f->pos + len > f->want) {
		if (!f->bad)
			err_log("flow %u: %llu bytes, only %llu sent", f->id,
				(unsigned long long)(f->pos + len),
				(unsigned long long)f->want);
		f->bad = true;
	} else if (buf && !pat_ok(pat_get(f->id), buf, len, f->pos)) {
		if (!f->bad)
			err_log("flow %u: data differs in bytes %llu..%llu",
				f->id, (unsigned long long)f->pos,
				(unsigned long long)(f->pos + len - 1));
		f->bad = true;
	}
	f->pos += len;
	if (copied)
		f->copied += len;
}
