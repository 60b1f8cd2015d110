"""The customer portal (docs/web.md, "Portal"): sign-in by a mailed single-use
link (read from the outbox table; forged, used and expired links; the same
answer for unknown addresses; the limit per address), password sign-in
landing on the portal, each role sent to its own pages, my requests with
paging, a new request with files (multipart) downloadable afterwards, field
errors in the customer's language keeping what was typed and storing
nothing, another customer's request and internal notes never shown, CSRF,
a reply, and the CSAT rating after a solve. Runs on SQLite and PostgreSQL."""

import http.client
import os
import re
import sqlite3
import subprocess
import time
import urllib.parse

from harness import (PASSWORD, TIMEOUT, World, check, eq, expect, new_dir, uniq)


class Ctx:
    pass


def _write(path, t):
    with open(path + ".tmp", "w") as f:
        f.write(str(int(t)))
    os.replace(path + ".tmp", path)


class Web:
    """A browser-like client: cookies, url-encoded and multipart form posts,
    no redirects followed."""

    def __init__(self, x, lang=None):
        self.x, self.lang, self.cookie, self.csrf = x, lang, None, None
        self.jar = {}  # cookies other than the session's (the sign-in link's CSRF)

    def req(self, method, path, body=None, ctype=None):
        h = {"Connection": "close"}
        if self.lang:
            h["Accept-Language"] = self.lang
        jar = dict(self.jar)
        if self.cookie:
            jar["opora_session"] = self.cookie
        if jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in jar.items())
        if ctype:
            h["Content-Type"] = ctype
        c = http.client.HTTPConnection("127.0.0.1", self.x.w.port, timeout=TIMEOUT)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            for v in r.headers.get_all("Set-Cookie") or []:
                first = v.split(";", 1)[0]
                name, _, value = first.partition("=")
                if name == "opora_session":
                    self.cookie = value or None
                elif value:
                    self.jar[name] = value
                else:
                    self.jar.pop(name, None)
            return r.status, r.headers, data
        finally:
            c.close()

    def get(self, path):
        st, h, data = self.req("GET", path)
        return st, h, data.decode("utf-8", "replace")

    def post(self, path, form, with_csrf=True):
        f = dict(form)
        if with_csrf and self.csrf:
            f.setdefault("csrf", self.csrf)
        st, h, data = self.req("POST", path, urllib.parse.urlencode(f).encode(),
                               "application/x-www-form-urlencoded")
        return st, h, data.decode("utf-8", "replace")

    def post_multipart(self, path, fields, files=(), with_csrf=True):
        """files: (field, filename, content type, bytes)."""
        b = "----opora" + uniq("b")
        f = dict(fields)
        if with_csrf and self.csrf:
            f.setdefault("csrf", self.csrf)
        out = []
        for k, v in f.items():
            out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (b, k))
                       .encode() + v.encode() + b"\r\n")
        for k, name, ctype, data in files:
            out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                        "Content-Type: %s\r\n\r\n" % (b, k, name, ctype)).encode() + data + b"\r\n")
        out.append(("--%s--\r\n" % b).encode())
        st, h, data = self.req("POST", path, b"".join(out), "multipart/form-data; boundary=" + b)
        return st, h, data.decode("utf-8", "replace")

    def take_csrf(self, page):
        m = re.search(r'name="csrf" value="([^"]+)"', page)
        check(m, "a CSRF field on the page")
        self.csrf = m.group(1)

    def login(self, email, password=PASSWORD):
        st, h, _ = self.post("/login", {"email": email, "password": password}, with_csrf=False)
        eq(st, 303, "password sign-in")
        st2, _, page = self.get(h["Location"])
        eq(st2, 200, "the page after signing in (%s)" % h["Location"])
        self.take_csrf(page)
        return h["Location"]


def setup():
    x = Ctx()
    x.clock = os.path.join(new_dir("portal-clock"), "now")
    x.now = 1775030400000  # 2026-04-01 08:00 UTC
    _write(x.clock, x.now)
    # mail is "configured" (a closed port): the outbox keeps what it could not send
    x.w = w = World("portal", env={"OPORA_TEST_CLOCK": x.clock,
                                   "OPORA_SMTP_URL": "smtp://127.0.0.1:9",
                                   "OPORA_MAIL_RETRY_MS": "3600000"})
    x.g = w.group("l1", name=uniq("Portal L1 "))
    x.agent = w.user("agent", level="junior", name="Анна Агент", groups=[x.g["id"]])
    x.cust = w.user("customer", name="Клиент Портала", lang="ru")
    x.cust_en = w.user("customer", name="Portal Customer", lang="en")
    x.other = w.user("customer", name="Someone Else", lang="en")
    return x


