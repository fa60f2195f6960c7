// Transactions end to end with stock clients against samsa-broker:
// librdkafka's C API transactional producer and read_committed consumer
// (commit, abort, the last stable offset, sendOffsetsToTransaction and
// KIP-447's unstable offsets, fencing, the transaction timeout),
// confluent-kafka-python and kafkajs transactions, and `samsa transactions`.
#include <algorithm>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/e2e/broker_test.h"
#include "tests/e2e/transactions/txn_client.h"

namespace samsa::e2e {
namespace {

constexpr int64_t from_beginning = -2;  // RdKafka::Topic::OFFSET_BEGINNING

class transactions_test : public broker_test {
protected:
    test_support::broker_options make_broker_options() const override {
        return test_support::broker_options_builder()
            .override_config("group.initial.rebalance.delay.ms", "0")
            // The timeout test waits for the abort sweep.
            .override_config("transaction.abort.timed.out.transaction.cleanup.interval.ms", "300");
    }

    // Every value a consumer with `isolation` reads from the topic's partitions.
    std::vector<std::string> read_values(const std::string& topic, int partitions, size_t at_least,
                                         const std::string& isolation = "read_committed") {
        std::vector<int32_t> ps;
        for (int p = 0; p < partitions; ++p) ps.push_back(p);
        auto got = read_partitions(bootstrap(), topic, ps, from_beginning, at_least,
                                   {{"isolation.level", isolation}}, 20s);
        EXPECT_TRUE(got.has_value()) << (got ? "" : got.error().message);
        std::vector<std::string> out;
        if (got)
            for (const auto& r : *got) out.push_back(r.value);
        return out;
    }
    std::unique_ptr<txn_producer> ready_producer(const std::string& id, const client_config& extra = {}) {
        auto p = txn_producer::create(bootstrap(), id, extra);
        EXPECT_TRUE(p);
        if (!p) return p;
        auto s = p->init();
        EXPECT_FALSE(s) << describe(s);
        return p;
    }
    static std::multiset<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }
};

TEST_F(transactions_test, read_committed_consumers_see_committed_transactions_whole_and_aborted_ones_never) {
    const std::string topic = "txn-basic";
    ASSERT_TRUE(create_topic(bootstrap(), topic, 3));
    auto p = ready_producer("basic");
    ASSERT_TRUE(p);
    auto run = [&](const std::string& prefix, int count, bool commit) {
        ASSERT_FALSE(p->begin());
        for (int i = 0; i < count; ++i)
            ASSERT_FALSE(p->produce(topic, i % 3, "k" + std::to_string(i), prefix + std::to_string(i)));
        // Written before the abort (librdkafka purges what it has not sent yet).
        ASSERT_FALSE(p->flush());
        auto s = commit ? p->commit() : p->abort();
        ASSERT_FALSE(s) << describe(s);
    };
    run("first-", 30, true);
    run("aborted-", 30, false);
    run("second-", 30, true);
    run("aborted-again-", 5, false);

    auto committed = read_values(topic, 3, 60);
    std::multiset<std::string> expected;
    for (int i = 0; i < 30; ++i) {
        expected.insert("first-" + std::to_string(i));
        expected.insert("second-" + std::to_string(i));
    }
    EXPECT_EQ(as_set(committed), expected);
    // read_uncommitted sees the aborted records too (the markers are never records).
    EXPECT_EQ(read_values(topic, 3, 95, "read_uncommitted").size(), 95u);
}

TEST_F(transactions_test, an_open_transaction_holds_read_committed_readers_at_the_last_stable_offset) {
    const std::string topic = "txn-lso";
    ASSERT_TRUE(create_topic(bootstrap(), topic, 1));
    ASSERT_TRUE(produce(bootstrap(), topic, {record{"k", "before"}}));
    auto p = ready_producer("lso");
    ASSERT_FALSE(p->begin());
    ASSERT_FALSE(p->produce(topic, 0, "k", "inside"));
    ASSERT_FALSE(p->flush());  // written, not committed
    // A plain record after the open transaction is held back with it.
    ASSERT_TRUE(produce(bootstrap(), topic, {record{"k", "after"}}));

    EXPECT_EQ(read_values(topic, 1, 1), std::vector<std::string>{"before"});
    EXPECT_EQ(read_values(topic, 1, 3, "read_uncommitted").size(), 3u);
    // ListOffsets with read_committed (librdkafka's default): latest is the LSO.
    auto marks = watermarks(bootstrap(), topic, 0);
    ASSERT_TRUE(marks) << marks.error().message;
    EXPECT_EQ(marks->second, 1);

    ASSERT_FALSE(p->commit());
    EXPECT_EQ(read_values(topic, 1, 3), (std::vector<std::string>{"before", "inside", "after"}));
}

TEST_F(transactions_test, offsets_sent_to_a_transaction_count_only_when_it_commits) {
    const std::string in = "txn-ctp-in";
    const std::string out = "txn-ctp-out";
    ASSERT_TRUE(create_topic(bootstrap(), in, 2));
    ASSERT_TRUE(create_topic(bootstrap(), out, 2));
    std::vector<record> input;
    for (int i = 0; i < 20; ++i) input.push_back(record{"k" + std::to_string(i), "v" + std::to_string(i)});
    ASSERT_TRUE(produce(bootstrap(), in, input));

    auto consumer = group_consumer::create(bootstrap(), "ctp", {in});
    auto p = ready_producer("ctp-0");
    ASSERT_TRUE(consumer && p);
    // A transaction that copies what it read, sends the offsets, and aborts:
    // neither the copies nor the offsets count.
    auto got = consumer->poll(20, 15s);
    ASSERT_FALSE(got.empty());
    ASSERT_FALSE(p->begin());
    for (const auto& m : got) ASSERT_FALSE(p->produce(out, m.partition, m.key, m.value));
    auto s = p->send_offsets(consumer->handle());
    ASSERT_FALSE(s) << describe(s);
    // While the transaction is open the offsets are unstable (KIP-447):
    // librdkafka's read_committed OffsetFetch retries until its timeout.
    std::string error;
    EXPECT_FALSE(consumer->committed(in, got.front().partition, 1500ms, &error).has_value());
    ASSERT_FALSE(p->abort());
    auto none = consumer->committed(in, got.front().partition, 5s, &error);
    ASSERT_TRUE(none) << error;
    EXPECT_LT(*none, 0);  // nothing committed

    // The same again, committed: copies and offsets become visible together.
    ASSERT_FALSE(p->begin());
    for (const auto& m : got) ASSERT_FALSE(p->produce(out, m.partition, m.key, m.value));
    ASSERT_FALSE(p->send_offsets(consumer->handle()));
    ASSERT_FALSE(p->commit());
    int64_t total = 0;
    for (int part = 0; part < 2; ++part) {
        auto c = consumer->committed(in, part, 5s, &error);
        ASSERT_TRUE(c) << error;
        if (*c > 0) total += *c;
    }
    EXPECT_EQ(total, static_cast<int64_t>(got.size()));
    EXPECT_EQ(read_values(out, 2, got.size()).size(), got.size());
}

TEST_F(transactions_test, a_second_producer_with_the_same_id_fences_the_first_and_aborts_its_transaction) {
    const std::string topic = "txn-fence";
    ASSERT_TRUE(create_topic(bootstrap(), topic, 1));
    auto zombie = ready_producer("fence");
    ASSERT_FALSE(zombie->begin());
    ASSERT_FALSE(zombie->produce(topic, 0, "k", "zombie"));
    ASSERT_FALSE(zombie->flush());

    auto fresh = ready_producer("fence");  // aborts the zombie's transaction, bumps the epoch
    ASSERT_FALSE(fresh->begin());
    ASSERT_FALSE(fresh->produce(topic, 0, "k", "fresh"));
    ASSERT_FALSE(fresh->commit());

    auto s = zombie->commit(10s);
    ASSERT_TRUE(s) << "a fenced producer must not commit";
    EXPECT_TRUE(s->fatal) << describe(s);
    EXPECT_EQ(read_values(topic, 1, 1), std::vector<std::string>{"fresh"});
}

TEST_F(transactions_test, the_broker_aborts_a_transaction_past_its_timeout) {
    const std::string topic = "txn-timeout";
    ASSERT_TRUE(create_topic(bootstrap(), topic, 1));
    auto p = ready_producer("slow", {{"transaction.timeout.ms", "1000"}});
    ASSERT_FALSE(p->begin());
    ASSERT_FALSE(p->produce(topic, 0, "k", "too-late"));
    ASSERT_FALSE(p->flush());
    std::this_thread::sleep_for(2500ms);  // the timeout (1 s) plus the abort sweep (300 ms)
    // The LSO moved past the aborted records: a later producer's records are readable.
    auto other = ready_producer("slow-other");
    ASSERT_FALSE(other->begin());
    ASSERT_FALSE(other->produce(topic, 0, "k", "on-time"));
    ASSERT_FALSE(other->commit());
    EXPECT_EQ(read_values(topic, 1, 1), std::vector<std::string>{"on-time"});
    auto s = p->commit(10s);
    EXPECT_TRUE(s) << "the transaction was aborted by the coordinator";
}

TEST_F(transactions_test, samsa_transactions_lists_and_describes_them) {
    const std::string topic = "txn-cli";
    ASSERT_TRUE(create_topic(bootstrap(), topic, 2));
    auto p = ready_producer("cli-open");
    ASSERT_FALSE(p->begin());
    ASSERT_FALSE(p->produce(topic, 1, "k", "v"));
    ASSERT_FALSE(p->flush());

    auto samsa = [&](std::vector<std::string> args) {
        args.insert(args.begin(), (default_broker_binary().parent_path() / "samsa").string());
        args.insert(args.end(), {"--bootstrap-server", bootstrap()});
        return run_command(args, {});
    };
    auto list = samsa({"transactions", "list", "--state", "Ongoing", "--format", "json"});
    ASSERT_COMMAND_OK(list);
    auto listed = nlohmann::json::parse(list.out);
    bool found = false;
    for (const auto& t : listed) found = found || (t["transactional_id"] == "cli-open" && t["state"] == "Ongoing");
    EXPECT_TRUE(found) << list.out;

    auto d = samsa({"transactions", "describe", "--transactional-id", "cli-open", "--format", "json"});
    ASSERT_COMMAND_OK(d);
    auto described = nlohmann::json::parse(d.out);
    EXPECT_EQ(described["state"], "Ongoing");
    EXPECT_EQ(described["partitions"], nlohmann::json::array({topic + "-1"}));
    auto text = samsa({"transactions", "describe", "--transactional-id", "cli-open"});
    EXPECT_NE(text.out.find("TransactionalId"), std::string::npos) << text.out;

    // The partition's producers: the open transaction's first offset.
    auto producers = samsa({"transactions", "describe-producers", "--topic", topic, "--partition", "1", "--format", "json"});
    ASSERT_COMMAND_OK(producers);
    auto ps = nlohmann::json::parse(producers.out);
    ASSERT_EQ(ps.size(), 1u) << producers.out;
    EXPECT_EQ(ps[0]["current_transaction_start_offset"], 0);

    ASSERT_FALSE(p->commit());
    auto after = samsa({"transactions", "describe", "--transactional-id", "cli-open", "--format", "json"});
    EXPECT_EQ(nlohmann::json::parse(after.out)["state"], "CompleteCommit");
    auto missing = samsa({"transactions", "describe", "--transactional-id", "no-such-id"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
}

TEST_F(transactions_test, confluent_kafka_python_transactions) {
    auto r = run_python("confluent_transactions.py", {"txn-python"});
    EXPECT_COMMAND_OK(r);
}

TEST_F(transactions_test, kafkajs_transactions) {
    auto r = run_node("kafkajs_transactions.js", {"txn-kafkajs"});
    EXPECT_COMMAND_OK(r);
}

}  // namespace
}  // namespace samsa::e2e
