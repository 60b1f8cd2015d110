/* routes.c - the REST API's route table (docs/api.md is the contract). */
#include "base/common.h"

#include "http/apiInt.h"

#define V1 "/api/v1"

const struct http_route api_routes[] = {
    /* service and signing in: no authentication */
    {HTTP_GET, "/healthz", h_health, HTTP_ROUTE_PUBLIC},
    {HTTP_POST, V1 "/auth/login", h_login, HTTP_ROUTE_PUBLIC},
    {HTTP_POST, V1 "/auth/logout", h_logout, HTTP_ROUTE_PUBLIC},

    /* tickets */
    {HTTP_POST, V1 "/tickets", h_ticket_create, 0},
    {HTTP_GET, V1 "/tickets", h_ticket_list, 0},
    {HTTP_GET, V1 "/tickets/count", h_ticket_count, 0},
    {HTTP_GET, V1 "/tickets/{id}", h_ticket_get, 0},
    {HTTP_PATCH, V1 "/tickets/{id}", h_ticket_update, 0},
    {HTTP_GET, V1 "/tickets/{id}/comments", h_comment_list, 0},
    {HTTP_POST, V1 "/tickets/{id}/comments", h_comment_add, 0},
    {HTTP_GET, V1 "/tickets/{id}/events", h_ticket_events, 0},
    {HTTP_GET, V1 "/tickets/{id}/links", h_link_list, 0},
    {HTTP_POST, V1 "/tickets/{id}/links", h_link_add, 0},
    {HTTP_DELETE, V1 "/tickets/{id}/links/{link_id}", h_link_remove, 0},
    {HTTP_POST, V1 "/tickets/{id}/merge", h_ticket_merge, 0},
    {HTTP_POST, V1 "/tickets/{id}/escalate", h_ticket_escalate, 0},
    {HTTP_POST, V1 "/tickets/{id}/handback", h_ticket_handback, 0},
    {HTTP_POST, V1 "/tickets/{id}/macros/{macro_id}/apply", h_macro_apply, 0},
    {HTTP_GET, V1 "/search", h_search, 0},
    {HTTP_GET, V1 "/events", h_event_feed, 0},

    /* people and structure */
    {HTTP_GET, V1 "/users", h_user_list, 0},
    {HTTP_POST, V1 "/users", h_user_create, 0},
    {HTTP_GET, V1 "/users/{id}", h_user_get, 0},
    {HTTP_PATCH, V1 "/users/{id}", h_user_update, 0},
    {HTTP_GET, V1 "/me", h_me_get, 0},
    {HTTP_PATCH, V1 "/me", h_me_update, 0},
    {HTTP_GET, V1 "/me/tokens", h_token_list, 0},
    {HTTP_POST, V1 "/me/tokens", h_token_create, 0},
    {HTTP_DELETE, V1 "/me/tokens/{id}", h_token_revoke, 0},
    {HTTP_GET, V1 "/organizations", h_org_list, 0},
    {HTTP_POST, V1 "/organizations", h_org_create, 0},
    {HTTP_GET, V1 "/organizations/{id}", h_org_get, 0},
    {HTTP_PATCH, V1 "/organizations/{id}", h_org_update, 0},
    {HTTP_DELETE, V1 "/organizations/{id}", h_org_delete, 0}, /* admin: delete */
    {HTTP_GET, V1 "/groups", h_group_list, 0},
    {HTTP_POST, V1 "/groups", h_group_create, 0},
    {HTTP_GET, V1 "/groups/{id}", h_group_get, 0},
    {HTTP_PATCH, V1 "/groups/{id}", h_group_update, 0},
    {HTTP_DELETE, V1 "/groups/{id}", h_group_delete, 0}, /* admin: delete */
    {HTTP_GET, V1 "/macros", h_macro_list, 0},
    {HTTP_POST, V1 "/macros", h_macro_create, 0},
    {HTTP_GET, V1 "/macros/{id}", h_macro_get, 0},
    {HTTP_PATCH, V1 "/macros/{id}", h_macro_update, 0},
    {HTTP_DELETE, V1 "/macros/{id}", h_macro_delete, 0},

    /* attachments: the upload is the raw file, under the larger body cap */
    {HTTP_POST, V1 "/attachments", h_attachment_upload, HTTP_ROUTE_UPLOAD},
    {HTTP_GET, V1 "/attachments/{id}", h_attachment_get, 0},
    {HTTP_GET, V1 "/attachments/{id}/content", h_attachment_content, 0},

    /* ---- SLA ---- */
    {HTTP_GET, V1 "/calendars", h_calendar_list, 0},
    {HTTP_POST, V1 "/calendars", h_calendar_create, 0},
    {HTTP_GET, V1 "/calendars/{id}", h_calendar_get, 0},
    {HTTP_PATCH, V1 "/calendars/{id}", h_calendar_update, 0},
    {HTTP_DELETE, V1 "/calendars/{id}", h_calendar_delete, 0},
    {HTTP_GET, V1 "/sla/policies", h_sla_policy_list, 0},
    {HTTP_POST, V1 "/sla/policies", h_sla_policy_create, 0},
    {HTTP_GET, V1 "/sla/policies/{id}", h_sla_policy_get, 0},
    {HTTP_PATCH, V1 "/sla/policies/{id}", h_sla_policy_update, 0},
    {HTTP_DELETE, V1 "/sla/policies/{id}", h_sla_policy_delete, 0},
    {HTTP_GET, V1 "/tickets/{id}/sla", h_ticket_sla, 0},
    {HTTP_GET, V1 "/me/notifications", h_notification_list, 0},
    {HTTP_POST, V1 "/me/notifications/read", h_notification_read, 0},

    /* ---- team ---- */
    {HTTP_GET, V1 "/shifts", h_shift_list, 0},
    {HTTP_POST, V1 "/shifts", h_shift_create, 0},
    {HTTP_PATCH, V1 "/shifts/{id}", h_shift_update, 0},
    {HTTP_DELETE, V1 "/shifts/{id}", h_shift_delete, 0},
    {HTTP_GET, V1 "/rota", h_rota_get, 0},
    {HTTP_PUT, V1 "/rota", h_rota_put, 0},
    {HTTP_POST, V1 "/rota/entries", h_rota_add, 0},
    {HTTP_DELETE, V1 "/rota/entries/{id}", h_rota_remove, 0},
    {HTTP_GET, V1 "/oncall", h_oncall_list, 0},
    {HTTP_POST, V1 "/oncall", h_oncall_create, 0},
    {HTTP_PATCH, V1 "/oncall/{id}", h_oncall_update, 0},
    {HTTP_DELETE, V1 "/oncall/{id}", h_oncall_delete, 0},
    {HTTP_PUT, V1 "/me/presence", h_presence_set, 0},
    {HTTP_GET, V1 "/presence", h_presence_list, 0},
    {HTTP_GET, V1 "/reports/adherence", h_adherence_report, 0},
    {HTTP_GET, V1 "/groups/{id}/routing", h_routing_get, 0},
    {HTTP_PUT, V1 "/groups/{id}/routing", h_routing_put, 0},
    {HTTP_GET, V1 "/users/{id}/languages", h_languages_get, 0},
    {HTTP_PUT, V1 "/users/{id}/languages", h_languages_put, 0},
    {HTTP_GET, V1 "/team/settings", h_team_settings_get, 0},
    {HTTP_PUT, V1 "/team/settings", h_team_settings_put, 0},

    /* ---- mail ---- */
    {HTTP_GET, V1 "/mail/mailboxes", h_mailbox_list, 0},
    {HTTP_POST, V1 "/mail/mailboxes", h_mailbox_create, 0},
    {HTTP_DELETE, V1 "/mail/mailboxes/{id}", h_mailbox_delete, 0},
    {HTTP_GET, V1 "/mail/outbox", h_outbox_list, 0},
    {HTTP_GET, V1 "/mail/rejections", h_mail_rejection_list, 0},

    /* ---- reports ---- */
    {HTTP_GET, V1 "/reports/kpi", h_kpi_report, 0},
    {HTTP_GET, V1 "/reports/backlog", h_backlog_report, 0},
    /* ---- report exports ---- */
    {HTTP_GET, V1 "/reports/kpi/chart.svg", h_kpi_chart_svg, 0},
    /* ---- surveys: the signed link's page and API are public (the token is the credential) ---- */
    {HTTP_GET, "/survey/{token}", h_survey_page, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, V1 "/surveys/questions", h_csi_questions_get, 0},
    {HTTP_PUT, V1 "/surveys/questions", h_csi_questions_put, 0},
    {HTTP_GET, V1 "/surveys/settings", h_survey_settings_get, 0},
    {HTTP_PUT, V1 "/surveys/settings", h_survey_settings_put, 0},
    {HTTP_GET, V1 "/surveys/{token}", h_survey_get, HTTP_ROUTE_PUBLIC},
    {HTTP_POST, V1 "/surveys/{token}", h_survey_answer, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, V1 "/reports/surveys", h_survey_report, 0},
    /* ---- motivation: levels, pay, bonus statements, promotion hints ---- */
    {HTTP_GET, V1 "/levels", h_levels_get, 0},
    {HTTP_PUT, V1 "/levels", h_levels_put, 0},
    {HTTP_GET, V1 "/users/{id}/pay", h_pay_get, 0},
    {HTTP_PUT, V1 "/users/{id}/pay", h_pay_put, 0},
    {HTTP_GET, V1 "/reports/bonus", h_bonus_report, 0},
    {HTTP_POST, V1 "/reports/bonus/approve", h_bonus_approve, 0},
    {HTTP_GET, V1 "/reports/bonus/{user_id}", h_bonus_statement, 0},
    {HTTP_GET, V1 "/reports/promotions", h_promotions_report, 0},
};

const size_t api_routes_count = ARRAY_SIZE(api_routes);
