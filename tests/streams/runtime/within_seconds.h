#pragma once
// The bounded wait of the runtime tests over fake clients: pred() polled
// every 10 ms until it holds or `seconds` pass; its last answer.
#include <chrono>
#include <functional>
#include <thread>

namespace samsa::streams::internal {

inline bool within_seconds(int seconds, const std::function<bool()>& pred) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred();
}

}  // namespace samsa::streams::internal
