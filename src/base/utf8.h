/* utf8.h - checks on text that comes from outside. */
#ifndef OPORA_UTF8_H
#define OPORA_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, no NUL). */
bool utf8_valid(const char *s, size_t n);

/* The number of code points in a valid UTF-8 string. */
size_t utf8_count(const char *s, size_t n);

/* True if s (valid UTF-8) has a control character other than \t \n \r. */
bool utf8_has_control(const char *s, size_t n);

#endif
