#pragma once
// temp_dir: a fresh directory from mkdtemp, removed with everything in it when
// the test ends.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace samsa::streams::testing {

class temp_dir {
public:
    temp_dir() {
        auto base = std::filesystem::temp_directory_path() / "samsa-state-test-XXXXXX";
        std::string pattern = base.string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace samsa::streams::testing
