#!/usr/bin/env bash
# Sets Samsa up and runs the seed's order-mail demo on the embedded broker.
#
#   ./init.sh                         install, build (Release), start samsa-broker, create the topics,
#                                     run the demo (orders become e-mails), stop everything
#   ./init.sh --keep-running          leave the broker, order-mail and order-mail-sender running afterwards,
#                                     and start the web console (its URL is printed)
#   ./init.sh --bootstrap-server H:P  use an existing Kafka cluster (Apache Kafka, Redpanda) instead
#   SAMSA_PORT=19092 ./init.sh        the embedded broker's port (default 9092; 0: any free port)
#   SAMSA_DATA_DIR=/tmp/x ./init.sh   where the broker's data, the logs and the outbox go (default ./samsa-data)
#
# Running it twice is fine: the build is incremental, topics are created only
# when missing, customers and items are the same keys (updated in place), and
# each run's orders get new ids and a fresh outbox folder.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

keep_running=0
bootstrap=""
port="${SAMSA_PORT:-9092}"
data_dir="${SAMSA_DATA_DIR:-$here/samsa-data}"
sample_customers=20
sample_items=12
sample_orders=10
while [ $# -gt 0 ]; do
  case "$1" in
    --keep-running) keep_running=1 ;;
    --bootstrap-server) bootstrap="${2:?--bootstrap-server needs host:port}"; shift ;;
    --bootstrap-server=*) bootstrap="${1#*=}" ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "init.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

