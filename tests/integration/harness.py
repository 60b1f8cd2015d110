"""harness.py - drives the real opora binary over loopback for the integration suite.

Server: a temporary directory, `opora init`, `opora serve` on port 0 (the port
is read from the log line `msg=listening url=...`), stderr kept in a file for
post-mortem; stop() (SIGTERM, must exit 0 with no sanitizer report), kill()
(SIGKILL), restart() (same database and files).

Client: one HTTP request per connection (http.client), authenticated by a
bearer token or by the session cookie (+ X-CSRF-Token when asked). Every call
returns a Resp that unpacks as (status, headers, data): data is parsed JSON
when the answer is JSON, else the raw bytes.

World: a started server with an admin client and helpers that make users,
organizations, groups and tickets quickly.

OPORA_BIN selects the binary (default build/opora); the sanitizer build is
slower, so every timeout scales with SLOW.

OPORA_IT_DB selects the database of every Server: unset or "sqlite" a file in
its directory; "postgres" a new database on a throwaway cluster started once
for the run (tests/pg/cluster); "postgres://USER@HOST:PORT/DB" a new
database on that server (the role must be allowed to create databases).
"""

import hashlib
import http.client
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("OPORA_BIN") or os.path.join(ROOT, "build", "opora"))
SLOW = "/san/" in BIN or os.environ.get("OPORA_IT_SLOW") == "1"
TIMEOUT = 120.0 if SLOW else 30.0  # seconds for one request, a start, a stop

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-password-1"
PASSWORD = "password-123"

# Cheap argon2id (tests create many users) and a login limit no ordinary test reaches.
BASE_ENV = {
    "OPORA_PWHASH_OPS": "1",
    "OPORA_PWHASH_MEM": "8192",
    "OPORA_LOGIN_MAX_FAILURES": "64",
    "OPORA_LOGIN_WINDOW_SECONDS": "60",
}

TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
CYRILLIC_RE = re.compile("[\u0400-\u04ff]")

_run_dir = None
_servers = []  # every Server made, so that run.py can kill what a failed test left running
_run_dir_lock = threading.Lock()
_seq = itertools.count(1)


def run_dir():
    """The temporary directory of this run (servers and CLI databases live under it)."""
    global _run_dir
    with _run_dir_lock:
        if _run_dir is None:
            _run_dir = tempfile.mkdtemp(prefix="opora-it-")
        return _run_dir


def cleanup_run_dir():
    global _run_dir
    if _run_dir:
        shutil.rmtree(_run_dir, ignore_errors=True)
        _run_dir = None


def kill_all():
    """Kills every server still running (tests that failed half-way)."""
    for s in _servers:
        s.kill()


def uniq(prefix="x"):
    """A name no other call of this run returns."""
    return "%s%d%s" % (prefix, next(_seq), os.urandom(3).hex())


