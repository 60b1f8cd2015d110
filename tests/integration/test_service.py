"""The service around the API: /healthz, the request log, the global event
feed, and a clean shutdown."""

import re
import threading

from harness import (TIME_RE, Server, World, check, eq, expect, expect_err, opora, uniq)

LOG_RE = re.compile(r"method=(\S+) path=(\S+) status=(\d+) bytes=(\d+) us=(\d+)")


class Ctx:
    pass


def setup():
    w = World("service")
    x = Ctx()
    x.w = w
    x.lead = w.user("lead", level="senior")
    x.agent = w.user("agent")
    x.cust = w.user("customer")
    return x


def teardown(x):
    x.w.finish()


def test_healthz(x):
    r = x.w.anon().get("/healthz")
    d = expect(r, 200)
    eq((d.get("status"), d.get("database")), ("ok", "ok"), "healthz")
    check(isinstance(d.get("version"), str) and d["version"], "healthz version %r" % d.get("version"))
    v = opora("version").out
    check(d["version"] in v, "healthz version %r vs opora version %r" % (d["version"], v))
    check(r.headers.get("Content-Type", "").startswith("application/json"), "healthz content type")


def test_every_request_is_logged_once(x):
    w = x.w
    tag = uniq("log")
    t = w.ticket(requester=x.cust)
    reqs = [
        ("GET", "/api/v1/%s-a" % tag, None),
        ("POST", "/api/v1/%s-b" % tag, {}),
        ("DELETE", "/api/v1/%s-c" % tag, None),
        ("GET", "/api/v1/tickets/%d" % t["id"], None),
        ("GET", "/api/v1/tickets/%d/comments" % t["id"], None),
        ("PATCH", "/api/v1/tickets/%d" % t["id"], {"priority": "low"}),
        ("PATCH", "/api/v1/tickets/%d" % t["id"], {"priority": "nope"}),
        ("GET", "/api/v1/tickets/%d/links" % t["id"], None),
    ]
    answers = []
    for method, path, body in reqs:
        kw = {} if body is None else {"body": body}
        answers.append(w.admin.request(method, path, **kw))
    anon = w.anon().get("/api/v1/%s-d" % tag)
    answers.append(anon)
    reqs.append(("GET", "/api/v1/%s-d" % tag, None))
    # refusals before any handler: bad JSON, wrong method, a body over the cap
    t2 = w.ticket(requester=x.cust)
    extra = [
        ("PATCH", "/api/v1/tickets/%d" % t["id"], dict(raw=b"{", ctype="application/json"), 400),
        ("PUT", "/api/v1/tickets/%d" % t2["id"], dict(body={}), 405),
        ("POST", "/api/v1/tickets/%d/comments" % t2["id"],
         dict(body={"body": "x" * (2 << 20)}), 413),
    ]
    for method, path, kw, status in extra:
        r = w.admin.request(method, path, **kw)
        expect_err(r, status, what="%s %s" % (method, path))
        answers.append(r)
        reqs.append((method, path, None))

    def lines_for(lines):
        found = {}
        for line in lines:
            m = LOG_RE.search(line)
            if m:
                found.setdefault((m.group(1), m.group(2)), []).append(m)
        return found

    def complete(lines):
        f = lines_for(lines)
        return f if all((m, p) in f for m, p, _ in reqs) else None

    found = w.srv.wait_for_lines(complete)
    check(found, "request log lines missing for: %r" % [
        (m, p) for m, p, _ in reqs if (m, p) not in lines_for(w.srv.lines())])
    # each distinct (method, path) was asked for once, except the two PATCHes
    for (method, path, _), r in zip(reqs, answers):
        ms = found[(method, path)]
        want = sum(1 for m, p, _ in reqs if (m, p) == (method, path))
        eq(len(ms), want, "log lines for %s %s" % (method, path))
        statuses = sorted(int(m.group(3)) for m in ms)
        check(r.status in statuses, "logged statuses %r for %s %s answered %d"
              % (statuses, method, path, r.status))
    m = found[("GET", "/api/v1/tickets/%d" % t["id"])][0]
    eq(int(m.group(4)), len(answers[3].raw), "bytes= of GET ticket vs the body sent")
    check(int(m.group(5)) >= 0, "us=")


