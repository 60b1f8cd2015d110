"""Durability: every create the server acknowledged (201) survives a kill -9
in the middle of a burst of concurrent writes."""

import threading
import time

from harness import (SLOW, TIMEOUT, ServerGone, World, check, eq, expect)

THREADS = 16
KILL_AFTER = 150  # acknowledged creates before the kill


def test_kill9_during_burst_loses_no_acknowledged_create():
    w = World("durability", threads=4)
    try:
        cust = w.user("customer")
        lock = threading.Condition()
        acked = {}     # id -> subject
        errors = []    # answers that were neither 201 nor a dropped connection
        killed = threading.Event()

        def worker(k):
            c = w.srv.client(token=w.admin.token)
            port = w.srv.port  # the port of this run: never write to the restarted server
            c._port = port
            i = 0
            while not killed.is_set():
                subj = "burst %02d-%04d" % (k, i)
                i += 1
                try:
                    r = c.post("/tickets", {"subject": subj, "requester_id": cust.user["id"],
                                            "tags": ["burst"], "description": "x" * 200})
                except ServerGone:
                    return
                with lock:
                    if r.status == 201:
                        acked[r.data["id"]] = subj
                        lock.notify_all()
                    elif not killed.is_set():
                        errors.append(r.describe())

        threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(THREADS)]
        for t in threads:
            t.start()
        with lock:
            reached = lock.wait_for(lambda: len(acked) >= KILL_AFTER or errors,
                                    timeout=TIMEOUT * (3 if SLOW else 1))
            check(reached, "only %d creates acknowledged in time" % len(acked))
            killed.set()
            w.srv.kill()  # SIGKILL, with requests in flight
            snapshot = dict(acked)
        for t in threads:
            t.join(TIMEOUT)
        late = {k: v for k, v in acked.items() if k not in snapshot}
        snapshot.update(late)  # answered between the signal and the death: durable too
        check(not errors, "non-201 answers during the burst: %s" % errors[:3])

        t0 = time.monotonic()
        w.srv.start()
        restart_s = time.monotonic() - t0
        missing, wrong = [], []
        for tid, subj in sorted(snapshot.items()):
            r = w.admin.get("/tickets/%d" % tid)
            if r.status != 200:
                missing.append(tid)
            elif r.data["subject"] != subj:
                wrong.append((tid, subj, r.data["subject"]))
        count = expect(w.admin.get("/tickets/count", query={"tag": "burst"}), 200)["count"]
        found = len(snapshot) - len(missing)
        check(not missing, "acknowledged %d, found %d; missing ids %r" % (len(snapshot), found,
                                                                          missing[:20]))
        check(not wrong, "tickets with another subject: %r" % wrong[:5])
        # in-flight creates may or may not have landed; nothing else may appear
        check(len(snapshot) <= count <= len(snapshot) + THREADS,
              "count of burst tickets %d, acknowledged %d" % (count, len(snapshot)))
        # the restarted server keeps working
        expect(w.admin.post("/tickets", {"subject": "after restart",
                                         "requester_id": cust.user["id"]}), 201)
        eq(expect(w.admin.get("/healthz"), 200)["database"], "ok", "database after restart")
        return "acknowledged %d, found %d, count %d, restart %.2fs" % (len(snapshot), found, count,
                                                                       restart_s)
    finally:
        w.stop()


def test_sigterm_during_burst_is_graceful():
    """SIGTERM in the middle of a burst: the server exits 0, and every create it
    acknowledged is there after a restart."""
    w = World("graceful", threads=4)
    try:
        cust = w.user("customer")
        lock = threading.Condition()
        acked = {}
        errors = []
        stopping = threading.Event()

        def worker(k):
            c = w.srv.client(token=w.admin.token)
            c._port = w.srv.port
            i = 0
            while not stopping.is_set():
                i += 1
                try:
                    r = c.post("/tickets", {"subject": "term %d-%d" % (k, i),
                                            "requester_id": cust.user["id"], "tags": ["term"]})
                except ServerGone:
                    return
                with lock:
                    if r.status == 201:
                        acked[r.data["id"]] = r.data["subject"]
                        lock.notify_all()
                    elif r.status != 503 or not stopping.is_set():
                        errors.append(r.describe())

        ths = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(8)]
        for th in ths:
            th.start()
        with lock:
            check(lock.wait_for(lambda: len(acked) >= 60, timeout=TIMEOUT),
                  "only %d creates acknowledged in time" % len(acked))
            stopping.set()
        w.srv.stop()  # SIGTERM; asserts exit status 0 and no sanitizer report
        for th in ths:
            th.join(TIMEOUT)
        check(not errors, "answers other than 201 during the burst: %r" % errors[:3])
        w.srv.start()
        missing = [tid for tid, subj in acked.items()
                   if w.admin.get("/tickets/%d" % tid).status != 200]
        check(not missing, "acknowledged %d, missing %r" % (len(acked), missing[:10]))
        return "acknowledged %d, found %d" % (len(acked), len(acked) - len(missing))
    finally:
        w.stop()
