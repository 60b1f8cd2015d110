"""Sessions (the web UI): login cookie, CSRF on unsafe methods, logout,
uniform login failures, and the login rate limit."""

from harness import (ADMIN_EMAIL, PASSWORD, World, check, eq, expect, expect_err, uniq)


class Ctx:
    pass


def setup():
    w = World("sessions")
    x = Ctx()
    x.w = w
    x.agent = w.user("agent")
    x.cust = w.user("customer")
    return x


def teardown(x):
    x.w.finish()


def session(x, email):
    c = x.w.anon()
    expect(c.login(email, PASSWORD), 200, what="login " + email)
    return c


def test_login_sets_strict_httponly_cookie(x):
    c = x.w.anon()
    r = c.login(x.agent.user["email"], PASSWORD)
    d = expect(r, 200)
    check(isinstance(d.get("csrf_token"), str) and len(d["csrf_token"]) >= 16,
          "csrf_token %r" % d.get("csrf_token"))
    cookies = [v for v in r.headers.get_all("Set-Cookie") or [] if v.startswith("opora_session=")]
    eq(len(cookies), 1, "opora_session cookies set")
    attrs = [a.strip().lower() for a in cookies[0].split(";")[1:]]
    check("httponly" in attrs, "cookie not HttpOnly: %r" % cookies[0])
    check("samesite=strict" in attrs, "cookie not SameSite=Strict: %r" % cookies[0])
    check(len(c.cookie or "") >= 16, "session value %r" % c.cookie)
    check(d["csrf_token"] not in cookies[0], "the CSRF token is the cookie")
    me = expect(c.get("/me"), 200, what="GET with the cookie")
    eq(me["id"], x.agent.user["id"], "the session's user")


def test_csrf_on_unsafe_methods(x):
    w = x.w
    c = session(x, x.agent.user["email"])
    body = {"subject": "via web " + uniq(), "requester_id": x.cust.user["id"]}
    count = expect(c.get("/tickets/count"), 200)["count"]
    c.send_csrf = False
    expect(c.post("/tickets", body), 403, what="POST without X-CSRF-Token")
    expect(c.post("/tickets", body, csrf="wrong-" + c.csrf), 403, what="POST with a wrong token")
    expect(c.post("/tickets", body, csrf=""), 403, what="POST with an empty token")
    eq(expect(c.get("/tickets/count"), 200)["count"], count, "tickets after refused POSTs")
    t = expect(c.post("/tickets", body, csrf=c.csrf), 201, what="POST with the right token")
    tid = t["id"]
    for method, path, payload in (("PATCH", "/tickets/%d" % tid, {"priority": "high"}),
                                  ("POST", "/tickets/%d/comments" % tid, {"body": "hi"}),
                                  ("PATCH", "/me", {"name": "Renamed"}),
                                  ("POST", "/me/tokens", {"name": "x"})):
        r = c.request(method, path, body=payload)
        expect(r, 403, what="%s %s without CSRF" % (method, path))
        check("csrf" in (r.err.get("code", "") + r.err.get("message_id", "")),
              "a CSRF refusal should say so: %s" % r.describe())
    eq(w.get_ticket(tid)["priority"], "normal", "priority after a refused PATCH")
    eq(w.comments(tid), [], "comments after a refused POST")
    # a CSRF token of another session does not do
    other = session(x, x.agent.user["email"])
    expect(c.patch("/tickets/%d" % tid, {"priority": "high"}, csrf=other.csrf), 403,
           what="another session's CSRF token")
    c.send_csrf = True
    got = expect(c.patch("/tickets/%d" % tid, {"priority": "high"}), 200)
    eq(got["priority"], "high", "PATCH with the right token")
    ev = [e for e in w.events(tid) if e["field"] == "priority"][-1]
    eq(ev["via"], "web", "changes through a session are recorded via web")
    eq(w.events(tid)[0]["via"], "web", "creation via web")
    cm = expect(c.post("/tickets/%d/comments" % tid, {"body": "from the browser"}), 201)
    eq(cm["via"], "web", "a comment through a session")
    # DELETE is unsafe too; GET needs no token (even a wrong one)
    tok = expect(c.post("/me/tokens", {"name": "web-made"}), 201)
    c.send_csrf = False
    expect(c.delete("/me/tokens/%d" % tok["id"]), 403, what="DELETE without CSRF")
    expect(w.srv.client(token=tok["token"]).get("/me"), 200, what="token after a refused DELETE")
    expect(c.get("/me", csrf="wrong"), 200, what="GET with a wrong CSRF token")
    c.send_csrf = True
    expect(c.delete("/me/tokens/%d" % tok["id"]), 204, what="DELETE with CSRF")
    # a bearer token needs no CSRF token
    expect(x.agent.patch("/tickets/%d" % tid, {"priority": "low"}), 200)


