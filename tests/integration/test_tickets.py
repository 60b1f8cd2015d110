"""Tickets: create, get, patch, tags, custom fields, list/count/sort/pages,
the state machine, comments and events (docs/api.md, "Tickets")."""

import random

from harness import (TIME_RE, Soft, World, check, eq, expect, expect_err, sv, uniq,
                     walk_tickets)

TICKET_KEYS = {"id", "subject", "description", "status", "priority", "type", "channel",
               "requester_id", "requester_ids", "organization_id", "group_id", "assignee_id",
               "tags", "custom_fields", "merged_into", "created_at", "updated_at", "solved_at",
               "closed_at", "sla_due_at", "sla_breached"}
COMMENT_KEYS = {"id", "ticket_id", "author_id", "public", "body", "via", "origin_ticket_id",
                "attachment_ids", "created_at"}
EVENT_KEYS = {"id", "action_id", "entity", "entity_id", "at", "actor_id", "via", "kind", "field",
              "old", "new", "data"}
PRIO_RANK = {"low": 0, "normal": 1, "high": 2, "urgent": 3}


class Ctx:
    pass


def setup():
    w = World("tickets")
    x = Ctx()
    x.w = w
    x.org = w.org()
    x.cust = w.user("customer", org=x.org["id"])
    x.cust2 = w.user("customer")
    x.g1 = w.group("l1")
    x.g2 = w.group("l1")
    x.a1 = w.user("agent", level="junior", groups=[x.g1["id"]])
    x.a2 = w.user("agent", level="junior", groups=[x.g2["id"]])
    x.free_agent = w.user("agent", level="middle")  # in no group: sees unrouted tickets
    return x


def teardown(x):
    x.w.finish()


def new_events(w, tid, before):
    """The events of ticket tid after the first `before` ones."""
    return w.events(tid)[before:]


def changed(evs, field):
    return [e for e in evs if e["kind"] == "changed" and e["field"] == field]


def check_ticket_shape(t):
    check(isinstance(t, dict), "ticket is not an object: %r" % (t,))
    eq(set(t.keys()) - TICKET_KEYS, set(), "unexpected ticket keys")
    eq(TICKET_KEYS - set(t.keys()), set(), "missing ticket keys")
    check(isinstance(t["id"], int) and t["id"] > 0, "ticket id %r" % t["id"])
    for k in ("created_at", "updated_at"):
        check(isinstance(t[k], str) and TIME_RE.match(t[k]), "%s %r is not ISO ms UTC" % (k, t[k]))
    for k in ("solved_at", "closed_at"):
        check(t[k] is None or TIME_RE.match(t[k]), "%s %r" % (k, t[k]))
    check(isinstance(t["tags"], list), "tags not a list")
    check(isinstance(t["custom_fields"], dict), "custom_fields not an object")
    check(isinstance(t["requester_ids"], list), "requester_ids not a list")


# ---------------------------------------------------------------------------
# create and get


def test_create_with_requester_id(x):
    w = x.w
    body = {"subject": "Printer on fire", "description": "Smoke everywhere.\nSecond line.",
            "priority": "high", "type": "incident", "channel": "phone",
            "requester_id": x.cust.user["id"], "tags": ["billing", "vip"],
            "custom_fields": {"plan": "pro", "seats": 5, "trial": False}}
    t = expect(w.admin.post("/tickets", body), 201)
    check_ticket_shape(t)
    eq(t["subject"], body["subject"], "subject")
    eq(t["description"], body["description"], "description")
    eq(t["status"], "new", "status of a new ticket")
    eq(t["priority"], "high", "priority")
    eq(t["type"], "incident", "type")
    eq(t["channel"], "phone", "channel")
    eq(t["requester_id"], x.cust.user["id"], "requester_id")
    eq(t["requester_ids"], [x.cust.user["id"]], "requester_ids")
    eq(t["organization_id"], x.org["id"], "organization_id defaults to the requester's")
    eq(t["group_id"], None, "group_id")
    eq(t["assignee_id"], None, "assignee_id")
    eq(sorted(t["tags"]), ["billing", "vip"], "tags")
    eq(t["custom_fields"], {"plan": "pro", "seats": 5, "trial": False}, "custom_fields")
    eq(t["merged_into"], None, "merged_into")
    eq((t["solved_at"], t["closed_at"]), (None, None), "solved_at/closed_at")
    got = expect(w.admin.get("/tickets/%d" % t["id"]), 200)
    eq(got, t, "GET /tickets/{id} vs the create answer")
    evs = w.events(t["id"])
    check(evs and evs[0]["kind"] == "created", "first event is not 'created': %r" % evs[:1])
    for e in evs:
        eq(e["actor_id"], w.admin.user["id"], "actor of creation events")
        eq(e["via"], "api", "via of a token-made change")
        eq(e["entity_id"], t["id"], "entity_id")
        eq(e["action_id"], evs[0]["action_id"], "creation events share one action_id")


