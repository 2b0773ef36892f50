#!/usr/bin/env bash
# Reconcile benchmark: the release-built `jetform plan`/`apply` beside nats-py scripts doing the same
# work, side by side in one run on the same 3-node cluster (free ports on 127.0.0.1, never 4222-4224).
#
#   bench/reconcile/run.sh
#
# Scenarios (best of REPEAT each):
#   plan     `jetform plan` with no changes over PLAN_STREAMS streams with one consumer each, versus
#            nats-py issuing STREAM.INFO + CONSUMER.INFO for the same resources, 64 in flight.
#            Target: jetform at most half the time. Peak memory (max RSS) of jetform plan is reported.
#            Also measured, the floor the server sets for any plan: nats-py reading only what a plan
#            cannot skip — every stream's config (STREAM.LIST pages, the cheapest way) and every
#            consumer's (one CONSUMER.INFO each), 128 in flight as jetform reads. Target: jetform within
#            1.5× of it. For reference, the consumer reads alone (at 64 and 128 in flight, the lower).
#   apply    `jetform apply` creating APPLY_STREAMS R3 streams with one consumer each on an empty
#            cluster, versus nats-py creating the same with 16 in flight (target: within 1.1×) and one
#            at a time (target: at least 8× faster). Who goes first alternates between repeats, and every
#            run starts SETTLE seconds after the previous run's streams were deleted (the servers tear
#            down the Raft groups of deleted streams in the background).
#   foreign  a 2-stream `jetform plan` in an account that also holds FOREIGN_STREAMS streams of others
#            (one consumer each), versus the same plan before they existed plus nats-py paging STREAM.LIST
#            over the account (the read no plan can skip). Target: within 1.5× of that sum.
# jetform's figures are whole-process wall times (start-up, connect, read the cluster, plan, apply and
# the re-plan apply does afterwards); nats-py's run from before connect to the last answer.
#
# Environment [defaults]: PLAN_STREAMS [1000] PLAN_REPLICAS [1] APPLY_STREAMS [300] REPEAT [3] SETTLE [3]
#   FOREIGN_STREAMS ["2000 10000"] (each count in turn) SCENARIOS ["plan apply foreign"]
#   NATS_VERSION [2.15.1] NATS_SERVER_BIN PYTHON [python3] SWIFT [swift]
#   JETFORM_BIN  a built jetform (else `swift build -c release --scratch-path .build-release --product jetform`)
# Raw results: bench/out/reconcile-<date>.jsonl. The cluster is removed on exit.
set -euo pipefail
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/reconcile"
OUT="$ROOT/bench/out"
NATS_VERSION=${NATS_VERSION:-2.15.1}
PYTHON=${PYTHON:-python3}
SWIFT=${SWIFT:-swift}
PLAN_STREAMS=${PLAN_STREAMS:-1000}; PLAN_REPLICAS=${PLAN_REPLICAS:-1}; APPLY_STREAMS=${APPLY_STREAMS:-300}; REPEAT=${REPEAT:-3}
SETTLE=${SETTLE:-3}
FOREIGN_STREAMS=${FOREIGN_STREAMS:-2000 10000}; SCENARIOS=${SCENARIOS:-plan apply foreign}
want() { [[ " $SCENARIOS " == *" $1 "* ]]; }
case "${1:-}" in -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
log() { echo "bench: $*" >&2; }
mkdir -p "$OUT"
RESULTS="$OUT/reconcile-$(date +%Y%m%d-%H%M%S).jsonl"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jetform-reconcile-bench.XXXXXX")

# --- what the drivers need
SERVER=${NATS_SERVER_BIN:-$ROOT/.nats/$NATS_VERSION/bin/nats-server}
if [[ ! -x "$SERVER" ]]; then
  log "installing nats-server $NATS_VERSION"; "$PYTHON" -m pip install -q --target "$ROOT/.nats/$NATS_VERSION" "nats-server-bin==$NATS_VERSION"
fi
PYDIR="$ROOT/.nats/py"
PYTHONPATH="$PYDIR" "$PYTHON" -c 'import nats' 2>/dev/null || { log "installing nats-py"; "$PYTHON" -m pip install -q --target "$PYDIR" nats-py==2.16.0; }
if [[ -z "${JETFORM_BIN:-}" ]]; then
  (cd "$ROOT" && "$SWIFT" build -c release --scratch-path "$ROOT/.build-release" --product jetform >&2)
  JETFORM_BIN="$(cd "$ROOT" && "$SWIFT" build -c release --scratch-path "$ROOT/.build-release" --show-bin-path)/jetform"
fi
py() { PYTHONPATH="$PYDIR" "$PYTHON" "$HERE/driver.py" "$@"; }

load=$(cut -d' ' -f1 /proc/loadavg); cores=$(nproc)
if awk -v l="$load" -v c="$cores" 'BEGIN { exit !(l > c / 2) }'; then
  log "WARNING: load average $load on $cores cores; figures from a busy machine are not comparable"
fi

# --- one cluster for every client
source "$ROOT/bench/jetstream/cluster.sh"
cleanup() { cluster_down; rm -rf "$WORK"; }
trap cleanup EXIT
cluster_up "$SERVER"
export NATS_URL=$NATS_URLS
URL=${NATS_URLS%%,*}
log "cluster at $NATS_URLS; jetform $JETFORM_BIN; load average $load"

