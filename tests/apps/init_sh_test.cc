// ./init.sh itself, as a newcomer runs it: in the source tree, on a free
// port (SAMSA_PORT=0: the broker picks it and init.sh reads it back), with
// its data in a temporary folder. It installs what is missing, builds
// build-release/ (a Release build of the broker, the CLI and the demo: slow
// the first time, hence the long timeout), runs the demo and stops
// everything. Run twice: the second run must work too and write new mails.
// Then run again and again under CPU load, each time with a fresh data folder
// (as on a fresh clone): the script must not race its own processes.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/broker_process.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace {

namespace ts = samsa::test_support;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int sample_orders = 10;  // init.sh's sample volume

struct init_run {
    ts::command_result result;
    fs::path outbox;
    uint16_t port = 0;  // where the broker listened
};

class init_sh : public ::testing::Test {
protected:
    void SetUp() override {
        source_ = ts::source_dir();
        ASSERT_FALSE(source_.empty()) << "SAMSA_SOURCE_DIR is not set";
    }

    init_run run_init(std::chrono::seconds limit) { return run_init_in(data_dir_.path(), limit); }

    init_run run_init_in(const fs::path& data_dir, std::chrono::seconds limit) {
        ts::command_options o;
        o.timeout = limit;
        o.working_dir = source_;
        o.env = {{"SAMSA_PORT", "0"}, {"SAMSA_DATA_DIR", data_dir.string()}};
        init_run r{ts::run_command({(source_ / "init.sh").string()}, o), {}};
        std::smatch m;
        static const std::regex done(R"(\[init\] all (\d+) orders became e-mails; they are in (\S+))");
        if (std::regex_search(r.result.out, m, done)) r.outbox = m[2].str();
        static const std::regex listening(R"(\[init\] samsa-broker is listening on 127\.0\.0\.1:(\d+))");
        if (std::regex_search(r.result.out, m, listening)) r.port = static_cast<uint16_t>(std::stoi(m[1].str()));
        return r;
    }

