"""Ticket actions: links, merge, escalation and hand-back, macros."""

import re
from harness import (CYRILLIC_RE, TIME_RE, World, check, eq, expect, expect_err, sv, uniq)

LINK_KEYS = {"id", "kind", "ticket_id", "creator_id", "created_at"}
MIRROR = {"related": "related", "parent_of": "child_of", "child_of": "parent_of",
          "duplicate_of": "duplicated_by", "duplicated_by": "duplicate_of"}


class Ctx:
    pass


def setup():
    w = World("actions")
    x = Ctx()
    x.w = w
    x.cust = w.user("customer", name="Ivan Petrov")
    x.cust_ru = w.user("customer", name="Иван Петров", lang="ru")
    x.lead = w.user("lead", level="senior", name="Lena Lead")
    x.l1 = w.group("l1", name=uniq("First line "))
    x.l2 = w.group("l2", name=uniq("Second line "))
    x.tech = w.group("tech", name=uniq("Tech "))
    x.a1 = w.user("agent", level="junior", name="Anna One", groups=[x.l1["id"]])
    x.a2 = w.user("agent", level="middle", name="Boris Two", groups=[x.l2["id"]])
    x.a3 = w.user("agent", level="senior", name="Vera Three", groups=[x.tech["id"]])
    return x


def teardown(x):
    x.w.finish()


def links(w, tid, by=None):
    return expect((by or w.admin).get("/tickets/%d/links" % tid), 200)["links"]


def kinds_of(w, tid):
    return sorted((l["kind"], l["ticket_id"]) for l in links(w, tid))


# ---------------------------------------------------------------------------
# links


def test_links_every_kind_both_directions(x):
    w = x.w
    for kind, mirror in MIRROR.items():
        a = w.ticket(requester=x.cust)["id"]
        b = w.ticket(requester=x.cust)["id"]
        lk = expect(w.admin.post("/tickets/%d/links" % a, {"kind": kind, "ticket_id": b}), 201,
                    what="link %s" % kind)
        eq(set(lk.keys()), LINK_KEYS, "link keys")
        eq((lk["kind"], lk["ticket_id"], lk["creator_id"]), (kind, b, w.admin.user["id"]),
           "link as seen from the path's ticket")
        check(TIME_RE.match(lk["created_at"]), "link created_at %r" % lk["created_at"])
        eq(kinds_of(w, a), [(kind, b)], "links of %d" % a)
        eq(kinds_of(w, b), [(mirror, a)], "links of the other side (%s)" % kind)
        eq(links(w, b)[0]["id"], lk["id"], "one link, the same id from both sides")
        check([e for e in w.events(a) if e["kind"] == "linked"], "no 'linked' event on %d" % a)
        # the same link again, from either side, is a conflict
        expect_err(w.admin.post("/tickets/%d/links" % a, {"kind": kind, "ticket_id": b}), 409)
        expect_err(w.admin.post("/tickets/%d/links" % b, {"kind": mirror, "ticket_id": a}), 409)
        eq(len(links(w, a)), 1, "after duplicate links")


