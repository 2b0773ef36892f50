"""Side-by-side table for the reconcile benchmark.

    python3 bench/reconcile/summarize.py bench/out/reconcile-<date>.jsonl [--pick best|median]

Takes the best (or median) of the repeats of every scenario and checks the targets:
  plan, no changes          jetform <= 0.5 x nats-py (64 INFO in flight), and <= 1.5 x the floor (what a
                            plan cannot skip: STREAM.LIST pages beside one CONSUMER.INFO per consumer,
                            128 in flight); the consumer reads alone are shown for reference
  apply, 16 in flight       jetform <= 1.1 x nats-py
  apply, one at a time      jetform at least 8 x faster than nats-py
Exit status: 0, or 1 when a run reported an error.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--pick", choices=["best", "median"], default="best")
    a = p.parse_args()
    rows = [json.loads(line) for line in open(a.file) if line.strip().startswith("{")]
    pick = min if a.pick == "best" else statistics.median

    def secs(client: str, mode: str) -> float | None:
        vals = [r["seconds"] for r in rows if r.get("client") == client and r.get("mode") == mode and "error" not in r]
        return pick(vals) if vals else None

    def rss(mode: str) -> int | None:
        vals = [r["maxrss_kb"] for r in rows if r.get("client") == "jetform" and r.get("mode") == mode and "error" not in r]
        return max(vals) if vals else None

    print(f"\n{'scenario':<36}{'jetform':>10}{'nats-py':>10}   ratio / target ({a.pick} of repeats)")
    for label, jmode, pmode, check in [
        ("plan, no changes vs 64 INFO", "plan", "info64", lambda j, p: (j / p, "≤ 0.5×", j / p <= 0.5)),
        ("apply vs create 16 in flight", "apply", "create16", lambda j, p: (j / p, "≤ 1.1×", j / p <= 1.1)),
        ("apply vs create one at a time", "apply", "create1", lambda j, p: (p / j, "≥ 8× faster", p / j >= 8)),
    ]:
        j, py = secs("jetform", jmode), secs("nats-py", pmode)
        cells = "".join(f"{(f'{v:.2f}s' if v is not None else '-'):>10}" for v in (j, py))
        if j and py:
            ratio, target, ok = check(j, py)
            verdict = f"{ratio:.2f}× ({target}) {'PASS' if ok else 'FAIL'}"
        else:
            verdict = "n/a"
        print(f"{label:<36}{cells}   {verdict}")
    floors = [f for f in (secs("nats-py", "consumerinfo64"), secs("nats-py", "consumerinfo128")) if f]
    consumers, info, plan = (min(floors) if floors else None), secs("nats-py", "info64"), secs("jetform", "plan")
    floor = secs("nats-py", "listinfo128")
    if floor and info:
        print(f"{'floor: STREAM.LIST + CONSUMER.INFO':<36}{'-':>10}{f'{floor:.2f}s':>10}   "
              f"{floor / info:.2f}× of nats-py's plan reads: every config a plan must read, the cheapest way")
    if floor and plan:
        print(f"{'plan, no changes vs the floor':<36}{f'{plan:.2f}s':>10}{f'{floor:.2f}s':>10}   "
              f"{plan / floor:.2f}× (≤ 1.5×) {'PASS' if plan / floor <= 1.5 else 'FAIL'}")
    if consumers and plan:
        print(f"{'  (the CONSUMER.INFO reads alone)':<36}{f'{plan:.2f}s':>10}{f'{consumers:.2f}s':>10}   "
              f"{plan / consumers:.2f}× (the streams' configs unread: for reference)")
    own = secs("jetform", "own")
    foreign = sorted({int(r["mode"][7:]) for r in rows if r.get("mode", "").startswith("foreign") and r["mode"][7:].isdigit()})
    for n in foreign:
        j, listed = secs("jetform", f"foreign{n}"), secs("nats-py", f"list{n}")
        if j and own and listed:
            floor = own + listed
            print(f"{f'plan 2 streams among {n:,} foreign':<36}{f'{j:.2f}s':>10}{f'{listed:.2f}s':>10}   "
                  f"{j / floor:.2f}× of (plan without them {own:.2f}s + STREAM.LIST) (≤ 1.5×) {'PASS' if j / floor <= 1.5 else 'FAIL'}")
    for mode in ("plan", "apply"):
        m = rss(mode)
        if m:
            print(f"peak memory, jetform {mode}: {m / 1024:.1f} MiB (max RSS)")
    errors = [r for r in rows if "error" in r]
    for r in errors:
        print("error:", r)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