def child_env(extra=None):
    """The environment of an opora process: no OPORA_* leaking in from outside."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPORA_")}
    env.update(BASE_ENV)
    env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
    if extra:
        env.update({k: str(v) for k, v in extra.items()})
    return env


def new_dir(name):
    d = os.path.join(run_dir(), uniq(name + "-"))
    os.makedirs(d)
    return d


class CmdResult:
    def __init__(self, argv, rc, out, err):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err

    def __repr__(self):
        return "opora %s -> exit %s; stdout=%r stderr=%r" % (
            " ".join(self.argv), self.rc, self.out[-800:], self.err[-800:])


SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "WARNING: ThreadSanitizer", "SUMMARY: UndefinedBehaviorSanitizer")


def opora(*argv, env=None, cwd=None, input=None, timeout=None):
    """Runs `opora argv...` to completion; returns a CmdResult. A sanitizer
    report or a death by signal is a failure whatever the command was for."""
    p = subprocess.run([BIN] + list(argv), env=child_env(env), cwd=cwd or run_dir(),
                       input=input, capture_output=True, text=True,
                       timeout=timeout or TIMEOUT * 2)
    r = CmdResult(list(argv), p.returncode, p.stdout, p.stderr)
    marks = [l for l in p.stderr.splitlines() if any(m in l for m in SANITIZER_MARKS)]
    if marks or p.returncode < 0:
        raise Failure("opora %s crashed (exit %s)%s" % (" ".join(argv), p.returncode,
                                                        ": " + marks[0].strip() if marks else ""))
    return r


# ---------------------------------------------------------------------------
# HTTP


class Resp:
    """An answer: unpacks as (status, headers, data)."""

    def __init__(self, method, path, req_body, status, headers, raw):
        self.method, self.path, self.req_body = method, path, req_body
        self.status, self.headers, self.raw = status, headers, raw
        ctype = headers.get("Content-Type", "") if headers is not None else ""
        self.data = raw
        if ctype.startswith("application/json") and raw:
            try:
                self.data = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                self.data = raw

    def __iter__(self):
        return iter((self.status, self.headers, self.data))

    @property
    def err(self):
        if isinstance(self.data, dict) and isinstance(self.data.get("error"), dict):
            return self.data["error"]
        return {}

    def describe(self):
        body = self.req_body
        if isinstance(body, (bytes, bytearray)):
            body = "<%d bytes>" % len(body) if len(body) > 200 else body
        elif body is not None:
            body = json.dumps(body, ensure_ascii=False)
            if len(body) > 300:
                body = body[:300] + "..."
        got = self.raw[:600] if isinstance(self.raw, (bytes, bytearray)) else self.raw
        if isinstance(got, (bytes, bytearray)):
            got = got.decode("utf-8", "replace")
        return "%s %s%s -> %s %s" % (self.method, self.path,
                                     (" body=%s" % body) if body is not None else "",
                                     self.status, got)


class ServerGone(Exception):
    """The connection failed (the server died or was killed)."""


_NOBODY = object()


class Client:
    """An HTTP client for one identity (token, session cookie, or none)."""

    def __init__(self, port, token=None, lang=None, host="127.0.0.1"):
        # port: a number, or the Server (its port changes when it restarts)
        self.host, self._port = host, port
        self.token = token
        self.cookie = None   # opora_session value
        self.csrf = None     # the session's CSRF token
        self.send_csrf = True
        self.lang = lang
        self.user = None     # the user object, when known

    @property
    def port(self):
        return self._port.port if isinstance(self._port, Server) else self._port

    def with_token(self, token):
        c = Client(self._port, token=token, lang=self.lang, host=self.host)
        c.user = self.user
        return c

    def request(self, method, path, body=_NOBODY, *, query=None, raw=None, ctype=None,
                headers=None, auth=True, csrf=None, timeout=None):
        """Sends one request. path is under /api/v1 unless it starts with /api/ or
        /healthz. body is JSON-encoded; raw (bytes) is sent as is (with ctype);
        raw as a list of bytes is sent with Transfer-Encoding: chunked."""
        if not (path.startswith("/api/") or path.startswith("/healthz")):
            path = "/api/v1" + path
        if query:
            q = {k: v for k, v in query.items() if v is not None}
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(q)
        hdrs = {"Connection": "close"}
        data = None
        if raw is not None:
            data = raw
            if ctype:
                hdrs["Content-Type"] = ctype
        elif body is not _NOBODY:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            hdrs["Content-Type"] = ctype or "application/json"
        elif method in ("POST", "PUT", "PATCH"):
            data = b""
        if self.lang:
            hdrs["Accept-Language"] = self.lang
        if auth and self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        if auth and self.cookie:
            hdrs["Cookie"] = "opora_session=" + self.cookie
            if method not in ("GET", "HEAD") and self.send_csrf and self.csrf and csrf is None:
                hdrs["X-CSRF-Token"] = self.csrf
        if csrf is not None:
            hdrs["X-CSRF-Token"] = csrf
        if headers:
            hdrs.update(headers)
        chunked = isinstance(raw, list)
        if chunked:
            data = iter(raw)
        shown = raw if raw is not None else (None if body is _NOBODY else body)
        if chunked:
            shown = "<%d bytes chunked>" % sum(len(c) for c in raw)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout or TIMEOUT)
        try:
            try:
                conn.request(method, path, body=data, headers=hdrs, encode_chunked=chunked)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer (413) before reading the whole body
            try:
                r = conn.getresponse()
                payload = r.read()
            except (ConnectionError, http.client.HTTPException, socket.timeout, OSError,
                    AttributeError) as e:  # AttributeError: the socket was closed under it
                raise ServerGone("%s %s: %s: %s" % (method, path, type(e).__name__, e))
            return Resp(method, path, shown, r.status, r.headers, payload)
        except (ConnectionRefusedError, socket.timeout) as e:
            raise ServerGone("%s %s: %s: %s" % (method, path, type(e).__name__, e))
        finally:
            conn.close()

    def get(self, path, query=None, **kw):
        return self.request("GET", path, query=query, **kw)

    def post(self, path, body=_NOBODY, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=_NOBODY, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # -- sessions --

    def login(self, email, password):
        """POST /auth/login; on success keeps the cookie and the CSRF token."""
        r = self.post("/auth/login", {"email": email, "password": password}, auth=False)
        if r.status == 200:
            self.cookie = cookie_value(r.headers, "opora_session")
            self.csrf = r.data.get("csrf_token")
            self.user = r.data.get("user")
        return r


def cookie_value(headers, name):
    for v in headers.get_all("Set-Cookie") or []:
        first = v.split(";", 1)[0].strip()
        if first.startswith(name + "="):
            return first[len(name) + 1:]
    return None


# ---------------------------------------------------------------------------
# assertions that say what the server did


class Failure(AssertionError):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def eq(got, want, what):
    if got != want:
        raise Failure("%s: expected %r, got %r" % (what, want, got))


def expect(resp, status, code=None, field=None, what=None):
    """Asserts the status (and, for errors, the body: code, message, message_id,
    field); returns data."""
    prefix = (what + ": ") if what else ""
    if resp.status != status:
        raise Failure("%sexpected %s: %s" % (prefix, status, resp.describe()))
    if status >= 400:
        e = resp.err
        if not e:
            raise Failure("%sexpected an error body {error:{...}}: %s" % (prefix, resp.describe()))
        for k in ("code", "message", "message_id"):
            if not isinstance(e.get(k), str) or not e.get(k):
                raise Failure("%serror body lacks %r: %s" % (prefix, k, resp.describe()))
        if code is not None and e.get("code") != code:
            raise Failure("%sexpected code %r: %s" % (prefix, code, resp.describe()))
        if field is not None and e.get("field") != field:
            raise Failure("%sexpected field %r: %s" % (prefix, field, resp.describe()))
    return resp.data


class Soft:
    """Collects failures of independent checks, so that one report lists them all:
        soft = Soft(); soft(expect_err, r, 422, field="x"); ...; soft.done()"""

    def __init__(self):
        self.errors = []

    def __call__(self, fn, *args, **kw):
        try:
            return fn(*args, **kw)
        except Failure as e:
            self.errors.append(str(e))
            return None

    def done(self):
        if self.errors:
            raise Failure("%d failed: " % len(self.errors) + " | ".join(self.errors))


CODE_OF = {400: "invalid_json", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
           409: "conflict", 413: "too_big", 415: "unsupported_media_type", 422: "invalid",
           429: "rate_limited", 503: "unavailable"}


def expect_err(resp, status, field=None, what=None):
    """An error answer with the code that the status implies."""
    return expect(resp, status, CODE_OF.get(status), field, what)


def sv(v):
    """An event's old/new value, normalised: None for absent or empty, else a string."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


