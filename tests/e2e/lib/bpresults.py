"""The results JSON's results as rows, one dict per result, whatever its schema: /3 (this
version's, docs/results-json.md) groups them - each KPI, scope, entity and target once,
with a row per result naming its fields by "result_fields" - and /1, /2 (earlier
versions) gave one object per result.  The tests read results through this, so that each
assertion says what it always said."""


def rows(doc):
    """Every result of doc (a parsed results JSON) as a dict with kpi, scope, entity,
    target and the fields of its row, in the file's order.  A row that stops before the
    last fields (a KPI without grades: no "grade", "measures") has no keys for them."""
    if doc.get("schema") != "boardpack-results/3":
        return list(doc.get("results", []))
    fields = doc["result_fields"]
    out = []
    for g in doc["results"]:
        head = {"kpi": g["kpi"], "scope": g["scope"], "entity": g["entity"], "target": g["target"]}
        for row in g["rows"]:
            assert len(row) <= len(fields), (g, row)
            r = dict(head)
            r.update(zip(fields, row))
            out.append(r)
    return out


def flat(doc):
    """doc with "results" as rows(doc) (a copy; the rest shared)."""
    d = dict(doc)
    if "results" in d:
        d["results"] = rows(doc)
    return d


if __name__ == "__main__":
    # bpresults.py FILE: its results one per line, as /1 and /2 wrote them (the shell
    # tests grep these; common.sh's results_rows)
    import json
    import signal
    import sys
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)    # a `grep -q` reading may stop early
    for r in rows(json.load(open(sys.argv[1], encoding="utf-8"))):
        print(json.dumps(r, ensure_ascii=False))
