// Issue 19's kill test: the order-mail binary under
// processing.guarantee=exactly_once_v2, as its own process, killed with
// SIGKILL at random points five times in one run (while orders arrive) and
// restarted each time. At the end a read_committed consumer reads
// ORDER-MAIL and must see every order's mail exactly once: none missing,
// none twice. Under at_least_once the same run repeats mails (the
// transaction between a kill and the last commit is processed again).
// Every wait is bounded; the whole run takes about two minutes (label e2e).
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
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int rounds = 5;             // kills
constexpr int orders_per_batch = 60;  // one batch before each start, one while it runs
constexpr int64_t read_from_beginning = -2;

fs::path bin(const std::string& name) {
    const char* dir = std::getenv("SAMSA_BIN_DIR");
    return dir ? fs::path(dir) / name : fs::path(name);
}

// The order-mail binary as a child (dies with the test: PR_SET_PDEATHSIG);
// output appended to one log file.
class app_child {
public:
    explicit app_child(fs::path log) : log_(std::move(log)) {}
    ~app_child() { kill9(); }
    app_child(const app_child&) = delete;
    app_child& operator=(const app_child&) = delete;

    bool start(std::vector<std::string> args) {
        args.insert(args.begin(), bin("order-mail").string());
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
        std::vector<std::string> argv{bin("order-mail-datagen").string(), "--bootstrap-server", broker_.bootstrap(),
                                      "--seed", "5", "--customers", "12", "--items", "5"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        ts::command_options o;
        o.timeout = 60s;
        return ts::run_command(argv, o);
    }

    // One batch of orders with ids <prefix>1 .. <prefix>n.
    void produce_orders(const std::string& prefix) {
        auto r = datagen({"--only", "orders", "--orders", std::to_string(orders_per_batch), "--order-id-prefix",
                          prefix});
        ASSERT_TRUE(r.ok()) << r.describe();
        for (int i = 1; i <= orders_per_batch; ++i) expected_.insert(prefix + std::to_string(i));
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
    std::uniform_int_distribution<int> before_batch_ms(500, 5000);
    std::uniform_int_distribution<int> after_batch_ms(0, 2500);

    app_child app(broker_.data_dir() / "order-mail.log");
    for (int round = 0; round < rounds; ++round) {
        produce_orders("k" + std::to_string(round) + "a-");
        ASSERT_TRUE(app.start(app_args("exactly_once_v2"))) << "order-mail not built";
        // Killed while starting, restoring, or processing a batch that
        // arrives while it runs: random points, somewhere in that range.
        std::this_thread::sleep_for(std::chrono::milliseconds(before_batch_ms(gen)));
        ASSERT_TRUE(app.running()) << "order-mail exited on its own:\n" << app.log_tail();
        produce_orders("k" + std::to_string(round) + "b-");
        std::this_thread::sleep_for(std::chrono::milliseconds(after_batch_ms(gen)));
        app.kill9();
        std::printf("round %d: killed; %zu orders so far\n", round, expected_.size());
    }
    produce_orders("final-");
    ASSERT_TRUE(app.start(app_args("exactly_once_v2")));

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

    std::vector<std::string> missing;
    std::vector<std::string> repeated;
    for (const auto& id : expected_) {
        if (!seen.count(id)) missing.push_back(id);
    }
    for (const auto& [id, n] : seen) {
        if (n != 1) repeated.push_back(id + " x" + std::to_string(n));
        EXPECT_TRUE(expected_.count(id)) << "a mail for an order never sent: " << id;
    }
    EXPECT_EQ(expected_.size(), static_cast<size_t>((2 * rounds + 1) * orders_per_batch));
    EXPECT_TRUE(missing.empty()) << missing.size() << " orders without a mail, e.g. " << missing.front() << "\n"
                                 << app.log_tail();
    EXPECT_TRUE(repeated.empty()) << repeated.size() << " orders mailed more than once, e.g. " << repeated.front();
}

}  // namespace
}  // namespace samsa::apps::order_mail
