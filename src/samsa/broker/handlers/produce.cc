// Produce: validate every batch of every partition, check the idempotent
// producer's sequences, append, answer with the base offset. Each batch's
// header is read once, by validation, into a record::validated_batch list
// that every later stage takes instead of the bytes (docs/produce-path.md;
// produce_one_pass_test counts the reads). On one node
// acks=1 and acks=all (-1) are the same promise by default: the batch is in
// the partition log (written to the page cache, so a killed broker process
// loses nothing it acknowledged) and it is fsynced as the flush settings say
// (flush.messages / flush.ms; log.flush.interval.*). A power loss can still
// lose what was not fsynced, exactly as with a Kafka cluster of one. With
// samsa.durable.acks=true an acks=all answer waits until an fsync covering
// its batches completed (producer/durable_acks.h, group commit). acks=0 gets
// no response; if it fails, the connection is closed, as Kafka does, so the
// producer notices and refreshes metadata.
//
// Idempotence (producer/producer_state.h): batches carrying a producer id
// are checked against the partition's producer state before anything is
// written; a resent batch is answered with its original offsets and not
// written again; the state records each appended batch.
//
// A topic's rules (max.message.bytes, cleanup.policy, compression.type,
// message.timestamp.*) are read from its topic_properties, typed when its
// configs last changed, never resolved from config strings here.
//
// Authorization (Kafka 3.8's KafkaApis): Write on the transactional id when
// the request names one, Write on each topic (TOPIC_AUTHORIZATION_FAILED per
// partition). Idempotent producers were checked by InitProducerId.
//
// Transactions: a transactional batch needs the request's transactional id,
// and its partition must be in that id's open transaction (the coordinator
// checks: Kafka 3.8's verification, so a stray batch cannot open a
// transaction no marker would ever close); once appended, the partition's
// last stable offset follows its open transactions.

#include <algorithm>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/purgatory/fetch_purgatory.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/broker/handlers/quota_handlers.h"
#include "samsa/broker/handlers/topic_lookup.h"
#include "samsa/broker/topics/topic_properties.h"
#include "samsa/broker/metrics/broker_metrics.h"
#include "samsa/broker/producer/durable_acks.h"
#include "samsa/broker/producer/producer_state_manager.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/record/batch_recompress.h"
#include "samsa/record/compression.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/record/record_batch.h"
#include "samsa/record/records.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

struct partition_outcome {
    error_code error = error_code::none;
    std::string message;
};

// Decompressed records are capped (a small compressed batch must not expand
// without limit in memory).
constexpr size_t max_uncompressed_batch_bytes = 128u << 20;

struct topic_rules {
    int64_t max_message_bytes = 0;
    bool compacted = false;          // records need keys
    // CreateTime with message.timestamp.before/after.max.ms set: every
    // record's timestamp is checked against the broker's clock.
    bool check_timestamps = false;
    bool log_append_time = false;    // message.timestamp.type=LogAppendTime
    int64_t timestamp_before_max_ms = 0;
    int64_t timestamp_after_max_ms = 0;
    int64_t now_ms = 0;
    error_code invalid_record = error_code::corrupt_message;  // INVALID_RECORD from Produce v8
    bool has_transactional_id = false;  // the request names one
    int16_t request_version = 0;
    topic_compression compression;  // compression.type: the codec batches are stored in
};

// Kafka's ProduceRequest.validateRecords, before any log is touched: from
// v3 a partition's records are one v2 batch. Its refusals are INVALID_RECORD
// (87) at every version.
partition_outcome refuse_old_or_cut_batches(std::optional<int> magic, int16_t version) {
    const std::string v = std::to_string(version);
    if (magic) {
        return {error_code::invalid_record, "Produce requests with version " + v +
                                                " are only allowed to contain record batches with magic version 2"};
    }
    return {error_code::invalid_record,
            "Produce requests with version " + v + " must have at least one record batch per partition"};
}

// Kafka's ProduceRequest.validateRecords: zstd came with Produce v7
// (KIP-110); an older request carrying a zstd batch is from a client that
// cannot know it, and is refused before anything is written.
bool zstd_before_v7(const result<record::record_batch_header>& h, const topic_rules& rules) {
    if (rules.request_version < 3 || rules.request_version >= 7) return false;
    return h && h->codec() == record::compression_codec::zstd;
}