def test_link_errors_and_delete(x):
    w = x.w
    a = w.ticket(requester=x.cust)["id"]
    b = w.ticket(requester=x.cust)["id"]
    c = w.ticket(requester=x.cust)["id"]
    n = len(w.events(a))
    expect_err(w.admin.post("/tickets/%d/links" % a, {"kind": "related", "ticket_id": a}), 422)
    expect_err(w.admin.post("/tickets/%d/links" % a, {"kind": "sibling_of", "ticket_id": b}),
               422, field="kind")
    expect_err(w.admin.post("/tickets/%d/links" % a, {"kind": "related"}), 422, field="ticket_id")
    expect_err(w.admin.post("/tickets/%d/links" % a, {"kind": "related", "ticket_id": "b"}),
               422, field="ticket_id")
    r = w.admin.post("/tickets/%d/links" % a, {"kind": "related", "ticket_id": 987654321})
    check(r.status in (404, 422), "link to an unknown ticket: %s" % r.describe())
    expect_err(w.admin.post("/tickets/987654321/links", {"kind": "related", "ticket_id": a}), 404)
    eq(links(w, a), [], "no links after refused requests")
    eq(len(w.events(a)), n, "no events after refused links")
    # a cycle of parents is refused
    expect(w.admin.post("/tickets/%d/links" % a, {"kind": "parent_of", "ticket_id": b}), 201)
    expect(w.admin.post("/tickets/%d/links" % b, {"kind": "parent_of", "ticket_id": c}), 201)
    expect_err(w.admin.post("/tickets/%d/links" % c, {"kind": "parent_of", "ticket_id": a}), 409)
    expect_err(w.admin.post("/tickets/%d/links" % a, {"kind": "child_of", "ticket_id": c}), 409)
    eq(kinds_of(w, c), [("child_of", b)], "links of c after refused cycles")
    # delete from either side
    lab = links(w, a)[0]
    expect(w.admin.delete("/tickets/%d/links/%d" % (a, lab["id"])), 204)
    eq(links(w, a), [], "links of a after delete")
    eq(kinds_of(w, b), [("parent_of", c)], "links of b after delete")
    check([e for e in w.events(a) if e["kind"] == "unlinked"], "no 'unlinked' event")
    expect_err(w.admin.delete("/tickets/%d/links/%d" % (a, lab["id"])), 404)
    lbc = links(w, c)[0]
    expect(w.admin.delete("/tickets/%d/links/%d" % (c, lbc["id"])), 204)
    eq(links(w, b), [], "links of b after delete from the other side")
    # a link id of another ticket is not found through this one
    d = w.ticket(requester=x.cust)["id"]
    lk = expect(w.admin.post("/tickets/%d/links" % b, {"kind": "related", "ticket_id": d}), 201)
    expect_err(w.admin.delete("/tickets/%d/links/%d" % (a, lk["id"])), 404)
    eq(len(links(w, b)), 1, "link survives a delete through another ticket")


# ---------------------------------------------------------------------------
# merge


def test_merge(x):
    w = x.w
    other = w.user("customer")
    third = w.user("customer")
    target = w.ticket(requester=x.cust, subject="Target")
    s1 = w.ticket(requester=other, subject="Source one",
                  comment={"body": "first words of s1", "public": True})
    s2 = w.ticket(requester=third, subject="Source two")
    c2 = expect(w.admin.post("/tickets/%d/comments" % s2["id"], {"body": "s2 note",
                                                                 "public": False}), 201)
    s1_comments = w.comments(s1["id"])
    check(s1_comments, "s1 has no comment")
    got = expect(w.admin.post("/tickets/%d/merge" % target["id"],
                              {"source_ids": [s1["id"], s2["id"]]}), 200)
    eq(got["id"], target["id"], "merge answers the target")
    eq(sorted(got["requester_ids"]), sorted([x.cust.user["id"], other.user["id"],
                                             third.user["id"]]), "requesters move over")
    eq(got["requester_ids"][0], x.cust.user["id"], "the first requester stays first")
    eq(got["requester_id"], x.cust.user["id"], "requester_id of the target")
    tc = w.comments(target["id"])
    moved = {c["body"]: c for c in tc}
    for c in s1_comments + [c2]:
        check(c["body"] in moved, "comment %r did not move to the target: %r" % (c["body"], tc))
    eq(moved["s2 note"]["origin_ticket_id"], s2["id"], "origin_ticket_id of a moved comment")
    eq(moved["s2 note"]["public"], False, "a moved note stays a note")
    for s in (s1, s2):
        g = w.get_ticket(s["id"])
        eq((g["status"], g["merged_into"]), ("closed", target["id"]), "merged source")
        check(any(e["kind"] == "merged_into" for e in w.events(s["id"])),
              "no merged_into event on source %d" % s["id"])
    tev = w.events(target["id"])
    mf = [e for e in tev if e["kind"] == "merged_from"]
    eq(len(mf), 2, "merged_from events on the target")
    added = sorted(sv(e["new"]) for e in tev if e["kind"] == "requester_added")
    eq(added, sorted([str(other.user["id"]), str(third.user["id"])]),
       "requester_added events (new = the requester) on the target")
    # the other requester now sees the target
    expect(other.get("/tickets/%d" % target["id"]), 200, what="a moved requester sees the target")
    # refusals
    n = len(w.events(target["id"]))
    expect(w.admin.post("/tickets/%d/merge" % target["id"], {"source_ids": [target["id"]]}), 422,
           "invalid")
    expect_err(w.admin.post("/tickets/%d/merge" % target["id"], {"source_ids": [s1["id"]]}), 409)
    expect_err(w.admin.post("/tickets/%d/merge" % s1["id"], {"source_ids": [target["id"]]}), 409)
    r = w.admin.post("/tickets/%d/merge" % target["id"], {"source_ids": [987654321]})
    check(r.status in (404, 422), "merge of an unknown ticket: %s" % r.describe())
    expect_err(w.admin.post("/tickets/%d/merge" % target["id"], {}), 422, field="source_ids")
    expect_err(w.admin.post("/tickets/%d/merge" % target["id"], {"source_ids": "1"}), 422,
               field="source_ids")
    eq(len(w.events(target["id"])), n, "events after refused merges")
    mine = expect(x.cust.post("/tickets", {"subject": "mine too"}), 201)
    r = x.cust.post("/tickets/%d/merge" % target["id"], {"source_ids": [mine["id"]]})
    expect(r, 403, "forbidden", what="a customer merges")
    eq(w.get_ticket(mine["id"])["status"], "new", "customer's ticket after a refused merge")


