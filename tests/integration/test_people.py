"""People: users, /me, personal tokens, organizations, groups, and who may
manage whom (docs/api.md, "People")."""

from harness import (PASSWORD, TIME_RE, Soft, World, check, eq, expect, expect_err, uniq)


class Ctx:
    pass


def setup():
    w = World("people")
    x = Ctx()
    x.w = w
    x.lead = w.user("lead", level="senior")
    x.agent = w.user("agent", level="junior")
    x.cust = w.user("customer")
    return x


def teardown(x):
    x.w.finish()


def email():
    return uniq("p") + "@example.com"


def check_user(u):
    for k in ("id", "name", "email", "role", "level", "organization_id", "language", "active"):
        check(k in u, "user lacks %r: %r" % (k, u))
    for k in ("password", "password_hash"):
        check(k not in u, "user object exposes %r" % k)


def test_users_create_get_patch(x):
    w = x.w
    org = w.org()
    e = email()
    u = expect(w.admin.post("/users", {"name": "Olga Customer", "email": e, "phone": "+7 900 123-45-67",
                                       "organization_id": org["id"], "language": "ru",
                                       "time_zone": "Europe/Moscow"}), 201)
    check_user(u)
    eq((u["name"], u["email"], u["role"], u["level"], u["organization_id"], u["language"],
        u["active"]), ("Olga Customer", e, "customer", None, org["id"], "ru", True),
       "new user (role defaults to customer)")
    eq(expect(w.admin.get("/users/%d" % u["id"]), 200), u, "GET user")
    got = expect(w.admin.patch("/users/%d" % u["id"], {"name": "Olga K.", "active": False}), 200)
    eq((got["name"], got["active"]), ("Olga K.", False), "PATCH user")
    eq(expect(w.admin.get("/users/%d" % u["id"]), 200)["name"], "Olga K.", "GET after PATCH")
    # a customer may be reached by phone or Telegram alone
    expect(w.admin.post("/users", {"name": "Phone only", "phone": "+7 901 000-00-00"}), 201)
    expect(w.admin.post("/users", {"name": "Tg only", "telegram": "@" + uniq("tg")}), 201)
    # refusals: each must answer as listed and create nothing
    n_users = len(expect(w.admin.get("/users", query={"limit": 1000}), 200)["users"])
    soft = Soft()
    for body, status, field in (
            ({"name": "Nobody"}, 422, None),
            ({"email": email()}, 422, "name"),
            ({"name": "Staff", "role": "agent", "level": "junior", "phone": "+7 902 000-00-00"},
             422, "email"),
            ({"name": "X", "email": "nope"}, 422, "email"),
            ({"name": "X", "email": email(), "role": "boss"}, 422, "role"),
            ({"name": "X", "email": email(), "level": "junior"}, 422, None),
            ({"name": "X", "email": email(), "language": "de"}, 422, "language"),
            ({"name": "X", "email": email(), "time_zone": "Mars/Base"}, 422, "time_zone"),
            ({"name": "X", "email": email(), "organization_id": 987654321}, 422, "organization_id"),
            ({"name": "X", "email": e}, 409, None)):
        soft(expect_err, w.admin.post("/users", body), status, field=field,
             what="POST /users %r" % body)
    soft(expect_err, w.admin.patch("/users/%d" % x.cust.user["id"], {"email": e}), 409)
    soft(expect_err, w.admin.get("/users/987654321"), 404)
    soft(expect_err, w.admin.patch("/users/987654321", {"name": "x"}), 404)
    soft(eq, len(expect(w.admin.get("/users", query={"limit": 1000}), 200)["users"]), n_users,
         "users after refused creates")
    soft.done()


