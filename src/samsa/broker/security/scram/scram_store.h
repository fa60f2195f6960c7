#pragma once
// scram_store: the broker's SCRAM credentials (user -> mechanism ->
// credential), kept in one JSON file in the primary log dir
// (scram-credentials.json), rewritten atomically on every change (temp file,
// fsync, rename, fsync of the dir) so a crash leaves the old or the new set.
// Only salts and derived keys are stored, never passwords, as in Kafka.
// AlterUserScramCredentials / DescribeUserScramCredentials manage it.
//
// Thread: the I/O thread (tests and tools may use their own instance on
// another directory).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/broker/security/scram/scram.h"

namespace samsa::broker::security {

class scram_store {
public:
    static constexpr const char* file_name = "scram-credentials.json";

    // Reads <dir>/scram-credentials.json (none: empty store).
    static result<scram_store> open(const std::string& dir);

    std::optional<scram_credential> find(const std::string& user, scram_mechanism m) const;
    // Mechanism -> iterations of a user's credentials; empty when none.
    std::map<scram_mechanism, int32_t> describe(const std::string& user) const;
    std::vector<std::string> users() const;

    // Changes then persists; on a write failure the change is undone.
    status upsert(const std::string& user, scram_mechanism m, scram_credential c);
    // False when there was nothing to delete.
    result<bool> remove(const std::string& user, scram_mechanism m);

private:
    status save() const;
    std::string path_;
    std::map<std::string, std::map<scram_mechanism, scram_credential>> users_;
};

}  // namespace samsa::broker::security
