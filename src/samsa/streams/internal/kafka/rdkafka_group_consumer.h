#pragma once
// rdkafka_group_consumer: group_consumer on librdkafka's high-level
// consumer. The rebalance callback (eager protocol) runs inside poll() on
// the stream thread: on assignment it assigns, then tells the listener; on
// revocation it tells the listener (which commits), then unassigns; a
// revocation with the assignment lost goes to on_partitions_lost. During
// close() the listener is no longer called: the tasks are closed already.
//
// Threads: the stream thread that owns it.

#include <librdkafka/rdkafka.h>

#include <map>
#include <optional>

#include "samsa/kafka/handle.h"
#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal::kafka {

// librdkafka's group metadata, for rdkafka_producer::send_offsets_to_transaction.
class rdkafka_group_metadata final : public consumer_group_metadata {
public:
    explicit rdkafka_group_metadata(rd_kafka_consumer_group_metadata_t* m) : metadata(m) {}
    ~rdkafka_group_metadata() override { rd_kafka_consumer_group_metadata_destroy(metadata); }
    rdkafka_group_metadata(const rdkafka_group_metadata&) = delete;
    rdkafka_group_metadata& operator=(const rdkafka_group_metadata&) = delete;
    rd_kafka_consumer_group_metadata_t* metadata;
};

class rdkafka_group_consumer final : public group_consumer {
public:
    [[nodiscard]] static result<std::unique_ptr<group_consumer>> create(const client_config& config);
    ~rdkafka_group_consumer() override;

    [[nodiscard]] status subscribe(const std::vector<std::string>& topics, rebalance_listener& listener) override;
    [[nodiscard]] result<std::vector<consumed_record>> poll(std::chrono::milliseconds timeout,
                                                            size_t max_records) override;
    [[nodiscard]] status commit(const committed_offsets& offsets) override;
    [[nodiscard]] result<committed_offsets> committed(const std::vector<topic_partition>& partitions,
                                                      std::chrono::milliseconds timeout) override;
    void pause(const std::vector<topic_partition>& partitions) override;
    void resume(const std::vector<topic_partition>& partitions) override;
    // The cached high watermark (updated by every fetch response) minus the
    // position after the last record or end-of-partition event poll() saw;
    // partition EOF events are enabled for this, so an empty partition has
    // a known lag (0) after its first fetch.
    std::optional<int64_t> current_lag(const topic_partition& tp) override;
    void close() override;
    std::shared_ptr<const consumer_group_metadata> group_metadata() override;
    [[nodiscard]] status rewind_to_committed(const std::vector<topic_partition>& partitions) override;

private:
    rdkafka_group_consumer() = default;
    static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                             void* opaque);

    samsa::kafka::handle_ptr rk_;
    // Next offset per partition: after the last record or EOF poll() saw.
    std::map<topic_partition, int64_t> positions_;
    rebalance_listener* listener_ = nullptr;
    bool closing_ = false;
    bool closed_ = false;
};

}  // namespace samsa::streams::internal::kafka