# ---------------------------------------------------------------------------
# escalation and hand-back


def test_escalate_and_handback_stack(x):
    w, a1, a2, a3 = x.w, x.a1, x.a2, x.a3
    t = w.ticket(requester=x.cust, group_id=x.l1["id"], assignee_id=a1.user["id"])
    tid = t["id"]
    n = len(w.events(tid))
    expect_err(a1.post("/tickets/%d/escalate" % tid, {"group_id": x.l2["id"]}), 422, field="reason")
    expect_err(a1.post("/tickets/%d/escalate" % tid, {"group_id": x.l2["id"], "reason": ""}), 422,
               field="reason")
    l1b = w.group("l1")
    expect_err(a1.post("/tickets/%d/escalate" % tid, {"group_id": l1b["id"], "reason": "sideways"}),
               409)
    expect_err(a1.post("/tickets/%d/escalate" % tid, {"group_id": 987654321, "reason": "x"}), 422,
               field="group_id")
    eq(len(w.events(tid)), n, "events after refused escalations")
    eq(w.get_ticket(tid), t, "ticket after refused escalations")

    got = expect(a1.post("/tickets/%d/escalate" % tid,
                         {"group_id": x.l2["id"], "reason": "needs diagnostics"}), 200)
    eq((got["group_id"], got["assignee_id"]), (x.l2["id"], None), "escalated to L2")
    esc = [e for e in w.events(tid) if e["kind"] == "escalated"]
    eq(len(esc), 1, "escalated events")
    e = esc[0]
    eq((e["field"], sv(e["old"]), sv(e["new"]), e["data"], e["actor_id"]),
       ("l1>l2", str(x.l1["id"]), str(x.l2["id"]), "needs diagnostics", a1.user["id"]),
       "escalation event")
    expect_err(a1.get("/tickets/%d" % tid), 404, what="L1 agent after the ticket left L1")
    # L2 to tech, straight to an agent there
    expect_err(a2.post("/tickets/%d/escalate" % tid, {"group_id": x.tech["id"], "reason": "bug",
                                                      "assignee_id": a1.user["id"]}),
               422, field="assignee_id")
    expect(a2.patch("/tickets/%d" % tid, {"assignee_id": a2.user["id"]}), 200)
    got = expect(a2.post("/tickets/%d/escalate" % tid, {"group_id": x.tech["id"],
                                                        "reason": "looks like a bug",
                                                        "assignee_id": a3.user["id"]}), 200)
    eq((got["group_id"], got["assignee_id"]), (x.tech["id"], a3.user["id"]), "escalated to tech")
    expect_err(a3.post("/tickets/%d/escalate" % tid, {"group_id": x.l2["id"], "reason": "down"}),
               409, what="escalating down")
    # hand-backs unwind the stack: tech -> L2 (Boris) -> L1 (Anna)
    expect_err(a3.post("/tickets/%d/handback" % tid, {}), 422, field="reason")
    got = expect(a3.post("/tickets/%d/handback" % tid, {"reason": "fixed in 2.3"}), 200)
    eq((got["group_id"], got["assignee_id"]), (x.l2["id"], a2.user["id"]),
       "handed back to L2 and the agent who escalated")
    got = expect(a2.post("/tickets/%d/handback" % tid, {"reason": "answer the customer"}), 200)
    eq((got["group_id"], got["assignee_id"]), (x.l1["id"], a1.user["id"]),
       "handed back to L1 and Anna who escalated it")
    hb = [(e["field"], e["actor_id"]) for e in w.events(tid) if e["kind"] == "handed_back"]
    eq(hb, [("tech>l2", a3.user["id"]), ("l2>l1", a2.user["id"])], "hand-back events")


