"""The admin pages of the web UI (docs/web.md, "Admin"): every page renders
for an admin and is refused to an agent; users, groups, macros, SLA policies
and calendars made or changed through the forms show in the API afterwards;
a bad field gives an error at its field, keeps what was typed and changes
nothing; a form without its CSRF token is refused; the Russian pages hold no
English text of the catalogue."""

import re

from harness import World, check, eq, expect, uniq
from test_web import Web, english_catalogue, text_of


class Ctx:
    pass


def setup():
    w = World("web_admin")
    x = Ctx()
    x.w = w
    x.admin = w.user("admin", name="Админ Проверкин", lang="ru")
    x.admin_en = w.user("admin", name="Admin Checker", lang="en")
    x.agent = w.user("agent", level="junior", name="Агент Обычный", lang="ru")
    x.group = w.group("l1", name=uniq("Группа "))
    return x


def teardown(x):
    x.w.finish()


def web_as(x, who, lang="ru"):
    web = Web(x.w, lang=lang)
    st, _, _ = web.login(who.user["email"])
    eq(st, 303, "sign-in answer")
    return web


def post(web, path, form):
    """A form post that may repeat a field (a list of pairs, or a dict)."""
    pairs = list(form.items()) if isinstance(form, dict) else list(form)
    return web.req("POST", path, form=pairs + [("csrf", web.csrf)])


def field_error(page, name):
    """The error text shown at the input named name, or None."""
    fid = "f-" + name
    if not re.search(r'id="%s"[^>]*aria-invalid="true"' % re.escape(fid), page):
        return None
    m = re.search(r'<span class="error" id="%s-error" role="alert">([^<]*)</span>' % re.escape(fid), page)
    return m and m.group(1)


def input_value(page, name):
    m = re.search(r'<input type="[a-z]+" id="f-%s" name="%s" value="([^"]*)"' % (re.escape(name), re.escape(name)),
                  page)
    return m and m.group(1)


PAGES = ["/admin", "/admin/users", "/admin/users/new", "/admin/organizations", "/admin/groups",
         "/admin/groups/new", "/admin/macros", "/admin/macros/new", "/admin/sla",
         "/admin/sla/policies/new", "/admin/sla/calendars/new", "/admin/shifts", "/admin/channels"]


def test_pages_render_for_admins_only(x):
    web = web_as(x, x.admin)
    for path in PAGES + ["/admin/users/%d" % x.agent.user["id"], "/admin/groups/%d" % x.group["id"]]:
        st, h, page = web.get(path)
        eq(st, 200, "GET %s as admin" % path)
        check("<h1>" in page and "script-src" not in page, path)
        check("default-src 'self'" in h.get("Content-Security-Policy", ""), "CSP on " + path)
    st, _, page = web.get("/queue/mine")
    check('href="/admin"' in page, "the navigation has the admin area for an admin")
    agent = web_as(x, x.agent)
    st, _, page = agent.get("/queue/mine")
    check('href="/admin"' not in page, "no admin area in an agent's navigation")
    for path in PAGES:
        st, _, page = agent.get(path)
        eq(st, 403, "GET %s as agent" % path)
        check("для администраторов" in page, "the 403 page says why")
    st, _, _ = agent.post("/admin/groups", {"name": uniq("Агентская "), "tier": "l1"})
    eq(st, 403, "POST as agent")
    st, h, _ = Web(x.w).get("/admin/users")
    eq(st, 303, "no session: sent to sign in")
    check(h["Location"].startswith("/login?next=/admin/users"), h["Location"])


