#!/usr/bin/env python3
"""kafka-python over a secured listener: an admin call (CreateTopics), a
produce, and a read back with a consumer group.

usage: kafka_python_security.py BOOTSTRAP TOPIC KEY=VALUE...
The KEY=VALUE pairs are kafka-python client settings (security_protocol,
sasl_mechanism, sasl_plain_username, sasl_plain_password, ssl_cafile, ...).
Exits 0 and prints "ok" when all records came back."""
import sys
import time

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic


def main():
    bootstrap, topic = sys.argv[1], sys.argv[2]
    settings = dict(arg.split("=", 1) for arg in sys.argv[3:])
    settings["bootstrap_servers"] = bootstrap
    settings["api_version_auto_timeout_ms"] = 10000

    admin = KafkaAdminClient(request_timeout_ms=15000, **settings)
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    admin.close()

    producer = KafkaProducer(acks="all", **settings)
    for i in range(10):
        producer.send(topic, key=b"k%d" % i, value=b"v%d" % i).get(timeout=20)
    producer.close()

    consumer = KafkaConsumer(topic, group_id="py-" + topic, auto_offset_reset="earliest",
                             consumer_timeout_ms=2000, **settings)
    seen = []
    deadline = time.time() + 40
    while len(seen) < 10 and time.time() < deadline:
        for message in consumer:
            seen.append(message.value)
    consumer.commit()
    consumer.close()
    if sorted(seen) != sorted(b"v%d" % i for i in range(10)):
        print("got", seen)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
