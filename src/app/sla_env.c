/* sla_env.c - policies and calendars for one transaction. */
#include "base/common.h"

#include "app/internal.h"
#include "app/sla_env.h"
#include "base/log.h"
#include "base/tz.h"

void sla_ctx_init(struct sla_ctx *c, struct arena *a)
{
    memset(c, 0, sizeof(*c));
    c->a = a;
}

static op_rc load(struct store_tx *tx, struct sla_ctx *c)
{
    if (c->loaded)
        return OP_OK;
    op_rc rc = tx->ops->sla->policy_list(tx, c->a, &c->pol, &c->npol);
    c->loaded = !rc;
    return rc;
}

op_rc sla_ctx_match(struct store_tx *tx, struct sla_ctx *c, const struct ticket *t,
                    const struct sla_policy **out)
{
    op_rc rc = load(tx, c);
    *out = rc ? NULL : sla_match(c->pol, c->npol, t);
    return rc;
}

void sla_calendar_of_row(const struct calendar_row *r, struct calendar *out)
{
    memset(out, 0, sizeof(*out));
    out->id = r->id;
    out->name = r->name;
    if (tz_load(r->time_zone, &out->tz)) {
        log_warn("msg=\"calendar zone unknown, using UTC\" calendar=%" PRId64 " zone=\"%s\"",
                 r->id, r->time_zone);
        out->tz = tz_utc();
    }
    out->always = r->always;
    memcpy(out->week, r->week, sizeof(out->week));
    out->exc = r->exc;
    out->n_exc = r->n_exc;
}

op_rc sla_ctx_calendar(struct store_tx *tx, struct sla_ctx *c, int64_t id,
                       const struct calendar **out)
{
    for (struct sla_ctx_calendar *k = c->cals; k; k = k->next)
        if (k->id == id) {
            *out = &k->cal;
            return OP_OK;
        }
    struct calendar_row r;
    op_rc rc = tx->ops->sla->calendar_get(tx, id, c->a, &r);
    if (rc)
        return rc;
    struct sla_ctx_calendar *k = arena_alloc(c->a, sizeof(*k));
    if (!k)
        return OP_ERR_NOMEM;
    k->id = id;
    sla_calendar_of_row(&r, &k->cal);
    k->next = c->cals;
    c->cals = k;
    *out = &k->cal;
    return OP_OK;
}

op_rc sla_ctx_env(struct store_tx *tx, struct sla_ctx *c, int64_t policy_id,
                  struct sla_env *out)
{
    *out = (struct sla_env){0};
    op_rc rc;
    if (!policy_id || (rc = load(tx, c)))
        return policy_id ? rc : OP_OK;
    for (size_t i = 0; i < c->npol; i++)
        if (c->pol[i].id == policy_id)
            out->policy = &c->pol[i];
    if (!out->policy || !out->policy->calendar_id)
        return OP_OK;
    rc = sla_ctx_calendar(tx, c, out->policy->calendar_id, &out->cal);
    return rc == OP_ERR_NOTFOUND ? OP_OK : rc;
}
