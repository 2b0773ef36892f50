# Captures STREAM.INFO / CONSUMER.INFO configs from a real 3-node nats-server cluster for the
# Reconcile tests. Usage: PYTHONPATH=/tmp/py python3 capture.py <nats-server binary> <label> <out.json>
import asyncio, json, os, socket, subprocess, sys, tempfile, time
import nats

BIN, LABEL, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
CONF = "/work/wt-reconcile/cluster/server.conf"

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

MARK = {"jetform.managed-by": "users"}
# The shipped topology.yaml as the TopologySpec loader turns it into wire JSON, plus the ownership marker.
STREAMS = [
    ({"name": "REQUESTS", "description": "Requests waiting for a worker", "subjects": ["users.requests"],
      "retention": "workqueue", "storage": "memory", "num_replicas": 3, "discard": "new", "max_msgs": -1,
      "max_msgs_per_subject": -1, "max_bytes": -1, "max_msg_size": -1, "max_age": 5_000_000_000,
      "allow_rollup_hdrs": False, "deny_delete": True, "deny_purge": False, "metadata": MARK},
     [{"durable_name": "workers", "description": "Workers pulling requests", "ack_policy": "explicit",
       "ack_wait": 2_000_000_000, "metadata": MARK}]),
    ({"name": "RESPONSES", "description": "Responses, one subject per request", "subjects": ["users.responses.*"],
      "retention": "workqueue", "storage": "memory", "num_replicas": 3, "discard": "new", "max_msgs": -1,
      "max_msgs_per_subject": 1, "max_bytes": -1, "max_msg_size": -1, "allow_rollup_hdrs": False,
      "deny_delete": True, "deny_purge": False, "metadata": MARK},
     [{"durable_name": "producers", "description": "Producers reading responses", "ack_policy": "explicit",
       "ack_wait": 2_000_000_000, "metadata": MARK}]),
    # Only a name: every default comes from the server.
    ({"name": "BARE", "metadata": MARK}, [{"durable_name": "bare", "metadata": MARK},
                        {"durable_name": "bare_push", "deliver_subject": "push.bare", "metadata": MARK},
                        {"durable_name": "acked", "ack_policy": "all", "metadata": MARK}]),
    # Several subjects in an order the server keeps, a window capped by max_age, limits for consumers.
    ({"name": "EVENTS", "subjects": ["events.b", "events.a.>", "events.c"], "max_age": 60_000_000_000,
      "num_replicas": 3, "consumer_limits": {"max_ack_pending": 50, "inactive_threshold": 3_600_000_000_000},
      "metadata": {"team": "core", **MARK}},
     [{"durable_name": "backoff", "ack_policy": "explicit", "backoff": [1_000_000_000, 5_000_000_000], "max_deliver": 3,
       "filter_subjects": ["events.b", "events.c"], "metadata": MARK},
      {"durable_name": "replicated", "ack_policy": "explicit", "num_replicas": 1, "mem_storage": True, "metadata": MARK}]),
    # Interest retention with an explicit window, file storage, s2.
    ({"name": "AUDIT", "subjects": ["audit.>"], "retention": "interest", "duplicate_window": 30_000_000_000,
      "compression": "s2", "max_bytes": 1 << 30, "placement": {"tags": []}, "metadata": MARK},
     [{"durable_name": "reader", "ack_policy": "explicit", "deliver_policy": "last_per_subject", "filter_subject": "audit.x", "metadata": MARK}]),
]
STREAMS_211 = [
    ({"name": "TTL", "subjects": ["ttl.>"], "allow_msg_ttl": True, "subject_delete_marker_ttl": 5_000_000_000, "metadata": MARK},
     [{"durable_name": "pinned", "ack_policy": "explicit", "priority_groups": ["g"], "priority_policy": "pinned_client", "metadata": MARK}]),
]
STREAMS_212 = [
    ({"name": "COUNTER", "subjects": ["counter.>"], "allow_msg_counter": True, "metadata": MARK}, []),
]