def test_users_list_filters(x):
    w = x.w
    org = w.org()
    prefix = uniq("zz")
    made = [expect(w.admin.post("/users", {"name": "%s %d" % (prefix, i),
                                           "email": "%s.%d@example.com" % (prefix, i),
                                           "organization_id": org["id"]}), 201)["id"]
            for i in range(5)]
    d = expect(w.admin.get("/users", query={"organization_id": org["id"]}), 200)
    eq(sorted(u["id"] for u in d["users"]), made, "users of an organization")
    d = expect(w.admin.get("/users", query={"q": prefix}), 200)
    eq(sorted(u["id"] for u in d["users"]), made, "name/email prefix")
    # paging with after_id
    seen, after = [], None
    for _ in range(10):
        q = {"q": prefix, "limit": 2}
        if after:
            q["after_id"] = after
        d = expect(w.admin.get("/users", query=q), 200)
        seen += [u["id"] for u in d["users"]]
        after = d.get("next_after_id")
        if not after:
            break
    eq(seen, made, "pages by next_after_id")
    d = expect(w.admin.get("/users", query={"role": "lead,admin", "limit": 1000}), 200)
    roles = {u["role"] for u in d["users"]}
    check(roles <= {"lead", "admin"} and x.lead.user["id"] in [u["id"] for u in d["users"]],
          "role filter: %r" % roles)
    expect(x.agent.get("/users", query={"q": prefix}), 200, what="agents list users")
    expect_err(w.admin.get("/users", query={"role": "king"}), 422, field="role")


def test_who_may_manage_whom(x):
    w = x.w
    # agents manage customers only
    expect(x.agent.post("/users", {"name": "By agent", "email": email()}), 201)
    for role in ("admin", "lead", "agent"):
        r = x.agent.post("/users", {"name": "X", "email": email(), "role": role,
                                    "level": "junior"})
        expect(r, 403, "forbidden", what="an agent creates a %s" % role)
    r = x.agent.patch("/users/%d" % x.lead.user["id"], {"name": "Demoted"})
    expect(r, 403, "forbidden", what="an agent edits a lead")
    r = x.agent.patch("/users/%d" % x.cust.user["id"], {"role": "admin"})
    expect(r, 403, "forbidden", what="an agent makes a customer admin")
    # leads manage agents and customers, not admins
    expect(x.lead.post("/users", {"name": "New agent", "email": email(), "role": "agent",
                                  "level": "junior"}), 201)
    expect(x.lead.post("/users", {"name": "X", "email": email(), "role": "admin",
                                  "level": "senior"}), 403, "forbidden", what="a lead makes an admin")
    expect(x.lead.patch("/users/%d" % w.admin.user["id"], {"name": "x"}), 403, "forbidden",
           what="a lead edits an admin")
    # customers see only themselves
    expect(x.cust.get("/users"), 403, "forbidden", what="a customer lists users")
    expect_err(x.cust.get("/users/%d" % x.agent.user["id"]), 404)
    expect_err(x.cust.get("/users/%d" % w.admin.user["id"]), 404)
    eq(expect(x.cust.get("/users/%d" % x.cust.user["id"]), 200)["id"], x.cust.user["id"],
       "a customer reads self")
    r = x.cust.post("/users", {"name": "X", "email": email()})
    expect(r, 403, "forbidden", what="a customer creates a user")
    eq(expect(w.admin.get("/users/%d" % x.lead.user["id"]), 200)["name"], x.lead.user["name"],
       "lead after refused edits")


def test_me(x):
    w = x.w
    g = w.group("l1", members=[x.agent.user["id"]])
    me = expect(x.agent.get("/me"), 200)
    check_user(me)
    eq(me["id"], x.agent.user["id"], "GET /me")
    check(g["id"] in me.get("group_ids", []), "/me group_ids %r lacks %d" % (me.get("group_ids"),
                                                                            g["id"]))
    got = expect(x.agent.patch("/me", {"name": "Agent Renamed", "language": "ru",
                                       "time_zone": "Asia/Yekaterinburg"}), 200)
    eq((got["name"], got["language"], got["time_zone"]),
       ("Agent Renamed", "ru", "Asia/Yekaterinburg"), "PATCH /me")
    # the profile language now drives messages
    r = x.agent.get("/tickets/987654321")
    check(r.status == 404 and any("\u0400" <= ch <= "\u04ff" for ch in r.err.get("message", "")),
          "message in the profile's language (ru): %s" % r.describe())
    for field, value in (("role", "admin"), ("level", "senior"), ("active", False),
                         ("organization_id", 1)):
        r = x.agent.patch("/me", {field: value})
        expect(r, 422, "invalid", what="PATCH /me %s" % field)
        eq(r.err.get("field"), field, "field of a refused PATCH /me")
    eq(expect(x.agent.get("/me"), 200)["role"], "agent", "role after refused PATCH /me")
    expect(x.agent.patch("/me", {"language": "en"}), 200)


