"""Turns `jetform smoke --scenario durable --json` output into one bench line (see run.sh).

  jetform_line.py REPORT.json MODE RSS_KB EXIT_STATUS RATE
"""
import json
import sys

path, mode, rss, status, rate = sys.argv[1:6]
line = {"client": "jetform"}
try:
    report = json.load(open(path))
    s = report["scenarios"][0]
    lat = s.get("latency") or {}
    line.update(mode=mode, count=s["count"], rate=float(rate) or None, acknowledged=s["acknowledged"], answered=s["answered"],
                lost=s["lost"], duplicated=s["duplicated"], expired=s["expired"], stale=s["stale"],
                seconds=s["duration_seconds"], req_per_sec=s["throughput"],
                latency_ms={k: lat.get(k) for k in ("p50", "p90", "p99", "max")},
                record_bytes=s["record_bytes"], rss_kb=int(rss) if rss.isdigit() else None)
    problems = []
    if s.get("error"):
        problems.append(s["error"])
    if not s.get("passed") or s["lost"] or s["answered"] < s["count"]:
        problems.append(f"lost {s['lost']}, answered {s['answered']} of {s['count']}")
    if problems:
        line["error"] = "; ".join(problems)
except (OSError, ValueError, KeyError, IndexError) as e:
    line.update(mode=mode, error=f"jetform exited with status {status}: {e!r}")
print(json.dumps(line))
