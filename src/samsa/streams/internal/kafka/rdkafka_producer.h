#pragma once
// rdkafka_producer: record_producer on a librdkafka producer. Each send()
// carries its delivery listener as the message opaque (a pointer: nothing is
// allocated per record); dr_msg_cb calls it inside poll() or flush() on the
// owner's thread. A full local queue is waited out (serving reports) for up
// to queue_full_timeout.
//
// Topic handles are kept for the producer's life: librdkafka forgets the
// metadata of a topic nobody holds, and a record sent to a topic whose
// metadata is unknown waits for the next topic scan (up to a second) before
// it is even partitioned. partition_count() fetches a topic's metadata into
// its kept handle, so tasks call it for their sink topics when they start.
//
// Transactions (exactly_once_v2): the rd_kafka_*_transaction calls; an
// error librdkafka calls retriable is retried (bounded), one that requires
// an abort is returned, and a fatal one (PRODUCER_FENCED,
// INVALID_PRODUCER_EPOCH, ...) also makes fatal() true.
//
// Threads: the stream thread that owns it.

#include <map>
#include <string>
#include <string_view>

#include <librdkafka/rdkafka.h>

#include "samsa/kafka/handle.h"
#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal::kafka {

class rdkafka_producer final : public record_producer {
public:
    [[nodiscard]] static result<std::unique_ptr<record_producer>> create(const client_config& config);
    ~rdkafka_producer() override;

    [[nodiscard]] status send(const produced_record& r, delivery_listener& listener) override;
    void poll() override;
    [[nodiscard]] status flush(std::chrono::milliseconds timeout) override;
    [[nodiscard]] result<int32_t> partition_count(const std::string& topic,
                                                 std::chrono::milliseconds timeout) override;
    [[nodiscard]] status init_transactions(std::chrono::milliseconds timeout) override;
    [[nodiscard]] status begin_transaction() override;
    [[nodiscard]] status send_offsets_to_transaction(const committed_offsets& offsets,
                                                     const consumer_group_metadata& group,
                                                     std::chrono::milliseconds timeout) override;
    [[nodiscard]] status commit_transaction(std::chrono::milliseconds timeout) override;
    [[nodiscard]] status abort_transaction(std::chrono::milliseconds timeout) override;
    bool fatal() const override;

private:
    rdkafka_producer() = default;
    static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);
    // The kept handle of a topic (created on first use); nullptr for a bad name.
    rd_kafka_topic_t* topic_handle(std::string_view topic);
    // Runs one transactional call, again while librdkafka says the error is
    // retriable (up to `attempts`); the error otherwise.
    template<class Call>
    status transactional(const char* what, Call&& call, int attempts = 3);

    samsa::kafka::handle_ptr rk_;
    bool closing_ = false;
    bool fatal_ = false;
    // Found by view: a send makes no topic string (a few topics per thread).
    std::map<std::string, rd_kafka_topic_t*, std::less<>> topics_;
};

}  // namespace samsa::streams::internal::kafka
