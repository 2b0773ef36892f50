"""The durable request/response smoke scenario written with nats-py (see bench/smoke/run.sh).

The same protocol as jetform's DurableScenario, on the streams and consumers topology.yaml declares:

    producer --js.publish_async (Nats-Msg-Id <run>-<id>)--> REQUESTS (work queue) --fetch--> workers
    worker --js.publish_async answer to users.responses.<run>-<id> (Nats-Msg-Id)--> RESPONSES
           then msg.ack() of the request once the answer's pub ack arrived
    producer(s) --fetch from RESPONSES > producers--> record the answer, free a window place, msg.ack()

Same shape as jetform's run: PRODUCERS producers and WORKERS workers, each on its own connection in
one process; at most IN_FLIGHT requests out (published, not answered); workers fetch
min(64, IN_FLIGHT / WORKERS) at a time, the collector 256. With --rate R the producer offers R
requests per second (still within the window) instead of as many as the window allows.

  durable.py --urls URLS --count N [--in-flight 100] [--workers 2] [--producers 1] [--rate R]

Prints one JSON line: client, mode (durable | rate), count, answered, lost, duplicated, seconds,
req_per_sec (answers per second from the first publish to the last answer), latency_ms {p50, p90,
p99, max} (request publish -> answer received), and "error" when anything was lost or failed.
"""
import argparse
import asyncio
import json
import random
import string
import sys
import time

import nats
import nats.errors

REQUEST_SUBJECT = "users.requests"
RESPONSE_PREFIX = "users.responses."


def out(**kv):
    print(json.dumps({"client": "nats-py", **kv}), flush=True)


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


class Run:
    def __init__(self, count, in_flight, run_id):
        self.count = count
        self.run_id = run_id
        self.window = asyncio.Semaphore(in_flight)
        self.sent_at = [0.0] * count
        self.latency = [0.0] * count
        self.answered = bytearray(count)
        self.acked = bytearray(count)
        self.n_answered = 0
        self.duplicated = 0
        self.stale = 0
        self.first_sent = None
        self.last_answer = None
        self.done = asyncio.Event()
        self.publish_errors = []
        self.worker_errors = []


async def connect(urls, name):
    return await nats.connect(servers=urls, user="user", password="user", name=name,
                              allow_reconnect=False, dont_randomize=True)


async def producer(nc, run, ids, rate):
    js = nc.jetstream(publish_async_max_pending=len(run.sent_at) or 1)
    acks = []
    start = time.perf_counter()
    for n, i in enumerate(ids):
        if rate:
            due = start + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        await run.window.acquire()
        token = f"{run.run_id}-{i}"
        now = time.perf_counter()
        run.sent_at[i] = now
        if run.first_sent is None:
            run.first_sent = now
        fut = await js.publish_async(REQUEST_SUBJECT, f"{run.run_id} {i}".encode(), headers={"Nats-Msg-Id": token})
        acks.append((i, fut))
    for i, fut in acks:
        try:
            await fut
            run.acked[i] = 1
        except Exception as e:  # noqa: BLE001 - counted and reported
            run.publish_errors.append(f"{i}: {e!r}")
            run.window.release()


async def worker(nc, run, batch):
    js = nc.jetstream(publish_async_max_pending=4 * batch)
    sub = await js.pull_subscribe_bind("workers", stream="REQUESTS")
    while not run.done.is_set():
        try:
            msgs = await sub.fetch(batch, timeout=1)
        except nats.errors.TimeoutError:
            continue
        answers = []
        for m in msgs:
            run_id, _, rid = m.data.decode().partition(" ")
            if run_id != run.run_id:
                await m.ack()  # another run's request: stale
                continue
            token = f"{run_id}-{rid}"
            fut = await js.publish_async(RESPONSE_PREFIX + token, m.data, headers={"Nats-Msg-Id": token})
            answers.append((m, fut))
        # The request is acknowledged only once its answer is stored.
        for m, fut in answers:
            try:
                await fut
                await m.ack()
            except Exception as e:  # noqa: BLE001 - the request is redelivered
                run.worker_errors.append(repr(e))
                await m.nak()


