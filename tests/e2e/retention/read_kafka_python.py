"""Reads a partition from the beginning with kafka-python until the high
watermark; prints one line per record: offset, key, value (or <null>).

usage: read_kafka_python.py <bootstrap> <topic> [start offset]
With a start offset below the log start, the broker answers
OFFSET_OUT_OF_RANGE and the consumer resets by auto.offset.reset=earliest.
"""
import sys

from kafka import KafkaConsumer, TopicPartition


def main():
    bootstrap, topic = sys.argv[1:3]
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest",
                             api_version_auto_timeout_ms=10000, request_timeout_ms=20000)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    if len(sys.argv) > 3:
        consumer.seek(tp, int(sys.argv[3]))
    else:
        consumer.seek_to_beginning(tp)
    end = consumer.end_offsets([tp])[tp]
    for _ in range(200):
        if consumer.position(tp) >= end:
            break
        for records in consumer.poll(timeout_ms=500).values():
            for r in records:
                value = "<null>" if r.value is None else r.value.decode()
                print(r.offset, r.key.decode(), value)
    reached = consumer.position(tp) >= end
    consumer.close()
    if not reached:
        print("did not reach the high watermark", end, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
