#pragma once
// state_directory: the on-disk layout of an application's state and the
// locks that keep two stream threads (or two processes) from opening the
// same task's stores (Kafka Streams' StateDirectory):
//
//   <state.dir>/<application.id>/
//       0_1/            one directory per task
//           .lock       flock()ed while a thread owns the task
//           .checkpoint changelog offsets (checkpoint_file.h)
//           rocksdb/<store>/
//       global/         the global stores, same layout
//       kafka-streams-process-metadata   {"processId":"<uuid>"}
//
// The process id (Kafka's StateDirectory.initializeProcessId) is kept in the
// application directory, so a restarted instance has the same one: under
// exactly_once_v2 its producers then have the same transactional.id and
// fence (and abort) what the previous run left open at once, instead of
// after transaction.timeout.ms. The application directory's own .lock is
// held meanwhile; an instance that cannot take it (another instance on the
// same state.dir) gets a random id, as Kafka does without persistent state.
//
// A lock is an open file descriptor with flock(LOCK_EX | LOCK_NB); it is
// released when the task_lock is destroyed or the process dies, so a kill -9
// never leaves a stale lock behind.
//
// Threads: lock() is called by stream threads concurrently; each lock object
// belongs to the thread that took it.

#include <filesystem>
#include <memory>
#include <string>

#include "samsa/base/result.h"

namespace samsa::streams::internal {

class task_lock {
public:
    explicit task_lock(int fd) : fd_(fd) {}
    ~task_lock();
    task_lock(const task_lock&) = delete;
    task_lock& operator=(const task_lock&) = delete;

private:
    int fd_;
};

class state_directory {
public:
    state_directory(std::filesystem::path state_dir, std::string application_id);

    const std::filesystem::path& app_dir() const { return app_dir_; }
    // <app dir>/<name>, created when missing. name: a task id or "global".
    [[nodiscard]] result<std::filesystem::path> directory_for(const std::string& name) const;
    // Takes the task directory's lock without waiting; already_exists when
    // someone else holds it.
    [[nodiscard]] result<std::unique_ptr<task_lock>> lock(const std::string& name) const;
    // The persisted process id (above); a new random one when it cannot be
    // kept. The first call takes the lock; later calls return the same id.
    std::string process_id();
    // Removes the application's directory (Kafka's cleanUp()); only while
    // nothing runs.
    [[nodiscard]] status clean();

private:
    std::filesystem::path app_dir_;
    std::unique_ptr<task_lock> app_lock_;
    std::string process_id_;
};

}  // namespace samsa::streams::internal
