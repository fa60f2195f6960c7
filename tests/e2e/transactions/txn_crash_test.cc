// Transactions survive kill -9 of the broker.
//
// At each step: the broker is started with SAMSA_CRASH_POINT naming a step
// of ending a transaction (base/crash_point.h) and kills itself there while a
// librdkafka producer commits or aborts; restarted, it completes the
// transaction as its last written record decided, the client's retried
// EndTxn succeeds, and a read_committed consumer sees the transaction whole
// (commit) or not at all (abort), with the last stable offset moving on.
//
// Under load: a transactional producer runs transactions (one in four
// aborted on purpose) while the broker is killed from outside five times at
// random moments and restarted; afterwards every committed transaction is
// there exactly once, no aborted one is visible, and one whose outcome the
// client could not learn is either whole or absent. No record is duplicated.
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "tests/e2e/broker_test.h"
#include "tests/e2e/transactions/txn_client.h"

namespace samsa::e2e {
namespace {

constexpr int64_t from_beginning = -2;

class txn_crash_test : public broker_test {
protected:
    std::vector<std::string> read_committed(const std::string& topic, int partitions, size_t at_least) {
        std::vector<int32_t> ps;
        for (int p = 0; p < partitions; ++p) ps.push_back(p);
        auto got = read_partitions(bootstrap(), topic, ps, from_beginning, at_least,
                                   {{"isolation.level", "read_committed"}}, 30s);
        EXPECT_TRUE(got.has_value()) << (got ? "" : got.error().message);
        std::vector<std::string> out;
        if (got)
            for (const auto& r : *got) out.push_back(r.value);
        return out;
    }
    void restart_with_crash_point(const std::string& point) {
        broker().options().environment.clear();
        if (!point.empty()) broker().options().environment.emplace_back("SAMSA_CRASH_POINT", point);
        ASSERT_TRUE(broker().restart()) << broker().failure();
    }
};

struct crash_case {
    std::string point;
    bool commit;
};

TEST_F(txn_crash_test, a_broker_killed_at_any_step_of_ending_a_transaction_finishes_it_on_restart) {
    const std::vector<crash_case> cases{
        {"txn.after_prepare", true},       {"txn.after_prepare", false},     {"txn.after_first_marker", true},
        {"txn.before_complete", true},     {"txn.after_complete", true},     {"txn.marker_before_index", false},
        {"txn.after_first_marker", false},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        SCOPED_TRACE(c.point + (c.commit ? " / commit" : " / abort"));
        const std::string topic = "crash-" + std::to_string(i);
        restart_with_crash_point(c.point);
        ASSERT_TRUE(create_topic(bootstrap(), topic, 2));
        auto p = txn_producer::create(bootstrap(), "crash-" + std::to_string(i));
        ASSERT_TRUE(p);
        ASSERT_FALSE(p->init());
        ASSERT_FALSE(p->begin());
        for (int r = 0; r < 20; ++r) ASSERT_FALSE(p->produce(topic, r % 2, "k", "v" + std::to_string(r)));
        ASSERT_FALSE(p->flush());

        txn_status ended;
        std::thread ender([&] { ended = c.commit ? p->commit(60s) : p->abort(60s); });
        auto status = broker().wait_for_exit(20s);
        ASSERT_TRUE(status) << "the broker did not stop at " << c.point;
        EXPECT_EQ(*status, 128 + SIGKILL);
        restart_with_crash_point("");
        ender.join();
        EXPECT_FALSE(ended) << "the client's retried EndTxn: " << describe(ended);

        ASSERT_TRUE(produce(bootstrap(), topic, {record{"k", "after", {}, 0, 0}}));
        auto seen = read_committed(topic, 2, c.commit ? 21 : 1);
        EXPECT_EQ(seen.size(), c.commit ? 21u : 1u);
        EXPECT_EQ(std::count(seen.begin(), seen.end(), "after"), 1);
    }
}

enum class outcome { committed, aborted, unknown };

TEST_F(txn_crash_test, committed_transactions_survive_kill_9_cycles_whole_and_aborted_ones_stay_invisible) {
    const std::string topic = "txn-load";
    constexpr int partitions = 3;
    constexpr int per_txn = 12;
    ASSERT_TRUE(create_topic(bootstrap(), topic, partitions));
    const std::string bs = bootstrap();

    std::atomic<bool> stop{false};
    std::map<int, outcome> outcomes;  // written by the producer thread only, read after join
    std::string producer_log;
    std::thread producer([&] {
        std::unique_ptr<txn_producer> p;
        for (int txn = 0; !stop.load() && txn < 100000;) {
            if (!p) {
                p = txn_producer::create(bs, "load-0", {{"transaction.timeout.ms", "20000"}});
                if (!p || p->init(10s)) {
                    p.reset();
                    std::this_thread::sleep_for(100ms);
                    continue;
                }
            }
            if (p->begin()) {
                p.reset();
                continue;
            }
            const bool abort = txn % 4 == 3;
            outcomes[txn] = outcome::aborted;  // nothing is committed until EndTxn(commit) succeeds
            bool produced = true;
            for (int r = 0; r < per_txn && produced; ++r)
                produced = !p->produce(topic, r % partitions, "k", "t" + std::to_string(txn) + "-" + std::to_string(r));
            txn_status s = produced ? (abort ? p->abort(20s) : p->commit(20s)) : txn_status(txn_error{"produce failed"});
            if (!s) {
                outcomes[txn] = abort ? outcome::aborted : outcome::committed;
            } else if (!abort && produced) {
                // The commit may or may not have happened before the error.
                outcomes[txn] = outcome::unknown;
                if (s->abortable && !p->abort(20s)) outcomes[txn] = outcome::aborted;
                else p.reset();  // fatal or unsure: a new producer fences and aborts what is open
                producer_log += "txn " + std::to_string(txn) + ": " + describe(s) + "\n";
            } else {
                if (!s->abortable || p->abort(20s)) p.reset();
            }
            ++txn;
        }
    });

    std::mt19937 rng(19);
    std::uniform_int_distribution<int> pause_ms(600, 1800);
    for (int kill = 0; kill < 5; ++kill) {
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
        broker().kill9();
        std::this_thread::sleep_for(100ms);
        ASSERT_TRUE(broker().restart()) << broker().failure();
    }
    std::this_thread::sleep_for(1500ms);
    stop = true;
    producer.join();

    size_t committed = 0;
    size_t expected_at_least = 0;
    for (const auto& [txn, o] : outcomes) {
        if (o == outcome::committed) {
            ++committed;
            expected_at_least += per_txn;
        }
    }
    ASSERT_GT(committed, 10u) << producer_log;
    auto seen = read_committed(topic, partitions, expected_at_least);
    std::map<int, std::multiset<int>> by_txn;
    for (const auto& v : seen) {
        auto dash = v.find('-');
        ASSERT_TRUE(v.size() > 1 && v[0] == 't' && dash != std::string::npos) << v;
        by_txn[std::stoi(v.substr(1, dash - 1))].insert(std::stoi(v.substr(dash + 1)));
    }
    for (const auto& [txn, records] : by_txn) {
        EXPECT_EQ(records.size(), std::set<int>(records.begin(), records.end()).size()) << "txn " << txn << " duplicated";
        ASSERT_TRUE(outcomes.count(txn)) << txn;
        EXPECT_NE(outcomes[txn], outcome::aborted) << "aborted txn " << txn << " is visible";
        EXPECT_EQ(records.size(), static_cast<size_t>(per_txn)) << "txn " << txn << " is not whole";
    }
    for (const auto& [txn, o] : outcomes) {
        if (o == outcome::committed) {
            EXPECT_TRUE(by_txn.count(txn)) << "committed txn " << txn << " is missing";
        }
    }
    std::cout << "transactions: " << outcomes.size() << ", committed " << committed << ", seen " << by_txn.size()
              << "\n" << producer_log;
}

}  // namespace
}  // namespace samsa::e2e