# ---------------------------------------------------------------------------
# the server


_pg_server = None  # the maintenance URL of the PostgreSQL server of this run
_pg_dbs = itertools.count(1)


def _pg_url():
    """The PostgreSQL server of this run: OPORA_IT_DB when it is a URL, else a
    throwaway cluster (tests/pg/cluster) started once."""
    global _pg_server
    if _pg_server:
        return _pg_server
    want = os.environ.get("OPORA_IT_DB", "")
    if want.startswith("postgres://") or want.startswith("postgresql://"):
        _pg_server = want
        return _pg_server
    d = tempfile.mkdtemp(prefix="opora-it-pg-")
    cluster = os.path.join(ROOT, "tests", "pg", "cluster")
    r = subprocess.run([cluster, "start", d], capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure("cannot start a PostgreSQL cluster: %s" % r.stderr)
    import atexit
    atexit.register(lambda: (subprocess.run([cluster, "stop", d], capture_output=True),
                             shutil.rmtree(d, ignore_errors=True)))
    _pg_server = r.stdout.strip()
    return _pg_server


def pg_new_database():
    """The URL of a new, empty database on the PostgreSQL server of this run."""
    server = _pg_url()
    name = "opora_it_%d_%d" % (os.getpid(), next(_pg_dbs))
    r = subprocess.run(["psql", server, "-q", "-c", "CREATE DATABASE %s" % name],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure("cannot create database %s: %s" % (name, r.stderr))
    return server.rsplit("/", 1)[0] + "/" + name


def default_db(directory):
    """The database of a new Server: per OPORA_IT_DB (see the top of this file)."""
    if not os.environ.get("OPORA_IT_DB", "sqlite").startswith("postgres"):
        return os.path.join(directory, "opora.db")
    return pg_new_database()


def db_exists(db):
    """Whether a Server's database is there (a PostgreSQL one: whether init made its tables)."""
    if not db.startswith("postgres"):
        return os.path.exists(db)
    r = subprocess.run(["psql", db, "-tAq", "-c",
                        "SELECT to_regclass('schema_migrations') IS NOT NULL"],
                       capture_output=True, text=True)
    return r.returncode == 0 and r.stdout.strip() == "t"


class Server:
    """One opora serve process over its own database in a temporary directory."""

    def __init__(self, name="srv", env=None, threads=4, init=True, db=None, files_dir=None):
        self.name = name
        self.dir = new_dir(name)
        self.db = db or default_db(self.dir)
        self.files_dir = files_dir or os.path.join(self.dir, "files")
        self.env = dict(env or {})
        self.threads = threads
        self.proc = None
        self.port = None
        self.starts = 0
        self.log_path = None
        self._lines = []
        self._lines_lock = threading.Condition()
        _servers.append(self)
        if init and not db_exists(self.db):
            r = opora("init", "--db", self.db, "--admin-email", ADMIN_EMAIL,
                      "--admin-password", ADMIN_PASSWORD, "--admin-name", "Ada Admin",
                      env=self.env, cwd=self.dir)
            # The exit status of init is asserted by test_cli.test_init; here the
            # database only has to exist for the server to be tested at all.
            self.init_result = r
            if not db_exists(self.db):
                raise Failure("opora init failed: %r" % r)

    # -- process --

    def start(self):
        self.starts += 1
        self.log_path = os.path.join(self.dir, "serve-%d.log" % self.starts)
        with self._lines_lock:
            self._lines = []
        argv = [BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:0", "--threads",
                str(self.threads), "--files-dir", self.files_dir]
        self.proc = subprocess.Popen(argv, env=child_env(self.env), cwd=self.dir,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        self._port_found = threading.Event()
        self.port = None
        t = threading.Thread(target=self._pump, args=(self.proc, self.log_path), daemon=True)
        t.start()
        self._pump_thread = t
        if not self._port_found.wait(TIMEOUT) or self.port is None:
            rc = self.proc.poll()
            self.kill()
            raise Failure("server did not report listening (exit %s); log %s:\n%s"
                          % (rc, self.log_path, self.log_tail()))
        self.wait_healthy()
        return self

    def _pump(self, proc, path):
        pat = re.compile(r"msg=listening url=http://[^:\s]+:(\d+)")
        with open(path, "w", encoding="utf-8", errors="replace") as f:
            for line in iter(proc.stderr.readline, b""):
                s = line.decode("utf-8", "replace")
                f.write(s)
                f.flush()
                with self._lines_lock:
                    self._lines.append(s.rstrip("\n"))
                    self._lines_lock.notify_all()
                if self.port is None:
                    m = pat.search(s)
                    if m:
                        self.port = int(m.group(1))
                        self._port_found.set()
        self._port_found.set()
        with self._lines_lock:
            self._lines_lock.notify_all()

    def wait_healthy(self):
        deadline = time.monotonic() + TIMEOUT
        last = None
        while time.monotonic() < deadline:
            try:
                r = Client(self.port).get("/healthz", timeout=5)
                if r.status == 200:
                    return
                last = r.describe()
            except ServerGone as e:
                last = str(e)
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise Failure("server not healthy: %s; log:\n%s" % (last, self.log_tail()))

    def lines(self):
        with self._lines_lock:
            return list(self._lines)

    def wait_for_lines(self, pred, timeout=None):
        """Waits until pred(lines) is true (the log is read by a thread); returns it."""
        deadline = time.monotonic() + (timeout or TIMEOUT)
        with self._lines_lock:
            while True:
                v = pred(self._lines)
                if v or time.monotonic() >= deadline:
                    return v
                self._lines_lock.wait(max(0.0, min(1.0, deadline - time.monotonic())))

    def log_tail(self, n=40):
        return "\n".join(self.lines()[-n:])

    def sanitizer_reports(self):
        return [l for l in self.lines() if any(b in l for b in SANITIZER_MARKS)]

    def stop(self):
        """SIGTERM; the server must exit 0 and its log must hold no sanitizer report."""
        if not self.proc:
            return
        p, self.proc = self.proc, None
        died = p.poll()
        if died is not None:
            self._pump_thread.join(TIMEOUT)
            raise Failure("server had died before stop (exit status %s)%s; log %s:\n%s"
                          % (died, self._sanitizer_note(), self.log_path, self.log_tail(30)))
        p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise Failure("server did not stop within %ss of SIGTERM; log %s" % (TIMEOUT, self.log_path))
        self._pump_thread.join(TIMEOUT)
        if rc != 0 or self.sanitizer_reports():
            raise Failure("server exit status %s after SIGTERM (want 0)%s; log %s:\n%s"
                          % (rc, self._sanitizer_note(), self.log_path, self.log_tail(30)))

    def _sanitizer_note(self):
        reports = self.sanitizer_reports()
        return "; sanitizer: " + reports[0].strip() if reports else ""

    def kill(self):
        """SIGKILL, no questions asked."""
        if not self.proc:
            return
        p, self.proc = self.proc, None
        if p.poll() is None:
            p.kill()
        p.wait()
        self._pump_thread.join(TIMEOUT)

    def restart(self):
        if self.proc:
            self.stop()
        return self.start()

    def client(self, token=None, lang=None):
        return Client(self, token=token, lang=lang)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


# ---------------------------------------------------------------------------
# a started server with an admin and quick builders


class World:
    def __init__(self, name="world", env=None, threads=4):
        self.srv = Server(name, env=env, threads=threads).start()
        try:
            anon = self.srv.client()
            r = anon.login(ADMIN_EMAIL, ADMIN_PASSWORD)
            expect(r, 200, what="admin login")
            r = anon.post("/me/tokens", {"name": "it-admin"})
            tok = expect(r, 201, what="admin token")["token"]
            self.admin = self.srv.client(token=tok)
            self.admin.user = expect(self.admin.get("/me"), 200, what="GET /me as admin")
        except BaseException:
            self.srv.kill()
            raise

    @property
    def port(self):
        return self.srv.port

    def stop(self):
        self.srv.stop()

    def check_log(self):
        """Invariants of the whole event log (GET /events as admin): ids grow,
        every event of one action has the same actor and via, and no 'changed'
        event says a field went from a value to the same value. Returns the
        number of events."""
        evs, after = [], 0
        for _ in range(1000):
            d = expect(self.admin.get("/events", query={"after_id": after, "limit": 10000}), 200,
                       what="GET /events")
            evs += d["events"]
            after = d.get("next_after_id")
            if not after:
                break
        ids = [e["id"] for e in evs]
        check(ids == sorted(set(ids)), "event ids are not strictly increasing")
        actions = {}
        for e in evs:
            actions.setdefault(e["action_id"], set()).add((e["actor_id"], e["via"]))
            # (null -> null is how a secret such as a password is recorded as changed)
            if e["kind"] == "changed" and sv(e["old"]) is not None:
                check(sv(e["old"]) != sv(e["new"]),
                      "a 'changed' event that changes nothing: %r" % e)
        mixed = {a: v for a, v in actions.items() if len(v) > 1}
        check(not mixed, "actions with several actors or vias: %r" % dict(list(mixed.items())[:3]))
        return len(evs)

    def finish(self):
        """The module's end: checks the event log, then stops the server (exit 0)."""
        try:
            if self.srv.alive():
                self.check_log()
        finally:
            self.srv.stop()

    def revive(self):
        """After a test crashed the server: restart it on the same database, so
        that the module's other tests still run. Returns a note, or None."""
        if self.srv.alive():
            return None
        try:
            self.srv.stop()
        except Failure as e:
            note = str(e).split("\n", 1)[0]
        else:
            note = "server was not running"
        self.srv.start()
        return note

    def anon(self, lang=None):
        return self.srv.client(lang=lang)

    def token_for(self, email, password=PASSWORD):
        """Logs in and makes an API token; returns a Client with it."""
        c = self.srv.client()
        expect(c.login(email, password), 200, what="login " + email)
        tok = expect(c.post("/me/tokens", {"name": uniq("tok")}), 201, what="token for " + email)
        out = self.srv.client(token=tok["token"])
        out.user = c.user
        return out

    def user(self, role="customer", level=None, org=None, name=None, lang=None, by=None,
             groups=None, **extra):
        """Creates a user (with a password) and returns a Client acting as them
        (client.user is the user object)."""
        email = uniq(role) + "@example.com"
        body = {"name": name or ("%s %s" % (role.capitalize(), uniq("n"))), "email": email,
                "role": role, "password": PASSWORD}
        if role != "customer":
            body["level"] = level or "middle"
        if org:
            body["organization_id"] = org
        if lang:
            body["language"] = lang
        body.update(extra)
        u = expect((by or self.admin).post("/users", body), 201, what="create user")
        c = self.token_for(email)
        c.user = u
        for g in groups or []:
            self.add_member(g, u["id"])
        return c

    def org(self, shared=False, name=None):
        return expect(self.admin.post("/organizations",
                                      {"name": name or uniq("Org "), "shared_tickets": shared}),
                      201, what="create organization")

    def group(self, tier="l1", members=(), name=None):
        return expect(self.admin.post("/groups", {"name": name or uniq("Group "), "tier": tier,
                                                  "member_ids": list(members)}),
                      201, what="create group")

    def add_member(self, group_id, user_id):
        g = expect(self.admin.get("/groups/%d" % group_id), 200)
        ids = sorted(set(g.get("member_ids") or []) | {user_id})
        return expect(self.admin.patch("/groups/%d" % group_id, {"member_ids": ids}), 200,
                      what="add group member")

    def ticket(self, by=None, requester=None, **fields):
        """Creates a ticket (as admin unless by); requester is a user id or Client."""
        body = {"subject": fields.pop("subject", uniq("Subject "))}
        if requester is not None:
            body["requester_id"] = requester.user["id"] if isinstance(requester, Client) else requester
        elif by is None or (by.user and by.user.get("role") != "customer"):
            body["requester"] = {"email": uniq("req") + "@example.com", "name": "Req Uester"}
        body.update(fields)
        return expect((by or self.admin).post("/tickets", body), 201, what="create ticket")

    def events(self, ticket_id, by=None):
        return expect((by or self.admin).get("/tickets/%d/events" % ticket_id,
                                             query={"limit": 1000}), 200)["events"]

    def comments(self, ticket_id, by=None):
        return expect((by or self.admin).get("/tickets/%d/comments" % ticket_id,
                                             query={"limit": 1000}), 200)["comments"]

    def get_ticket(self, ticket_id, by=None):
        return expect((by or self.admin).get("/tickets/%d" % ticket_id), 200)


def walk_tickets(client, query, limit=25, max_pages=1000):
    """Every ticket of GET /tickets with query, page by page through next_cursor."""
    out, cursor = [], None
    for _ in range(max_pages):
        q = dict(query)
        q["limit"] = limit
        if cursor:
            q["cursor"] = cursor
        d = expect(client.get("/tickets", query=q), 200, what="list page")
        check(len(d["tickets"]) <= limit, "page longer than limit %d" % limit)
        out.extend(d["tickets"])
        cursor = d.get("next_cursor")
        if not cursor:
            return out
        check(d["tickets"], "empty page with a next_cursor: %r" % d)
    raise Failure("more than %d pages" % max_pages)


def sha256(b):
    return hashlib.sha256(b).hexdigest()
