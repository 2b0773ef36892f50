"""nats-py's own Key-Value API on a bucket, for jetform's KV tests.

    kv_client.py use URL USER PASSWORD BUCKET     put, update with revision, get, history, watch
    kv_client.py create URL USER PASSWORD BUCKET  create the bucket as nats-py does (history 3, ttl 1h), put one key
    kv_client.py obj-use URL USER PASSWORD BUCKET   object store: put a 300 KB object (3 chunks), get it back, list, info
    kv_client.py obj-create URL USER PASSWORD BUCKET  create the object store as nats-py does (ttl 1h), put one object
    kv_client.py copies URL USER PASSWORD ORIGIN,SOURCED  put color=blue into ORIGIN, then get it from SOURCED
                                                     (a bucket that sources ORIGIN) once it has arrived
    kv_client.py get URL USER PASSWORD BUCKET K1,K2    each key's value and revision (null when absent or deleted)
    kv_client.py put URL USER PASSWORD BUCKET KEY=VALUE  put one value, as another writer would
    kv_client.py delete URL USER PASSWORD BUCKET KEY     delete one key (a DEL marker)

Prints one JSON line with what it saw; exits non-zero on any failure.
"""
import asyncio
import json
import sys

import nats
from nats.js.api import KeyValueConfig, StorageType


async def settled(call, seconds=15):
    """A stream created a moment ago may not have elected its leader yet: the first publish then finds
    no responder. Retried for a while, as a client waiting for its new bucket would. Creating a bucket
    is retried the same way: a loaded 2.10 cluster once let nats-py's 5 s create request time out (the
    create is idempotent: the same config again is no change)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            return await call()
        except (nats.js.errors.NoStreamResponseError, nats.errors.NoRespondersError, nats.errors.TimeoutError,
                nats.js.errors.ServiceUnavailableError, nats.js.errors.NoKeysError):
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)


async def main(mode, url, user, password, bucket, arg=None):
    nc = await nats.connect(servers=url.split(","), user=user, password=password)
    js = nc.jetstream()
    out = {"mode": mode}
    if mode == "obj-create":
        from nats.js.api import ObjectStoreConfig
        obs = await settled(lambda: js.create_object_store(bucket, config=ObjectStoreConfig(ttl=3600, storage=StorageType.MEMORY)), 30)
        info = await settled(lambda: obs.put("readme.txt", b"hello"))
        out["size"] = info.size
    elif mode == "obj-use":
        obs = await js.object_store(bucket)
        data = bytes(range(256)) * 1200  # 307,200 bytes: three 128 KiB chunks
        info = await settled(lambda: obs.put("blob.bin", data))
        back = await obs.get("blob.bin")
        assert back.data == data, "the object read back differs"
        out["size"] = info.size
        out["chunks"] = info.chunks
        out["listed"] = sorted(i.name for i in await obs.list())
    elif mode == "copies":
        origin, sourced = bucket.split(",")
        kv = await js.key_value(origin)
        out["revision"] = await settled(lambda: kv.put("color", b"blue"))
        copy = await js.key_value(sourced)
        deadline = asyncio.get_running_loop().time() + 15
        while True:
            try:
                entry = await copy.get("color")
                out["sourced"] = entry.value.decode()
                break
            except nats.js.errors.KeyNotFoundError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.1)
    elif mode == "get":
        kv = await js.key_value(bucket)
        values = {}
        for key in arg.split(","):
            try:
                # A direct get, which any replica answers: right after a put a follower may lag (the test reads again).
                entry = await kv.get(key)
                values[key] = {"value": entry.value.decode(), "revision": entry.revision}
            except nats.js.errors.KeyNotFoundError:
                values[key] = None
        out["values"] = values
    elif mode == "put":
        kv = await js.key_value(bucket)
        key, value = arg.split("=", 1)
        out["revision"] = await settled(lambda: kv.put(key, value.encode()))
    elif mode == "delete":
        kv = await js.key_value(bucket)
        await kv.delete(arg)
        out["deleted"] = arg
    elif mode == "create":
        kv = await settled(lambda: js.create_key_value(KeyValueConfig(bucket=bucket, history=3, ttl=3600, storage=StorageType.MEMORY)), 30)
        out["revision"] = await settled(lambda: kv.put("greeting", b"hello"))
    else:
        kv = await js.key_value(bucket)
        first = await settled(lambda: kv.put("a", b"1"))
        second = await kv.update("a", b"2", last=first)
        # A bucket allows direct gets (as every client makes it), which any replica answers: right after a
        # write a follower may still hold the value before it (seen once on a loaded R3 bucket). Read
        # until the write shows, as a client reading its own write from such a bucket has to.
        deadline = asyncio.get_running_loop().time() + 5
        entry = await kv.get("a")
        while entry.revision != second and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
            entry = await kv.get("a")
        assert entry.value == b"2" and entry.revision == second, (entry.value, entry.revision, second)
        try:
            await kv.update("a", b"stale", last=first)
            raise AssertionError("an update with a stale revision was accepted")
        except nats.js.errors.KeyWrongLastSequenceError:
            out["stale_update_refused"] = True
        # history() and watch() each create an ordered consumer; on a loaded cluster that request can pass
        # nats-py's 5 s timeout (seen with three test clusters on two cores), and history() can see an
        # empty watch when its consumer info is read before the first entry reaches the callback
        # (NoKeysError although both entries are there). Retried, as a client would.
        out["history"] = [e.value.decode() for e in await settled(lambda: kv.history("a"))]
        watcher = await settled(lambda: kv.watch("a"))
        seen = []
        async def collect():
            while len(seen) < 2:
                update = await watcher.updates(timeout=5)
                if update is not None:
                    seen.append(update.value.decode())
        task = asyncio.create_task(collect())
        await asyncio.sleep(0.2)
        await kv.put("a", b"3")
        await asyncio.wait_for(task, 10)
        await watcher.stop()
        out["watched"] = seen
        out["status_history"] = (await kv.status()).history
    await nc.close()
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:7]))
