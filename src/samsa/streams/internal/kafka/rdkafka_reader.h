#pragma once
// rdkafka_reader: partition_reader on librdkafka's legacy consumer, which
// reads chosen partitions from chosen offsets into one queue with no group
// at all (restoration and global tables must not join the application's
// group). Offsets are never committed.
//
// Threads: the thread that owns it (a stream thread or the global thread).

#include <librdkafka/rdkafka.h>

#include <map>
#include <set>
#include <string>

#include "samsa/kafka/handle.h"
#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal::kafka {

class rdkafka_reader final : public partition_reader {
public:
    [[nodiscard]] static result<std::unique_ptr<partition_reader>> create(const client_config& config);
    ~rdkafka_reader() override;

    [[nodiscard]] result<std::pair<samsa::offset, samsa::offset>> watermarks(
        const topic_partition& tp, std::chrono::milliseconds timeout) override;
    [[nodiscard]] status assign(const topic_partition& tp, samsa::offset from) override;
    void unassign(const topic_partition& tp) override;
    [[nodiscard]] result<std::vector<consumed_record>> poll(std::chrono::milliseconds timeout,
                                                            size_t max_records) override;

private:
    rdkafka_reader() = default;
    rd_kafka_topic_t* topic(const std::string& name);

    samsa::kafka::handle_ptr rk_;
    rd_kafka_queue_t* queue_ = nullptr;
    std::map<std::string, rd_kafka_topic_t*> topics_;
    // Searched per message by the message's topic view.
    std::set<topic_partition, partition_less> assigned_;
};

}  // namespace samsa::streams::internal::kafka
