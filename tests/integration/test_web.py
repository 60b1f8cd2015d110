"""The web UI (docs/web.md): sign-in, the agent's queues and ticket page, the
forms (reply, note, macro, take, escalate, hand back, merge, links, presence)
with their field errors, "another agent has this open" (and its expiry),
escaping of what customers wrote, CSRF, CSP, assets, live updates, and the
Russian pages holding no English text of the catalogue."""

import http.client
import json
import os
import re
import urllib.parse

from harness import (PASSWORD, ROOT, TIMEOUT, World, check, eq, expect, new_dir, uniq)


class Web:
    """A browser-like client: cookies, form posts, no redirects followed."""

    def __init__(self, w, lang=None):
        self.w, self.lang, self.cookie, self.csrf = w, lang, None, None

    def req(self, method, path, form=None, headers=None, ctype=None):
        h = {"Connection": "close"}
        if self.lang:
            h["Accept-Language"] = self.lang
        if self.cookie:
            h["Cookie"] = "opora_session=" + self.cookie
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            h["Content-Type"] = ctype or "application/x-www-form-urlencoded"
        h.update(headers or {})
        c = http.client.HTTPConnection("127.0.0.1", self.w.port, timeout=TIMEOUT)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            body = r.read()
            for v in r.headers.get_all("Set-Cookie") or []:
                first = v.split(";", 1)[0]
                if first.startswith("opora_session="):
                    self.cookie = first.split("=", 1)[1] or None
            return r.status, r.headers, body.decode("utf-8", "replace")
        finally:
            c.close()

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, form, with_csrf=True, **kw):
        f = dict(form)
        if with_csrf and self.csrf:
            f.setdefault("csrf", self.csrf)
        return self.req("POST", path, form=f, **kw)

    def login(self, email, password=PASSWORD, next_=None):
        form = {"email": email, "password": password}
        if next_:
            form["next"] = next_
        st, h, body = self.req("POST", "/login", form=form)
        if st == 303:
            st2, _, page = self.get(h["Location"])
            eq(st2, 200, "the page after signing in")
            self.csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        return st, h, body


class Ctx:
    pass


def setup():
    w = World("web")
    x = Ctx()
    x.w = w
    x.agent = w.user("agent", level="junior", name="Агент Веб", lang="ru")
    x.agent_en = w.user("agent", level="junior", name="Web Agent", lang="en")
    x.l1 = w.group("l1", members=[x.agent.user["id"], x.agent_en.user["id"]])
    x.l2 = w.group("l2", name=uniq("Second line "))
    x.cust = w.user("customer", name="Клиент <b>Жирный</b>")
    x.macro = expect(w.admin.post("/macros", {"name": "Ask for details", "actions": [
        {"action": "set_status", "value": "pending"},
        {"action": "public_reply", "value": "Please send us the details, {{ticket.requester.first_name}}."}]}),
        201, what="create macro")
    return x


def teardown(x):
    x.w.finish()


def signed_in(x, client=None, lang=None):
    web = Web(x.w, lang=lang)
    who = client or x.agent
    st, h, _ = web.login(who.user["email"])
    eq(st, 303, "sign-in answer")
    return web


def text_of(html, data=True):
    """The visible text of a page: no tags, no script, entities decoded;
    data=False leaves out what people wrote or are called (class "data")."""
    import html as h
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    if not data:
        html = re.sub(r'(?s)<(\w+)\b[^>]*\bclass="(?:[^"]*\s)?data(?:\s[^"]*)?"[^>]*>.*?</\1>', " ", html)
    return h.unescape(re.sub(r"<[^>]+>", " ", html))


