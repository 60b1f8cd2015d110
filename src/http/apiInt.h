/* apiInt.h - what the API's files share: small helpers every handler uses
 * and the handlers themselves, for the route table in routes.c. Not for
 * anything outside src/http/api*.c, h_*.c and routes.c.
 *
 * A handler is thin: read the request (json_in.h), make one app_* call,
 * answer (json_out.h into a writer from http_jsonw_init, sent with
 * http_reply_jsonw). r->ctx is the struct app, r->auth the struct actor
 * that api_before put there (NULL on public routes). */
#ifndef OPORA_HTTP_API_INT_H
#define OPORA_HTTP_API_INT_H

#include "app/app.h"
#include "http/api.h"
#include "http/http.h"
#include "http/json_in.h"
#include "http/json_out.h"

static inline struct app *api_app(struct http_req *r)
{
    return r->ctx;
}

static inline const struct actor *api_actor(struct http_req *r)
{
    return r->auth;
}

/* Replies with the error of a failed call: err as the call filled it, or,
 * when it says nothing (err->rc is OP_OK), rc with a generic message. */
void api_reply_error(struct http_req *r, op_rc rc, struct op_err *err);

/* The id in path parameter i; when it is not a positive integer it replies
 * 404 and returns 0. */
int64_t api_path_id(struct http_req *r, size_t i);

/* The request's query string, for the qs_* parsers of json_in.h. */
struct qs api_qs(struct http_req *r);

/* ---- handlers (h_*.c) ---- */

/* h_tickets.c */
void h_ticket_create(struct http_req *r);
void h_ticket_list(struct http_req *r);
void h_ticket_count(struct http_req *r);
void h_ticket_get(struct http_req *r);
void h_ticket_update(struct http_req *r);
/* h_comments.c */
void h_comment_list(struct http_req *r);
void h_comment_add(struct http_req *r);
/* h_ticket_actions.c */
void h_ticket_events(struct http_req *r);
void h_link_list(struct http_req *r);
void h_link_add(struct http_req *r);
void h_link_remove(struct http_req *r);
void h_ticket_merge(struct http_req *r);
void h_ticket_escalate(struct http_req *r);
void h_ticket_handback(struct http_req *r);
void h_macro_apply(struct http_req *r);
/* h_search.c */
void h_search(struct http_req *r);
/* h_events.c */
void h_event_feed(struct http_req *r);
/* h_users.c */
void h_user_list(struct http_req *r);
void h_user_create(struct http_req *r);
void h_user_get(struct http_req *r);
void h_user_update(struct http_req *r);
/* h_me.c */
void h_me_get(struct http_req *r);
void h_me_update(struct http_req *r);
void h_token_list(struct http_req *r);
void h_token_create(struct http_req *r);
void h_token_revoke(struct http_req *r);
/* h_orgs.c */
void h_org_list(struct http_req *r);
void h_org_create(struct http_req *r);
void h_org_get(struct http_req *r);
void h_org_update(struct http_req *r);
void h_org_delete(struct http_req *r);
/* h_groups.c */
void h_group_list(struct http_req *r);
void h_group_create(struct http_req *r);
void h_group_get(struct http_req *r);
void h_group_update(struct http_req *r);
void h_group_delete(struct http_req *r);
/* h_macros.c */
/* h_surveys.c */
void h_survey_get(struct http_req *r);
void h_survey_answer(struct http_req *r);
void h_survey_page(struct http_req *r);
void h_survey_report(struct http_req *r);
void h_csi_questions_get(struct http_req *r);
void h_csi_questions_put(struct http_req *r);
void h_survey_settings_get(struct http_req *r);
void h_survey_settings_put(struct http_req *r);

/* h_sla.c */
void h_calendar_list(struct http_req *r);
void h_calendar_create(struct http_req *r);
void h_calendar_get(struct http_req *r);
void h_calendar_update(struct http_req *r);
void h_calendar_delete(struct http_req *r);
void h_sla_policy_list(struct http_req *r);
void h_sla_policy_create(struct http_req *r);
void h_sla_policy_get(struct http_req *r);
void h_sla_policy_update(struct http_req *r);
void h_sla_policy_delete(struct http_req *r);
void h_ticket_sla(struct http_req *r);
void h_notification_list(struct http_req *r);
void h_notification_read(struct http_req *r);

void h_macro_list(struct http_req *r);
void h_macro_create(struct http_req *r);
void h_macro_get(struct http_req *r);
void h_macro_update(struct http_req *r);
void h_macro_delete(struct http_req *r);
/* h_attachments.c */
void h_attachment_upload(struct http_req *r);
void h_attachment_get(struct http_req *r);
void h_attachment_content(struct http_req *r);
/* h_auth.c */
void h_login(struct http_req *r);
void h_logout(struct http_req *r);
/* h_health.c */
void h_health(struct http_req *r);

/* h_team.c */
void h_shift_list(struct http_req *r);
void h_shift_create(struct http_req *r);
void h_shift_update(struct http_req *r);
void h_shift_delete(struct http_req *r);
void h_rota_get(struct http_req *r);
void h_rota_put(struct http_req *r);
void h_rota_add(struct http_req *r);
void h_rota_remove(struct http_req *r);
void h_oncall_list(struct http_req *r);
void h_oncall_create(struct http_req *r);
void h_oncall_update(struct http_req *r);
void h_oncall_delete(struct http_req *r);
void h_presence_set(struct http_req *r);
void h_presence_list(struct http_req *r);
void h_adherence_report(struct http_req *r);
void h_routing_get(struct http_req *r);
void h_routing_put(struct http_req *r);
void h_languages_get(struct http_req *r);
void h_languages_put(struct http_req *r);
void h_team_settings_get(struct http_req *r);
void h_team_settings_put(struct http_req *r);

/* h_mail.c */
void h_mailbox_list(struct http_req *r);
void h_mailbox_create(struct http_req *r);
void h_mailbox_delete(struct http_req *r);
void h_outbox_list(struct http_req *r);
void h_mail_rejection_list(struct http_req *r);

/* h_reports.c */
void h_kpi_report(struct http_req *r);
void h_backlog_report(struct http_req *r);
/* h_report_exports.c */
struct report_table;
/* True for the export formats api_reply_report renders: csv, xlsx, pdf. */
bool api_report_format_known(const char *format);
/* Replies 200 with t rendered as format (csv, xlsx or pdf), with its
 * Content-Type and Content-Disposition "attachment; filename=<t->name>.<ext>";
 * a failure replies the error (an unknown format 422, too big 413, 500). */
void api_reply_report(struct http_req *r, const struct report_table *t, const char *format);
void h_kpi_chart_svg(struct http_req *r);

/* h_motivation.c */
void h_levels_get(struct http_req *r);
void h_levels_put(struct http_req *r);
void h_pay_get(struct http_req *r);
void h_pay_put(struct http_req *r);
void h_bonus_report(struct http_req *r);
void h_bonus_statement(struct http_req *r);
void h_bonus_approve(struct http_req *r);
void h_promotions_report(struct http_req *r);

#endif
