/* test_pg_people_delete.c - test_sqlite_people_delete.c on PostgreSQL
 * (pg_fixture.h takes sqlite_fixture.h's place). */
#include "base/common.h"

#include "pg_fixture.h"

#include "test_sqlite_people_delete.c"
