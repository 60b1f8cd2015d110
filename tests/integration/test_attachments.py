"""Attachments: raw upload, metadata, byte-identical download, the size cap,
content-addressed storage, and who may download (docs/api.md, "Attachments")."""

import os

from harness import (TIME_RE, World, check, eq, expect, expect_err, sha256)

CAP = 100000


class Ctx:
    pass


def setup():
    w = World("attachments", env={"OPORA_ATTACHMENT_MAX": CAP})
    x = Ctx()
    x.w = w
    x.alice = w.user("customer")
    x.bob = w.user("customer")
    x.agent = w.user("agent")
    return x


def teardown(x):
    x.w.finish()


def upload(c, data, filename="report.pdf", ctype="application/pdf"):
    q = {"filename": filename} if filename is not None else None
    return c.post("/attachments", raw=data, ctype=ctype, query=q)


def test_upload_and_download(x):
    data = os.urandom(5000) + "конец".encode()
    m = expect(upload(x.alice, data, "отчёт 2026.pdf"), 201)
    for k in ("id", "filename", "size", "content_type", "sha256", "created_at"):
        check(k in m, "attachment lacks %r: %r" % (k, m))
    eq((m["filename"], m["size"], m["content_type"], m["sha256"]),
       ("отчёт 2026.pdf", len(data), "application/pdf", sha256(data)), "attachment metadata")
    check(TIME_RE.match(m["created_at"]), "created_at %r" % m["created_at"])
    eq(expect(x.alice.get("/attachments/%d" % m["id"]), 200), m, "GET metadata")
    r = x.alice.get("/attachments/%d/content" % m["id"])
    expect(r, 200)
    eq(r.raw, data, "downloaded bytes")
    cd = r.headers.get("Content-Disposition", "")
    check(cd.startswith("attachment"), "Content-Disposition %r" % cd)
    check("filename" in cd, "Content-Disposition names no file: %r" % cd)
    eq(r.headers.get("Content-Type", "").split(";")[0], "application/pdf", "content type served")


def test_html_is_stored_as_octet_stream(x):
    for ctype in ("text/html", "text/html; charset=utf-8", "application/xhtml+xml"):
        m = expect(upload(x.alice, b"<script>alert(1)</script>", "x.html", ctype), 201,
                   what="upload %s" % ctype)
        eq(m["content_type"], "application/octet-stream", "stored type of %s" % ctype)
        r = x.alice.get("/attachments/%d/content" % m["id"])
        eq(r.headers.get("Content-Type", "").split(";")[0], "application/octet-stream",
           "served type of %s" % ctype)
    m = expect(upload(x.alice, b"plain", "a.txt", "text/plain"), 201)
    eq(m["content_type"].split(";")[0], "text/plain", "a plain text upload keeps its type")


def test_size_cap(x):
    data = os.urandom(CAP)
    m = expect(upload(x.alice, data, "max.bin", "application/octet-stream"), 201,
               what="upload of exactly attachment_max")
    eq(x.alice.get("/attachments/%d/content" % m["id"]).raw, data, "the largest allowed file")
    expect_err(upload(x.alice, data + b"!", "big.bin", "application/octet-stream"), 413)
    expect_err(upload(x.alice, os.urandom(CAP * 3), "bigger.bin", "application/octet-stream"), 413)
    expect_err(upload(x.alice, b"abc", None), 422, field="filename")
    expect_err(x.w.anon().post("/attachments", raw=b"abc", ctype="text/plain",
                               query={"filename": "a.txt"}), 401)


def test_content_is_stored_once(x):
    data = b"same bytes " + os.urandom(64)
    m1 = expect(upload(x.alice, data, "one.bin"), 201)
    m2 = expect(upload(x.bob, data, "two.bin"), 201)
    check(m1["id"] != m2["id"], "two uploads share an id")
    eq(m1["sha256"], m2["sha256"], "same content, same sha256")
    eq(x.bob.get("/attachments/%d/content" % m2["id"]).raw, data, "second copy downloads")
    found = []
    for root, _, files in os.walk(x.w.srv.files_dir):
        for f in files:
            p = os.path.join(root, f)
            if os.path.getsize(p) == len(data):
                with open(p, "rb") as fh:
                    if fh.read() == data:
                        found.append(p)
    eq(len(found), 1, "files holding the content under the files directory")


