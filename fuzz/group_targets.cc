#include "group_targets.h"

#include <map>

#include <spdlog/spdlog.h>

#include "consumer_offsets_framing.h"
#include "samsa/broker/group/consumer_protocol.h"
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/offsets_records.h"
#include "tests/broker/group/fake_group_timers.h"

namespace samsa::fuzz {

using namespace samsa::broker::group;

namespace {

// Records per input: enough for a group, its members and offsets; few
// enough that one input stays fast.
constexpr size_t max_replayed_records = 64;
// How far the clock moves after the replay: restored sessions expire,
// rebalances complete, offset expiration runs a few times.
constexpr auto replayed_time = std::chrono::hours(1);

// Takes every append: what the coordinator writes after the replay is not
// under test, only that it gets there.
class accepting_offsets_log : public offsets_log {
public:
    status append(int32_t, const std::vector<offsets_record>&) override { return ok(); }
    status append_transactional(int32_t, const std::vector<offsets_record>&, txn_producer) override { return ok(); }
};

bool key_round_trips(bytes_view in) {
    auto key = decode_key(in);
    if (!key) return true;
    auto again = std::visit([](const auto& k) { return decode_key(encode_key(k)); }, *key);
    return again && *again == *key;
}

// Old versions decode into the current one, so the first re-encoding may
// drop fields (v1's expire timestamp); from then on it must be stable.
template<class Decode>
bool value_round_trips(bytes_view in, Decode decode) {
    auto value = decode(in);
    if (!value) return true;
    bytes once = encode_value(*value);
    auto again = decode(once);
    return again && encode_value(*again) == once;
}

// After the replay: what the handlers do with a restored group.
void exercise_group(group_coordinator& c, const group& g) {
    const std::string id = g.id();
    (void)c.describe(id);
    (void)c.fetch(id, std::nullopt);
    (void)c.has_pending_txn_offset(id, "t", partition_id(0));
    commit_partition p;
    p.topic = "t";
    (void)c.delete_offsets(id, {p});
    std::vector<std::pair<std::string, std::optional<std::string>>> members;
    for (const auto& [mid, m] : g.members()) members.emplace_back(mid, m->group_instance_id);
    const generation_id gen = g.generation();
    for (const auto& [mid, instance] : members) {
        (void)c.heartbeat({id, gen, mid, instance});
        if (!instance) continue;
        // A static member coming back with a new member id replaces the old one.
        join_request req;
        req.group_id = id;
        req.group_instance_id = instance;
        req.client_id = "fuzz";
        req.client_host = "/127.0.0.1";
        req.protocol_type = "consumer";
        req.protocols = {{"range", {}}};
        c.join(std::move(req), [](join_result) {});
    }
}

void replay(bytes_view in) {
    // The coordinator logs every load and rebalance: thousands of lines a
    // second that would cost more than the code under test.
    static const bool quiet = (spdlog::set_level(spdlog::level::off), true);
    (void)quiet;
    broker::group::testing::fake_group_timers timers;
    accepting_offsets_log log;
    group_config config;
    config.initial_rebalance_delay = std::chrono::milliseconds(0);
    config.offsets_partitions = 5;
    group_coordinator c(config, timers, log);
    for (auto& rec : unframe_offsets_records(in, max_replayed_records)) {
        std::optional<bytes_view> value;
        if (rec.value) value = bytes_view(*rec.value);
        (void)c.load_record(rec.key, value, rec.transactional ? std::optional(producer_id(1)) : std::nullopt);
        if (rec.marker_after) {
            for (int32_t p = 0; p < config.offsets_partitions; ++p) c.load_txn_marker(p, producer_id(1), *rec.marker_after);
        }
    }
    c.finish_loading();
    auto [error, listed] = c.list({});
    for (const auto& l : listed) {
        if (const group* g = c.find(l.group_id)) exercise_group(c, *g);
    }
    timers.advance(replayed_time);
    (void)c.expire_offsets();
    c.shutdown();
}

}  // namespace

bool consumer_subscription(const uint8_t* data, size_t size) {
    auto topics = subscribed_topics(bytes_view(data, size));
    if (!topics) return true;
    // Every topic read lies inside the input (ASan checks the bytes).
    size_t total = 0;
    for (const auto& t : *topics) total += t.size();
    return total <= size;
}

bool consumer_offsets(const uint8_t* data, size_t size) {
    bytes_view in(data, size);
    bool ok = key_round_trips(in);
    ok = value_round_trips(in, [](bytes_view b) { return decode_offset_commit_value(b); }) && ok;
    ok = value_round_trips(in, [](bytes_view b) { return decode_group_metadata_value(b); }) && ok;
    replay(in);
    return ok;
}

}  // namespace samsa::fuzz
