/* tmpl.c - the template engine of tmpl.h: a parser that builds a tree of
 * nodes once, with the HTML context of every value decided at load, and a
 * renderer that walks it.
 *
 * The context tracker is deliberately simple (text, inside a tag, inside a
 * quoted attribute, raw text of script/style, comment): templates are ours,
 * so anything it cannot classify is refused rather than guessed. */
#include "base/common.h"

#include <ctype.h>
#include <strings.h>

#include "web/tmpl.h"

#define INCLUDE_DEPTH_MAX 16
#define MSG_ARGS_MAX 3

/* ---- values ---- */

static struct tv *tv_new(struct arena *a, enum tv_kind k)
{
    struct tv *v = arena_alloc(a, sizeof(*v));
    if (v) v->kind = k;
    return v;
}

struct tv *tv_map(struct arena *a)
{
    return tv_new(a, TV_MAP);
}
struct tv *tv_list(struct arena *a)
{
    return tv_new(a, TV_LIST);
}

struct tv *tv_str(struct arena *a, const char *s)
{
    struct tv *v = tv_new(a, TV_STR);
    if (v && !(v->u.s = arena_strdup(a, s ? s : ""))) return NULL;
    return v;
}

struct tv *tv_int(struct arena *a, int64_t i)
{
    struct tv *v = tv_new(a, TV_INT);
    if (v) v->u.i = i;
    return v;
}

struct tv *tv_bool(struct arena *a, bool b)
{
    struct tv *v = tv_new(a, TV_BOOL);
    if (v) v->u.b = b;
    return v;
}

/* Makes room for one more element of size sz in *items (n used, *cap
 * allocated), copying into a bigger block from a when full. */
static bool grow(struct arena *a, void **items, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap) return true;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *p = arena_alloc(a, ncap * sz);
    if (!p) return false;
    if (n) memcpy(p, *items, n * sz);
    *items = p;
    *cap = ncap;
    return true;
}

op_rc tv_set(struct arena *a, struct tv *map, const char *key, struct tv *val)
{
    if (!map || !val || !key) return OP_ERR_NOMEM;
    if (map->kind != TV_MAP) return OP_ERR_INVALID;
    for (size_t i = 0; i < map->u.map.n; i++) {
        if (strcmp(map->u.map.items[i].key, key) == 0) {
            map->u.map.items[i].val = val;
            return OP_OK;
        }
    }
    const char *k = arena_strdup(a, key);
    if (!k ||
        !grow(a, (void **)&map->u.map.items, map->u.map.n, &map->u.map.cap, sizeof(struct tv_pair)))
        return OP_ERR_NOMEM;
    map->u.map.items[map->u.map.n++] = (struct tv_pair){k, val};
    return OP_OK;
}

op_rc tv_set_str(struct arena *a, struct tv *map, const char *key, const char *s)
{
    return tv_set(a, map, key, tv_str(a, s));
}

op_rc tv_set_int(struct arena *a, struct tv *map, const char *key, int64_t i)
{
    return tv_set(a, map, key, tv_int(a, i));
}

op_rc tv_set_bool(struct arena *a, struct tv *map, const char *key, bool b)
{
    return tv_set(a, map, key, tv_bool(a, b));
}

op_rc tv_push(struct arena *a, struct tv *list, struct tv *val)
{
    if (!list || !val) return OP_ERR_NOMEM;
    if (list->kind != TV_LIST) return OP_ERR_INVALID;
    if (!grow(a, (void **)&list->u.list.items, list->u.list.n, &list->u.list.cap,
              sizeof(struct tv *)))
        return OP_ERR_NOMEM;
    list->u.list.items[list->u.list.n++] = val;
    return OP_OK;
}

static const struct tv *map_find(const struct tv *map, const char *key, size_t klen)
{
    if (!map || map->kind != TV_MAP) return NULL;
    for (size_t i = 0; i < map->u.map.n; i++) {
        const char *k = map->u.map.items[i].key;
        if (strncmp(k, key, klen) == 0 && k[klen] == '\0') return map->u.map.items[i].val;
    }
    return NULL;
}

/* Walks the rest of a dotted path (starting after the first segment). */
static const struct tv *walk(const struct tv *v, const char *rest)
{
    while (v && *rest == '.') {
        rest++;
        size_t n = strcspn(rest, ".");
        v = map_find(v, rest, n);
        rest += n;
    }
    return v;
}

