/* payload.c - splitmix64-based payload patterns (see payload.h). */
#include "payload.h"

#include <string.h>

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void bb_payload_fill(void *buf, size_t len, uint64_t seed)
{
	uint8_t *p = buf;
	uint64_t st = seed, v;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		v = splitmix64(&st);
		memcpy(p + i, &v, 8);
	}
	if (i < len) {
		v = splitmix64(&st);
		memcpy(p + i, &v, len - i);
	}
}

long bb_payload_check(const void *buf, size_t len, uint64_t seed)
{
	const uint8_t *p = buf;
	uint64_t st = seed, v;
	size_t i, j, n;

	for (i = 0; i < len; i += 8) {
		v = splitmix64(&st);
		n = len - i < 8 ? len - i : 8;
		if (memcmp(p + i, &v, n) != 0) {
			for (j = 0; j < n; j++)
				if (p[i + j] != ((const uint8_t *)&v)[j])
					return (long)(i + j);
		}
	}
	return -1;
}
