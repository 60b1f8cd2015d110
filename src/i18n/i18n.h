/* i18n.h - the translation layer: every string a user reads comes from here.
 *
 * Languages are Russian and English; the catalogue is messages.def. */
#ifndef OPORA_I18N_H
#define OPORA_I18N_H

#include <stddef.h>
#include "i18n/msgid.h"

enum lang { LANG_EN = 0, LANG_RU, LANG_COUNT };

/* The text of id in lang; never NULL. */
const char *i18n_text(enum lang lang, enum msg_id id);

/* The stable key of id for machines ("err_required"): the id in lower case
 * without its MSG_ prefix. */
const char *i18n_key(enum msg_id id);

/* Writes the text of id with {n} replaced by args[n-1] into out (cap bytes,
 * always NUL-terminated, truncated if it must be). Returns the length written. */
size_t i18n_format(enum lang lang, enum msg_id id, const char *const *args, size_t nargs,
                   char *out, size_t cap);

/* "ru", "ru-RU", "ru_RU.UTF-8" -> LANG_RU; returns -1 for anything unknown. */
int i18n_lang_parse(const char *s);

/* The language code: "en" or "ru". */
const char *i18n_lang_code(enum lang lang);

/* The best supported language of an Accept-Language header, by q-value;
 * fallback when none is supported or the header is NULL. */
enum lang i18n_accept_language(const char *header, enum lang fallback);

/* The language for command-line output, from LC_ALL, LC_MESSAGES, LANG. */
enum lang i18n_env_lang(void);

#endif
