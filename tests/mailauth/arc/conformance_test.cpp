// The public ARC test suite (../shared/conformance/arc/, README.md there), every test a test of
// its own named after its id: the 171 validation tests and the 17 signing tests, each scenario's
// key records served by FakeDns. The YAML is read as the JSON the build converts it to.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "mailauth/arc/seal.h"
#include "mailauth/arc/validate.h"
#include "mailauth/auth_results.h"
#include "mailauth/fake_dns.h"
#include "support/gtest_name.h"

namespace sealbox::mailauth::arc {
namespace {

namespace json = boost::json;
using testing::FakeDns;

struct Case {
    std::string id;
    json::object test;
    json::object scenario;
};

void PrintTo(const Case& c, std::ostream* out) {
    *out << c.id;
}

std::vector<Case> load(const std::string& suite) {
    std::ifstream file(std::string(SEALBOX_ARC_SUITE_JSON_DIR) + "/arc-draft-" + suite +
                       "-tests.json");
    std::stringstream text;
    text << file.rdbuf();
    boost::system::error_code ec;
    auto scenarios = json::parse(text.str(), ec);
    std::vector<Case> cases;
    if (ec || !scenarios.is_array()) {
        return cases;  // ArcConformanceSuite.IsComplete reports it
    }
    for (const auto& scenario : scenarios.as_array()) {
        for (const auto& [id, test] : scenario.at("tests").as_object()) {
            cases.push_back({std::string(id), test.as_object(), scenario.as_object()});
        }
    }
    return cases;
}

std::string text_at(const json::object& object, std::string_view key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || value->is_null()) {
        return {};
    }
    return value->is_string() ? std::string(value->as_string()) : json::serialize(*value);
}

// Each key record is written over several lines in the YAML; its lines are the character-strings
// of one TXT record, joined without spaces (RFC 6376 §3.6.2.2).
void serve(const json::object& scenario, FakeDns& dns) {
    for (const auto& [name, record] : scenario.at("txt-records").as_object()) {
        std::string joined;
        for (char c : record.as_string()) {
            if (c != '\n') {
                joined += c;
            }
        }
        dns.add_txt(std::string(name), joined);
    }
}

Validation validate_message(const dkim::Message& message, const json::object& scenario) {
    FakeDns dns;
    serve(scenario, dns);
    return testing::run(validate(message, dns));
}

class ArcValidation : public ::testing::TestWithParam<Case> {};

// Expected cv: "Pass", "Fail", "None", or empty where dkimpy answers that the chain was already
// ended: an ARC-Seal in it says cv=fail, which RFC 8617 §5.2 step 2 and 3.3 call "fail".
TEST_P(ArcValidation, GivesTheExpectedChainStatus) {
    const Case& c = GetParam();
    auto message = dkim::parse_message(text_at(c.test, "message"));
    auto validation = validate_message(message, c.scenario);
    std::string expected = text_at(c.test, "cv");
    std::string got(to_string(validation.result));
    std::string description =
        c.id + " (" + text_at(c.test, "description") + "): " + validation.reason;
    if (expected.empty()) {
        EXPECT_EQ(got, "fail") << description;
        EXPECT_TRUE(validation.marked_fail) << description;
        return;
    }
    for (char& ch : expected) {
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    EXPECT_EQ(got, expected) << description;
    EXPECT_FALSE(validation.marked_fail) << description;
}

// The results of the message's Authentication-Results fields under `authserv_id`, merged, as the
// suite's driver hands them to the sealer: each field's results after its authserv-id, unfolded,
// joined by "; ".
std::string own_results(const dkim::Message& message, const std::string& authserv_id) {
    std::string merged;
    for (const auto& field : message.headers) {
        if (field.name != "Authentication-Results") {
            continue;
        }
        auto body = field_value(field);
        if (read_authserv_id(body) != authserv_id) {
            continue;
        }
        std::string unfolded;
        for (char c : body.substr(body.find(';') + 1)) {
            if (c != '\r' && c != '\n') {
                unfolded += c;
            }
        }
        std::stringstream results(unfolded);
        for (std::string result; std::getline(results, result, ';');) {
            auto first = result.find_first_not_of(" \t");
            if (first == std::string::npos) {
                continue;
            }
            result = result.substr(first, result.find_last_not_of(" \t") - first + 1);
            merged += (merged.empty() ? "" : "; ") + result;
        }
    }
    return merged;
}

// A field's value as the suite's driver compares it: whitespace removed, then its ";"-separated
// parts as a set, so that neither folding nor the order of tags matters, but every tag value
// (the signatures included) must be the same.
std::set<std::string> parts(std::string_view value) {
    std::string compact;
    for (char c : value) {
        if (!std::isspace(static_cast<unsigned char>(c))) {
            compact += c;
        }
    }
    std::set<std::string> out;
    std::stringstream stream(compact);
    for (std::string part; std::getline(stream, part, ';');) {
        if (!part.empty()) {
            out.insert(part);
        }
    }
    return out;
}

class ArcSigning : public ::testing::TestWithParam<Case> {};

TEST_P(ArcSigning, WritesTheExpectedArcSet) {
    const Case& c = GetParam();
    auto message = dkim::parse_message(text_at(c.test, "message"));
    auto incoming = validate_message(message, c.scenario);

    SealOptions options;
    options.cv = incoming.result;
    options.authserv_id = text_at(c.test, "srv-id");
    options.results = own_results(message, options.authserv_id);
    options.domain = text_at(c.scenario, "domain");
    options.selector = text_at(c.scenario, "sel");
    options.timestamp = std::stoll(text_at(c.test, "t"));
    std::stringstream names(text_at(c.test, "sig-headers"));
    for (std::string name; std::getline(names, name, ':');) {
        options.headers.push_back(name);
    }
    auto pem = text_at(c.scenario, "privatekey");
    auto key = dkim::SigningKey::from_private_key(
        dkim::KeyType::rsa, {reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()});

    auto fields = seal(message, options, key);
    if (parts(text_at(c.test, "AS")).empty()) {  // the chain may not be continued
        EXPECT_TRUE(fields.empty()) << c.id;
        return;
    }
    ASSERT_EQ(fields.size(), 3u) << c.id;
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"ARC-Seal", text_at(c.test, "AS")},
        {"ARC-Message-Signature", text_at(c.test, "AMS")},
        {"ARC-Authentication-Results", text_at(c.test, "AAR")}};
    for (std::size_t i = 0; i < 3; ++i) {
        auto colon = fields[i].find(':');
        EXPECT_EQ(fields[i].substr(0, colon), expected[i].first) << c.id;
        EXPECT_EQ(parts(fields[i].substr(colon + 1)), parts(expected[i].second))
            << c.id << ": " << fields[i];
    }

