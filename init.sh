#!/usr/bin/env bash
# Sets Samsa up and runs the seed's order-mail demo on the embedded broker.
#
#   ./init.sh                         install, build (Release), start samsa-broker, create the topics, run the demo, stop
#   ./init.sh --keep-running          leave the broker (and the demo) running afterwards
#   ./init.sh --bootstrap-server H:P  use an existing Kafka cluster instead of the embedded broker
#
# Running it twice is fine: the build is incremental, topics are created only when missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

keep_running=0
bootstrap=""
port="${SAMSA_PORT:-9092}"
while [ $# -gt 0 ]; do
  case "$1" in
    --keep-running) keep_running=1 ;;
    --bootstrap-server) bootstrap="${2:?--bootstrap-server needs host:port}"; shift ;;
    --bootstrap-server=*) bootstrap="${1#*=}" ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "init.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

step() { printf '\n[init] %s\n' "$*"; }
fail() { printf '[init] error: %s\n' "$*" >&2; exit 1; }

step "1/5 installing what is missing (scripts/install-deps.sh)"
bash scripts/install-deps.sh || fail "installing dependencies failed; see the apt-get output above"

step "2/5 building (Release) into build-release/"
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAMSA_TESTS=OFF -DSAMSA_BENCH=OFF >/dev/null \
  || fail "cmake configure failed"
targets=(samsa-broker samsa)
[ -d apps/order_mail ] && targets+=(order-mail order-mail-sender order-mail-datagen)
cmake --build build-release --target "${targets[@]}" || fail "the build failed; see the compiler output above"
bin="$here/build-release/bin"

broker_pid=""
cleanup() {
  if [ -n "$broker_pid" ] && [ "$keep_running" = 0 ]; then
    kill -TERM "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true
    echo "[init] samsa-broker stopped cleanly"
  fi
}
trap cleanup EXIT

if [ -z "$bootstrap" ]; then
  bootstrap="127.0.0.1:$port"
  step "3/5 starting samsa-broker on $bootstrap (data in ./samsa-data, log in ./samsa-data/broker.log)"
  mkdir -p samsa-data
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is already in use: stop what listens there, or run SAMSA_PORT=<free port> ./init.sh, or pass --bootstrap-server"
  fi
  "$bin/samsa-broker" --override "listeners=PLAINTEXT://127.0.0.1:$port" --override log.dirs="$here/samsa-data" \
    >>samsa-data/broker.log 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$broker_pid" 2>/dev/null || fail "samsa-broker exited at start; see samsa-data/broker.log"
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || fail "samsa-broker did not start listening within 10 s; see samsa-data/broker.log"
else
  step "3/5 using the Kafka cluster at $bootstrap"
fi

step "4/5 creating the demo topics (CUSTOMER, CUSTOMER-ADDRESS, ORDER, ORDER-MAIL with 3 partitions; ITEM with 1)"
for topic in CUSTOMER CUSTOMER-ADDRESS ORDER ORDER-MAIL; do
  "$bin/samsa" topics create --bootstrap-server "$bootstrap" --topic "$topic" --partitions 3 --if-not-exists \
    || fail "could not create $topic on $bootstrap"
done
"$bin/samsa" topics create --bootstrap-server "$bootstrap" --topic ITEM --partitions 1 --if-not-exists \
  || fail "could not create ITEM on $bootstrap"
"$bin/samsa" topics list --bootstrap-server "$bootstrap"

step "5/5 the order-mail demo"
if [ ! -x "$bin/order-mail" ]; then
  echo "[init] the order-mail application is not part of this build yet (it arrives with the demo issue);"
  echo "[init] the broker and the topics above are ready: try"
  echo "         printf 'k1:hello\\n' | $bin/samsa produce --bootstrap-server $bootstrap --topic ORDER --key-separator :"
  echo "         $bin/samsa consume --bootstrap-server $bootstrap --topic ORDER --from-beginning --max-messages 1 --print-key"
fi

if [ "$keep_running" = 1 ] && [ -n "$broker_pid" ]; then
  echo "[init] samsa-broker keeps running (pid $broker_pid) on $bootstrap; stop it with: kill $broker_pid"
fi
