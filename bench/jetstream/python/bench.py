"""JetStream benchmark driver for nats-py (see bench/jetstream/run.sh).

  bench.py publish      --urls URLS --subject SUBJ --count N --size B --inflight K   (publish_async)
  bench.py publish-sync --urls URLS --subject SUBJ --count N --size B               (await js.publish)
  bench.py consume      --urls URLS --stream S --consumer C --count N --batch B     (pull fetch + ack)

Prints one JSON line like the other drivers.
"""
import argparse, asyncio, json, sys, time
import nats


def out(**kv):
    print(json.dumps({"client": "nats-py", **kv}), flush=True)


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode")
    p.add_argument("--urls", default="nats://127.0.0.1:4222")
    p.add_argument("--stream", default="BENCH")
    p.add_argument("--consumer", default="bench")
    p.add_argument("--subject", default="bench.js")
    p.add_argument("--count", type=int, default=100000)
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--inflight", type=int, default=4096)
    p.add_argument("--batch", type=int, default=500)
    a = p.parse_args()
    nc = await nats.connect(servers=a.urls.split(","), user="user", password="user", allow_reconnect=False, dont_randomize=True)
    js = nc.jetstream()
    payload = b"x" * a.size
    try:
        if a.mode == "publish":
            # publish_async keeps up to max_pending acks outstanding (nats-py 2.x).
            js = nc.jetstream(publish_async_max_pending=a.inflight)
            start = time.perf_counter()
            for _ in range(a.count):
                await js.publish_async(a.subject, payload)
            await js.publish_async_completed()
            secs = time.perf_counter() - start
            out(mode="publish", count=a.count, seconds=secs, msgs_per_sec=a.count / secs)
        elif a.mode == "publish-sync":
            start = time.perf_counter()
            for _ in range(a.count):
                await js.publish(a.subject, payload)
            secs = time.perf_counter() - start
            out(mode="publish-sync", count=a.count, seconds=secs, msgs_per_sec=a.count / secs)
        elif a.mode == "consume":
            sub = await js.pull_subscribe_bind(a.consumer, a.stream)
            received = 0
            start = time.perf_counter()
            while received < a.count:
                msgs = await sub.fetch(min(a.batch, a.count - received), timeout=5)
                for m in msgs:
                    received += 1
                    if received == a.count:
                        await m.ack_sync()
                    else:
                        await m.ack()
            secs = time.perf_counter() - start
            out(mode="consume", count=a.count, seconds=secs, msgs_per_sec=a.count / secs)
        else:
            out(error="unknown mode " + a.mode)
            sys.exit(1)
    except Exception as e:  # noqa: BLE001 - a failed run must print an error line
        out(mode=a.mode, error=repr(e))
        sys.exit(1)
    finally:
        await nc.close()


asyncio.run(main())
