/* test_pg_tickets.c - the ticket list and search tests of the SQLite
 * backend (test_sqlite_tickets.c), run on PostgreSQL through pg_fixture.h.
 * Left out: the query plan (SQLite's EXPLAIN) and the FTS5 query syntax;
 * the tsquery syntax is tested in test_pg.c. */
#include "base/common.h"

#include "pg_fixture.h"

#define main sqlite_tickets_main
#include "test_sqlite_tickets.c"
#undef main

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sorts_and_cursors, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_filters, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_limits, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_scopes, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_search, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