def test_password_change_needs_current(x):
    w = x.w
    c = w.user("customer")
    e = c.user["email"]
    for body in ({"password": "brand-new-pass"},
                 {"password": "brand-new-pass", "current_password": "wrong-pass-1"}):
        r = c.patch("/me", body)
        check(r.status in (403, 422) and r.err.get("field") == "current_password",
              "password change without the right current_password: %s" % r.describe())
    expect(w.anon().post("/auth/login", {"email": e, "password": PASSWORD}), 200,
           what="old password still works")
    expect_err(c.patch("/me", {"password": "short", "current_password": PASSWORD}), 422,
               field="password")
    expect(c.patch("/me", {"password": "brand-new-pass", "current_password": PASSWORD}), 200)
    expect_err(w.anon().post("/auth/login", {"email": e, "password": PASSWORD}), 401)
    expect(w.anon().post("/auth/login", {"email": e, "password": "brand-new-pass"}), 200,
           what="login with the new password")


def test_tokens(x):
    w = x.w
    c = w.user("agent")
    t1 = expect(c.post("/me/tokens", {"name": "ci"}), 201)
    check(t1.get("token", "").startswith("opo_"), "token secret %r" % t1.get("token"))
    check(isinstance(t1.get("id"), int), "token id %r" % t1.get("id"))
    eq(t1.get("name"), "ci", "token name")
    lst = expect(c.get("/me/tokens"), 200)
    toks = lst.get("tokens") if isinstance(lst, dict) else lst
    check(isinstance(toks, list), "GET /me/tokens shape: %r" % lst)
    mine = [t for t in toks if t["id"] == t1["id"]]
    eq(len(mine), 1, "the new token listed")
    for t in toks:
        check(not t.get("token"), "the secret is shown again in the list: %r" % t)
    me = expect(w.srv.client(token=t1["token"]).get("/me"), 200)
    eq(me["id"], c.user["id"], "the token authenticates its user")
    # another user cannot revoke it
    r = x.agent.delete("/me/tokens/%d" % t1["id"])
    after = w.srv.client(token=t1["token"]).get("/me")
    check(r.status == 404 and after.status == 200,
          "another user revokes my token: %s; then my token: GET /me -> %s"
          % (r.describe(), after.status))
    expect_err(r, 404)
    expect(c.delete("/me/tokens/%d" % t1["id"]), 204)
    r = w.srv.client(token=t1["token"]).get("/me")
    expect_err(r, 401, what="a revoked token")
    r = c.delete("/me/tokens/%d" % t1["id"])  # again: gone (404) or idempotent (204)
    check(r.status in (204, 404), "revoking a revoked token: %s" % r.describe())
    expect_err(c.delete("/me/tokens/987654321"), 404)
    expect_err(c.post("/me/tokens", {"name": ""}), 422, field="name")
    expect_err(c.post("/me/tokens", {}), 422, field="name")


def test_organizations(x):
    w = x.w
    o = expect(x.lead.post("/organizations", {"name": "Рога и копыта", "domains": "roga.ru",
                                              "notes": "VIP", "shared_tickets": True}), 201)
    eq((o["name"], o["domains"], o["notes"], o["shared_tickets"]),
       ("Рога и копыта", "roga.ru", "VIP", True), "new organization")
    check(TIME_RE.match(o["created_at"]), "organization created_at")
    eq(expect(w.admin.get("/organizations/%d" % o["id"]), 200), o, "GET organization")
    got = expect(x.lead.patch("/organizations/%d" % o["id"], {"shared_tickets": False,
                                                               "notes": ""}), 200)
    eq((got["shared_tickets"], got["notes"], got["name"]), (False, "", "Рога и копыта"),
       "PATCH organization")
    lst = expect(w.admin.get("/organizations"), 200)
    orgs = lst.get("organizations") if isinstance(lst, dict) else lst
    check(o["id"] in [g["id"] for g in orgs], "organization missing from the list: %r" % lst)
    expect(x.agent.post("/organizations", {"name": "x"}), 403, "forbidden",
           what="an agent creates an organization")
    expect(x.agent.patch("/organizations/%d" % o["id"], {"name": "x"}), 403, "forbidden",
           what="an agent edits an organization")
    expect(x.cust.post("/organizations", {"name": "x"}), 403, "forbidden",
           what="a customer creates an organization")
    expect_err(x.lead.post("/organizations", {}), 422, field="name")
    expect_err(x.lead.post("/organizations", {"name": "x", "shared_tickets": "yes"}), 422,
               field="shared_tickets")
    expect_err(w.admin.get("/organizations/987654321"), 404)
    eq(expect(w.admin.get("/organizations/%d" % o["id"]), 200)["name"], "Рога и копыта",
       "after refused edits")