def test_handback_returns_to_the_agent(x):
    w, a1, a2 = x.w, x.a1, x.a2
    t = w.ticket(requester=x.cust, group_id=x.l1["id"], assignee_id=a1.user["id"])
    tid = t["id"]
    expect(a1.post("/tickets/%d/escalate" % tid, {"group_id": x.l2["id"], "reason": "hard",
                                                  "assignee_id": a2.user["id"]}), 200)
    got = expect(a2.post("/tickets/%d/handback" % tid, {"reason": "done"}), 200)
    eq((got["group_id"], got["assignee_id"]), (x.l1["id"], a1.user["id"]),
       "back to L1 and to Anna who had it")
    hb = [e for e in w.events(tid) if e["kind"] == "handed_back"]
    eq(len(hb), 1, "handed_back events")
    eq((hb[0]["field"], sv(hb[0]["old"]), sv(hb[0]["new"]), hb[0]["data"]),
       ("l2>l1", str(x.l2["id"]), str(x.l1["id"]), "done"), "hand-back event")
    # nothing left to hand back and no group named
    r = a1.post("/tickets/%d/handback" % tid, {"reason": "again"})
    check(r.status in (409, 422), "hand-back of a ticket not escalated: %s" % r.describe())


def test_escalate_by_customer_refused(x):
    w = x.w
    t = expect(x.cust.post("/tickets", {"subject": "please escalate"}), 201)
    r = x.cust.post("/tickets/%d/escalate" % t["id"], {"group_id": x.l2["id"], "reason": "now"})
    expect(r, 403, "forbidden")
    eq(w.get_ticket(t["id"])["group_id"], None, "group after a refused escalation")


# ---------------------------------------------------------------------------
# macros


MACRO_REPLY = ("Hello {{ticket.requester.first_name}}, about #{{ticket.id}} "
               "\"{{ticket.subject}}\" ({{ticket.priority}}): {{current_user.first_name}} "
               "from {{ticket.group.name}}")


def make_macro(x, by=None, **extra):
    body = {"name": uniq("Macro "), "description": "ask for logs", "actions": [
        {"action": "set_status", "value": "pending"},
        {"action": "set_priority", "value": "high"},
        {"action": "add_tags", "value": "macro_a macro_b"},
        {"action": "set_custom_field", "field": "stage", "value": "waiting"},
        {"action": "public_reply", "value": MACRO_REPLY},
        {"action": "note", "value": "applied by {{current_user.name}} <{{current_user.email}}>"},
    ]}
    body.update(extra)
    return (by or x.lead).post("/macros", body)


