/* json_out.h - opora's objects as the API shows them (docs/api.md).
 *
 * Each function writes one value into w (base/jsonw.h): key is the member's
 * name when w is inside an object, NULL for an array element or the whole
 * reply. Keys come out in a fixed order, that of docs/api.md's examples
 * (clients may rely on it, though JSON does not promise it). Ids of 0 and
 * unset times are null; times are ISO 8601 UTC with milliseconds;
 * enumerations are their lower-case names. Password hashes are never
 * written.
 *
 * Nothing is returned: a failure (the writer's cap, memory, a string that
 * is not valid UTF-8) stays in w and is reported by jsonw_finish, which
 * http_reply_jsonw turns into a 500. */
#ifndef OPORA_HTTP_JSON_OUT_H
#define OPORA_HTTP_JSON_OUT_H

#include "app/app.h"
#include "base/jsonw.h"
#include "core/types.h"

/* requester_ids is the first requester then t->requesters; custom_fields
 * (canonical JSON text from the domain) is copied in as it is, or {} when it
 * is not a valid JSON object (logged: the domain should never store that). */
void json_out_ticket(struct jsonw *w, const char *key, const struct ticket *t);
void json_out_comment(struct jsonw *w, const char *key, const struct comment *c);
void json_out_event(struct jsonw *w, const char *key, const struct event *e);
/* A link as seen from ticket_id: kind is a link view, ticket_id the other ticket. */
void json_out_link(struct jsonw *w, const char *key, const struct link *l, int64_t ticket_id);
/* level is null for customers (LEVEL_NONE); empty email, phone, telegram are null. */
void json_out_user(struct jsonw *w, const char *key, const struct user *u);
/* The members of json_out_user, into an object the caller has opened and
 * closes (for answers that add members of their own, such as /me). */
void json_out_user_members(struct jsonw *w, const struct user *u);
void json_out_org(struct jsonw *w, const char *key, const struct organization *o);
/* with_members: add member_ids (lists do not load them). */
void json_out_group(struct jsonw *w, const char *key, const struct group *g, bool with_members);
void json_out_macro(struct jsonw *w, const char *key, const struct macro *m);
/* {id, filename, size, content_type, sha256, created_at} */
void json_out_attachment(struct jsonw *w, const char *key, const struct attachment *at);
/* secret: the token itself, shown only in the answer that creates it (NULL: left out). */
void json_out_api_token(struct jsonw *w, const char *key, const struct api_token *t,
                        const char *secret);

/* Arrays of the above. */
void json_out_tickets(struct jsonw *w, const char *key, const struct ticket *v, size_t n);
void json_out_comments(struct jsonw *w, const char *key, const struct comment *v, size_t n);
void json_out_events(struct jsonw *w, const char *key, const struct event *v, size_t n);
void json_out_links(struct jsonw *w, const char *key, const struct link *v, size_t n,
                    int64_t ticket_id);
void json_out_users(struct jsonw *w, const char *key, const struct user *v, size_t n);
void json_out_orgs(struct jsonw *w, const char *key, const struct organization *v, size_t n);
/* Without member_ids. */
void json_out_groups(struct jsonw *w, const char *key, const struct group *v, size_t n);
void json_out_macros(struct jsonw *w, const char *key, const struct macro *v, size_t n);
void json_out_api_tokens(struct jsonw *w, const char *key, const struct api_token *v, size_t n);
void json_out_ids(struct jsonw *w, const char *key, const struct id_list *l);

#endif