def test_create_with_requester_email_creates_customer(x):
    w = x.w
    email = uniq("newcomer") + "@example.com"
    t = expect(w.admin.post("/tickets", {"subject": "Hello", "requester":
                                         {"email": email, "name": "Nina Newcomer"}}), 201)
    users = expect(w.admin.get("/users", query={"q": email}), 200)["users"]
    eq(len(users), 1, "users with the new requester's email")
    u = users[0]
    eq((u["email"], u["name"], u["role"]), (email, "Nina Newcomer", "customer"), "new customer")
    eq(t["requester_id"], u["id"], "requester_id is the new customer")
    # the same email again finds the same customer
    t2 = expect(w.admin.post("/tickets", {"subject": "Again", "requester": {"email": email}}), 201)
    eq(t2["requester_id"], u["id"], "second ticket's requester")
    users = expect(w.admin.get("/users", query={"q": email}), 200)["users"]
    eq(len(users), 1, "still one user with that email")
    r = w.admin.post("/tickets", {"subject": "Bad", "requester": {"email": "not-an-email"}})
    expect(r, 422, "invalid")
    check(r.err.get("field", "").startswith("requester"), "field of a bad requester email: %s"
          % r.describe())


def test_create_by_customer(x):
    w, c = x.w, x.cust
    t = expect(c.post("/tickets", {"subject": "My app crashes", "description": "On start",
                                   "type": "problem", "custom_fields": {"device": "android"}}), 201)
    eq(t["requester_id"], c.user["id"], "customer is the requester")
    eq(t["requester_ids"], [c.user["id"]], "requester_ids")
    eq(t["organization_id"], x.org["id"], "organization of the customer")
    eq(t["type"], "problem", "type set by customer")
    eq(t["custom_fields"], {"device": "android"}, "custom fields set by customer")
    eq(w.events(t["id"])[0]["actor_id"], c.user["id"], "actor of the creation")
    before = expect(c.get("/tickets/count"), 200)["count"]
    for field, value in (("assignee_id", x.a1.user["id"]), ("priority", "urgent"),
                         ("group_id", x.g1["id"]), ("status", "open"), ("tags", ["x"])):
        r = c.post("/tickets", {"subject": "Sneaky", field: value})
        expect_err(r, 403, field=field, what="customer sets %s" % field)
    # a customer never files for someone else
    r = c.post("/tickets", {"subject": "For another", "requester_id": x.cust2.user["id"]})
    if r.status == 201:
        eq(r.data["requester_id"], c.user["id"], "requester forced to self")
        before += 1
    else:
        expect_err(r, 403, field="requester_id", what="customer names another requester")
    eq(expect(c.get("/tickets/count"), 200)["count"], before, "refused creates changed nothing")
    eq(expect(x.cust2.get("/tickets/count"), 200)["count"], 0, "nothing filed for cust2")


def test_create_with_first_comment_and_assignee(x):
    w = x.w
    t = expect(w.admin.post("/tickets", {
        "subject": "Phone call", "requester_id": x.cust.user["id"], "group_id": x.g1["id"],
        "assignee_id": x.a1.user["id"], "comment": {"body": "Called twice", "public": False}}), 201)
    eq(t["status"], "open", "a ticket created with an assignee is open")
    eq((t["group_id"], t["assignee_id"]), (x.g1["id"], x.a1.user["id"]), "group/assignee")
    cs = w.comments(t["id"])
    eq([(c["body"], c["public"]) for c in cs], [("Called twice", False)], "first comment")
    eq(x.w.comments(t["id"], by=x.cust), [], "customer does not see the note")
    r = w.admin.post("/tickets", {"subject": "x", "requester_id": x.cust.user["id"],
                                  "group_id": x.g2["id"], "assignee_id": x.a1.user["id"]})
    expect_err(r, 422, field="assignee_id", what="assignee outside the group")


