"""Staff accounts by mail (docs/account.md): an admin invites a user created
without a password (the mail read from the outbox table), the link opened
twice without using it, field errors on the password form, the password
set and the user signed in, the link used once; "forgot password" with the
same answer for unknown and customer addresses, the old sessions ended by
a reset, the old password refused; expired and forged links refused; the
limit per address; admins only, customers refused; the event log; the
Russian pages hold no English text of the catalogue. Runs on SQLite and
PostgreSQL (OPORA_IT_DB=postgres)."""

import hashlib
import os
import re
import sqlite3
import subprocess

from harness import PASSWORD, World, check, eq, expect, new_dir, uniq
from test_web import Web, english_catalogue, text_of

HOUR = 3600 * 1000


class Ctx:
    pass


def _write(path, t):
    with open(path + ".tmp", "w") as f:
        f.write(str(int(t)))
    os.replace(path + ".tmp", path)


def setup():
    x = Ctx()
    x.clock = os.path.join(new_dir("account-clock"), "now")
    x.now = 1775030400000  # 2026-04-01 08:00 UTC
    _write(x.clock, x.now)
    # mail is "configured" (a closed port): the outbox keeps what it could not send
    x.w = World("account", env={"OPORA_TEST_CLOCK": x.clock,
                                "OPORA_SMTP_URL": "smtp://127.0.0.1:9",
                                "OPORA_MAIL_RETRY_MS": "3600000"})
    x.admin_user = x.w.user("admin", name="Admin Inviter", lang="en")
    admin_sign_in(x)
    return x


def teardown(x):
    x.w.finish()


def admin_sign_in(x):
    x.admin = Web(x.w, "en")
    st, _, _ = x.admin.login(x.admin_user.user["email"])
    eq(st, 303, "the admin signs in on the web")


def advance(x, ms):
    x.now += ms
    _write(x.clock, x.now)
    admin_sign_in(x)  # a day or more on, the admin's idle session has expired


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


def pg(x):
    return x.w.srv.db.startswith("postgres")


def mails_to(x, addr, kind):
    """(subject, link token) of every account mail of kind to addr, oldest first."""
    cut = ("substring(body from position('pw_' in body) for 46)" if pg(x)
           else "substr(body, instr(body, 'pw_'), 46)")
    rows = db_rows(x, "SELECT subject, %s FROM mail_outbox WHERE kind = '%s' AND to_addr = '%s' "
                      "ORDER BY id" % (cut, kind, addr))
    return [(r[0], re.match(r"pw_[A-Za-z0-9_-]{43}", r[1]).group(0)) for r in rows]


def count(x, table, where="1=1"):
    return int(db_rows(x, "SELECT count(*) FROM %s WHERE %s" % (table, where))[0][0])


def used_at(x, token):
    """The used_at of the stored link of token ('' when not used), found by its hash."""
    h = hashlib.blake2b(token.encode(), digest_size=32).hexdigest()
    col = "encode(token_hash, 'hex')" if pg(x) else "lower(hex(token_hash))"
    rows = db_rows(x, "SELECT coalesce(used_at, 0) FROM account_tokens WHERE %s = '%s'" % (col, h))
    eq(len(rows), 1, "the link is stored under the BLAKE2b-256 of its secret")
    return int(rows[0][0])


def new_staff(x, lang="ru", password=None, role="agent"):
    body = {"name": "Новый Сотрудник" if lang == "ru" else "New Colleague",
            "email": uniq("staff") + "@example.com", "role": role, "level": "junior",
            "language": lang}
    if password:
        body["password"] = password
    return expect(x.w.admin.post("/users", body), 201, what="create a user")


def user_events(x, uid):
    evs, after = [], 0
    while True:
        d = expect(x.w.admin.get("/events", query={"after_id": after, "limit": 10000}), 200)
        evs += [e for e in d["events"] if e["entity"] == "user" and e["entity_id"] == uid]
        after = d.get("next_after_id")
        if not after:
            return evs


def invite(x, uid):
    st, h, page = x.admin.get("/admin/users/%d" % uid)
    eq(st, 200, "the user's page")
    st, h, _ = x.admin.post("/admin/users/%d/invite" % uid, {})
    eq(st, 303, "the invitation is sent")
    return h["Location"]


def field_error(page, name):
    if not re.search(r'id="%s"[^>]*aria-invalid="true"' % name, page):
        return None
    m = re.search(r'<span class="error" id="%s-error" role="alert">([^<]*)</span>' % name, page)
    return m and m.group(1)


