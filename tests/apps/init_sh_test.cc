// ./init.sh itself, as a newcomer runs it: in the source tree, on a free
// port, with its data in a temporary folder. It installs what is missing,
// builds build-release/ (a Release build of the broker, the CLI and the demo:
// slow the first time, hence the long timeout), runs the demo and stops
// everything. Run twice: the second run must work too and write new mails.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/broker_process.h"
#include "tests/support/run_command.h"

namespace {

namespace ts = samsa::test_support;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int sample_orders = 10;  // init.sh's sample volume

struct init_run {
    ts::command_result result;
    fs::path outbox;
};

class init_sh : public ::testing::Test {
protected:
    void SetUp() override {
        source_ = ts::source_dir();
        ASSERT_FALSE(source_.empty()) << "SAMSA_SOURCE_DIR is not set";
        char tmpl[] = "/tmp/samsa-init-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        data_dir_ = tmpl;
        port_ = ts::pick_free_port();
    }
    void TearDown() override {
        if (!std::getenv("SAMSA_KEEP_TEST_DIRS")) fs::remove_all(data_dir_);
    }

    init_run run_init(std::chrono::seconds limit) {
        ts::command_options o;
        o.timeout = limit;
        o.working_dir = source_;
        o.env = {{"SAMSA_PORT", std::to_string(port_)}, {"SAMSA_DATA_DIR", data_dir_.string()}};
        init_run r{ts::run_command({(source_ / "init.sh").string()}, o), {}};
        std::smatch m;
        static const std::regex done(R"(\[init\] all (\d+) orders became e-mails; they are in (\S+))");
        if (std::regex_search(r.result.out, m, done)) r.outbox = m[2].str();
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

    fs::path source_, data_dir_;
    uint16_t port_ = 0;
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
    auto first_mails = check_mails(first);
    EXPECT_FALSE(ts::port_accepts(port_, 500ms)) << "the broker is still listening after init.sh";

    init_run second = run_init(600s);
    ASSERT_TRUE(second.result.ok()) << second.result.describe();
    EXPECT_NE(second.outbox, first.outbox);
    auto second_mails = check_mails(second);
    for (const auto& name : second_mails) EXPECT_FALSE(first_mails.count(name)) << "order ids repeat: " << name;
    EXPECT_EQ(check_mails(first), first_mails) << "the second run touched the first run's outbox";
}

}  // namespace
