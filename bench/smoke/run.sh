#!/usr/bin/env bash
# Smoke benchmark: the durable request/response scenario driven by jetform (`jetform smoke --scenario
# durable --json`, release build) beside the same protocol written with nats-py
# (bench/smoke/python/durable.py), side by side in one run on the same local 3-node cluster.
#
#   bench/smoke/run.sh [--clients nats-py,jetform] [--repeat R] [--pick best|median]
#
# The cluster gets topology.yaml applied by jetform (streams REQUESTS and RESPONSES, consumers workers
# and producers); both drivers use its smoke section's shape: IN_FLIGHT requests out at most, WORKERS
# workers and PRODUCERS producers, each on its own connection. Runs, per client:
#   throughput  COUNT requests as fast as the window allows: answers/s, latency
#   rate        RATE_COUNT requests offered at RATE per second: latency p50/p99 at that load
#   memory      jetform only, once per count in MEM_COUNTS: peak RSS (/usr/bin/time) against the
#               checker's own records, to show memory does not grow with the count beyond them
# Target: jetform throughput >= 10x nats-py; jetform p99 at 1,000 req/s is reported.
#
# Environment [defaults]: COUNT [20000] RATE [1000] RATE_COUNT [10000] MEM_COUNTS ["10000 100000"]
#   IN_FLIGHT [100] WORKERS [2] PRODUCERS [1] (topology.yaml's smoke.durable)  REPEAT [3]  PICK [best]
#   NATS_VERSION [2.15.1]  NATS_SERVER_BIN  PYTHON [python3]  SWIFT [swift]
#   JETFORM_BIN  a built jetform (else `swift build -c release --scratch-path .build-release --product jetform`)
#   Quick look: COUNT=5000 RATE_COUNT=3000 MEM_COUNTS=10000 REPEAT=1 bench/smoke/run.sh
# Installs what is missing: nats-py into .nats/py, nats-server into .nats/<version>. Raw results:
# bench/out/smoke-<date>.jsonl. The cluster listens on free ports of 127.0.0.1 (never 4222-4224) and is
# removed on exit.
set -euo pipefail
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/smoke"
OUT="$ROOT/bench/out"
NATS_VERSION=${NATS_VERSION:-2.15.1}
NATS_PY_VERSION=2.16.0
PYTHON=${PYTHON:-python3}
SWIFT=${SWIFT:-swift}
COUNT=${COUNT:-20000}; RATE=${RATE:-1000}; RATE_COUNT=${RATE_COUNT:-10000}; MEM_COUNTS=${MEM_COUNTS:-"10000 100000"}
IN_FLIGHT=${IN_FLIGHT:-100}; WORKERS=${WORKERS:-2}; PRODUCERS=${PRODUCERS:-1}
REPEAT=${REPEAT:-3}; PICK=${PICK:-best}
RUN_TIMEOUT=${RUN_TIMEOUT:-900}
CLIENTS=nats-py,jetform
usage() { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --clients) CLIENTS=$2; shift 2 ;;
    --clients=*) CLIENTS=${1#*=}; shift ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --repeat=*) REPEAT=${1#*=}; shift ;;
    --pick) PICK=$2; shift 2 ;;
    --pick=*) PICK=${1#*=}; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done
wants() { [[ ",$CLIENTS," == *",$1,"* ]]; }
log() { echo "bench: $*" >&2; }
mkdir -p "$OUT"
STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS="$OUT/smoke-$STAMP.jsonl"
: > "$RESULTS"

# --- what the drivers need
if [[ -z "${NATS_SERVER_BIN:-}" ]]; then
  NATS_SERVER_BIN="$ROOT/.nats/$NATS_VERSION/bin/nats-server"
  if [[ ! -x "$NATS_SERVER_BIN" ]]; then
    log "installing nats-server $NATS_VERSION"; "$PYTHON" -m pip install -q --target "$ROOT/.nats/$NATS_VERSION" "nats-server-bin==$NATS_VERSION"
  fi
fi
PYDEPS="$ROOT/.nats/py"
if wants nats-py && ! PYTHONPATH="$PYDEPS" "$PYTHON" -c 'import nats' 2>/dev/null; then
  log "installing nats-py $NATS_PY_VERSION into $PYDEPS"; "$PYTHON" -m pip install -q --target "$PYDEPS" "nats-py==$NATS_PY_VERSION"
fi
if [[ -z "${JETFORM_BIN:-}" ]]; then
  log "building jetform (release)"
  (cd "$ROOT" && "$SWIFT" build -c release --scratch-path "$ROOT/.build-release" --product jetform >&2) \
    || { echo "swift build failed; without jetform: $0 --clients nats-py" >&2; exit 1; }
  JETFORM_BIN="$(cd "$ROOT" && "$SWIFT" build -c release --scratch-path "$ROOT/.build-release" --show-bin-path)/jetform"
fi

# --- one cluster for both clients, with topology.yaml applied
source "$ROOT/bench/jetstream/cluster.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jetform-smoke-bench.XXXXXX")
cleanup() { cluster_down; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
cluster_up "$NATS_SERVER_BIN"
export NATS_URL=$NATS_URLS
log "cluster at $NATS_URLS"
"$JETFORM_BIN" apply --yes "$ROOT/topology.yaml" >&2

read -r LOAD1 _ < /proc/loadavg 2>/dev/null || LOAD1=?
log "nats-server $("$NATS_SERVER_BIN" --version | awk '{print $2}'); clients $CLIENTS; repeat $REPEAT; load average $LOAD1 on $(nproc) cores"
log "throughput x $COUNT, $RATE req/s x $RATE_COUNT, memory at ${MEM_COUNTS// /, }; in flight $IN_FLIGHT, workers $WORKERS, producers $PRODUCERS; results -> ${RESULTS#"$ROOT"/}"

# Empty both streams between runs (a failed run may leave work behind; both drivers would count it as stale).
purge() {
  PYTHONPATH="$PYDEPS" "$PYTHON" - "$NATS_URLS" <<'PY' || true
import asyncio, sys, nats
async def main():
    nc = await nats.connect(servers=sys.argv[1].split(","), user="user", password="user")
    js = nc.jetstream()
    for s in ("REQUESTS", "RESPONSES"):
        await js.purge_stream(s)
    await nc.close()
asyncio.run(main())
PY
}

# CPU seconds the cluster's servers have used so far (user + system).
server_cpu() {
  local ticks=0 u s pid
  for pid in "${CLUSTER_PIDS[@]}"; do
    read -r u s < <(awk '{print $14, $15}' "/proc/$pid/stat" 2>/dev/null || echo "0 0")
    ticks=$((ticks + u + s))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

# run CLIENT MODE COUNT [RATE] → appends one JSON line to the results (with peak RSS, and the CPU time
# per request of the driver process and of the three servers: on a small machine they share the cores)
run() {
  local client=$1 mode=$2 count=$3 rate=${4:-} repeat=${5:-0} status=0 line
  purge
  local cpu0; cpu0=$(server_cpu)
  local rate_args=()
  [[ -n "$rate" ]] && rate_args=(--rate "$rate")
  case "$client" in
    jetform)
      timeout "$RUN_TIMEOUT" /usr/bin/time -f '%M %U %S' -o "$WORK/rss" "$JETFORM_BIN" smoke "$ROOT/topology.yaml" --scenario durable --json \
        --count "$count" --in-flight "$IN_FLIGHT" --workers "$WORKERS" --producers "$PRODUCERS" "${rate_args[@]}" > "$WORK/out" || status=$?
      line=$("$PYTHON" "$HERE/jetform_line.py" "$WORK/out" "$mode" "$(tail -1 "$WORK/rss" 2>/dev/null | cut -d' ' -f1)" "$status" "${rate:-0}") ;;
    nats-py)
      timeout "$RUN_TIMEOUT" /usr/bin/time -f '%M %U %S' -o "$WORK/rss" env "PYTHONPATH=$PYDEPS" "$PYTHON" "$HERE/python/durable.py" --urls "$NATS_URLS" \
        --count "$count" --in-flight "$IN_FLIGHT" --workers "$WORKERS" --producers "$PRODUCERS" "${rate_args[@]}" > "$WORK/out" || status=$?
      line=$(tail -n 1 "$WORK/out")
      [[ "$line" == "{"* ]] || line="{\"client\":\"nats-py\",\"error\":\"driver exited with status $status and no result\"}"
      line="{\"rss_kb\":$(tail -1 "$WORK/rss" 2>/dev/null | cut -d' ' -f1 | grep -E '^[0-9]+$' || echo null),${line#\{}" ;;
  esac
  local cpu1 client_cpu; cpu1=$(server_cpu)
  client_cpu=$(tail -1 "$WORK/rss" 2>/dev/null | awk 'NF == 3 { print $2 + $3 }')
  line="{\"client_cpu_us_per_req\":$(awk -v c="${client_cpu:-0}" -v n="$count" 'BEGIN { printf "%.0f", c * 1e6 / n }'),\"server_cpu_us_per_req\":$(awk -v a="$cpu0" -v b="$cpu1" -v n="$count" 'BEGIN { printf "%.0f", (b - a) * 1e6 / n }'),${line#\{}"
  line="{\"run\":\"$STAMP\",\"repeat\":$repeat,\"bench\":\"$mode\",${line#\{}"
  echo "$line" >> "$RESULTS"
  log "$client $mode x $count${rate:+ at $rate/s}: $("$PYTHON" -c 'import json,sys; r=json.loads(sys.argv[1]); print(r.get("error") or "%.0f req/s, p50 %.1f ms, p99 %.1f ms, lost %s" % (r["req_per_sec"], r["latency_ms"]["p50"] or 0, r["latency_ms"]["p99"] or 0, r["lost"]))' "$line")"
}

for ((r = 1; r <= REPEAT; r++)); do
  for client in nats-py jetform; do
    wants "$client" || continue
    run "$client" throughput "$COUNT" "" "$r"
    run "$client" rate "$RATE_COUNT" "$RATE" "$r"
  done
done
if wants jetform; then
  for n in $MEM_COUNTS; do run jetform memory "$n" "" 1; done
fi

echo
echo "smoke benchmark $STAMP: nats-server $NATS_VERSION, 3-node cluster on 127.0.0.1; $(nproc) cores, load average $LOAD1 at start, $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?') at end"
if awk -v l="$LOAD1" -v n="$(nproc)" 'BEGIN { exit !(l + 0 > n / 2) }'; then
  echo "note: the machine was busy; these figures are noisy. Take final figures on a quiet machine."
fi
"$PYTHON" "$HERE/summarize.py" "$RESULTS" --pick "$PICK"