def test_user_create_edit_and_errors(x):
    w, web = x.w, web_as(x, x.admin)
    email = uniq("new") + "@example.com"
    form = {"name": "Мария Новая", "email": email, "role": "agent", "level": "middle",
            "language": "ru", "time_zone": "Europe/Moscow", "groups": str(x.group["id"]),
            "password": "a-long-password-1"}
    # a bad field first: no name; the page again, the error at the name, the email kept
    st, _, page = web.post("/admin/users", dict(form, name=""))
    eq(st, 422, "a user without a name")
    err = field_error(page, "name")
    check(err and re.search("[а-я]", err), "the error at the name field, in Russian: %r" % err)
    eq(input_value(page, "email"), email, "what was typed is kept")
    check(re.search(r'<option value="%d" selected' % x.group["id"], page), "the chosen group is kept")
    users = expect(w.admin.get("/users", query={"q": email}), 200)["users"]
    eq(users, [], "nothing was created")
    # a bad time zone: its field
    st, _, page = web.post("/admin/users", dict(form, time_zone="Mars/Base"))
    eq(st, 422, "a bad time zone")
    check(field_error(page, "time_zone") and "Mars/Base" in field_error(page, "time_zone"),
          "the error at the time zone")
    # created: redirect with a notice; the API has it, in its group
    st, h, _ = web.post("/admin/users", form)
    eq(st, 303, "user created")
    st, _, page = web.get(h["Location"])
    check('role="status">Создано.' in page, "the notice")
    users = expect(w.admin.get("/users", query={"q": email}), 200)["users"]
    eq(len(users), 1, "the user is in the API")
    u = users[0]
    eq((u["name"], u["role"], u["level"], u["language"]), ("Мария Новая", "agent", "middle", "ru"), "fields")
    g = expect(w.admin.get("/groups/%d" % x.group["id"]), 200)
    check(u["id"] in g["member_ids"], "a member of the chosen group")
    # the password works
    st, _, _ = Web(w).login(email, "a-long-password-1")
    eq(st, 303, "the new user signs in")
    # edit: lead, senior, suspended, out of the group
    st, _, page = web.get("/admin/users/%d" % u["id"])
    eq(st, 200, "the edit page")
    check(re.search(r'<option value="%d" selected' % x.group["id"], page), "the group is shown chosen")
    edit = {"name": "Мария Изменённая", "email": email, "role": "lead", "level": "senior",
            "language": "en", "time_zone": ""}
    st, h, _ = web.post("/admin/users/%d" % u["id"], edit)
    eq(st, 303, "user saved")
    u2 = expect(w.admin.get("/users/%d" % u["id"]), 200)
    eq((u2["name"], u2["role"], u2["level"], u2["language"], u2["active"]),
       ("Мария Изменённая", "lead", "senior", "en", False), "the edit is in the API")
    g = expect(w.admin.get("/groups/%d" % x.group["id"]), 200)
    check(u["id"] not in g["member_ids"], "left the group")
    # a duplicate email on edit: error at email, nothing changed
    st, _, page = web.post("/admin/users/%d" % u["id"], dict(edit, email=x.agent.user["email"], name="Другое",
                                                            active="1"))
    eq(st, 409, "a duplicate email")
    check(field_error(page, "email"), "the error at the email field")
    eq(expect(w.admin.get("/users/%d" % u["id"]), 200)["name"], "Мария Изменённая", "nothing changed")
    # search and role filter
    st, _, page = web.get("/admin/users?q=%s&role=lead" % email)
    check("Мария Изменённая" in page, "found by email and role")
    st, _, page = web.get("/admin/users?q=%s&role=customer" % email)
    check("Мария Изменённая" not in page, "the role filter")

    # into two groups at once: one transaction, one action, a "member" event on each
    g2 = expect(w.admin.post("/groups", {"name": uniq("Вторая "), "tier": "l1"}), 201)
    g3 = expect(w.admin.post("/groups", {"name": uniq("Третья "), "tier": "l2"}), 201)
    page = expect(w.admin.get("/events", query={"after_id": 0, "limit": 10000}), 200)
    last = max(e["id"] for e in page["events"])
    st, _, _ = post(web, "/admin/users/%d" % u["id"], list(dict(edit, active="1").items()) +
                    [("groups", str(g2["id"])), ("groups", str(g3["id"]))])
    eq(st, 303, "saved with two groups")
    for g in (g2, g3):
        check(u["id"] in expect(w.admin.get("/groups/%d" % g["id"]), 200)["member_ids"],
              "a member of %s" % g["name"])
    ev = [e for e in expect(w.admin.get("/events", query={"after_id": last, "limit": 1000}),
                            200)["events"] if e["field"] == "member"]
    eq(sorted(e["entity_id"] for e in ev), sorted([g2["id"], g3["id"]]), "a member event per group")
    eq(len({e["action_id"] for e in ev}), 1, "one action: %r" % ev)