def test_who_may_download(x):
    w = x.w
    t = expect(x.alice.post("/tickets", {"subject": "see the screenshot"}), 201)
    data = os.urandom(300)
    m = expect(upload(x.alice, data, "screen.png", "image/png"), 201)
    # unattached: only the uploader
    expect_err(x.bob.get("/attachments/%d" % m["id"]), 404)
    expect_err(x.bob.get("/attachments/%d/content" % m["id"]), 404)
    c = expect(x.alice.post("/tickets/%d/comments" % t["id"],
                            {"body": "here", "attachment_ids": [m["id"]]}), 201)
    eq(c["attachment_ids"], [m["id"]], "comment's attachment_ids")
    eq(w.comments(t["id"])[-1]["attachment_ids"], [m["id"]], "listed comment's attachments")
    eq(x.agent.get("/attachments/%d/content" % m["id"]).raw, data, "an agent who sees the ticket")
    expect(w.admin.get("/attachments/%d" % m["id"]), 200, what="admin reads metadata")
    expect_err(x.bob.get("/attachments/%d" % m["id"]), 404)
    expect_err(x.bob.get("/attachments/%d/content" % m["id"]), 404)
    # attached already: cannot be attached again, by anyone
    n = len(w.comments(t["id"]))
    r = x.alice.post("/tickets/%d/comments" % t["id"], {"body": "again", "attachment_ids": [m["id"]]})
    expect(r, 422, "invalid", what="re-attaching")
    check("attachment_ids" in r.err.get("field", ""), "field: %s" % r.describe())
    # someone else's upload
    mb = expect(upload(x.bob, b"bob's", "b.txt", "text/plain"), 201)
    r = x.alice.post("/tickets/%d/comments" % t["id"], {"body": "steal", "attachment_ids": [mb["id"]]})
    expect(r, 422, "invalid", what="attaching another's upload")
    eq(len(w.comments(t["id"])), n, "comments after refused attachments")
    # an attachment on an internal note is hidden from the customer
    mn = expect(upload(x.agent, b"internal log", "log.txt", "text/plain"), 201)
    expect(x.agent.post("/tickets/%d/comments" % t["id"],
                        {"body": "log", "public": False, "attachment_ids": [mn["id"]]}), 201)
    expect_err(x.alice.get("/attachments/%d" % mn["id"]), 404)
    expect_err(x.alice.get("/attachments/%d/content" % mn["id"]), 404)
    expect(w.admin.get("/attachments/%d/content" % mn["id"]), 200, what="staff read the note's file")
    # the first comment of a new ticket may carry attachments too
    m3 = expect(upload(x.alice, b"first", "f.txt", "text/plain"), 201)
    t3 = expect(x.alice.post("/tickets", {"subject": "with file"}), 201)
    r = x.alice.post("/tickets/%d/comments" % t3["id"], {"body": "file", "attachment_ids": [m3["id"]]})
    expect(r, 201)
    expect_err(x.alice.get("/attachments/987654321"), 404)
    expect_err(x.alice.get("/attachments/987654321/content"), 404)


def test_ticket_create_with_attachment(x):
    w = x.w
    m = expect(upload(x.agent, b"call recording", "call.txt", "text/plain"), 201)
    t = expect(x.agent.post("/tickets", {"subject": "Phone call", "requester_id": x.alice.user["id"],
                                         "comment": {"body": "recording", "public": True,
                                                     "attachment_ids": [m["id"]]}}), 201)
    cs = w.comments(t["id"])
    eq([c["attachment_ids"] for c in cs], [[m["id"]]], "attachments of the first comment")
    eq(x.alice.get("/attachments/%d/content" % m["id"]).raw, b"call recording",
       "the requester downloads a public comment's file")


def test_hostile_filenames(x):
    """A file name is data: it never picks the path on disk, never breaks the
    Content-Disposition header."""
    before = set(os.listdir(x.w.srv.dir))
    for name in ("../../escape.txt", "/etc/passwd", "a\"b;c.txt", "..", "имя файла.txt"):
        r = upload(x.alice, b"payload " + name.encode(), name, "text/plain")
        if r.status == 422:
            expect_err(r, 422, field="filename")
            continue
        m = expect(r, 201, what="upload named %r" % name)
        d = x.alice.get("/attachments/%d/content" % m["id"])
        expect(d, 200)
        eq(d.raw, b"payload " + name.encode(), "content of %r" % name)
        cd = d.headers.get("Content-Disposition", "")
        check(cd.startswith("attachment") and "\n" not in cd and "\r" not in cd,
              "Content-Disposition for %r: %r" % (name, cd))
    r = upload(x.alice, b"x", "a\r\nX-Injected: 1", "text/plain")
    if r.status == 201:
        d = x.alice.get("/attachments/%d/content" % r.data["id"])
        eq(d.headers.get("X-Injected"), None, "a header injected through the file name")
    else:
        expect_err(r, 422, field="filename")
    eq(set(os.listdir(x.w.srv.dir)) - before, set(), "files made next to the database")
    up = os.path.dirname(x.w.srv.dir)
    check(not os.path.exists(os.path.join(up, "escape.txt")), "a file name escaped the files dir")