const struct tv *tv_get(const struct tv *map, const char *path)
{
    size_t n = strcspn(path, ".");
    return walk(map_find(map, path, n), path + n);
}

/* ---- the parsed form ---- */

enum esc { ESC_TEXT, ESC_ATTR, ESC_URL };

enum node_kind { N_TEXT, N_VAR, N_MSG, N_IF, N_FOR, N_INCLUDE };

struct arg {
    const char *path; /* a value, or NULL for a literal */
    const char *lit;
};

struct node {
    enum node_kind kind;
    struct node *next;
    const char *text; /* N_TEXT: the bytes; N_VAR/N_IF/N_FOR: the path */
    size_t len;
    enum esc esc;
    bool negate;       /* N_IF */
    const char *var;   /* N_FOR: the loop variable */
    struct node *body; /* N_IF then, N_FOR body */
    struct node *alt;  /* N_IF else */
    enum msg_id msg;   /* N_MSG */
    struct arg args[MSG_ARGS_MAX];
    size_t nargs;
    const char *inc; /* N_INCLUDE: the name, resolved after loading into inc_t */
    const struct tmpl *inc_t;
    int line;
};

struct tmpl {
    const char *name;
    struct node *root;
};

struct tmpl_set {
    struct arena mem;
    struct tmpl *t;
    size_t n;
};

/* ---- the parser ---- */

enum hctx { H_TEXT, H_TAG, H_DQ, H_SQ, H_RAW, H_COMMENT };

struct parser {
    struct arena *a;
    const char *name;
    const char *p, *end;
    int line;
    char *why;
    size_t why_cap;
    bool failed;
    /* the HTML context after the text seen so far */
    enum hctx h;
    char tag[24];  /* the current tag's name, lower case */
    char attr[24]; /* the last attribute name in the current tag, lower case */
    char word[24]; /* the name being read inside a tag */
    bool tag_named;
    char raw_end[32]; /* "script" or "style" while in H_RAW */
};

static void perr(struct parser *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void perr(struct parser *ps, int line, const char *fmt, ...)
{
    if (ps->failed) return;
    ps->failed = true;
    if (!ps->why || !ps->why_cap) return;
    int n = snprintf(ps->why, ps->why_cap, "%s:%d: ", ps->name, line);
    if (n < 0 || (size_t)n >= ps->why_cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->why + n, ps->why_cap - (size_t)n, fmt, ap);
    va_end(ap);
}

static void lower_copy(char *dst, size_t cap, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n && i + 1 < cap; i++)
        dst[i] = (char)tolower((unsigned char)s[i]);
    dst[i] = '\0';
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_' || c == ':';
}

/* Moves the HTML context over literal text s[0..n). */
static void track(struct parser *ps, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        switch (ps->h) {
        case H_TEXT:
            if (c == '<' && n - i >= 4 && strncmp(s + i, "<!--", 4) == 0) {
                ps->h = H_COMMENT;
                i += 3;
            } else if (c == '<' && i + 1 < n &&
                       (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!')) {
                ps->h = H_TAG;
                ps->tag[0] = ps->attr[0] = ps->word[0] = '\0';
                ps->tag_named = false;
                if (s[i + 1] == '/') i++;
            }
            break;
        case H_TAG:
            if (is_name_char(c)) {
                size_t wl = strlen(ps->word);
                if (wl + 1 < sizeof(ps->word)) {
                    ps->word[wl] = (char)tolower((unsigned char)c);
                    ps->word[wl + 1] = '\0';
                }
            } else {
                if (ps->word[0] && !ps->tag_named) {
                    snprintf(ps->tag, sizeof(ps->tag), "%s", ps->word);
                    ps->tag_named = true;
                } else if (ps->word[0]) {
                    snprintf(ps->attr, sizeof(ps->attr), "%s", ps->word);
                }
                ps->word[0] = '\0';
                if (c == '"')
                    ps->h = H_DQ;
                else if (c == '\'')
                    ps->h = H_SQ;
                else if (c == '>') {
                    if (strcmp(ps->tag, "script") == 0 || strcmp(ps->tag, "style") == 0) {
                        snprintf(ps->raw_end, sizeof(ps->raw_end), "</%s", ps->tag);
                        ps->h = H_RAW;
                    } else {
                        ps->h = H_TEXT;
                    }
                }
            }
            break;
        case H_DQ:
            if (c == '"') ps->h = H_TAG;
            break;
        case H_SQ:
            if (c == '\'') ps->h = H_TAG;
            break;
        case H_RAW: {
            size_t rl = strlen(ps->raw_end);
            if (c == '<' && n - i >= rl && strncasecmp(s + i, ps->raw_end, rl) == 0) {
                ps->h = H_TAG;
                ps->tag_named = true; /* the closing tag */
                ps->tag[0] = ps->attr[0] = ps->word[0] = '\0';
                i += rl - 1;
            }
            break;
        }
        case H_COMMENT:
            if (c == '-' && n - i >= 3 && strncmp(s + i, "-->", 3) == 0) {
                ps->h = H_TEXT;
                i += 2;
            }
            break;
        }
    }
}