step() { printf '\n[init] %s\n' "$*"; }
fail() { printf '[init] error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$data_dir" || fail "cannot create $data_dir"

# apt-get's and npm's output goes to a log: one summary line when all is well,
# the end of the log and its path when not.
deps_log="$data_dir/install-deps.log"
step "1/8 installing what is missing (scripts/install-deps.sh; log $deps_log)"
if ! bash scripts/install-deps.sh >"$deps_log" 2>&1; then
  tail -n 20 "$deps_log" >&2
  fail "installing dependencies failed; the whole output is in $deps_log"
fi
if grep -q '^install-deps: installing' "$deps_log"; then
  echo "[init] installed: $(sed -n 's/^install-deps: installing //p' "$deps_log" | paste -sd ';' | sed 's/;/; /g')"
else
  echo "[init] everything needed was already installed"
fi

step "2/8 building (Release) into build-release/"
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAMSA_TESTS=OFF -DSAMSA_BENCH=OFF >/dev/null \
  || fail "cmake configure failed"
targets=(samsa-broker samsa)
[ -d apps/order_mail ] && targets+=(order-mail order-mail-sender order-mail-datagen)
cmake --build build-release --target "${targets[@]}" || fail "the build failed; see the compiler output above"
bin="$here/build-release/bin"

broker_pid=""
app_pid=""
sender_pid=""

# Stops one process: SIGTERM, up to 30 s for a clean close, then SIGKILL.
stop_process() {
  local pid=$1 name=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    echo "[init] $name did not stop within 30 s and was killed"
  fi
  local status=0
  wait "$pid" 2>/dev/null || status=$?
  if [ "$status" = 0 ] || [ "$status" = 143 ]; then
    echo "[init] $name stopped cleanly"
  else
    echo "[init] $name exited with status $status"
  fi
}
cleanup() {
  [ "$keep_running" = 1 ] && return 0
  stop_process "$sender_pid" order-mail-sender
  stop_process "$app_pid" order-mail
  stop_process "$broker_pid" samsa-broker
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_logged LOG COMMAND...: runs COMMAND in the background, its output
# appended to LOG; sets started_pid, and log_start to LOG's length before the
# start. LOG is created and measured before the program starts, so that reading
# what this run wrote never races the program's own creation of the file.
start_logged() {
  local log=$1
  shift
  : >>"$log" || fail "cannot write $log"
  log_start=$(wc -l <"$log")
  "$@" >>"$log" 2>&1 &
  started_pid=$!
}
# The lines LOG got since the last start_logged.
log_since_start() { tail -n +"$((log_start + 1))" "$1"; }

if [ -z "$bootstrap" ]; then
  # Port 0 lets the broker pick a free port and write it to a file once it
  # accepts (samsa.bound.listeners.file), so nothing races for the port.
  listeners_file="$data_dir/broker.listeners"
  rm -f "$listeners_file"
  if [ "$port" = 0 ]; then
    step "3/8 starting samsa-broker on a free port (data in $data_dir, log in $data_dir/broker.log)"
  else
    step "3/8 starting samsa-broker on 127.0.0.1:$port (data in $data_dir, log in $data_dir/broker.log)"
    if port_open "$port"; then
      fail "port $port is already in use: stop what listens there, or run SAMSA_PORT=<free port> ./init.sh (0: any), or pass --bootstrap-server"
    fi
  fi
  start_logged "$data_dir/broker.log" \
    "$bin/samsa-broker" --override "listeners=PLAINTEXT://127.0.0.1:$port" --override log.dirs="$data_dir/broker" \
    --override "samsa.bound.listeners.file=$listeners_file"
  broker_pid=$started_pid
  for _ in $(seq 1 100); do
    [ -s "$listeners_file" ] && break
    if ! kill -0 "$broker_pid" 2>/dev/null; then
      log_since_start "$data_dir/broker.log" | tail -n 20 >&2
      fail "samsa-broker exited at start; see $data_dir/broker.log (another broker using $data_dir?)"
    fi
    sleep 0.1
  done
  [ -s "$listeners_file" ] || fail "samsa-broker did not start listening within 10 s; see $data_dir/broker.log"
  # The first line is PLAINTEXT://127.0.0.1:PORT.
  port=$(head -n 1 "$listeners_file" | sed -n 's#^PLAINTEXT://127\.0\.0\.1:\([0-9][0-9]*\)$#\1#p')
  [ -n "$port" ] || fail "samsa-broker wrote an unexpected listener to $listeners_file: $(head -n 1 "$listeners_file")"
  bootstrap="127.0.0.1:$port"
  echo "[init] samsa-broker is listening on $bootstrap"
else
  step "3/8 using the Kafka cluster at $bootstrap"
fi

step "4/8 creating the demo topics (CUSTOMER, CUSTOMER-ADDRESS, ORDER, ORDER-MAIL with 3 partitions; ITEM with 1)"
for topic in CUSTOMER CUSTOMER-ADDRESS ORDER ORDER-MAIL; do
  "$bin/samsa" topics create --bootstrap-server "$bootstrap" --topic "$topic" --partitions 3 --if-not-exists \
    || fail "could not create $topic on $bootstrap (is the cluster reachable?)"
done
"$bin/samsa" topics create --bootstrap-server "$bootstrap" --topic ITEM --partitions 1 --if-not-exists \
  || fail "could not create ITEM on $bootstrap"
"$bin/samsa" topics list --bootstrap-server "$bootstrap"

if [ ! -x "$bin/order-mail" ]; then
  fail "the order-mail binaries are missing from $bin; the build above should have made them"
fi

run_id=$(date -u +%Y%m%dT%H%M%S)
outbox="$data_dir/outbox/run-$run_id"
step "5/8 starting order-mail (Kafka Streams application.id order-mail; log $data_dir/order-mail.log)"
# --http on a free port: interactive queries, /metrics and /topology (the console draws the last two).
# Left running, it records processor-node metrics (Kafka Streams does at DEBUG only) so that the
# console can show records/s on each node.
app_config=()
[ "$keep_running" = 1 ] && app_config=(--config metrics.recording.level=DEBUG)
start_logged "$data_dir/order-mail.log" \
  "$bin/order-mail" --bootstrap-server "$bootstrap" --state-dir "$data_dir/streams-state" --http 127.0.0.1:0 \
  "${app_config[@]}"
app_pid=$started_pid
app_log_start=$log_start
for i in $(seq 1 600); do
  log_since_start "$data_dir/order-mail.log" | grep -q -- "-> RUNNING" && break
  if ! kill -0 "$app_pid" 2>/dev/null; then
    log_since_start "$data_dir/order-mail.log" | tail -n 20 >&2
    fail "order-mail exited at start; see $data_dir/order-mail.log"
  fi
  [ $((i % 50)) = 0 ] && echo "[init] waiting for order-mail to join its group and restore its state ($((i / 10)) s)"
  sleep 0.1
done
log_since_start "$data_dir/order-mail.log" | grep -q -- "-> RUNNING" \
  || fail "order-mail did not reach RUNNING within 60 s; see $data_dir/order-mail.log"
echo "[init] order-mail is RUNNING"

step "6/8 starting order-mail-sender (ORDER-MAIL -> .eml files in $outbox)"
start_logged "$data_dir/order-mail-sender.log" \
  "$bin/order-mail-sender" --bootstrap-server "$bootstrap" --outbox "$outbox"
sender_pid=$started_pid
sleep 0.5
if ! kill -0 "$sender_pid" 2>/dev/null; then
  log_since_start "$data_dir/order-mail-sender.log" | tail -n 20 >&2
  fail "order-mail-sender exited at start; see $data_dir/order-mail-sender.log"
fi

step "7/8 producing sample data: $sample_customers customers with addresses, $sample_items items, then $sample_orders orders"
"$bin/order-mail-datagen" --bootstrap-server "$bootstrap" --seed 42 --customers "$sample_customers" \
  --items "$sample_items" --only reference || fail "producing customers and items failed (see above)"
# The tables take the reference data in before the first order asks for it.
sleep 2
"$bin/order-mail-datagen" --bootstrap-server "$bootstrap" --seed 42 --customers "$sample_customers" \
  --items "$sample_items" --only orders --orders "$sample_orders" --order-id-prefix "o$run_id-" \
  || fail "producing orders failed (see above)"

step "8/8 waiting for the $sample_orders e-mails (at most 120 s)"
count=0
last=-1
for _ in $(seq 1 1200); do
  count=$(find "$outbox" -maxdepth 1 -name "o$run_id-*.eml" 2>/dev/null | wc -l)
  if [ "$count" != "$last" ]; then
    echo "[init] $count/$sample_orders e-mails in $outbox"
    last=$count
  fi
  [ "$count" -ge "$sample_orders" ] && break
  kill -0 "$app_pid" 2>/dev/null || fail "order-mail stopped; see $data_dir/order-mail.log"
  kill -0 "$sender_pid" 2>/dev/null || fail "order-mail-sender stopped; see $data_dir/order-mail-sender.log"
  sleep 0.1
done
if [ "$count" -lt "$sample_orders" ]; then
  fail "only $count of $sample_orders e-mails arrived within 120 s; see $data_dir/order-mail.log and $data_dir/order-mail-sender.log"
fi

shown=0
for mail in $(find "$outbox" -maxdepth 1 -name "o$run_id-*.eml" | sort -V | head -n 3); do
  shown=$((shown + 1))
  printf '\n[init] ---- e-mail %d of %d: %s ----\n' "$shown" "$count" "$mail"
  tr -d '\r' <"$mail"
done
printf '\n[init] all %d orders became e-mails; they are in %s\n' "$sample_orders" "$outbox"

if [ "$keep_running" = 1 ]; then
  # The web console (docs/console.md) on 8080, or any free port if 8080 is taken.
  console_port=8080
  port_open "$console_port" && console_port=0
  # order-mail's address for its topology and metrics (from its log line "GET http://HOST:PORT/customers/...").
  app_url=$(tail -n +"$((app_log_start + 1))" "$data_dir/order-mail.log" | grep -o 'GET http://[^/ ]*/customers' | head -n 1 \
    | sed -e 's#^GET ##' -e 's#/customers$##' || true)
  app_args=()
  if [ -n "$app_url" ]; then
    app_args=(--topology "order-mail=$app_url/topology" --metrics "order-mail=$app_url/metrics")
  fi
  start_logged "$data_dir/console.log" "$bin/samsa" console --bootstrap-server "$bootstrap" \
    --listen "127.0.0.1:$console_port" "${app_args[@]}"
  console_pid=$started_pid
  console_url=""
  for _ in $(seq 1 100); do
    console_url=$(log_since_start "$data_dir/console.log" | grep -o 'http://[^ ]*/' | head -n 1 || true)
    [ -n "$console_url" ] && break
    kill -0 "$console_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "[init] still running on $bootstrap: samsa-broker (pid ${broker_pid:-external}), order-mail (pid $app_pid), order-mail-sender (pid $sender_pid), samsa console (pid $console_pid)"
  echo "[init] web console: ${console_url:-did not start, see $data_dir/console.log}"
  if [ -n "$app_url" ]; then
    echo "[init] order-mail answers GET $app_url/customers/{id}, $app_url/metrics and $app_url/topology"
  fi
  echo "[init] more orders: $bin/order-mail-datagen --bootstrap-server $bootstrap --only orders --orders 5 --order-id-prefix more-"
  echo "[init] stop them with: kill $console_pid $sender_pid $app_pid ${broker_pid}"
fi