def teardown(x):
    x.w.finish()


def advance(x, ms):
    x.now += ms
    _write(x.clock, x.now)


def db_rows(x, sql):
    db = x.w.srv.db
    if not db.startswith("postgres"):
        con = sqlite3.connect(db, timeout=30)
        try:
            return [tuple(r) for r in con.execute(sql).fetchall()]
        finally:
            con.close()
    out = subprocess.run(["psql", db, "-At", "-F", "\t", "-c", sql], capture_output=True,
                         text=True, check=True).stdout
    return [tuple(l.split("\t")) for l in out.splitlines() if l]


def mails_to(x, addr):
    """(subject, link token) of every portal mail to addr, oldest first."""
    pg = x.w.srv.db.startswith("postgres")
    cut = ("substring(body from position('pm_' in body) for 46)" if pg
           else "substr(body, instr(body, 'pm_'), 46)")
    rows = db_rows(x, "SELECT subject, %s FROM mail_outbox WHERE kind = 'portal_link' "
                      "AND to_addr = '%s' ORDER BY id" % (cut, addr))
    return [(r[0], re.match(r"pm_[A-Za-z0-9_-]{43}", r[1]).group(0)) for r in rows]


def count(x, table):
    return int(db_rows(x, "SELECT count(*) FROM %s" % table)[0][0])


def ask_link(x, email, lang="ru"):
    b = Web(x, lang)
    return b.post("/portal/login", {"email": email}, with_csrf=False)


def link_path(token):
    return "/portal/magic?token=" + token


def confirm_page(b, token):
    """Opens a mailed link: the question, not a sign-in. Returns the form's
    fields (csrf, token)."""
    st, h, page = b.get(link_path(token))
    eq(st, 200, "the link's page")
    check('id="magic-confirm"' in page and 'action="/portal/magic"' in page,
          "a button that posts the sign-in")
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    t = re.search(r'name="token" value="([^"]+)"', page)
    check(m and t and t.group(1) == token, "the form carries a CSRF value and the link")
    return {"csrf": m.group(1), "token": token}, page, h


def magic_sign_in(x, user, lang="ru"):
    st, _, _ = ask_link(x, user.user["email"], lang)
    eq(st, 200, "asking for a link")
    token = mails_to(x, user.user["email"])[-1][1]
    b = Web(x, lang)
    form, _, _ = confirm_page(b, token)
    check(not b.cookie, "opening the link is not signing in")
    st, h, _ = b.post("/portal/magic", form, with_csrf=False)
    eq((st, h["Location"]), (303, "/portal"), "the button signs in")
    check(b.cookie, "a session cookie after the button")
    st, _, page = b.get("/portal")
    eq(st, 200, "the portal after the link")
    b.take_csrf(page)
    return b


def link_used(x, token):
    """Whether the link is marked used in the store (by the hash of its secret)."""
    import hashlib
    h = hashlib.blake2b(token.encode(), digest_size=32).hexdigest()
    pg = x.w.srv.db.startswith("postgres")
    where = ("token_hash = decode('%s', 'hex')" % h if pg else "hex(token_hash) = upper('%s')" % h)
    rows = db_rows(x, "SELECT id, used_at FROM portal_magic_links WHERE " + where)
    eq(len(rows), 1, "the link is stored under the hash of its secret")
    return rows[0][1] not in (None, "")


