// `sealbox dkim`: the DKIM keys each domain signs with (mailauth/dkim_keys), and the TXT records
// to publish for them.

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/error.h"
#include "mailauth/dkim_keys/key_store.h"
#include "mailauth/dns_records/expected_records.h"

namespace sealbox::cli {
namespace {

using mailauth::dkim_keys::DkimKey;
using mailauth::dkim_keys::KeyState;

std::string publish_line(const DkimKey& key) {
    mailauth::dns_records::ExpectedRecord record;
    record.name = key.record_name();
    record.type = mailauth::dns_records::RecordType::txt;
    record.text = key.txt_record();
    return mailauth::dns_records::zone_line(record);
}

void print_keys(const std::vector<DkimKey>& keys) {
    for (const auto& key : keys) {
        std::cout << fmt::format(
            "; {} {} {} since {:%Y-%m-%d}\n{}\n", key.selector, key.algorithm(),
            key.state == KeyState::active ? "active" : "retired",
            fmt::gmtime(static_cast<std::time_t>(key.created)), publish_line(key));
    }
}

}  // namespace

std::string our_domain(Runtime& rt, const std::string& name) {
    auto domain = rt.store().directory().find_domain(name);
    if (!domain) {
        throw Error(ErrorCode::not_found, "no such domain: " + name + " (see `domain add`)");
    }
    return domain->name;
}

void add_dkim_commands(CLI::App& app, Runtime& rt) {
    auto* dkim = app.add_subcommand("dkim", "Manage the DKIM keys outgoing mail is signed with");
    dkim->require_subcommand(1);
    auto domain = std::make_shared<std::string>();
    auto selector = std::make_shared<std::string>();

    auto* generate =
        dkim->add_subcommand("generate", "Make a domain's RSA-2048 and Ed25519 signing keys");
    generate->add_option("domain", *domain, "Domain name")->required();
    generate->callback([&rt, domain] {
        auto name = our_domain(rt, *domain);
        auto keys = mailauth::dkim_keys::open_key_store(rt.config(), true)
                        ->generate(name, std::time(nullptr));
        std::cout << "; publish these TXT records before the keys sign:\n";
        print_keys(keys);
    });

    auto* rotate = dkim->add_subcommand(
        "rotate", "Make new signing keys under new selectors and retire the current ones");
    rotate->add_option("domain", *domain, "Domain name")->required();
    rotate->callback([&rt, domain] {
        auto name = our_domain(rt, *domain);
        auto keys = mailauth::dkim_keys::open_key_store(rt.config(), true)
                        ->rotate(name, std::time(nullptr));
        std::cout << "; publish these TXT records; keep the retired keys' records until mail\n"
                     "; signed with them has arrived, then `sealbox dkim remove "
                  << name << " SELECTOR`:\n";
        print_keys(keys);
    });

    auto* list = dkim->add_subcommand("list", "A domain's keys and the TXT records to publish");
    list->add_option("domain", *domain, "Domain name")->required();
    list->callback([&rt, domain] {
        auto name = our_domain(rt, *domain);
        print_keys(mailauth::dkim_keys::open_key_store(rt.config(), true)->list(name));
    });

    auto* remove = dkim->add_subcommand("remove", "Forget a retired key");
    remove->add_option("domain", *domain, "Domain name")->required();
    remove->add_option("selector", *selector, "Selector, as `dkim list` prints it")->required();
    remove->callback([&rt, domain, selector] {
        auto name = our_domain(rt, *domain);
        mailauth::dkim_keys::open_key_store(rt.config(), true)->remove(name, *selector);
        std::cout << fmt::format("key {} of {} removed; its TXT record can go\n", *selector, name);
    });
}

}  // namespace sealbox::cli
