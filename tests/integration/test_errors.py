"""Every class of error (docs/api.md, "Errors"): the status, the body
{code, message, message_id, field}, the language of the message, and that a
refused request changes nothing."""

from harness import (CYRILLIC_RE, World, check, eq, expect, expect_err)

BODY_MAX = 65536


class Ctx:
    pass


def setup():
    w = World("errors", env={"OPORA_BODY_MAX": BODY_MAX, "OPORA_ATTACHMENT_MAX": 4 * BODY_MAX})
    x = Ctx()
    x.w = w
    x.cust = w.user("customer")
    x.t = w.ticket(requester=x.cust, tags=["keep"], custom_fields={"plan": "basic"})
    return x


def teardown(x):
    x.w.finish()


class Unchanged:
    """Asserts that ticket t and its events, comments and the ticket count are
    as they were when the block began."""

    def __init__(self, x, what):
        self.x, self.what = x, what

    def snapshot(self):
        w, tid = self.x.w, self.x.t["id"]
        return (w.get_ticket(tid), len(w.events(tid)), len(w.comments(tid)),
                expect(w.admin.get("/tickets/count"), 200)["count"])

    def __enter__(self):
        self.before = self.snapshot()
        return self

    def __exit__(self, et, ev, tb):
        if et is None:
            eq(self.snapshot(), self.before, "state after %s (ticket, events, comments, count)"
               % self.what)
        return False


def tpath(x):
    return "/tickets/%d" % x.t["id"]


def test_malformed_json_400(x):
    w = x.w
    with Unchanged(x, "malformed JSON"):
        for raw in (b"{", b'{"subject": }', b"not json", b'{"subject": "a",}', b"",
                    b'{"subject": "a", "subject": "b"}'):
            expect_err(w.admin.post("/tickets", raw=raw, ctype="application/json"), 400,
                       what="POST %r" % raw)
            expect_err(w.admin.patch(tpath(x), raw=raw, ctype="application/json"), 400,
                       what="PATCH %r" % raw)
        for raw in (b"[]", b'"a string"', b"42", b"null"):
            expect_err(w.admin.post("/tickets", raw=raw, ctype="application/json"), 400,
                       what="POST %r (not an object)" % raw)


def test_wrong_content_type_415(x):
    w = x.w
    body = b'{"subject": "typed wrong", "requester_id": %d}' % x.cust.user["id"]
    with Unchanged(x, "wrong content type"):
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                      "application/jsonx", None):
            expect_err(w.admin.post("/tickets", raw=body, ctype=ctype), 415, what=str(ctype))
        expect_err(w.admin.patch(tpath(x), raw=b'{"priority": "low"}', ctype="text/plain"), 415)
    expect(w.admin.post("/tickets", raw=body, ctype="application/json; charset=utf-8"), 201,
           what="application/json with a charset")


def test_wrong_types_422(x):
    w = x.w
    cases = [
        ({"subject": 5}, "subject"),
        ({"subject": None}, "subject"),
        ({"subject": ["a"]}, "subject"),
        ({"priority": 3}, "priority"),
        ({"priority": True}, "priority"),
        ({"group_id": "abc"}, "group_id"),
        ({"group_id": 1.5}, "group_id"),
        ({"group_id": -3}, "group_id"),
        ({"assignee_id": "7"}, "assignee_id"),
        ({"tags": "a b"}, "tags"),
        ({"tags": [1, 2]}, "tags"),
        ({"custom_fields": "x"}, "custom_fields"),
        ({"custom_fields": []}, "custom_fields"),
        ({"add_tags": {"a": 1}}, "add_tags"),
        ({"comment": "hello"}, "comment"),
    ]
    with Unchanged(x, "wrong types"):
        for body, field in cases:
            r = w.admin.patch(tpath(x), body)
            expect(r, 422, "invalid", what="PATCH %r" % body)
            check(r.err.get("field", "").split("[")[0] == field,
                  "field of PATCH %r: %s" % (body, r.describe()))
        r = w.admin.post("/tickets", {"subject": "x", "requester_id": "5"})
        expect_err(r, 422, field="requester_id")
        r = w.admin.post("/tickets", {"subject": "x", "requester_id": x.cust.user["id"],
                                      "comment": {"body": "x", "public": "no"}})
        expect(r, 422, "invalid")
        check("public" in r.err.get("field", ""), "field of comment.public: %s" % r.describe())