static bool is_url_attr(const char *a)
{
    static const char *const names[] = {"href",      "src",         "action", "formaction",
                                        "hx-get",    "hx-post",     "hx-put", "hx-patch",
                                        "hx-delete", "sse-connect", "poster", "cite"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (strcmp(a, names[i]) == 0) return true;
    return false;
}

static bool is_code_attr(const char *a)
{
    return strncmp(a, "on", 2) == 0 || strncmp(a, "hx-on", 5) == 0 || strcmp(a, "style") == 0 ||
           strcmp(a, "hx-vals") == 0 || strcmp(a, "hx-headers") == 0 || strcmp(a, "hx-vars") == 0;
}

/* The escaping for a value in the current context (explicit: what the tag
 * asked for, or -1); false (after perr) when values may not stand here. */
static bool value_context(struct parser *ps, int line, int explicit_esc, enum esc *out)
{
    switch (ps->h) {
    case H_TEXT:
        *out = explicit_esc >= 0 ? (enum esc)explicit_esc : ESC_TEXT;
        return true;
    case H_DQ:
    case H_SQ:
        if (is_code_attr(ps->attr)) {
            perr(ps, line, "a value in the attribute %s (script or style) is not allowed",
                 ps->attr);
            return false;
        }
        if (is_url_attr(ps->attr))
            *out = ESC_URL;
        else
            *out = explicit_esc >= 0 ? (enum esc)explicit_esc : ESC_ATTR;
        return true;
    case H_TAG:
        perr(ps, line, "a value inside a tag must be in a quoted attribute value");
        return false;
    case H_RAW:
        perr(ps, line, "a value inside <%s> is not allowed", ps->raw_end + 2);
        return false;
    case H_COMMENT:
        perr(ps, line, "a value inside an HTML comment is not allowed");
        return false;
    }
    return false;
}

/* Tokens inside {{ }} / {% %}: words, and "quoted literals". */
#define TOK_MAX 8
struct toks {
    const char *s[TOK_MAX];
    size_t n[TOK_MAX];
    bool quoted[TOK_MAX];
    size_t count;
};

static bool tokenize(struct parser *ps, int line, const char *s, size_t n, struct toks *t)
{
    size_t i = 0;
    t->count = 0;
    while (i < n) {
        if (isspace((unsigned char)s[i])) {
            i++;
            continue;
        }
        if (t->count == TOK_MAX) {
            perr(ps, line, "too many words in a tag");
            return false;
        }
        if (s[i] == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j++;
            if (j == n) {
                perr(ps, line, "unterminated string literal");
                return false;
            }
            t->s[t->count] = s + i + 1;
            t->n[t->count] = j - i - 1;
            t->quoted[t->count++] = true;
            i = j + 1;
        } else {
            size_t j = i;
            while (j < n && !isspace((unsigned char)s[j]) && s[j] != '"')
                j++;
            t->s[t->count] = s + i;
            t->n[t->count] = j - i;
            t->quoted[t->count++] = false;
            i = j;
        }
    }
    return true;
}

static bool tok_is(const struct toks *t, size_t i, const char *w)
{
    return i < t->count && !t->quoted[i] && t->n[i] == strlen(w) &&
           memcmp(t->s[i], w, t->n[i]) == 0;
}

/* A path: names of [A-Za-z0-9_] joined by single dots. */
static const char *path_tok(struct parser *ps, int line, const struct toks *t, size_t i)
{
    if (i >= t->count || t->quoted[i] || t->n[i] == 0) {
        perr(ps, line, "a value name is expected");
        return NULL;
    }
    const char *s = t->s[i];
    size_t n = t->n[i];
    bool dot_ok = false;
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '.') {
            if (!dot_ok || k + 1 == n) {
                perr(ps, line, "bad value name \"%.*s\"", (int)n, s);
                return NULL;
            }
            dot_ok = false;
        } else if (isalnum((unsigned char)s[k]) || s[k] == '_') {
            dot_ok = true;
        } else {
            perr(ps, line, "bad value name \"%.*s\"", (int)n, s);
            return NULL;
        }
    }
    const char *p = arena_strndup(ps->a, s, n);
    if (!p) perr(ps, line, "out of memory");
    return p;
}

