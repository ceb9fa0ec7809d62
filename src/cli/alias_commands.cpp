#include <iostream>
#include <memory>

#include "cli/commands.h"

namespace sealbox::cli {

void add_alias_commands(CLI::App& app, Runtime& rt) {
    auto* alias = app.add_subcommand("alias", "Manage aliases, catch-alls (@domain) and forwards");
    alias->require_subcommand(1);

    // Option values must outlive parsing; the callbacks share them.
    struct Args {
        std::string source, target, domain;
    };
    auto args = std::make_shared<Args>();

    auto* add = alias->add_subcommand("add", "Deliver mail for SOURCE to TARGET");
    add->add_option("source", args->source, "user@domain, or @domain for a catch-all")->required();
    add->add_option("target", args->target, "A local account or alias, or an external address")
        ->required();
    add->callback([&rt, args] {
        rt.store().add_alias(args->source, args->target);
        std::cout << "alias " << args->source << " -> " << args->target << " added\n";
    });

    auto* list = alias->add_subcommand("list", "List aliases");
    list->add_option("domain", args->domain, "Only this domain");
    list->callback([&rt, args] {
        auto all = rt.store().directory().aliases(
            args->domain.empty() ? std::nullopt : std::optional<std::string_view>(args->domain));
        for (const auto& a : all) {
            std::cout << a.source << " -> " << a.target << '\n';
        }
    });

    auto* remove = alias->add_subcommand("remove", "Remove an alias (every target, or one)");
    remove->add_option("source", args->source, "user@domain or @domain")->required();
    remove->add_option("target", args->target, "Only this target");
    remove->callback([&rt, args] {
        rt.store().remove_alias(args->source, args->target);
        std::cout << "alias " << args->source << " removed\n";
    });
}

}  // namespace sealbox::cli
