#include "samsa/broker/net/request_memory.h"

#include <algorithm>
#include <limits>

#include "samsa/broker/net/connection.h"

namespace samsa::broker {

request_memory::request_memory(int64_t limit, asio::any_io_executor executor, std::function<void()> on_starved)
    : limit_(limit), guard_(std::move(executor)), on_starved_(std::move(on_starved)) {}

size_t request_memory::available() const {
    if (!bounded()) return std::numeric_limits<size_t>::max();
    const auto limit = static_cast<size_t>(limit_);
    return used_ >= limit ? 0 : limit - used_;
}

void request_memory::give_back(size_t n) {
    used_ -= std::min(used_, n);
    if (resuming_) return;  // the loop below is already running further up the stack
    resuming_ = true;
    while (!waiters_.empty() && available() > 0) {
        auto who = waiters_.front().lock();
        waiters_.pop_front();
        if (who) who->resume_after_memory_wait();  // posts its read: no re-entry
    }
    resuming_ = false;
}

void request_memory::wait(std::weak_ptr<connection> who) {
    waiters_.push_back(std::move(who));
    arm_guard();
}

void request_memory::arm_guard() {
    if (!starved() || guard_armed_) return;
    guard_armed_ = true;
    guard_.expires_after(starvation_delay);
    guard_.async_wait([this](const asio::error_code& ec) {
        guard_armed_ = false;
        if (!ec) check_starvation();
    });
}

void request_memory::check_starvation() {
    // Drop waiters that have gone, then judge again: still spent, nothing
    // being answered, someone waiting.
    std::erase_if(waiters_, [](const std::weak_ptr<connection>& w) {
        auto c = w.lock();
        return !c || !c->is_open();
    });
    if (!starved()) return;
    if (on_starved_) on_starved_();
    arm_guard();  // still starved (nothing could be closed): judge again later
}

}  // namespace samsa::broker
