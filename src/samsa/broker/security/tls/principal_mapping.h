#pragma once
// principal_mapping: ssl.principal.mapping.rules, Kafka's way to turn a
// client certificate's subject into a user name. A list of rules tried in
// order; the first whose pattern matches the whole subject gives the name:
//   DEFAULT                         the subject as is ("CN=alice,O=acme")
//   RULE:pattern/replacement/       regex match, $1.. in the replacement
//   RULE:pattern/replacement/L      ... then lower-cased (U: upper-cased)
// No rule matching: the subject as is (Kafka fails; we stay permissive only
// when the list has no DEFAULT, matching its default of "DEFAULT").
//
// Thread: any; immutable after parse.

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "samsa/base/result.h"

namespace samsa::broker::security {

class principal_mapping {
public:
    static result<principal_mapping> parse(const std::string& rules);
    // The user name for a subject; nullopt when no rule matches.
    std::optional<std::string> map(const std::string& subject) const;

private:
    struct rule {
        bool is_default = true;
        std::regex pattern;
        std::string replacement;
        char case_change = 0;  // 'L', 'U' or 0
    };
    std::vector<rule> rules_;
};

}  // namespace samsa::broker::security
