#pragma once
// fake_group_timers: a clock the test advances by hand; timers fire in
// deadline order inside advance(), on the test's thread.
//
// Thread: the test's main thread.

#include <chrono>
#include <functional>
#include <map>

#include "samsa/broker/group/group_timers.h"

namespace samsa::broker::group::testing {

class fake_group_timers : public group_timers {
public:
    timestamp_ms now() override { return timestamp_ms(now_ms_); }
    timer_id schedule(std::chrono::milliseconds delay, std::function<void()> fn) override {
        timer_id id = next_++;
        timers_[id] = {now_ms_ + delay.count(), std::move(fn)};
        return id;
    }
    void cancel(timer_id id) override { timers_.erase(id); }

    // Moves the clock forward, firing every timer that falls due (also ones
    // scheduled by the callbacks), earliest first.
    void advance(std::chrono::milliseconds d) {
        int64_t target = now_ms_ + d.count();
        for (int guard = 0; guard < 100000; ++guard) {
            auto next = timers_.end();
            for (auto it = timers_.begin(); it != timers_.end(); ++it)
                if (it->second.deadline <= target && (next == timers_.end() || it->second.deadline < next->second.deadline))
                    next = it;
            if (next == timers_.end()) break;
            now_ms_ = next->second.deadline;
            auto fn = std::move(next->second.fn);
            timers_.erase(next);
            fn();
        }
        now_ms_ = target;
    }
    size_t pending() const { return timers_.size(); }

private:
    struct entry {
        int64_t deadline;
        std::function<void()> fn;
    };
    int64_t now_ms_ = 1'700'000'000'000;
    timer_id next_ = 1;
    std::map<timer_id, entry> timers_;
};

}  // namespace samsa::broker::group::testing
