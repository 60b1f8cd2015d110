/* h_attachments.c - /api/v1/attachments: upload a file (raw body), read its
 * metadata, download its bytes. */
#include "base/common.h"

#include <ctype.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "http/apiInt.h"

void h_attachment_upload(struct http_req *r)
{
    struct op_err err = {0};
    struct attachment at;
    op_rc rc = app_attachment_upload(api_app(r), api_actor(r), http_query(r, "filename"),
                                     http_header(r, "Content-Type"), r->body, r->body_len, r->arena,
                                     &at, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_attachment(&w, NULL, &at);
    http_reply_jsonw(r, 201, &w);
}

void h_attachment_get(struct http_req *r)
{
    struct op_err err = {0};
    struct attachment at;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_attachment_get(api_app(r), api_actor(r), id, r->arena, &at, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_attachment(&w, NULL, &at);
    http_reply_jsonw(r, 200, &w);
}

/* "attachment; filename*=UTF-8''<name>" with every byte outside RFC 8187's
 * attr-char percent-encoded, so no name can break the header. From a. */
static char *content_disposition(const char *name, struct arena *a)
{
    static const char prefix[] = "attachment; filename*=UTF-8''";
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(name);
    char *out = arena_alloc(a, sizeof(prefix) + 3 * n);
    if (!out) return NULL;
    char *p = out + sizeof(prefix) - 1;
    memcpy(out, prefix, sizeof(prefix) - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x80 && (isalnum(c) || strchr("!#$&+-.^_`|~", c))) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    *p = '\0';
    return out;
}

void h_attachment_content(struct http_req *r)
{
    struct op_err err = {0};
    struct attachment at;
    struct stat st;
    int fd = -1;
    char *disposition;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_attachment_get(api_app(r), api_actor(r), id, r->arena, &at, &err);
    if (!rc) rc = app_attachment_open(api_app(r), &at, &fd, &err);
    if (rc) goto fail;
    /* a file that is not what the row says would send a broken response */
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size != (uint64_t)at.size) {
        log_error("component=api msg=\"attachment file does not match its record\" id=%" PRId64
                  " sha256=%s",
                  at.id, at.sha256);
        rc = op_fail(&err, OP_ERR_IO, NULL, MSG_NONE);
        goto fail;
    }
    if (!(disposition = content_disposition(at.filename ? at.filename : "", r->arena))) {
        rc = op_fail(&err, OP_ERR_NOMEM, NULL, MSG_NONE);
        goto fail;
    }
    http_set_header(r, "Content-Disposition", disposition);
    /* the server sends X-Content-Type-Options: nosniff on every answer, so a
     * browser never second-guesses the stored type */
    http_reply_fd(r, 200, at.content_type, fd, (uint64_t)at.size);
    return;
fail:
    if (fd >= 0) close(fd);
    api_reply_error(r, rc, &err);
}
