#pragma once
// test_pki: certificates for the TLS tests, made by the openssl command-line
// tool into a fresh temp directory (no key is ever committed; the directory
// goes with the test_pki, kept when SAMSA_KEEP_TEST_DIRS is set):
//   ca.pem / ca.key            the test CA
//   server.pem / server.key    CN=localhost, SAN localhost and 127.0.0.1, signed by the CA
//   server.p12                 the same key and chain as PKCS12 (password "storepass")
//   ca.p12                     the CA certificate as a PKCS12 truststore (password "storepass")
//   alice.pem / alice.key      a client certificate, CN=alice,OU=dev,O=samsa, signed by the CA
//   rogue.pem / rogue.key      a client certificate signed by another CA (untrusted)
//   expired.pem / expired.key  a client certificate signed by the CA, expired a day ago
//
// Thread: the test's thread.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace samsa::e2e {

class test_pki {
public:
    // Generates everything; ok() false (with error()) when openssl failed.
    test_pki();
    test_pki(const test_pki&) = delete;
    test_pki& operator=(const test_pki&) = delete;

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    std::string path(const std::string& name) const { return (dir() / name).string(); }
    // A file's text (PEM for the inline ssl.keystore.key style settings).
    std::string text(const std::string& name) const;

    // The process-wide instance (made once; the tests only read it).
    static const test_pki& shared();

private:
    bool run(const std::string& what, const std::vector<std::string>& argv);
    std::filesystem::path dir() const { return dir_ ? dir_->path() : std::filesystem::path(); }
    std::optional<test_support::temp_dir> dir_;  // empty when it could not be made (error_ says why)
    std::string error_;
};

}  // namespace samsa::e2e
