// The client side of SCRAM (scram_client_exchange), as samsa's CLI logs in:
// RFC 7677's example message for message, and a round with the broker's own
// server side for both hashes, right and wrong passwords.

#include <gtest/gtest.h>

#include "samsa/broker/security/scram/scram_client.h"

namespace samsa::broker::security {
namespace {

TEST(scram_client, rfc7677_example_messages) {
    scram_client_exchange client(scram_mechanism::sha256, "user", "pencil");
    client.fix_client_nonce("rOprNGfwEbeRWgbNEkqO");
    EXPECT_EQ(client.client_first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    std::string error;
    auto final_message = client.client_final(
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", error);
    ASSERT_TRUE(final_message) << error;
    EXPECT_EQ(*final_message, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                              "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    EXPECT_TRUE(client.server_final_ok("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    EXPECT_FALSE(client.server_final_ok("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
}

TEST(scram_client, logs_in_to_the_server_side_with_both_hashes_and_only_with_the_password) {
    for (auto m : {scram_mechanism::sha256, scram_mechanism::sha512}) {
        const auto credential = scram_make_credential(m, "secret,=x", 4096);
        for (const std::string password : {"secret,=x", "wrong"}) {
            scram_exchange server(m, [&](const std::string& user) -> std::optional<scram_credential> {
                if (user == "al,i=ce") return credential;
                return std::nullopt;
            });
            scram_client_exchange client(m, "al,i=ce", password);
            auto first = server.evaluate(client.client_first());
            ASSERT_TRUE(first.ok) << first.error;
            std::string error;
            auto final_message = client.client_final(first.reply, error);
            ASSERT_TRUE(final_message) << error;
            auto last = server.evaluate(*final_message);
            EXPECT_EQ(last.ok, password == "secret,=x") << last.error;
            if (last.ok) {
                EXPECT_TRUE(client.server_final_ok(last.reply));
            }
        }
    }
}

TEST(scram_client, refuses_a_server_first_message_that_breaks_the_rules) {
    scram_client_exchange client(scram_mechanism::sha256, "user", "pencil");
    client.fix_client_nonce("abc");
    client.client_first();
    std::string error;
    EXPECT_FALSE(client.client_final("r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", error));  // not our nonce
    EXPECT_FALSE(client.client_final("r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=100", error));   // too few iterations
    EXPECT_FALSE(client.client_final("r=abcdef,i=4096", error));                             // no salt
    EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace samsa::broker::security