def test_magic_link_flow(x):
    email = x.cust.user["email"]
    before = count(x, "mail_outbox")
    st, h, known = ask_link(x, email)
    eq(st, 200, "a known address")
    st, _, unknown = ask_link(x, "nobody-" + uniq("n") + "@example.com")
    eq(st, 200, "an unknown address")
    check('id="link-sent"' in known and 'id="link-sent"' in unknown, "both say a link is sent")
    # the same page but for the address itself (no account enumeration)
    strip = lambda p: re.sub(r"[\w.+-]+@example\.com", "@", p)
    eq(strip(known), strip(unknown), "the same answer for a known and an unknown address")
    eq(count(x, "mail_outbox"), before + 1, "one mail, for the known address only")
    (subject, token), = mails_to(x, email)[-1:]
    eq(subject, "Ссылка для входа", "the mail in the customer's language")
    eq(db_rows(x, "SELECT count(*) FROM mail_outbox WHERE kind = 'portal_link' AND to_addr = '%s' "
                  "AND body LIKE '%%/portal/magic?token=%s%%'" % (email, token))[0][0] in (1, "1"),
       True, "the mailed link carries the secret in its query")
    eq(len(db_rows(x, "SELECT id FROM portal_magic_links WHERE used_at IS NULL")) >= 1, True,
       "the link is stored")
    check(not db_rows(x, "SELECT id FROM portal_magic_links WHERE token_hash = '%s'" % token),
          "only a hash of the secret is stored")
    # an agent's address gets no link either, and the same page
    st, _, page = ask_link(x, x.agent.user["email"])
    check(st == 200 and 'id="link-sent"' in page, "an agent's address: the same page")
    eq(mails_to(x, x.agent.user["email"]), [], "no link for staff")

    # a mail scanner opens the link (twice): a question, nothing used
    sessions = count(x, "sessions")
    for i in range(2):
        scanner = Web(x, "en")
        form, page, h = confirm_page(scanner, token)
        check("Войти на портал поддержки как %s?" % email in page,
              "the question names the address, in the customer's language (%d)" % (i + 1))
        check(not scanner.cookie and "opora_session" not in (h.get("Set-Cookie") or ""),
              "no session for opening the link (%d)" % (i + 1))
        check('http-equiv="refresh"' not in page, "the page does not move on by itself")
        check("no-store" in h["Cache-Control"], "the page is not cached")
    check(not link_used(x, token), "opening the link twice leaves it usable")
    eq(count(x, "sessions"), sessions, "no session was made by opening it")
    # the old form of the link (mailed by earlier versions) asks the same
    st, _, page = Web(x, "ru").get("/portal/magic/" + token)
    check(st == 200 and 'id="magic-confirm"' in page, "the path form of the link asks too")

    # the button: without the page's cookie (posted from another site) it only asks again
    b = Web(x, "ru")
    form, page, h = confirm_page(b, token)
    check("SameSite=Strict" in h["Set-Cookie"] and "HttpOnly" in h["Set-Cookie"],
          "the form's CSRF cookie is SameSite=Strict and HttpOnly")
    for bad in ({}, {"opora_magic": "A" * 43}):
        forger = Web(x, "ru")
        forger.jar = dict(bad)
        st, _, page = forger.post("/portal/magic", form, with_csrf=False)
        check(st == 403 and 'id="magic-confirm"' in page and not forger.cookie,
              "a post without the page's cookie value: asked again, not signed in (%d)" % st)
    st, _, _ = b.post("/portal/magic", dict(form, csrf="B" * 43), with_csrf=False)
    check(st == 403 and not b.cookie, "a wrong CSRF value: not signed in")
    check(not link_used(x, token), "the refused posts left the link usable")

    # the button signs in
    st, h, _ = b.post("/portal/magic", form, with_csrf=False)
    eq((st, h["Location"]), (303, "/portal"), "the button signs in and goes to the portal")
    cookies = h.get_all("Set-Cookie")
    check(b.cookie and any("opora_session=" in c and "HttpOnly" in c and "SameSite=Strict" in c
                           for c in cookies), "a session cookie like /login's")
    check(any(c.startswith("opora_magic=;") and "Max-Age=0" in c for c in cookies),
          "the form's cookie is cleared")
    check(link_used(x, token), "the link is used")
    st, _, page = b.get("/portal")
    eq(st, 200, "signed in by the link")
    b.take_csrf(page)
    check("Клиент Портала" in page and "Мои обращения" in page, "the portal, in Russian")

    # used once: a second post, and opening it again, show the expired page
    gone = "Срок действия ссылки для входа истёк, или ею уже воспользовались"
    again = Web(x, "ru")
    again.jar = {"opora_magic": form["csrf"]}  # the same browser's form, posted again
    st, _, page = again.post("/portal/magic", form, with_csrf=False)
    check(st == 410 and gone in page and 'id="link-problem"' in page and not again.cookie,
          "a second post: the expired page (%d)" % st)
    check('action="/portal/login"' in page, "with the form to ask for a new link")
    st, _, used_page = Web(x, "en").get(link_path(token))
    eq(st, 410, "a used link opened")
    check("has expired or was used already" in used_page, "the used link's page says so")
    # forged: another secret of the same shape, a truncated one, garbage, none:
    # the very same page as a used link (nothing to tell them apart)
    for bad in (token[:-4] + "AAAA", token[:20], "pm_x", "nothing", ""):
        st, _, page = Web(x, "en").get(link_path(bad))
        check(st == 410 and page == used_page, "a forged link %r: the same page (%d)" % (bad, st))
    st, _, page = Web(x, "en").get("/portal/magic/" + token[:-4] + "AAAA")
    check(st == 410 and page == used_page, "a forged link in the path form: the same page")
    # expired after 15 minutes: opening it and its button both say so
    ask_link(x, email)
    token2 = mails_to(x, email)[-1][1]
    late = Web(x, "en")
    form2, _, _ = confirm_page(late, token2)
    advance(x, 15 * 60 * 1000 + 1000)
    st, _, page = Web(x, "en").get(link_path(token2))
    check(st == 410 and page == used_page, "an expired link: the same page (%d)" % st)
    st, _, page = late.post("/portal/magic", form2, with_csrf=False)
    check(st == 410 and page == used_page and not late.cookie,
          "an expired link's button: the same page (%d)" % st)
    check(not Web(x).get("/portal")[0] == 200, "no session without a cookie")
    # the secrets never reach the server's log (the access log writes paths)
    lines = x.w.srv.wait_for_lines(lambda ls: any("portal sign-in" in l for l in ls))
    check(lines, "the sign-in is logged")
    leaked = [l for l in x.w.srv.lines() if token in l or token2 in l]
    # the path form above was asked on purpose; nothing else may carry a secret
    leaked = [l for l in leaked if "path=/portal/magic/" not in l]
    eq(leaked, [], "no sign-in secret in the log")
    # signing out ends the session
    st, h, _ = b.post("/logout", {})
    eq((st, h["Location"]), (303, "/portal/login"), "sign-out from the portal")
    eq(b.get("/portal")[0], 303, "signed out")


