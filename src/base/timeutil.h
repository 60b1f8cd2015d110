/* timeutil.h - opora's time: int64 milliseconds since the Unix epoch, UTC. */
#ifndef OPORA_TIMEUTIL_H
#define OPORA_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include "base/rc.h"

typedef int64_t op_time; /* ms since 1970-01-01T00:00:00Z; 0 means "not set" */

/* The wall clock. */
op_time time_now_ms(void);

/* A monotonic clock in microseconds, for durations. */
int64_t time_mono_us(void);

/* Writes "2026-01-31T12:00:00.123Z" (24 bytes + NUL) into out[32]. */
size_t time_format_iso(op_time t, char out[32]);

/* Parses ISO 8601: "2026-01-31", "2026-01-31T12:00:00", with optional
 * fraction and a zone "Z" or "+03:00". OP_OK or OP_ERR_INVALID. */
op_rc time_parse_iso(const char *s, op_time *out);

#endif
