#!/bin/bash
# produce_small_batches.sh: the broker's CPU per produced record when batches
# are small, where per-batch work (header reads, splits) shows; the main load
# tool (samsa-bench-broker) uses librdkafka's default batching, whose large
# batches hide it. Starts <broker-binary> on a random loopback port with a
# temporary data dir, sends 200,000 100-byte records to one partition with
# kcat (acks=1, linger.ms=0, batch.num.messages=<n>), and prints the broker's
# CPU time over all its threads (/proc/<pid>/task/*/schedstat) per record.
# Run two binaries alternately on a shared machine and compare means:
#
#   for i in 1 2 3; do
#     bench/broker/produce_small_batches.sh /tmp/base/samsa-broker base 10
#     bench/broker/produce_small_batches.sh build/bin/samsa-broker new 10
#   done
set -euo pipefail
bin=$1; label=$2; per=${3:-10}; records=200000
port=$((40000 + RANDOM % 20000))
work=$(mktemp -d "${TMPDIR:-/tmp}/samsa-small-batches.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 -c "import sys; sys.stdout.write(('x' * 100 + '\n') * $records)" > "$work/records.txt"
"$bin" --override listeners=PLAINTEXT://127.0.0.1:$port --override log.dirs="$work/data" > "$work/broker.log" 2>&1 &
pid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
# The topic exists (auto-created) before the measure starts.
echo warm | kcat -P -b 127.0.0.1:$port -t t -p 0 -X topic.request.required.acks=1
cpu_ns() { cat /proc/$pid/task/*/schedstat | awk '{s += $1} END {print s}'; }
before=$(cpu_ns)
kcat -P -b 127.0.0.1:$port -t t -p 0 -X linger.ms=0 -X batch.num.messages=$per \
     -X topic.request.required.acks=1 -X compression.codec=none < "$work/records.txt"
after=$(cpu_ns)
kill $pid; wait $pid 2>/dev/null || true
echo "$label batch.num.messages=$per broker_cpu_ns_per_record=$(( (after - before) / records ))"
