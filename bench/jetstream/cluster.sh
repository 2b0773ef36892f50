#!/usr/bin/env bash
# Starts a 3-node nats-server cluster on free ports in a temp directory (sourced by run.sh).
# After `cluster_up`, NATS_URLS holds the client URLs and CLUSTER_DIR the state; `cluster_down` stops it.
# Accounts: APP (user/user, JetStream) and SYS (admin/admin, the system account).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

cluster_up() {
  local bin="${1:-nats-server}"
  CLUSTER_DIR="$(mktemp -d "${TMPDIR:-/tmp}/jetform-bench.XXXXXX")"
  CLUSTER_PIDS=()
  local cports=() rports=()
  for i in 0 1 2; do cports+=("$(free_port)"); rports+=("$(free_port)"); done
  local routes="nats-route://127.0.0.1:${rports[0]},nats-route://127.0.0.1:${rports[1]},nats-route://127.0.0.1:${rports[2]}"
  NATS_URLS=""
  for i in 0 1 2; do
    mkdir -p "$CLUSTER_DIR/n$i"
    cat > "$CLUSTER_DIR/n$i.conf" <<CONF
server_name: n$i
listen: 127.0.0.1:${cports[$i]}
jetstream { store_dir: "$CLUSTER_DIR/n$i", max_memory_store: 2GB }
cluster { name: bench, listen: 127.0.0.1:${rports[$i]}, routes: [${routes//,/, }] }
accounts {
  APP: { jetstream: enabled, users: [ {user: user, password: user} ] }
  SYS: { users: [ {user: admin, password: admin} ] }
}
system_account: SYS
CONF
    "$bin" -c "$CLUSTER_DIR/n$i.conf" > "$CLUSTER_DIR/n$i.log" 2>&1 &
    CLUSTER_PIDS+=($!)
    NATS_URLS="${NATS_URLS:+$NATS_URLS,}nats://127.0.0.1:${cports[$i]}"
  done
  export NATS_URLS CLUSTER_DIR
  # Wait for a JetStream meta leader.
  for _ in $(seq 1 100); do
    if grep -q "JetStream cluster new metadata leader\|Self is new JetStream cluster metadata leader" "$CLUSTER_DIR"/n*.log 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "cluster did not elect a meta leader; logs in $CLUSTER_DIR" >&2
  return 1
}

cluster_down() {
  for pid in "${CLUSTER_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${CLUSTER_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "${CLUSTER_DIR:-}" ] && rm -rf "$CLUSTER_DIR"
}