def test_group_create_and_edit(x):
    w, web = x.w, web_as(x, x.admin)
    name = uniq("Вторая линия ")
    st, _, page = web.post("/admin/groups", {"name": "", "tier": "l2"})
    eq(st, 422, "a group without a name")
    check(field_error(page, "name"), "the error at the name field")
    st, h, _ = post(web, "/admin/groups", [("name", name), ("tier", "l2"), ("description", "Сложные случаи"),
                                          ("member_ids", str(x.agent.user["id"])),
                                          ("member_ids", str(x.admin.user["id"]))])
    eq(st, 303, "group created")
    gs = [g for g in expect(w.admin.get("/groups"), 200)["groups"] if g["name"] == name]
    eq(len(gs), 1, "the group is in the API")
    g = expect(w.admin.get("/groups/%d" % gs[0]["id"]), 200)
    eq((g["tier"], g["description"]), ("l2", "Сложные случаи"), "tier and description")
    eq(sorted(g["member_ids"]), sorted([x.agent.user["id"], x.admin.user["id"]]), "members")
    st, h, _ = post(web, "/admin/groups/%d" % g["id"], [("name", name + " (тех)"), ("tier", "tech"),
                                                      ("description", ""),
                                                      ("member_ids", str(x.agent.user["id"]))])
    eq(st, 303, "group saved")
    g2 = expect(w.admin.get("/groups/%d" % g["id"]), 200)
    eq((g2["name"], g2["tier"], g2["member_ids"]), (name + " (тех)", "tech", [x.agent.user["id"]]), "edited")
    # a bad tier changes nothing
    st, _, page = web.post("/admin/groups/%d" % g["id"], {"name": "Другое", "tier": "l9"})
    eq(st, 422, "a bad tier")
    check(field_error(page, "tier"), "the error at the tier")
    eq(expect(w.admin.get("/groups/%d" % g["id"]), 200)["name"], name + " (тех)", "nothing changed")


def test_macro_create_edit_delete(x):
    w, web = x.w, web_as(x, x.admin)
    name = uniq("Запросить детали ")
    form = {"name": name, "description": "Просим подробности", "active": "1", "set_status": "pending",
            "public_reply": "Здравствуйте! Пришлите подробности по №{{ticket.id}}."}
    # a bad assignee: the error at its field, nothing made
    st, _, page = web.post("/admin/macros", dict(form, set_assignee="кто-то"))
    eq(st, 422, "a bad assignee")
    check(field_error(page, "set_assignee"), "the error at the assignee field")
    check("Пришлите подробности" in page, "the reply typed is kept")
    check(not [m for m in expect(w.admin.get("/macros"), 200)["macros"] if m["name"] == name], "nothing made")
    st, _, page = web.post("/admin/macros", dict(form, public_reply="{{nope}}"))
    eq(st, 422, "an unknown placeholder")
    check(field_error(page, "public_reply"), "the error at the reply field")
    st, h, _ = web.post("/admin/macros", form)
    eq(st, 303, "macro created")
    ms = [m for m in expect(w.admin.get("/macros"), 200)["macros"] if m["name"] == name]
    eq(len(ms), 1, "the macro is in the API")
    acts = {a["action"]: a["value"] for a in ms[0]["actions"]}
    eq(acts, {"set_status": "pending", "public_reply": form["public_reply"]}, "its actions")
    mid = ms[0]["id"]
    st, h, _ = web.post("/admin/macros/%d" % mid, {"name": name, "description": "", "set_priority": "high",
                                                   "note": "Проверить оплату"})
    eq(st, 303, "macro saved")
    m = expect(w.admin.get("/macros/%d" % mid), 200)
    eq(m["active"], False, "switched off")
    eq({a["action"]: a["value"] for a in m["actions"]}, {"set_priority": "high", "note": "Проверить оплату"},
       "the new actions")
    st, _, page = web.get("/admin/macros/%d/delete" % mid)
    eq(st, 200, "the confirmation")
    check('action="/admin/macros/%d/delete"' % mid in page, "a form that deletes")
    eq(expect(w.admin.get("/macros/%d" % mid), 200)["id"], mid, "the question deletes nothing")
    st, h, _ = web.post("/admin/macros/%d/delete" % mid, {})
    eq(st, 303, "deleted")
    eq(w.admin.get("/macros/%d" % mid).status, 404, "gone from the API")


