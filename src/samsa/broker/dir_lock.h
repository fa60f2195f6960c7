#pragma once
// dir_lock: an exclusive flock on `<log.dir>/.lock`, as Kafka takes, so two
// brokers never open the same log dir (the second would recover and mark
// the other's live logs). Held for the broker's lifetime; released by the
// kernel if the process dies.
//
// Thread: main thread, at start-up; released at exit.

#include <memory>
#include <string>

#include "samsa/base/result.h"

namespace samsa::broker {

class dir_lock {
public:
    // Creates the dir if needed; fails when another process holds the lock.
    static result<std::unique_ptr<dir_lock>> acquire(const std::string& dir);
    ~dir_lock();
    dir_lock(const dir_lock&) = delete;
    dir_lock& operator=(const dir_lock&) = delete;

private:
    explicit dir_lock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace samsa::broker
