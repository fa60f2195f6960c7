#!/usr/bin/env python3
"""confluent-kafka over a secured listener: CreateTopics (admin), a produce,
and a consumer group reading it back.

usage: confluent_security.py BOOTSTRAP TOPIC KEY=VALUE...
The KEY=VALUE pairs are librdkafka settings (security.protocol, sasl.*, ssl.*).
Prints "ok" and exits 0 when all records came back."""
import sys
import time

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic


def main():
    bootstrap, topic = sys.argv[1], sys.argv[2]
    settings = dict(arg.split("=", 1) for arg in sys.argv[3:])
    settings["bootstrap.servers"] = bootstrap

    admin = AdminClient(settings)
    for future in admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)]).values():
        future.result(timeout=20)

    producer = Producer(dict(settings, acks="all"))
    for i in range(10):
        producer.produce(topic, key=b"k%d" % i, value=b"v%d" % i)
    if producer.flush(20) != 0:
        print("produce did not complete")
        return 1

    consumer = Consumer(dict(settings, **{"group.id": "cf-" + topic, "auto.offset.reset": "earliest"}))
    consumer.subscribe([topic])
    seen = []
    deadline = time.time() + 40
    while len(seen) < 10 and time.time() < deadline:
        m = consumer.poll(1.0)
        if m is not None and not m.error():
            seen.append(m.value())
    consumer.close()
    if sorted(seen) != sorted(b"v%d" % i for i in range(10)):
        print("got", seen)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
