// Issue 19's kill test: the order-mail binary under
// processing.guarantee=exactly_once_v2, as its own process, killed with
// SIGKILL at random points five times in one run (while orders arrive) and
// restarted each time: each round waits for RUNNING, then orders stream in
// at 100/s and the kill lands at a random point among them, mostly with a
// transaction open. At the end a read_committed consumer reads
// ORDER-MAIL and must see every order's mail exactly once: none missing,
// none twice. Under at_least_once the same run repeats mails
// (SAMSA_KILL_TEST_GUARANTEE=at_least_once shows it failing). Every wait is
// bounded; the run takes a minute or two (label e2e).
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "order_mail/generator.h"
#include "order_mail/records.h"
#include "order_mail/topology.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"
#include "tests/support/run_command.h"

namespace samsa::apps::order_mail {
namespace {

namespace ts = samsa::test_support;
using ts::samsa_bin;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int rounds = 5;             // kills
constexpr int orders_per_batch = 60;   // waiting for each start
constexpr int streamed_orders = 150;   // arriving while it runs, at 100/s: the kill lands in their middle
constexpr int streamed_rate = 100;
constexpr int64_t read_from_beginning = -2;

// The order-mail binary as a child (dies with the test: PR_SET_PDEATHSIG);
// output appended to one log file.
class app_child {
public:
    explicit app_child(fs::path log) : log_(std::move(log)) {}
    ~app_child() { kill9(); }
    app_child(const app_child&) = delete;
    app_child& operator=(const app_child&) = delete;

    bool start(std::vector<std::string> args) {
        args.insert(args.begin(), samsa_bin("order-mail").string());
        if (!fs::exists(args[0])) return false;
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        int fd = ::open(log_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) _exit(127);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::execv(argv[0], argv.data());
            _exit(127);
        }
        ::close(fd);
        return pid_ > 0;
    }
    bool running() {
        if (pid_ <= 0) return false;
        int st = 0;
        if (::waitpid(pid_, &st, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        return true;
    }
    void kill9() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int st = 0;
        ::waitpid(pid_, &st, 0);
        pid_ = -1;
    }
    // SIGTERM and a bounded wait; the exit code, or -1 when it had to be killed.
    int stop(std::chrono::seconds limit) {
        if (pid_ <= 0) return -1;
        ::kill(pid_, SIGTERM);
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            int st = 0;
            if (::waitpid(pid_, &st, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
            std::this_thread::sleep_for(50ms);
        }
        kill9();
        return -1;
    }
    // How often `text` occurs in the log so far.
    size_t count_in_log(const std::string& text) const {
        std::ifstream in(log_);
        std::stringstream ss;
        ss << in.rdbuf();
        std::string s = ss.str();
        size_t n = 0;
        for (size_t at = s.find(text); at != std::string::npos; at = s.find(text, at + 1)) ++n;
        return n;
    }
    std::string log_tail() const {
        std::ifstream in(log_);
        std::stringstream ss;
        ss << in.rdbuf();
        std::string s = ss.str();
        return s.size() > 8000 ? s.substr(s.size() - 8000) : s;
    }

private:
    fs::path log_;
    pid_t pid_ = -1;
};

class order_mail_eos_kill : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        for (const char* t : {customer_topic, customer_address_topic, order_topic, order_mail_topic}) {
            auto s = ts::create_topic(broker_.bootstrap(), t, 3);
            ASSERT_TRUE(s) << t << ": " << s.error().message;
        }
        auto s = ts::create_topic(broker_.bootstrap(), item_topic, 1);
        ASSERT_TRUE(s) << s.error().message;
    }