def test_sla_policy_and_calendar(x):
    w, web = x.w, web_as(x, x.admin)
    # a calendar from the preset, then its hours and holidays edited as text
    cname = uniq("Москва ")
    st, h, _ = web.post("/admin/sla/calendars", {"name": cname, "preset": "ru-production"})
    eq(st, 303, "calendar created")
    cals = [c for c in expect(w.admin.get("/calendars"), 200)["calendars"] if c["name"] == cname]
    eq(len(cals), 1, "the calendar is in the API")
    cid = cals[0]["id"]
    check(cals[0]["exceptions_count"] > 10, "the preset's holidays")
    st, _, page = web.get("/admin/sla/calendars/%d" % cid)
    eq(st, 200, "the calendar page")
    eq(input_value(page, "hours.mon"), "09:00-18:00", "Monday's hours")
    bad = {"name": cname, "time_zone": "Europe/Moscow", "hours.mon": "09:00-25:00"}
    st, _, page = web.post("/admin/sla/calendars/%d" % cid, bad)
    eq(st, 422, "bad hours")
    check(field_error(page, "hours.mon"), "the error at Monday")
    eq(input_value(page, "hours.mon"), "09:00-25:00", "what was typed is kept")
    st, _, page = web.post("/admin/sla/calendars/%d" % cid, dict(bad, **{"hours.mon": "10:00-19:00",
                                                                      "exceptions": "2026-13-01 holiday"}))
    eq(st, 422, "a bad holiday line")
    check(field_error(page, "exceptions") and "1" in field_error(page, "exceptions"), "the line is named")
    good = {"name": cname, "time_zone": "Europe/Moscow"}
    for d in ("mon", "tue", "wed", "thu", "fri"):
        good["hours." + d] = "10:00-19:00"
    good["exceptions"] = "2026-01-01 holiday Новый год\n2026-02-21 workday 10:00-15:00 Перенос\n"
    st, _, _ = web.post("/admin/sla/calendars/%d" % cid, good)
    eq(st, 303, "calendar saved")
    cal = expect(w.admin.get("/calendars/%d" % cid), 200)
    eq(cal["hours"]["mon"], "10:00-19:00", "hours in the API")
    eq(cal["exceptions_count"], 2, "the holidays in the API")
    # the round-the-clock preset stays round the clock
    c24 = uniq("Круглосуточно ")
    st, _, _ = web.post("/admin/sla/calendars", {"name": c24, "preset": "24x7"})
    eq(st, 303, "24x7 calendar created")
    eq([c["always"] for c in expect(w.admin.get("/calendars"), 200)["calendars"] if c["name"] == c24], [True],
       "from the 24x7 preset: always working")
    # a policy: bad target first
    pname = uniq("Стандарт ")
    pform = {"name": pname, "position": "5", "active": "1", "calendar_id": str(cid),
             "targets.first_response": "60", "business.first_response": "1",
             "targets.resolution": "999999999", "pause_on_pending": "1", "warn_percent": "75",
             "escalate_tier": "-1", "escalate_group_id": "0"}
    st, _, page = web.post("/admin/sla/policies", pform)
    eq(st, 422, "a target out of range")
    check(field_error(page, "targets.resolution"), "the error at the resolution target")
    check(not [p for p in expect(w.admin.get("/sla/policies"), 200)["policies"] if p["name"] == pname],
          "nothing made")
    form2 = list(dict(pform, **{"targets.resolution": "480"}).items()) + [
        ("breach_actions", "4"), ("breach_actions", "8"), ("priorities", "2"), ("priorities", "3")]
    st, h, _ = post(web, "/admin/sla/policies", form2)
    eq(st, 303, "policy created")
    ps = [p for p in expect(w.admin.get("/sla/policies"), 200)["policies"] if p["name"] == pname]
    eq(len(ps), 1, "the policy is in the API")
    p = ps[0]
    eq(p["targets"]["first_response"], {"minutes": 60, "business": True}, "first response")
    eq(p["targets"]["resolution"], {"minutes": 480, "business": False}, "resolution")
    eq(p["targets"]["next_response"], None, "no next-response target")
    eq((p["calendar_id"], p["warn_percent"], p["pause_on_pending"], p["pause_on_hold"], p["position"]),
       (cid, 75, True, False, 5), "calendar, warning, pauses, position")
    eq(sorted(p["breach_actions"]), ["notify_assignee", "notify_lead"], "breach actions")
    eq(sorted(p["conditions"]["priorities"]), ["high", "urgent"], "priorities")
    # edit: escalate to a group on breach
    st, _, _ = web.post("/admin/sla/policies/%d" % p["id"],
                        dict(pform, **{"targets.resolution": "240", "breach_actions": "1",
                                       "escalate_group_id": str(x.group["id"])}))
    eq(st, 303, "policy saved")
    p2 = expect(w.admin.get("/sla/policies/%d" % p["id"]), 200)
    eq((p2["targets"]["resolution"]["minutes"], p2["breach_actions"], p2["escalate_group_id"]),
       (240, ["escalate"], x.group["id"]), "the edit is in the API")
    st, _, page = web.get("/admin/sla")
    check(pname in page and cname in page, "both listed")


