/* rc.h - the one result type of opora.
 *
 * Every fallible function returns an op_rc; OP_OK is zero. Functions that can
 * fail on their input also take a struct op_err (last argument) that says
 * which field was at fault and why, as a message id that the edge (HTTP or CLI)
 * translates into the user's language. */
#ifndef OPORA_RC_H
#define OPORA_RC_H

#include "i18n/msgid.h"

typedef enum op_rc {
    OP_OK = 0,
    OP_ERR_NOMEM,     /* out of memory */
    OP_ERR_INVALID,   /* the input is wrong; err->field names the field */
    OP_ERR_NOTFOUND,  /* no such object, or the caller may not know it exists */
    OP_ERR_FORBIDDEN, /* the caller may see the object but not do this */
    OP_ERR_CONFLICT,  /* valid input that the object's current state refuses */
    OP_ERR_TOOBIG,    /* over a configured size cap */
    OP_ERR_AUTH,      /* not authenticated */
    OP_ERR_RATELIMIT, /* too many attempts; try later */
    OP_ERR_IO,        /* the storage or the file system failed */
    OP_ERR_UNAVAILABLE /* shutting down, or a dependency is not there */
} op_rc;

#define OP_ERR_NARGS 3
#define OP_ERR_ARGLEN 160

struct op_err {
    op_rc rc;
    enum msg_id msg;                        /* MSG_NONE when there is no detail */
    char field[64];                         /* "" when no single field is at fault */
    char arg[OP_ERR_NARGS][OP_ERR_ARGLEN];  /* substituted for {1}, {2}, {3} in msg */
};

/* Fills err (which may be NULL) and returns rc, so that callers can write
 *     return op_fail(err, OP_ERR_INVALID, "status", MSG_ERR_ENUM, value, allowed);
 * The variadic arguments are up to OP_ERR_NARGS strings, ended implicitly by
 * the count the message needs; pass NULL for an unused trailing argument. */
op_rc op_fail(struct op_err *err, op_rc rc, const char *field, enum msg_id msg, ...);

/* Clears err to OP_OK with no detail. */
void op_err_clear(struct op_err *err);

/* A stable machine name for rc: "invalid", "not_found", ... */
const char *op_rc_name(op_rc rc);

#endif
