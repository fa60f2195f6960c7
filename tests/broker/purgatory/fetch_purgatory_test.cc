// fetch_purgatory: parked requests filed by partition, woken only by their
// partitions, asked before any read, answered at their deadline.

#include "samsa/broker/purgatory/fetch_purgatory.h"

#include <gtest/gtest.h>

namespace samsa::broker {
namespace {

// What the purgatory did to one parked request.
struct calls {
    int worth_trying = 0;
    int tries = 0;
    int deadline_answers = 0;
    bool answered = false;
};

class fake_request final : public parked_request {
public:
    fake_request(std::vector<watched_partition> watched, calls& c, bool worth = true, bool can_answer = true)
        : watched_(std::move(watched)), calls_(c), worth_(worth), can_answer_(can_answer) {}

    bool try_answer(bool deadline) override {
        ++calls_.tries;
        if (deadline) ++calls_.deadline_answers;
        calls_.answered = deadline || can_answer_;
        return calls_.answered;
    }
    std::vector<watched_partition> watched() const override { return watched_; }
    bool worth_trying(std::string_view, partition_id) override {
        ++calls_.worth_trying;
        return worth_;
    }

private:
    std::vector<watched_partition> watched_;
    calls& calls_;
    bool worth_;
    bool can_answer_;
};

using namespace std::chrono_literals;

class fetch_purgatory_test : public ::testing::Test {
protected:
    void park(std::vector<watched_partition> w, calls& c, bool worth = true, bool can_answer = true,
              std::chrono::milliseconds wait = 60s) {
        purgatory_.park(std::make_unique<fake_request>(std::move(w), c, worth, can_answer), wait);
    }
    void run_posted() {
        io_.restart();
        io_.poll();
    }

    asio::io_context io_;
    fetch_purgatory purgatory_{io_};
};

TEST_F(fetch_purgatory_test, a_notify_evaluates_only_the_watchers_of_that_partition) {
    calls a, b, c;
    park({{"orders", partition_id(0)}}, a);
    park({{"orders", partition_id(1)}}, b);
    park({{"payments", partition_id(1)}}, c);
    EXPECT_EQ(purgatory_.watchers("orders", partition_id(1)), 1u);

    purgatory_.notify("orders", partition_id(1));
    run_posted();
    EXPECT_EQ(a.worth_trying, 0);
    EXPECT_EQ(a.tries, 0);
    EXPECT_EQ(c.worth_trying, 0);
    EXPECT_EQ(c.tries, 0);
    EXPECT_EQ(b.worth_trying, 1);
    EXPECT_EQ(b.tries, 1);
    EXPECT_TRUE(b.answered);
    EXPECT_EQ(purgatory_.size(), 2u);
    EXPECT_EQ(purgatory_.watchers("orders", partition_id(1)), 0u);  // answered: unfiled

    purgatory_.notify("orders", partition_id(7));  // nobody watches it
    purgatory_.notify("invoices", partition_id(0));
    run_posted();
    EXPECT_EQ(a.worth_trying + c.worth_trying, 0);
}

TEST_F(fetch_purgatory_test, a_fetch_watching_several_partitions_reads_once_per_round) {
    calls several;
    park({{"orders", partition_id(0)}, {"orders", partition_id(1)}, {"payments", partition_id(0)}}, several,
         /*worth=*/true, /*can_answer=*/false);
    for (int p = 0; p < 2; ++p) purgatory_.notify("orders", partition_id(p));
    purgatory_.notify("payments", partition_id(0));
    run_posted();
    EXPECT_EQ(several.worth_trying, 1);  // scheduled after the first; the others found it scheduled
    EXPECT_EQ(several.tries, 1);
    EXPECT_FALSE(several.answered);
    EXPECT_EQ(purgatory_.size(), 1u);

    // Still parked and still filed under all three.
    for (auto [topic, p] : {std::pair{"orders", 0}, {"orders", 1}, {"payments", 0}})
        EXPECT_EQ(purgatory_.watchers(topic, partition_id(p)), 1u) << topic << "-" << p;
    purgatory_.notify("payments", partition_id(0));
    run_posted();
    EXPECT_EQ(several.tries, 2);
}

TEST_F(fetch_purgatory_test, a_request_that_says_the_change_cannot_matter_is_not_read) {
    calls unmoved;
    park({{"orders", partition_id(0)}}, unmoved, /*worth=*/false);
    for (int i = 0; i < 5; ++i) purgatory_.notify("orders", partition_id(0));
    run_posted();
    EXPECT_EQ(unmoved.worth_trying, 5);
    EXPECT_EQ(unmoved.tries, 0);
    EXPECT_EQ(purgatory_.size(), 1u);
}

TEST_F(fetch_purgatory_test, the_deadline_answers_with_what_there_is_and_unfiles) {
    calls waiting, later;
    park({{"orders", partition_id(0)}, {"orders", partition_id(1)}}, waiting, false, false, 20ms);
    park({{"orders", partition_id(0)}}, later, false, false, 60s);
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (!waiting.answered && std::chrono::steady_clock::now() < until) io_.run_one_for(100ms);
    EXPECT_TRUE(waiting.answered);
    EXPECT_EQ(waiting.deadline_answers, 1);
    EXPECT_FALSE(later.answered);
    EXPECT_EQ(purgatory_.size(), 1u);
    EXPECT_EQ(purgatory_.watchers("orders", partition_id(0)), 1u);
    EXPECT_EQ(purgatory_.watchers("orders", partition_id(1)), 0u);

    purgatory_.answer_all();  // shutdown
    EXPECT_TRUE(later.answered);
    EXPECT_EQ(purgatory_.size(), 0u);
    EXPECT_EQ(purgatory_.watchers("orders", partition_id(0)), 0u);
}

}  // namespace
}  // namespace samsa::broker