static bool msg_lookup(const char *s, size_t n, enum msg_id *out)
{
    char key[96];
    if (n < 5 || n - 4 >= sizeof(key) || strncmp(s, "MSG_", 4) != 0) return false;
    lower_copy(key, sizeof(key), s + 4, n - 4);
    for (int i = 1; i < MSG_COUNT; i++) {
        if (strcmp(i18n_key((enum msg_id)i), key) == 0) {
            *out = (enum msg_id)i;
            return true;
        }
    }
    return false;
}

struct frame {
    struct node *n;     /* the N_IF or N_FOR */
    struct node **tail; /* where the next node of its current branch goes */
    int line;
};

/* Parses ps->p..end into a node list; false after perr. */
static bool parse(struct parser *ps, struct node **root)
{
    struct frame stack[32];
    size_t depth = 0;
    struct node **tail = root;
    *root = NULL;

    while (ps->p < ps->end && !ps->failed) {
        const char *open = NULL;
        for (const char *q = ps->p; q + 1 < ps->end; q++) {
            if (q[0] == '{' && (q[1] == '{' || q[1] == '%' || q[1] == '#')) {
                open = q;
                break;
            }
        }
        const char *lit_end = open ? open : ps->end;
        if (lit_end > ps->p) {
            struct node *t = arena_alloc(ps->a, sizeof(*t));
            if (!t) {
                perr(ps, ps->line, "out of memory");
                break;
            }
            t->kind = N_TEXT;
            t->text = ps->p;
            t->len = (size_t)(lit_end - ps->p);
            track(ps, t->text, t->len);
            for (const char *q = ps->p; q < lit_end; q++)
                if (*q == '\n') ps->line++;
            *tail = t;
            tail = &t->next;
        }
        if (!open) {
            ps->p = ps->end;
            break;
        }
        int line = ps->line;
        char kind = open[1];
        const char *close_pat = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
        const char *in = open + 2, *close = NULL;
        for (const char *q = in; q + 1 < ps->end; q++) {
            if (q[0] == close_pat[0] && q[1] == close_pat[1]) {
                close = q;
                break;
            }
        }
        if (!close) {
            perr(ps, line, "unclosed \"%.2s\"", open);
            break;
        }
        for (const char *q = in; q < close; q++)
            if (*q == '\n') ps->line++;
        ps->p = close + 2;
        if (kind == '#') continue;

        struct toks tk;
        if (!tokenize(ps, line, in, (size_t)(close - in), &tk)) break;
        if (tk.count == 0) {
            perr(ps, line, "empty tag");
            break;
        }
        struct node *nd = arena_alloc(ps->a, sizeof(*nd));
        if (!nd) {
            perr(ps, line, "out of memory");
            break;
        }

        if (kind == '{') {
            if (tok_is(&tk, 0, "t")) {
                nd->kind = N_MSG;
                if (tk.count < 2 || tk.quoted[1] || !msg_lookup(tk.s[1], tk.n[1], &nd->msg)) {
                    perr(ps, line, "unknown message id \"%.*s\"", tk.count < 2 ? 0 : (int)tk.n[1],
                         tk.count < 2 ? "" : tk.s[1]);
                    break;
                }
                int want = i18n_msg_nargs(nd->msg);
                if (want > MSG_ARGS_MAX) {
                    perr(ps, line, "message %.*s takes %d arguments, templates give at most %d",
                         (int)tk.n[1], tk.s[1], want, MSG_ARGS_MAX);
                    break;
                }
                if ((int)tk.count - 2 != want) {
                    perr(ps, line, "message %.*s takes %d argument(s), %zu given", (int)tk.n[1],
                         tk.s[1], want, tk.count - 2);
                    break;
                }
                for (size_t i = 2; i < tk.count; i++) {
                    struct arg *ag = &nd->args[nd->nargs++];
                    if (tk.quoted[i])
                        ag->lit = arena_strndup(ps->a, tk.s[i], tk.n[i]);
                    else if (!(ag->path = path_tok(ps, line, &tk, i)))
                        break;
                }
                if (!value_context(ps, line, ESC_ATTR, &nd->esc)) break;
                if (nd->esc == ESC_URL) nd->esc = ESC_ATTR; /* our own text: no scheme check */
            } else {
                int explicit_esc = -1;
                size_t at = 0;
                if (tk.count == 2 && tok_is(&tk, 0, "attr"))
                    explicit_esc = ESC_ATTR, at = 1;
                else if (tk.count == 2 && tok_is(&tk, 0, "url"))
                    explicit_esc = ESC_URL, at = 1;
                else if (tk.count != 1) {
                    perr(ps, line, "unknown value tag \"%.*s\"", (int)tk.n[0], tk.s[0]);
                    break;
                }
                nd->kind = N_VAR;
                if (!(nd->text = path_tok(ps, line, &tk, at))) break;
                if (!value_context(ps, line, explicit_esc, &nd->esc)) break;
            }
            *tail = nd;
            tail = &nd->next;
            continue;
        }

        /* {% ... %} */
        if (tok_is(&tk, 0, "if")) {
            nd->kind = N_IF;
            size_t at = 1;
            if (tok_is(&tk, 1, "not")) nd->negate = true, at = 2;
            if (tk.count != at + 1) {
                perr(ps, line, "expected {%% if [not] name %%}");
                break;
            }
            if (!(nd->text = path_tok(ps, line, &tk, at))) break;
        } else if (tok_is(&tk, 0, "for")) {
            nd->kind = N_FOR;
            if (tk.count != 4 || !tok_is(&tk, 2, "in")) {
                perr(ps, line, "expected {%% for x in name %%}");
                break;
            }
            if (!(nd->var = path_tok(ps, line, &tk, 1))) break;
            if (strchr(nd->var, '.')) {
                perr(ps, line, "a loop variable is one name");
                break;
            }
            if (!(nd->text = path_tok(ps, line, &tk, 3))) break;
        } else if (tok_is(&tk, 0, "else")) {
            if (tk.count != 1 || depth == 0 || stack[depth - 1].n->kind != N_IF ||
                stack[depth - 1].tail == &stack[depth - 1].n->alt) {
                perr(ps, line, "{%% else %%} without {%% if %%}");
                break;
            }
            stack[depth - 1].tail = &stack[depth - 1].n->alt;
            tail = stack[depth - 1].tail;
            continue;
        } else if (tok_is(&tk, 0, "end")) {
            if (tk.count != 1 || depth == 0) {
                perr(ps, line, "{%% end %%} without {%% if %%} or {%% for %%}");
                break;
            }
            depth--;
            tail = &stack[depth].n->next;
            if (depth > 0) stack[depth - 1].tail = tail;
            continue;
        } else if (tok_is(&tk, 0, "include")) {
            if (tk.count != 2 || !tk.quoted[1]) {
                perr(ps, line, "expected {%% include \"name.html\" %%}");
                break;
            }
            nd->kind = N_INCLUDE;
            nd->inc = arena_strndup(ps->a, tk.s[1], tk.n[1]);
            nd->line = line;
        } else {
            perr(ps, line, "unknown tag \"%.*s\"", (int)tk.n[0], tk.s[0]);
            break;
        }
        *tail = nd;
        tail = &nd->next;
        if (nd->kind == N_IF || nd->kind == N_FOR) {
            if (depth == ARRAY_SIZE(stack)) {
                perr(ps, line, "blocks nest too deep");
                break;
            }
            stack[depth++] = (struct frame){nd, &nd->body, line};
            tail = &nd->body;
        }
    }
    if (!ps->failed && depth > 0)
        perr(ps, stack[depth - 1].line, "{%% %s %%} is not closed with {%% end %%}",
             stack[depth - 1].n->kind == N_IF ? "if" : "for");
    return !ps->failed;
}

