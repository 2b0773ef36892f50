"""jetform core client benchmark: the nats-py driver.

    python3 bench.py pubsub --url nats://127.0.0.1:4222 --size 1024 --count 500000
    python3 bench.py reqrep --url nats://127.0.0.1:4222 --size 16 --count 20000

Does the same work as bench/client/c/bench.c with plain, idiomatic nats-py: a subscriber
callback that counts, `await nc.publish(...)` in a loop and one flush at the end, and
`await nc.request(...)` one at a time. Prints one JSON line; any loss is an error (exit 1).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

import nats
from nats.errors import SlowConsumerError

WARMUP_MSGS = 1000
WARMUP_REQS = 100


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.errors: list[str] = []
        self.disconnected = False
        self.closing = False
        # Set when the subscriber has everything, or when a loss means it never will.
        self.reached = asyncio.Event()

    async def connect(self, name: str):
        async def error_cb(e: Exception) -> None:
            if self.closing:
                return
            kind = "slow consumer (library dropped messages)" if isinstance(e, SlowConsumerError) else repr(e)
            if kind not in self.errors:
                self.errors.append(kind)
                print(f"nats-py async error: {kind}", file=sys.stderr)
            self.reached.set()

        async def disconnected_cb() -> None:
            if not self.closing:
                self.disconnected = True
                self.reached.set()

        # No reconnects: a benchmark must not hide a lost connection.
        return await nats.connect(
            self.args.url,
            name=name,
            allow_reconnect=False,
            error_cb=error_cb,
            disconnected_cb=disconnected_cb,
        )

    def line(self, **fields) -> None:
        out = {"client": "nats-py", "mode": self.args.mode, "size": self.args.size, "count": self.args.count}
        out.update(fields)
        print(json.dumps(out, separators=(",", ":")), flush=True)

    def fail(self, what: str, received: int) -> int:
        self.line(received=received, error=what)
        return 1

    async def pubsub(self) -> int:
        a = self.args
        subject = f"bench.natspy.{os.getpid()}.pubsub"
        payload = b"x" * a.size
        subc = await self.connect("bench-natspy-sub")
        pubc = await self.connect("bench-natspy-pub")

        received = 0
        target = WARMUP_MSGS
        reached = self.reached

        async def on_msg(msg) -> None:
            nonlocal received
            received += 1
            if received == target:
                reached.set()

        total = a.count + WARMUP_MSGS
        # Room for every message of the run: the subscriber must not drop anything.
        await subc.subscribe(subject, cb=on_msg, pending_msgs_limit=total, pending_bytes_limit=total * (a.size + 128))
        await subc.flush()

        async def wait() -> bool:
            try:
                await asyncio.wait_for(reached.wait(), timeout=a.timeout)
                return True
            except asyncio.TimeoutError:
                return False

        for _ in range(WARMUP_MSGS):
            await pubc.publish(subject, payload)
        await pubc.flush()
        if not await wait() or received < WARMUP_MSGS:
            return self.fail("warm-up: " + ("; ".join(self.errors) or "timed out"), received)

        received = 0
        target = a.count
        reached.clear()
        t0 = time.perf_counter()
        for _ in range(a.count):
            await pubc.publish(subject, payload)
        await pubc.flush()
        ok = await wait()
        secs = time.perf_counter() - t0

        rc = 0
        if self.disconnected or self.errors:
            what = "; ".join(self.errors) or "disconnected"
            if self.disconnected:
                what += " (connection closed by the server: slow consumer?)"
            rc = self.fail(what, received)
        elif not ok or received < a.count:
            rc = self.fail("timed out waiting for the subscriber", received)
        else:
            self.line(seconds=round(secs, 6), msgs_per_sec=round(a.count / secs, 1), received=received)
        self.closing = True
        await pubc.close()
        await subc.close()
        return rc

    async def reqrep(self) -> int:
        a = self.args
        subject = f"bench.natspy.{os.getpid()}.rpc"
        payload = b"x" * a.size
        respc = await self.connect("bench-natspy-responder")
        reqc = await self.connect("bench-natspy-requester")

        async def respond(msg) -> None:
            await respc.publish(msg.reply, msg.data)

        await respc.subscribe(subject, cb=respond)
        await respc.flush()

        for _ in range(WARMUP_REQS):
            await reqc.request(subject, payload, timeout=5)

        done = 0
        t0 = time.perf_counter()
        try:
            for _ in range(a.count):
                await reqc.request(subject, payload, timeout=5)
                done += 1
        except Exception as e:  # noqa: BLE001 - reported, not hidden
            return self.fail(f"request: {e!r}", done)
        secs = time.perf_counter() - t0
        self.line(seconds=round(secs, 6), round_trips_per_sec=round(a.count / secs, 1), received=done)
        self.closing = True
        await reqc.close()
        await respc.close()
        return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["pubsub", "reqrep"])
    p.add_argument("--url", default="nats://127.0.0.1:4222")
    p.add_argument("--size", type=int)
    p.add_argument("--count", type=int)
    p.add_argument("--timeout", type=float, default=120.0)
    a = p.parse_args()
    if a.size is None:
        a.size = 1024 if a.mode == "pubsub" else 16
    if a.count is None:
        a.count = 100_000 if a.mode == "pubsub" else 10_000
    run = Run(a)
    return asyncio.run(run.pubsub() if a.mode == "pubsub" else run.reqrep())


if __name__ == "__main__":
    sys.exit(main())
