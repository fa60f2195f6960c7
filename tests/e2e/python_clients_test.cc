// The Python clients against the real broker, through the scripts in
// tests/clients/python (each prints its checks and exits non-zero on a miss):
// confluent-kafka-python (librdkafka underneath) and kafka-python (pure Python,
// its own protocol code: the stricter test of our version negotiation).

#include "tests/e2e/broker_test.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::e2e {
namespace {

class python_clients_test : public broker_test {};

TEST_F(python_clients_test, confluent_kafka_every_codec_round_trip) {
    auto r = run_python("confluent_roundtrip.py");
    EXPECT_COMMAND_OK(r);
}

TEST_F(python_clients_test, kafka_python_admin) {
    auto r = run_python("kafka_python_admin.py");
    EXPECT_COMMAND_OK(r);
}

TEST_F(python_clients_test, kafka_python_produce_consume_offsets) {
    auto r = run_python("kafka_python_roundtrip.py");
    EXPECT_COMMAND_OK(r);
}

// kafka-python's own path to a Metadata answer: ApiVersions v0 then Metadata v0
// on one connection, then its version inference. A broker whose ranges it
// misreads gets an old message format or "NoBrokersAvailable"; say which.
TEST_F(python_clients_test, kafka_python_infers_a_modern_broker) {
    test_support::command_options options;
    options.timeout = 60s;
    auto r = test_support::run_command(
        {system_python, "-c",
         "import sys\n"
         "from kafka import KafkaConsumer\n"
         "c = KafkaConsumer(bootstrap_servers=sys.argv[1], group_id=None)\n"
         "v = c.config['api_version']\n"
         "print('api_version', v)\n"
         "sys.exit(0 if v >= (0, 11, 0) else 1)\n",
         bootstrap()},
        options);
    EXPECT_COMMAND_OK(r);
}

}  // namespace
}  // namespace samsa::e2e
