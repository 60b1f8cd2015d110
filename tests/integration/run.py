#!/usr/bin/env python3
"""run.py - runs opora's integration tests (tests/integration/test_*.py).

    python3 tests/integration/run.py            every test
    python3 tests/integration/run.py -k merge   tests whose name contains "merge"
    python3 tests/integration/run.py -k cli,log tests whose name contains either
    OPORA_BIN=build/san/opora python3 tests/integration/run.py   the sanitizer build

A test is a function test_*(). A module may define setup() (returning a shared
context, usually a harness.World: one server for the module) and
teardown(ctx); tests that take a parameter get the context. A test may return
a short note, printed after its name. Prints `ok name` or `FAIL name: reason`
per test, then `N passed, N failed`; exits 1 if anything failed. Server logs
of a failing run are kept (the path is printed).
"""

import argparse
import glob
import importlib.util
import inspect
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402


def load(path):
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return name, mod


def reason(exc):
    if isinstance(exc, AssertionError) and str(exc):
        text = str(exc)
    else:
        tb = traceback.extract_tb(exc.__traceback__)
        where = ""
        for fr in reversed(tb):
            if os.path.dirname(os.path.abspath(fr.filename)) == HERE:
                where = " (%s:%d)" % (os.path.basename(fr.filename), fr.lineno)
                break
        text = "%s: %s%s" % (type(exc).__name__, exc, where)
    return " ".join(text.split("\n")) if len(text) < 400 else text.replace("\n", "\n    ")


def main():
    try:
        return run()
    finally:
        harness.kill_all()  # also on Ctrl-C: no server outlives the run


def run():
    ap = argparse.ArgumentParser(description="opora integration tests")
    ap.add_argument("-k", dest="pattern", default="", help="run tests whose name (module.test) contains this; a,b: either")
    ap.add_argument("-v", dest="verbose", action="store_true", help="print timings")
    args = ap.parse_args()

    if not os.access(harness.BIN, os.X_OK):
        print("FAIL setup: no executable %s (build it with make -j2)" % harness.BIN)
        print("0 passed, 1 failed")
        return 1

    passed = failed = 0
    t0 = time.monotonic()
    for path in sorted(glob.glob(os.path.join(HERE, "test_*.py"))):
        modname, mod = load(path)
        tests = [(n, f) for n, f in vars(mod).items()
                 if n.startswith("test_") and inspect.isfunction(f)
                 and f.__module__ == mod.__name__]
        tests.sort(key=lambda nf: nf[1].__code__.co_firstlineno)
        pats = args.pattern.split(",")
        tests = [(n, f) for n, f in tests if any(p in "%s.%s" % (modname, n) for p in pats)]
        if not tests:
            continue
        ctx, setup_error = None, None
        if hasattr(mod, "setup"):
            try:
                ctx = mod.setup()
            except Exception as e:  # noqa: BLE001 - reported per test
                setup_error = e
        for name, fn in tests:
            full = "%s.%s" % (modname, name)
            if setup_error is not None:
                print("FAIL %s: setup failed: %s" % (full, reason(setup_error)), flush=True)
                failed += 1
                continue
            revive = getattr(ctx, "revive", None) or getattr(getattr(ctx, "w", None), "revive", None)
            if revive:
                try:
                    note = revive()
                except Exception as e:  # noqa: BLE001
                    note = "restart failed: %s" % reason(e)
                if note:
                    # the crash belongs to the test before: say so once
                    print("FAIL %s.server_crash: %s" % (modname, note), flush=True)
                    failed += 1
            t1 = time.monotonic()
            try:
                takes = len(inspect.signature(fn).parameters) > 0
                note = fn(ctx) if takes else fn()
                extra = " (%s)" % note if isinstance(note, str) and note else ""
                timing = " [%.2fs]" % (time.monotonic() - t1) if args.verbose else ""
                print("ok %s%s%s" % (full, extra, timing), flush=True)
                passed += 1
            except Exception as e:  # noqa: BLE001 - a failing test is a result
                print("FAIL %s: %s" % (full, reason(e)), flush=True)
                failed += 1
        if hasattr(mod, "teardown") and setup_error is None and ctx is not None:
            try:
                mod.teardown(ctx)
            except Exception as e:  # noqa: BLE001
                print("FAIL %s.teardown: %s" % (modname, reason(e)), flush=True)
                failed += 1
    harness.kill_all()
    if failed:
        if harness._run_dir:
            print("server logs and databases kept in %s" % harness._run_dir)
    else:
        harness.cleanup_run_dir()
    if args.verbose:
        print("took %.1fs" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
