#!/usr/bin/env bash
# Core client benchmark: jetform's NATS client beside libnats (C) and nats-py, one nats-server.
#
#   bench/client/run.sh [--clients libnats,nats-py,jetform] [--repeat R] [--pick best|median]
#
# Scenarios: pub/sub with 1 KiB and 16 B messages (publisher and subscriber on two connections in
# one process; msg/s until the subscriber has every message) and request/reply one at a time
# (round trips/s). Each scenario runs for each client in turn, REPEAT times, against the same
# server; the table shows the best (default) or the median of the repeats.
#
# Environment (defaults in brackets):
#   COUNT_LARGE  messages in the 1 KiB pub/sub run [500000]
#   COUNT_SMALL  messages in the 16 B pub/sub run  [2000000]
#   COUNT_REQ    requests in the request/reply run [20000]
#   REPEAT [3]   PICK [best]   NATS_VERSION [2.15.1]   PYTHON [python3]   SWIFT [swift]
#   NATS_SERVER_BIN  use this nats-server instead of .nats/<version>/bin/nats-server
#   SERVER_MAX_PENDING  the server's per-client outbound limit in bytes [server default, 64 MiB];
#                    past it the server closes a subscriber that falls behind (a slow consumer)
#   Quick check: COUNT_LARGE=50000 COUNT_SMALL=200000 COUNT_REQ=2000 REPEAT=1 bench/client/run.sh
#
# Installs what is missing: libnats-dev (apt, needs root), nats-py into .nats/py, nats-server into
# .nats/<version>. Raw results go to bench/out/client-<date>.jsonl. Only 127.0.0.1 is used.
set -euo pipefail
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH="$ROOT/bench/client"
OUT="$ROOT/bench/out"
NATS_VERSION=${NATS_VERSION:-2.15.1}
NATS_PY_VERSION=2.16.0
PYTHON=${PYTHON:-python3}
SWIFT=${SWIFT:-swift}
COUNT_LARGE=${COUNT_LARGE:-500000}
COUNT_SMALL=${COUNT_SMALL:-2000000}
COUNT_REQ=${COUNT_REQ:-20000}
REPEAT=${REPEAT:-3}
PICK=${PICK:-best}
CLIENTS=libnats,nats-py,jetform
RUN_TIMEOUT=${RUN_TIMEOUT:-900}   # seconds, per driver run (a hung driver must not hang the bench)

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
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
IFS=, read -r -a CLIENT_LIST <<< "$CLIENTS"
for c in "${CLIENT_LIST[@]}"; do
  case "$c" in libnats|nats-py|jetform) ;; *) echo "unknown client '$c' (libnats, nats-py, jetform)" >&2; exit 2 ;; esac
done
wants() { [[ ",$CLIENTS," == *",$1,"* ]]; }
log() { echo "bench: $*" >&2; }

mkdir -p "$OUT/bin"

# --- what is missing ---------------------------------------------------------------------------
if wants libnats && ! [[ -f /usr/include/nats/nats.h ]]; then
  log "installing libnats-dev (apt)"
  SUDO=; [[ $(id -u) -eq 0 ]] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libnats-dev >/dev/null \
    || { echo "could not install libnats-dev; install it by hand or run with --clients nats-py,jetform" >&2; exit 1; }
fi
PYDEPS="$ROOT/.nats/py"
if wants nats-py && ! [[ -d "$PYDEPS/nats_py-$NATS_PY_VERSION.dist-info" ]]; then
  log "installing nats-py $NATS_PY_VERSION into $PYDEPS"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --upgrade --target "$PYDEPS" "nats-py==$NATS_PY_VERSION"
fi
if [[ -z "${NATS_SERVER_BIN:-}" ]]; then
  NATS_SERVER_BIN="$ROOT/.nats/$NATS_VERSION/bin/nats-server"
  if ! [[ -x "$NATS_SERVER_BIN" ]]; then
    log "installing nats-server $NATS_VERSION into $ROOT/.nats/$NATS_VERSION"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --target "$ROOT/.nats/$NATS_VERSION" "nats-server-bin==$NATS_VERSION"
  fi
fi

# --- drivers ---------------------------------------------------------------------------------
if wants libnats; then
  log "building the libnats driver"
  LIBNATS_FLAGS=$(pkg-config --cflags --libs libnats 2>/dev/null || echo -lnats)
  # shellcheck disable=SC2086
  cc -O2 -Wall -o "$OUT/bin/bench-libnats" "$BENCH/c/bench.c" $LIBNATS_FLAGS -lpthread
