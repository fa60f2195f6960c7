"""confluent-kafka-python transactions against samsa-broker.

A consume-transform-produce loop (init_transactions, begin, produce,
send_offsets_to_transaction, commit), an aborted transaction, and
read_committed / read_uncommitted consumers that must see exactly the
committed records (respectively all of them).

usage: confluent_transactions.py <bootstrap> <topic prefix>
"""
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from samsa_check import checker

bootstrap, prefix = sys.argv[1], sys.argv[2]
c = checker("confluent transactions")
src, dst = prefix + "-in", prefix + "-out"
admin = AdminClient({"bootstrap.servers": bootstrap})
for f in admin.create_topics([NewTopic(src, 2, 1), NewTopic(dst, 2, 1)]).values():
    f.result(15)

plain = Producer({"bootstrap.servers": bootstrap})
for i in range(20):
    plain.produce(src, key=f"k{i}", value=f"v{i}")
c.equal(plain.flush(15), 0, "20 input records written")


def read_all(topic, isolation, at_least, timeout_s=20):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"reader-{isolation}-{topic}",
                         "isolation.level": isolation, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, p, 0) for p in range(2)])
    values, deadline = [], time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        m = consumer.poll(0.3)
        if m is None:
            if len(values) >= at_least:
                break
            continue
        if not m.error():
            values.append(m.value().decode())
    consumer.close()
    return values


consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": prefix + "-app", "isolation.level": "read_committed",
                     "auto.offset.reset": "earliest", "enable.auto.commit": False})
consumer.subscribe([src])
producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": prefix + "-app-0"})
producer.init_transactions(15)

# One aborted transaction first: its copies and offsets must vanish.
batch, deadline = [], time.monotonic() + 20
while len(batch) < 20 and time.monotonic() < deadline:
    batch += [m for m in consumer.consume(20, 0.5) if not m.error()]
c.equal(len(batch), 20, "the consumer read the 20 input records")
producer.begin_transaction()
for m in batch:
    producer.produce(dst, key=m.key(), value=b"aborted-" + m.value())
producer.send_offsets_to_transaction(consumer.position(consumer.assignment()), consumer.consumer_group_metadata(), 15)
producer.flush(15)  # written before the abort (the client purges what it has not sent)
producer.abort_transaction(15)
committed = consumer.committed([TopicPartition(src, p) for p in range(2)], 15)
c.check(all(tp.offset < 0 for tp in committed), "no offsets after the abort", str(committed))

producer.begin_transaction()
for m in batch:
    producer.produce(dst, key=m.key(), value=b"copy-" + m.value())
producer.send_offsets_to_transaction(consumer.position(consumer.assignment()), consumer.consumer_group_metadata(), 15)
producer.commit_transaction(15)
committed = consumer.committed([TopicPartition(src, p) for p in range(2)], 15)
c.equal(sum(max(tp.offset, 0) for tp in committed), 20, "offsets of all 20 records committed with the transaction")
consumer.close()

copies = read_all(dst, "read_committed", 20)
c.equal(sorted(copies), sorted(f"copy-v{i}" for i in range(20)), "read_committed: exactly the committed copies")
everything = read_all(dst, "read_uncommitted", 40)
c.equal(len(everything), 40, "read_uncommitted: the aborted copies too")
c.finish()
