#!/usr/bin/env python3
"""confluent-kafka over a secured listener: CreateTopics (admin), a produce,
and a consumer group reading it back.

usage: confluent_security.py BOOTSTRAP TOPIC KEY=VALUE...
The KEY=VALUE pairs are librdkafka settings (security.protocol, sasl.*, ssl.*).
Prints "ok" and exits 0 when all records came back.

The steps share one time budget (BUDGET_S, below the 120 s the test allows
the script) instead of a fixed window each: on a loaded machine the group
join (group.initial.rebalance.delay.ms, then __consumer_offsets' 50
partitions made on the first SyncGroup) alone can take longer than a fixed
per-step window. Every step is logged with its elapsed time, and errors the
clients report are printed, so a failure says where it stopped."""
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer
from confluent_kafka.admin import AdminClient, NewTopic

BUDGET_S = 100
START = time.monotonic()


def left():
    return max(0.0, BUDGET_S - (time.monotonic() - START))


def log(what):
    print("[%6.2fs] %s" % (time.monotonic() - START, what), flush=True)


def main():
    bootstrap, topic = sys.argv[1], sys.argv[2]
    settings = dict(arg.split("=", 1) for arg in sys.argv[3:])
    settings["bootstrap.servers"] = bootstrap
    settings["error_cb"] = lambda e: log("client error: %s" % e)

    admin = AdminClient(settings)
    for future in admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)]).values():
        future.result(timeout=left())
    log("topic created")

    producer = Producer(dict(settings, acks="all"))
    for i in range(10):
        producer.produce(topic, key=b"k%d" % i, value=b"v%d" % i)
    if producer.flush(left()) != 0:
        log("produce did not complete")
        return 1
    log("produced 10")

    consumer = Consumer(dict(settings, **{"group.id": "cf-" + topic, "auto.offset.reset": "earliest"}))
    consumer.subscribe([topic], on_assign=lambda c, parts: log("assigned %s" % [p.partition for p in parts]))
    seen = []
    while len(seen) < 10 and left() > 0:
        m = consumer.poll(min(1.0, left()))
        if m is None:
            continue
        if m.error():
            if m.error().code() != KafkaError._PARTITION_EOF:
                log("consumer error: %s" % m.error())
            continue
        seen.append(m.value())
    log("consumed %d" % len(seen))
    consumer.close()
    if sorted(seen) != sorted(b"v%d" % i for i in range(10)):
        print("got", seen)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
