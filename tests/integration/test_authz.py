"""The authorization matrix: what each role may see and do. Anything the
caller may not see answers 404, exactly as if it did not exist."""

import re

from harness import (World, check, eq, expect, expect_err, uniq)


class Ctx:
    pass


def setup():
    w = World("authz")
    x = Ctx()
    x.w = w
    x.shared = w.org(shared=True)
    x.private = w.org(shared=False)
    x.a = w.user("customer")
    x.b = w.user("customer")
    x.s1 = w.user("customer", org=x.shared["id"])
    x.s2 = w.user("customer", org=x.shared["id"])
    x.p1 = w.user("customer", org=x.private["id"])
    x.p2 = w.user("customer", org=x.private["id"])
    x.g1 = w.group("l1")
    x.g2 = w.group("l1")
    x.ag1 = w.user("agent", groups=[x.g1["id"]])
    x.ag2 = w.user("agent", groups=[x.g2["id"]])
    x.lead = w.user("lead", level="senior")
    x.ta = expect(x.a.post("/tickets", {"subject": "A's secret " + uniq()}), 201)
    x.tb = expect(x.b.post("/tickets", {"subject": "B's secret zanzibar"}), 201)
    expect(w.admin.post("/tickets/%d/comments" % x.tb["id"], {"body": "hello B"}), 201)
    x.ts1 = expect(x.s1.post("/tickets", {"subject": "shared one"}), 201)
    x.ts2 = expect(x.s2.post("/tickets", {"subject": "shared two"}), 201)
    x.tp1 = expect(x.p1.post("/tickets", {"subject": "private one"}), 201)
    x.tp2 = expect(x.p2.post("/tickets", {"subject": "private two"}), 201)
    x.tg1 = w.ticket(requester=x.a, group_id=x.g1["id"], subject="quasar in group one")
    x.tg2 = w.ticket(requester=x.a, group_id=x.g2["id"], subject="quasar in group two")
    return x


def teardown(x):
    x.w.finish()


def visible_ids(c, **q):
    d = expect(c.get("/tickets", query=dict(q, limit=100)), 200)
    return {t["id"] for t in d["tickets"]}


def links_of(w, tid):
    return expect(w.admin.get("/tickets/%d/links" % tid), 200)["links"]


def not_found_shape(r):
    """The 404 body with any number taken out: what a prober could compare."""
    e = r.err
    return (r.status, e.get("code"), e.get("message_id"), re.sub(r"\d+", "N", e.get("message", "")))


def test_customer_cannot_touch_anothers_ticket(x):
    w, a, tb = x.w, x.a, x.tb
    tid = tb["id"]
    before = (w.get_ticket(tid), len(w.events(tid)), len(w.comments(tid)))
    probes = [
        ("GET", "/tickets/%d" % tid, None),
        ("PATCH", "/tickets/%d" % tid, {"status": "solved"}),
        ("GET", "/tickets/%d/comments" % tid, None),
        ("POST", "/tickets/%d/comments" % tid, {"body": "let me in"}),
        ("GET", "/tickets/%d/events" % tid, None),
        ("GET", "/tickets/%d/links" % tid, None),
        ("POST", "/tickets/%d/links" % tid, {"kind": "related", "ticket_id": x.ta["id"]}),
        ("POST", "/tickets/%d/merge" % tid, {"source_ids": [x.ta["id"]]}),
        ("POST", "/tickets/%d/escalate" % tid, {"group_id": x.g1["id"], "reason": "x"}),
        ("POST", "/tickets/%d/handback" % tid, {"reason": "x"}),
    ]
    bad = []
    for method, path, body in probes:
        kw = {} if body is None else {"body": body}
        r = a.request(method, path, **kw)
        if r.status != 404 or r.err.get("code") != "not_found":
            bad.append(r.describe())
    # pointing at B's ticket from A's own
    for method, path, body in (
            ("POST", "/tickets/%d/merge" % x.ta["id"], {"source_ids": [tid]}),
            ("POST", "/tickets/%d/links" % x.ta["id"], {"kind": "related", "ticket_id": tid})):
        r = a.request(method, path, body=body)
        check(r.status in (403, 404), "customer A names B's ticket: %s" % r.describe())
    eq(visible_ids(a) & {tid}, set(), "B's ticket in A's list")
    eq(visible_ids(a, requester_id=x.b.user["id"]), set(), "A filtering by B")
    eq(expect(a.get("/tickets/count", query={"requester_id": x.b.user["id"]}), 200)["count"], 0,
       "A counting B's tickets")
    d = expect(a.get("/search", query={"q": "zanzibar"}), 200)
    eq(d["results"], [], "A searching B's words")
    eq((w.get_ticket(tid), len(w.events(tid)), len(w.comments(tid))), before,
       "B's ticket after A's probes")
    check(not bad, "customer A on B's ticket must get 404 not_found; got: " + " | ".join(bad))