def set_password(x, token, password, repeat=None, lang="ru"):
    b = Web(x.w, lang)
    st, h, page = b.post("/account/password",
                         {"token": token, "password": password,
                          "repeat": password if repeat is None else repeat},
                         with_csrf=False)
    return b, st, h, page


def test_invite_flow(x):
    u = new_staff(x, "ru")
    email, uid = u["email"], u["id"]
    # no password: signing in fails whatever is typed
    eq(Web(x.w).login(email, "anything-at-all")[0], 401, "no password, no sign-in")
    st, _, page = x.admin.get("/admin/users/%d" % uid)
    check('action="/admin/users/%d/invite"' % uid in page and "Send an invitation" in page,
          "the user page offers an invitation")
    # a form without the CSRF token is refused and sends nothing
    before = count(x, "mail_outbox")
    st, _, _ = x.admin.post("/admin/users/%d/invite" % uid, {}, with_csrf=False)
    eq(st, 403, "no CSRF token")
    eq(count(x, "mail_outbox"), before, "nothing queued without the token")

    loc = invite(x, uid)
    eq(loc, "/admin/users/%d?done=invited" % uid, "back to the user with a notice")
    st, _, page = x.admin.get(loc)
    check("The invitation to %s is queued for sending." % email in page, "the notice")
    check("is not used yet" in page, "the page says a link is pending")
    (subject, token), = mails_to(x, email, "staff_invite")
    eq(subject, "Ваша учётная запись в службе поддержки", "the mail in the user's language")
    eq(count(x, "mail_outbox", "kind = 'staff_invite' AND to_addr = '%s' AND body LIKE "
                               "'%%/account/password?token=%s%%' AND body LIKE '%%7 дн.%%'" % (email, token)),
       1, "the mail has the link and says how long it works")
    check(not count(x, "account_tokens", "kind = 'invite' AND used_at IS NOT NULL AND user_id = %d"
                    % uid), "not used yet")

    # opening the link (twice: a mail scanner, then the person) uses nothing
    for i in range(2):
        b = Web(x.w, "en")  # the page speaks the user's language, not the browser's
        st, _, page = b.get("/account/password?token=" + token)
        eq(st, 200, "GET %d of the link" % (i + 1))
        check('name="token" value="%s"' % token in page and "Выбор пароля" in page,
              "the form, in Russian")
        check(email in page, "the account's address is shown")
        check(b.cookie is None, "no session from opening the link")
    eq(used_at(x, token), 0, "the link is unused after two GETs")

    # field errors: too short, then two different passwords; the link stays unused
    _, st, _, page = set_password(x, token, "short")
    eq(st, 422, "a short password")
    check(field_error(page, "password") and "от 8" in field_error(page, "password"),
          "the error at the password field")
    _, st, _, page = set_password(x, token, "long-enough-1", "long-enough-2")
    eq(st, 422, "two different passwords")
    check(field_error(page, "repeat") == "пароли не совпадают", "the error at the repeat field")
    check('value="long-enough' not in page, "passwords are never sent back")
    eq(used_at(x, token), 0, "refused forms use nothing")

    b, st, h, _ = set_password(x, token, "chosen-password-1")
    eq((st, h["Location"]), (303, "/queue/mine"), "the password is set and the user goes in")
    check(b.cookie and "HttpOnly" in h["Set-Cookie"], "a session cookie")
    st, _, page = b.get("/queue/mine")
    eq(st, 200, "signed in")
    check(used_at(x, token) == x.now, "the link is used, at the server's time")
    # used once: the page and the form both say so
    st, _, page = Web(x.w, "en").get("/account/password?token=" + token)
    check(st == 410 and "was used already" in page and 'href="/login/forgot"' in page,
          "a used link: %d" % st)
    _, st, _, page = set_password(x, token, "another-password-2", lang="en")
    eq(st, 410, "a used link cannot set a password again")
    # the new password signs in
    eq(Web(x.w).login(email, "chosen-password-1")[0], 303, "sign-in with the chosen password")
    kinds = [(e["kind"], e["field"], e["new"], e["actor_id"], e["via"]) for e in user_events(x, uid)]
    check(("changed", "password_link", "invite", x.admin_user.user["id"], "web") in kinds,
          "the invitation is in the log, by the admin: %r" % kinds)
    check(("changed", "password", None, uid, "web") in kinds, "the password set, by the user: %r"
          % kinds)


def test_admin_reset_for_user_with_password(x):
    u = new_staff(x, "en", password=PASSWORD)
    st, _, page = x.admin.get("/admin/users/%d" % u["id"])
    check("Send a password reset link" in page, "a user with a password: a reset link")
    loc = invite(x, u["id"])
    eq(loc, "/admin/users/%d?done=reset_sent" % u["id"], "the reset notice")
    (subject, token), = mails_to(x, u["email"], "password_reset")
    eq(subject, "Choosing a new password", "English for an English user")