def test_logout_ends_the_session(x):
    c = session(x, x.cust.user["email"])
    old_cookie, old_csrf = c.cookie, c.csrf
    expect(c.get("/me"), 200)
    r = c.post("/auth/logout")
    check(r.status in (200, 204), "logout: %s" % r.describe())
    expect_err(c.get("/me"), 401, what="the cookie after logout")
    c.cookie, c.csrf = old_cookie, old_csrf
    expect_err(c.post("/tickets", {"subject": "after logout"}), 401)
    # other sessions of the same user live on
    d = session(x, x.cust.user["email"])
    expect(d.get("/me"), 200)


def test_login_failures_look_alike(x):
    w = x.w
    r1 = w.anon().post("/auth/login", {"email": x.agent.user["email"], "password": "wrong-pass"})
    r2 = w.anon().post("/auth/login", {"email": uniq("ghost") + "@example.com",
                                        "password": "wrong-pass"})
    expect_err(r1, 401, what="wrong password")
    expect_err(r2, 401, what="unknown email")
    eq((r1.err["message"], r1.err["message_id"]), (r2.err["message"], r2.err["message_id"]),
       "wrong password vs unknown email")
    check(not r1.headers.get("Set-Cookie", "").startswith("opora_session=") or
          "Max-Age=0" in r1.headers.get("Set-Cookie", ""), "a failed login set a session cookie")
    r = w.anon().post("/auth/login", {"email": x.agent.user["email"]})
    check(r.status in (401, 422), "login without a password: %s" % r.describe())
    r = w.anon().post("/auth/login", {"email": ADMIN_EMAIL, "password": ""})
    check(r.status in (401, 422), "empty password: %s" % r.describe())
    expect_err(w.anon().post("/auth/login", raw=b"{", ctype="application/json"), 400)
    # a deactivated user cannot sign in, and their tokens stop working
    u = w.user("customer")
    expect(w.admin.patch("/users/%d" % u.user["id"], {"active": False}), 200)
    expect_err(w.anon().post("/auth/login", {"email": u.user["email"], "password": PASSWORD}), 401,
               what="a deactivated user logs in")
    expect_err(u.get("/me"), 401, what="a deactivated user's token")


def test_login_rate_limit():
    w = World("ratelimit", env={"OPORA_LOGIN_MAX_FAILURES": 3, "OPORA_LOGIN_WINDOW_SECONDS": 600})
    try:
        victim = w.user("customer")
        email = victim.user["email"]
        for i in range(3):
            expect_err(w.anon().post("/auth/login", {"email": email, "password": "guess-%d" % i}),
                       401, what="failure %d" % (i + 1))
        r = w.anon().post("/auth/login", {"email": email, "password": "guess-x"})
        expect_err(r, 429, what="the attempt after 3 failures")
        ra = r.headers.get("Retry-After", "")
        check(ra.isdigit() and 0 < int(ra) <= 600, "Retry-After %r" % ra)
        r = w.anon().post("/auth/login", {"email": email, "password": PASSWORD})
        expect_err(r, 429, what="even the right password while blocked")
        # the address is limited too: other emails from here are blocked now
        r = w.anon().post("/auth/login", {"email": "other@example.com", "password": "x"})
        expect_err(r, 429, what="another email from the same address")
        # tokens are not affected
        expect(victim.get("/me"), 200, what="an API token while logins are blocked")
    finally:
        w.stop()
