/* msgid.h - the ids of every user-visible message.
 *
 * The texts live in messages.def, one M(id, english, russian) line each, so a
 * message without both languages does not compile. Placeholders are {1}, {2},
 * {3}; a translation may use them in any order. */
#ifndef OPORA_MSGID_H
#define OPORA_MSGID_H

enum msg_id {
#define M(id, en, ru) id,
#include "i18n/messages.def"
#undef M
    MSG_COUNT
};

/* How many {n} placeholders the message takes (the highest n in its text). */
int i18n_msg_nargs(enum msg_id id);

#endif
