/* tmpl.h - opora's HTML templates: files under src/web/templates, embedded
 * into the binary, parsed once at start-up, rendered with escaping by
 * default and by context.
 *
 * Syntax (whitespace inside the braces is free):
 *     {{ name }}              a value; "a.b.c" walks maps. The escaping comes
 *                             from where it stands: HTML text, a quoted
 *                             attribute value, or a URL attribute (href, src,
 *                             action, formaction, hx-get/post/put/patch/delete)
 *     {{ attr name }}         escaped for an attribute (same as text: & < > " ')
 *     {{ url name }}          only http:, https:, mailto: or a relative URL,
 *                             else "#"; then escaped for an attribute
 *     {{ t MSG_ID a "b" }}    a translated message; its {n} are the values or
 *                             "literals" given, which must be as many as it takes
 *     {% if [not] name %} ... {% else %} ... {% end %}
 *     {% for x in name %} ... {% end %}     (over a list; x shadows outer names)
 *     {% include "file.html" %}
 *     {# a comment #}
 * A value in an unquoted attribute, inside <script>/<style>/<!-- -->, or in
 * an event-handler (on*, hx-on*, hx-vals, hx-headers) or style attribute is
 * refused when the template is loaded, with the template's name and line.
 *
 * Values are a small tree (struct tv) that a handler builds in its request
 * arena. There is no way to output raw text, except an HTML fragment that
 * tmpl_render_fragment itself produced. */
#ifndef OPORA_WEB_TMPL_H
#define OPORA_WEB_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/rc.h"
#include "i18n/i18n.h"

/* ---- values ---- */

enum tv_kind { TV_NULL, TV_STR, TV_INT, TV_BOOL, TV_LIST, TV_MAP, TV_HTML };

struct tv;

struct tv_pair {
    const char *key;
    struct tv *val;
};

struct tv {
    enum tv_kind kind;
    union {
        const char *s; /* TV_STR and TV_HTML */
        int64_t i;
        bool b;
        struct {
            struct tv **items;
            size_t n, cap;
        } list;
        struct {
            struct tv_pair *items;
            size_t n, cap;
        } map;
    } u;
};

/* Constructors: the value lives in a; NULL when a is full (every tv_* call
 * below accepts NULL values and containers and then fails with
 * OP_ERR_NOMEM, so a handler may build a whole tree and check once). tv_str
 * copies s (NULL gives an empty string). */
struct tv *tv_map(struct arena *a);
struct tv *tv_list(struct arena *a);
struct tv *tv_str(struct arena *a, const char *s);
struct tv *tv_int(struct arena *a, int64_t i);
struct tv *tv_bool(struct arena *a, bool b);

/* Sets key (copied) in map to val, replacing an earlier value of key.
 * Returns OP_ERR_NOMEM when a is full or map/val is NULL, OP_ERR_INVALID
 * when map is not a map. */
op_rc tv_set(struct arena *a, struct tv *map, const char *key, struct tv *val);
op_rc tv_set_str(struct arena *a, struct tv *map, const char *key, const char *s);
op_rc tv_set_int(struct arena *a, struct tv *map, const char *key, int64_t i);
op_rc tv_set_bool(struct arena *a, struct tv *map, const char *key, bool b);

/* Appends val to list; errors as tv_set. */
op_rc tv_push(struct arena *a, struct tv *list, struct tv *val);

/* The value at the dotted path in map ("ticket.subject"), or NULL. */
const struct tv *tv_get(const struct tv *map, const char *path);

/* ---- templates ---- */

/* One template's source: name as written in {% include %}, bytes (not
 * NUL-terminated necessarily). */
struct tmpl_src {
    const char *name;
    const unsigned char *data;
    size_t len;
};

struct tmpl_set;

/* Parses every source into a new set (*out, freed with tmpl_set_free); the
 * sources must outlive the set (text is referenced, not copied). Returns
 * OP_ERR_INVALID when a template is malformed: an unknown or unclosed tag,
 * an {% else %}/{% end %} without its {% if %}, a value in a forbidden
 * context, an unknown message id or the wrong number of its arguments, an
 * include of a template that is not in the set; why (why_cap bytes) then
 * says "name:line: what", in English for the operator. OP_ERR_NOMEM. */
op_rc tmpl_set_load(const struct tmpl_src *srcs, size_t n, struct tmpl_set **out, char *why,
                    size_t why_cap);

/* Frees the set; NULL is a no-op. */
void tmpl_set_free(struct tmpl_set *set);

/* Whether the set has a template of that name. */
bool tmpl_exists(const struct tmpl_set *set, const char *name);

/* Renders template name with data (a map, may be NULL) in lang, appending
 * to out (whose cap bounds the page). Returns OP_ERR_NOTFOUND for an
 * unknown name, OP_ERR_TOOBIG when out's cap is reached, OP_ERR_INVALID
 * when includes nest deeper than 16. On failure out may hold part of the
 * page: the caller discards it. Safe to call from many threads at once. */
op_rc tmpl_render(const struct tmpl_set *set, const char *name, enum lang lang,
                  const struct tv *data, struct buf *out);

/* Renders as tmpl_render into a, and gives the result as a trusted HTML
 * value (*out, in a) that other templates output unescaped in text. */
op_rc tmpl_render_fragment(const struct tmpl_set *set, const char *name, enum lang lang,
                           const struct tv *data, struct arena *a, struct tv **out);

#endif