def test_shifts_settings_and_routing(x):
    w, web = x.w, web_as(x, x.admin)
    name = uniq("day")
    st, _, page = web.post("/admin/shifts", {"name": name, "start": "25:00", "duration_min": "480"})
    eq(st, 422, "a bad start")
    check(field_error(page, "start"), "the error at the start")
    eq(input_value(page, "name"), name, "the name kept")
    check(not [s for s in expect(w.admin.get("/shifts"), 200)["shifts"] if s["name"] == name], "nothing made")
    st, _, _ = web.post("/admin/shifts", {"name": name, "start": "09:00", "duration_min": "480",
                                          "time_zone": "Europe/Moscow"})
    eq(st, 303, "shift created")
    sh = [s for s in expect(w.admin.get("/shifts"), 200)["shifts"] if s["name"] == name]
    eq([(s["start"], s["duration_min"], s["time_zone"]) for s in sh], [("09:00", 480, "Europe/Moscow")],
       "the shift in the API")
    st, _, _ = web.post("/admin/shifts/%d" % sh[0]["id"], {"name": name, "start": "08:30", "duration_min": "540",
                                                          "time_zone": ""})
    eq(st, 303, "shift saved")
    s2 = [s for s in expect(w.admin.get("/shifts"), 200)["shifts"] if s["id"] == sh[0]["id"]][0]
    eq((s2["start"], s2["duration_min"], s2["time_zone"] or ""), ("08:30", 540, ""), "the edit in the API")
    st, _, _ = web.get("/admin/shifts/%d/delete" % sh[0]["id"])
    eq(st, 200, "the question")
    st, _, _ = web.post("/admin/shifts/%d/delete" % sh[0]["id"], {})
    eq(st, 303, "shift deleted")
    check(not [s for s in expect(w.admin.get("/shifts"), 200)["shifts"] if s["id"] == sh[0]["id"]], "gone")
    # the team's settings
    st, _, page = web.post("/admin/team/settings", {"away_after_min": "0", "grace_min": "5"})
    eq(st, 422, "away after 0 minutes")
    check(field_error(page, "away_after_min"), "the error at its field")
    st, _, _ = web.post("/admin/team/settings", {"away_after_min": "15", "grace_min": "7"})
    eq(st, 303, "settings saved")
    ts = expect(w.admin.get("/team/settings"), 200)
    eq((ts["away_after_min"], ts["grace_min"]), (15, 7), "settings in the API")
    # a group's routing, on its page
    gid = x.group["id"]
    st, _, page = web.post("/admin/groups/%d/routing" % gid, {"mode": "round_robin", "cap": "5000",
                                                             "reassign_after_min": "30", "language": "prefer"})
    eq(st, 422, "a cap too high")
    check(field_error(page, "cap"), "the error at the cap")
    st, _, _ = web.post("/admin/groups/%d/routing" % gid, {"mode": "least_loaded", "cap": "8",
                                                          "reassign_after_min": "30", "language": "prefer"})
    eq(st, 303, "routing saved")
    rt = expect(w.admin.get("/groups/%d/routing" % gid), 200)
    eq((rt["mode"], rt["cap"], rt["reassign_after_min"], rt["language"]), ("least_loaded", 8, 30, "prefer"),
       "routing in the API")


def test_channels(x):
    w, web = x.w, web_as(x, x.admin)
    name = uniq("support")
    form = {"name": name, "url": "ftp://example.org/INBOX", "username": "support", "password": "secret-pw"}
    st, _, page = web.post("/admin/mailboxes", form)
    eq(st, 422, "a bad URL")
    check(field_error(page, "url"), "the error at the URL")
    check("secret-pw" not in page, "the password is never sent back")
    st, _, _ = web.post("/admin/mailboxes", dict(form, url="imaps://127.0.0.1:1/INBOX"))
    eq(st, 303, "mailbox added")
    mb = [m for m in expect(w.admin.get("/mail/mailboxes"), 200)["mailboxes"] if m["name"] == name]
    eq([(m["url"], m["username"], m["password_set"]) for m in mb], [("imaps://127.0.0.1:1/INBOX", "support", True)],
       "the mailbox in the API")
    st, _, _ = web.post("/admin/mailboxes/%d/delete" % mb[0]["id"], {})
    eq(st, 303, "mailbox removed")
    check(not [m for m in expect(w.admin.get("/mail/mailboxes"), 200)["mailboxes"] if m["name"] == name], "gone")
    # surveys
    st, _, page = web.post("/admin/surveys/settings", {"csat_enabled": "1", "answer_days": "500",
                                                       "nps_period_days": "90"})
    eq(st, 422, "answer days out of range")
    check(field_error(page, "answer_days"), "the error at its field")
    st, _, _ = web.post("/admin/surveys/settings", {"csat_enabled": "1", "answer_days": "14",
                                                    "nps_enabled": "1", "nps_period_days": "90"})
    eq(st, 303, "survey settings saved")
    ss = expect(w.admin.get("/surveys/settings"), 200)
    eq((ss["csat_enabled"], ss["answer_days"], ss["nps_enabled"], ss["nps_period_days"]), (True, 14, True, 90),
       "survey settings in the API")
    st, _, _ = web.post("/admin/surveys/questions", {"q0.key": "speed", "q0.text_ru": "Скорость",
                                                     "q0.text_en": "Speed", "q0.weight": "60",
                                                     "q1.key": "care", "q1.text_ru": "Внимание",
                                                     "q1.text_en": "Care", "q1.weight": "40"})
    eq(st, 303, "questions saved")
    qs = expect(w.admin.get("/surveys/questions"), 200)["questions"]
    eq([(q["key"], q["text_ru"], q["weight"]) for q in qs], [("speed", "Скорость", 60), ("care", "Внимание", 40)],
       "questions in the API")
    st, _, page = web.post("/admin/surveys/questions", {"q0.key": "Bad Key", "q0.text_ru": "Плохо",
                                                        "q0.text_en": "Bad", "q0.weight": "10"})
    eq(st, 422, "a bad key")
    check(field_error(page, "q0.key"), "the error at the key of its row")
    eq(len(expect(w.admin.get("/surveys/questions"), 200)["questions"]), 2, "nothing changed")
    csi_row_errors(x, web)