static const struct tmpl *find(const struct tmpl_set *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->t[i].name, name) == 0) return &set->t[i];
    return NULL;
}

/* Resolves every include under list; false after perr. */
static bool link_includes(struct parser *ps, const struct tmpl_set *set, struct node *list)
{
    for (struct node *nd = list; nd; nd = nd->next) {
        if (nd->kind == N_INCLUDE && !(nd->inc_t = find(set, nd->inc))) {
            perr(ps, nd->line, "include of unknown template \"%s\"", nd->inc);
            return false;
        }
        if (!link_includes(ps, set, nd->body) || !link_includes(ps, set, nd->alt)) return false;
    }
    return true;
}

op_rc tmpl_set_load(const struct tmpl_src *srcs, size_t n, struct tmpl_set **out, char *why,
                    size_t why_cap)
{
    op_rc rc = OP_OK;
    struct tmpl_set *set = calloc(1, sizeof(*set));
    if (why && why_cap) why[0] = '\0';
    if (!set) return OP_ERR_NOMEM;
    arena_init(&set->mem, 0);
    if (!(set->t = arena_alloc(&set->mem, (n ? n : 1) * sizeof(*set->t)))) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    for (size_t i = 0; i < n; i++) {
        struct parser ps = {.a = &set->mem,
                            .name = srcs[i].name,
                            .p = (const char *)srcs[i].data,
                            .end = (const char *)srcs[i].data + srcs[i].len,
                            .line = 1,
                            .why = why,
                            .why_cap = why_cap};
        set->t[i].name = srcs[i].name;
        if (!parse(&ps, &set->t[i].root)) {
            rc = OP_ERR_INVALID;
            goto end;
        }
        set->n = i + 1;
    }
    for (size_t i = 0; i < n; i++) {
        struct parser ps = {.name = srcs[i].name, .why = why, .why_cap = why_cap};
        if (!link_includes(&ps, set, set->t[i].root)) {
            rc = OP_ERR_INVALID;
            goto end;
        }
    }
end:
    if (rc) {
        tmpl_set_free(set);
        set = NULL;
    }
    *out = set;
    return rc;
}

