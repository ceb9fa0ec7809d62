// The public RFC 7208 and RFC 4408 SPF test suites (../shared/conformance/spf/, README.md there),
// every test a test of its own named after its id, each scenario's zone data served by FakeDns.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "mailauth/fake_dns.h"
#include "mailauth/spf/check_host.h"
#include "support/gtest_name.h"

namespace sealbox::mailauth::spf {
namespace {

namespace json = boost::json;
using testing::FakeDns;

struct Case {
    std::string suite;
    std::string id;
    json::object test;
    json::object zonedata;
};

void PrintTo(const Case& c, std::ostream* out) {
    *out << c.suite << " " << c.id;
}

std::string suite_path(const std::string& suite) {
    return std::string(SEALBOX_SHARED_DIR) + "/conformance/spf/" + suite + "-tests.json";
}

std::vector<Case> load(const std::string& suite) {
    std::ifstream file(suite_path(suite));
    std::stringstream text;
    text << file.rdbuf();
    boost::system::error_code ec;
    auto scenarios = json::parse(text.str(), ec);
    std::vector<Case> cases;
    if (ec || !scenarios.is_array()) {
        return cases;  // SuiteIsComplete reports it
    }
    for (const auto& scenario : scenarios.as_array()) {
        for (const auto& [id, test] : scenario.at("tests").as_object()) {
            cases.push_back(
                {suite, std::string(id), test.as_object(), scenario.at("zonedata").as_object()});
        }
    }
    return cases;
}

std::string text_of(const json::value& value) {
    if (value.is_string()) {
        return std::string(value.as_string());
    }
    std::string joined;  // one TXT record of several strings, joined without spaces
    for (const auto& piece : value.as_array()) {
        joined += piece.as_string();
    }
    return joined;
}

// The suite's zone data, by its driver rules: SPF-type records are served as TXT unless the name
// has TXT records of its own ("TXT: NONE" is an explicit absence); names absent are NXDOMAIN.
void serve(const json::object& zonedata, FakeDns& dns) {
    for (const auto& [key, items] : zonedata) {
        std::string name(key);
        dns.add_empty(name);
        bool has_txt = false;
        for (const auto& item : items.as_array()) {
            has_txt |= item.is_object() && item.as_object().contains("TXT");
        }
        for (const auto& item : items.as_array()) {
            if (item.is_string()) {
                ASSERT_EQ(item.as_string(), "TIMEOUT");  // SuiteDns's
                continue;
            }
            for (const auto& [type, value] : item.as_object()) {
                if (type == "SPF" && !has_txt) {
                    dns.add_txt(name, text_of(value));
                } else if (type == "TXT" && !(value.is_string() && value.as_string() == "NONE")) {
                    dns.add_txt(name, text_of(value));
                } else if (type == "A" || type == "AAAA") {
                    dns.add_address(name, std::string(value.as_string()));
                } else if (type == "MX") {
                    dns.add_mx(name, static_cast<std::uint16_t>(value.at(0).to_number<int>()),
                               std::string(value.at(1).as_string()));
                } else if (type == "PTR") {
                    dns.add_ptr(name, std::string(value.as_string()));
                } else if (type == "CNAME") {
                    dns.add_cname(name, std::string(value.as_string()));
                } else {
                    ASSERT_TRUE(type == "SPF" || type == "TXT") << "record type " << type;
                }
            }
        }
    }
}

// The rest of the driver rules. A name marked "TIMEOUT" times out for the types it has no
// records of (so "spftimeout", with a TXT record and TIMEOUT, still answers its TXT query, as the
// suite expects); names starting with "error." time out, and so does a name with a label longer
// than 63 characters.
class SuiteDns final : public DnsLookup {
  public:
    SuiteDns(const json::object& zonedata, FakeDns& zone) : zone_(zone) {
        for (const auto& [name, items] : zonedata) {
            for (const auto& item : items.as_array()) {
                if (item.is_string()) {
                    timeouts_.insert(lowercase(name));
                }
            }
        }
    }
    // (No co_await inside ?: — GCC 12 miscompiles it.)
    boost::asio::awaitable<dns::TxtAnswer> txt(std::string name) override {
        co_return rules(name, co_await zone_.txt(name));
    }
    boost::asio::awaitable<dns::AddressAnswer> a(std::string name) override {
        co_return rules(name, co_await zone_.a(name));
    }
    boost::asio::awaitable<dns::AddressAnswer> aaaa(std::string name) override {
        co_return rules(name, co_await zone_.aaaa(name));
    }
    boost::asio::awaitable<dns::MxAnswer> mx(std::string name) override {
        co_return rules(name, co_await zone_.mx(name));
    }
    boost::asio::awaitable<dns::NameAnswer> ptr(boost::asio::ip::address address) override {
        co_return rules(FakeDns::reverse_name(address), co_await zone_.ptr(address));
    }
    boost::asio::awaitable<dns::SrvAnswer> srv(std::string name) override {
        co_return rules(name, co_await zone_.srv(name));
    }

