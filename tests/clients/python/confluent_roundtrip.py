#!/usr/bin/python3
"""confluent-kafka-python against samsa-broker: for each codec, create a
6-partition topic, produce keyed records with headers (acks=all, Java's murmur2
partitioner), read them back through an assign()ed consumer (no group join),
and check content, key -> partition, and order per partition.

usage: confluent_roundtrip.py <bootstrap> [codec ...]
"""
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, NewTopic

from samsa_check import checker, java_partition

PARTITIONS = 6
RECORDS = 300
KEYS = 25


def create_topic(c, admin, topic):
    futures = admin.create_topics([NewTopic(topic, num_partitions=PARTITIONS, replication_factor=1)],
                                  request_timeout=15, operation_timeout=10)
    try:
        futures[topic].result(timeout=20)
        return c.check(True, f"CreateTopics {topic} ({PARTITIONS} partitions)")
    except Exception as e:  # the client raises KafkaException with the broker's error
        return c.check(False, f"CreateTopics {topic}", repr(e))


def produce(c, bootstrap, topic, codec):
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "compression.type": codec,
        "partitioner": "murmur2_random",
        "linger.ms": 5,
    })
    delivered = {}
    errors = []

    # Delivery reports carry no headers in this client version: bind the index.
    def on_delivery(index, err, msg):
        if err is not None:
            errors.append(f"record {index}: {err}")
        else:
            delivered[index] = (msg.partition(), msg.offset())

    for i in range(RECORDS):
        key = f"customer-{i % KEYS}".encode()
        value = f"{codec}-order-{i}".encode() + (b"z" * 500 if i % 7 == 0 else b"")
        while True:
            try:
                producer.produce(topic, value=value, key=key, headers=[("index", str(i).encode()), ("codec", codec.encode())],
                                 on_delivery=lambda err, msg, i=i: on_delivery(i, err, msg))
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    remaining = producer.flush(30)
    c.equal(remaining, 0, f"{codec}: every record acknowledged within 30 s")
    c.check(not errors, f"{codec}: no delivery errors", "; ".join(errors[:5]))
    c.equal(len(delivered), RECORDS, f"{codec}: delivery reports")
    return delivered


def read_back(c, bootstrap, topic, expected):
    # confluent-kafka-python insists on a group.id even for assign(); nothing
    # here joins the group or commits.
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "samsa-e2e-assign-only",
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "enable.partition.eof": True,
    })
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(PARTITIONS)])
    records = []
    at_end = set()
    errors = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (len(at_end) == PARTITIONS and len(records) >= expected):
        msg = consumer.poll(0.1)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                at_end.add(msg.partition())
            else:
                errors.append(str(msg.error()))
            continue
        at_end.discard(msg.partition())
        records.append(msg)
    consumer.close()
    c.check(not errors, "consumer: no errors", "; ".join(errors[:5]))
    c.check(len(at_end) == PARTITIONS, "consumer: reached the end of every partition", f"ends: {sorted(at_end)}")
    return records


def check_codec(c, bootstrap, admin, codec):
    topic = f"confluent-{codec}"
    if not create_topic(c, admin, topic):
        return
    delivered = produce(c, bootstrap, topic, codec)
    records = read_back(c, bootstrap, topic, RECORDS)
    c.equal(len(records), RECORDS, f"{codec}: records read back")

    key_home = {}
    next_offset = {}
    last_index = {}
    mismatches = []
    for msg in records:
        key = msg.key()
        index = int(dict(msg.headers() or [])["index"])
        p, o = msg.partition(), msg.offset()
        expected_value = f"{codec}-order-{index}".encode() + (b"z" * 500 if index % 7 == 0 else b"")
        if msg.value() != expected_value:
            mismatches.append(f"value at p{p}@{o}")
        if key != f"customer-{index % KEYS}".encode():
            mismatches.append(f"key at p{p}@{o}: {key!r}")
        if dict(msg.headers())["codec"] != codec.encode():
            mismatches.append(f"codec header at p{p}@{o}")
        if delivered.get(index) != (p, o):
            mismatches.append(f"record {index} read at p{p}@{o}, delivered at {delivered.get(index)}")
        if key_home.setdefault(key, p) != p:
            mismatches.append(f"key {key!r} in partitions {key_home[key]} and {p}")
        if p != java_partition(key, PARTITIONS):
            mismatches.append(f"key {key!r} in partition {p}, murmur2 says {java_partition(key, PARTITIONS)}")
        if o != next_offset.get(p, 0):
            mismatches.append(f"partition {p}: offset {o}, expected {next_offset.get(p, 0)}")
        next_offset[p] = o + 1
        if index <= last_index.get(p, -1):
            mismatches.append(f"partition {p}: record {index} after record {last_index[p]}")
        last_index[p] = index
    c.check(not mismatches, f"{codec}: content, key -> partition (murmur2), dense offsets, order per partition",
            "; ".join(mismatches[:8]))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    bootstrap = sys.argv[1]
    codecs = sys.argv[2:] or ["none", "gzip", "snappy", "lz4", "zstd"]
    c = checker("confluent-kafka-python")
    admin = AdminClient({"bootstrap.servers": bootstrap})
    md = admin.list_topics(timeout=10)
    c.equal(len(md.brokers), 1, "Metadata: one broker")
    for codec in codecs:
        check_codec(c, bootstrap, admin, codec)
    c.finish()


if __name__ == "__main__":
    main()
