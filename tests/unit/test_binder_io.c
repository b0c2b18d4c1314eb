/* test_binder_io.c - host unit tests of the binder library: BR_* parsing of
 * well-formed, truncated, unknown and random read buffers (errors, never a
 * crash), BC_* encoding limits, payload patterns and latency percentiles.
 */
#include "binder_io.h"
#include "payload.h"
#include "stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct results {
	int passed, failed;
};

#define CHECK(r, cond)                                                            \
	do {                                                                      \
		if (cond) {                                                       \
			(r)->passed++;                                            \
		} else {                                                          \
			(r)->failed++;                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                 \
	} while (0)

static size_t append(uint8_t *buf, size_t off, uint32_t cmd, const void *payload)
{
	memcpy(buf + off, &cmd, 4);
	if (_IOC_SIZE(cmd))
		memcpy(buf + off + 4, payload, _IOC_SIZE(cmd));
	return off + 4 + _IOC_SIZE(cmd);
}

static void test_well_formed(struct results *r)
{
	uint8_t buf[512];
	struct binder_transaction_data td = { .code = 42, .data_size = 7 };
	int32_t err = -22;
	size_t len = 0, off = 0;
	struct bb_return ret;

	len = append(buf, len, BR_NOOP, NULL);
	len = append(buf, len, BR_TRANSACTION_COMPLETE, NULL);
	len = append(buf, len, BR_REPLY, &td);
	len = append(buf, len, BR_ERROR, &err);
	len = append(buf, len, BB_BR_TRANSACTION_PENDING_FROZEN, NULL);

	CHECK(r, bb_parse_return(buf, len, &off, &ret) == 1 && ret.cmd == BR_NOOP);
	CHECK(r, bb_parse_return(buf, len, &off, &ret) == 1 && ret.cmd == BR_TRANSACTION_COMPLETE);
	CHECK(r, bb_parse_return(buf, len, &off, &ret) == 1 && ret.cmd == BR_REPLY);
	CHECK(r, bb_return_txn(&ret) && bb_return_txn(&ret)->code == 42 &&
		 bb_return_txn(&ret)->data_size == 7);
	CHECK(r, bb_parse_return(buf, len, &off, &ret) == 1 && ret.cmd == BR_ERROR &&
		 ret.u.value == -22);
	CHECK(r, bb_parse_return(buf, len, &off, &ret) == 1 &&
		 ret.cmd == BB_BR_TRANSACTION_PENDING_FROZEN);
	CHECK(r, bb_parse_return(buf, len, &off, &ret) == 0 && off == len);
	CHECK(r, strcmp(bb_return_name(BR_DEAD_REPLY), "BR_DEAD_REPLY") == 0);
	CHECK(r, strcmp(bb_return_name(0xdeadbeef), "BR_UNKNOWN") == 0);
}

static void test_truncated(struct results *r)
{
	uint8_t buf[128];
	struct binder_transaction_data td = { 0 };
	struct bb_return ret;
	size_t full = append(buf, 0, BR_TRANSACTION, &td);

	/* Every proper prefix of a return is an error, and leaves off alone. */
	for (size_t len = 1; len < full; len++) {
		size_t off = 0;

		CHECK(r, bb_parse_return(buf, len, &off, &ret) == -EMSGSIZE && off == 0);
	}
	size_t off = 0;

	CHECK(r, bb_parse_return(buf, 0, &off, &ret) == 0);
	CHECK(r, bb_parse_return(buf, full, &off, &ret) == 1 && off == full);
}

static void test_unknown(struct results *r)
{
	uint8_t buf[16];
	struct bb_return ret;
	size_t off = 0;
	uint32_t bogus[] = { 0, _IO('r', 99), _IOR('r', 3, uint32_t), BC_TRANSACTION };

	for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &bogus[i], 4);
		off = 0;
		CHECK(r, bb_parse_return(buf, sizeof(buf), &off, &ret) == -EPROTO && off == 0);
	}
}

static void test_random(struct results *r)
{
	uint8_t buf[256];
	struct bb_return ret;
	unsigned int seed = 12345;
	int bad = 0;

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = (size_t)rand_r(&seed) % sizeof(buf), off = 0;
		int n;

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rand_r(&seed);
		/* Plant a valid command now and then so parsing gets going. */
		if (len >= 4 && iter % 3 == 0) {
			uint32_t cmd = BR_NOOP;

			memcpy(buf, &cmd, 4);
		}
		while ((n = bb_parse_return(buf, len, &off, &ret)) == 1)
			if (off > len)
				bad++;
		if (n != 0 && n != -EPROTO && n != -EMSGSIZE)
			bad++;
	}
	CHECK(r, bad == 0);
}

static void test_encoding(struct results *r)
{
	struct bb_wbuf w;
	int full = 0;
	uint32_t cmd;

	bb_wbuf_reset(&w);
	CHECK(r, bb_put_txn(&w, BC_TRANSACTION, 0, 1, 0, "x", 1) == 0);
	memcpy(&cmd, w.data, 4);
	CHECK(r, cmd == BC_TRANSACTION && w.len == 4 + sizeof(struct binder_transaction_data));
	CHECK(r, bb_put_txn(&w, BC_FREE_BUFFER, 0, 1, 0, "x", 1) == -EINVAL);
	for (int i = 0; i < 100; i++)
		if (bb_put_free_buffer(&w, 0x1000) == -ENOSPC)
			full = 1;
	CHECK(r, full && w.len <= sizeof(w.data));
}

static void test_payload(struct results *r)
{
	uint8_t buf[1000];

	for (size_t len = 0; len <= 17; len++) {
		bb_payload_fill(buf, len, 7);
		CHECK(r, bb_payload_check(buf, len, 7) == -1);
	}
	bb_payload_fill(buf, sizeof(buf), 99);
	CHECK(r, bb_payload_check(buf, sizeof(buf), 99) == -1);
	CHECK(r, bb_payload_check(buf, sizeof(buf), 98) == 0);
	buf[997] ^= 1;
	CHECK(r, bb_payload_check(buf, sizeof(buf), 99) == 997);
}

static void test_stats(struct results *r)
{
	uint64_t ns[1000];
	struct bb_latency l;

	for (int i = 0; i < 1000; i++)
		ns[i] = 1000 - i; /* 1..1000, reversed */
	CHECK(r, bb_latency_summarize(ns, 0, &l) == -EINVAL);
	CHECK(r, bb_latency_summarize(ns, 1000, &l) == 0);
	CHECK(r, l.min_ns == 1 && l.max_ns == 1000 && l.avg_ns == 500.5);
	CHECK(r, l.p50_ns == 500 && l.p90_ns == 900 && l.p99_ns == 990 && l.p999_ns == 999);
}

int main(void)
{
	struct results r = { 0, 0 };

	test_well_formed(&r);
	test_truncated(&r);
	test_unknown(&r);
	test_random(&r);
	test_encoding(&r);
	test_payload(&r);
	test_stats(&r);
	printf("%d passed, %d failed\n", r.passed, r.failed);
	return r.failed ? 1 : 0;
}
