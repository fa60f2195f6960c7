#pragma once
// log_manager: every partition log under the broker's log dirs.
//
// Thread model: the table of logs is guarded by a mutex, so create_log,
// get_log, logs() and checkpoint() may be called from any thread. Each
// partition_log it hands out is then used only by the I/O thread that owns
// the partition (see partition_log.h). A background thread (when
// checkpoint_interval > 0) writes the checkpoint files from the logs'
// published atomics; it never touches a log otherwise. delete_logs and
// close must be called once the logs concerned are no longer in use.
//
// A log dir (`log.dirs` entry) looks like Kafka's:
//
//   <log.dir>/
//     .kafka_cleanshutdown               present only between a clean close and the next open
//     recovery-point-offset-checkpoint   per partition: everything below is fsynced and checked
//     log-start-offset-checkpoint        per partition: the log start offset (DeleteRecords, retention)
//     cleaner-offset-checkpoint          per compacted partition: where its dirty section starts
//     orders-0/ orders-1/ ...            partition_log directories (partition_log.h)
//     orders-1.3c2f...9e-delete/         a deleted partition not yet removed (removed at open)
//
// Checkpoint files (checkpoint_file.h) are Kafka's text format; for example
// with two partitions:
//
//   0
//   2
//   orders 0 1542
//   orders 1 1377
//
// Start-up: a log dir with the clean shutdown marker is trusted: each log
// reads only its active segment's tail (from the last index entry). Without
// the marker every log validates its batches from its recovery point on,
// truncates at the first bad or partial batch and rebuilds the indexes there
// (recovery.h), and one summary line per recovered partition is logged. The
// marker is removed once every log is open, and written back by close().
//
// New partitions go to the log dir holding the fewest partitions (Kafka's rule).

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/storage/log_cleaner.h"
#include "samsa/storage/log_config.h"
#include "samsa/storage/partition_log.h"
#include "samsa/base/uuid.h"

namespace samsa::storage {

struct log_manager_config {
    std::vector<std::filesystem::path> log_dirs{"./samsa-data"};
    // Used for logs found at start-up whose topic `config_for` does not know.
    log_config default_config;
    // Optional: the config of a topic's logs at start-up (the broker's topic
    // configs). Called during open() only.
    std::function<log_config(std::string_view topic)> config_for;
    // How often the background thread rewrites the checkpoint files when
    // something changed; zero disables the thread (call checkpoint() yourself).
    std::chrono::milliseconds checkpoint_interval{1000};
    // fsync rolled segments and time-based flushes on a background thread
    // (background_flusher.h) rather than on the logs' owner threads.
    bool background_flush = true;
    // log.cleaner.enable: run log_cleaner threads for compacted logs.
    bool cleaner_enable = true;
    cleaner_config cleaner;
};

// One partition's log as the broker's topic registry needs to know it at
// start-up.
struct log_info {
    std::string topic;
    partition_id partition;
    samsa::uuid topic_id;  // zero when the directory had no partition.metadata
    std::filesystem::path dir;
};

// What open() found, also logged.
struct startup_report {
    size_t logs_opened = 0;
    size_t logs_recovered = 0;  // opened without a clean shutdown marker
    uint64_t bytes_truncated = 0;
    std::chrono::microseconds took{0};
};

class log_manager {
public:
    // Above this many logs a clean close or an unclean start syncs each log dir's
    // whole file system once (sync_file_system) instead of 3-4 fsyncs per log.
    // Below it the per-log fsyncs are cheaper than also waiting for other
    // programs' dirty pages on a shared file system.
    static constexpr size_t sync_file_system_above_logs = 64;

    // Creates missing log dirs, removes leftover `-delete` directories, opens
    // every `<topic>-<partition>` directory (recovering as needed), then
    // removes the clean shutdown markers.
    static result<std::unique_ptr<log_manager>> open(log_manager_config config);

    // Closes if close() was not called (failures are only logged).
    ~log_manager();
    log_manager(const log_manager&) = delete;
    log_manager& operator=(const log_manager&) = delete;

