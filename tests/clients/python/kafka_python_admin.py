#!/usr/bin/python3
"""kafka-python (Debian's python3-kafka 2.0.2) admin client against samsa-broker:
create topics (with configs), list them, describe and alter configs, delete
them, and the errors a single node must give (replication factor 2, a bad name,
a topic that exists).

usage: kafka_python_admin.py <bootstrap> [--api-version 2.5.0]
"""
import argparse

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import (InvalidReplicationFactorError, InvalidTopicError, TopicAlreadyExistsError,
                          UnknownTopicOrPartitionError)

from samsa_check import checker, wait_until


def topic_config(admin, topic):
    responses = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    out = {}
    errors = []
    for response in responses:
        for resource in response.resources:
            error_code, error_message = resource[0], resource[1]
            if error_code != 0:
                errors.append((error_code, error_message))
            for entry in resource[4]:
                out[entry[0]] = entry[1]
    return out, errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("--api-version", help="skip kafka-python's broker version detection, e.g. 2.5.0")
    args = parser.parse_args()
    c = checker("kafka-python admin")

    options = {"bootstrap_servers": args.bootstrap, "client_id": "samsa-e2e-admin", "request_timeout_ms": 15000}
    if args.api_version:
        options["api_version"] = tuple(int(x) for x in args.api_version.split("."))
    admin = KafkaAdminClient(**options)
    print(f"[kafka-python admin] broker version as detected/used: {admin.config['api_version']}", flush=True)

    # Create, with a topic config.
    response = admin.create_topics([
        NewTopic("kp-admin-a", num_partitions=3, replication_factor=1, topic_configs={"retention.ms": "3600000"}),
        NewTopic("kp-admin-b", num_partitions=1, replication_factor=1),
    ], timeout_ms=10000)
    c.check(all(e[1] == 0 for e in response.topic_errors), "CreateTopics kp-admin-a, kp-admin-b", str(response))
    listed = wait_until(lambda: {"kp-admin-a", "kp-admin-b"} <= set(admin.list_topics()), 10)
    c.check(listed, "both topics listed by Metadata", str(admin.list_topics()))
    described = {t["topic"]: t for t in admin.describe_topics(["kp-admin-a"])}
    c.equal(len(described.get("kp-admin-a", {}).get("partitions", [])), 3, "kp-admin-a has 3 partitions")

    # Describe the config given at creation, then alter it.
    config, errors = topic_config(admin, "kp-admin-a")
    c.check(not errors, "DescribeConfigs kp-admin-a", str(errors))
    c.equal(config.get("retention.ms"), "3600000", "retention.ms set at creation")
    c.check("cleanup.policy" in config, "DescribeConfigs lists defaults too (cleanup.policy)", str(sorted(config)))
    response = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, "kp-admin-a",
                                                   configs={"retention.ms": "7200000", "cleanup.policy": "compact"})])
    c.check(all(r[0] == 0 for r in response.resources), "AlterConfigs kp-admin-a", str(response))
    config, errors = topic_config(admin, "kp-admin-a")
    c.equal(config.get("retention.ms"), "7200000", "retention.ms after AlterConfigs")
    c.equal(config.get("cleanup.policy"), "compact", "cleanup.policy after AlterConfigs")

    # Errors a single node must give.
    try:
        admin.create_topics([NewTopic("kp-admin-a", 3, 1)], timeout_ms=10000)
        c.check(False, "creating an existing topic fails with TopicAlreadyExistsError", "no error")
    except TopicAlreadyExistsError:
        c.check(True, "creating an existing topic fails with TopicAlreadyExistsError")
    except Exception as e:
        c.check(False, "creating an existing topic fails with TopicAlreadyExistsError", repr(e))
    try:
        admin.create_topics([NewTopic("kp-admin-rf2", 1, 2)], timeout_ms=10000)
        c.check(False, "replication factor 2 fails with InvalidReplicationFactorError", "no error")
    except InvalidReplicationFactorError as e:
        c.check(True, "replication factor 2 fails with InvalidReplicationFactorError")
        print(f"[kafka-python admin]      broker said: {e}", flush=True)
    except Exception as e:
        c.check(False, "replication factor 2 fails with InvalidReplicationFactorError", repr(e))
    try:
        admin.create_topics([NewTopic("bad/name", 1, 1)], timeout_ms=10000)
        c.check(False, "topic name 'bad/name' fails with InvalidTopicError", "no error")
    except InvalidTopicError:
        c.check(True, "topic name 'bad/name' fails with InvalidTopicError")
    except Exception as e:
        c.check(False, "topic name 'bad/name' fails with InvalidTopicError", repr(e))

    # Delete.
    response = admin.delete_topics(["kp-admin-a", "kp-admin-b"], timeout_ms=10000)
    c.check(all(e[1] == 0 for e in response.topic_error_codes), "DeleteTopics kp-admin-a, kp-admin-b", str(response))
    gone = wait_until(lambda: not ({"kp-admin-a", "kp-admin-b"} & set(admin.list_topics())), 10)
    c.check(gone, "deleted topics are no longer listed", str(admin.list_topics()))
    try:
        admin.delete_topics(["kp-admin-a"], timeout_ms=10000)
        c.check(False, "deleting it again fails with UnknownTopicOrPartitionError", "no error")
    except UnknownTopicOrPartitionError:
        c.check(True, "deleting it again fails with UnknownTopicOrPartitionError")
    except Exception as e:
        c.check(False, "deleting it again fails with UnknownTopicOrPartitionError", repr(e))

    admin.close()
    c.finish()


if __name__ == "__main__":
    main()
