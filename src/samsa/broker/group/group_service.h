#pragma once
// group_service: the group coordinator as the broker runs it — on asio
// timers, writing to the internal topic `__consumer_offsets` (created with
// offsets.topic.num.partitions partitions and cleanup.policy=compact at the
// first write) and replaying that topic when the broker starts. The
// coordinator answers COORDINATOR_LOAD_IN_PROGRESS until the replay is done;
// a record that does not parse is logged and skipped.
//
// Thread: the I/O thread (constructed on the main thread before the I/O
// loop runs, which then becomes the I/O thread).

#include <memory>

#include "samsa/base/result.h"
#include "samsa/broker/group/group_config.h"
#include "samsa/broker/group/group_coordinator.h"

namespace samsa::broker {
class broker;
}

namespace samsa::broker::group {

inline constexpr const char* offsets_topic = "__consumer_offsets";

class asio_group_timers;

// The coordinator's settings from the broker's keys (Kafka's names).
group_config make_group_config(const broker& b);

class group_service {
public:
    explicit group_service(broker& b);
    ~group_service();

    group_coordinator& coordinator() { return *coordinator_; }
    // Replays __consumer_offsets (if it exists) and opens the coordinator.
    void load();
    // Answers every waiting JoinGroup/SyncGroup (the broker is stopping).
    void shutdown();

private:
    class topic_offsets_log;

    broker& broker_;
    std::unique_ptr<asio_group_timers> timers_;
    std::unique_ptr<topic_offsets_log> log_;
    std::unique_ptr<group_coordinator> coordinator_;
};

}  // namespace samsa::broker::group
