// Consumer groups through the other stock clients: kafka-python members in
// threads, kafkajs consumer.run with its admin API, and confluent-kafka-python's
// AdminClient (list_groups / describe) and committed offsets.
#include "tests/e2e/groups/group_test.h"

namespace samsa::e2e {
namespace {

TEST_F(group_test, kafka_python_members_in_threads_commit_and_a_fresh_member_resumes) {
    auto r = run_python("groups_kafka_python.py", {}, 150s);
    EXPECT_COMMAND_OK(r);
}

TEST_F(group_test, confluent_admin_lists_and_describes_groups_and_reads_committed_offsets) {
    auto r = run_python("groups_confluent_admin.py", {}, 120s);
    EXPECT_COMMAND_OK(r);
}

TEST_F(group_test, kafkajs_consumer_group_run_and_admin) {
    auto r = run_node("kafkajs_groups.js", {}, 120s);
    EXPECT_COMMAND_OK(r);
}

}  // namespace
}  // namespace samsa::e2e
