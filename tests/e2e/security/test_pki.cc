#include "tests/e2e/security/test_pki.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "tests/support/run_command.h"

namespace samsa::e2e {

namespace {

void write_file(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

}  // namespace

bool test_pki::run(const std::string& what, const std::vector<std::string>& argv) {
    if (!error_.empty()) return false;
    test_support::command_options o;
    o.working_dir = dir();
    o.timeout = std::chrono::seconds(60);
    auto r = test_support::run_command(argv, o);
    if (!r.ok()) error_ = what + ": " + r.describe();
    return r.ok();
}

test_pki::test_pki() {
    try {
        dir_.emplace("pki");
    } catch (const std::exception& e) {
        error_ = e.what();
        return;
    }
    write_file(dir() / "server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    write_file(dir() / "client.ext", "extendedKeyUsage=clientAuth\n");
    auto ca = [&](const std::string& name, const std::string& cn) {
        run("CA " + name, {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key",
                           "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + cn});
    };
    auto leaf = [&](const std::string& name, const std::string& subject, const std::string& ca_name,
                    const std::string& ext, const std::string& days = "2") {
        run("key " + name, {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
                            name + ".csr", "-subj", subject});
        run("sign " + name, {"openssl", "x509", "-req", "-in", name + ".csr", "-CA", ca_name + ".pem", "-CAkey",
                             ca_name + ".key", "-CAcreateserial", "-out", name + ".pem", "-days", days, "-extfile", ext});
    };
    ca("ca", "Samsa Test CA");
    ca("rogue-ca", "Rogue CA");
    leaf("server", "/CN=localhost", "ca", "server.ext");
    leaf("alice", "/O=samsa/OU=dev/CN=alice", "ca", "client.ext");
    leaf("rogue", "/CN=mallory", "rogue-ca", "client.ext");
    leaf("expired", "/CN=late", "ca", "client.ext", "-1");  // valid until a day before it was made
    run("server.p12", {"openssl", "pkcs12", "-export", "-inkey", "server.key", "-in", "server.pem", "-certfile", "ca.pem",
                       "-out", "server.p12", "-passout", "pass:storepass"});
    run("ca.p12", {"openssl", "pkcs12", "-export", "-nokeys", "-in", "ca.pem", "-out", "ca.p12", "-passout",
                   "pass:storepass"});
}

std::string test_pki::text(const std::string& name) const {
    std::ifstream in(dir() / name);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

const test_pki& test_pki::shared() {
    static test_pki pki;
    return pki;
}

}  // namespace samsa::e2e