def test_sign_in_page_and_redirects(x):
    web = Web(x.w, lang="ru")
    st, h, _ = web.get("/queue/mine")
    eq(st, 303, "a page without a session")
    check(h["Location"].startswith("/login?next=/queue/mine"), "sent to sign in: %r" % h["Location"])
    st, h, page = web.get("/login")
    eq(st, 200, "GET /login")
    check('<label for="email">' in page and 'id="email"' in page, "the email field has a label")
    check("Вход" in page, "Russian by Accept-Language")
    csp = h.get("Content-Security-Policy", "")
    check("default-src 'self'" in csp, "CSP: %r" % csp)
    check("<script>" not in page and " on" not in re.sub(r'"[^"]*"', "", page).lower().replace("one", ""),
          "no inline script")
    # a wrong password: the page again, with the email kept and the error in Russian
    st, _, page = web.req("POST", "/login", form={"email": x.agent.user["email"], "password": "nope"})
    eq(st, 401, "wrong password")
    check("Неверный адрес или пароль" in page, "error in Russian")
    check('value="%s"' % x.agent.user["email"] in page, "what was typed is kept")
    check(web.cookie is None, "no session after a failed sign-in")
    # the next page after signing in is ours only
    st, h, _ = web.login(x.agent.user["email"], next_="//evil.example/x")
    eq(st, 303, "sign in")
    eq(h["Location"], "/queue/mine", "a foreign next is ignored")
    check("HttpOnly" in h["Set-Cookie"] and "SameSite=Strict" in h["Set-Cookie"], "cookie flags")


def test_queue_views_and_counts(x):
    w = x.w
    mine = w.ticket(subject="Mine " + uniq("q"), group_id=x.l1["id"], assignee_id=x.agent.user["id"])
    unassigned = w.ticket(subject="Unassigned " + uniq("q"))
    web = signed_in(x, lang="ru")
    st, _, page = web.get("/queue/mine")
    eq(st, 200, "queue mine")
    check(mine["subject"] in page, "my ticket is in my queue")
    check(unassigned["subject"] not in page, "an unassigned ticket is not in my queue")
    for v in ("mine", "group", "unassigned", "due_soon", "breached", "pending"):
        m = re.search(r'data-view-count="%s">(\d+)<' % v, page)
        check(m is not None, "a count for view %s" % v)
    n_mine = int(re.search(r'data-view-count="mine">(\d+)<', page).group(1))
    eq(n_mine, expect(x.agent.get("/tickets/count", query={"assignee_id": x.agent.user["id"],
                                                              "status": "new,open,pending,on_hold"}),
                      200)["count"], "the count of my view")
    st, _, page = web.get("/queue/unassigned")
    eq(st, 200, "queue unassigned")
    api = expect(x.agent.get("/tickets", query={"assignee_id": "none", "limit": 100}), 200)["tickets"]
    check(any(a["id"] == unassigned["id"] for a in api), "the API lists it: %r" % [(a["id"], a["assignee_id"], a["group_id"], a["status"]) for a in api])
    check(unassigned["subject"] in page, "the unassigned ticket is listed: %r %r" % (unassigned, re.findall(r'ticket-link[^>]*>([^<]*)<', page)))
    st, _, page = web.get("/queue/nonsense")
    eq(st, 404, "unknown view")


def test_ticket_page_escapes_and_distinguishes(x):
    w = x.w
    t = w.ticket(subject='<img src=x onerror="alert(1)">', requester=x.cust, group_id=x.l1["id"],
                 description="\"><script>alert('d')</script>")
    expect(x.cust.post("/tickets/%d/comments" % t["id"], {"body": "<script>alert(2)</script>", "public": True}), 201)
    expect(x.agent.post("/tickets/%d/comments" % t["id"], {"body": "секретная заметка", "public": False}), 201)
    web = signed_in(x, lang="ru")
    st, _, page = web.get("/tickets/%d" % t["id"])
    eq(st, 200, "ticket page")
    check("<script>alert" not in page and "<img src=x" not in page, "customer text is escaped")
    check("&lt;script&gt;alert(2)&lt;/script&gt;" in page, "the comment is shown as text")
    check("Клиент &lt;b&gt;Жирный&lt;/b&gt;" in page, "the requester's name is escaped")
    check(re.search(r'class="comment note".*?секретная заметка', page, re.S), "a note is marked as a note")
    check("Внутренняя заметка" in page and "Публичный ответ" in page, "both kinds are labelled")
    check('id="sla"' in page and 'id="history"' in page and 'id="requester"' in page, "side panels")
    check("Ask for details" in page, "the macro picker lists the macro")


