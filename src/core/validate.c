/* validate.c - value rules shared by every object. */
#include "base/common.h"

#include <ctype.h>
#include <jansson.h>

#include "base/utf8.h"
#include "core/validate.h"

static bool blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

op_rc check_text(const char *field, const char *s, size_t max, enum text_kind kind,
                 bool allow_empty, struct op_err *err)
{
    if (!s)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_REQUIRED);
    size_t n = strlen(s);
    if (!utf8_valid(s, n))
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_UTF8);
    if (!allow_empty && blank(s))
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_EMPTY);
    if (utf8_count(s, n) > max) {
        char m[24];
        snprintf(m, sizeof(m), "%zu", max);
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TOO_LONG, m);
    }
    if (kind == TEXT_LINE) {
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
                return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_CONTROL_CHARS);
    }
    if (utf8_has_control(s, n))
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_CONTROL_CHARS);
    return OP_OK;
}

op_rc check_email(const char *field, const char *s, struct op_err *err)
{
    op_rc rc = check_text(field, s, LIMIT_EMAIL, TEXT_LINE, false, err);
    if (rc)
        return rc;
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        goto bad;
    const char *dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0')
        goto bad;
    for (const char *p = s; *p; p++)
        if (isspace((unsigned char)*p) || *p == ',' || *p == ';' || *p == '<' || *p == '>' ||
            *p == '"')
            goto bad;
    return OP_OK;
bad:
    return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_EMAIL);
}

op_rc check_phone(const char *field, const char *s, struct op_err *err)
{
    size_t digits = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (!strchr("+-() ", *p))
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_PHONE);
    }
    if (strlen(s) > LIMIT_PHONE || (s[0] && digits < 3))
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_PHONE);
    return OP_OK;
}

op_rc check_telegram(const char *field, const char *s, struct op_err *err)
{
    if (!s[0])
        return OP_OK;
    const char *p = s[0] == '@' ? s + 1 : s;
    size_t n = strlen(p);
    if (n < 5 || n > 32)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TELEGRAM);
    for (; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TELEGRAM);
    return OP_OK;
}

op_rc check_time_zone(const char *field, const char *s, struct op_err *err)
{
    size_t n = strlen(s);
    if (n > LIMIT_TIME_ZONE)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TIME_ZONE, s);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!isalnum((unsigned char)c) && !strchr("/_-+", c))
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TIME_ZONE, s);
    }
    if (n && (s[0] == '/' || strstr(s, "..") || strstr(s, "//")))
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TIME_ZONE, s);
    return OP_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

op_rc tags_normalize(const char *field, struct str_list *tags, struct op_err *err)
{
    for (size_t i = 0; i < tags->n; i++) {
        char *t = tags->v[i];
        size_t n = strlen(t);
        if (n == 0)
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_EMPTY);
        if (!utf8_valid(t, n))
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_UTF8);
        if (utf8_count(t, n) > LIMIT_TAG) {
            char m[16];
            snprintf(m, sizeof(m), "%d", LIMIT_TAG);
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TOO_LONG, m);
        }
        for (size_t j = 0; j < n; j++) {
            unsigned char c = (unsigned char)t[j];
            if (c <= 0x20 || c == 0x7F || c == ',' ||
                (c == 0xC2 && j + 1 < n && (unsigned char)t[j + 1] <= 0xA0))
                return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TAG, t);
        }
        for (size_t j = 0; j < n; j++)
            t[j] = (char)tolower((unsigned char)t[j]);
    }
    if (tags->n > 1)
        qsort(tags->v, tags->n, sizeof(char *), cmp_str);
    size_t w = 0;
    for (size_t i = 0; i < tags->n; i++)
        if (w == 0 || strcmp(tags->v[w - 1], tags->v[i]) != 0)
            tags->v[w++] = tags->v[i];
    tags->n = w;
    /* counted after duplicates are gone: re-adding a tag is not one more */
    if (tags->n > LIMIT_TAGS) {
        char m[16];
        snprintf(m, sizeof(m), "%d", LIMIT_TAGS);
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TOO_MANY, m);
    }
    return OP_OK;
}

