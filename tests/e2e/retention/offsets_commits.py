"""Commits offsets of one group for one partition many times, or reads them back.

usage: offsets_commits.py <bootstrap> commit <group> <topic> <count>
       offsets_commits.py <bootstrap> committed <group> <topic>
Prints the committed offset for `committed`. kafka-python (python3-kafka).
"""
import sys

from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata


def main():
    bootstrap, action, group, topic = sys.argv[1:5]
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                             api_version_auto_timeout_ms=10000, request_timeout_ms=20000)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    if action == "commit":
        for i in range(int(sys.argv[5])):
            consumer.commit({tp: OffsetAndMetadata(i + 1, "")})
        print("committed", sys.argv[5])
    else:
        print(consumer.committed(tp))
    consumer.close()


if __name__ == "__main__":
    main()
