#pragma once
// rdkafka_group_consumer: group_consumer on librdkafka's high-level
// consumer. The rebalance callback (eager protocol) runs inside poll() on
// the stream thread: on assignment it looks up where each partition starts
// (the committed offset, else auto.offset.reset's; see set_start_offsets),
// assigns at those offsets, then tells the listener; on revocation it tells
// the listener (which commits), then unassigns; a revocation with the
// assignment lost goes to on_partitions_lost. During close() the listener
// is no longer called: the tasks are closed already.
//
// poll() reads the consumer queue in batches (rd_kafka_consume_batch_queue,
// which serves the rebalance callback as rd_kafka_consumer_poll does, and
// drops the messages of a partition the rebalance took away from the
// batch); per message it makes no topic string and looks nothing up by
// name (positions: see position_of).
//
// Threads: the stream thread that owns it.

#include <librdkafka/rdkafka.h>

#include <optional>
#include <vector>

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
    [[nodiscard]] status poll_into(std::chrono::milliseconds timeout, size_t max_records,
                                   std::vector<consumed_record>& out) override;
    [[nodiscard]] status commit(const committed_offsets& offsets) override;
    [[nodiscard]] result<committed_offsets> committed(const std::vector<topic_partition>& partitions,
                                                      std::chrono::milliseconds timeout) override;
    void pause(const std::vector<topic_partition>& partitions) override;
    void resume(const std::vector<topic_partition>& partitions) override;
    // The cached high watermark (updated by every fetch response) minus the
    // position after the last record or end-of-partition event poll() saw;
    // partition EOF events are enabled for this, so an empty partition has
    // a known lag (0) after its first fetch. The watermark is read once per
    // partition between two polls, as the Java consumer's currentLag moves
    // only when poll() handles a fetch: the stream thread asks for every
    // empty partition of every task in every processing round.
    std::optional<int64_t> current_lag(const topic_partition& tp) override;
    void close() override;
    std::shared_ptr<const consumer_group_metadata> group_metadata() override;
    [[nodiscard]] status rewind_to_committed(const std::vector<topic_partition>& partitions) override;

private:
    rdkafka_group_consumer() = default;
    static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                             void* opaque);

    // Fills the committed offsets, or auto.offset.reset's, into a list about
    // to be assigned (see the .cc); what it cannot look up stays unset.
    void set_start_offsets(rd_kafka_topic_partition_list_t* partitions);
    // Seeks resumed partitions to where they resume, so that librdkafka
    // wakes their broker threads (see the .cc).
    void wake_fetchers(const std::vector<topic_partition>& resumed);
    // Adds the looked-up start offsets of `partitions` to assigned_at_.
    void note_start_offsets(const rd_kafka_topic_partition_list_t* partitions);
    // The position of (rkt, partition), made on first sight.
    struct position;
    position& position_of(rd_kafka_topic_t* rkt, int32_t partition);
    // Serves one message or event of poll(): kept in out, or an error that
    // ends poll().
    [[nodiscard]] status take(rd_kafka_message_t* m, std::vector<consumed_record>& out);

    samsa::kafka::handle_ptr rk_;
    // The consumer queue (the one rd_kafka_consumer_poll serves), read in
    // batches; destroyed before the consumer closes, as librdkafka requires.
    rd_kafka_queue_t* queue_ = nullptr;
    std::vector<rd_kafka_message_t*> batch_;
    // Next offset per partition: after the last record or EOF poll() saw.
    // Found per message by librdkafka's topic handle (no topic string): rkt
    // is the handle messages of that topic carried when the entry was last
    // used, forgotten at every rebalance (the handles of assigned
    // partitions live as long as their assignment, so a pointer seen since
    // the last rebalance still names the same topic).
    struct position {
        topic_partition tp;
        const rd_kafka_topic_t* rkt = nullptr;
        // rkt's name, which lives as long as rkt: the topic a record of
        // rkt views (no strlen per record).
        std::string_view rkt_name;
        int64_t next = 0;
        // The high watermark as read for the poll numbered high_poll (-1:
        // unknown then); see current_lag().
        int64_t high = -1;
        uint64_t high_poll = 0;
    };
    std::vector<position> positions_;
    // The start offsets of the current assignment (those looked up; see
    // set_start_offsets): where a partition resumes before poll() saw it.
    std::vector<std::pair<topic_partition, int64_t>> assigned_at_;
    uint64_t polls_ = 1;  // poll() calls so far, from 1
    size_t last_position_ = 0;
    bool rebalanced_ = false;  // the rebalance callback ran (inside poll)
    rebalance_listener* listener_ = nullptr;
    // auto.offset.reset as a ListOffsets timestamp; none: librdkafka decides.
    std::optional<int64_t> reset_to_;
    bool closing_ = false;
    bool closed_ = false;
};

}  // namespace samsa::streams::internal::kafka