fi
if wants jetform; then
  log "building jetform-bench-client (release)"
  (cd "$ROOT" && "$SWIFT" build -c release --scratch-path "$ROOT/.build-release" --product jetform-bench-client >&2) \
    || { echo "swift build failed; without jetform: $0 --clients libnats,nats-py" >&2; exit 1; }
  JETFORM_BIN="$(cd "$ROOT" && "$SWIFT" build -c release --scratch-path "$ROOT/.build-release" --show-bin-path)/jetform-bench-client"
fi

driver_command() {  # sets CMD to the command line of one client's driver
  case "$1" in
    libnats) CMD=("$OUT/bin/bench-libnats") ;;
    nats-py) CMD=(env "PYTHONPATH=$PYDEPS${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" "$BENCH/python/bench.py") ;;
    jetform) CMD=("$JETFORM_BIN") ;;
  esac
}

# --- one server on a free loopback port --------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jetform-bench.XXXXXX")
SERVER_PID=
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
: > "$WORK/server.conf"
[[ -n "${SERVER_MAX_PENDING:-}" ]] && echo "max_pending: $SERVER_MAX_PENDING" >> "$WORK/server.conf"
"$NATS_SERVER_BIN" -c "$WORK/server.conf" -a 127.0.0.1 -p "$PORT" -l "$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "nats-server did not start" >&2; exit 1; }
  sleep 0.1
done
URL="nats://127.0.0.1:$PORT"

STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS="$OUT/client-$STAMP.jsonl"
: > "$RESULTS"
read -r LOAD1 _ < /proc/loadavg 2>/dev/null || LOAD1=?
log "nats-server $("$NATS_SERVER_BIN" --version | awk '{print $2}') at $URL; clients: $CLIENTS; repeat $REPEAT; load average $LOAD1 on $(nproc) cores"
log "counts: 1 KiB x $COUNT_LARGE, 16 B x $COUNT_SMALL, requests x $COUNT_REQ; results -> ${RESULTS#"$ROOT"/}"

SCENARIOS=("pubsub 1024 $COUNT_LARGE" "pubsub 16 $COUNT_SMALL" "reqrep 16 $COUNT_REQ")
FAILED=0
for ((r = 1; r <= REPEAT; r++)); do
  for scenario in "${SCENARIOS[@]}"; do
    read -r mode size count <<< "$scenario"
    for client in "${CLIENT_LIST[@]}"; do
      driver_command "$client"
      slow_before=$(grep -c "Slow Consumer" "$WORK/server.log" || true)
      status=0
      timeout "$RUN_TIMEOUT" "${CMD[@]}" "$mode" --url "$URL" --size "$size" --count "$count" > "$WORK/result" || status=$?
      line=$(tail -n 1 "$WORK/result")
      if [[ "$line" != "{"* ]]; then
        line="{\"client\":\"$client\",\"mode\":\"$mode\",\"size\":$size,\"count\":$count,\"error\":\"driver exited with status $status and no result\"}"
      fi
      if [[ $(grep -c "Slow Consumer" "$WORK/server.log" || true) -gt $slow_before ]]; then
        line="{\"server_slow_consumer\":true,${line#\{}"
      fi
      [[ "$line" == *'"error"'* ]] && FAILED=1
      line="{\"run\":\"$STAMP\",\"repeat\":$r,${line#\{}"
      echo "$line" >> "$RESULTS"
      log "[$r/$REPEAT] $mode $size B $client: $(sed -E 's/.*"msgs_per_sec":([0-9.e+]+).*/\1 msg\/s/; s/.*"round_trips_per_sec":([0-9.e+]+).*/\1 round trips\/s/; s/.*"error":"([^"]*)".*/ERROR \1/' <<< "$line")"
    done
  done
done

if grep -q "Slow Consumer" "$WORK/server.log"; then
  log "nats-server closed slow consumers:"; grep "Slow Consumer" "$WORK/server.log" | head -5 >&2
fi
echo
echo "core client benchmark $STAMP: nats-server $NATS_VERSION on 127.0.0.1; $(nproc) cores, load average $LOAD1 at start, $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?') at end"
if awk -v l="$LOAD1" -v n="$(nproc)" 'BEGIN { exit !(l + 0 > n / 2) }'; then
  echo "note: the machine was busy; these figures are noisy. Take final figures on a quiet machine."
fi
"$PYTHON" "$BENCH/summarize.py" "$RESULTS" --pick "$PICK" || FAILED=1
exit "$FAILED"