emit() { echo "$1" | tee -a "$RESULTS" >&2; }
# jetform SCENARIO REPEAT COMMAND… → one JSON line with the process's wall time and peak RSS.
jetform_run() {
  local mode=$1 rep=$2; shift 2
  local t; t=$(py timed --quiet -- "$JETFORM_BIN" "$@")
  local rc; rc=$(echo "$t" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["rc"])')
  if [[ $rc != 0 && $rc != 2 ]]; then
    emit "{\"client\":\"jetform\",\"mode\":\"$mode\",\"repeat\":$rep,\"error\":\"exit $rc\"}"
  else
    emit "$(echo "$t" | "$PYTHON" -c "import json,sys; d=json.load(sys.stdin); d.update(client='jetform', mode='$mode', repeat=$rep); print(json.dumps(d))")"
  fi
}
py_run() {  # mode repeat args…
  local mode=$1 rep=$2; shift 2
  local line; line=$(py "$@" --urls "$URL" | tail -1) || true
  [[ -n "$line" ]] || line="{\"client\":\"nats-py\",\"mode\":\"$mode\",\"error\":\"no output\"}"
  emit "$(echo "$line" | "$PYTHON" -c "import json,sys; d=json.load(sys.stdin); d.update(repeat=$rep); print(json.dumps(d))")"
}

# --- plan with no changes over PLAN_STREAMS streams and as many consumers
if want plan; then
py topology --prefix P --streams "$PLAN_STREAMS" --replicas "$PLAN_REPLICAS" > "$WORK/plan.yaml"
log "creating $PLAN_STREAMS R$PLAN_REPLICAS streams and $PLAN_STREAMS consumers with jetform apply (untimed)"
"$JETFORM_BIN" apply --yes "$WORK/plan.yaml" > "$WORK/plan-setup.log" 2>&1 || { log "setup apply failed:"; tail -20 "$WORK/plan-setup.log" >&2; exit 1; }
"$JETFORM_BIN" plan --detailed-exitcode "$WORK/plan.yaml" > "$WORK/plan-check.log" 2>&1 \
  || { log "plan after the setup apply is not empty:"; tail -20 "$WORK/plan-check.log" >&2; exit 1; }
for rep in $(seq 1 "$REPEAT"); do
  jetform_run plan "$rep" plan --detailed-exitcode "$WORK/plan.yaml"
  py_run info64 "$rep" info --prefix P --streams "$PLAN_STREAMS" --concurrency 64
  py_run consumerinfo64 "$rep" info --prefix P --streams "$PLAN_STREAMS" --concurrency 64 --consumers-only
  py_run consumerinfo128 "$rep" info --prefix P --streams "$PLAN_STREAMS" --concurrency 128 --consumers-only
  py_run listinfo128 "$rep" info --prefix P --streams "$PLAN_STREAMS" --concurrency 128 --with-list
done
py clean --urls "$URL" >/dev/null
fi

# --- apply creating APPLY_STREAMS R3 streams and as many consumers on an empty cluster
if want apply; then
py topology --prefix A --streams "$APPLY_STREAMS" --replicas 3 > "$WORK/apply.yaml"
clean() { py clean --urls "$URL" >/dev/null; sleep "$SETTLE"; }
jetform_apply() { jetform_run apply "$1" apply --yes "$WORK/apply.yaml"; clean; }
py_create16() { py_run create16 "$1" create --prefix A --streams "$APPLY_STREAMS" --replicas 3 --concurrency 16; clean; }
clean
# One untimed round first: the servers are still tearing down the plan scenario's 1,000 streams, and the
# first creates after that ran up to twice as long, whoever made them.
py create --urls "$URL" --prefix A --streams "$APPLY_STREAMS" --replicas 3 --concurrency 16 >/dev/null || true
clean
for rep in $(seq 1 "$REPEAT"); do
  if (( rep % 2 )); then jetform_apply "$rep"; py_create16 "$rep"; else py_create16 "$rep"; jetform_apply "$rep"; fi
  py_run create1 "$rep" create --prefix A --streams "$APPLY_STREAMS" --replicas 3 --concurrency 1
  clean
done
fi

# --- plan cost follows the file: 2 declared streams among FOREIGN_STREAMS of other owners
if want foreign; then
py clean --urls "$URL" >/dev/null
py topology --prefix M --streams 2 --replicas 1 > "$WORK/mine.yaml"
"$JETFORM_BIN" apply --yes "$WORK/mine.yaml" > "$WORK/mine-setup.log" 2>&1 || { log "setup apply failed:"; tail -20 "$WORK/mine-setup.log" >&2; exit 1; }
for rep in $(seq 1 "$REPEAT"); do
  jetform_run own "$rep" plan --detailed-exitcode "$WORK/mine.yaml"
done
for n in $FOREIGN_STREAMS; do
  log "creating $n foreign streams with a consumer each (untimed)"
  py create --urls "$URL" --prefix F --streams "$n" --replicas 1 --concurrency 16 > /dev/null
  for rep in $(seq 1 "$REPEAT"); do
    jetform_run "foreign$n" "$rep" plan --detailed-exitcode "$WORK/mine.yaml"
    line=$(py list --urls "$URL" | tail -1)
    emit "$(echo "$line" | "$PYTHON" -c "import json,sys; d=json.load(sys.stdin); d.update(mode='list$n', repeat=$rep); print(json.dumps(d))")"
  done
done
py clean --urls "$URL" >/dev/null
fi

"$PYTHON" "$HERE/summarize.py" "$RESULTS"
log "raw results in $RESULTS (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