  private:
    static std::string lowercase(std::string_view text) {
        std::string out(text);
        for (char& ch : out) {
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        if (!out.empty() && out.back() == '.') {
            out.pop_back();
        }
        return out;
    }

    template <typename Record>
    dns::Answer<Record> rules(const std::string& name, dns::Answer<Record> answer) const {
        auto key = lowercase(name);
        bool timeout = key.starts_with("error.") ||
                       (timeouts_.contains(key) && answer.status == dns::Status::nodata);
        std::size_t label = 0;
        for (char ch : key) {
            label = ch == '.' ? 0 : label + 1;
            timeout |= label > 63;
        }
        if (timeout) {
            answer = {};
            answer.status = dns::Status::temporary;
        }
        return answer;
    }

    FakeDns& zone_;
    std::set<std::string> timeouts_;
};

class SpfConformance : public ::testing::TestWithParam<Case> {};

TEST_P(SpfConformance, GivesTheExpectedResult) {
    const Case& c = GetParam();
    FakeDns zone;
    serve(c.zonedata, zone);
    SuiteDns dns(c.zonedata, zone);
    const auto& t = c.test;
    Options options;
    options.default_explanation = "DEFAULT";  // the suite's driver convention
    options.receiver = "receiver.example";
    auto outcome = testing::run(check_mail_from(
        dns, boost::asio::ip::make_address(std::string(t.at("host").as_string())),
        std::string(t.at("mailfrom").as_string()), std::string(t.at("helo").as_string()), options));

    std::set<std::string> accepted;
    const auto& expected = t.at("result");
    if (expected.is_string()) {
        accepted.insert(std::string(expected.as_string()));
    } else {
        for (const auto& r : expected.as_array()) {
            accepted.insert(std::string(r.as_string()));
        }
    }
    std::string got(to_string(outcome.result));
    EXPECT_TRUE(accepted.contains(got))
        << c.suite << " " << c.id << " (RFC section " << json::serialize(t.at("spec"))
        << "): expected " << json::serialize(expected) << ", got " << got << " (" << outcome.detail
        << ")";
    if (t.contains("explanation")) {
        EXPECT_EQ(outcome.explanation, t.at("explanation").as_string()) << c.suite << " " << c.id;
    }
}

std::string test_name(const ::testing::TestParamInfo<Case>& info) {
    return sealbox::testing::gtest_name(info.param.id);
}

INSTANTIATE_TEST_SUITE_P(Rfc7208, SpfConformance, ::testing::ValuesIn(load("rfc7208")), test_name);
INSTANTIATE_TEST_SUITE_P(Rfc4408, SpfConformance, ::testing::ValuesIn(load("rfc4408")), test_name);

// Guards against a suite that failed to load, which would otherwise run zero tests.
TEST(SpfConformanceSuite, IsComplete) {
    EXPECT_EQ(load("rfc7208").size(), 203u);
    EXPECT_EQ(load("rfc4408").size(), 191u);
}

}  // namespace
}  // namespace sealbox::mailauth::spf
