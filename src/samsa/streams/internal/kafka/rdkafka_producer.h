#pragma once
// rdkafka_producer: record_producer on a librdkafka producer. Each send()
// carries its delivery callback as the message opaque; dr_msg_cb runs it
// inside poll() or flush() on the owner's thread. A full local queue is
// waited out (serving reports) for up to queue_full_timeout.
//
// Threads: the stream thread that owns it.

#include <librdkafka/rdkafka.h>

#include "samsa/streams/internal/kafka/rdkafka_common.h"
#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal::kafka {

class rdkafka_producer final : public record_producer {
public:
    [[nodiscard]] static result<std::unique_ptr<record_producer>> create(const client_config& config);
    ~rdkafka_producer() override;

    [[nodiscard]] status send(const produced_record& r, delivery_callback on_delivery) override;
    void poll() override;
    [[nodiscard]] status flush(std::chrono::milliseconds timeout) override;
    [[nodiscard]] result<int32_t> partition_count(const std::string& topic,
                                                 std::chrono::milliseconds timeout) override;

private:
    rdkafka_producer() = default;
    static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);

    rd_kafka_ptr rk_;
};

}  // namespace samsa::streams::internal::kafka
