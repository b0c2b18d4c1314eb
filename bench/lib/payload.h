/* payload.h - deterministic payload patterns so every byte a transaction
 * carries can be checked end to end by the other side.
 */
#ifndef BINDERBENCH_PAYLOAD_H
#define BINDERBENCH_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

/* Salt mixed into the seed of a reply, so a reply is never the request. */
#define BB_REPLY_SALT 0x5a17c0de5eedULL

void bb_payload_fill(void *buf, size_t len, uint64_t seed);
/* Returns -1 when buf holds the pattern of seed, else the first bad offset. */
long bb_payload_check(const void *buf, size_t len, uint64_t seed);

#endif