partition_outcome refuse_zstd_before_v7(int16_t version) {
    return {error_code::unsupported_compression_type,
            "Produce requests with version " + std::to_string(version) + " are not allowed to use ZStandard compression"};
}

// Kafka 3.8's LogValidator.validateTimestamp under CreateTime: a record
// timestamp (other than -1, none) further than message.timestamp.before.max.ms
// behind the broker's clock or .after.max.ms ahead of it is INVALID_TIMESTAMP.
std::optional<partition_outcome> check_timestamp(const record::batch_records& batch, const record::record_view& r,
                                                 const topic_rules& rules) {
    const int64_t ts = batch.timestamp_of(r)();
    if (ts == -1) return std::nullopt;
    // Overflow-free forms of now - ts > before and ts - now > after.
    const bool too_old = ts < rules.now_ms && rules.now_ms - ts > rules.timestamp_before_max_ms;
    const bool too_new = ts > rules.now_ms && ts - rules.now_ms > rules.timestamp_after_max_ms;
    if (!too_old && !too_new) return std::nullopt;
    auto bound = [](int64_t now, int64_t delta, int sign) {
        int64_t out = 0;
        if (sign < 0 ? __builtin_sub_overflow(now, delta, &out) : __builtin_add_overflow(now, delta, &out))
            return sign < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
        return out;
    };
    return partition_outcome{
        error_code::invalid_timestamp,
        fmt::format("Timestamp {} of message with offset {} is out of range. The timestamp should be within [{}, {}]", ts,
                    batch.offset_of(r)(), bound(rules.now_ms, rules.timestamp_before_max_ms, -1),
                    bound(rules.now_ms, rules.timestamp_after_max_ms, 1))};
}

// Kafka 3.8's LogValidator.validateTimestamp on a batch the producer marked
// LogAppendTime (a producer never should): its records read as the batch's
// max timestamp. On a CreateTime topic one with a timestamp is checked like
// any record (check_timestamp) and the log stores the batch as CreateTime
// (partition_log::append); one with none (-1), and every such batch on a
// LogAppendTime topic, is INVALID_TIMESTAMP, worded as Kafka words it.
std::optional<partition_outcome> refuse_log_append_time_batch(bytes_view batch, const record::record_batch_header& h,
                                                              const topic_rules& rules) {
    if (!h.log_append_time() || (!rules.log_append_time && h.max_timestamp != -1)) return std::nullopt;
    auto decoded = record::batch_records::decode(batch, h, max_uncompressed_batch_bytes);
    if (!decoded) return partition_outcome{rules.invalid_record, decoded.error().message};
    if (decoded->records().empty()) return std::nullopt;
    const auto& r = decoded->records().front();
    return partition_outcome{
        error_code::invalid_timestamp,
        fmt::format("Invalid timestamp type in message DefaultRecord(offset={}, timestamp={}, key={} bytes, value={} "
                    "bytes). Producer should not set timestamp type to LogAppendTime.",
                    decoded->offset_of(r)(), decoded->timestamp_of(r)(), r.key ? r.key->size() : 0,
                    r.value ? r.value->size() : 0)};
}

