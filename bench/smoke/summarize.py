"""Side-by-side table for the smoke benchmark (bench/smoke/run.sh).

    python3 bench/smoke/summarize.py bench/out/smoke-<date>.jsonl [--pick best|median]

Throughput: answers per second, best (or median) of the repeats; target jetform >= 10x nats-py.
Fixed load: latency at the offered rate, the repeat with the lowest (or median) p99.
Memory: jetform's peak RSS per request count beside the checker's records; the growth beyond the
records from the smallest to the largest count should stay small and not scale with the count.
Exit status 1 when a run reported an error (lost requests included).
"""
from __future__ import annotations

import argparse
import json
import statistics


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("jsonl")
    p.add_argument("--pick", choices=["best", "median"], default="best")
    a = p.parse_args()
    rows = [json.loads(l) for l in open(a.jsonl) if l.strip()]
    ok = [r for r in rows if "error" not in r]
    errors = [r for r in rows if "error" in r]

    def pick(values, best):
        if not values:
            return None
        return best(values) if a.pick == "best" else statistics.median(values)

    def cell(v, fmt="{:,.0f}"):
        return "-" if v is None else fmt.format(v)

    tput = {c: pick([r["req_per_sec"] for r in ok if r["bench"] == "throughput" and r["client"] == c], max) for c in ("nats-py", "jetform")}
    print(f"\n{'durable request/response':<34}{'nats-py':>12}{'jetform':>12}   ratio / target")
    j, n = tput["jetform"], tput["nats-py"]
    verdict = f"{j / n:.1f}x nats-py (>= 10x) {'PASS' if j >= 10 * n else 'FAIL'}" if j and n else "n/a"
    print(f"{'throughput, answers/s':<34}{cell(n):>12}{cell(j):>12}   {verdict}")
    for c in ("nats-py", "jetform"):
        runs = [r for r in ok if r["bench"] == "throughput" and r["client"] == c]
        if runs:
            best = max(runs, key=lambda r: r["req_per_sec"])
            print(f"  {c} at full window: latency p50 {best['latency_ms']['p50']:.1f} ms, p99 {best['latency_ms']['p99']:.1f} ms; "
                  f"CPU per request: driver {best.get('client_cpu_us_per_req', '?')} us, servers {best.get('server_cpu_us_per_req', '?')} us")
    rates = sorted({r["rate"] for r in ok if r["bench"] == "rate"})
    for rate in rates:
        vals = {}
        for c in ("nats-py", "jetform"):
            runs = [r for r in ok if r["bench"] == "rate" and r["client"] == c and r["rate"] == rate]
            if not runs:
                vals[c] = None
                continue
            runs.sort(key=lambda r: r["latency_ms"]["p99"])
            vals[c] = runs[0] if a.pick == "best" else runs[len(runs) // 2]
        for q in ("p50", "p99"):
            label = f"latency {q} at {rate:,.0f} req/s, ms"
            print(f"{label:<34}" + "".join(f"{cell(vals[c] and vals[c]['latency_ms'][q], '{:.2f}'):>12}" for c in ("nats-py", "jetform")))
        label = f"achieved at {rate:,.0f} req/s, answers/s"
        print(f"{label:<34}" + "".join(f"{cell(vals[c] and vals[c]['req_per_sec']):>12}" for c in ("nats-py", "jetform")))
    mem = sorted((r for r in ok if r["bench"] == "memory" and r.get("rss_kb")), key=lambda r: r["count"])
    if mem:
        print(f"\n{'jetform smoke, requests':<26}{'peak RSS':>12}{'records':>12}{'RSS - records':>16}   lost")
        for r in mem:
            rec = r["record_bytes"] // 1024
            print(f"{r['count']:<26,}{r['rss_kb']:>9,} kB{rec:>9,} kB{r['rss_kb'] - rec:>13,} kB   {r['lost']}")
        if len(mem) >= 2:
            lo, hi = mem[0], mem[-1]
            growth = (hi["rss_kb"] - hi["record_bytes"] // 1024) - (lo["rss_kb"] - lo["record_bytes"] // 1024)
            print(f"growth beyond the records from {lo['count']:,} to {hi['count']:,} requests: {growth:,} kB "
                  f"({growth * 1024 / (hi['count'] - lo['count']):.1f} bytes per extra request)")
    for r in errors:
        print(f"error: {r['client']} {r.get('bench')} (repeat {r.get('repeat')}): {r['error']}")
    return 1 if errors else 0


raise SystemExit(main())
