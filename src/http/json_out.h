/* json_out.h - opora's objects as the API shows them (docs/api.md).
 *
 * Ids of 0 and unset times are null; times are ISO 8601 UTC with
 * milliseconds; enumerations are their lower-case names. Every function
 * returns a new reference that the caller owns (http_reply_json steals it),
 * or NULL when memory is out or a string is not valid UTF-8; a NULL given to
 * http_reply_json becomes a 500. Password hashes are never written. */
#ifndef OPORA_HTTP_JSON_OUT_H
#define OPORA_HTTP_JSON_OUT_H

#include <jansson.h>

#include "app/app.h"
#include "core/types.h"

/* null for 0, else the integer / the ISO time. */
json_t *json_out_id(int64_t id);
json_t *json_out_time(op_time t);

/* requester_ids is the first requester then t->requesters; custom_fields
 * becomes an object. */
json_t *json_out_ticket(const struct ticket *t);
json_t *json_out_comment(const struct comment *c);
json_t *json_out_event(const struct event *e);
/* A link as seen from ticket_id: kind is a link view, ticket_id the other ticket. */
json_t *json_out_link(const struct link *l, int64_t ticket_id);
/* level is null for customers (LEVEL_NONE); empty email, phone, telegram are null. */
json_t *json_out_user(const struct user *u);
json_t *json_out_org(const struct organization *o);
/* with_members: add member_ids (lists do not load them). */
json_t *json_out_group(const struct group *g, bool with_members);
json_t *json_out_macro(const struct macro *m);
/* {id, filename, size, content_type, sha256, created_at} */
json_t *json_out_attachment(const struct attachment *at);
/* secret: the token itself, shown only in the answer that creates it (NULL: left out). */
json_t *json_out_api_token(const struct api_token *t, const char *secret);

/* Arrays of the above. */
json_t *json_out_tickets(const struct ticket *v, size_t n);
json_t *json_out_comments(const struct comment *v, size_t n);
json_t *json_out_events(const struct event *v, size_t n);
json_t *json_out_links(const struct link *v, size_t n, int64_t ticket_id);
json_t *json_out_users(const struct user *v, size_t n);
json_t *json_out_orgs(const struct organization *v, size_t n);
json_t *json_out_groups(const struct group *v, size_t n);
json_t *json_out_macros(const struct macro *v, size_t n);
json_t *json_out_api_tokens(const struct api_token *v, size_t n);
json_t *json_out_ids(const struct id_list *l);

#endif