def test_reply_errors_keep_input_and_change_nothing(x):
    w = x.w
    t = w.ticket(group_id=x.l1["id"], assignee_id=x.agent.user["id"])
    before = len(w.comments(t["id"]))
    web = signed_in(x, lang="ru")
    st, _, page = web.post("/tickets/%d/reply" % t["id"], {"kind": "note", "body": "  ", "macro_id": ""})
    eq(st, 422, "an empty reply")
    check("напишите сообщение или выберите макрос" in page, "the field error in Russian")
    check('aria-invalid="true" aria-describedby="reply-body-error"' in page, "the field is marked")
    st, _, page = web.post("/tickets/%d/reply" % t["id"],
                           {"kind": "note", "body": "typed <text> kept", "macro_id": "999999"})
    eq(st, 422, "an unknown macro")
    check("typed &lt;text&gt; kept</textarea>" in page, "what was typed is kept")
    check(re.search(r'value="note" checked', page), "the chosen kind is kept")
    check('id="reply-macro-error"' in page, "the error is at the macro picker")
    eq(len(w.comments(t["id"])), before, "a failed submit adds nothing")
    # the same in English for an English-speaking agent
    web_en = signed_in(x, client=x.agent_en)
    st, _, page = web_en.post("/tickets/%d/reply" % t["id"], {"kind": "public", "body": ""})
    eq(st, 422, "an empty reply (en)")
    check("write a message or choose a macro" in page, "the field error in English")