def test_link_rate_limit(x):
    email = "limit-" + uniq("n") + "@example.com"  # unknown: limited all the same
    for i in range(5):
        eq(ask_link(x, email)[0], 200, "ask %d" % (i + 1))
    st, h, page = ask_link(x, email, "en")
    check(st == 429 and "Too many links" in page and h["Retry-After"], "the 6th ask is limited")
    eq(ask_link(x, "other-" + email)[0], 200, "another address is not limited")
    st, _, page = ask_link(x, "not-an-address", "en")
    check(st == 422 and "enter your email" in page, "a malformed address: %d" % st)


def test_roles_go_home(x):
    c = Web(x, "ru")
    eq(c.login(x.cust.user["email"]), "/portal", "a customer's password sign-in lands on the portal")
    for path in ("/queue/mine", "/tickets/1", "/"):
        st, h, _ = c.get(path)
        eq((st, h["Location"]), (303, "/portal"), "a customer on %s" % path)
    st, _, page = c.post("/tickets/1/take", {})
    eq(st, 403, "a customer's post to an agent page")
    a = Web(x, "ru")
    a.login(x.agent.user["email"])
    for path in ("/portal", "/portal/new", "/portal/requests/1", "/"):
        st, h, _ = a.get(path)
        eq((st, h["Location"]), (303, "/queue/mine"), "an agent on %s" % path)
    eq(a.post("/portal/new", {"subject": "x", "description": "y"})[0], 403, "an agent's post")
    anon = Web(x)
    st, h, _ = anon.get("/portal")
    eq((st, h["Location"]), (303, "/portal/login"), "no session: the portal's sign-in")
    st, _, page = anon.get("/portal/login")
    check(st == 200 and 'action="/portal/login"' in page and "/login?next=/portal" in page,
          "the sign-in page offers a link and the password")


