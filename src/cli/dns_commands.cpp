// `sealbox dns DOMAIN`: the records a domain should publish, zone-file ready; `sealbox dns check
// DOMAIN`: each of them as DNS serves it now (mailauth/dns_records).

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "core/error.h"
#include "dns/resolver.h"
#include "mailauth/dkim_keys/key_store.h"
#include "mailauth/dns_lookup.h"
#include "mailauth/dns_records/record_check.h"

namespace sealbox::cli {
namespace {

using namespace mailauth::dns_records;

// Every stored key, retired ones too: mail they signed must still verify until they are removed.
std::vector<DkimRecord> dkim_records(Runtime& rt, const std::string& domain) {
    if (!std::filesystem::exists(rt.config().server.data_dir / "dkim.db")) {
        return {};
    }
    std::vector<DkimRecord> records;
    for (const auto& key : mailauth::dkim_keys::open_key_store(rt.config(), false)->list(domain)) {
        records.push_back({key.selector, key.txt_record()});
    }
    return records;
}

std::vector<ExpectedRecord> records_of(Runtime& rt, const std::string& domain) {
    auto dkim = dkim_records(rt, domain);
    if (dkim.empty()) {
        std::cerr << "sealbox: " << domain << " has no DKIM keys yet: `sealbox dkim generate "
                  << domain << "` makes them\n";
    }
    return expected_records(rt.config(), domain, dkim);
}

std::vector<RecordCheck> check(const Config& config, std::vector<ExpectedRecord> records) {
    boost::asio::io_context io;
    std::optional<dns::Resolver> resolver(std::in_place, io.get_executor(), config.dns);
    mailauth::ResolverLookup lookup(*resolver);
    auto result = boost::asio::co_spawn(io, check_records(lookup, std::move(records)),
                                        boost::asio::use_future);
    io.run();
    resolver.reset();  // before io
    return result.get();
}

}  // namespace

void add_dns_commands(CLI::App& app, Runtime& rt) {
    auto* dns = app.add_subcommand("dns", "The DNS records a domain should publish");
    auto domain = std::make_shared<std::string>();
    dns->add_option("domain", *domain, "Domain name");
    auto* check_command =
        dns->add_subcommand("check", "Compare those records with what DNS serves now");
    auto check_domain = std::make_shared<std::string>();
    check_command->add_option("domain", *check_domain, "Domain name")->required();

    dns->callback([&rt, domain, check_command] {
        if (check_command->parsed()) {
            return;
        }
        if (domain->empty()) {
            throw Error(ErrorCode::invalid_argument, "dns: a domain is required");
        }
        auto name = our_domain(rt, *domain);
        std::cout << "; DNS records for " << name << " (`sealbox dns check " << name
                  << "` compares them with DNS)\n";
        for (const auto& record : records_of(rt, name)) {
            std::cout << "; " << record.comment << '\n' << zone_line(record) << '\n';
        }
    });

    check_command->callback([&rt, check_domain] {
        auto name = our_domain(rt, *check_domain);
        auto checks = check(rt.config(), records_of(rt, name));
        for (const auto& c : checks) {
            std::cout << fmt::format("{:<13} {} {}\n", to_string(c.status), c.expected.name,
                                     to_string(c.expected.type));
            if (c.status != CheckStatus::ok) {
                std::cout << "              expected: " << zone_data(c.expected) << '\n';
            }
            for (const auto& served : c.served) {
                std::cout << "              DNS: " << served << '\n';
            }
        }
        if (needs_attention(checks)) {
            throw Error(ErrorCode::not_found, name + ": some records are missing or different");
        }
    });
}

}  // namespace sealbox::cli
