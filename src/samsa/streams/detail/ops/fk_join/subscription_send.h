#pragma once
// KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION (Kafka Streams'
// SubscriptionSendProcessorSupplier): turns each change of a left-table row
// into subscriptions keyed by foreign key, for the right table's partition.
// It needs the row's old value (the DSL asks the left table for it) to
// unsubscribe from a foreign key the row no longer refers to.
//
// Kafka Streams 3.8's rules, kept as they were there (later Kafka changed
// them: KAFKA-16407/16434 and KAFKA-16394/18713, in 4.1 and after; noted
// below). Old FK from the old value, new FK from the new value:
//
// Inner join:
//   insert                      -> new FK: PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE
//   update (same FK or changed) -> if changed, old FK: DELETE_KEY_NO_PROPAGATE;
//                                  then new FK: PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE
//   delete                      -> old FK: DELETE_KEY_AND_PROPAGATE
//   a null old or new FK        -> skipped (logged, counted): 3.8 neither
//                                  joins a row whose previous FK was null nor
//                                  retracts the result of a row whose FK
//                                  became null (fixed later, KAFKA-16407/16434)
// Left join:
//   old value, FK changed (a delete counts)
//                               -> old FK: DELETE_KEY_AND_PROPAGATE (3.8; the
//                                  response joins the row with no right value,
//                                  or is a tombstone for a delete, and so a
//                                  changed FK emits "row/null" first and a
//                                  delete two tombstones; later Kafka sends
//                                  DELETE_KEY_NO_PROPAGATE, KAFKA-18713)
//   then, for any old or new value
//                               -> new FK (possibly null): PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE
//   a delete of a row that was not there sends nothing
// "Changed" compares the serialized foreign keys. Every subscription carries
// the hash of the new value's serialized bytes (none for a delete) and the
// partition of the left row.
//
// Threads: the task's.
#include <functional>

#include <spdlog/spdlog.h>

#include "samsa/streams/detail/ops/fk_join/subscription_wrapper.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal::fk_join {

template<class K, class V, class KO>
class subscription_send final : public processor_base<K, change<V>, KO, subscription_wrapper<K>> {
public:
    // The user's extractor; nullopt is Java's null foreign key.
    using extractor = std::function<std::optional<KO>(const V&)>;
    subscription_send(extractor fk, serde<KO> fk_serde, serde<V> value_serde, std::string subscription_topic,
                      bool left_join)
        : fk_(std::move(fk)), fk_serde_(std::move(fk_serde)), value_serde_(std::move(value_serde)),
          subscription_topic_(std::move(subscription_topic)), left_join_(left_join) {}

    void init(processor_context<KO, subscription_wrapper<K>>& ctx) override {
        ctx_ = &ctx;
        // Kafka's pseudo topics for these serdes: the decorated subscription
        // topic with "-fk" and "-vh".
        fk_topic_ = ctx.application_id() + "-" + subscription_topic_ + "-fk";
        hash_topic_ = ctx.application_id() + "-" + subscription_topic_ + "-vh";
    }

    void process(record<K, change<V>>&& r) override {
        hash_.reset();
        hashed_ = false;
        if (left_join_) left_join_instructions(r);
        else inner_join_instructions(r);
    }

private:
    void left_join_instructions(const record<K, change<V>>& r) {
        const auto& c = *r.value;
        if (c.old_value) {
            std::optional<KO> old_fk = fk_(*c.old_value);
            std::optional<KO> new_fk = c.new_value ? fk_(*c.new_value) : std::nullopt;
            if (old_fk && serialized(new_fk) != serialized(old_fk)) {
                send(r, old_fk, instruction::delete_key_and_propagate);
            }
            send(r, new_fk, instruction::propagate_null_if_no_fk_val_available);
        } else if (c.new_value) {
            // A null FK goes out too: no subscription is stored for it, but
            // its response yields the row with no right value.
            send(r, fk_(*c.new_value), instruction::propagate_null_if_no_fk_val_available);
        }
    }

    void inner_join_instructions(const record<K, change<V>>& r) {
        const auto& c = *r.value;
        if (c.old_value) {
            std::optional<KO> old_fk = fk_(*c.old_value);
            if (!old_fk) return skipped_null_foreign_key();  // 3.8 (KAFKA-16407)
            if (!c.new_value) return send(r, old_fk, instruction::delete_key_and_propagate);
            std::optional<KO> new_fk = fk_(*c.new_value);
            if (!new_fk) return skipped_null_foreign_key();  // 3.8 (KAFKA-16434)
            if (serialized(new_fk) != serialized(old_fk)) send(r, old_fk, instruction::delete_key_no_propagate);
            // Propagate null if the new FK has no row: the previous result
            // (if any) must be unset.
            send(r, new_fk, instruction::propagate_null_if_no_fk_val_available);
        } else if (c.new_value) {
            std::optional<KO> new_fk = fk_(*c.new_value);
            if (!new_fk) return skipped_null_foreign_key();
            send(r, new_fk, instruction::propagate_only_if_fk_val_available);
        }
    }

    std::optional<samsa::bytes> serialized(const std::optional<KO>& fk) const {
        if (!fk) return std::nullopt;
        return fk_serde_.serialize(fk_topic_, *fk);
    }

    const std::optional<hash128>& value_hash(const record<K, change<V>>& r) {
        if (!hashed_) {
            if (r.value->new_value) hash_ = murmur3_hash128(value_serde_.serialize(hash_topic_, *r.value->new_value));
            hashed_ = true;
        }
        return hash_;
    }

    void send(const record<K, change<V>>& r, const std::optional<KO>& fk, instruction instr) {
        subscription_wrapper<K> w;
        w.hash = value_hash(r);
        w.instr = instr;
        w.primary_key = *r.key;
        // Kafka reads the partition from the record's metadata; a
        // punctuator's write has none, and the task's partition is the same.
        const auto& m = ctx_->record_metadata();
        w.primary_partition = m ? m->partition : 0;
        ctx_->forward(record<KO, subscription_wrapper<K>>{fk, std::move(w), r.timestamp, r.headers});
    }

    void skipped_null_foreign_key() {
        const auto& m = ctx_->record_metadata();
        spdlog::warn("Skipping record due to null foreign key. topic=[{}] partition=[{}] offset=[{}]",
                     m ? m->topic : "", m ? m->partition : -1, m ? m->offset : -1);
        ctx_->record_dropped();
    }

    extractor fk_;
    serde<KO> fk_serde_;
    serde<V> value_serde_;
    std::string subscription_topic_;
    bool left_join_;
    std::string fk_topic_;
    std::string hash_topic_;
    std::optional<hash128> hash_;
    bool hashed_ = false;
    processor_context<KO, subscription_wrapper<K>>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal::fk_join