def test_forgot_password_and_sessions(x):
    u = new_staff(x, "ru", password=PASSWORD)
    email = u["email"]
    old = Web(x.w, "ru")
    eq(old.login(email)[0], 303, "a session before the reset")
    eq(old.get("/queue/mine")[0], 200, "it works")
    api = x.w.token_for(email)  # an API token is not a session: it stays

    st, _, page = Web(x.w, "ru").get("/login")
    check('href="/login/forgot"' in page and "Забыли пароль?" in page, "the sign-in page's link")
    st, _, page = Web(x.w, "ru").get("/login/forgot")
    check(st == 200 and 'action="/login/forgot"' in page, "the form")

    before = count(x, "mail_outbox")
    st, _, known = Web(x.w, "ru").post("/login/forgot", {"email": email.upper()}, with_csrf=False)
    eq(st, 200, "a known address")
    st, _, unknown = Web(x.w, "ru").post("/login/forgot",
                                         {"email": uniq("nobody") + "@example.com"},
                                         with_csrf=False)
    eq(st, 200, "an unknown address")
    cust = x.w.user("customer", name="Клиент")
    st, _, customer = Web(x.w, "ru").post("/login/forgot", {"email": cust.user["email"]},
                                          with_csrf=False)
    eq(st, 200, "a customer's address")
    strip = lambda p: re.sub(r"[\w.+-]+@example\.com", "@", p, flags=re.I)
    check('id="reset-sent"' in known, "the page says a link is on its way")
    eq(strip(known), strip(unknown), "the same answer for a known and an unknown address")
    eq(strip(known), strip(customer), "the same answer for a customer")
    eq(count(x, "mail_outbox"), before + 1, "one mail, for the staff member only")
    (subject, token), = mails_to(x, email, "password_reset")
    eq(subject, "Выбор нового пароля", "in the user's language")
    evs = [e for e in user_events(x, u["id"]) if e["field"] == "password_link"]
    check(evs and evs[-1]["actor_id"] in (0, None) and evs[-1]["new"] == "reset",
          "the request is in the log, by the system: %r" % evs)

    eq(old.get("/queue/mine")[0], 200, "asking for a link ends nothing")
    b, st, h, _ = set_password(x, token, "brand-new-password")
    eq(st, 303, "the new password is set")
    st, h, _ = old.get("/queue/mine")
    eq(st, 303, "the old session is ended by the reset")
    eq(b.get("/queue/mine")[0], 200, "the new session works")
    eq(Web(x.w).login(email)[0], 401, "the old password is refused")
    eq(Web(x.w).login(email, "brand-new-password")[0], 303, "the new one signs in")
    expect(api.get("/me"), 200, what="the API token still works")


def test_expired_and_forged_links(x):
    u = new_staff(x, "en", password=PASSWORD)
    Web(x.w).post("/login/forgot", {"email": u["email"]}, with_csrf=False)
    token = mails_to(x, u["email"], "password_reset")[-1][1]
    eq(Web(x.w).get("/account/password?token=" + token)[0], 200, "fresh")
    advance(x, HOUR + 1000)
    st, _, page = Web(x.w, "en").get("/account/password?token=" + token)
    check(st == 410 and "has expired" in page, "a reset link after an hour: %d" % st)
    _, st, _, page = set_password(x, token, "password-after-expiry", lang="en")
    eq(st, 410, "the form of an expired link")
    eq(Web(x.w).login(u["email"])[0], 303, "the password is unchanged")
    # an invitation lasts seven days, not eight
    v = new_staff(x, "en")
    invite(x, v["id"])
    token = mails_to(x, v["email"], "staff_invite")[-1][1]
    advance(x, 6 * 24 * HOUR)
    eq(Web(x.w).get("/account/password?token=" + token)[0], 200, "an invitation on day 7")
    advance(x, 1 * 24 * HOUR + 1000)
    eq(Web(x.w).get("/account/password?token=" + token)[0], 410, "an invitation after 7 days")
    # forged: another secret of the same shape, a cut one, garbage
    for bad in (token[:-4] + "AAAA", token[:20], "pw_x", "nothing", "pm_" + token[3:]):
        st, _, page = Web(x.w, "en").get("/account/password?token=" + bad)
        check(st == 404 and "not valid" in page, "a forged link %r: %d" % (bad, st))
        _, st, _, _ = set_password(x, bad, "some-password-1")
        eq(st, 404, "the form of a forged link")