    ts::command_result datagen(const std::vector<std::string>& extra) {
        std::vector<std::string> argv{samsa_bin("order-mail-datagen").string(), "--bootstrap-server",
                                      broker_.bootstrap(), "--seed", "5", "--customers", "12", "--items", "5"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        ts::command_options o;
        o.timeout = 60s;
        return ts::run_command(argv, o);
    }

    // One batch of orders with ids <prefix>1 .. <prefix>n (rate per second, 0: at once).
    ts::command_result produce_orders(const std::string& prefix, int n = orders_per_batch, int rate = 0) {
        for (int i = 1; i <= n; ++i) expected_.insert(prefix + std::to_string(i));
        return datagen({"--only", "orders", "--orders", std::to_string(n), "--order-id-prefix", prefix, "--rate",
                        std::to_string(rate)});
    }

    std::vector<std::string> app_args(const std::string& guarantee) const {
        return {"--bootstrap-server", broker_.bootstrap(),
                "--state-dir", (broker_.data_dir() / "streams-state").string(),
                "--config", "processing.guarantee=" + guarantee,
                "--config", "replication.factor=1",
                // A killed member leaves the group within 6 s, so the restart's
                // rebalance does not wait 45 s for it.
                "--config", "consumer.session.timeout.ms=6000",
                "--config", "consumer.heartbeat.interval.ms=500",
                // A member killed while it waits for its JoinGroup answer is
                // kept (as Kafka keeps it) until the rebalance times out:
                // max.poll.interval.ms, 300 s by default.
                "--config", "consumer.max.poll.interval.ms=10000",
                "--config", "producer.linger.ms=5"};
    }

    // Order id -> how many mails a read_committed consumer sees for it.
    std::map<std::string, int> mails_per_order() {
        std::map<std::string, int> out;
        auto records = ts::read_partitions(broker_.bootstrap(), order_mail_topic, {0, 1, 2}, read_from_beginning,
                                           0, {{"isolation.level", "read_committed"}}, 10s);
        if (!records) return out;
        for (const auto& r : *records) {
            order_mail m = nlohmann::json::parse(r.value).get<order_mail>();
            ++out[m.order_id];
        }
        return out;
    }

    bool all_mailed(const std::map<std::string, int>& seen) const {
        for (const auto& id : expected_) {
            if (!seen.count(id)) return false;
        }
        return true;
    }

    ts::broker_process broker_;
    std::set<std::string> expected_;
};

TEST_F(order_mail_eos_kill, five_sigkills_every_mail_exactly_once_for_read_committed) {
    auto reference = datagen({"--only", "reference"});
    ASSERT_TRUE(reference.ok()) << reference.describe();
    std::random_device rd;
    unsigned seed = rd();
    std::printf("kill points seed %u\n", seed);
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> before_batch_ms(0, 1500);
    std::uniform_int_distribution<int> after_batch_ms(0, 1500);
    const std::string running = "[order-mail] state REBALANCING -> RUNNING";

    // SAMSA_KILL_TEST_GUARANTEE=at_least_once shows what this test catches:
    // the same run then mails orders twice.
    const char* override_guarantee = std::getenv("SAMSA_KILL_TEST_GUARANTEE");
    const std::string guarantee = override_guarantee ? override_guarantee : "exactly_once_v2";
    app_child app(broker_.data_dir() / "order-mail.log");
    for (int round = 0; round < rounds; ++round) {
        auto first = produce_orders("k" + std::to_string(round) + "a-");
        ASSERT_TRUE(first.ok()) << first.describe();
        size_t runs_before = app.count_in_log(running);
        ASSERT_TRUE(app.start(app_args(guarantee))) << "order-mail not built";
        // Killed while it processes: the batch waiting for it, then one that
        // arrives while it runs; random points in that stretch.
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (app.count_in_log(running) == runs_before && std::chrono::steady_clock::now() < deadline) {
            ASSERT_TRUE(app.running()) << "order-mail exited on its own:\n" << app.log_tail();
            std::this_thread::sleep_for(20ms);
        }
        ASSERT_GT(app.count_in_log(running), runs_before) << "order-mail not RUNNING within 60 s:\n" << app.log_tail();
        std::this_thread::sleep_for(std::chrono::milliseconds(before_batch_ms(gen)));
        ASSERT_TRUE(app.running()) << "order-mail exited on its own:\n" << app.log_tail();
        std::string prefix = "k" + std::to_string(round) + "b-";
        ts::command_result streamed;
        std::thread feeder([&] { streamed = produce_orders(prefix, streamed_orders, streamed_rate); });
        std::this_thread::sleep_for(std::chrono::milliseconds(after_batch_ms(gen)));
        app.kill9();
        feeder.join();
        ASSERT_TRUE(streamed.ok()) << streamed.describe();
        std::printf("round %d: killed; %zu orders sent, %zu mailed (read_committed)\n", round, expected_.size(),
                    mails_per_order().size());
    }
    auto last = produce_orders("final-");
    ASSERT_TRUE(last.ok()) << last.describe();
    ASSERT_TRUE(app.start(app_args(guarantee)));

    std::map<std::string, int> seen;
    auto deadline = std::chrono::steady_clock::now() + 180s;
    while (std::chrono::steady_clock::now() < deadline) {
        seen = mails_per_order();
        if (all_mailed(seen)) break;
        ASSERT_TRUE(app.running()) << "order-mail exited on its own:\n" << app.log_tail();
        std::this_thread::sleep_for(500ms);
    }
    EXPECT_EQ(app.stop(60s), 0) << app.log_tail();
    // Read again after the clean stop: its last commit is in too.
    seen = mails_per_order();
    auto raw = ts::read_partitions(broker_.bootstrap(), order_mail_topic, {0, 1, 2}, read_from_beginning, 0,
                                   {{"isolation.level", "read_uncommitted"}}, 10s);
    if (raw) {
        std::printf("ORDER-MAIL: %zu mails for read_committed, %zu records for read_uncommitted (aborted included)\n",
                    seen.size(), raw->size());
    }

    std::vector<std::string> missing;
    std::vector<std::string> repeated;
    for (const auto& id : expected_) {
        if (!seen.count(id)) missing.push_back(id);
    }
    for (const auto& [id, n] : seen) {
        if (n != 1) repeated.push_back(id + " x" + std::to_string(n));
        EXPECT_TRUE(expected_.count(id)) << "a mail for an order never sent: " << id;
    }
    EXPECT_EQ(expected_.size(), static_cast<size_t>((rounds + 1) * orders_per_batch + rounds * streamed_orders));
    EXPECT_TRUE(missing.empty()) << missing.size() << " orders without a mail, e.g. " << missing.front() << "\n"
                                 << app.log_tail();
    EXPECT_TRUE(repeated.empty()) << repeated.size() << " orders mailed more than once, e.g. " << repeated.front();
}

}  // namespace
}  // namespace samsa::apps::order_mail
