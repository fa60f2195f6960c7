#!/usr/bin/python3
"""kafka-python 2.0.2 consumer group against samsa-broker: two members in
threads split the partitions and commit what they read; a fresh member of the
same group then resumes from the committed offsets with nothing re-delivered.

usage: groups_kafka_python.py <bootstrap> [--api-version 2.5.0]
"""
import argparse
import threading
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic

from samsa_check import checker

TOPIC = "kp-groups"
GROUP = "kp-group"
PARTITIONS = 4


def produce(common, prefix, count):
    producer = KafkaProducer(**common)
    for i in range(count):
        producer.send(TOPIC, key=f"k{i}".encode(), value=f"{prefix}-{i}".encode(), partition=i % PARTITIONS)
    producer.flush(timeout=30)
    producer.close(timeout=10)


def member(common, name, seen, assignments, stop, lock):
    consumer = KafkaConsumer(TOPIC, group_id=GROUP, enable_auto_commit=False, auto_offset_reset="earliest",
                             session_timeout_ms=6000, heartbeat_interval_ms=500, client_id=name, **common)
    try:
        while not stop.is_set():
            for batch in consumer.poll(timeout_ms=200).values():
                with lock:
                    for r in batch:
                        seen.setdefault(r.value.decode(), []).append(name)
            if consumer.assignment():
                consumer.commit()
                with lock:
                    assignments[name] = sorted(tp.partition for tp in consumer.assignment())
    finally:
        consumer.commit()
        consumer.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("--api-version")
    args = parser.parse_args()
    c = checker("kafka-python-groups")
    common = {"bootstrap_servers": args.bootstrap, "request_timeout_ms": 15000}
    if args.api_version:
        common["api_version"] = tuple(int(x) for x in args.api_version.split("."))

    admin = KafkaAdminClient(**common)
    admin.create_topics([NewTopic(TOPIC, PARTITIONS, 1)])
    admin.close()
    produce(common, "first", 40)

    seen, assignments, lock, stop = {}, {}, threading.Lock(), threading.Event()
    threads = [threading.Thread(target=member, args=(common, f"m{i}", seen, assignments, stop, lock)) for i in (1, 2)]
    for t in threads:
        t.start()

    def split_done():
        with lock:
            parts = [p for a in assignments.values() for p in a]
            return len(seen) >= 40 and len(assignments) == 2 and sorted(parts) == list(range(PARTITIONS))

    deadline = time.monotonic() + 60
    while not split_done() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.5)  # let the last commits go out
    # The split as both members hold it: once stopped, the first to leave
    # hands its partitions to the other, which may still record them.
    with lock:
        split = {name: list(a) for name, a in assignments.items()}
    stop.set()
    for t in threads:
        t.join(timeout=30)
    c.check(not any(t.is_alive() for t in threads), "both members stopped")
    c.equal(len(seen), 40, "the two members read every record")
    parts = [p for a in split.values() for p in a]
    c.equal(sorted(parts), list(range(PARTITIONS)), "their assignments were disjoint and complete")
    c.check(len(split) == 2 and all(len(a) > 0 for a in split.values()), "both members had partitions", str(split))

    produce(common, "second", 20)
    fresh = KafkaConsumer(TOPIC, group_id=GROUP, enable_auto_commit=False, auto_offset_reset="earliest",
                          session_timeout_ms=6000, heartbeat_interval_ms=500, client_id="fresh", **common)
    got = []
    deadline = time.monotonic() + 45
    quiet_until = None
    while time.monotonic() < deadline:
        for batch in fresh.poll(timeout_ms=200).values():
            got.extend(r.value.decode() for r in batch)
        if len(got) >= 20 and quiet_until is None:
            quiet_until = time.monotonic() + 2
        if quiet_until and time.monotonic() >= quiet_until:
            break
    fresh.close()
    c.equal(len(got), 20, "the fresh member read only the new records")
    c.check(all(v.startswith("second-") for v in got), "nothing committed was re-delivered",
            str([v for v in got if not v.startswith("second-")][:5]))
    c.finish()


if __name__ == "__main__":
    main()