void tmpl_set_free(struct tmpl_set *set)
{
    if (!set) return;
    arena_release(&set->mem);
    free(set);
}

bool tmpl_exists(const struct tmpl_set *set, const char *name)
{
    return find(set, name) != NULL;
}

/* ---- rendering ---- */

struct scope {
    const char *name;
    const struct tv *val;
    const struct scope *up;
};

struct render {
    enum lang lang;
    const struct tv *data;
    struct buf *out;
    int depth;
};

static const struct tv *lookup(const struct render *rd, const struct scope *sc, const char *path)
{
    size_t n = strcspn(path, ".");
    for (; sc; sc = sc->up)
        if (strncmp(sc->name, path, n) == 0 && sc->name[n] == '\0') return walk(sc->val, path + n);
    return walk(map_find(rd->data, path, n), path + n);
}

static bool truthy(const struct tv *v)
{
    if (!v) return false;
    switch (v->kind) {
    case TV_NULL:
        return false;
    case TV_STR:
    case TV_HTML:
        return v->u.s[0] != '\0';
    case TV_INT:
        return v->u.i != 0;
    case TV_BOOL:
        return v->u.b;
    case TV_LIST:
        return v->u.list.n > 0;
    case TV_MAP:
        return true;
    }
    return false;
}

static op_rc put_escaped(struct buf *out, const char *s)
{
    op_rc rc = OP_OK;
    const char *run = s;
    for (; *s && rc == OP_OK; s++) {
        const char *rep;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        if (s > run) rc = buf_append(out, run, (size_t)(s - run));
        if (rc == OP_OK) rc = buf_puts(out, rep);
        run = s + 1;
    }
    if (rc == OP_OK && s > run) rc = buf_append(out, run, (size_t)(s - run));
    return rc;
}

/* Whether s is a URL we let the browser follow: relative, or of a scheme we
 * know to be inert. Anything odd before the first ':' (spaces, controls,
 * entities) counts as a scheme we do not know. */
static bool url_safe(const char *s)
{
    size_t n = strcspn(s, ":/?#");
    if (s[n] != ':') return true; /* no scheme: relative */
    static const char *const ok[] = {"http", "https", "mailto"};
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
        if (strlen(ok[i]) == n && strncasecmp(s, ok[i], n) == 0) return true;
    return false;
}

