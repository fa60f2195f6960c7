#pragma once
// group_member: one librdkafka KafkaConsumer in a consumer group, polled by
// the test thread, that records its assignment (eager or cooperative
// rebalances) and every record it receives. Tests poll several members in
// turn with poll_until(), always bounded in time.
//
//   auto a = group_member::create(bootstrap, "g", {"t"}, {{"partition.assignment.strategy", "range"}});
//   ASSERT_TRUE(poll_until({a.get(), b.get()}, [&] { return ...; }, 30s));
//
// Thread: the test's thread (librdkafka's own threads stay inside librdkafka;
// the rebalance callback runs inside poll()).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "samsa/base/result.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::e2e {

class group_member : public RdKafka::RebalanceCb {
public:
    static result<std::unique_ptr<group_member>> create(const std::string& bootstrap, const std::string& group,
                                                        const std::vector<std::string>& topics,
                                                        const test_support::config_map& extra = {});
    ~group_member() override;

    // One consume call of at most `wait`.
    void poll(std::chrono::milliseconds wait = std::chrono::milliseconds(50));
    const std::set<int32_t>& assignment() const { return assignment_; }
    int rebalances() const { return rebalances_; }
    // Records received, in arrival order (value text, partition, offset).
    const std::vector<test_support::record>& received() const { return received_; }
    status commit();
    // Committed offsets of `partitions` of `topic` for this group (-1001: none).
    result<std::map<int32_t, int64_t>> committed(const std::string& topic, int partitions);
    // Leaves the group (LeaveGroup) and closes.
    void close();
    std::string last_error() const { return last_error_; }

    void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                      std::vector<RdKafka::TopicPartition*>& partitions) override;

private:
    group_member() = default;

    std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
    std::set<int32_t> assignment_;
    int rebalances_ = 0;
    std::vector<test_support::record> received_;
    std::string last_error_;
    bool closed_ = false;
};

// Polls every member in turn until pred() holds (true) or the time is up (false).
bool poll_until(const std::vector<group_member*>& members, const std::function<bool()>& pred,
                std::chrono::milliseconds timeout);

// The members' assignments are disjoint and together exactly {0..partitions-1},
// and (when every_member_has_some) no member is left without partitions.
bool disjoint_and_complete(const std::vector<group_member*>& members, int partitions, bool every_member_has_some);
std::string describe_assignments(const std::vector<group_member*>& members);

}  // namespace samsa::e2e