def test_get_unknown_ticket_is_404(x):
    expect_err(x.w.admin.get("/tickets/987654321"), 404)
    expect_err(x.w.admin.get("/tickets/abc"), 404)


# ---------------------------------------------------------------------------
# patch


def test_patch_each_field(x):
    w = x.w
    org2 = w.org()
    cust3 = w.user("customer")
    t = w.ticket(requester=x.cust)
    tid = t["id"]
    steps = [
        ("subject", "New subject", None),
        ("description", "New description", None),
        ("priority", "urgent", None),
        ("type", "task", None),
        ("group_id", x.g1["id"], None),
        ("assignee_id", x.a1.user["id"], None),
        ("organization_id", org2["id"], None),
        ("requester_id", cust3.user["id"], None),
        ("status", "pending", None),
        ("status", "on_hold", None),
        ("tags", ["one", "two"], ["one", "two"]),
        ("assignee_id", None, None),
        ("group_id", None, None),
    ]
    for field, value, shown in steps:
        old = w.get_ticket(tid)
        n = len(w.events(tid))
        got = expect(w.admin.patch("/tickets/%d" % tid, {field: value}), 200,
                     what="PATCH %s" % field)
        want = shown if shown is not None else value
        val = sorted(got[field]) if field == "tags" else got[field]
        eq(val, want, "%s after PATCH" % field)
        eq(w.get_ticket(tid)[field] if field != "tags" else sorted(w.get_ticket(tid)[field]),
           want, "%s after GET" % field)
        evs = new_events(w, tid, n)
        ch = changed(evs, field)
        check(ch, "no 'changed' event for %s: %r" % (field, evs))
        e = ch[0]
        if field == "tags":
            check(all(s in (e["new"] or "") for s in value), "tags event new=%r" % e["new"])
        else:
            eq((sv(e["old"]), sv(e["new"])), (sv(old[field]), sv(value)), "event old/new of %s" % field)
        eq((e["actor_id"], e["via"]), (w.admin.user["id"], "api"), "event actor/via")
        eq(len({ev["action_id"] for ev in evs}), 1, "one action per PATCH")
        check(got["updated_at"] >= old["updated_at"], "updated_at went back")
    # assigning from new opened it: the status event is part of that action
    evs = w.events(tid)
    assign = [e for e in evs if e["kind"] == "changed" and e["field"] == "assignee_id"
              and sv(e["new"]) == str(x.a1.user["id"])][0]
    st = [e for e in evs if e["kind"] == "changed" and e["field"] == "status"
          and sv(e["new"]) == "open"]
    check(st and st[0]["action_id"] == assign["action_id"],
          "assigning a new ticket did not open it in the same action: %r" % st)


def test_patch_readonly_fields(x):
    w = x.w
    t = w.ticket(requester=x.cust)
    n = len(w.events(t["id"]))
    expect_err(w.admin.patch("/tickets/%d" % t["id"], {"channel": "email"}), 422, field="channel")
    r = w.admin.patch("/tickets/%d" % t["id"], {"requester": {"email": "a@example.com"}})
    expect_err(r, 422, field="requester")
    eq(w.get_ticket(t["id"]), t, "ticket after refused PATCHes")
    eq(len(w.events(t["id"])), n, "events after refused PATCHes")