static op_rc put_value(struct render *rd, const struct tv *v, enum esc esc)
{
    char num[32];
    const char *s = "";
    if (!v) return OP_OK;
    switch (v->kind) {
    case TV_STR:
        s = v->u.s;
        break;
    case TV_HTML:
        if (esc == ESC_TEXT) return buf_puts(rd->out, v->u.s);
        s = v->u.s;
        break;
    case TV_INT:
        snprintf(num, sizeof(num), "%" PRId64, v->u.i);
        s = num;
        break;
    case TV_BOOL:
        s = v->u.b ? "true" : "false";
        break;
    default:
        return OP_OK; /* lists and maps have no text */
    }
    if (esc == ESC_URL && !url_safe(s)) s = "#";
    return put_escaped(rd->out, s);
}

static op_rc arg_text(struct render *rd, const struct scope *sc, const struct arg *ag, char *tmp,
                      size_t cap, const char **out)
{
    if (ag->lit) {
        *out = ag->lit;
        return OP_OK;
    }
    const struct tv *v = lookup(rd, sc, ag->path);
    *out = "";
    if (!v) return OP_OK;
    if (v->kind == TV_STR || v->kind == TV_HTML)
        *out = v->u.s;
    else if (v->kind == TV_INT)
        snprintf(tmp, cap, "%" PRId64, v->u.i), *out = tmp;
    else if (v->kind == TV_BOOL)
        *out = v->u.b ? "true" : "false";
    return OP_OK;
}

static op_rc render_list(struct render *rd, const struct scope *sc, const struct node *nd);

static op_rc render_msg(struct render *rd, const struct scope *sc, const struct node *nd)
{
    char tmp[MSG_ARGS_MAX][32];
    const char *args[MSG_ARGS_MAX];
    for (size_t i = 0; i < nd->nargs; i++)
        arg_text(rd, sc, &nd->args[i], tmp[i], sizeof(tmp[i]), &args[i]);
    if (nd->nargs == 0) return put_escaped(rd->out, i18n_text(rd->lang, nd->msg));
    /* messages with arguments are short labels; the cap only guards */
    char text[4096];
    i18n_format(rd->lang, nd->msg, args, nd->nargs, text, sizeof(text));
    return put_escaped(rd->out, text);
}

static op_rc render_list(struct render *rd, const struct scope *sc, const struct node *nd)
{
    op_rc rc = OP_OK;
    for (; nd && rc == OP_OK; nd = nd->next) {
        switch (nd->kind) {
        case N_TEXT:
            rc = buf_append(rd->out, nd->text, nd->len);
            break;
        case N_VAR:
            rc = put_value(rd, lookup(rd, sc, nd->text), nd->esc);
            break;
        case N_MSG:
            rc = render_msg(rd, sc, nd);
            break;
        case N_IF: {
            bool yes = truthy(lookup(rd, sc, nd->text)) != nd->negate;
            rc = render_list(rd, sc, yes ? nd->body : nd->alt);
            break;
        }
        case N_FOR: {
            const struct tv *l = lookup(rd, sc, nd->text);
            if (!l || l->kind != TV_LIST) break;
            for (size_t i = 0; i < l->u.list.n && rc == OP_OK; i++) {
                struct scope inner = {nd->var, l->u.list.items[i], sc};
                rc = render_list(rd, &inner, nd->body);
            }
            break;
        }
        case N_INCLUDE:
            if (rd->depth >= INCLUDE_DEPTH_MAX) return OP_ERR_INVALID;
            rd->depth++;
            rc = render_list(rd, sc, nd->inc_t->root);
            rd->depth--;
            break;
        }
    }
    return rc;
}

op_rc tmpl_render(const struct tmpl_set *set, const char *name, enum lang lang,
                  const struct tv *data, struct buf *out)
{
    const struct tmpl *t = find(set, name);
    if (!t) return OP_ERR_NOTFOUND;
    struct render rd = {.lang = lang, .data = data, .out = out};
    return render_list(&rd, NULL, t->root);
}

op_rc tmpl_render_fragment(const struct tmpl_set *set, const char *name, enum lang lang,
                           const struct tv *data, struct arena *a, struct tv **out)
{
    struct buf b = BUF_INIT((size_t)4 << 20);
    struct tv *v = NULL;
    op_rc rc = tmpl_render(set, name, lang, data, &b);
    if (rc) goto end;
    if (!(v = tv_new(a, TV_HTML)) || !(v->u.s = arena_strdup(a, buf_str(&b)))) {
        v = NULL;
        rc = OP_ERR_NOMEM;
    }
end:
    buf_release(&b);
    *out = v;
    return rc;
}