async def collector(nc, run):
    js = nc.jetstream()
    sub = await js.pull_subscribe_bind("producers", stream="RESPONSES")
    while not run.done.is_set():
        try:
            msgs = await sub.fetch(256, timeout=1)
        except nats.errors.TimeoutError:
            continue
        now = time.perf_counter()
        for m in msgs:
            run_id, _, rid = m.subject[len(RESPONSE_PREFIX):].rpartition("-")
            if run_id != run.run_id:
                run.stale += 1
            else:
                i = int(rid)
                if run.answered[i]:
                    run.duplicated += 1
                else:
                    run.answered[i] = 1
                    run.latency[i] = now - run.sent_at[i]
                    run.n_answered += 1
                    run.last_answer = now
                    run.window.release()
                    if run.n_answered == run.count:
                        run.done.set()
            await m.ack()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--urls", default="nats://127.0.0.1:4222")
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--in-flight", type=int, default=100)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--producers", type=int, default=1)
    p.add_argument("--rate", type=float, default=0, help="offered requests per second (0: as fast as the window allows)")
    p.add_argument("--idle-timeout", type=float, default=10)
    a = p.parse_args()
    mode = "rate" if a.rate else "durable"
    urls = a.urls.split(",")
    run = Run(a.count, a.in_flight, "".join(random.choices(string.ascii_lowercase + string.digits, k=8)))
    conns = []
    tasks = []
    try:
        for w in range(a.workers):
            nc = await connect(urls, f"py-worker{w + 1}")
            conns.append(nc)
            tasks.append(asyncio.create_task(worker(nc, run, max(1, min(64, a.in_flight // a.workers)))))
        producer_conns = []
        for pr in range(a.producers):
            nc = await connect(urls, f"py-producer{pr + 1}")
            conns.append(nc)
            producer_conns.append(nc)
            tasks.append(asyncio.create_task(collector(nc, run)))
        rate = a.rate / a.producers if a.rate else 0
        await asyncio.gather(*(producer(nc, run, range(pr, a.count, a.producers), rate) for pr, nc in enumerate(producer_conns)))
        # Wait for the answers, giving up after idle-timeout seconds without progress.
        last, last_change = -1, time.perf_counter()
        while not run.done.is_set():
            await asyncio.sleep(0.02)
            if run.n_answered != last:
                last, last_change = run.n_answered, time.perf_counter()
            elif time.perf_counter() - last_change > a.idle_timeout:
                break
        run.done.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        acknowledged = sum(run.acked)
        lost = sum(1 for i in range(a.count) if run.acked[i] and not run.answered[i])
        lat = sorted(run.latency[i] * 1000 for i in range(a.count) if run.answered[i])
        secs = (run.last_answer - run.first_sent) if run.last_answer and run.first_sent else 0
        result = dict(mode=mode, count=a.count, rate=a.rate or None, in_flight=a.in_flight, workers=a.workers,
                      producers=a.producers, acknowledged=acknowledged, answered=run.n_answered, lost=lost,
                      duplicated=run.duplicated, stale=run.stale, seconds=secs,
                      req_per_sec=run.n_answered / secs if secs else 0,
                      latency_ms={"p50": percentile(lat, 50), "p90": percentile(lat, 90), "p99": percentile(lat, 99),
                                  "max": lat[-1] if lat else None})
        problems = []
        if lost or acknowledged != a.count:
            problems.append(f"lost {lost}, acknowledged {acknowledged} of {a.count}")
        if run.publish_errors:
            problems.append(f"{len(run.publish_errors)} publishes failed, first: {run.publish_errors[0]}")
        if run.worker_errors:
            problems.append(f"{len(run.worker_errors)} answers failed, first: {run.worker_errors[0]}")
        if problems:
            result["error"] = "; ".join(problems)
        out(**result)
        if problems:
            sys.exit(1)
    except Exception as e:  # noqa: BLE001 - a failed run must print an error line
        out(mode=mode, count=a.count, error=repr(e))
        sys.exit(1)
    finally:
        for t in tasks:
            t.cancel()
        for nc in conns:
            await nc.close()


asyncio.run(main())