def version_tuple(v):
    return tuple(int(x) for x in v.split("-")[0].split("."))

async def main():
    tmp = tempfile.mkdtemp(prefix="jf-capture-")
    clients = [free_port() for _ in range(3)]
    routes_p = [free_port() for _ in range(3)]
    routes = "[" + ", ".join(f"nats-route://127.0.0.1:{p}" for p in routes_p) + "]"
    procs = []
    for i in range(3):
        env = dict(os.environ, NATS_SERVER_NAME=f"inst-{i+1}", NATS_HOST="127.0.0.1",
                   NATS_CLIENT_PORT=str(clients[i]), NATS_CLIENT_ADVERTISE=f"127.0.0.1:{clients[i]}",
                   NATS_CLUSTER_PORT=str(routes_p[i]), NATS_MONITOR_PORT=str(free_port()),
                   NATS_ROUTES=routes, NATS_STORE_DIR=os.path.join(tmp, f"s{i}"))
        procs.append(subprocess.Popen([BIN, "-c", CONF], env=env, stdout=subprocess.DEVNULL,
                                      stderr=open(os.path.join(tmp, f"log{i}"), "w")))
    try:
        nc = await nats.connect(f"nats://127.0.0.1:{clients[0]}", user="user", password="user")
        async def api(subj, body=None):
            for attempt in range(60):
                try:
                    m = await nc.request(subj, json.dumps(body).encode() if body is not None else b"", timeout=5)
                    r = json.loads(m.data)
                    if "error" in r and r["error"].get("err_code") in (10008, 10023, 10005, 10039, 10076):
                        await asyncio.sleep(1); continue
                    return r
                except (nats.errors.NoRespondersError, nats.errors.TimeoutError):
                    await asyncio.sleep(1)
            raise SystemExit(f"no answer on {subj}")
        info = await api("$JS.API.INFO")
        server_version = nc._server_info.get("version")
        level = info.get("api", {}).get("level")
        out = {"label": LABEL, "server_version": server_version, "api_level": level, "streams": []}
        streams = STREAMS[:]
        if version_tuple(server_version) >= (2, 11, 0): streams += STREAMS_211
        if version_tuple(server_version) >= (2, 12, 0): streams += STREAMS_212
        for cfg, consumers in streams:
            r = await api(f"$JS.API.STREAM.CREATE.{cfg['name']}", cfg)
            if "error" in r: raise SystemExit(f"{cfg['name']}: {r['error']}")
            entry = {"sent": cfg, "config": None, "state": None, "consumers": []}
            for c in consumers:
                body = {"stream_name": cfg["name"], "config": c, "action": "create"}
                rc = await api(f"$JS.API.CONSUMER.CREATE.{cfg['name']}.{c['durable_name']}", body)
                if "error" in rc: raise SystemExit(f"{cfg['name']}.{c['durable_name']}: {rc['error']}")
            if cfg["name"] == "EVENTS":
                for i in range(3):
                    await api(f"events.b", {"n": i})
            await asyncio.sleep(0.5)
            si = await api(f"$JS.API.STREAM.INFO.{cfg['name']}")
            entry["config"] = si["config"]
            entry["state"] = {"messages": si["state"]["messages"], "bytes": si["state"]["bytes"]}
            for c in consumers:
                ci = await api(f"$JS.API.CONSUMER.INFO.{cfg['name']}.{c['durable_name']}")
                entry["consumers"].append({"sent": c, "name": ci["name"], "config": ci["config"]})
            out["streams"].append(entry)
        # STREAM.LIST carries the same configs; keep one page's keys to show its shape.
        lst = await api("$JS.API.STREAM.LIST", {"offset": 0})
        out["stream_list_keys"] = sorted(lst.keys())
        await nc.close()
        with open(OUT, "w") as f: json.dump(out, f, indent=2, sort_keys=True)
        print("captured", LABEL, server_version, "api level", level)
    finally:
        for p in procs: p.terminate()
        for p in procs: p.wait(10)

asyncio.run(main())