    // Creates `<dir>/<topic>-<partition>/` with its partition.metadata and an
    // empty first segment. already_exists when the log is there;
    // invalid_argument for a topic name Kafka would refuse.
    result<partition_log*> create_log(std::string_view topic, partition_id partition, const samsa::uuid& topic_id,
                                      const log_config& config);
    // create_log in two halves, for a caller that keeps its thread free while
    // the files are made (CreateTopics of thousands of partitions):
    //   place_new_logs   owner's thread: the directory of each new partition
    //   make_log_files   any thread: mkdir, partition.metadata, the first
    //                    segment (touches nothing of this manager; the
    //                    caller fsyncs the parents once, sync_dir)
    //   register_log     owner's thread: the log joins the manager
    // A made log that is not registered is removed with remove_log_files.
    std::vector<std::filesystem::path> place_new_logs(std::string_view topic, int32_t first_partition,
                                                      int32_t count) const;
    static result<std::unique_ptr<partition_log>> make_log_files(const std::filesystem::path& dir,
                                                                 const samsa::uuid& topic_id,
                                                                 const log_config& config);
    static void remove_log_files(const std::filesystem::path& dir);
    // already_exists when the partition is registered already; closed after close().
    result<partition_log*> register_log(std::string_view topic, partition_id partition, const samsa::uuid& topic_id,
                                        std::unique_ptr<partition_log> log);

    // nullptr when absent. The pointer stays valid until delete_logs(topic) or close().
    partition_log* get_log(std::string_view topic, partition_id partition) const;
    // Deletes every partition of a topic: closes each log, renames its
    // directory to `<topic>-<partition>.<uuid>-delete` (so a crash midway
    // leaves nothing that looks like a live log), removes it, and drops the
    // partitions from the checkpoint files. not_found when there were none.
    // With first_partition > 0 only the partitions from it on go (undoing
    // a CreatePartitions that failed part-way).
    status delete_logs(std::string_view topic, int32_t first_partition = 0);

    std::vector<log_info> logs() const;
    const startup_report& startup() const { return startup_; }
    const std::vector<std::filesystem::path>& log_dirs() const { return config_.log_dirs; }
    // The cleaner threads (null when log.cleaner.enable is false); every log
    // this manager opens or creates submits its cleans there.
    log_cleaner* cleaner() const { return cleaner_.get(); }

    // Writes recovery-point-offset-checkpoint and log-start-offset-checkpoint
    // in every log dir from the logs' published offsets.
    status checkpoint();
    // Stops the checkpointer, closes (flushes) every log (cancelling its
    // clean), stops the cleaner, writes the checkpoints and the clean
    // shutdown markers. Idempotent.
    status close();

private:
    struct key {
        std::string topic;
        int32_t partition;
        auto operator<=>(const key&) const = default;
    };
    struct entry_t {
        std::unique_ptr<partition_log> log;
        size_t dir_index;  // into config_.log_dirs
        samsa::uuid topic_id;
    };

    explicit log_manager(log_manager_config config);
    status load_dir(size_t dir_index);
    void run_checkpointer();

    log_manager_config config_;
    std::unique_ptr<background_flusher> flusher_;  // null when background_flush is off
    std::unique_ptr<log_cleaner> cleaner_;         // null when cleaner_enable is off
    mutable std::mutex mutex_;
    std::map<key, entry_t> logs_;
    startup_report startup_;
    // sync_file_system of every log dir (one call each; dirs on one file system sync it again, cheaply).
    status sync_log_dirs();
    bool deferred_syncs_ = false;  // load_dir deferred recovery syncs to open()
    bool closed_ = false;
    std::mutex checkpoint_mutex_;                // serialises checkpoint file writers
    std::vector<std::string> last_checkpoint_;   // per log dir: what was last written
    std::mutex checkpointer_mutex_;
    std::condition_variable checkpointer_cv_;
    bool stop_checkpointer_ = false;
    std::thread checkpointer_;
};

}  // namespace samsa::storage