def test_groups(x):
    w = x.w
    a2 = w.user("agent")
    g = expect(x.lead.post("/groups", {"name": uniq("Billing "), "tier": "l2",
                                       "description": "money", "member_ids": [x.agent.user["id"]]}),
               201)
    eq((g["tier"], g["description"], g["member_ids"]), ("l2", "money", [x.agent.user["id"]]),
       "new group")
    eq(expect(w.admin.get("/groups/%d" % g["id"]), 200)["member_ids"], [x.agent.user["id"]],
       "GET group")
    got = expect(x.lead.patch("/groups/%d" % g["id"],
                              {"member_ids": [x.agent.user["id"], a2.user["id"]]}), 200)
    eq(sorted(got["member_ids"]), sorted([x.agent.user["id"], a2.user["id"]]), "members added")
    check(g["id"] in expect(a2.get("/me"), 200).get("group_ids", []), "/me of a new member")
    got = expect(x.lead.patch("/groups/%d" % g["id"], {"member_ids": [a2.user["id"]]}), 200)
    eq(got["member_ids"], [a2.user["id"]], "member removed")
    check(g["id"] not in expect(x.agent.get("/me"), 200).get("group_ids", []),
          "/me of a removed member")
    lst = expect(x.agent.get("/groups"), 200)
    groups = lst.get("groups") if isinstance(lst, dict) else lst
    check(g["id"] in [y["id"] for y in groups], "group missing from the list")
    expect_err(x.lead.post("/groups", {"name": "x", "tier": "l9"}), 422, field="tier")
    r = x.lead.post("/groups", {"name": "x", "tier": "l1", "member_ids": [x.cust.user["id"]]})
    expect(r, 422, "invalid", what="a customer as a group member")
    r = x.lead.patch("/groups/%d" % g["id"], {"member_ids": [987654321]})
    expect(r, 422, "invalid", what="an unknown group member")
    expect(x.agent.post("/groups", {"name": "x", "tier": "l1"}), 403, "forbidden",
           what="an agent creates a group")
    expect(x.agent.patch("/groups/%d" % g["id"], {"member_ids": []}), 403, "forbidden",
           what="an agent changes members")
    eq(expect(w.admin.get("/groups/%d" % g["id"]), 200)["member_ids"], [a2.user["id"]],
       "members after refused changes")
    expect_err(w.admin.get("/groups/987654321"), 404)


def deleted_events(w, entity, entity_id):
    """The events of the whole log on entity entity_id (GET /events)."""
    evs, after = [], 0
    while True:
        d = expect(w.admin.get("/events", query={"after_id": after, "limit": 10000}), 200)
        evs += [e for e in d["events"] if e["entity"] == entity and e["entity_id"] == entity_id]
        after = d.get("next_after_id")
        if not after:
            return evs