    // Checks the run's mails; returns their file names.
    std::set<std::string> check_mails(const init_run& r) {
        std::set<std::string> names;
        EXPECT_FALSE(r.outbox.empty()) << "no outbox line in the output";
        if (r.outbox.empty() || !fs::is_directory(r.outbox)) return names;
        for (const auto& e : fs::directory_iterator(r.outbox)) {
            if (e.path().extension() != ".eml") continue;
            names.insert(e.path().filename().string());
            std::ifstream in(e.path(), std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            std::string text = ss.str();
            for (const char* h : {"From: ", "\r\nTo: ", "\r\nSubject: =?UTF-8?Q?Pedido_", "\r\nDate: ", "\r\nMessage-ID: <",
                                  "\r\nMIME-Version: 1.0\r\n", "\r\nContent-Type: text/plain; charset=utf-8\r\n"}) {
                EXPECT_NE(text.find(h), std::string::npos) << h << " missing in " << e.path() << ":\n" << text;
            }
            EXPECT_NE(text.find("\r\n\r\nOl\xc3\xa1, "), std::string::npos) << text;  // "Olá, <name>!"
            EXPECT_NE(text.find("@example."), std::string::npos) << text;
        }
        EXPECT_EQ(names.size(), static_cast<size_t>(sample_orders)) << r.outbox;
        return names;
    }

    fs::path source_;
    ts::temp_dir data_dir_{"init"};
};

TEST_F(init_sh, runs_the_demo_end_to_end_twice) {
    init_run first = run_init(1500s);
    ASSERT_TRUE(first.result.ok()) << first.result.describe();
    for (const char* step : {"[init] 1/8", "[init] 3/8 starting samsa-broker", "[init] 5/8 starting order-mail",
                             "[init] 8/8 waiting for the 10 e-mails", "---- e-mail 1 of 10",
                             "[init] samsa-broker stopped cleanly", "[init] order-mail stopped cleanly",
                             "[init] order-mail-sender stopped cleanly"}) {
        EXPECT_NE(first.result.out.find(step), std::string::npos) << step << "\n" << first.result.describe();
    }
    // Quiet where nothing is wrong: apt-get's and npm's output stays in the log.
    EXPECT_EQ(first.result.out.find("install-deps:"), std::string::npos) << first.result.out;
    EXPECT_NE(first.result.out.find("install-deps.log"), std::string::npos) << first.result.out;
    auto first_mails = check_mails(first);
    ASSERT_NE(first.port, 0) << "no listening line in the output\n" << first.result.out;
    EXPECT_FALSE(ts::port_accepts(first.port, 500ms)) << "the broker is still listening after init.sh";

    init_run second = run_init(600s);
    ASSERT_TRUE(second.result.ok()) << second.result.describe();
    EXPECT_NE(second.outbox, first.outbox);
    auto second_mails = check_mails(second);
    for (const auto& name : second_mails) EXPECT_FALSE(first_mails.count(name)) << "order ids repeat: " << name;
    EXPECT_EQ(check_mails(first), first_mails) << "the second run touched the first run's outbox";
}

// Keeps every core busy while it lives: the load under which the old script
// lost the race between a background start and the read of its log.
class cpu_load {
public:
    cpu_load() {
        unsigned n = std::max(2u, std::thread::hardware_concurrency());
        for (unsigned i = 0; i < n; ++i) {
            threads_.emplace_back([this] {
                volatile uint64_t x = 0;
                while (!stop_.load(std::memory_order_relaxed)) x = x + 1;
            });
        }
    }
    ~cpu_load() {
        stop_ = true;
        for (auto& t : threads_) t.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

// Issue 17: ./init.sh read order-mail.log before the order-mail it had just
// started in the background had created it. How often that race is lost
// depends on the scheduler: 3 of 5 runs where it was reported, 1 to 2 in 10
// here under load. So two tests: the script's one way of starting a program
// (start_logged), pulled out of init.sh and run hundreds of times, with a check
// that init.sh starts nothing in the background any other way; and the whole
// script run again and again under CPU load, from data folders without logs
// (as on a fresh clone).
TEST(init_sh_starts, every_background_start_goes_through_start_logged) {
    fs::path script = ts::source_dir() / "init.sh";
    std::ifstream in(script);
    ASSERT_TRUE(in) << script;
    std::string line;
    int backgrounded = 0;
    static const std::regex background(R"((^|[^&])&\s*$)");  // a trailing '&', not '&&'
    while (std::getline(in, line)) {
        auto comment = line.find('#');
        std::string code = line.substr(0, comment == std::string::npos ? line.size() : comment);
        if (std::regex_search(code, background)) {
            ++backgrounded;
            EXPECT_NE(code.find(R"("$@" >>"$log" 2>&1 &)"), std::string::npos)
                << "a background start outside start_logged: " << line;
        }
    }
    EXPECT_EQ(backgrounded, 1) << "init.sh should start programs in the background in one place, start_logged";
}

TEST(init_sh_starts, start_logged_has_measured_the_log_before_the_program_runs) {
    ts::temp_dir dir("start-logged");
    // init.sh's own start_logged and log_since_start, sourced from the script;
    // each program writes one line at once, and what the run wrote is read back.
    std::string harness = R"sh(set -euo pipefail
eval "$(sed -n '/^start_logged() {/,/^}/p;/^log_since_start() /p' "$1")"
fail() { echo "fail: $*" >&2; exit 1; }
for i in $(seq 1 400); do
  log="$2/log$((i % 7))"
  start_logged "$log" echo "run $i"
  wait "$started_pid"
  [ "$(log_since_start "$log")" = "run $i" ] || { echo "run $i read: $(log_since_start "$log")" >&2; exit 1; }
done
echo done
)sh";
    ts::command_options o;
    o.timeout = std::chrono::seconds(120);
    auto r = ts::run_command({"bash", "-c", harness, "harness", (ts::source_dir() / "init.sh").string(), dir.string()}, o);
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_NE(r.out.find("done"), std::string::npos) << r.describe();
}

TEST_F(init_sh, runs_again_and_again_under_cpu_load_from_fresh_data_folders) {
    constexpr int runs_under_load = 12;
    init_run warm_up = run_init(1500s);  // builds build-release/ if nothing has yet, without the load
    ASSERT_TRUE(warm_up.result.ok()) << warm_up.result.describe();
    check_mails(warm_up);

    cpu_load load;
    for (int i = 0; i < runs_under_load; ++i) {
        fs::path fresh = data_dir_ / ("run-" + std::to_string(i));
        init_run r = run_init_in(fresh, 600s);
        ASSERT_TRUE(r.result.ok()) << "run " << i << " under load:\n" << r.result.describe();
        check_mails(r);
    }
}

}  // namespace