// Checks the record set of one partition as Kafka's LogValidator does
// before anything is written: whole v2 batches, each with a good CRC and no
// larger than max.message.bytes. This is the one place a produced batch's
// header is read: each accepted batch goes into `validated`, which every
// later stage (transaction and sequence checks, recompression, the append,
// the producer state) reads instead of the bytes.
partition_outcome validate_record_set(bytes_view records, const topic_rules& rules,
                                      std::vector<record::validated_batch>& validated) {
    validated.clear();
    const int64_t max_message_bytes = rules.max_message_bytes;
    const bool v3_rules = rules.request_version >= 3;
    if (records.empty()) {
        if (v3_rules) return refuse_old_or_cut_batches(std::nullopt, rules.request_version);
        return {error_code::corrupt_message, "empty record set"};
    }
    record::batch_splitter split(records);
    int batches = 0;
    while (auto batch = split.next()) {
        ++batches;
        if (batch->size() >= 17 && (*batch)[16] != 2) {
            if (v3_rules) return refuse_old_or_cut_batches(int((*batch)[16]), rules.request_version);
            return {error_code::unsupported_for_message_format,
                    "record batch magic " + std::to_string(int((*batch)[16])) + " (only v2 is accepted)"};
        }
        const auto h = record::read_batch_header(*batch);
        if (batches == 1 && zstd_before_v7(h, rules)) return refuse_zstd_before_v7(rules.request_version);
        if (static_cast<int64_t>(batch->size()) > max_message_bytes) {
            return {error_code::message_too_large, "batch of " + std::to_string(batch->size()) +
                                                       " bytes is over max.message.bytes " +
                                                       std::to_string(max_message_bytes)};
        }
        if (!h) return {error_code::corrupt_message, h.error().message};
        if (auto s = record::validate_batch(*batch, *h); !s) return {error_code::corrupt_message, s.error().message};
        // Control batches are written by the broker only (Kafka's
        // LogValidator).
        if (h->control()) return {rules.invalid_record, "control batches cannot be produced by clients"};
        // Kafka authorizes transactional records against the request's
        // transactional id: none is a refusal.
        if (h->transactional() && !rules.has_transactional_id) {
            return {error_code::transactional_id_authorization_failed,
                    "a transactional batch in a request without a transactional id"};
        }
        if (auto s = record::validate_records(*batch, *h, max_uncompressed_batch_bytes); !s) {
            return {rules.invalid_record, s.error().message};
        }
        if (auto refused = refuse_log_append_time_batch(*batch, *h, rules)) return *refused;
        if (rules.compacted || rules.check_timestamps) {
            auto decoded = record::batch_records::decode(*batch, *h, max_uncompressed_batch_bytes);
            if (!decoded) return {rules.invalid_record, decoded.error().message};
            for (const auto& r : decoded->records()) {
                if (rules.compacted && !r.key)
                    return {rules.invalid_record, "Compacted topic cannot accept message without key."};
                if (rules.check_timestamps) {
                    if (auto refused = check_timestamp(*decoded, r, rules)) return *refused;
                }
            }
        }
        validated.push_back({*h, split.consumed() - batch->size()});
    }
    if (split.truncated() || split.consumed() != records.size()) {
        // A length field larger than what follows: an old-format message set
        // or a cut batch. Report the magic if it is readable.
        size_t at = split.consumed();
        if (v3_rules && records.size() >= at + 17 && records[at + 16] != 2)
            return refuse_old_or_cut_batches(int(records[at + 16]), rules.request_version);
        if (v3_rules && batches == 0) return refuse_old_or_cut_batches(std::nullopt, rules.request_version);
        if (records.size() >= at + 17 && records[at + 16] != 2) {
            return {error_code::unsupported_for_message_format,
                    "record batch magic " + std::to_string(int(records[at + 16])) + " (only v2 is accepted)"};
        }
        return {error_code::corrupt_message, "truncated record batch"};
    }
    if (batches == 0) return {error_code::corrupt_message, "no record batch"};
    return {};
}

// Kafka's LogValidator when compression.type names a codec: the batches not
// already in it (control batches aside) are rewritten. nullopt when none
// needs it, so the request's own buffer is appended with no copy. A rewrite
// that grows past max.message.bytes is RECORD_LIST_TOO_LARGE, as Kafka's
// check of recompressed batches in UnifiedLog.append.
struct recompressed {
    std::optional<bytes> records;
    std::vector<record::validated_batch> validated;  // of `records`
    partition_outcome outcome;
};

recompressed recompress_record_set(bytes_view records, std::span<const record::validated_batch> validated,
                                   const topic_rules& rules) {
    const auto target = *rules.compression.codec;
    const bool any = std::any_of(validated.begin(), validated.end(), [&](const record::validated_batch& b) {
        return record::needs_recompression(b.header, target);
    });
    if (!any) return {};
    recompressed out;
    out.records.emplace().reserve(records.size());
    out.validated.reserve(validated.size());
    for (const auto& b : validated) {
        const size_t position = out.records->size();
        bytes_view batch = records.subspan(b.position, b.size());
        if (!record::needs_recompression(b.header, target)) {
            out.records->insert(out.records->end(), batch.begin(), batch.end());
            out.validated.push_back({b.header, position});
            continue;
        }
        auto rewritten = record::recompress_batch(batch, b.header, target, rules.compression.level,
                                                    max_uncompressed_batch_bytes);
        if (!rewritten) return {std::nullopt, {}, {rules.invalid_record, rewritten.error().message}};
        if (static_cast<int64_t>(rewritten->batch.size()) > rules.max_message_bytes) {
            return {std::nullopt, {}, {error_code::record_list_too_large,
                                       fmt::format("batch of {} bytes once compressed with {} is over max.message.bytes {}",
                                                   rewritten->batch.size(), record::name(target), rules.max_message_bytes)}};
        }
        out.records->insert(out.records->end(), rewritten->batch.begin(), rewritten->batch.end());
        out.validated.push_back({rewritten->header, position});
    }
    return out;
}