def test_macro_crud(x):
    w = x.w
    m = expect(make_macro(x), 201)
    for k in ("id", "name", "description", "active", "actions"):
        check(k in m, "macro lacks %r: %r" % (k, m))
    eq(len(m["actions"]), 6, "actions kept")
    eq(m["active"], True, "a new macro is active")
    eq(expect(w.admin.get("/macros/%d" % m["id"]), 200)["name"], m["name"], "GET macro")
    expect(x.a1.get("/macros/%d" % m["id"]), 200, what="an agent reads macros")
    # refusals
    expect(make_macro(x, by=x.a1), 403, "forbidden", what="an agent creates a macro")
    r = make_macro(x, actions=[{"action": "note", "value": "hi {{ticket.nonsense}}"}])
    expect(r, 422, "invalid", what="unknown placeholder")
    check("actions" in r.err.get("field", ""), "field of a bad placeholder: %s" % r.describe())
    expect(make_macro(x, actions=[{"action": "note", "value": "hi {{ticket.id"}]), 422, "invalid",
           what="unclosed placeholder")
    expect(make_macro(x, actions=[{"action": "explode", "value": "x"}]), 422, "invalid",
           what="unknown action")
    expect(make_macro(x, actions=[{"action": "set_status", "value": "done"}]), 422, "invalid",
           what="unknown status in set_status")
    expect_err(make_macro(x, name=""), 422, field="name")
    # list, deactivate, include_inactive, delete
    ids = [m_["id"] for m_ in expect(w.admin.get("/macros"), 200)["macros"]]
    check(m["id"] in ids, "active macro missing from the list")
    got = expect(x.lead.patch("/macros/%d" % m["id"], {"active": False}), 200)
    eq(got["active"], False, "deactivated")
    ids = [m_["id"] for m_ in expect(w.admin.get("/macros"), 200)["macros"]]
    check(m["id"] not in ids, "inactive macro listed without include_inactive")
    ids = [m_["id"] for m_ in expect(w.admin.get("/macros", query={"include_inactive": "true"}),
                                     200)["macros"]]
    check(m["id"] in ids, "inactive macro missing with include_inactive=true")
    t = w.ticket(requester=x.cust)
    r = w.admin.post("/tickets/%d/macros/%d/apply" % (t["id"], m["id"]))
    check(r.status in (409, 422), "applying an inactive macro: %s" % r.describe())
    eq(w.get_ticket(t["id"]), t, "ticket after a refused apply")
    r = x.lead.delete("/macros/%d" % m["id"])
    check(r.status in (200, 204), "DELETE macro: %s" % r.describe())
    expect_err(w.admin.get("/macros/%d" % m["id"]), 404)
    expect_err(x.lead.delete("/macros/%d" % m["id"]), 404)


def test_macro_preview_and_apply(x):
    w, a1 = x.w, x.a1
    m = expect(make_macro(x), 201)
    t = w.ticket(requester=x.cust, subject="Cannot log in", group_id=x.l1["id"],
                 assignee_id=a1.user["id"], tags=["login"])
    tid = t["id"]
    snap, nev, ncom = w.get_ticket(tid), len(w.events(tid)), len(w.comments(tid))
    url = "/tickets/%d/macros/%d/apply" % (tid, m["id"])
    pv = expect(a1.post(url, query={"preview": "true"}), 200)
    # whether {{ticket.priority}} sees the value before or after the macro's own
    # set_priority is not specified, nor the capitalisation of the name
    reply_re = re.compile(r'^Hello Ivan, about #%d "Cannot log in" \((high|normal)\): Anna from %s$'
                          % (tid, re.escape(x.l1["name"])), re.I)
    for res, what in ((pv, "preview"),):
        tk = res["ticket"]
        eq((tk["status"], tk["priority"]), ("pending", "high"), "%s fields" % what)
        eq(sorted(tk["tags"]), ["login", "macro_a", "macro_b"], "%s tags" % what)
        eq(tk["custom_fields"].get("stage"), "waiting", "%s custom field" % what)
        bodies = [(c["public"], c["body"]) for c in res["comments"]]
        eq([p for p, _ in bodies], [True, False], "%s: a public reply, then a note" % what)
        check(reply_re.match(bodies[0][1]), "%s reply: %r" % (what, bodies[0][1]))
        eq(bodies[1][1], "applied by Anna One <%s>" % a1.user["email"], "%s note" % what)
    eq(w.get_ticket(tid), snap, "preview changed the ticket")
    eq(len(w.events(tid)), nev, "preview recorded events")
    eq(len(w.comments(tid)), ncom, "preview added comments")
    ap = expect(a1.post(url), 200)
    eq(ap["ticket"]["status"], "pending", "applied status")
    eq([c["body"] for c in ap["comments"]], [c["body"] for c in pv["comments"]],
       "apply and preview agree")
    got = w.get_ticket(tid)
    eq((got["status"], got["priority"], sorted(got["tags"]), got["custom_fields"].get("stage")),
       ("pending", "high", ["login", "macro_a", "macro_b"], "waiting"), "ticket after apply")
    cs = w.comments(tid)
    eq([(c["public"], c["body"]) for c in cs[ncom:]],
       [(c["public"], c["body"]) for c in pv["comments"]], "comments after apply")
    eq([c["public"] for c in w.comments(tid, by=x.cust)[ncom:]], [True],
       "customer sees the reply, not the note")
    evs = w.events(tid)[nev:]
    check(any(e["kind"] == "macro_applied" for e in evs), "no macro_applied event: %r" % evs)
    eq(len({e["action_id"] for e in evs}), 1, "one action for the whole macro")
    check({e["field"] for e in evs if e["kind"] == "changed"} >= {"status", "priority", "tags"},
          "changes of the macro not recorded: %r" % evs)
    eq({e["actor_id"] for e in evs}, {a1.user["id"]}, "actor of the macro's events")
    expect_err(a1.post("/tickets/%d/macros/987654321/apply" % tid), 404)
    expect_err(a1.post("/tickets/987654321/macros/%d/apply" % m["id"]), 404)