def test_request_log_can_be_silenced():
    srv = Server("quiet", env={"OPORA_REQUEST_LOG": "0"}).start()
    try:
        for _ in range(3):
            expect(srv.client().get("/healthz"), 200)
        expect_err(srv.client().get("/api/v1/tickets"), 401)
    finally:
        srv.stop()
    logged = [l for l in srv.lines() if LOG_RE.search(l)]
    eq(logged, [], "request log lines with OPORA_REQUEST_LOG=0")
    check(any("msg=stopped" in l for l in srv.lines()), "the operator log is still written")


def test_event_feed(x):
    w = x.w
    d = expect(x.lead.get("/events", query={"limit": 10000}), 200)
    check(isinstance(d.get("events"), list) and "next_after_id" in d, "feed shape: %r" % list(d))
    last = d["events"][-1]["id"] if d["events"] else 0
    t = w.ticket(requester=x.cust, subject="feed " + uniq())
    expect(w.admin.patch("/tickets/%d" % t["id"], {"priority": "high"}), 200)
    u = expect(w.admin.post("/users", {"name": "Feed", "email": uniq("feed") + "@example.com"}), 201)
    d = expect(x.lead.get("/events", query={"after_id": last}), 200)
    evs = d["events"]
    check(all(e["id"] > last for e in evs), "events not after after_id")
    eq([e["id"] for e in evs], sorted(e["id"] for e in evs), "feed order")
    ents = {(e["entity"], e["entity_id"]) for e in evs}
    check(("ticket", t["id"]) in ents, "ticket events missing from the feed: %r" % ents)
    check(("user", u["id"]) in ents, "user events missing from the feed (the whole log): %r" % ents)
    for e in evs:
        check(TIME_RE.match(e["at"]), "event at %r" % e["at"])
    # pages
    p1 = expect(x.lead.get("/events", query={"after_id": last, "limit": 2}), 200)
    eq([e["id"] for e in p1["events"]], [e["id"] for e in evs[:2]], "first page")
    eq(p1["next_after_id"], evs[1]["id"], "next_after_id")
    p2 = expect(x.lead.get("/events", query={"after_id": p1["next_after_id"], "limit": 2}), 200)
    eq([e["id"] for e in p2["events"]], [e["id"] for e in evs[2:4]], "second page")
    tail = expect(x.lead.get("/events", query={"after_id": evs[-1]["id"]}), 200)
    eq((tail["events"], tail["next_after_id"]), ([], None), "after the last event")
    expect(x.agent.get("/events"), 403, "forbidden", what="agents do not read the feed")
    expect(x.cust.get("/events"), 403, "forbidden", what="customers do not read the feed")
    expect_err(x.lead.get("/events", query={"limit": 10001}), 422, field="limit")
    expect_err(x.lead.get("/events", query={"after_id": "x"}), 422, field="after_id")


def test_concurrent_requests(x):
    w = x.w
    errors = []
    t = w.ticket(requester=x.cust)

    def worker(k):
        try:
            for i in range(10):
                r = w.admin.post("/tickets/%d/comments" % t["id"], {"body": "c %d-%d" % (k, i)})
                if r.status != 201:
                    errors.append(r.describe())
                r = x.agent.get("/tickets/%d" % t["id"])
                if r.status != 200:
                    errors.append(r.describe())
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    ths = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    check(not errors, "concurrent requests failed: %r" % errors[:3])
    eq(len(w.comments(t["id"])), 80, "comments from 8 threads")
    evs = [e for e in w.events(t["id"]) if e["kind"] == "comment"]
    eq(len(evs), 80, "comment events")


def test_concurrent_changes_lose_nothing(x):
    """Eight clients add a tag each and change custom fields of one ticket at
    the same time: every change lands (no lost update), each as its own action."""
    w = x.w
    t = w.ticket(requester=x.cust, tags=["base"])
    tid = t["id"]
    errors = []

    def worker(k):
        try:
            r = w.admin.patch("/tickets/%d" % tid, {"add_tags": ["t%d" % k],
                                                    "custom_fields": {"k%d" % k: k}})
            if r.status != 200:
                errors.append(r.describe())
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    ths = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    check(not errors, "concurrent PATCHes failed: %r" % errors[:3])
    got = w.get_ticket(tid)
    eq(sorted(got["tags"]), sorted(["base"] + ["t%d" % k for k in range(8)]), "tags after 8 PATCHes")
    eq(got["custom_fields"], {"k%d" % k: k for k in range(8)}, "custom fields after 8 PATCHes")
    evs = w.events(tid)
    acts = {e["action_id"] for e in evs if e["field"] == "tags"}
    eq(len(acts), 9, "tag changes: one action each (creation + 8)")

