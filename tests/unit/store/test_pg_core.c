/* test_pg_core.c - the SQLite backend's tests of the store interface
 * (test_sqlite.c) that ask only through the interface, run on PostgreSQL
 * through pg_fixture.h. Those that look into the SQLite file, its group
 * commit or its backup are left out; their PostgreSQL counterparts are in
 * test_pg.c. */
#include "base/common.h"

#include "pg_fixture.h"

#define main sqlite_main
#include "test_sqlite.c"
#undef main

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_people, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_tickets_and_comments, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_links, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_sessions_tokens, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_nested_calls_fail, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_read_pool, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
