"""opora migrate-data: the demo dataset moved from SQLite into PostgreSQL,
compared record by record, then served from PostgreSQL; and its refusals.
Uses the PostgreSQL server of the run (OPORA_IT_DB, else a throwaway
cluster started by the harness)."""

import json
import os
import sqlite3
import subprocess

from harness import (ADMIN_EMAIL, ADMIN_PASSWORD, Failure, Server, check, eq, expect, new_dir,
                     opora, pg_new_database)

SKIP = ("schema_migrations",)


def sqlite_tables(con):
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table' "
                                       "ORDER BY name")]
    return [n for n in names if not n.startswith("sqlite_") and "_fts" not in n and n not in SKIP]


def sqlite_rows(con, table):
    cur = con.execute("SELECT * FROM %s" % table)
    cols = [d[0] for d in cur.description]
    rows = []
    for r in cur:
        rows.append(json.dumps({c: ("\\x" + v.hex()) if isinstance(v, bytes) else v
                                for c, v in zip(cols, r)}, sort_keys=True, ensure_ascii=False))
    return cols, sorted(rows)


def pg_rows(url, table, cols):
    sql = "SELECT row_to_json(x) FROM (SELECT %s FROM %s) x" % (", ".join(cols), table)
    r = subprocess.run(["psql", url, "-At", "-c", sql], capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure("psql %s: %s" % (table, r.stderr))
    return sorted(json.dumps(json.loads(l), sort_keys=True, ensure_ascii=False)
                  for l in r.stdout.splitlines() if l)


def test_demo_moves_record_by_record():
    d = new_dir("migrate-data")
    db = os.path.join(d, "demo.db")
    r = opora("demo", "--db", db, "--tickets", "300", "--customers", "60", timeout=300)
    eq(r.rc, 0, "opora demo (%r)" % r)
    url = pg_new_database()
    r = opora("migrate-data", "--from", "sqlite:" + db, "--to", url, timeout=300)
    eq(r.rc, 0, "opora migrate-data (%r)" % r)
    check("tickets=300" in r.out + r.err, "migrate-data does not report the tickets: %r" % r)

    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        tables = sqlite_tables(con)
        check("tickets" in tables and "events" in tables, "tables of the demo: %r" % tables)
        for t in tables:
            cols, want = sqlite_rows(con, t)
            got = pg_rows(url, t, cols)
            eq(len(got), len(want), "rows of %s" % t)
            for g, w in zip(got, want):
                if g != w:
                    raise Failure("%s differs:\n  sqlite   %s\n  postgres %s" % (t, w, g))
    finally:
        con.close()

    # again into the same database: refused, nothing doubled
    r = opora("migrate-data", "--from", "sqlite:" + db, "--to", url, timeout=300)
    check(r.rc != 0 and "already holds data" in r.err, "second migrate-data: %r" % r)

    # served from PostgreSQL, attachments from the same files directory
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        tid, subject = con.execute("SELECT id, subject FROM tickets ORDER BY id DESC "
                                   "LIMIT 1").fetchone()
    finally:
        con.close()
    srv = Server("migrated", db=url, init=False, files_dir=db + ".files").start()
    try:
        c = srv.client()
        eq(c.login("admin@opora.demo", "demo-password").status, 200, "demo admin login")
        t = expect(c.get("/tickets/%d" % tid), 200, what="a migrated ticket")
        eq(t["subject"], subject, "its subject")
        word = max(subject.split(), key=len)
        hits = expect(c.get("/search", query={"q": word}), 200, what="search")
        check(any(h["ticket"]["id"] == tid for h in hits.get("results") or []) or
              hits.get("next_offset") is not None,
              "search for %r does not find ticket %d after migration: %r" % (word, tid, hits))
    finally:
        srv.stop()


def test_refusals():
    d = new_dir("migrate-data")
    r = opora("migrate-data", "--from", "sqlite:" + os.path.join(d, "none.db"),
              "--to", "postgres://nobody@127.0.0.1:1/x")
    check(r.rc != 0 and r.err.strip(), "a missing source: %r" % r)
    r = opora("migrate-data", "--to", "postgres://nobody@127.0.0.1:1/x")
    check(r.rc != 0, "without --from: %r" % r)
    r = opora("migrate-data", "--from", "sqlite:/x.db", "--to", "/y.db")
    check(r.rc != 0, "a target that is not PostgreSQL: %r" % r)


def test_attachment_files_move_too():
    """Attachments uploaded on SQLite download byte for byte from a server on
    the migrated PostgreSQL; the files are checked, a wrong file at the
    target is replaced, and a second run after a failed one skips what is
    in place."""
    import hashlib
    d = new_dir("migrate-files")
    db = os.path.join(d, "src.db")
    src = Server("mig-files-src", db=db, files_dir=db + ".files").start()
    datas = [os.urandom(200000) + "конец".encode(), b"small file\n"]
    try:
        c = src.client()
        eq(c.login(ADMIN_EMAIL, ADMIN_PASSWORD).status, 200, "admin login on SQLite")
        ms = [expect(c.post("/attachments", raw=x, ctype="application/pdf",
                            query={"filename": "f%d.pdf" % i}), 201, what="upload")
              for i, x in enumerate(datas)]
    finally:
        src.stop()
    files_to = os.path.join(d, "pg-files")
    # a wrong file where the second one goes (a copy cut short by hand, say)
    bad = os.path.join(files_to, ms[1]["sha256"][:2], ms[1]["sha256"])
    os.makedirs(os.path.dirname(bad))
    with open(bad, "wb") as f:
        f.write(b"not it")
    url = pg_new_database()
    # the records fail (no such database), the files are copied first
    r = opora("migrate-data", "--from", "sqlite:" + db, "--to", url + "_missing",
              "--files-to", files_to, timeout=300)
    check(r.rc != 0, "a missing target database fails: %r" % r)
    for m, x in zip(ms, datas):
        with open(os.path.join(files_to, m["sha256"][:2], m["sha256"]), "rb") as f:
            eq(f.read(), x, "file %s in place after the first run" % m["sha256"][:8])
    # again, to the right database: the files are there and skipped
    r = opora("migrate-data", "--from", "sqlite:" + db, "--to", url, "--files-to", files_to,
              timeout=300)
    eq(r.rc, 0, "migrate-data (%r)" % r)
    check("files=2 (copied=0 present=2" in r.out + r.err, "the report counts files: %r" % r)
    eq(sorted(os.listdir(os.path.join(files_to, "tmp"))), [], "no temporary files left")

    srv = Server("mig-files-pg", db=url, init=False, files_dir=files_to).start()
    try:
        c = srv.client()
        eq(c.login(ADMIN_EMAIL, ADMIN_PASSWORD).status, 200, "admin login on PostgreSQL")
        for m, x in zip(ms, datas):
            got = c.get("/attachments/%d/content" % m["id"])
            expect(got, 200, what="download")
            eq(hashlib.sha256(got.raw).hexdigest(), m["sha256"], "the same bytes")
            eq(got.raw, x, "attachment %d downloads identically" % m["id"])
    finally:
        srv.stop()

    # a file missing from the source is an error that names it
    os.remove(os.path.join(db + ".files", ms[0]["sha256"][:2], ms[0]["sha256"]))
    r = opora("migrate-data", "--from", "sqlite:" + db, "--to", url,
              "--files-to", os.path.join(d, "elsewhere"), timeout=300)
    check(r.rc != 0 and ms[0]["sha256"] in r.err, "a missing source file: %r" % r)