def test_group_delete(x):
    w = x.w
    a2 = w.user("agent")
    unused = w.group("l1", members=[x.agent.user["id"], a2.user["id"]])
    expect(x.lead.request("PUT", "/groups/%d/routing" % unused["id"],
                          {"mode": "round_robin", "cap": 3}), 200, what="its routing")
    busy = w.group("l2", members=[a2.user["id"]])
    w.ticket(group_id=busy["id"])
    in_macro = w.group("l1")
    expect(w.admin.post("/macros", {"name": uniq("To group "), "actions": [
        {"action": "set_group", "value": str(in_macro["id"])}]}), 201, what="macro naming a group")
    in_policy = w.group("l1")
    target = {"first_response": {"minutes": 60, "business": False}}
    expect(w.admin.post("/sla/policies", {"name": uniq("Policy "), "targets": target,
                                          "conditions": {"group_ids": [in_policy["id"]]}}),
           201, what="policy naming a group")

    expect(x.agent.delete("/groups/%d" % unused["id"]), 403, "forbidden",
           what="an agent deletes a group")
    e = x.lead.delete("/groups/%d" % busy["id"])
    expect(e, 409, "conflict", what="a group with a ticket")
    check(busy["name"] in e.err["message"] and "ticket" in e.err["message"],
          "the refusal names the group and says why: %r" % e.err)
    eq(expect(w.admin.get("/groups/%d" % busy["id"]), 200)["member_ids"], [a2.user["id"]],
       "a refused delete keeps the members")
    e = x.lead.delete("/groups/%d" % in_macro["id"])
    expect(e, 409, "conflict", what="a group a macro names")
    check("macro" in e.err["message"], "the refusal says why: a macro: %r" % e.err)
    e = x.lead.delete("/groups/%d" % in_policy["id"])
    expect(e, 409, "conflict", what="a group an SLA policy names")
    check("SLA" in e.err["message"], "the refusal says why: a policy: %r" % e.err)

    check(unused["id"] in expect(a2.get("/me"), 200).get("group_ids", []), "member before")
    r = x.lead.delete("/groups/%d" % unused["id"])
    eq(r.status, 204, "a lead deletes an unused group: %s" % r.describe())
    expect_err(w.admin.get("/groups/%d" % unused["id"]), 404)
    groups = expect(w.admin.get("/groups"), 200)["groups"]
    check(unused["id"] not in [g["id"] for g in groups], "gone from the list")
    check(busy["id"] in [g["id"] for g in groups], "the refused one is still listed")
    check(unused["id"] not in expect(a2.get("/me"), 200).get("group_ids", []),
          "a member of a deleted group is in it no more")
    evs = deleted_events(w, "group", unused["id"])
    dels = [e for e in evs if e["field"] == "deleted"]
    eq([(e["old"], e["new"], e["data"], e["actor_id"]) for e in dels],
       [("false", "true", unused["name"], x.lead.user["id"])], "the delete event")
    left = sorted(int(e["old"]) for e in evs
                  if e["field"] == "member" and e["action_id"] == dels[0]["action_id"])
    eq(left, sorted([x.agent.user["id"], a2.user["id"]]), "the members it had, in the same action")
    expect_err(x.lead.delete("/groups/%d" % unused["id"]), 404)
    # the name is free again
    w.group("l1", name=unused["name"])


def test_org_delete(x):
    w = x.w
    empty = w.org()
    with_user = w.org()
    w.user("customer", org=with_user["id"])
    in_policy = w.org()
    target = {"first_response": {"minutes": 30, "business": False}}
    expect(w.admin.post("/sla/policies", {"name": uniq("Org policy "), "targets": target,
                                          "conditions": {"organization_ids": [in_policy["id"]]}}),
           201, what="policy naming an organization")
    expect(x.agent.delete("/organizations/%d" % empty["id"]), 403, "forbidden",
           what="an agent deletes an organization")
    e = x.lead.delete("/organizations/%d" % with_user["id"])
    expect(e, 409, "conflict", what="an organization with a user")
    check("user" in e.err["message"] and with_user["name"] in e.err["message"],
          "the refusal names it and says why: %r" % e.err)
    users = expect(w.admin.get("/users", query={"organization_id": with_user["id"]}), 200)["users"]
    eq(len(users), 1, "its user still in it")
    e = x.lead.delete("/organizations/%d" % in_policy["id"])
    expect(e, 409, "conflict", what="an organization a policy names")
    check("SLA" in e.err["message"], "the refusal says why: a policy: %r" % e.err)
    r = x.lead.delete("/organizations/%d" % empty["id"])
    eq(r.status, 204, "a lead deletes an unused organization: %s" % r.describe())
    expect_err(w.admin.get("/organizations/%d" % empty["id"]), 404)
    ids = [o["id"] for o in expect(w.admin.get("/organizations", query={"limit": 1000}),
                                   200)["organizations"]]
    check(empty["id"] not in ids and with_user["id"] in ids, "the list after")
    dels = [e for e in deleted_events(w, "organization", empty["id"]) if e["field"] == "deleted"]
    eq([(e["old"], e["new"], e["data"]) for e in dels], [("false", "true", empty["name"])],
       "the delete event")
    expect_err(x.lead.delete("/organizations/%d" % empty["id"]), 404)