def test_new_request_with_files(x):
    b = magic_sign_in(x, x.cust)
    st, _, page = b.get("/portal/new")
    check(st == 200 and 'enctype="multipart/form-data"' in page, "the form")
    data = bytes(range(256)) * 40 + b"\r\n--\r\n"
    st, h, _ = b.post_multipart("/portal/new", {"subject": "Не печатает принтер",
                                               "description": "Ошибка <b>E-13</b>\r\nс утра"},
                                [("files", "ошибка.bin", "application/octet-stream", data),
                                 ("files", "note.txt", "text/plain", "привет".encode())])
    eq(st, 303, "created")
    m = re.match(r"^/portal/requests/(\d+)$", h["Location"])
    check(m, "to the request's page: %r" % h["Location"])
    tid = int(m.group(1))
    t = x.w.get_ticket(tid)
    eq((t["subject"], t["description"], t["requester_id"], t["channel"]),
       ("Не печатает принтер", "Ошибка <b>E-13</b>\nс утра", x.cust.user["id"], "web"),
       "the ticket as typed")
    cs = x.w.comments(tid)
    eq(len(cs), 1, "one message carries the files")
    eq(len(cs[0]["attachment_ids"]), 2, "two files")
    st, _, page = b.get(h["Location"])
    eq(st, 200, "the request page")
    check("Ошибка &lt;b&gt;E-13&lt;/b&gt;" in page, "the description, escaped")
    check('data-ticket="%d"' % tid in page and 'data-live-url="/portal/requests/%d"' % tid in page
          and 'data-live-parts="conversation"' in page, "the live attributes on body")
    links = re.findall(r'href="(/api/v1/attachments/(\d+)/content)"', page)
    eq(len(links), 2, "both files are links")
    st, _, got = b.req("GET", links[0][0])
    eq((st, got), (200, data), "the first file downloads as uploaded")
    # the list shows it, with the status in words
    st, _, page = b.get("/portal")
    check(st == 200 and "/portal/requests/%d" % tid in page and "Не печатает принтер" in page
          and "Новое" in page, "my requests list it")


def test_form_errors_keep_input(x):
    b = magic_sign_in(x, x.cust)
    tickets = count(x, "tickets")
    files = count(x, "attachments")
    st, _, page = b.post_multipart("/portal/new", {"subject": "  ",
                                                  "description": "Текст <i>как есть</i>"},
                                   [("files", "a.txt", "text/plain", b"hello")])
    eq(st, 422, "an empty subject")
    check('id="subject-error"' in page and "заполните это поле" in page, "the error at its field")
    check('aria-invalid="true" aria-describedby="subject-error"' in page, "marked for a screen reader")
    check("Текст &lt;i&gt;как есть&lt;/i&gt;</textarea>" in page, "the description kept, escaped")
    check("Выберите файлы заново" in page, "asks for the files again")
    st, _, page = b.post_multipart("/portal/new", {"subject": "Тема", "description": "Описание"},
                                   [("files", "f%d.txt" % i, "text/plain", b"x") for i in range(6)])
    check(st == 422 and 'id="files-error"' in page and "не больше 5 файлов" in page,
          "too many files")
    check('value="Тема"' in page, "the subject kept")
    st, _, page = b.post_multipart("/portal/new", {"subject": "Тема", "description": "Описание"},
                                   [("files", "empty.txt", "text/plain", b"")])
    check(st == 422 and "пустой" in page, "an empty file")
    st, _, page = b.post_multipart("/portal/new", {"subject": "Т" * 256, "description": "Описание"})
    check(st == 422 and "не больше 255 символов" in page, "a subject too long")
    eq((count(x, "tickets"), count(x, "attachments")), (tickets, files), "nothing stored")
    # English for an English customer
    e = magic_sign_in(x, x.cust_en, "en")
    st, _, page = e.post_multipart("/portal/new", {"subject": "Printer", "description": ""})
    check(st == 422 and "fill this in" in page and 'id="description-error"' in page,
          "the error in English")


def test_other_customers_and_notes(x):
    b = magic_sign_in(x, x.cust)
    t = x.w.ticket(requester=x.cust, subject="Мой запрос")
    other = x.w.ticket(requester=x.other, subject="Чужой запрос " + uniq("s"))
    expect(x.agent.post("/tickets/%d/comments" % t["id"],
                        {"body": "SECRET-NOTE внутреннее", "public": False}), 201)
    expect(x.agent.post("/tickets/%d/comments" % t["id"],
                        {"body": "Публичный ответ агента", "public": True}), 201)
    st, _, page = b.get("/portal/requests/%d" % t["id"])
    eq(st, 200, "own request")
    check("Публичный ответ агента" in page and "Анна Агент" in page, "the public reply, signed")
    check("SECRET-NOTE" not in page, "never an internal note")
    st, _, page = b.get("/portal/requests/%d" % other["id"])
    check(st == 404 and other["subject"] not in page, "another's request: 404")
    st, _, _ = b.post_multipart("/portal/requests/%d/reply" % other["id"], {"body": "hi"})
    eq(st, 404, "replying to another's request")
    eq(len(x.w.comments(other["id"])), 0, "nothing added there")
    st, _, page = b.get("/portal")
    check("Мой запрос" in page and other["subject"] not in page, "only my requests listed")
    eq(b.get("/portal/requests/abc")[0], 404, "not an id")


