"""The ok/FAIL lines of the e2e suite's Python checks (tests/e2e/*.py), one way for all:
tests/e2e/lib/common.sh counts the lines a script prints, and the script's exit status,
exit_status(), says whether any failed."""

failures = 0


def check(name, good, detail=""):
    """Prints "ok   NAME", or "FAIL NAME  DETAIL" (DETAIL cut at 600 characters) and counts
    the failure."""
    global failures
    if good:
        print("ok   " + name)
    else:
        failures += 1
        print("FAIL " + name + ("  " + str(detail)[:600] if detail else ""))


def exit_status():
    return 1 if failures else 0
