#pragma once
// broker_fixture: a whole broker (broker_app) in this process, on a free
// loopback port with a temporary log dir, its I/O loop on a thread of its
// own. Tests talk to it with raw_client.
//
// Thread: the test's thread builds and tears down; the broker's I/O thread
// runs the loop.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/broker/broker_app.h"
#include "samsa/broker/config/broker_config.h"
#include "tests/support/temp_dir.h"

namespace samsa::broker::testing {

class broker_fixture : public ::testing::Test {
protected:
    // Extra "key=value" settings for this test's broker.
    virtual std::vector<std::string> overrides() const { return {}; }

    void SetUp() override {
        dir_.emplace("broker-it");
        start();
    }

    void start() {
        std::vector<std::string> o = {"listeners=PLAINTEXT://127.0.0.1:0", "log.dirs=" + (dir() / "data").string()};
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
        dir_.reset();
    }

    uint16_t port() const { return port_; }
    const std::filesystem::path& dir() const { return dir_->path(); }

private:
    std::optional<test_support::temp_dir> dir_;  // made in SetUp, removed in TearDown
    std::unique_ptr<broker_app> app_;
    std::thread thread_;
    uint16_t port_ = 0;
    int exit_status_ = -1;
};

}  // namespace samsa::broker::testing