// The idempotent producer's verdict on one partition's record set (already
// validated): the first refusal or duplicate wins, as in Kafka's
// analyzeAndValidateProducerState.
producer::batch_verdict check_sequences(const producer::partition_producer_state& state,
                                        std::span<const record::validated_batch> validated) {
    std::vector<const record::record_batch_header*> idempotent;
    for (const auto& b : validated) {
        if (b.header.producer_id >= 0) idempotent.push_back(&b.header);
    }
    if (idempotent.size() == 1) return state.check(*idempotent.front());
    // Several batches (clients send one per partition): each is checked
    // against the state as the ones before it leave it.
    std::optional<producer::partition_producer_state> scratch;
    for (const auto* h : idempotent) {
        auto verdict = (scratch ? *scratch : state).check(*h);
        if (!verdict.ok() || verdict.duplicate) return verdict;
        if (!scratch) scratch = state;
        scratch->record(*h, offset(0), timestamp_ms(-1));
    }
    return {};
}

// Records the appended batches that carry a producer id (their headers as
// partition_log::append stamped them); true when one was transactional (the
// stable offset may have moved).
bool record_appended(producer::partition_producer_state& state, std::span<const record::validated_batch> appended,
                     timestamp_ms log_append_time) {
    bool transactional = false;
    for (const auto& b : appended) {
        const auto& h = b.header;
        if (h.producer_id >= 0) state.record(h, offset(h.base_offset), log_append_time);
        if (h.transactional()) transactional = true;
    }
    return transactional;
}

// The transaction coordinator's word on the transactional batches of one
// partition (all of one producer: clients send one batch per partition).
producer::batch_verdict verify_transaction(broker& b, const std::string& transactional_id, const std::string& topic,
                                           partition_id partition, std::span<const record::validated_batch> validated) {
    for (const auto& batch : validated) {
        const auto& h = batch.header;
        if (!h.transactional()) continue;
        auto e = b.transactions().verify(transactional_id, {producer_id(h.producer_id), producer_epoch(h.producer_epoch)},
                                         {topic, partition});
        if (e == error_code::none) continue;
        // A producer the coordinator fenced: Produce's word for it.
        if (e == error_code::producer_fenced) e = error_code::invalid_producer_epoch;
        return {e, fmt::format("transactional id {}, producer {} epoch {}: {}-{} is not in its transaction ({})",
                               transactional_id, h.producer_id, h.producer_epoch, topic, partition(),
                               protocol::name(e)),
                std::nullopt};
    }
    return {};
}

// A Produce answered once its fsyncs completed (samsa.durable.acks).
struct durable_answer {
    request_context ctx;
    protocol::produce_response response;
};

void answer_after_sync(broker& b, request_context ctx, protocol::produce_response response, std::vector<int> fds) {
    auto pending = std::make_shared<durable_answer>(durable_answer{std::move(ctx), std::move(response)});
    b.durable()->submit(std::move(fds), [pending](bool synced) {
        if (!synced) {
            // Written but maybe not durable: the producer retries, and an
            // idempotent one gets its original offsets once a sync succeeds.
            for (auto& t : pending->response.responses) {
                for (auto& p : t.partition_responses) {
                    if (p.error_code != error_code::none) continue;
                    p.error_code = error_code::kafka_storage_error;
                    p.base_offset = offset(-1);
                    p.error_message = "fsync failed";
                }
            }
        }
        pending->ctx.respond(pending->response);
    });
}

}  // namespace

