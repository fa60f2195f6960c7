#pragma once
// broker_fixture: a whole broker (broker_app) in this process, on a free
// loopback port with a temporary log dir, its I/O loop on a thread of its
// own. Tests talk to it with raw_client.
//
// Thread: the test's thread builds and tears down; the broker's I/O thread
// runs the loop.

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/broker/broker_app.h"
#include "samsa/broker/config/broker_config.h"

namespace samsa::broker::testing {

class broker_fixture : public ::testing::Test {
protected:
    // Extra "key=value" settings for this test's broker.
    virtual std::vector<std::string> overrides() const { return {}; }

    void SetUp() override {
        std::string tmpl = (std::filesystem::temp_directory_path() / "samsa-broker-it-XXXXXX").string();
        dir_ = ::mkdtemp(tmpl.data());
        start();
    }

    void start() {
        std::vector<std::string> o = {"listeners=PLAINTEXT://127.0.0.1:0", "log.dirs=" + (dir_ / "data").string()};
        for (auto& x : overrides()) o.push_back(x);
        auto loaded = load_broker_config({}, o);
        ASSERT_TRUE(loaded) << loaded.error().message;
        auto app = broker_app::start(std::move(loaded->config), false);
        ASSERT_TRUE(app) << app.error().message;
        app_ = std::move(*app);
        port_ = app_->bound_listeners().front().port;
        thread_ = std::thread([this] { exit_status_ = app_->run(); });
    }

    // Clean shutdown, as SIGTERM would do; returns run()'s status.
    int stop() {
        if (!app_) return exit_status_;
        app_->stop();
        if (thread_.joinable()) thread_.join();
        app_.reset();
        return exit_status_;
    }

    void TearDown() override {
        stop();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    uint16_t port() const { return port_; }
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    std::unique_ptr<broker_app> app_;
    std::thread thread_;
    uint16_t port_ = 0;
    int exit_status_ = -1;
};

}  // namespace samsa::broker::testing