op_rc tags_split(const char *s, struct arena *a, struct str_list *out)
{
    size_t count = 0;
    for (const char *p = s; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        count++;
        while (*p && *p != ' ')
            p++;
    }
    out->n = 0;
    out->v = count ? arena_alloc(a, count * sizeof(char *)) : NULL;
    if (count && !out->v)
        return OP_ERR_NOMEM;
    for (const char *p = s; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ' ')
            p++;
        if (!(out->v[out->n++] = arena_strndup(a, start, (size_t)(p - start))))
            return OP_ERR_NOMEM;
    }
    return OP_OK;
}

char *tags_join(const struct str_list *tags, struct arena *a)
{
    size_t len = 1;
    for (size_t i = 0; i < tags->n; i++)
        len += strlen(tags->v[i]) + 1;
    char *s = arena_alloc(a, len);
    if (!s)
        return NULL;
    char *p = s;
    for (size_t i = 0; i < tags->n; i++) {
        size_t n = strlen(tags->v[i]);
        if (i)
            *p++ = ' ';
        memcpy(p, tags->v[i], n);
        p += n;
    }
    *p = '\0';
    return s;
}

static bool custom_name_ok(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 64)
        return false;
    for (; *k; k++)
        if (!(islower((unsigned char)*k) || isdigit((unsigned char)*k) || *k == '_'))
            return false;
    return true;
}

static op_rc custom_check_obj(const char *field, json_t *o, bool allow_null, struct op_err *err)
{
    if (!json_is_object(o))
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_OBJECT);
    if (json_object_size(o) > LIMIT_CUSTOM_FIELDS) {
        char m[16];
        snprintf(m, sizeof(m), "%d", LIMIT_CUSTOM_FIELDS);
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TOO_MANY, m);
    }
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        if (!custom_name_ok(k))
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_CUSTOM_FIELD_NAME, k);
        if (json_is_string(v)) {
            char sub[96];
            snprintf(sub, sizeof(sub), "%s.%s", field, k);
            op_rc rc = check_text(sub, json_string_value(v), LIMIT_CUSTOM_VALUE, TEXT_MULTILINE,
                                  true, err);
            if (rc)
                return rc;
        } else if (!(json_is_number(v) || json_is_boolean(v) || (allow_null && json_is_null(v)))) {
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_CUSTOM_FIELD_VALUE, k);
        }
    }
    return OP_OK;
}

op_rc custom_fields_check(const char *field, const char *text, struct op_err *err)
{
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    if (!o)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_OBJECT);
    op_rc rc = custom_check_obj(field, o, true, err);
    json_decref(o);
    return rc;
}

op_rc custom_fields_merge(const char *base, const char *patch, struct arena *a, char **out,
                          struct op_err *err)
{
    op_rc rc = OP_OK;
    json_t *b = json_loads(base && *base ? base : "{}", 0, NULL);
    json_t *p = json_loads(patch && *patch ? patch : "{}", JSON_REJECT_DUPLICATES, NULL);
    char *text = NULL;
    if (!b || !json_is_object(b))
        b = (json_decref(b), json_object());
    if (!p) {
        rc = op_fail(err, OP_ERR_INVALID, "custom_fields", MSG_ERR_TYPE_OBJECT);
        goto end;
    }
    if ((rc = custom_check_obj("custom_fields", p, true, err)))
        goto end;
    const char *k;
    json_t *v;
    json_object_foreach(p, k, v)
    {
        if (json_is_null(v))
            json_object_del(b, k);
        else
            json_object_set(b, k, v);
    }
    if ((rc = custom_check_obj("custom_fields", b, false, err)))
        goto end;
    text = json_dumps(b, JSON_SORT_KEYS | JSON_COMPACT);
    if (!text || !(*out = arena_strdup(a, text)))
        rc = OP_ERR_NOMEM;
end:
    free(text);
    json_decref(b);
    json_decref(p);
    return rc;
}
