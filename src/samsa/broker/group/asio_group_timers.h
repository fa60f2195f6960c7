#pragma once
// asio_group_timers: group_timers on the broker's io_context — one
// steady_timer per scheduled callback, forgotten when it fires or is
// cancelled (a cancelled timer's handler finds its id gone and does nothing,
// so cancel() is exact even when the timer had already expired).
//
// Thread: the I/O thread that runs the io_context.

#include <map>
#include <memory>

#include <asio.hpp>

#include "samsa/broker/group/group_timers.h"

namespace samsa::broker::group {

class asio_group_timers : public group_timers {
public:
    explicit asio_group_timers(asio::io_context& io) : io_(io) {}
    ~asio_group_timers() override;

    timestamp_ms now() override;
    timer_id schedule(std::chrono::milliseconds delay, std::function<void()> fn) override;
    void cancel(timer_id id) override;

private:
    struct entry {
        std::unique_ptr<asio::steady_timer> timer;
        std::function<void()> fn;
    };
    asio::io_context& io_;
    std::map<timer_id, entry> timers_;
    timer_id next_ = 1;
};

}  // namespace samsa::broker::group
