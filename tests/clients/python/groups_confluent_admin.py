#!/usr/bin/python3
"""confluent-kafka-python (1.7) against samsa-broker's groups: a consumer
group reads and commits; AdminClient.list_groups shows it (ListGroups +
DescribeGroups: state, protocol, members with their assignment) and the
committed offsets are read back with Consumer.committed.

usage: groups_confluent_admin.py <bootstrap>
"""
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from samsa_check import checker, wait_until

TOPIC = "cf-groups"
GROUP = "cf-group"
PARTITIONS = 3


def main():
    bootstrap = sys.argv[1]
    c = checker("confluent-groups")
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic(TOPIC, PARTITIONS, 1)]).values():
        f.result(timeout=15)
    producer = Producer({"bootstrap.servers": bootstrap})
    for i in range(30):
        producer.produce(TOPIC, key=f"k{i}", value=f"v{i}", partition=i % PARTITIONS)
    c.equal(producer.flush(30), 0, "produced 30 records")

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": GROUP, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "session.timeout.ms": 6000, "client.id": "cf-member"})
    consumer.subscribe([TOPIC])
    got = 0
    deadline = time.monotonic() + 45
    while got < 30 and time.monotonic() < deadline:
        m = consumer.poll(0.2)
        if m is not None and not m.error():
            got += 1
    c.equal(got, 30, "the group member read everything")
    consumer.commit(asynchronous=False)

    def stable_group():
        groups = [g for g in admin.list_groups(timeout=10) if g.id == GROUP]
        return groups[0] if groups and groups[0].state == "Stable" else None

    g = wait_until(stable_group, 20, 0.2)
    c.check(g is not None, "list_groups shows the group Stable")
    if g is not None:
        c.equal(g.protocol_type, "consumer", "protocol type")
        c.check(g.protocol in ("range", "roundrobin", "cooperative-sticky"), "protocol", g.protocol)
        c.equal(len(g.members), 1, "one member")
        if g.members:
            c.equal(g.members[0].client_id, "cf-member", "the member's client id")
            c.check(len(g.members[0].assignment) > 0, "the member's assignment bytes are there")
            c.check(len(g.members[0].metadata) > 0, "the member's subscription bytes are there")
    committed = consumer.committed([TopicPartition(TOPIC, p) for p in range(PARTITIONS)], timeout=10)
    c.equal(sorted((tp.partition, tp.offset) for tp in committed), [(p, 10) for p in range(PARTITIONS)],
            "committed offsets")
    consumer.close()

    g = wait_until(lambda: next((x for x in admin.list_groups(timeout=10) if x.id == GROUP and x.state == "Empty"),
                                None), 20, 0.2)
    c.check(g is not None, "after the member closes the group is Empty")
    c.finish()


if __name__ == "__main__":
    main()