    // What we sealed validates, unless we sealed a failed chain, which our seal ends.
    std::string sealed = fields[0] + fields[1] + fields[2];
    for (const auto& field : message.headers) {
        sealed += field.text;
    }
    auto outgoing =
        validate_message(dkim::parse_message(sealed + "\r\n" + message.body), c.scenario);
    if (incoming.result == ChainStatus::fail) {
        EXPECT_EQ(outgoing.result, ChainStatus::fail) << c.id;
        EXPECT_TRUE(outgoing.marked_fail) << c.id;
    } else {
        EXPECT_EQ(outgoing.result, ChainStatus::pass) << c.id << ": " << outgoing.reason;
    }
}

std::string test_name(const ::testing::TestParamInfo<Case>& info) {
    return sealbox::testing::gtest_name(info.param.id);
}

INSTANTIATE_TEST_SUITE_P(Suite, ArcValidation, ::testing::ValuesIn(load("validation")), test_name);
INSTANTIATE_TEST_SUITE_P(Suite, ArcSigning, ::testing::ValuesIn(load("sign")), test_name);

// Guards against a suite that failed to load, which would otherwise run zero tests.
TEST(ArcConformanceSuite, IsComplete) {
    EXPECT_EQ(load("validation").size(), 171u)
        << "the suite is read from ../shared/conformance/arc beside the checkout";
    EXPECT_EQ(load("sign").size(), 17u);
}

}  // namespace
}  // namespace sealbox::mailauth::arc
