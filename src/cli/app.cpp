#include "cli/app.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/commands.h"
#include "core/error.h"

namespace sealbox::cli {

int run(int argc, char** argv) {
    CLI::App app{"Sealbox: a secure, self-hostable mail server", "sealbox"};
    // Not require_subcommand(): CLI11 would then report "a subcommand is required" for a
    // misspelt command instead of naming it.
    app.require_subcommand(0, 1);
    app.fallthrough();
    Runtime runtime;
    app.add_option("--config", runtime.config_file, "TOML configuration file (default: built-in)");
    app.add_option("--data-dir", runtime.data_dir, "Data directory (overrides server.data_dir)");

    add_serve_command(app, runtime);
    add_config_commands(app, runtime);
    add_domain_commands(app, runtime);
    add_account_commands(app, runtime);
    add_alias_commands(app, runtime);
    add_deliver_command(app, runtime);
    add_mailbox_commands(app, runtime);
    add_queue_commands(app, runtime);
    add_dkim_commands(app, runtime);
    add_dns_commands(app, runtime);

    // Administrative commands report on stdout/stderr themselves; their log lines are noise,
    // and warnings go to stderr so that stdout carries only the command's result.
    spdlog::set_default_logger(spdlog::stderr_color_mt("sealbox"));
    spdlog::set_level(spdlog::level::warn);
    try {
        app.parse(argc, argv);
        if (app.get_subcommands().empty()) {
            std::cerr << app.help() << "sealbox: a command is required\n";
            return 1;
        }
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const Error& e) {
        std::cerr << "sealbox: " << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "sealbox: " << e.what() << '\n';
        return 1;
    }
    return 0;
}

}  // namespace sealbox::cli
