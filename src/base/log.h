/* log.h - operator logs: one line per record, key=value, to stderr.
 *
 * These are for operators and machines, not for end users, so they are not
 * translated. */
#ifndef OPORA_LOG_H
#define OPORA_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);

/* Writes "ts=... level=... " followed by the formatted text and a newline
 * in one write(2), so lines from several threads never interleave. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