def csi_rows(*rows):
    """The CSI form as a browser sends it: row i is (key, text_ru, text_en, weight)."""
    form = {}
    for i, (key, ru, en, weight) in enumerate(rows):
        form.update({"q%d.key" % i: key, "q%d.text_ru" % i: ru, "q%d.text_en" % i: en, "q%d.weight" % i: weight})
    return form


CSI_FIELDS = ("key", "text_ru", "text_en", "weight")


def csi_errors_only_at(page, rows, name):
    """The one field error of the CSI form is at name; what was typed in
    every row is shown again."""
    for i, row in enumerate(rows):
        for f, typed in zip(CSI_FIELDS, row):
            field = "q%d.%s" % (i, f)
            if field != name:
                check(field_error(page, field) is None, "no error at %s" % field)
            eq(input_value(page, field), typed, "%s kept" % field)
    check('<p class="error" role="alert">' not in page, "no error above the form")
    return field_error(page, name)


def csi_row_errors(x, web):
    """A refused CSI row shows its error at its own field (the app names the
    question; dropped rows before it do not shift it), keeps every row typed,
    and stores nothing."""
    w = x.w
    before = expect(w.admin.get("/surveys/questions"), 200)["questions"]
    eq(len(before), 2, "two questions stored")
    # row 1 emptied (dropped), so the question with no Russian text is the
    # app's second but the form's row 2
    rows = [("speed", "Скорость", "Speed", "60"), ("", "Внимание", "Care", "40"),
            ("wait", "", "Waiting", "10"), ("", "", "", "10")]
    st, _, page = web.post("/admin/surveys/questions", csi_rows(*rows))
    eq(st, 422, "a question without its Russian text")
    err = csi_errors_only_at(page, rows, "q2.text_ru")
    check(err and re.search("[а-я]", err), "the error at row 2's Russian text, in Russian: %r" % err)
    # a duplicate key, in a row past those the page showed (a fifth row)
    rows = [("speed", "Скорость", "Speed", "60"), ("care", "Внимание", "Care", "40"),
            ("", "", "", "10"), ("", "", "", "10"), ("speed", "Скорость-2", "Speed 2", "5")]
    st, _, page = web.post("/admin/surveys/questions", csi_rows(*rows))
    eq(st, 422, "a duplicate key")
    err = csi_errors_only_at(page, rows, "q4.key")
    check(err and "speed" in err, "the duplicate key at row 4: %r" % err)
    # a weight out of range and a text too long, in English
    web_en = web_as(x, x.admin_en, lang="en")
    rows = [("", "", "", "10"), ("care", "Внимание", "Care", "0")]
    st, _, page = web_en.post("/admin/surveys/questions", csi_rows(*rows))
    eq(st, 422, "weight 0")
    err = csi_errors_only_at(page, rows, "q1.weight")
    check(err and "between 1 and 100" in err, "the range at row 1's weight, in English: %r" % err)
    rows = [("speed", "Скорость", "Speed", "60"), ("care", "Внимание", "C" * 300, "40")]
    st, _, page = web_en.post("/admin/surveys/questions", csi_rows(*rows))
    eq(st, 422, "a text too long")
    err = csi_errors_only_at(page, rows, "q1.text_en")
    check(err and "too long" in err, "too long at row 1's English text: %r" % err)
    eq(expect(w.admin.get("/surveys/questions"), 200)["questions"], before, "nothing stored")


