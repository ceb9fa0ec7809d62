#include <iostream>
#include <memory>

#include "cli/commands.h"

namespace sealbox::cli {

void add_domain_commands(CLI::App& app, Runtime& rt) {
    auto* domain = app.add_subcommand("domain", "Manage the mail domains this server receives for");
    domain->require_subcommand(1);

    // Option values must outlive parsing; the callbacks share them.
    auto name = std::make_shared<std::string>();

    auto* add = domain->add_subcommand("add", "Add a domain");
    add->add_option("name", *name, "Domain name, e.g. example.org")->required();
    add->callback([&rt, name] {
        auto d = rt.store().add_domain(*name);
        std::cout << "domain " << d.name << " added\n";
    });

    auto* list = domain->add_subcommand("list", "List domains");
    list->callback([&rt] {
        for (const auto& d : rt.store().directory().domains()) {
            std::cout << d.name << '\n';
        }
    });

    auto* remove = domain->add_subcommand("remove", "Remove a domain that has no accounts or aliases");
    remove->add_option("name", *name, "Domain name")->required();
    remove->callback([&rt, name] {
        rt.store().remove_domain(*name);
        std::cout << "domain " << *name << " removed\n";
    });
}

}  // namespace sealbox::cli