def test_tags_add_remove(x):
    w = x.w
    t = w.ticket(requester=x.cust, tags=["alpha", "beta"])
    tid = t["id"]
    got = expect(w.admin.patch("/tickets/%d" % tid, {"add_tags": ["gamma", "alpha"]}), 200)
    eq(sorted(got["tags"]), ["alpha", "beta", "gamma"], "after add_tags")
    got = expect(w.admin.patch("/tickets/%d" % tid, {"remove_tags": ["alpha", "nosuch"]}), 200)
    eq(sorted(got["tags"]), ["beta", "gamma"], "after remove_tags")
    got = expect(w.admin.patch("/tickets/%d" % tid, {"add_tags": ["delta"],
                                                     "remove_tags": ["beta"]}), 200)
    eq(sorted(got["tags"]), ["delta", "gamma"], "add and remove together")
    eq(sorted(w.get_ticket(tid)["tags"]), ["delta", "gamma"], "tags on GET")
    evs = w.events(tid)
    ev = changed([e for e in evs if e["action_id"] != evs[0]["action_id"]], "tags")
    def words(v):  # a tag list written as text: split on spaces or commas
        return sorted((sv(v) or "").replace(",", " ").split())
    eq([(words(e["old"]), words(e["new"])) for e in ev],
       [(["alpha", "beta"], ["alpha", "beta", "gamma"]), (["alpha", "beta", "gamma"],
        ["beta", "gamma"]), (["beta", "gamma"], ["delta", "gamma"])],
       "one tags event per change, old -> new")
    r = w.admin.patch("/tickets/%d" % tid, {"add_tags": ["two words"]})
    expect(r, 422, "invalid")
    check("tags" in r.err.get("field", ""), "field of a bad tag: %s" % r.describe())
    eq(sorted(w.get_ticket(tid)["tags"]), ["delta", "gamma"], "tags after a refused PATCH")


def test_custom_fields_merge_and_remove(x):
    w = x.w
    t = w.ticket(requester=x.cust, custom_fields={"plan": "pro", "seats": 5})
    tid = t["id"]
    got = expect(w.admin.patch("/tickets/%d" % tid,
                               {"custom_fields": {"seats": 6, "region": "eu"}}), 200)
    eq(got["custom_fields"], {"plan": "pro", "seats": 6, "region": "eu"}, "merged custom fields")
    got = expect(w.admin.patch("/tickets/%d" % tid, {"custom_fields": {"plan": None}}), 200)
    eq(got["custom_fields"], {"seats": 6, "region": "eu"}, "null removes a key")
    eq(w.get_ticket(tid)["custom_fields"], {"seats": 6, "region": "eu"}, "custom fields on GET")
    evs = [e for e in w.events(tid) if e["kind"] == "changed"
           and (e["field"] or "").startswith("custom_fields")]
    check(len(evs) >= 3, "custom field changes not recorded: %r" % evs)
    r = w.admin.patch("/tickets/%d" % tid, {"custom_fields": {"Bad Name": 1}})
    expect(r, 422, "invalid")
    r = w.admin.patch("/tickets/%d" % tid, {"custom_fields": {"nested": {"a": 1}}})
    expect(r, 422, "invalid")
    eq(w.get_ticket(tid)["custom_fields"], {"seats": 6, "region": "eu"}, "after refused PATCHes")


def test_patch_with_comment_is_one_action(x):
    w = x.w
    t = w.ticket(requester=x.cust)
    n = len(w.events(t["id"]))
    got = expect(w.admin.patch("/tickets/%d" % t["id"], {
        "priority": "high", "status": "pending",
        "comment": {"body": "We need your logs", "public": True}}), 200)
    eq((got["priority"], got["status"]), ("high", "pending"), "fields")
    cs = w.comments(t["id"])
    eq([c["body"] for c in cs], ["We need your logs"], "comment of the PATCH")
    evs = new_events(w, t["id"], n)
    kinds = sorted(e["kind"] for e in evs)
    check("comment" in kinds and kinds.count("changed") >= 2, "events of the action: %r" % evs)
    eq(len({e["action_id"] for e in evs}), 1, "one action_id for the fields and the comment")
    check(evs[0]["action_id"] != w.events(t["id"])[0]["action_id"], "new action id")


# ---------------------------------------------------------------------------
# lists, sorts, pages, counts