def test_required_enum_unknown_fields_422(x):
    w = x.w
    with Unchanged(x, "missing, unknown values and unknown fields"):
        expect_err(w.admin.post("/tickets", {"requester_id": x.cust.user["id"]}), 422,
                   field="subject")
        expect_err(w.admin.post("/tickets", {"subject": "   ", "requester_id": x.cust.user["id"]}),
                   422, field="subject")
        r = w.admin.post("/tickets", {"subject": "x"})
        expect(r, 422, "invalid", what="no requester")
        check(r.err.get("field", "").startswith("requester"), "field: %s" % r.describe())
        for field, value in (("priority", "extreme"), ("status", "done"), ("type", "rant"),
                             ("channel", "pigeon")):
            r = w.admin.post("/tickets", {"subject": "x", "requester_id": x.cust.user["id"],
                                          field: value})
            expect_err(r, 422, field=field, what="unknown %s" % field)
            eq(r.err["message_id"], "err_enum", "message_id of an unknown %s" % field)
            check(value in r.err["message"], "message does not name the value: %s" % r.describe())
        r = w.admin.patch(tpath(x), {"status": "done"})
        expect_err(r, 422, field="status")
        for body, field in (({"subjekt": "typo"}, "subjekt"), ({"priority": "low", "color": 1},
                                                                 "color")):
            expect_err(w.admin.patch(tpath(x), body), 422, field=field, what="unknown field")
        expect_err(w.admin.post("/tickets", {"subject": "x", "requester_id": x.cust.user["id"],
                                             "secret": True}), 422, field="secret")
        # a valid field next to a bad one: nothing of it is applied
        expect_err(w.admin.patch(tpath(x), {"priority": "urgent", "status": "bogus"}), 422,
                   field="status")
        expect_err(w.admin.patch(tpath(x), {"priority": "urgent", "add_tags": ["new"],
                                            "comment": {"body": "lost", "public": True},
                                            "group_id": 987654321}), 422, field="group_id")
        r = w.admin.patch(tpath(x), {"priority": "urgent", "comment": {"body": ""}})
        expect(r, 422, "invalid")
        check("body" in r.err.get("field", ""), "field: %s" % r.describe())


def test_lengths_and_utf8(x):
    w = x.w
    with Unchanged(x, "over-long strings and bad UTF-8"):
        r = w.admin.post("/tickets", {"subject": "a" * 256, "requester_id": x.cust.user["id"]})
        expect_err(r, 422, field="subject", what="256-character subject")
        eq(r.err["message_id"], "err_too_long", "message_id")
        expect_err(w.admin.patch(tpath(x), {"subject": "я" * 256}), 422, field="subject")
        expect_err(w.admin.patch(tpath(x), {"subject": "line\nbreak"}), 422, field="subject")
        expect_err(w.admin.patch(tpath(x), {"tags": ["t" * 65]}), 422)
        # invalid UTF-8 inside a JSON string, and outside one
        for raw in (b'{"subject": "caf\xe9"}', b'{"subject": "\xff\xfe"}',
                    b'{"subject": "\xd0"}', b'{"subject": "ok"}\xff'):
            expect_err(w.admin.patch(tpath(x), raw=raw, ctype="application/json"), 400,
                       what="PATCH %r" % raw)
        # a JSON escape of a lone surrogate is not a character either
        r = w.admin.patch(tpath(x), raw=b'{"subject": "\\ud800"}', ctype="application/json")
        check(r.status in (400, 422), "lone surrogate: %s" % r.describe())
    s = "Ж" * 255
    t = expect(w.admin.post("/tickets", {"subject": s, "requester_id": x.cust.user["id"]}), 201,
               what="255 Cyrillic characters")
    eq(w.get_ticket(t["id"])["subject"], s, "255 Cyrillic characters stored intact")
    expect(w.admin.patch("/tickets/%d" % t["id"], {"subject": "z" * 255}), 200)


