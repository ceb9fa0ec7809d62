#pragma once
// Each group of subcommands registers itself on the top-level CLI11 app.

#include <CLI/CLI.hpp>

#include "cli/runtime.h"

namespace sealbox::cli {

void add_serve_command(CLI::App& app, Runtime& runtime);
void add_config_commands(CLI::App& app, Runtime& runtime);
void add_domain_commands(CLI::App& app, Runtime& runtime);
void add_account_commands(CLI::App& app, Runtime& runtime);
void add_alias_commands(CLI::App& app, Runtime& runtime);
void add_deliver_command(CLI::App& app, Runtime& runtime);
void add_mailbox_commands(CLI::App& app, Runtime& runtime);
void add_queue_commands(CLI::App& app, Runtime& runtime);
void add_dkim_commands(CLI::App& app, Runtime& runtime);
void add_dns_commands(CLI::App& app, Runtime& runtime);

// The directory's name of `name`, a domain this server hosts; Error(not_found) otherwise.
std::string our_domain(Runtime& runtime, const std::string& name);

}  // namespace sealbox::cli
