#!/usr/bin/python3
"""kafka-python (Debian's python3-kafka 2.0.2) producer and consumer against
samsa-broker: keyed records with headers and timestamps (uncompressed and gzip,
the codecs kafka-python has without extra modules), read back by a KafkaConsumer
with assign() and no group, then offsets_for_times, beginning_offsets and
end_offsets.

usage: kafka_python_roundtrip.py <bootstrap> [--api-version 2.5.0]
"""
import argparse
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from samsa_check import checker, java_partition

PARTITIONS = 4
RECORDS = 200
KEYS = 16


def read(consumer, expected, timeout_s=30):
    records = []
    deadline = time.monotonic() + timeout_s
    while len(records) < expected and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=200, max_records=500).values():
            records.extend(batch)
    return records


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("--api-version", help="skip kafka-python's broker version detection, e.g. 2.5.0")
    args = parser.parse_args()
    c = checker("kafka-python")
    common = {"bootstrap_servers": args.bootstrap, "request_timeout_ms": 15000}
    if args.api_version:
        common["api_version"] = tuple(int(x) for x in args.api_version.split("."))

    admin = KafkaAdminClient(client_id="samsa-e2e", **common)
    admin.create_topics([NewTopic("kp-records", PARTITIONS, 1), NewTopic("kp-times", 1, 1)], timeout_ms=10000)
    admin.close()

    base_ts = int(time.time() * 1000) - 3600 * 1000
    sent = {}
    for codec in (None, "gzip"):
        producer = KafkaProducer(acks="all", compression_type=codec, linger_ms=5, **common)
        print(f"[kafka-python] producer ({codec or 'none'}) uses broker version {producer.config['api_version']}",
              flush=True)
        futures = []
        for i in range(RECORDS):
            n = len(sent) + len(futures)
            key = f"account-{n % KEYS}".encode()
            futures.append((n, key, producer.send("kp-records", key=key, value=f"payment-{n}".encode(),
                                                  headers=[("n", str(n).encode())], timestamp_ms=base_ts + n)))
        producer.flush(timeout=30)
        errors = []
        for n, key, future in futures:
            try:
                md = future.get(timeout=30)
                sent[n] = (key, md.partition, md.offset)
            except Exception as e:
                errors.append(f"record {n}: {e!r}")
        c.check(not errors, f"produce {RECORDS} records ({codec or 'none'}), acks=all", "; ".join(errors[:5]))
        producer.close(timeout=10)

    wrong = [f"{k!r} -> {p}" for k, p, _ in sent.values() if p != java_partition(k, PARTITIONS)]
    c.check(not wrong, "same key -> same partition, as the Java client's murmur2", ", ".join(wrong[:5]))

    consumer = KafkaConsumer(group_id=None, enable_auto_commit=False, auto_offset_reset="earliest", **common)
    tps = [TopicPartition("kp-records", p) for p in range(PARTITIONS)]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    records = read(consumer, len(sent))
    c.equal(len(records), len(sent), "records read back by assign()ed KafkaConsumer")
    mismatches = []
    next_offset = {}
    for r in records:
        n = int(dict(r.headers)["n"])
        key, partition, offset = sent.get(n, (None, None, None))
        if (r.key, r.partition, r.offset) != (key, partition, offset):
            mismatches.append(f"record {n}: read {r.key!r} p{r.partition}@{r.offset}, sent {key!r} p{partition}@{offset}")
        if r.value != f"payment-{n}".encode():
            mismatches.append(f"record {n}: value {r.value!r}")
        if r.timestamp != base_ts + n:
            mismatches.append(f"record {n}: timestamp {r.timestamp}, sent {base_ts + n}")
        if r.offset != next_offset.get(r.partition, 0):
            mismatches.append(f"partition {r.partition}: offset {r.offset} where {next_offset.get(r.partition, 0)} was due")
        next_offset[r.partition] = r.offset + 1
    c.check(not mismatches, "keys, values, headers, timestamps, offsets in order", "; ".join(mismatches[:6]))

    ends = consumer.end_offsets(tps)
    begins = consumer.beginning_offsets(tps)
    c.equal(sum(ends.values()), len(sent), "end_offsets sum to the records produced")
    c.equal(set(begins.values()), {0}, "beginning_offsets are 0")
    consumer.close()

    # Timestamps on one partition: 10 records, one second apart.
    producer = KafkaProducer(acks="all", **common)
    for i in range(10):
        producer.send("kp-times", value=f"tick-{i}".encode(), partition=0, timestamp_ms=base_ts + i * 1000)
    producer.flush(timeout=30)
    producer.close(timeout=10)
    consumer = KafkaConsumer(group_id=None, enable_auto_commit=False, **common)
    tp = TopicPartition("kp-times", 0)
    found = consumer.offsets_for_times({tp: base_ts + 2500})[tp]
    c.check(found is not None and found.offset == 3 and found.timestamp == base_ts + 3000,
            "offsets_for_times(base+2.5 s) -> offset 3 at base+3 s", repr(found))
    found = consumer.offsets_for_times({tp: base_ts})[tp]
    c.check(found is not None and found.offset == 0, "offsets_for_times(base) -> offset 0", repr(found))
    found = consumer.offsets_for_times({tp: base_ts + 60000})[tp]
    c.check(found is None, "offsets_for_times(after the last record) -> None", repr(found))
    c.equal(consumer.beginning_offsets([tp])[tp], 0, "beginning_offsets(kp-times)")
    c.equal(consumer.end_offsets([tp])[tp], 10, "end_offsets(kp-times)")
    consumer.assign([tp])
    consumer.seek(tp, 7)
    tail = read(consumer, 3)
    c.equal([r.value for r in tail], [b"tick-7", b"tick-8", b"tick-9"], "read from offset 7")
    consumer.close()
    c.finish()


if __name__ == "__main__":
    main()
