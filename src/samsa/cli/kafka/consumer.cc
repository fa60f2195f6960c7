#include "samsa/cli/kafka/consumer.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "samsa/cli/kafka/handle.h"
#include "samsa/kafka/consumer.h"

namespace samsa::cli::kafka {

struct consumer::impl {
    client_config config;
    consumer_options options;
    std::shared_ptr<handle_state> state;
    std::unique_ptr<samsa::kafka::consumer> client;
    bool closed = false;

    impl(const client_config& c, const consumer_options& o)
        : config(c), options(o), state(std::make_shared<handle_state>(c.verbose)) {}
};

consumer::consumer(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}
consumer::~consumer() { (void)close(); }

namespace {

rd_kafka_resp_err_t code_of(const samsa::kafka::client_error& e) { return static_cast<rd_kafka_resp_err_t>(e.kafka_code); }

}  // namespace

result<std::unique_ptr<consumer>> consumer::open(const client_config& config, const consumer_options& options) {
    auto i = std::make_unique<impl>(config, options);
    samsa::kafka::property_list defaults = {
        {"enable.partition.eof", "false"},
        // A record is committed only after the command printed it.
        {"enable.auto.offset.store", "false"},
    };
    if (options.group) {
        defaults.push_back({"group.id", *options.group});
        defaults.push_back({"enable.auto.commit", "true"});
        defaults.push_back({"auto.offset.reset",
                            options.start.where == start_position::kind::beginning ? "earliest" : "latest"});
    } else {
        // No group.id: nothing is ever committed. An offset past the end of the
        // log (--offset 1000 on a short partition) starts at the earliest.
        defaults.push_back({"enable.auto.commit", "false"});
        defaults.push_back({"auto.offset.reset", "earliest"});
    }
    auto properties = client_properties(config, defaults);
    if (!properties) return properties.error();
    auto client = samsa::kafka::consumer::create(*properties, client_hooks(i->state));
    if (!client) return client.error();
    i->client = std::move(*client);
    auto all = topic_partitions(i->client->native(), config, *i->state, options.topic);
    if (!all) return all.error();

    if (options.group) {
        if (auto s = i->client->subscribe({options.topic}); !s) {
            return to_error(code_of(s.error()), fmt::format("cannot subscribe to '{}'", options.topic));
        }
        return std::unique_ptr<consumer>(new consumer(std::move(i)));
    }

    std::vector<int32_t> chosen = options.partitions.empty() ? *all : options.partitions;
    std::vector<samsa::kafka::topic_partition_offset> assignment;
    for (int32_t p : chosen) {
        if (std::find(all->begin(), all->end(), p) == all->end()) {
            return make_error(errc::not_found, fmt::format("topic '{}' has no partition {} (it has {})", options.topic,
                                                           p, all->size()));
        }
        samsa::kafka::topic_partition tp{options.topic, p};
        offset start = samsa::kafka::offset_end;
        switch (options.start.where) {
            case start_position::kind::beginning: start = samsa::kafka::offset_beginning; break;
            case start_position::kind::end: start = samsa::kafka::offset_end; break;
            case start_position::kind::offset: start = offset(options.start.value); break;
            case start_position::kind::time: {
                // ListOffsets by timestamp; a partition with nothing at or after
                // the time starts at its end (offset_end), as Kafka's tools do.
                auto found = i->client->offset_for_time(tp, timestamp_ms(options.start.value), config.timeout);
                if (!found) {
                    if (is_unreachable(code_of(found.error()))) return unreachable_error(config, *i->state);
                    return found.error();
                }
                start = *found;
                break;
            }
        }
        assignment.push_back({tp, start});
    }
    if (auto s = i->client->assign(assignment); !s) return s.error();
    return std::unique_ptr<consumer>(new consumer(std::move(i)));
}

result<std::optional<record>> consumer::poll(std::chrono::milliseconds wait) {
    auto m = impl_->client->poll(wait);
    if (m) {
        if (!*m || (*m)->end_of_partition()) return std::optional<record>();
        return std::optional<record>((*m)->to_record());
    }
    const auto& e = m.error();
    if (e.fatal) return e;
    switch (code_of(e)) {
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_INVALID_GROUP_ID:
            return to_error(code_of(e), fmt::format("cannot consume from '{}'", impl_->options.topic));
        default:
            // Transport trouble and the like: librdkafka retries; note it for a
            // later failure message and carry on.
            impl_->state->note(e.message);
            return std::optional<record>();
    }
}

void consumer::done(const record& r) {
    if (!impl_->options.group) return;
    // Fails only when the partition was revoked meanwhile; the new owner then
    // re-reads this record, which is the at-least-once contract of a group.
    (void)impl_->client->store_offset({{r.topic, r.partition()}, offset(r.offset() + 1)});
}

status consumer::close() {
    if (impl_->closed || !impl_->client) return ok();
    impl_->closed = true;
    if (!impl_->options.group) return samsa::kafka::plain(impl_->client->close(impl_->config.timeout));
    // Commit and leave the group, both within --timeout: the synchronous calls
    // wait for ever on a coordinator that stopped answering.
    auto deadline = std::chrono::steady_clock::now() + impl_->config.timeout;
    status result = ok();
    if (auto committed = impl_->client->commit(impl_->config.timeout); !committed) {
        if (code_of(committed.error()) == RD_KAFKA_RESP_ERR__TIMED_OUT) {
            result = make_error(errc::timed_out, fmt::format("the offsets of group '{}' were not committed within {} ms",
                                                             *impl_->options.group, impl_->config.timeout.count()));
        } else {
            result = to_error(code_of(committed.error()),
                              fmt::format("cannot commit the offsets of group '{}'", *impl_->options.group));
        }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    // Not leaving in time is not the command's failure: the coordinator
    // expires the member after its session timeout.
    (void)impl_->client->close(std::max(left, std::chrono::milliseconds(0)));
    return result;
}

}  // namespace samsa::cli::kafka