def test_sequential_ids_leak_nothing(x):
    w, a = x.w, x.a
    mine = {x.ta["id"]} | {t["id"] for t in (x.tg1, x.tg2)}
    top = expect(w.admin.get("/tickets", query={"sort": "created", "limit": 1}), 200)["tickets"][0]
    shapes = set()
    for tid in range(1, top["id"] + 6):
        r = a.get("/tickets/%d" % tid)
        if tid in mine:
            expect(r, 200)
            continue
        expect_err(r, 404, what="customer A guesses ticket %d" % tid)
        shapes.add(not_found_shape(r))
    eq(len(shapes), 1, "404s of existing and missing tickets differ: %r" % shapes)


def test_organization_sharing(x):
    w = x.w
    expect(x.s1.get("/tickets/%d" % x.ts2["id"]), 200, what="shared org: s1 reads s2's ticket")
    eq(visible_ids(x.s1) >= {x.ts1["id"], x.ts2["id"]}, True, "shared org list")
    expect(x.s2.post("/tickets/%d/comments" % x.ts1["id"], {"body": "me too"}), 201,
           what="shared org: s2 replies on s1's ticket")
    expect_err(x.p1.get("/tickets/%d" % x.tp2["id"]), 404, what="private org: p1 reads p2's")
    eq(visible_ids(x.p1), {x.tp1["id"]}, "private org list")
    expect_err(x.s1.get("/tickets/%d" % x.tp1["id"]), 404, what="other org")
    # switching sharing off hides them again
    expect(w.admin.patch("/organizations/%d" % x.shared["id"], {"shared_tickets": False}), 200)
    try:
        expect_err(x.s1.get("/tickets/%d" % x.ts2["id"]), 404, what="after sharing is off")
        eq(visible_ids(x.s1), {x.ts1["id"]}, "list after sharing is off")
    finally:
        expect(w.admin.patch("/organizations/%d" % x.shared["id"], {"shared_tickets": True}), 200)


