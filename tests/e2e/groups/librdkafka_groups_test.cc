// Consumer groups with librdkafka: two members split the partitions
// disjointly and completely (eager range and cooperative-sticky); a member
// leaving hands its partitions over; a killed member (kcat -G, SIGKILL) is
// expired after its session timeout; committed offsets resume after a
// restart of the consumers and of the broker.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "tests/e2e/groups/group_member.h"
#include "tests/e2e/groups/group_test.h"

extern char** environ;

namespace samsa::e2e {
namespace {

constexpr int partitions = 6;

struct strategy_case {
    const char* name;
    const char* strategy;
};

class rdkafka_group : public group_test, public ::testing::WithParamInterface<strategy_case> {};

TEST_P(rdkafka_group, two_members_split_partitions_then_one_leaves) {
    make_topic("orders", partitions, 5);
    test_support::config_map cfg{{"partition.assignment.strategy", GetParam().strategy}};
    auto a = group_member::create(bootstrap(), "split", {"orders"}, cfg);
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(poll_until({a->get()}, [&] { return (*a)->assignment().size() == partitions; }, 30s))
        << describe_assignments({a->get()});
    auto b = group_member::create(bootstrap(), "split", {"orders"}, cfg);
    ASSERT_TRUE(b) << b.error().message;
    std::vector<group_member*> both{a->get(), b->get()};
    ASSERT_TRUE(poll_until(both, [&] { return disjoint_and_complete(both, partitions, true); }, 45s))
        << describe_assignments(both);
    // Together they read every record. (a may have read some partitions
    // before b joined; with nothing committed b re-reads them from the
    // start, so count distinct values.)
    std::set<std::string> values;
    auto distinct = [&] {
        values.clear();
        for (auto* m : both)
            for (const auto& r : m->received()) values.insert(r.value);
        return values.size();
    };
    ASSERT_TRUE(poll_until(both, [&] { return distinct() >= 30; }, 30s)) << distinct();
    EXPECT_EQ(distinct(), 30u);

    (*b)->close();
    ASSERT_TRUE(poll_until({a->get()}, [&] { return (*a)->assignment().size() == partitions; }, 30s))
        << describe_assignments({a->get()});
}

INSTANTIATE_TEST_SUITE_P(strategies, rdkafka_group,
                         ::testing::Values(strategy_case{"range", "range"},
                                           strategy_case{"cooperative_sticky", "cooperative-sticky"}),
                         [](const auto& info) { return std::string(info.param.name); });

// A member that dies without leaving (kcat -G killed with SIGKILL) keeps its
// partitions until its session timeout (6 s) passes; then the survivor gets
// them all.
TEST_F(group_test, a_killed_member_is_expired_after_the_session_timeout) {
    make_topic("jobs", partitions, 2);
    auto a = group_member::create(bootstrap(), "killers", {"jobs"});
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(poll_until({a->get()}, [&] { return (*a)->assignment().size() == partitions; }, 30s));

    std::vector<std::string> args{"kcat", "-b", bootstrap(), "-G", "killers", "-X", "session.timeout.ms=6000",
                                  "-X", "heartbeat.interval.ms=500", "-q", "jobs"};
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    pid_t kcat = -1;
    ASSERT_EQ(posix_spawnp(&kcat, "kcat", nullptr, nullptr, argv.data(), environ), 0);
    struct reaper {
        pid_t pid;
        ~reaper() {
            if (pid > 0) {
                kill(pid, SIGKILL);
                waitpid(pid, nullptr, 0);
            }
        }
    } reap{kcat};
    ASSERT_TRUE(poll_until({a->get()}, [&] { return (*a)->assignment().size() == partitions / 2; }, 45s))
        << "kcat never joined: " << describe_assignments({a->get()});

    kill(kcat, SIGKILL);
    waitpid(kcat, nullptr, 0);
    reap.pid = -1;
    auto killed_at = std::chrono::steady_clock::now();
    ASSERT_TRUE(poll_until({a->get()}, [&] { return (*a)->assignment().size() == partitions; }, 40s))
        << describe_assignments({a->get()});
    auto took = std::chrono::steady_clock::now() - killed_at;
    EXPECT_GE(took, 4s) << "the dead member was removed before its session timeout";
    EXPECT_LT(took, 30s);
    EXPECT_NE(broker().log_text().find("has failed"), std::string::npos);
}

// Consume, commit, close; a new member of the same group resumes exactly
// after the committed offsets; the same after a broker restart.
TEST_F(group_test, committed_offsets_resume_after_consumer_and_broker_restarts) {
    make_topic("ledger", partitions, 10, "first");
    auto read_new = [&](size_t expect, const std::string& prefix) {
        auto m = group_member::create(bootstrap(), "ledger-readers", {"ledger"});
        ASSERT_TRUE(m) << m.error().message;
        ASSERT_TRUE(poll_until({m->get()}, [&] { return (*m)->received().size() >= expect; }, 45s))
            << "read " << (*m)->received().size() << " of " << expect << "; " << describe_assignments({m->get()});
        // Nothing more arrives: no re-delivery of committed records.
        poll_until({m->get()}, [] { return false; }, 1500ms);
        EXPECT_EQ((*m)->received().size(), expect);
        for (const auto& r : (*m)->received()) EXPECT_EQ(r.value.rfind(prefix, 0), 0u) << r.value;
        ASSERT_TRUE((*m)->commit()) << "commit failed";
        auto committed = (*m)->committed("ledger", partitions);
        ASSERT_TRUE(committed) << committed.error().message;
        for (const auto& [p, o] : *committed) EXPECT_GT(o, 0) << "partition " << p;
        (*m)->close();
    };
    read_new(60, "first");
    produce_more("ledger", partitions, 5, "second");
    read_new(30, "second");
    ASSERT_TRUE(broker().restart()) << broker().failure();
    produce_more("ledger", partitions, 3, "third");
    read_new(18, "third");
    EXPECT_NE(broker().log_text().find("__consumer_offsets"), std::string::npos);
}

// kcat's balanced consumer (-G) reads a topic through a group and commits.
TEST_F(group_test, kcat_balanced_consumer) {
    make_topic("kc", 3, 4);
    auto r = run_kcat({"-G", "kcat-group", "-X", "auto.offset.reset=earliest", "-c", "12", "-q", "kc"}, {}, 60s);
    ASSERT_COMMAND_OK(r);
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 12);
    // Its commits are there for the group.
    auto m = group_member::create(bootstrap(), "kcat-group", {"kc"});
    ASSERT_TRUE(m);
    auto committed = (*m)->committed("kc", 3);
    ASSERT_TRUE(committed) << committed.error().message;
    int64_t total = 0;
    for (const auto& [p, o] : *committed) total += std::max<int64_t>(o, 0);
    EXPECT_EQ(total, 12);
}

}  // namespace
}  // namespace samsa::e2e
