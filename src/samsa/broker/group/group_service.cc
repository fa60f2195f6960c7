#include "samsa/broker/group/group_service.h"

#include <spdlog/spdlog.h>

#include "samsa/broker/broker.h"
#include "samsa/broker/config/config_def.h"
#include "samsa/broker/group/asio_group_timers.h"
#include "samsa/broker/purgatory/fetch_purgatory.h"
#include "samsa/broker/producer/producer_state_manager.h"
#include "samsa/broker/topics/internal_topic_replay.h"
#include "samsa/record/control_record.h"
#include "samsa/record/record_batch.h"
#include "samsa/record/records.h"

namespace samsa::broker::group {

group_config make_group_config(const broker& b) {
    group_config c;
    c.initial_rebalance_delay =
        std::chrono::milliseconds(b.config().int_value_or("group.initial.rebalance.delay.ms", c.initial_rebalance_delay.count()));
    c.min_session_timeout =
        std::chrono::milliseconds(b.config().int_value_or("group.min.session.timeout.ms", c.min_session_timeout.count()));
    c.max_session_timeout =
        std::chrono::milliseconds(b.config().int_value_or("group.max.session.timeout.ms", c.max_session_timeout.count()));
    c.max_size = static_cast<int32_t>(b.config().int_value_or("group.max.size", c.max_size));
    c.max_metadata_bytes = static_cast<int32_t>(b.config().int_value_or("offset.metadata.max.bytes", c.max_metadata_bytes));
    c.offsets_partitions = static_cast<int32_t>(b.config().int_value_or("offsets.topic.num.partitions", c.offsets_partitions));
    c.offsets_retention = std::chrono::minutes(b.config().int_value_or("offsets.retention.minutes", 10080));
    c.offsets_retention_check_interval = std::chrono::milliseconds(
        b.config().int_value_or("offsets.retention.check.interval.ms", c.offsets_retention_check_interval.count()));
    return c;
}

// Appends the coordinator's records to __consumer_offsets as ordinary
// record batches (key and value bytes in Kafka's formats).
class group_service::topic_offsets_log : public offsets_log {
public:
    topic_offsets_log(broker& b, int32_t partitions) : broker_(b), partitions_(partitions) {}

    status append(int32_t partition, const std::vector<offsets_record>& records) override {
        if (records.empty()) return ok();
        auto log = partition_log(partition);
        if (!log) return log.error();
        timestamp_ms now = broker::now();
        record::record_batch_builder builder;
        for (const auto& r : records) builder.add(record::record{r.key, r.value, now, {}});
        bytes batch = builder.build();
        auto appended = (*log)->append(std::span<uint8_t>(batch), now);
        if (!appended) return appended.error();
        broker_.waiters().notify(offsets_topic, partition_id(partition));
        return ok();
    }

    // Kafka writes a TxnOffsetCommit as a transactional batch of the
    // producer, base sequence 0 (the coordinator's own writes skip the
    // sequence rules, not the epoch check), through the partition's
    // producer state so that the partition's open transactions and last
    // stable offset include it.
    status append_transactional(int32_t partition, const std::vector<offsets_record>& records,
                                txn_producer producer) override {
        if (records.empty()) return ok();
        auto log = partition_log(partition);
        if (!log) return log.error();
        const topic_metadata* meta = broker_.topics().find(offsets_topic);
        auto state = broker_.producers().state_for(offsets_topic, partition_id(partition), meta->id, **log);
        if (!state) return state.error();
        if (auto verdict = (*state)->check_epoch(producer.id, producer.epoch); !verdict.ok())
            return make_error(errc::invalid_argument, verdict.message);
        timestamp_ms now = broker::now();
        record::record_batch_builder builder;
        builder.producer({producer.id, producer.epoch, 0, /*transactional=*/true});
        for (const auto& r : records) builder.add(record::record{r.key, r.value, now, {}});
        bytes batch = builder.build();
        auto appended = (*log)->append(std::span<uint8_t>(batch), now);
        if (!appended) return appended.error();
        auto header = record::read_batch_header(batch);
        if (header) (*state)->record(*header, appended->base_offset, timestamp_ms(-1));
        producer::publish_stable_offset(**state, **log);
        broker_.waiters().notify(offsets_topic, partition_id(partition));
        return ok();
    }

private:
    // The partition, creating the topic at the first write.
    result<storage::partition_log*> partition_log(int32_t partition) {
        topic_manager& topics = broker_.topics();
        if (!topics.find(offsets_topic)) {
            auto created = topics.create_topic(offsets_topic, partitions_, {{"cleanup.policy", "compact"}});
            if (!created && created.error().code != errc::already_exists) return created.error();
            spdlog::info("created the internal topic {} with {} partitions", offsets_topic, partitions_);
        }
        storage::partition_log* log = topics.log(offsets_topic, partition_id(partition));
        if (!log) return make_error(errc::not_found, fmt::format("{}-{} does not exist", offsets_topic, partition));
        return log;
    }

    broker& broker_;
    int32_t partitions_;
};

group_service::group_service(broker& b) : broker_(b) {
    group_config config = make_group_config(b);
    // An existing topic decides the partition count: the mapping of groups
    // to partitions must not change under the records already written.
    if (const auto* meta = b.topics().find(offsets_topic)) config.offsets_partitions = meta->partition_count;
    timers_ = std::make_unique<asio_group_timers>(b.io());
    log_ = std::make_unique<topic_offsets_log>(b, config.offsets_partitions);
    coordinator_ = std::make_unique<group_coordinator>(config, *timers_, *log_);
}

group_service::~group_service() { coordinator_.reset(); }

void group_service::load() {
    replay_internal_topic(broker_.topics(), offsets_topic, [this](const replayed_batch& batch, replay_counts& counts) {
        const auto& h = batch.decoded.header();
        if (h.control()) {
            // A transaction's marker: its pending offsets count or go.
            auto marker = record::read_end_txn_marker(batch.raw);
            if (marker && *marker)
                coordinator_->load_txn_marker(batch.partition, producer_id(h.producer_id),
                                              (*marker)->type == record::control_type::commit);
            return;
        }
        std::optional<producer_id> txn;
        if (h.transactional()) txn = producer_id(h.producer_id);
        load_replayed_records(offsets_topic, batch, counts, [&](bytes_view key, const std::optional<bytes_view>& value) {
            return coordinator_->load_record(key, value, txn);
        });
    });
    coordinator_->finish_loading();
}

void group_service::shutdown() { coordinator_->shutdown(); }

}  // namespace samsa::broker::group
