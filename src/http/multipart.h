/* multipart.h - a parser of multipart/form-data bodies (RFC 7578), for
 * forms that upload files. It copies nothing of the parts' contents: each
 * part's data points into the body it was given, which must outlive the
 * result. Names and file names are NUL-terminated copies in the arena. */
#ifndef OPORA_HTTP_MULTIPART_H
#define OPORA_HTTP_MULTIPART_H

#include "base/arena.h"
#include "base/rc.h"

#define MULTIPART_HEADERS_MAX 8192 /* bytes of one part's header block */
#define MULTIPART_BOUNDARY_MAX 70  /* RFC 2046 */

struct mp_part {
    const char *name;         /* the form field's name */
    const char *filename;     /* NULL when the part is not a file; the last path
                                 component of what the browser sent */
    const char *content_type; /* "" when not given */
    const char *data;         /* into the body; not NUL-terminated */
    size_t len;
};

/* Parses body[0..len) under content_type ("multipart/form-data;
 * boundary=..."). On OP_OK *parts (from a) holds *n parts in order.
 * OP_ERR_INVALID for another type, a missing or bad boundary, a part
 * without a form-data name, headers over MULTIPART_HEADERS_MAX, names that
 * are not UTF-8 or a body not closed by its final boundary;
 * OP_ERR_TOOBIG for more than max_parts parts; OP_ERR_NOMEM. */
op_rc multipart_parse(struct arena *a, const char *content_type, const char *body, size_t len,
                      size_t max_parts, struct mp_part **parts, size_t *n);

/* The first part named name, NULL when none. */
const struct mp_part *multipart_get(const struct mp_part *parts, size_t n, const char *name);

#endif
