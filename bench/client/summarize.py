"""Side-by-side table for the core client benchmark.

    python3 bench/client/summarize.py bench/out/client-<date>.jsonl [--pick best|median]

Reads the JSON lines the drivers printed (run.sh adds "repeat"), takes the best or the median of
the repeats for every scenario and client, and checks the targets:
  publish throughput (pubsub)  jetform >= 0.8 x libnats
  request/reply (reqrep)       jetform >= 3   x nats-py
Exit status: 0, or 1 when a driver reported an error.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

CLIENTS = ["libnats", "nats-py", "jetform"]
# (mode, size) -> label, rate field, unit, target: (baseline client, factor)
SCENARIOS = {
    ("pubsub", 1024): ("pub/sub 1 KiB", "msgs_per_sec", "msg/s", ("libnats", 0.8)),
    ("pubsub", 16): ("pub/sub 16 B", "msgs_per_sec", "msg/s", ("libnats", 0.8)),
    ("reqrep", 16): ("req/reply 16 B", "round_trips_per_sec", "rt/s", ("nats-py", 3.0)),
}


def fmt_rate(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:,.0f}"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("jsonl")
    p.add_argument("--pick", choices=["best", "median"], default="best")
    a = p.parse_args()

    rates: dict[tuple[str, int, str], list[float]] = {}
    counts: dict[tuple[str, int, str], int] = {}
    errors: list[str] = []
    with open(a.jsonl) as f:
        for raw in f:
            raw = raw.strip()
            if not raw:
                continue
            line = json.loads(raw)
            key = (line["mode"], int(line["size"]), line["client"])
            if "error" in line:
                errors.append(
                    f"{line['client']} {line['mode']} {line['size']} B (repeat {line.get('repeat', '?')}): "
                    f"{line['error']} (received {line.get('received', '?')} of {line.get('count', '?')})"
                    + ("; the server logged a slow consumer" if line.get("server_slow_consumer") else "")
                )
                continue
            field = "msgs_per_sec" if line["mode"] == "pubsub" else "round_trips_per_sec"
            rates.setdefault(key, []).append(float(line[field]))
            counts[key] = int(line["count"])

    def pick(key: tuple[str, int, str]) -> float | None:
        vs = rates.get(key)
        if not vs:
            return None
        return max(vs) if a.pick == "best" else statistics.median(vs)

    header = f"{'scenario':<16}{'libnats':>14}{'nats-py':>12}{'jetform':>12}{'jf/libnats':>12}{'jf/nats-py':>12}   target"
    print(header)
    print("-" * (len(header) + 28))
    for (mode, size), (label, _field, unit, (base, factor)) in SCENARIOS.items():
        vals = {c: pick((mode, size, c)) for c in CLIENTS}
        jf = vals["jetform"]
        ratio = lambda b: f"{jf / b:.2f}x" if jf is not None and b else "-"  # noqa: E731
        if jf is None or vals[base] is None:
            verdict = "n/a"
        else:
            verdict = "PASS" if jf >= factor * vals[base] else "FAIL"
        target = f"jetform >= {factor:g}x {base}: {verdict}"
        print(
            f"{label:<16}{fmt_rate(vals['libnats']):>14}{fmt_rate(vals['nats-py']):>12}{fmt_rate(jf):>12}"
            f"{ratio(vals['libnats']):>12}{ratio(vals['nats-py']):>12}   {target}"
        )
    print(f"rates in msg/s (pub/sub) and round trips/s (req/reply); {a.pick} of the repeats per cell")
    for (mode, size), (label, *_rest) in SCENARIOS.items():
        cells = [f"{c} {len(rates[(mode, size, c)])}x{counts[(mode, size, c)]:,}" for c in CLIENTS if (mode, size, c) in rates]
        if cells:
            print(f"  {label}: runs x count: " + ", ".join(cells))
    if errors:
        print("\nERRORS (these runs are not in the table):")
        for e in errors:
            print("  " + e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