void handle_produce(request_context ctx) {
    auto request = ctx.decode<protocol::produce_request>();
    if (!request) return;
    broker& b = *ctx.b;
    const int16_t acks = request->acks;
    bool any_error = false;
    std::string first_error;
    const bool durable = b.durable() != nullptr;
    std::vector<int> sync_fds;  // durable acks: the segments written to

    // Kafka: Write on the transactional id, else every partition fails.
    const bool transactional_id_denied =
        request->transactional_id &&
        !authorized_on_transactional_id(ctx, acl_op::write, *request->transactional_id);

    // Each partition's batches as validation read them (reused across
    // partitions): the only parse of their headers.
    std::vector<record::validated_batch> validated;

    protocol::produce_response response;
    response.responses.reserve(request->topic_data.size());
    for (auto& topic : request->topic_data) {
        protocol::topic_produce_response tr;
        tr.name = topic.name;
        error_code topic_error = error_code::none;
        const topic_metadata* meta = nullptr;
        if (acks != 0 && acks != 1 && acks != -1) {
            topic_error = error_code::invalid_required_acks;
        } else if (transactional_id_denied) {
            topic_error = error_code::transactional_id_authorization_failed;
        } else if (!authorized_on_topic(ctx, acl_op::write, topic.name)) {
            // Checked before the lookup: a denied producer learns nothing
            // about the topic, not even whether it exists.
            topic_error = error_code::topic_authorization_failed;
        } else {
            // Never auto-created here, as Kafka: the client's Metadata does that.
            auto found = find_topic(b, topic.name);
            topic_error = found.error;
            meta = found.topic;
        }
        topic_rules rules;
        if (meta) {
            // Typed when the topic's configs last changed (topic_properties.h).
            const topic_properties& props = meta->properties;
            rules.max_message_bytes = props.max_message_bytes;
            rules.log_append_time = props.log_append_time();
            rules.compacted = props.compacted();
            if (props.checks_timestamps()) {
                rules.check_timestamps = true;
                rules.timestamp_before_max_ms = props.message_timestamp_before_max_ms;
                rules.timestamp_after_max_ms = props.message_timestamp_after_max_ms;
                rules.now_ms = broker::now()();
            }
            if (ctx.version() >= 8) rules.invalid_record = error_code::invalid_record;
            rules.has_transactional_id = request->transactional_id.has_value();
            rules.request_version = ctx.version();
            rules.compression = props.compression;
        }

        for (auto& part : topic.partition_data) {
            protocol::partition_produce_response pr;
            pr.index = part.index;
            pr.error_code = topic_error;
            storage::partition_log* log = meta ? b.topics().log(meta->name, part.index) : nullptr;
            if (pr.error_code == error_code::none && !log) pr.error_code = error_code::unknown_topic_or_partition;
            if (pr.error_code == error_code::none) {
                auto check = validate_record_set(part.records.view(), rules, validated);
                if (check.error != error_code::none) {
                    pr.error_code = check.error;
                    pr.error_message = check.message;
                    spdlog::warn("produce to {}-{} from {} refused: {}", topic.name, part.index(), ctx.peer,
                                 check.message);
                }
            }
            // Loaded before the first append to the partition, so that the
            // snapshot and the log replay see the log as it was at start-up.
            producer::partition_producer_state* producers = nullptr;
            if (pr.error_code == error_code::none) {
                auto state = b.producers().state_for(meta->name, part.index, meta->id, *log);
                if (!state) {
                    pr.error_code = to_error_code(state.error(), operation::produce);
                    pr.error_message = state.error().message;
                    spdlog::error("{}", state.error().message);
                } else {
                    producers = *state;
                }
            }
            if (pr.error_code == error_code::none && request->transactional_id) {
                auto v = verify_transaction(b, *request->transactional_id, meta->name, part.index, validated);
                if (!v.ok()) {
                    pr.error_code = v.error;
                    pr.error_message = v.message;
                    spdlog::debug("produce to {}-{} from {} refused: {}", topic.name, part.index(), ctx.peer, v.message);
                }
            }
            std::optional<producer::batch_metadata> duplicate;
            if (pr.error_code == error_code::none) {
                auto verdict = check_sequences(*producers, validated);
                if (!verdict.ok()) {
                    pr.error_code = verdict.error;
                    pr.error_message = verdict.message;
                    spdlog::debug("produce to {}-{} from {} refused: {}", topic.name, part.index(), ctx.peer,
                                  verdict.message);
                }
                duplicate = verdict.duplicate;
            }
            // compression.type other than `producer`: the batches to store.
            recompressed rewrite;
            if (pr.error_code == error_code::none && !duplicate && rules.compression.codec) {
                rewrite = recompress_record_set(part.records.view(), validated, rules);
                if (rewrite.outcome.error != error_code::none) {
                    pr.error_code = rewrite.outcome.error;
                    pr.error_message = rewrite.outcome.message;
                    spdlog::warn("produce to {}-{} from {} refused: {}", topic.name, part.index(), ctx.peer,
                                 rewrite.outcome.message);
                }
            }
            if (pr.error_code == error_code::none && duplicate) {
                // Kafka's answer to a resent batch: success, original offsets.
                spdlog::info("produce to {}-{} from {}: resent batch (sequences {}..{}) answered with its original "
                             "offsets {}..{}",
                             topic.name, part.index(), ctx.peer, duplicate->first_seq, duplicate->last_seq,
                             duplicate->first_offset(), duplicate->last_offset());
                pr.base_offset = duplicate->first_offset;
                pr.log_append_time_ms = duplicate->timestamp;
                pr.log_start_offset = log->log_start_offset();
                if (durable && acks == -1) {
                    if (auto s = producer::durable_acks::add_segment_fds(*log, duplicate->first_offset,
                                                                         duplicate->last_offset, sync_fds);
                        !s) {
                        pr.error_code = error_code::kafka_storage_error;
                        pr.error_message = s.error().message;
                    }
                }
            } else if (pr.error_code == error_code::none) {
                // The records are borrowed from our own frame buffer; the log
                // stamps offsets into them in place before writing.
                bytes_view view = part.records.view();
                std::span<uint8_t> writable(ctx.frame.data() + (view.data() - ctx.frame.data()), view.size());
                std::span<record::validated_batch> batches(validated);
                if (rewrite.records) {
                    writable = std::span<uint8_t>(*rewrite.records);
                    batches = rewrite.validated;
                }
                auto appended = log->append(writable, batches, broker::now());
                if (!appended) {
                    pr.error_code = to_error_code(appended.error(), operation::produce);
                    pr.error_message = appended.error().message;
                    spdlog::error("append to {}-{} failed: {}", topic.name, part.index(), appended.error().message);
                } else {
                    if (record_appended(*producers, batches, appended->log_append_time))
                        producer::publish_stable_offset(*producers, *log);
                    pr.base_offset = appended->base_offset;
                    pr.log_append_time_ms = appended->log_append_time;
                    pr.log_start_offset = appended->log_start_offset;
                    b.metrics().appended(topic.name, static_cast<uint64_t>(appended->last_offset() - appended->base_offset() + 1),
                                         view.size());
                    b.waiters().notify(topic.name, part.index);
                    if (durable && acks == -1) {
                        if (auto s = producer::durable_acks::add_segment_fds(*log, appended->base_offset,
                                                                             appended->last_offset, sync_fds);
                            !s) {
                            pr.error_code = error_code::kafka_storage_error;
                            pr.error_message = s.error().message;
                        }
                    }
                }
            }
            if (pr.error_code != error_code::none) {
                if (!any_error) {
                    first_error = topic.name + "-" + std::to_string(part.index()) + ": " +
                                  std::string(protocol::name(pr.error_code));
                }
                any_error = true;
                pr.log_start_offset = log ? log->log_start_offset() : offset(-1);
            }
            tr.partition_responses.push_back(std::move(pr));
        }
        response.responses.push_back(std::move(tr));
    }

    // produce_byte_rate: the whole request counts, as in Kafka; a throttled
    // producer's connection is muted for the throttle time.
    response.throttle_time_ms =
        record_quota(ctx, security::quota::quota_kind::produce, static_cast<double>(ctx.frame.size()));
    if (acks == 0) {
        if (any_error) {
            ctx.slot.close("acks=0 produce failed (" + first_error + ")");
        } else {
            ctx.slot.skip();
        }
        return;
    }
    if (!sync_fds.empty()) {
        answer_after_sync(b, std::move(ctx), std::move(response), std::move(sync_fds));
        return;
    }
    ctx.respond(response);
}

}  // namespace samsa::broker
