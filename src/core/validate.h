/* validate.h - the rules for values that come from outside: lengths,
 * character sets, emails, tags, custom fields. Pure functions. */
#ifndef OPORA_CORE_VALIDATE_H
#define OPORA_CORE_VALIDATE_H

#include "base/arena.h"
#include "base/rc.h"
#include "core/types.h"

/* Limits, in characters (code points) unless said otherwise. */
#define LIMIT_SUBJECT 255
#define LIMIT_TEXT 65536        /* descriptions, comment bodies, macro templates */
#define LIMIT_NAME 200          /* people, organizations, macros */
#define LIMIT_GROUP_NAME 100
#define LIMIT_EMAIL 254
#define LIMIT_PHONE 32
#define LIMIT_TELEGRAM 33       /* "@" and 5..32 characters */
#define LIMIT_REASON 1000
#define LIMIT_NOTES 4096
#define LIMIT_TAG 64
#define LIMIT_TAGS 50
#define LIMIT_CUSTOM_FIELDS 50
#define LIMIT_CUSTOM_VALUE 1024
#define LIMIT_MACRO_ACTIONS 20
#define LIMIT_PASSWORD_MIN 8
#define LIMIT_PASSWORD_MAX 256
#define LIMIT_TOKEN_NAME 100
#define LIMIT_TIME_ZONE 64
#define LIMIT_DOMAINS 1024

enum text_kind {
    TEXT_LINE,      /* one line: no control characters at all */
    TEXT_MULTILINE  /* \n, \r and \t allowed */
};

/* Checks that s is valid UTF-8, not over max characters, free of disallowed
 * control characters and, unless allow_empty, not blank. Returns OP_OK or
 * OP_ERR_INVALID with err naming field. */
op_rc check_text(const char *field, const char *s, size_t max, enum text_kind kind,
                 bool allow_empty, struct op_err *err);

/* A plausible email address: local@domain.tld, no spaces, at most LIMIT_EMAIL. */
op_rc check_email(const char *field, const char *s, struct op_err *err);

/* A phone number: digits with optional +, spaces, dashes, parentheses. */
op_rc check_phone(const char *field, const char *s, struct op_err *err);

/* A Telegram handle: @ then 5-32 of A-Z a-z 0-9 _ (the @ may be omitted). */
op_rc check_telegram(const char *field, const char *s, struct op_err *err);

/* An IANA-looking zone name ("Europe/Moscow", "UTC"); "" is allowed. */
op_rc check_time_zone(const char *field, const char *s, struct op_err *err);

/* Normalises a tag list in place: ASCII letters lowered, duplicates dropped,
 * sorted. Fails on an empty tag, a tag with whitespace, comma or control
 * characters, one over LIMIT_TAG, or more than LIMIT_TAGS tags. */
op_rc tags_normalize(const char *field, struct str_list *tags, struct op_err *err);

/* Splits "a b c" (the stored form) into a list allocated from a. */
op_rc tags_split(const char *s, struct arena *a, struct str_list *out);

/* Joins tags with single spaces; the string is allocated from a. */
char *tags_join(const struct str_list *tags, struct arena *a);

/* Validates a JSON object text of custom fields: at most LIMIT_CUSTOM_FIELDS
 * keys of [a-z0-9_]{1,64}, values string (<= LIMIT_CUSTOM_VALUE), number,
 * boolean or null. */
op_rc custom_fields_check(const char *field, const char *json, struct op_err *err);

/* Merges the patch object into the base object (a key whose patch value is
 * null is removed) and returns the canonical text (sorted keys) from a. */
op_rc custom_fields_merge(const char *base, const char *patch, struct arena *a, char **out,
                          struct op_err *err);

#endif