def test_csrf(x):
    b = magic_sign_in(x, x.cust)
    t = x.w.ticket(requester=x.cust)
    n = len(x.w.comments(t["id"]))
    for path, kind in (("/portal/new", "multipart"), ("/portal/requests/%d/reply" % t["id"], "multipart"),
                       ("/portal/requests/%d/rate" % t["id"], "form")):
        for tok in (None, "wrong"):
            f = {"subject": "s", "description": "d", "body": "b", "score": "5"}
            if tok:
                f["csrf"] = tok
            st = (b.post_multipart(path, f, with_csrf=False) if kind == "multipart"
                  else b.post(path, f, with_csrf=False))[0]
            eq(st, 403, "%s with csrf %r" % (path, tok))
    eq(len(x.w.comments(t["id"])), n, "nothing added")


def test_reply_paging_and_rating(x):
    c = x.w.user("customer", name="Оценщик", lang="ru")
    b = magic_sign_in(x, c)
    ids = [x.w.ticket(requester=c, subject="Запрос %02d" % i, group_id=x.g["id"])["id"]
           for i in range(22)]
    st, _, page = b.get("/portal")
    eq(len(re.findall(r'class="ticket-link"', page)), 20, "20 on the first page")
    m = re.search(r'href="(/portal\?after=[^"]+)"', page)
    check(m, "a link to older requests")
    st, _, page2 = b.get(m.group(1).replace("&amp;", "&"))
    eq(len(re.findall(r'class="ticket-link"', page2)), 2, "the rest on the second")
    check("Запрос 00" in page2 and "Запрос 00" not in page, "oldest last")
    eq(b.get("/portal?after=garbage")[0], 303, "a bad cursor goes to the first page")

    tid = ids[0]
    st, h, _ = b.post_multipart("/portal/requests/%d/reply" % tid, {"body": "Жду ответа"},
                                [("files", "лог.txt", "text/plain", b"log line")])
    eq(st, 303, "a reply")
    cs = x.w.comments(tid)
    eq((cs[-1]["body"], cs[-1]["public"], cs[-1]["author_id"], len(cs[-1]["attachment_ids"])),
       ("Жду ответа", True, c.user["id"], 1), "the reply with its file")
    st, _, page = b.post_multipart("/portal/requests/%d/reply" % tid, {"body": ""})
    check(st == 422 and 'id="reply-body-error"' in page, "an empty reply: an error at the field")
    # solved: the rating form
    expect(x.agent.patch("/tickets/%d" % tid, {"assignee_id": x.agent.user["id"],
                                                "status": "solved",
                                                "comment": {"body": "Готово", "public": True}}), 200)
    st, _, page = b.get("/portal/requests/%d" % tid)
    check('action="/portal/requests/%d/rate"' % tid in page and "5 — очень доволен" in page,
          "the rating form after the solve")
    st, _, page = b.post("/portal/requests/%d/rate" % tid, {"score": "6", "comment": "мой текст"})
    check(st == 422 and 'id="rate-score-error"' in page and "мой текст</textarea>" in page,
          "a bad score: the error, the comment kept")
    eq([e for e in x.w.events(tid) if e["kind"] == "rated"], [], "nothing rated")
    st, h, _ = b.post("/portal/requests/%d/rate" % tid, {"score": "4", "comment": "Спасибо!"})
    eq(st, 303, "rated")
    ev = [e for e in x.w.events(tid) if e["kind"] == "rated"]
    eq([(e["field"], e["new"], e["actor_id"]) for e in ev], [("csat", "4", c.user["id"])],
       "a 'rated' event by the customer")
    st, _, page = b.get("/portal/requests/%d" % tid)
    check('id="rating-given"' in page and "4 из 5" in page and "Спасибо!" in page
          and 'action="/portal/requests/%d/rate"' % tid not in page, "shown as given")
    # another customer may not rate it
    o = magic_sign_in(x, x.other, "en")
    eq(o.post("/portal/requests/%d/rate" % tid, {"score": "1"})[0], 404, "another's rating")