def test_limit_per_address(x):
    email = uniq("limit") + "@example.com"  # unknown: limited all the same
    for i in range(5):
        eq(Web(x.w).post("/login/forgot", {"email": email}, with_csrf=False)[0], 200,
           "ask %d" % (i + 1))
    st, h, page = Web(x.w, "en").post("/login/forgot", {"email": email}, with_csrf=False)
    check(st == 429 and "Too many links" in page and h["Retry-After"], "the 6th ask: %d" % st)
    eq(Web(x.w).post("/login/forgot", {"email": "x" + email}, with_csrf=False)[0], 200,
       "another address is not limited")
    st, _, page = Web(x.w, "en").post("/login/forgot", {"email": "not-an-address"},
                                      with_csrf=False)
    check(st == 422 and "enter your email" in page and 'aria-invalid="true"' in page,
          "a malformed address: %d" % st)


def test_refusals(x):
    # a customer gets no invitation (the page says why), an agent may not send one
    cust = x.w.user("customer", name="Покупатель")
    st, _, page = x.admin.post("/admin/users/%d/invite" % cust.user["id"], {})
    check(st == 409 and "customers sign in on the portal" in page, "a customer: %d" % st)
    st, _, page = x.admin.get("/admin/users/%d" % cust.user["id"])
    check("/invite" not in page, "no invitation form on a customer's page")
    st, _, _ = x.admin.post("/admin/users/999999/invite", {})
    eq(st, 404, "an unknown user")
    agent = new_staff(x, "ru", password=PASSWORD)
    web = Web(x.w, "ru")
    web.login(agent["email"])
    st, _, _ = web.post("/admin/users/%d/invite" % agent["id"], {})
    eq(st, 403, "an agent may not invite")
    # a deactivated user: no form, and a refusal
    gone = new_staff(x, "ru")
    expect(x.w.admin.patch("/users/%d" % gone["id"], {"active": False}), 200)
    st, _, page = x.admin.get("/admin/users/%d" % gone["id"])
    check("/invite" not in page, "no invitation form for a deactivated user")
    st, _, page = x.admin.post("/admin/users/%d/invite" % gone["id"], {})
    eq(st, 409, "a deactivated user")


def test_russian_pages_have_no_english(x):
    eng = english_catalogue()
    u = new_staff(x, "ru")
    invite(x, u["id"])
    token = mails_to(x, u["email"], "staff_invite")[-1][1]
    pages = {}
    for path in ("/login", "/login/forgot", "/account/password?token=" + token,
                 "/account/password/pw_forged"):
        pages[path] = Web(x.w, "ru").get(path)[2]
    pages["forgot sent"] = Web(x.w, "ru").post("/login/forgot", {"email": uniq("n") + "@x.org"},
                                               with_csrf=False)[2]
    pages["short"] = set_password(x, token, "short")[3]
    admin_ru = Web(x.w, "ru")
    adm = x.w.user("admin", name="Админ Русский", lang="ru")
    admin_ru.login(adm.user["email"])
    pages["admin user"] = admin_ru.get("/admin/users/%d" % u["id"])[2]
    bad = []
    for path, page in pages.items():
        text = text_of(page, data=False)
        for s in eng:
            if re.search(r"(?<![A-Za-z])%s(?![A-Za-z])" % re.escape(s), text):
                bad.append("%s: %r" % (path, s))
    check(not bad, "English on Russian pages: %s" % bad[:10])


def test_without_mail(x):
    # a server without SMTP: the page says why there is no button, a post is 503, and
    # "forgot password" answers as always but makes no link
    w = World("account-nomail")
    try:
        adm = w.user("admin", name="Admin Nomail", lang="en")
        u = expect(w.admin.post("/users", {"name": "No Mail", "email": uniq("nm") + "@example.com",
                                           "role": "agent", "level": "junior", "language": "en"}),
                   201)
        web = Web(w, "en")
        eq(web.login(adm.user["email"])[0], 303, "sign-in")
        st, _, page = web.get("/admin/users/%d" % u["id"])
        check(st == 200 and "Mail is not configured" in page and "/invite" not in page,
              "no invitation form without SMTP")
        st, _, page = web.post("/admin/users/%d/invite" % u["id"], {})
        check(st == 503 and "Mail is not configured" in page, "a post anyway: %d" % st)
        st, _, page = Web(w, "en").post("/login/forgot", {"email": u["email"]}, with_csrf=False)
        check(st == 200 and 'id="reset-sent"' in page, "the usual answer")
        x2 = Ctx()
        x2.w = w
        eq(count(x2, "account_tokens"), 0, "no link made")
    finally:
        w.finish()