def test_body_over_cap_413(x):
    w = x.w
    big = {"subject": "big", "requester_id": x.cust.user["id"], "description": "d" * (BODY_MAX + 10)}
    with Unchanged(x, "bodies over the cap"):
        expect_err(w.admin.post("/tickets", big), 413)
        expect_err(w.admin.patch(tpath(x), {"description": "d" * (BODY_MAX * 4)}), 413)
        expect_err(w.admin.post(tpath(x) + "/comments", {"body": "b" * (BODY_MAX * 2)}), 413)
    # a chunked body has no Content-Length to refuse up front: it is cut off at the cap
    chunk = b" " * 8192
    with Unchanged(x, "a chunked body over the cap"):
        raw = [b'{"subject": "chunked", "requester_id": %d, "description": "' % x.cust.user["id"]]
        raw += [b"d" * 8192] * (BODY_MAX // 8192 + 4) + [b'"}']
        expect_err(w.admin.post("/tickets", raw=raw, ctype="application/json"), 413,
                   what="chunked body over the cap")
        expect_err(w.admin.post("/attachments", raw=[chunk] * 40, ctype="text/plain",
                                query={"filename": "c.txt"}), 413, what="chunked upload over the cap")
    t = expect(w.admin.post("/tickets", raw=[b'{"subject": "small chunked", ',
                                             b'"requester_id": %d}' % x.cust.user["id"]],
                            ctype="application/json"), 201, what="a small chunked body")
    eq(t["subject"], "small chunked", "subject of a chunked body")
    # just under the cap is read (and then judged on its merits)
    ok = {"subject": "fits", "requester_id": x.cust.user["id"], "description": "d" * 60000}
    expect(w.admin.post("/tickets", ok), 201, what="a body under the cap")


def test_hostile_strings_are_data(x):
    """Quotes, SQL and FTS syntax in parameters are data: never a 500."""
    w = x.w
    for tag in ("x' OR 1=1 --", 'a"b', "%", "_", "\\"):
        d = expect(w.admin.get("/tickets", query={"tag": tag}), 200, what="tag=%r" % tag)
        eq(d["tickets"], [], "tickets tagged %r" % tag)
    for q in ('"оплату', "NEAR(a b", "*", "a OR", "AND", "subject:x", "a -b", "^x", "(((",
              "' OR 1=1 --", "x" * 300):
        r = w.admin.get("/search", query={"q": q})
        check(r.status in (200, 422), "search q=%r: %s" % (q, r.describe()))
        if r.status == 422:
            expect_err(r, 422, field="q")
    r = w.admin.get("/users", query={"q": "%' OR '1'='1"})
    eq(expect(r, 200)["users"], [], "users matching a SQL-looking prefix")
    r = w.admin.get("/tickets?status=%00new")
    check(r.status in (400, 422), "a NUL in the query string: %s" % r.describe())


def test_unknown_ids_404(x):
    w = x.w
    n = 987654321
    with Unchanged(x, "unknown ids"):
        for method, path, body in (
                ("GET", "/tickets/%d" % n, None), ("PATCH", "/tickets/%d" % n, {"priority": "low"}),
                ("GET", "/tickets/%d/comments" % n, None),
                ("POST", "/tickets/%d/comments" % n, {"body": "x"}),
                ("GET", "/tickets/%d/events" % n, None), ("GET", "/tickets/%d/links" % n, None),
                ("POST", "/tickets/%d/links" % n, {"kind": "related", "ticket_id": x.t["id"]}),
                ("DELETE", "/tickets/%d/links/%d" % (x.t["id"], n), None),
                ("POST", "/tickets/%d/merge" % n, {"source_ids": [x.t["id"]]}),
                ("POST", "/tickets/%d/escalate" % n, {"group_id": 1, "reason": "x"}),
                ("POST", "/tickets/%d/handback" % n, {"reason": "x"}),
                ("POST", "/tickets/%d/macros/1/apply" % n, None),
                ("GET", "/users/%d" % n, None), ("PATCH", "/users/%d" % n, {"name": "x"}),
                ("GET", "/organizations/%d" % n, None),
                ("PATCH", "/organizations/%d" % n, {"name": "x"}),
                ("GET", "/groups/%d" % n, None), ("PATCH", "/groups/%d" % n, {"name": "x"}),
                ("GET", "/macros/%d" % n, None), ("PATCH", "/macros/%d" % n, {"name": "x"}),
                ("DELETE", "/macros/%d" % n, None), ("DELETE", "/me/tokens/%d" % n, None),
                ("GET", "/attachments/%d" % n, None), ("GET", "/attachments/%d/content" % n, None),
                ("GET", "/tickets/99999999999999999999999", None),
                ("GET", "/tickets/0", None), ("GET", "/tickets/-1", None)):
            kw = {} if body is None else {"body": body}
            expect_err(w.admin.request(method, path, **kw), 404, what="%s %s" % (method, path))


def test_unknown_route_404_and_method_405(x):
    w = x.w
    for path in ("/api/v1/nope", "/api/v1/tickets/1/nope", "/api/v2/tickets", "/nope",
                 "/api/v1/tickets/%d/comments/extra/deep" % x.t["id"]):
        expect_err(w.admin.get(path), 404, what="GET " + path)
    with Unchanged(x, "wrong methods"):
        for method, path in (("DELETE", "/tickets"), ("PUT", "/tickets/%d" % x.t["id"]),
                             ("DELETE", "/tickets/%d" % x.t["id"]), ("POST", "/tickets/count"),
                             ("PATCH", "/tickets/%d/comments" % x.t["id"]), ("POST", "/me"),
                             ("DELETE", "/users/%d" % x.cust.user["id"]), ("POST", "/search"),
                             ("PUT", "/healthz")):
            r = w.admin.request(method, path, **({"body": {}} if method != "DELETE" else {}))
            expect_err(r, 405, what="%s %s" % (method, path))


def test_messages_in_russian(x):
    w = x.w
    # no credentials: Accept-Language decides
    r = w.anon(lang="ru").get("/tickets")
    expect_err(r, 401)
    check(CYRILLIC_RE.search(r.err["message"]), "401 message for Accept-Language ru: %s"
          % r.describe())
    r = w.anon(lang="ru-RU,ru;q=0.9,en;q=0.5").get("/me")
    check(CYRILLIC_RE.search(r.err.get("message", "")), "ru-RU with q-values: %s" % r.describe())
    r = w.anon(lang="en").get("/tickets")
    check(not CYRILLIC_RE.search(r.err["message"]), "401 message for en: %s" % r.describe())
    # a user without a profile language: Accept-Language decides
    ru = w.srv.client(token=w.admin.token, lang="ru")
    r = ru.post("/tickets", {"subject": "a" * 256, "requester_id": x.cust.user["id"]})
    expect_err(r, 422, field="subject")
    eq(r.err["message_id"], "err_too_long", "message_id does not change with the language")
    # the profile wins when there is one
    cru = w.user("customer", lang="ru")
    r = cru.get("/tickets/987654321")
    expect_err(r, 404)
    check(CYRILLIC_RE.search(r.err["message"]), "profile language ru: %s" % r.describe())
    r = cru.post("/tickets", {"subject": "x", "priority": "urgent"})
    expect_err(r, 403, field="priority")
    check(CYRILLIC_RE.search(r.err["message"]), "403 in Russian: %s" % r.describe())
    r = cru.post("/tickets", raw=b"{", ctype="application/json")
    expect_err(r, 400)
    check(CYRILLIC_RE.search(r.err["message"]), "400 in Russian: %s" % r.describe())
    cen = w.user("customer", lang="en")
    r = w.srv.client(token=cen.token, lang="ru").get("/tickets/987654321")
    check(not CYRILLIC_RE.search(r.err["message"]), "profile en beats Accept-Language ru: %s"
          % r.describe())