def test_organizations(x):
    w, web = x.w, web_as(x, x.admin)
    name = uniq("ООО Ромашка ")
    st, h, _ = web.post("/admin/organizations", {"name": name, "domains": "romashka.example",
                                                 "shared_tickets": "1"})
    eq(st, 303, "organization created")
    orgs = [o for o in expect(w.admin.get("/organizations", query={"q": name}), 200)["organizations"]]
    eq([(o["name"], o["shared_tickets"]) for o in orgs], [(name, True)], "in the API")
    st, _, page = web.post("/admin/organizations", {"name": name})
    eq(st, 409, "a duplicate name")
    check(field_error(page, "name"), "the error at the name")


def test_csrf_missing(x):
    w, web = x.w, web_as(x, x.admin)
    name = uniq("Без токена ")
    st, _, _ = web.post("/admin/groups", {"name": name, "tier": "l1"}, with_csrf=False)
    eq(st, 403, "no CSRF token")
    st, _, _ = web.post("/admin/macros", {"name": name, "note": "x", "csrf": "wrong"}, with_csrf=False)
    eq(st, 403, "a wrong CSRF token")
    check(not [g for g in expect(w.admin.get("/groups"), 200)["groups"] if g["name"] == name],
          "nothing was made")


def test_english_admin_and_russian_pages_have_no_english(x):
    web = web_as(x, x.admin_en, lang="en")
    st, _, page = web.get("/admin/users/new")
    check("New user" in page and "Name" in page, "English for an English admin")
    eng = english_catalogue()
    web = web_as(x, x.admin)
    bad = []
    for path in PAGES + ["/admin/users/%d" % x.agent.user["id"], "/admin/groups/%d" % x.group["id"]]:
        st, _, page = web.get(path)
        eq(st, 200, path)
        # what people wrote (names, emails, descriptions) is data, not the UI
        page = re.sub(r'(?s)<(td|span|option|code)\b[^>]*class="data"[^>]*>.*?</\1>', " ", page)
        page = re.sub(r"(?s)<textarea\b.*?</textarea>", " ", page)
        text = text_of(page)
        for s in eng:
            if re.search(r"(?<![A-Za-z])%s(?![A-Za-z])" % re.escape(s), text):
                bad.append("%s: %r" % (path, s))
    check(not bad, "English on Russian admin pages: %s" % bad[:10])


def english_left(page, eng):
    """The English catalogue strings on a Russian page, data left out."""
    page = re.sub(r'(?s)<(td|span|option|code)\b[^>]*class="data"[^>]*>.*?</\1>', " ", page)
    text = text_of(page)
    return [s for s in eng if re.search(r"(?<![A-Za-z])%s(?![A-Za-z])" % re.escape(s), text)]


