#include "samsa/broker/group/asio_group_timers.h"

namespace samsa::broker::group {

asio_group_timers::~asio_group_timers() {
    for (auto& [id, e] : timers_) e.timer->cancel();
}

timestamp_ms asio_group_timers::now() {
    using namespace std::chrono;
    return timestamp_ms(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

timer_id asio_group_timers::schedule(std::chrono::milliseconds delay, std::function<void()> fn) {
    timer_id id = next_++;
    auto& e = timers_[id];
    e.timer = std::make_unique<asio::steady_timer>(io_, delay);
    e.fn = std::move(fn);
    e.timer->async_wait([this, id](const asio::error_code& ec) {
        if (ec) return;
        auto it = timers_.find(id);
        if (it == timers_.end()) return;
        auto fn = std::move(it->second.fn);
        timers_.erase(it);  // the timer object goes now; its handler is this one, already running
        fn();
    });
    return id;
}

void asio_group_timers::cancel(timer_id id) {
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    it->second.timer->cancel();
    timers_.erase(it);
}

}  // namespace samsa::broker::group
