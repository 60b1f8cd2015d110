/* test_pg_sla.c - calendars, SLA policies, clocks, timers with their
 * leases, and notifications in the PostgreSQL backend (src/store/pg_sla.c):
 * the SLA tests of the SQLite backend (test_sqlite_sla.c), which ask only
 * through the store interface, run through pg_fixture.h. */
#include "base/common.h"

#include "pg_fixture.h"

#define main sqlite_sla_main
#include "test_sqlite_sla.c"
#undef main

int main(void)
{
    return sqlite_sla_main();
}
