/* tz.h - time zones from the system's tz database (TZif files under
 * /usr/share/zoneinfo, or $TZDIR), for many zones at once and from any
 * thread: libc's localtime_r knows one zone per process (TZ), not the zone
 * of each agent and calendar.
 *
 * A zone is loaded once and kept for the life of the process (there are a
 * few hundred at most), so a const struct tz * may be stored anywhere. */
#ifndef OPORA_BASE_TZ_H
#define OPORA_BASE_TZ_H

#include <stdint.h>

#include "base/rc.h"

struct tz;

/* The zone called name ("Europe/Moscow", "UTC"). Thread-safe; the result
 * lives until the process ends (or tz_cleanup). OP_ERR_NOTFOUND for a name
 * that is not in the database or is not a valid zone name (letters, digits,
 * "_+-/" only, no "..", no leading or trailing "/"), OP_ERR_IO for a
 * damaged file, OP_ERR_NOMEM. "UTC" works even without a tz database. */
op_rc tz_load(const char *name, const struct tz **out);

/* UTC, always available. */
const struct tz *tz_utc(void);

const char *tz_name(const struct tz *z);

/* Seconds east of UTC at instant utc_s (seconds since the epoch). */
int32_t tz_offset(const struct tz *z, int64_t utc_s);

/* The same, and an interval [*from, *until) around utc_s over which the
 * offset stays the same (INT64_MIN / INT64_MAX when unbounded; it may be
 * shorter than the real one, never longer), so that a caller walking
 * through time asks the zone again only when it leaves it. from and until
 * may be NULL. */
int32_t tz_offset_range(const struct tz *z, int64_t utc_s, int64_t *from, int64_t *until);

/* The instant (UTC seconds) of wall-clock time local_s (seconds since
 * 1970-01-01 00:00 local). A wall time in a gap (clocks going forward) is
 * the instant the gap ends; one that occurs twice (clocks going back) is
 * its first occurrence. */
int64_t tz_utc_of_local(const struct tz *z, int64_t local_s);

/* Frees every loaded zone. For tests and leak checkers only: a struct tz
 * handed out before is dangling afterwards. */
void tz_cleanup(void);

#endif