def test_delete_pages(x):
    """Groups, organizations, SLA policies and calendars: a Delete link, the
    question (Russian only), csrf, the refusal with why while in use (409,
    nothing deleted), the deletion."""
    w, web = x.w, web_as(x, x.admin)
    eng = english_catalogue()
    bad = []
    # a group: the one with a ticket is refused and keeps its members
    # Russian names: the refusal quotes them outside the page's data markup
    unused = w.group("l1", members=[x.agent.user["id"]], name=uniq("Лишняя "))
    busy = w.group("l1", members=[x.agent.user["id"]], name=uniq("Занятая "))
    w.ticket(group_id=busy["id"])
    st, _, page = web.get("/admin/groups/%d" % unused["id"])
    check('href="/admin/groups/%d/delete"' % unused["id"] in page, "a Delete link on the group page")
    st, _, page = web.get("/admin/groups/%d/delete" % unused["id"])
    eq(st, 200, "the group question")
    check('action="/admin/groups/%d/delete"' % unused["id"] in page, "a form that deletes")
    check("Удалить эту группу?" in page, "the question in Russian")
    bad += english_left(page, eng)
    eq(expect(w.admin.get("/groups/%d" % unused["id"]), 200)["id"], unused["id"], "the question deletes nothing")
    st, _, _ = web.post("/admin/groups/%d/delete" % unused["id"], {}, with_csrf=False)
    eq(st, 403, "no CSRF token")
    eq(expect(w.admin.get("/groups/%d" % unused["id"]), 200)["id"], unused["id"], "nothing deleted without csrf")
    st, _, page = web.post("/admin/groups/%d/delete" % busy["id"], {})
    eq(st, 409, "a group with a ticket")
    check("ещё есть заявки" in page and busy["name"] in page, "why not, in Russian")
    bad += english_left(page, eng)
    eq(expect(w.admin.get("/groups/%d" % busy["id"]), 200)["member_ids"], [x.agent.user["id"]],
       "refused: members intact")
    st, h, _ = web.post("/admin/groups/%d/delete" % unused["id"], {})
    eq(st, 303, "group deleted")
    eq(h["Location"], "/admin/groups?done=deleted", "back to the list")
    eq(w.admin.get("/groups/%d" % unused["id"]).status, 404, "gone from the API")
    st, _, page = web.get("/admin/groups?done=deleted")
    check("Удалено." in page, "the notice")

    # an organization: from the list
    empty, used = w.org(name=uniq("Лишняя ")), w.org(name=uniq("Занятая "))
    w.user("customer", org=used["id"])
    st, _, page = web.get("/admin/organizations")
    check('href="/admin/organizations/%d/delete"' % empty["id"] in page, "a Delete link in the list")
    st, _, page = web.get("/admin/organizations/%d/delete" % used["id"])
    eq(st, 200, "the organization question")
    bad += english_left(page, eng)
    st, _, page = web.post("/admin/organizations/%d/delete" % used["id"], {})
    eq(st, 409, "an organization with a user")
    check("пользователи" in page, "why not, in Russian")
    bad += english_left(page, eng)
    eq(expect(w.admin.get("/organizations/%d" % used["id"]), 200)["id"], used["id"], "refused: still there")
    st, _, _ = web.post("/admin/organizations/%d/delete" % empty["id"], {}, with_csrf=False)
    eq(st, 403, "no CSRF token")
    st, h, _ = web.post("/admin/organizations/%d/delete" % empty["id"], {})
    eq((st, h.get("Location")), (303, "/admin/organizations?done=deleted"), "organization deleted")
    eq(w.admin.get("/organizations/%d" % empty["id"]).status, 404, "gone from the API")

    # a calendar in use by a policy: the API's 409 message on the question page
    cal = expect(w.admin.post("/calendars", {"name": uniq("Удаляемый "), "preset": "24x7"}), 201)
    pol = expect(w.admin.post("/sla/policies", {"name": uniq("Удаляемая "), "calendar_id": cal["id"],
                                                "targets": {"first_response": {"minutes": 60,
                                                                               "business": True}}}), 201)
    st, _, page = web.get("/admin/sla/calendars/%d" % cal["id"])
    check('href="/admin/sla/calendars/%d/delete"' % cal["id"] in page, "a Delete link on the calendar page")
    st, _, page = web.get("/admin/sla/policies/%d" % pol["id"])
    check('href="/admin/sla/policies/%d/delete"' % pol["id"] in page, "a Delete link on the policy page")
    for path in ("/admin/sla/calendars/%d/delete" % cal["id"], "/admin/sla/policies/%d/delete" % pol["id"]):
        st, _, page = web.get(path)
        eq(st, 200, path)
        check('action="%s"' % path in page, "a form that deletes: " + path)
        bad += english_left(page, eng)
    st, _, page = web.post("/admin/sla/calendars/%d/delete" % cal["id"], {})
    eq(st, 409, "a calendar a policy uses")
    check("используется политикой SLA" in page, "why not, in Russian")
    eq(expect(w.admin.get("/calendars/%d" % cal["id"]), 200)["id"], cal["id"], "refused: still there")
    st, _, _ = web.post("/admin/sla/policies/%d/delete" % pol["id"], {}, with_csrf=False)
    eq(st, 403, "no CSRF token")
    st, h, _ = web.post("/admin/sla/policies/%d/delete" % pol["id"], {})
    eq((st, h.get("Location")), (303, "/admin/sla?done=deleted"), "policy deleted")
    eq(w.admin.get("/sla/policies/%d" % pol["id"]).status, 404, "the policy is gone")
    st, h, _ = web.post("/admin/sla/calendars/%d/delete" % cal["id"], {})
    eq((st, h.get("Location")), (303, "/admin/sla?done=deleted"), "calendar deleted once unused")
    eq(w.admin.get("/calendars/%d" % cal["id"]).status, 404, "the calendar is gone")
    st, _, _ = web.get("/admin/sla/calendars/%d/delete" % cal["id"])
    eq(st, 404, "the question about a deleted one")
    check(not bad, "English on Russian delete pages: %s" % bad[:10])
