/* thread.h - the rules that tie a message to a conversation, without the
 * store: ticket tags in subjects, opora's own Message-IDs, and the signed
 * reply tokens that make an agent's emailed reply count as theirs.
 *
 * A reply token is carried in the Message-ID of a notification sent to one
 * agent: "opora.t<ticket>.a<agent>.<nonce>.<mac>@<domain>", mac being a
 * truncated HMAC (libsodium crypto_auth) under a key only the database
 * knows. The agent's mail program puts that id into In-Reply-To and
 * References of the reply; the From header alone never makes an agent. */
#ifndef OPORA_CHANNELS_MAIL_THREAD_H
#define OPORA_CHANNELS_MAIL_THREAD_H

#include "base/arena.h"
#include "base/rc.h"
#include "core/types.h"

#define MAIL_KEY_BYTES 32

/* The ticket number of a "[#123]" tag in subject; 0 when there is none. */
int64_t mail_subject_ticket(const char *subject);

/* A new Message-ID (without <>) for a notification of ticket_id, from a:
 * "opora.t<ticket>.<kind>.<random>@domain". NULL when a is full. */
char *mail_message_id(struct arena *a, const char *domain, int64_t ticket_id, const char *kind);

/* A Message-ID carrying a reply token for agent_id on ticket_id, signed
 * with key. NULL when a is full. */
char *mail_agent_message_id(struct arena *a, const uint8_t key[MAIL_KEY_BYTES],
                            const char *domain, int64_t ticket_id, int64_t agent_id);

/* Whether message_id is a reply token signed with key; fills *ticket_id
 * and *agent_id when it is. Constant time in the MAC. */
bool mail_agent_token_check(const uint8_t key[MAIL_KEY_BYTES], const char *message_id,
                            int64_t *ticket_id, int64_t *agent_id);

#endif
