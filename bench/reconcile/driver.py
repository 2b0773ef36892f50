"""nats-py side of the reconcile benchmark, and the helpers run.sh needs.

    driver.py topology --prefix P --streams N --replicas R [--consumers-per-stream 1] > file.yaml
    driver.py info     --urls URL --prefix P --streams N --concurrency 64 [--consumers-only | --with-list]
    driver.py create   --urls URL --prefix P --streams N --replicas R --concurrency 16
    driver.py list     --urls URL      (pages STREAM.LIST over the whole account: what any plan reads at least)
    driver.py clean    --urls URL
    driver.py timed    -- COMMAND...   (wall time and peak RSS of a child process)

`info` issues STREAM.INFO for every stream and CONSUMER.INFO for every consumer, CONCURRENCY requests
in flight: what a script needs to know to compare a cluster with a file. `create` makes the same
streams and consumers jetform's topology declares (the same JSON configs, without jetform's
defaults), CONCURRENCY requests in flight; 1 is one at a time. Both print one JSON line; their time
runs from before connect until the last answer (interpreter start-up is not counted, which favours
nats-py). Every answer is checked: an API error or a timeout makes the line an "error".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time


def stream_name(prefix: str, i: int) -> str:
    return f"{prefix}{i:04d}"


def storage(replicas: int) -> str:
    # Memory for replicated streams; a single copy goes to disk (jetform warns about a lone memory copy).
    return "memory" if replicas > 1 else "file"


def stream_config(prefix: str, i: int, replicas: int) -> dict:
    return {"name": stream_name(prefix, i), "subjects": [f"{prefix.lower()}.{i}.>"], "num_replicas": replicas,
            "storage": storage(replicas), "max_age": 3_600_000_000_000}


def consumer_config(prefix: str, i: int, j: int) -> dict:
    name = f"c{j}"
    return {"durable_name": name, "name": name, "ack_policy": "explicit", "filter_subject": f"{prefix.lower()}.{i}.{j}"}


def cmd_topology(a) -> None:
    out = ["name: bench", "contexts:", "  user:", "    url: ${NATS_URL}", "    user: user", "    password: user",
           "context: user", "streams:"]
    for i in range(a.streams):
        c = stream_config(a.prefix, i, a.replicas)
        out += [f"  {c['name']}:", f"    subjects: [{c['subjects'][0]}]", f"    num_replicas: {a.replicas}",
                f"    storage: {storage(a.replicas)}", "    max_age: 1h", "    consumers:"]
        for j in range(a.consumers_per_stream):
            out.append(f"      c{j}: {{ ack_policy: explicit, filter_subject: {a.prefix.lower()}.{i}.{j} }}")
    print("\n".join(out))


async def bounded(concurrency: int, jobs):
    sem = asyncio.Semaphore(concurrency)

    async def run(job):
        async with sem:
            return await job()

    return await asyncio.gather(*(run(j) for j in jobs))


def check(reply) -> None:
    body = json.loads(reply.data)
    if "error" in body:
        raise RuntimeError(body["error"])


async def list_streams(nc, timeout: float) -> int:
    """Pages $JS.API.STREAM.LIST to the end; the number of streams seen."""
    offset = 0
    while True:
        body = json.loads((await nc.request("$JS.API.STREAM.LIST", json.dumps({"offset": offset}).encode(), timeout=timeout)).data)
        if "error" in body:
            raise RuntimeError(body["error"])
        page = body.get("streams") or []
        offset += len(page)
        if not page or offset >= body.get("total", 0):
            return offset


async def cmd_info(a) -> dict:
    import nats
    start = time.perf_counter()
    nc = await nats.connect(a.urls, user="user", password="user")
    jobs = []
    for i in range(a.streams):
        s = stream_name(a.prefix, i)
        if not a.consumers_only and not a.with_list:
            jobs.append(lambda s=s: nc.request(f"$JS.API.STREAM.INFO.{s}", b"", timeout=a.timeout))
        for j in range(a.consumers_per_stream):
            jobs.append(lambda s=s, j=j: nc.request(f"$JS.API.CONSUMER.INFO.{s}.c{j}", b"", timeout=a.timeout))

    # With --with-list every stream's config is read the cheapest way, STREAM.LIST pages, beside the consumer reads.
    reads = [bounded(a.concurrency, jobs)] + ([list_streams(nc, a.timeout)] if a.with_list else [])
    replies = await asyncio.gather(*reads)
    for reply in replies[0]:
        check(reply)
    pages = -(-replies[1] // 256) if a.with_list else 0  # the server's STREAM.LIST page holds 256
    seconds = time.perf_counter() - start
    await nc.close()
    mode = f"consumerinfo{a.concurrency}" if a.consumers_only else f"listinfo{a.concurrency}" if a.with_list else f"info{a.concurrency}"
    return {"client": "nats-py", "mode": mode, "streams": a.streams,
            "consumers": a.streams * a.consumers_per_stream, "requests": len(jobs) + pages, "seconds": round(seconds, 4)}


async def cmd_create(a) -> dict:
    import nats
    start = time.perf_counter()
    nc = await nats.connect(a.urls, user="user", password="user")

    async def create(i: int):
        c = stream_config(a.prefix, i, a.replicas)
        check(await nc.request(f"$JS.API.STREAM.CREATE.{c['name']}", json.dumps(c).encode(), timeout=a.timeout))
        for j in range(a.consumers_per_stream):
            cc = consumer_config(a.prefix, i, j)
            body = {"stream_name": c["name"], "config": cc, "action": "create"}
            check(await nc.request(f"$JS.API.CONSUMER.CREATE.{c['name']}.{cc['name']}.{cc['filter_subject']}",
                                   json.dumps(body).encode(), timeout=a.timeout))

    await bounded(a.concurrency, [lambda i=i: create(i) for i in range(a.streams)])
    seconds = time.perf_counter() - start
    await nc.close()
    return {"client": "nats-py", "mode": f"create{a.concurrency}", "streams": a.streams,
            "consumers": a.streams * a.consumers_per_stream, "replicas": a.replicas, "seconds": round(seconds, 4)}


async def cmd_list(a) -> dict:
    """Pages $JS.API.STREAM.LIST over the account: the one read a plan cannot skip however few streams
    its file declares (it must know every stream, to leave the others alone)."""
    import nats
    start = time.perf_counter()
    nc = await nats.connect(a.urls, user="user", password="user")
    seen = await list_streams(nc, a.timeout)
    seconds = time.perf_counter() - start
    await nc.close()
    return {"client": "nats-py", "mode": "list", "streams": seen, "seconds": round(seconds, 4)}


async def cmd_clean(a) -> dict:
    """Deletes every stream of the account and waits until none is left."""
    import nats
    nc = await nats.connect(a.urls, user="user", password="user")
    deadline = time.time() + 120
    while True:
        names, offset = [], 0
        while True:
            body = json.loads((await nc.request("$JS.API.STREAM.NAMES", json.dumps({"offset": offset}).encode(),
                                                timeout=10)).data)
            page = body.get("streams") or []
            names += page
            offset += len(page)
            if not page or offset >= body.get("total", 0):
                break
        if not names or time.time() > deadline:
            break
        await bounded(16, [lambda n=n: nc.request(f"$JS.API.STREAM.DELETE.{n}", b"", timeout=10) for n in names])
    await nc.close()
    return {"cleaned": len(names) == 0}


def cmd_timed(a) -> dict:
    start = time.perf_counter()
    rc = subprocess.call(a.command, stdout=subprocess.DEVNULL if a.quiet else None)
    seconds = time.perf_counter() - start
    # ru_maxrss of RUSAGE_CHILDREN is the largest of the waited-for children: the only one here.
    return {"rc": rc, "seconds": round(seconds, 4), "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("topology", "info", "create", "list", "clean"):
        s = sub.add_parser(name)
        s.add_argument("--urls", default=os.environ.get("NATS_URL", ""))
        s.add_argument("--prefix", default="B")
        s.add_argument("--streams", type=int, default=100)
        s.add_argument("--consumers-per-stream", type=int, default=1)
        s.add_argument("--replicas", type=int, default=3)
        s.add_argument("--concurrency", type=int, default=16)
        s.add_argument("--timeout", type=float, default=30)
        s.add_argument("--consumers-only", action="store_true",
                       help="info: only CONSUMER.INFO (one per consumer)")
        s.add_argument("--with-list", action="store_true",
                       help="info: CONSUMER.INFO beside STREAM.LIST pages: every config a plan must read, read the cheapest way")
    t = sub.add_parser("timed")
    t.add_argument("--quiet", action="store_true")
    t.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    if a.cmd == "topology":
        cmd_topology(a)
        return
    if a.cmd == "timed":
        if a.command and a.command[0] == "--":
            a.command = a.command[1:]
        print(json.dumps(cmd_timed(a)))
        return
    try:
        result = asyncio.run({"info": cmd_info, "create": cmd_create, "list": cmd_list, "clean": cmd_clean}[a.cmd](a))
    except Exception as e:  # noqa: BLE001 - reported as an errored run
        result = {"client": "nats-py", "mode": a.cmd, "error": repr(e)}
        print(json.dumps(result))
        sys.exit(1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
