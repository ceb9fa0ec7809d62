#include "cli/app.h"

#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/commands.h"
#include "core/error.h"

namespace sealbox::cli {

int run(int argc, char** argv) {
    CLI::App app{"Sealbox: a secure, self-hostable mail server", "sealbox"};
    app.require_subcommand(1);
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

    // Administrative commands report on stdout/stderr themselves; their log lines are noise.
    spdlog::set_level(spdlog::level::warn);
    try {
        app.parse(argc, argv);
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