def test_bad_csrf_and_bad_forms(x):
    t = x.w.ticket(group_id=x.l1["id"])
    web = signed_in(x)
    n = len(x.w.comments(t["id"]))
    st, _, _ = web.post("/tickets/%d/reply" % t["id"], {"body": "x"}, with_csrf=False)
    eq(st, 403, "no CSRF token")
    st, _, _ = web.post("/tickets/%d/reply" % t["id"], {"body": "x", "csrf": "A" * 43})
    eq(st, 403, "a wrong CSRF token")
    st, _, _ = web.post("/tickets/%d/reply" % t["id"], {"body": "x"}, ctype="text/plain")
    eq(st, 400, "not a form")
    st, _, _ = web.req("POST", "/tickets/%d/reply" % t["id"],
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    eq(st, 403, "an empty form has no token")
    eq(len(x.w.comments(t["id"])), n, "nothing was written")


def test_take_reply_with_macro_escalate(x):
    w = x.w
    t = w.ticket(group_id=x.l1["id"], requester=x.cust)
    web = signed_in(x, lang="ru")
    st, h, _ = web.post("/tickets/%d/take" % t["id"], {})
    eq(st, 303, "take")
    eq(w.get_ticket(t["id"])["assignee_id"], x.agent.user["id"], "taken")
    st, h, _ = web.post("/tickets/%d/reply" % t["id"],
                        {"kind": "public", "body": "Смотрим, ответим скоро.", "macro_id": str(x.macro["id"])})
    eq(st, 303, "reply with a macro")
    cs = w.comments(t["id"])
    check(any(c["body"] == "Смотрим, ответим скоро." and c["public"] for c in cs), "the reply is posted")
    check(any("Please send us the details" in c["body"] for c in cs), "the macro's reply is posted")
    eq(w.get_ticket(t["id"])["status"], "pending", "the macro set the status")
    st, _, page = web.post("/tickets/%d/escalate" % t["id"], {"group_id": "", "reason": "why not"})
    eq(st, 422, "escalation without a group")
    check('value="why not"' in page, "the reason is kept")
    st, h, _ = web.post("/tickets/%d/escalate" % t["id"], {"group_id": str(x.l2["id"]), "reason": "нужна L2"})
    eq(st, 303, "escalate")
    eq(w.get_ticket(t["id"])["group_id"], x.l2["id"], "escalated to L2")
    check(any(e["kind"] == "escalated" and e["data"] == "нужна L2" for e in w.events(t["id"])),
          "the reason is in the history")


def test_presence_switch(x):
    web = signed_in(x)
    st, h, _ = web.post("/presence", {"status": "online", "back": "/queue/group"})
    eq(st, 303, "presence")
    eq(h["Location"], "/queue/group", "back where it was")
    _, _, page = web.get("/queue/mine")
    check(re.search(r'<option value="online" selected>', page), "the switch shows online")
    st, _, _ = web.post("/presence", {"status": "asleep"})
    eq(st, 422, "unknown status")
    st, h, _ = web.post("/presence", {"status": "away", "back": "//evil.example"})
    eq(h["Location"], "/queue/mine", "no foreign redirect")


def test_live_events(x):
    """/live is held open: a comment on the open ticket is pushed on the same
    connection, with the views' counts; a comment elsewhere is not this
    ticket's event. (Two nodes, customers and the cap: test_nodes.py.)"""
    from test_nodes import Sse, is_ticket
    w = x.w
    t = w.ticket(group_id=x.l1["id"], assignee_id=x.agent.user["id"])
    other = w.ticket(group_id=x.l1["id"])
    web = signed_in(x)
    s = Sse(w.srv, web.cookie, t["id"])
    try:
        eq(s.status, 200, "live")
        check(s.headers["content-type"].startswith("text/event-stream"), "an event stream")
        first = s.wait(lambda ev: "id" in ev, TIMEOUT)
        check(first is not None and "event" not in first, "the first event only gives the id: %r" % first)
        expect(w.admin.post("/tickets/%d/comments" % other["id"], {"body": "elsewhere", "public": True}), 201)
        evs = s.drain(1.5)
        check(not [e for e in evs if is_ticket(t["id"])(e)], "no ticket event for another ticket: %r" % evs)
        expect(w.admin.post("/tickets/%d/comments" % t["id"], {"body": "new comment", "public": True}), 201)
        evs = s.drain(2.0)
        check([e for e in evs if is_ticket(t["id"])(e)], "the open ticket is announced on the same connection: %r" % evs)
        counts = [e for e in evs if e.get("event") == "counts"]
        check(counts and '"mine":' in counts[-1]["data"], "counts are pushed: %r" % evs)
    finally:
        s.close()


def test_assets_and_budget(x):
    web = Web(x.w)
    total = 0
    for name, ctype in (("htmx.min.js", "text/javascript"), ("app.js", "text/javascript"),
                        ("app.css", "text/css")):
        st, h, body = web.get("/assets/" + name)
        eq(st, 200, name)
        check(h["Content-Type"].startswith(ctype), "%s type %r" % (name, h["Content-Type"]))
        total += len(body.encode())
    check(total <= 100 * 1024, "JS + CSS per page is %d bytes, over 100 KB" % total)
    st, _, _ = web.get("/assets/nope.js")
    eq(st, 404, "unknown asset")
    st, _, _ = web.get("/assets/..%2Fweb.c")
    check(st in (400, 404), "no path tricks: %d" % st)


def english_catalogue():
    """Every English text of messages.def with no placeholder, 4+ letters."""
    out = set()
    with open(ROOT + "/src/i18n/messages.def", encoding="utf-8") as f:
        for line in f:
            m = re.match(r'M\((MSG_\w+), "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"\)', line)
            if not m or m.group(2) == m.group(3):
                continue
            for part in re.split(r"\{\d\}", m.group(2)):
                part = part.strip(" .:;,()—-")
                if len(re.sub(r"[^A-Za-z]", "", part)) >= 4:
                    out.add(part)
    return out


def test_russian_pages_have_no_english(x):
    w = x.w
    # an agent of their own, so that only Russian data is on the pages
    ru = w.user("agent", level="junior", name="Ольга Русская", lang="ru")
    g = w.group("l1", members=[ru.user["id"]], name="Первая линия")
    cu = w.user("customer", name="Иван Петров")
    t = w.ticket(group_id=g["id"], assignee_id=ru.user["id"], subject="Тема", description="Описание",
                 requester=cu)
    expect(ru.post("/tickets/%d/comments" % t["id"], {"body": "Заметка", "public": False}), 201)
    expect(ru.post("/tickets/%d/comments" % t["id"], {"body": "Ответ", "public": True}), 201)
    eng = english_catalogue()
    check(len(eng) > 100, "the catalogue was read")
    web = signed_in(x, client=ru, lang="ru")
    pages = {"/queue/mine": None, "/queue/group": None, "/tickets/%d" % t["id"]: None}
    st, _, login = Web(w, lang="ru").get("/login")
    pages["/login"] = login
    bad = []
    for path in pages:
        page = pages[path]
        if page is None:
            st, _, page = web.get(path)
            eq(st, 200, path)
        text = text_of(page, data=False)
        for s in eng:
            if re.search(r"(?<![A-Za-z])%s(?![A-Za-z])" % re.escape(s), text):
                bad.append("%s: %r" % (path, s))
    check(not bad, "English on Russian pages: %s" % bad[:10])


# ---- hand back, merge, links, viewers ----

def test_handback_on_the_page(x):
    w = x.w
    l2agent = w.user("agent", level="middle", name="Second Liner", lang="en", groups=[x.l2["id"]])
    t = w.ticket(group_id=x.l1["id"], assignee_id=x.agent_en.user["id"])
    web = signed_in(x, client=x.agent_en, lang="en")
    st, _, page = web.get("/tickets/%d" % t["id"])
    check('id="handback"' not in page, "no hand-back before an escalation")
    st, h, _ = web.post("/tickets/%d/escalate" % t["id"], {"group_id": str(x.l2["id"]), "reason": "needs L2"})
    eq(st, 303, "escalate")
    web2 = signed_in(x, client=l2agent, lang="en")
    st, _, page = web2.get("/tickets/%d" % t["id"])
    eq(st, 200, "the L2 agent sees it")
    check('id="handback"' in page and x.l1["name"] in text_of(page), "hand-back offered, back to L1")
    n = len(w.events(t["id"]))
    st, _, page = web2.post("/tickets/%d/handback" % t["id"], {"reason": "  "})
    eq(st, 422, "a hand-back without a reason")
    check('id="handback-reason-error"' in page and 'aria-invalid="true"' in page, "the error at its field")
    eq(len(w.events(t["id"])), n, "nothing changed")
    st, _, _ = web2.post("/tickets/%d/handback" % t["id"], {"reason": "not ours"}, with_csrf=False)
    eq(st, 403, "hand-back without CSRF")
    st, h, _ = web2.post("/tickets/%d/handback" % t["id"], {"reason": "not ours"})
    eq(st, 303, "hand back")
    got = w.get_ticket(t["id"])
    eq(got["group_id"], x.l1["id"], "back at L1")
    eq(got["assignee_id"], x.agent_en.user["id"], "with the agent who had it")
    check(any(e["kind"] == "handed_back" and e["data"] == "not ours" for e in w.events(t["id"])),
          "the reason is in the history")
    st, _, page = web.get("/tickets/%d" % t["id"])
    check('id="handback"' not in page, "no hand-back once handed back")
    st, _, page = web.post("/tickets/%d/handback" % t["id"], {"reason": "again"})
    eq(st, 409, "a hand-back of a ticket not escalated")
    check('id="handback"' in page and 'class="error" role="alert"' in page, "the refusal is shown")


def test_merge_confirms_and_keeps_input(x):
    w = x.w
    a = w.ticket(group_id=x.l1["id"], subject="Merge source")
    b = w.ticket(group_id=x.l1["id"], subject="Merge <target>")
    web = signed_in(x, lang="ru")
    n = len(w.events(a["id"]))
    # a ticket that does not exist: field-level, typed value kept, nothing changed
    st, _, page = web.post("/tickets/%d/merge" % a["id"], {"target_id": "99999999"})
    eq(st, 404, "merge into a missing ticket")
    check('id="merge-target-error"' in page and 'value="99999999"' in page, "error at the field, input kept")
    check("99999999" in text_of(page) and "не существует" in text_of(page), "the error in Russian")
    st, _, page = web.post("/tickets/%d/merge" % a["id"], {"target_id": "abc"})
    eq(st, 422, "not a number")
    check('value="abc"' in page and 'aria-invalid="true"' in page, "kept and marked")
    st, _, page = web.post("/tickets/%d/merge" % a["id"], {"target_id": str(a["id"])})
    eq(st, 422, "into itself")
    eq(len(w.events(a["id"])), n, "nothing changed by refused merges")
    # the first step shows the target's subject (escaped) and asks to confirm
    st, _, page = web.post("/tickets/%d/merge" % a["id"], {"target_id": str(b["id"])})
    eq(st, 200, "check the target")
    check("Merge &lt;target&gt;" in page and 'id="merge-confirm"' in page, "the subject, escaped, and a confirm button")
    eq(w.get_ticket(a["id"])["status"], a["status"], "not merged before confirming")
    st, _, _ = web.post("/tickets/%d/merge" % a["id"], {"target_id": str(b["id"]), "confirm": "1"},
                        with_csrf=False)
    eq(st, 403, "merge without CSRF")
    st, h, _ = web.post("/tickets/%d/merge" % a["id"], {"target_id": str(b["id"]), "confirm": "1"})
    eq(st, 303, "merge")
    eq(h["Location"], "/tickets/%d" % b["id"], "on to the target")
    got = w.get_ticket(a["id"])
    eq(got["status"], "closed", "the source is closed")
    check(any(e["kind"] == "merged_into" for e in w.events(a["id"])), "merged_into in the history")
    # a closed target is refused at the field
    c = w.ticket(group_id=x.l1["id"])
    st, _, page = web.post("/tickets/%d/merge" % c["id"], {"target_id": str(a["id"]), "confirm": "1"})
    eq(st, 409, "into a closed ticket")
    check('id="merge-target-error"' in page, "at the field")


def test_links_add_list_remove(x):
    w = x.w
    a = w.ticket(group_id=x.l1["id"], subject="Link one")
    b = w.ticket(group_id=x.l1["id"], subject="Link <two>")
    web = signed_in(x, client=x.agent_en, lang="en")
    st, _, page = web.post("/tickets/%d/links" % a["id"], {"kind": "duplicate_of", "ticket_id": "99999999"})
    eq(st, 422, "a link to a missing ticket")
    check('id="link-ticket-error"' in page and 'value="99999999"' in page, "field error, input kept")
    check('<option value="duplicate_of" selected>' in page, "the kind chosen is kept")
    st, _, page = web.post("/tickets/%d/links" % a["id"], {"kind": "sideways", "ticket_id": str(b["id"])})
    eq(st, 422, "an unknown kind")
    check('id="link-kind-error"' in page, "at the kind")
    eq(expect(w.admin.get("/tickets/%d/links" % a["id"]), 200)["links"], [], "no link made")
    st, h, _ = web.post("/tickets/%d/links" % a["id"], {"kind": "duplicate_of", "ticket_id": str(b["id"])})
    eq(st, 303, "link")
    links = expect(w.admin.get("/tickets/%d/links" % a["id"]), 200)["links"]
    eq(len(links), 1, "one link")
    st, _, page = web.get("/tickets/%d" % a["id"])
    sec = page[page.index('id="links"'):]
    check("duplicate of" in sec and "Link &lt;two&gt;" in sec and ("status-new" in sec or "status-open" in sec),
          "the link with its kind, subject and status")
    st, _, page = web.get("/tickets/%d" % b["id"])
    check("duplicated by" in page[page.index('id="links"'):], "seen from the other side")
    st, h, _ = web.post("/tickets/%d/links/%d/remove" % (a["id"], links[0]["id"]), {})
    eq(st, 303, "remove the link")
    eq(expect(w.admin.get("/tickets/%d/links" % a["id"]), 200)["links"], [], "removed")
    st, _, page = web.post("/tickets/%d/links/%d/remove" % (a["id"], links[0]["id"]), {})
    eq(st, 404, "removing it again")


def _write_clock(path, t):
    with open(path + ".tmp", "w") as f:
        f.write(str(int(t)))
    os.replace(path + ".tmp", path)


def test_viewers_notice_and_expiry(x):
    clock = os.path.join(new_dir("web-clock"), "now")
    now = 1780000000000
    _write_clock(clock, now)
    w = World("web-viewers", env={"OPORA_TEST_CLOCK": clock})
    try:
        a1 = w.user("agent", level="junior", name="Viewer One", lang="en")
        a2 = w.user("agent", level="junior", name="Viewer Two", lang="ru")
        g = w.group("l1", members=[a1.user["id"], a2.user["id"]])
        cu = w.user("customer", name="Viewer Customer")
        t = w.ticket(group_id=g["id"])
        p = "/tickets/%d/viewers" % t["id"]
        web1, web2 = Web(w, lang="en"), Web(w, lang="ru")
        eq(web1.login(a1.user["email"])[0], 303, "sign in 1")
        eq(web2.login(a2.user["email"])[0], 303, "sign in 2")
        st, _, body = web1.post(p, {"typing": "0"})
        eq(st, 200, "first heartbeat")
        eq(json.loads(body)["viewers"], [], "alone on the page")
        st, _, _ = web1.post(p, {"typing": "0"}, with_csrf=False)
        eq(st, 403, "a heartbeat without CSRF")
        # the second agent's page shows the first at once (rendered by the server)
        st, _, page = web2.get("/tickets/%d" % t["id"])
        check("Viewer One тоже открыл(а) это обращение" in text_of(page), "notice on the page")
        check('id="viewers"' in page and ' hidden' not in page[page.index('id="viewers"'):].split(">", 1)[0],
              "the notice is shown")
        st, _, body = web2.post(p, {"typing": "1"})
        v = json.loads(body)["viewers"]
        eq([e["user_id"] for e in v], [a1.user["id"]], "2 sees 1")
        # and the first sees the second, typing, in its own language
        st, _, body = web1.post(p, {"typing": "0"})
        v = json.loads(body)["viewers"]
        eq([(e["user_id"], e["typing"]) for e in v], [(a2.user["id"], True)], "1 sees 2 typing")
        check("Viewer Two also has this ticket open and is typing" in v[0]["text"], "English text: %r" % v[0]["text"])
        # no history is written for views
        check(not any(e["kind"] not in ("created", "changed") for e in w.events(t["id"])), "no events for views")
        # 30 s later 2 still counts; 41 s after its last beat it is gone
        _write_clock(clock, now + 30000)
        st, _, body = web1.post(p, {"typing": "0"})
        eq(len(json.loads(body)["viewers"]), 1, "still there after 30 s")
        _write_clock(clock, now + 41000)
        st, _, body = web1.post(p, {"typing": "0"})
        eq(json.loads(body)["viewers"], [], "expired after 40 s")
        st, _, page = web2.get("/tickets/%d" % t["id"])
        check("Viewer One" in text_of(page), "1 is still there for 2 (it kept beating)")
        # leaving forgets at once
        st, _, _ = web1.post(p + "/leave", {})
        eq(st, 204, "leave")
        st, _, body = web2.post(p, {"typing": "0"})
        eq(json.loads(body)["viewers"], [], "1 left")
        # a customer may not beat; an agent who cannot see the ticket gets 404
        cweb = Web(w)
        st, _, _ = cweb.req("POST", "/login", form={"email": cu.user["email"], "password": PASSWORD})
        check(st == 303 and cweb.cookie, "customer signs in")
        st, _, _ = cweb.post(p, {"typing": "0"})
        eq(st, 403, "a customer is refused")
        other = w.user("agent", level="junior", name="Outsider")
        w.group("l1", members=[other.user["id"]])
        oweb = Web(w)
        eq(oweb.login(other.user["email"])[0], 303, "outsider signs in")
        st, _, _ = oweb.post(p, {"typing": "0"})
        check(st in (403, 404), "an agent who cannot see the ticket: %d" % st)
    finally:
        w.finish()


def test_keyboard_help_and_labels(x):
    t = x.w.ticket(group_id=x.l1["id"])
    web = signed_in(x, client=x.agent_en, lang="en")
    for path in ("/queue/mine", "/tickets/%d" % t["id"]):
        st, _, page = web.get(path)
        check('<dialog id="keys-help"' in page and "Keyboard shortcuts" in page, "the help dialog on " + path)
    # every visible control of the ticket page has a label (or is a button with text)
    for m in re.finditer(r'<(input|select|textarea)\b([^>]*)>', page):
        attrs = m.group(2)
        if 'type="hidden"' in attrs or 'type="radio"' in attrs:
            continue
        idm = re.search(r'id="([^"]+)"', attrs)
        check(idm and ('<label for="%s">' % idm.group(1)) in page, "a label for %s" % m.group(0))