def test_macro_names_in_requester_language(x):
    w = x.w
    m = expect(make_macro(x, actions=[
        {"action": "public_reply",
         "value": "{{ticket.requester.first_name}}: {{ticket.status}}/{{ticket.priority}}"}]), 201)
    t = w.ticket(requester=x.cust_ru, priority="urgent")
    pv = expect(w.admin.post("/tickets/%d/macros/%d/apply" % (t["id"], m["id"]),
                             query={"preview": "true"}), 200)
    body = pv["comments"][0]["body"]
    check(body.startswith("Иван: "), "first name of a Russian requester: %r" % body)
    check(CYRILLIC_RE.search(body.split(": ", 1)[1]) and "urgent" not in body,
          "status/priority names not in the requester's language: %r" % body)
    t2 = w.ticket(requester=x.cust, priority="urgent")
    pv = expect(w.admin.post("/tickets/%d/macros/%d/apply" % (t2["id"], m["id"]),
                             query={"preview": "true"}), 200)
    eq(pv["comments"][0]["body"].lower(), "ivan: new/urgent", "English names")


def test_macro_other_actions(x):
    w, a1 = x.w, x.a1
    take = expect(make_macro(x, actions=[
        {"action": "set_type", "value": "incident"},
        {"action": "set_group", "value": str(x.l1["id"])},
        {"action": "set_assignee", "value": "current_user"},
        {"action": "set_tags", "value": "alpha beta gamma"},
        {"action": "remove_tags", "value": "beta"},
    ]), 201)
    drop = expect(make_macro(x, actions=[
        {"action": "set_assignee", "value": ""},
        {"action": "set_group", "value": ""},
    ]), 201)
    t = w.ticket(requester=x.cust, tags=["old"])
    got = expect(a1.post("/tickets/%d/macros/%d/apply" % (t["id"], take["id"])), 200)["ticket"]
    eq((got["type"], got["group_id"], got["assignee_id"], sorted(got["tags"]), got["status"]),
       ("incident", x.l1["id"], a1.user["id"], ["alpha", "gamma"], "open"),
       "type, group, assignee (current_user), tags; assigning opened it")
    eq(w.get_ticket(t["id"])["assignee_id"], a1.user["id"], "stored assignee")
    got = expect(w.admin.post("/tickets/%d/macros/%d/apply" % (t["id"], drop["id"])), 200)["ticket"]
    eq((got["group_id"], got["assignee_id"]), (None, None), "cleared group and assignee")

