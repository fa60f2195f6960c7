#pragma once
// temp_dir: a fresh directory for one test, made with mkdtemp under $TMPDIR
// (else /tmp), so parallel tests and processes never share one; removed with
// everything in it when the temp_dir is destroyed, unless SAMSA_KEEP_TEST_DIRS
// is set (to anything but "" or "0"): then it stays for a post-mortem, and
// stderr says where.
//
//   samsa::test_support::temp_dir dir("storage");   // $TMPDIR/samsa-storage-Ab12Cd
//   auto log = partition_log::open(dir.path() / "orders-0", ...);
//
// It is the one temp-dir helper of the tests. Header-only and free of
// GoogleTest, so unit tests that link only their module (storage, streams)
// and the load tools can use it. A directory that cannot be made throws
// std::runtime_error (GoogleTest reports it as the test's failure).
//
// Thread: any; one owner.

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace samsa::test_support {

// True when SAMSA_KEEP_TEST_DIRS asks to keep the tests' directories.
inline bool keep_test_dirs() {
    const char* v = std::getenv("SAMSA_KEEP_TEST_DIRS");
    return v != nullptr && *v != '\0' && std::string_view(v) != "0";
}

class temp_dir {
public:
    // <parent>/samsa-<prefix>-XXXXXX; an empty parent means $TMPDIR, else /tmp.
    explicit temp_dir(std::string_view prefix = "test", const std::filesystem::path& parent = {}) {
        std::filesystem::path base = parent;
        if (base.empty()) {
            const char* tmp = std::getenv("TMPDIR");
            base = tmp != nullptr && *tmp != '\0' ? std::filesystem::path(tmp) : std::filesystem::path("/tmp");
        }
        std::string pattern = (base / ("samsa-" + std::string(prefix) + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("temp_dir: mkdtemp " + pattern + ": " + std::strerror(errno));
        path_ = std::move(pattern);
    }
    ~temp_dir() { remove(); }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    temp_dir(temp_dir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
    temp_dir& operator=(temp_dir&& other) noexcept {
        if (this != &other) {
            remove();
            path_ = std::exchange(other.path_, {});
        }
        return *this;
    }

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::filesystem::path& child) const { return path_ / child; }
    std::string string() const { return path_.string(); }

private:
    void remove() {
        if (path_.empty()) return;
        if (keep_test_dirs()) {
            std::fprintf(stderr, "SAMSA_KEEP_TEST_DIRS: kept %s\n", path_.c_str());
        } else {
            std::error_code ec;
            std::filesystem::remove_all(path_, ec);
        }
        path_.clear();
    }

    std::filesystem::path path_;
};

}  // namespace samsa::test_support