def test_list_sorts_pages_filters_count(x):
    w = x.w
    org = w.org()
    r1 = w.user("customer", org=org["id"])
    r2 = w.user("customer", org=org["id"])
    rnd = random.Random(7)
    prios = ["low", "normal", "high", "urgent"]
    made = []
    for i in range(60):
        body = {"subject": "List %02d" % i, "requester_id": (r1 if i % 3 else r2).user["id"],
                "priority": prios[rnd.randrange(4)], "tags": ["alpha"] if i % 4 == 0 else
                ["beta", "list"]}
        if i % 5 == 1:
            body["group_id"] = x.g1["id"]
        elif i % 5 == 2:
            body["group_id"] = x.g1["id"]
            body["assignee_id"] = x.a1.user["id"]
        elif i % 5 == 3:
            body["group_id"] = x.g2["id"]
        made.append(expect(w.admin.post("/tickets", body), 201)["id"])
    # touch a shuffled third so that "updated" differs from "created"
    touched = made[:]
    rnd.shuffle(touched)
    for tid in touched[:20]:
        expect(w.admin.patch("/tickets/%d" % tid, {"status": rnd.choice(["open", "pending"])}), 200)
    base = {"organization_id": org["id"]}
    full = {t["id"]: t for t in walk_tickets(w.admin, dict(base, sort="created"), limit=100)}
    eq(sorted(full), sorted(made), "all tickets of the organization")
    for t in full.values():
        check_ticket_shape(t)

    def key_created(t):
        return (t["created_at"], t["id"])

    for sort in ("created", "updated", "priority"):
        for order in ("desc", "asc", None):
            q = dict(base, sort=sort)
            if order:
                q["order"] = order
            got = walk_tickets(w.admin, q, limit=7)
            ids = [t["id"] for t in got]
            what = "sort=%s order=%s" % (sort, order)
            eq(len(ids), len(set(ids)), "%s: duplicates across pages" % what)
            eq(sorted(ids), sorted(made), "%s: gaps across pages" % what)
            asc = order == "asc"
            if sort in ("created", "updated"):
                k = [t[sort + "_at"] for t in got]
                ok = all((a <= b) if asc else (a >= b) for a, b in zip(k, k[1:]))
                check(ok, "%s: not ordered by %s_at: %r" % (what, sort, k))
            else:
                k = [(-PRIO_RANK[t["priority"]],) + key_created(t) for t in got]
                if asc:
                    k.reverse()
                check(k == sorted(k), "%s: not urgent-first-then-oldest (reversed for asc): %r"
                      % (what, [(t["priority"], t["id"]) for t in got]))
    # default sort is updated, desc
    d = expect(w.admin.get("/tickets", query=dict(base, limit=100)), 200)
    k = [t["updated_at"] for t in d["tickets"]]
    check(k == sorted(k, reverse=True), "default order is not updated desc")
    eq(d["next_cursor"], None, "next_cursor of the last page")
    eq(len(expect(w.admin.get("/tickets", query=base), 200)["tickets"]), 25, "default limit")

    # filters, each checked against the full list; count agrees
    ts = list(full.values())
    upd = sorted({t["updated_at"] for t in ts})
    since = upd[len(upd) // 2]
    cases = [
        ({"status": "open,pending"}, lambda t: t["status"] in ("open", "pending")),
        ({"status": "new"}, lambda t: t["status"] == "new"),
        ({"priority": "urgent,high"}, lambda t: t["priority"] in ("urgent", "high")),
        ({"group_id": x.g1["id"]}, lambda t: t["group_id"] == x.g1["id"]),
        ({"group_id": "none"}, lambda t: t["group_id"] is None),
        ({"assignee_id": x.a1.user["id"]}, lambda t: t["assignee_id"] == x.a1.user["id"]),
        ({"assignee_id": "none"}, lambda t: t["assignee_id"] is None),
        ({"requester_id": r2.user["id"]}, lambda t: t["requester_id"] == r2.user["id"]),
        ({"tag": "alpha"}, lambda t: "alpha" in t["tags"]),
        ({"updated_since": since}, lambda t: t["updated_at"] >= since),
        ({"status": "new", "tag": "list", "group_id": "none"},
         lambda t: t["status"] == "new" and "list" in t["tags"] and t["group_id"] is None),
    ]
    for f, pred in cases:
        want = sorted(t["id"] for t in ts if pred(t))
        got = sorted(t["id"] for t in walk_tickets(w.admin, dict(base, **f), limit=100))
        if "updated_since" in f and got != want:
            # inclusive or exclusive of the exact instant: both are readings of the spec
            alt = sorted(t["id"] for t in ts if t["updated_at"] > since)
            check(got == alt, "filter %r: got %r, want %r" % (f, got, want))
            want = alt
        else:
            eq(got, want, "filter %r" % f)
        check(want, "filter %r selects nothing: the test data is wrong" % f)
        cnt = expect(w.admin.get("/tickets/count", query=dict(base, **f)), 200)["count"]
        eq(cnt, len(want), "count with %r" % f)
    eq(expect(w.admin.get("/tickets/count", query=base), 200)["count"], 60, "count of the org")

    # bad parameters
    expect_err(w.admin.get("/tickets", query={"limit": 0}), 422, field="limit")
    expect_err(w.admin.get("/tickets", query={"limit": 101}), 422, field="limit")
    expect_err(w.admin.get("/tickets", query={"status": "done"}), 422, field="status")
    expect_err(w.admin.get("/tickets", query={"sort": "subject"}), 422, field="sort")
    expect_err(w.admin.get("/tickets", query={"order": "up"}), 422, field="order")
    expect_err(w.admin.get("/tickets", query={"cursor": "garbage!"}), 422, field="cursor")
    expect_err(w.admin.get("/tickets", query={"updated_since": "yesterday"}), 422,
               field="updated_since")
    expect_err(w.admin.get("/tickets", query={"group_id": "x"}), 422, field="group_id")
    cur = expect(w.admin.get("/tickets", query=dict(base, sort="created", limit=5)),
                 200)["next_cursor"]
    check(cur, "no cursor after a full page")
    expect_err(w.admin.get("/tickets", query=dict(base, sort="priority", cursor=cur)), 422,
               field="cursor")


# ---------------------------------------------------------------------------
# the state machine


def status_of(w, tid):
    return w.get_ticket(tid)["status"]


def test_state_machine_replies(x):
    w, a, c = x.w, x.free_agent, x.cust
    t = w.ticket(requester=c)
    tid = t["id"]
    expect(a.post("/tickets/%d/comments" % tid, {"body": "internal", "public": False}), 201)
    eq(status_of(w, tid), "new", "a note leaves new as new")
    expect(a.post("/tickets/%d/comments" % tid, {"body": "Hello!"}), 201)
    eq(status_of(w, tid), "open", "an agent's public reply opens a new ticket")
    ev = changed(w.events(tid), "status")[-1]
    eq((sv(ev["old"]), sv(ev["new"]), ev["actor_id"]), ("new", "open", a.user["id"]),
       "status event of the reply")
    expect_err(w.admin.patch("/tickets/%d" % tid, {"status": "new"}), 409, field="status")
    expect_err(w.admin.patch("/tickets/%d" % tid, {"status": "closed"}), 409, field="status")
    eq(status_of(w, tid), "open", "after refused changes")
    expect(w.admin.patch("/tickets/%d" % tid, {"status": "pending"}), 200)
    expect(c.post("/tickets/%d/comments" % tid, {"body": "Here are my logs"}), 201)
    eq(status_of(w, tid), "open", "a customer's reply reopens a pending ticket")
    got = expect(a.patch("/tickets/%d" % tid, {"status": "solved"}), 200)
    check(got["solved_at"] and TIME_RE.match(got["solved_at"]), "solved_at: %r" % got["solved_at"])
    expect(c.post("/tickets/%d/comments" % tid, {"body": "Still broken"}), 201)
    got = w.get_ticket(tid)
    eq(got["status"], "open", "a customer's reply reopens a solved ticket")
    eq(got["solved_at"], None, "solved_at of a reopened ticket")
    expect_err(w.admin.patch("/tickets/%d" % tid, {"status": "new"}), 409, field="status")


def test_state_machine_closed_is_final(x):
    w, a, c = x.w, x.free_agent, x.cust
    t = w.ticket(requester=c, assignee_id=a.user["id"])
    tid = t["id"]
    expect(w.admin.patch("/tickets/%d" % tid, {"status": "solved"}), 200)
    got = expect(w.admin.patch("/tickets/%d" % tid, {"status": "closed"}), 200)
    eq(got["status"], "closed", "solved -> closed")
    check(got["closed_at"] and TIME_RE.match(got["closed_at"]), "closed_at %r" % got["closed_at"])
    snap, n = w.get_ticket(tid), len(w.events(tid))
    ncom = len(w.comments(tid))
    for body in ({"priority": "low"}, {"status": "open"}, {"status": "closed"},
                 {"tags": ["late"]}, {"comment": {"body": "late note", "public": False}}):
        expect_err(w.admin.patch("/tickets/%d" % tid, body), 409, what="PATCH closed %r" % body)
    expect_err(a.post("/tickets/%d/comments" % tid, {"body": "late"}), 409, what="agent comment")
    expect_err(c.post("/tickets/%d/comments" % tid, {"body": "late"}), 409,
               what="customer comment")
    eq(w.get_ticket(tid), snap, "closed ticket after refused changes")
    eq(len(w.events(tid)), n, "events of a closed ticket")
    eq(len(w.comments(tid)), ncom, "comments of a closed ticket")


def test_state_machine_assignment_rules(x):
    w = x.w
    # solving an unassigned ticket assigns the solver
    t = w.ticket(requester=x.cust)
    got = expect(x.free_agent.patch("/tickets/%d" % t["id"], {"status": "solved"}), 200)
    eq((got["status"], got["assignee_id"]), ("solved", x.free_agent.user["id"]),
       "solving an unassigned ticket assigns the solver")
    # assigning a new ticket opens it
    t = w.ticket(requester=x.cust, group_id=x.g1["id"])
    eq(t["status"], "new", "new ticket in a group")
    got = expect(x.a1.patch("/tickets/%d" % t["id"], {"assignee_id": x.a1.user["id"]}), 200)
    eq(got["status"], "open", "assigning opens a new ticket")
    # moving to a group the assignee is not in unassigns it
    got = expect(w.admin.patch("/tickets/%d" % t["id"], {"group_id": x.g2["id"]}), 200)
    eq((got["group_id"], got["assignee_id"]), (x.g2["id"], None),
       "moved to a group its assignee is not in")
    # the assignee must be a member of the ticket's group
    expect_err(w.admin.patch("/tickets/%d" % t["id"], {"assignee_id": x.a1.user["id"]}), 422,
               field="assignee_id")
    expect_err(w.admin.patch("/tickets/%d" % t["id"], {"assignee_id": x.cust.user["id"]}), 422,
               field="assignee_id")
    eq(w.get_ticket(t["id"])["assignee_id"], None, "after refused assignments")


def test_customer_may_only_solve(x):
    w, c = x.w, x.cust
    t = w.ticket(requester=c, assignee_id=x.free_agent.user["id"])
    for body, field in (({"status": "open"}, "status"), ({"subject": "mine"}, "subject"),
                        ({"priority": "urgent"}, "priority"), ({"add_tags": ["x"]}, "add_tags")):
        r = c.patch("/tickets/%d" % t["id"], body)
        expect(r, 403, "forbidden", what="customer PATCH %r" % body)
        if r.err.get("field") is not None:
            eq(r.err["field"], field, "field of a refused customer change")
    got = expect(c.patch("/tickets/%d" % t["id"], {"status": "solved"}), 200)
    eq(got["status"], "solved", "customer marks own ticket solved")
    ev = changed(w.events(t["id"]), "status")[-1]
    eq(ev["actor_id"], c.user["id"], "actor of the customer's solve")


# ---------------------------------------------------------------------------
# comments and events


def test_comments(x):
    w, c, a = x.w, x.cust, x.free_agent
    t = w.ticket(requester=c)
    tid = t["id"]
    pub = expect(a.post("/tickets/%d/comments" % tid, {"body": "Public answer"}), 201)
    eq(set(pub.keys()), COMMENT_KEYS, "comment keys")
    eq((pub["ticket_id"], pub["author_id"], pub["public"], pub["body"], pub["via"],
        pub["origin_ticket_id"], pub["attachment_ids"]),
       (tid, a.user["id"], True, "Public answer", "api", None, []), "public comment")
    check(TIME_RE.match(pub["created_at"]), "comment created_at %r" % pub["created_at"])
    note = expect(a.post("/tickets/%d/comments" % tid, {"body": "Secret", "public": False}), 201)
    eq(note["public"], False, "note")
    mine = expect(c.post("/tickets/%d/comments" % tid, {"body": "Thanks"}), 201)
    staff_view = w.comments(tid, by=a)
    eq([cm["id"] for cm in staff_view], [pub["id"], note["id"], mine["id"]], "staff sees all, in order")
    cust_view = w.comments(tid, by=c)
    eq([cm["id"] for cm in cust_view], [pub["id"], mine["id"]], "customer never sees notes")
    d = expect(a.get("/tickets/%d/comments" % tid, query={"limit": 1}), 200)["comments"]
    eq([cm["id"] for cm in d], [pub["id"]], "limit=1")
    d = expect(a.get("/tickets/%d/comments" % tid, query={"after_id": pub["id"]}), 200)["comments"]
    eq([cm["id"] for cm in d], [note["id"], mine["id"]], "after_id")
    expect_err(a.get("/tickets/%d/comments" % tid, query={"limit": 1001}), 422, field="limit")
    # refused comments add nothing; the field named is the one of this request
    soft = Soft()
    soft(expect, c.post("/tickets/%d/comments" % tid, {"body": "sneaky note", "public": False}),
         403, "forbidden")
    soft(expect_err, a.post("/tickets/%d/comments" % tid, {"body": ""}), 422, field="body")
    soft(expect_err, a.post("/tickets/%d/comments" % tid, {"public": True}), 422, field="body")
    soft(expect_err, a.post("/tickets/%d/comments" % tid, {"body": 5}), 422, field="body")
    soft(expect_err, a.post("/tickets/%d/comments" % tid, {"body": "x", "public": "yes"}), 422,
         field="public")
    soft(expect_err, a.post("/tickets/%d/comments" % tid, {"body": "x", "color": "red"}), 422,
         field="color")
    soft(expect_err, a.post("/tickets/%d/comments" % tid, {"body": "x", "attachment_ids": "1"}),
         422, field="attachment_ids")
    eq(len(w.comments(tid)), 3, "comments after refused posts")
    soft.done()
    evs = [e for e in w.events(tid) if e["kind"] == "comment"]
    eq([(e["field"], sv(e["new"])) for e in evs],
       [("public", str(pub["id"])), ("note", str(note["id"])), ("public", str(mine["id"]))],
       "comment events")
    expect_err(a.post("/tickets/987654321/comments", {"body": "x"}), 404)


def test_events_shape_and_staff_only(x):
    w, c = x.w, x.cust
    t = w.ticket(requester=c)
    tid = t["id"]
    expect(w.admin.patch("/tickets/%d" % tid, {"priority": "low", "type": "task"}), 200)
    evs = w.events(tid)
    for e in evs:
        eq(set(e.keys()), EVENT_KEYS, "event keys")
        eq((e["entity"], e["entity_id"]), ("ticket", tid), "event entity")
        check(TIME_RE.match(e["at"]), "event at %r" % e["at"])
    ids = [e["id"] for e in evs]
    eq(ids, sorted(ids), "events in id order")
    last = [e for e in evs if e["action_id"] == evs[-1]["action_id"]]
    eq(sorted((e["field"], sv(e["old"]), sv(e["new"])) for e in last),
       [("priority", "normal", "low"), ("type", "question", "task")], "one action, two changes")
    d = expect(w.admin.get("/tickets/%d/events" % tid, query={"after_id": ids[0], "limit": 2}),
               200)["events"]
    eq([e["id"] for e in d], ids[1:3], "events after_id/limit")
    expect(c.get("/tickets/%d/events" % tid), 403, "forbidden", what="customer reads events")
    expect_err(w.admin.get("/tickets/%d/events" % tid, query={"limit": 1001}), 422, field="limit")
    expect_err(w.admin.get("/tickets/987654321/events"), 404)
