#pragma once
// group_test: the e2e fixture for consumer groups — a broker whose first
// rebalance does not wait (group.initial.rebalance.delay.ms=0), plus helpers
// to make a topic with records in every partition.
//
// Thread: the test's main thread.

#include <string>

#include "tests/e2e/broker_test.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::e2e {

class group_test : public broker_test {
protected:
    test_support::broker_options make_broker_options() const override {
        return test_support::broker_options_builder()
            .override_config("group.initial.rebalance.delay.ms", "0")
            .override_config("offsets.topic.num.partitions", "5");
    }

    // Creates `topic` with `partitions` partitions and `per_partition`
    // records in each, values "<prefix>-<partition>-<i>".
    void make_topic(const std::string& topic, int partitions, int per_partition, const std::string& prefix = "v") {
        ASSERT_TRUE(test_support::create_topic(bootstrap(), topic, partitions));
        produce_more(topic, partitions, per_partition, prefix);
    }
    void produce_more(const std::string& topic, int partitions, int per_partition, const std::string& prefix) {
        std::vector<test_support::record> records;
        for (int p = 0; p < partitions; ++p) {
            for (int i = 0; i < per_partition; ++i) {
                test_support::record r;
                r.key = "k" + std::to_string(i);
                r.value = prefix + "-" + std::to_string(p) + "-" + std::to_string(i);
                r.partition = p;
                records.push_back(std::move(r));
            }
        }
        auto produced = test_support::produce(bootstrap(), topic, std::move(records));
        ASSERT_TRUE(produced) << produced.error().message;
    }
};

}  // namespace samsa::e2e
