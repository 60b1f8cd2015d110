/* migrations.h - versioned schema changes, embedded in the binary.
 *
 * Each backend has a folder src/store/migrations/<backend>/ of NNNN_name.sql
 * files; tools/embed-sql turns them into an array at build time. A migration
 * is applied once, in order, inside a transaction, and recorded in the
 * schema_migrations table. */
#ifndef OPORA_MIGRATIONS_H
#define OPORA_MIGRATIONS_H

#include <stddef.h>

struct migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct migration sqlite_migrations[];
extern const size_t sqlite_migrations_count;

#endif