def test_agent_scope_groups(x):
    w, ag1 = x.w, x.ag1
    ungrouped = x.ta  # no group: the triage queue
    expect(ag1.get("/tickets/%d" % x.tg1["id"]), 200, what="agent reads own group's ticket")
    expect(ag1.get("/tickets/%d" % ungrouped["id"]), 200, what="agent reads an ungrouped ticket")
    expect_err(ag1.get("/tickets/%d" % x.tg2["id"]), 404, what="agent reads another group's")
    expect_err(ag1.patch("/tickets/%d" % x.tg2["id"], {"priority": "low"}), 404)
    expect_err(ag1.post("/tickets/%d/comments" % x.tg2["id"], {"body": "x"}), 404)
    expect_err(ag1.get("/tickets/%d/events" % x.tg2["id"]), 404)
    seen = visible_ids(ag1)
    check(x.tg1["id"] in seen and ungrouped["id"] in seen and x.tg2["id"] not in seen,
          "agent's list: %r" % sorted(seen))
    eq(expect(ag1.get("/tickets/count", query={"group_id": x.g2["id"]}), 200)["count"], 0,
       "agent counts another group's tickets")
    found = {r["ticket"]["id"] for r in expect(ag1.get("/search", query={"q": "quasar"}),
                                               200)["results"]}
    eq(found, {x.tg1["id"]}, "agent searching: only their group's ticket")
    # naming a ticket they cannot see in a body answers as for one that does not exist
    for path, body, ghost in (
            ("/tickets/%d/merge" % x.tg1["id"], {"source_ids": [x.tg2["id"]]},
             {"source_ids": [987654321]}),
            ("/tickets/%d/links" % x.tg1["id"], {"kind": "related", "ticket_id": x.tg2["id"]},
             {"kind": "related", "ticket_id": 987654321})):
        r1, r2 = ag1.post(path, body), ag1.post(path, ghost)
        check(r1.status >= 400, "agent names an invisible ticket: %s" % r1.describe())
        eq(not_found_shape(r1), not_found_shape(r2),
           "invisible vs missing ticket in POST %s" % path)
    eq(w.get_ticket(x.tg2["id"])["status"], "new", "the invisible ticket after the attempts")
    eq(links_of(w, x.tg1["id"]), [], "links after the attempts")
    # their own: assigned to them, even after leaving that group
    g3 = w.group("l1", members=[ag1.user["id"]])
    t = w.ticket(requester=x.a, group_id=g3["id"], assignee_id=ag1.user["id"])
    expect(w.admin.patch("/groups/%d" % g3["id"], {"member_ids": []}), 200)
    expect(ag1.get("/tickets/%d" % t["id"]), 200, what="agent reads a ticket assigned to them")
    check(t["id"] in visible_ids(ag1), "assigned ticket missing from the agent's list")
    expect_err(x.ag2.get("/tickets/%d" % t["id"]), 404, what="another agent")
    # leads and admins see everything
    for who in (x.lead, w.admin):
        for t in (x.tb, x.tg1, x.tg2, x.tp1):
            expect(who.get("/tickets/%d" % t["id"]), 200)


def test_agent_scope_all():
    w = World("authz-all", env={"OPORA_AGENT_SCOPE": "all"})
    try:
        g1, g2 = w.group("l1"), w.group("l1")
        ag = w.user("agent", groups=[g1["id"]])
        c = w.user("customer")
        t = w.ticket(requester=c, group_id=g2["id"])
        expect(ag.get("/tickets/%d" % t["id"]), 200, what="agent_scope=all: another group's")
    finally:
        w.stop()


def test_people_rules(x):
    w = x.w
    expect(x.a.get("/users"), 403, "forbidden", what="a customer lists users")
    expect_err(x.a.get("/users/%d" % x.b.user["id"]), 404)
    expect_err(x.a.patch("/users/%d" % x.b.user["id"], {"name": "pwned"}), 404)
    expect(x.ag1.post("/users", {"name": "Root", "email": uniq("root") + "@example.com",
                                 "role": "admin", "level": "senior"}), 403, "forbidden",
           what="an agent creates an admin")
    expect(x.a.get("/events"), 403, "forbidden", what="customer reads the feed")
    expect(x.ag1.get("/events"), 403, "forbidden", what="agent reads the feed")
    expect(x.lead.get("/events"), 200, what="lead reads the feed")
    eq(expect(w.admin.get("/users/%d" % x.b.user["id"]), 200)["name"], x.b.user["name"],
       "B after A's attempt")


def test_no_or_bad_credentials_401(x):
    w = x.w
    anon = w.anon()
    for method, path in (("GET", "/tickets"), ("GET", "/tickets/%d" % x.ta["id"]),
                         ("POST", "/tickets"), ("GET", "/me"), ("GET", "/users"),
                         ("GET", "/events"), ("GET", "/search?q=x"), ("GET", "/tickets/987654")):
        kw = {"body": {"subject": "x"}} if method == "POST" else {}
        expect_err(anon.request(method, path, **kw), 401, what="anonymous %s %s" % (method, path))
    for tok in ("opo_" + "0" * 40, "garbage", w.admin.token + "x", ""):
        expect_err(w.srv.client(token=tok).get("/me"), 401, what="token %r" % tok[:12])
    for hdr in ("Basic YWRtaW46YWRtaW4=", "Bearer", "bearer " + w.admin.token[:-1]):
        expect_err(anon.get("/me", headers={"Authorization": hdr}), 401, what="Authorization %r" % hdr)
    expect_err(anon.get("/me", headers={"Cookie": "opora_session=forged"}), 401)
    expect(anon.get("/healthz"), 200, what="healthz needs no credentials")
