/* banned.h - functions that are too easy to misuse.
 *
 * Included last by common.h, after the system headers, so that a use of one
 * of these in opora's own code fails to compile. Use the bounded helpers in
 * buf.h (buf_printf, buf_append) or snprintf with a checked result instead. */
#ifndef OPORA_BANNED_H
#define OPORA_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_opora

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef atoi
#define atoi(x) BANNED(atoi)

#endif
