"""GET /search: word forms (English and Russian), filters, paging, and what
customers may find."""

from harness import World, check, eq, expect, expect_err


class Ctx:
    pass


def setup():
    w = World("search")
    x = Ctx()
    x.w = w
    x.alice = w.user("customer")
    x.bob = w.user("customer")
    a = x.alice
    x.pay = expect(a.post("/tickets", {"subject": "Не проходит оплата картой",
                                       "description": "Пытаюсь оплатить заказ, банк отклоняет."}),
                   201)
    x.printer = expect(a.post("/tickets", {"subject": "Printers keep failing to connect",
                                           "description": "Both office printers disconnected."}),
                       201)
    x.bob_pay = expect(x.bob.post("/tickets", {"subject": "Оплата не проходит, карта Мир"}), 201)
    x.other = expect(a.post("/tickets", {"subject": "Смена тарифа",
                                         "description": "Хочу другой тариф"}), 201)
    # an internal note with a word nowhere else, on Alice's ticket
    expect(w.admin.post("/tickets/%d/comments" % x.other["id"],
                        {"body": "внутренняя заметка: xylophonist", "public": False}), 201)
    # a public reply with a word nowhere else
    expect(w.admin.post("/tickets/%d/comments" % x.other["id"],
                        {"body": "Please try the quokka option"}), 201)
    return x


def teardown(x):
    x.w.finish()


def search(c, q, **params):
    params["q"] = q
    d = expect(c.get("/search", query=params), 200, what="search %r" % q)
    check(isinstance(d.get("results"), list) and "next_offset" in d, "search answer shape: %r" % d)
    for r in d["results"]:
        check(isinstance(r.get("score"), (int, float)) and isinstance(r.get("ticket"), dict),
              "search result shape: %r" % r)
    return d


def ids(d):
    return {r["ticket"]["id"] for r in d["results"]}


def test_russian_word_forms(x):
    w = x.w
    for q in ("оплату", "оплата", "оплаты", "картой", "карта"):
        got = ids(search(w.admin, q))
        check(x.pay["id"] in got, "%r does not find \"Не проходит оплата картой\": %r" % (q, got))
    got = ids(search(w.admin, "оплату"))
    eq(got, {x.pay["id"], x.bob_pay["id"]}, "tickets about payment")
    eq(ids(search(w.admin, "тарифы")), {x.other["id"]}, "тарифы finds тариф/тарифа")


def test_english_word_forms(x):
    w = x.w
    for q in ("printer", "printers", "connection", "connecting", "fail"):
        got = ids(search(w.admin, q))
        eq(got, {x.printer["id"]}, "search %r" % q)
    eq(ids(search(w.admin, "printer connects")), {x.printer["id"]}, "two words")


def test_search_with_filters_and_paging(x):
    w = x.w
    eq(ids(search(w.admin, "оплату", requester_id=x.bob.user["id"])), {x.bob_pay["id"]},
       "search with requester_id")
    expect(w.admin.patch("/tickets/%d" % x.bob_pay["id"], {"priority": "urgent"}), 200)
    eq(ids(search(w.admin, "оплату", priority="urgent")), {x.bob_pay["id"]}, "search with priority")
    eq(ids(search(w.admin, "оплату", status="solved")), set(), "search with status")
    d = search(w.admin, "оплату", limit=1)
    eq(len(d["results"]), 1, "limit=1")
    eq(d["next_offset"], 1, "next_offset after the first of two")
    d2 = search(w.admin, "оплату", limit=1, offset=1)
    eq(len(d2["results"]), 1, "second page")
    eq(d2["next_offset"], None, "next_offset of the last page")
    eq(ids(d) | ids(d2), {x.pay["id"], x.bob_pay["id"]}, "both pages")
    expect_err(w.admin.get("/search"), 422, field="q")
    expect_err(w.admin.get("/search", query={"q": "   "}), 422, field="q")
    expect_err(w.admin.get("/search", query={"q": "x", "status": "bogus"}), 422, field="status")


def test_customers_find_only_theirs(x):
    eq(ids(search(x.alice, "оплату")), {x.pay["id"]}, "Alice's payment tickets")
    eq(ids(search(x.bob, "оплату")), {x.bob_pay["id"]}, "Bob's payment tickets")
    eq(ids(search(x.bob, "printer")), set(), "Bob finds nothing of Alice's")
    eq(ids(search(x.bob, "оплату", requester_id=x.alice.user["id"])), set(),
       "Bob filtering by Alice")


def test_internal_notes_are_staff_only(x):
    w = x.w
    eq(ids(search(w.admin, "xylophonist")), {x.other["id"]}, "staff match internal notes")
    eq(ids(search(x.alice, "xylophonist")), set(), "customers never match internal notes")
    eq(ids(search(x.alice, "quokka")), {x.other["id"]}, "customers match public replies")
    eq(ids(search(x.bob, "quokka")), set(), "but not on others' tickets")
