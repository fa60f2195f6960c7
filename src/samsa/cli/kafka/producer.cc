#include "samsa/cli/kafka/producer.h"

#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "samsa/cli/kafka/handle.h"
#include "samsa/kafka/producer.h"

namespace samsa::cli::kafka {

struct producer::impl {
    client_config config;
    std::string topic;
    std::shared_ptr<handle_state> state;
    delivery_report report;  // written by on_delivery, on the command's thread
    size_t sent = 0;
    std::unique_ptr<samsa::kafka::producer> client;
    int partitions = 0;
    std::vector<samsa::kafka::header_view> headers;  // send()'s, reused

    impl(const client_config& c, std::string t)
        : config(c), topic(std::move(t)), state(std::make_shared<handle_state>(c.verbose)) {}

    void on_delivery(const samsa::kafka::delivery_report& d) {
        if (d.result) {
            ++report.delivered;
        } else if (report.failed++ == 0) {
            auto code = static_cast<rd_kafka_resp_err_t>(d.result.error().kafka_code);
            report.first_error = fmt::format("{} ({})", rd_kafka_err2str(code), rd_kafka_err2name(code));
        }
    }
};

producer::producer(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}
producer::~producer() = default;

result<std::unique_ptr<producer>> producer::connect(const client_config& config, const std::string& topic) {
    auto i = std::make_unique<impl>(config, topic);
    const std::string timeout = std::to_string(config.timeout.count());
    auto properties = client_properties(config, {
        // Keyed records go where the Java client would put them; null keys are spread.
        {"partitioner", "murmur2_random"},
        {"acks", "all"},
        {"linger.ms", "5"},
        // A record that cannot be delivered within --timeout fails instead of
        // being retried forever.
        {"message.timeout.ms", timeout},
        {"topic.metadata.propagation.max.ms", timeout},
    });
    if (!properties) return properties.error();
    samsa::kafka::producer_options options;
    options.hooks = client_hooks(i->state);
    options.on_delivery = [self = i.get()](const samsa::kafka::delivery_report& d) { self->on_delivery(d); };
    // Every record is delivered or failed within --timeout, which frees its room.
    options.max_block = config.timeout + std::chrono::seconds(1);
    auto client = samsa::kafka::producer::create(*properties, std::move(options));
    if (!client) return client.error();
    i->client = std::move(*client);
    auto partitions = topic_partitions(i->client->native(), config, *i->state, topic);
    if (!partitions) return partitions.error();
    i->partitions = static_cast<int>(partitions->size());
    return std::unique_ptr<producer>(new producer(std::move(i)));
}

int producer::partition_count() const { return impl_->partitions; }

status producer::send(const record& r) {
    impl_->headers.clear();
    for (const auto& h : r.headers) {
        samsa::kafka::header_view v{h.key, std::nullopt};
        if (h.value) v.value = *h.value;
        impl_->headers.push_back(v);
    }
    samsa::kafka::producer_record out;
    out.topic = impl_->topic;  // the producer's, whatever r.topic says
    out.partition = r.partition() >= 0 ? r.partition : samsa::kafka::any_partition;
    if (r.key) out.key = *r.key;
    if (r.value) out.value = *r.value;
    out.headers = impl_->headers;
    out.timestamp = r.timestamp;
    if (auto s = impl_->client->send(out); !s) {
        auto code = static_cast<rd_kafka_resp_err_t>(s.error().kafka_code);
        return to_error(code, fmt::format("cannot produce to '{}'", impl_->topic));
    }
    ++impl_->sent;
    impl_->client->poll(std::chrono::milliseconds(0));
    return ok();
}

delivery_report producer::flush() {
    auto flushed = impl_->client->flush(impl_->config.timeout + std::chrono::seconds(1));
    auto report = impl_->report;
    size_t outstanding = impl_->sent - report.delivered - report.failed;
    if (!flushed && outstanding > 0) {
        report.failed += outstanding;
        if (report.first_error.empty()) {
            report.first_error = unreachable_error(impl_->config, *impl_->state).message;
        }
    }
    return report;
}

}  // namespace samsa::cli::kafka
