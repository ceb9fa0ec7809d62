#include <sysexits.h>

#include <iostream>
#include <iterator>
#include <memory>

#include "cli/commands.h"
#include "server/serve.h"

namespace sealbox::cli {

void add_serve_command(CLI::App& app, Runtime& rt) {
    auto* serve = app.add_subcommand("serve", "Run the server in the foreground");
    serve->callback([&rt] {
        int status = server::serve(rt.config(), rt.store());
        if (status != 0) {
            throw CLI::RuntimeError(status);
        }
    });
}

void add_config_commands(CLI::App& app, Runtime& rt) {
    auto* config = app.add_subcommand("config", "Inspect the configuration");
    config->require_subcommand(1);
    auto* check = config->add_subcommand("check", "Validate the configuration file and exit");
    check->callback([&rt] {
        rt.config();
        std::cout << "configuration OK: "
                  << (rt.config_file.empty() ? std::string("built-in default") : rt.config_file)
                  << '\n';
    });
}

void add_deliver_command(CLI::App& app, Runtime& rt) {
    struct Args {
        std::vector<std::string> recipients;
        std::string folder = "INBOX";
    };
    auto args = std::make_shared<Args>();
    auto* deliver = app.add_subcommand(
        "deliver",
        "Deliver the message on standard input to local recipients (for an MTA's pipe transport). "
        "Exit status follows sysexits.h: 67 unknown recipient, 75 try again later");
    deliver->add_option("recipients", args->recipients, "Recipient addresses")->required();
    deliver->add_option("--folder", args->folder, "Target folder (default INBOX)");
    deliver->callback([&rt, args] {
        std::string raw(std::istreambuf_iterator<char>(std::cin), {});
        auto& store = rt.store();
        int status = EX_OK;
        std::vector<std::string> accounts;
        for (const auto& recipient : args->recipients) {
            try {
                auto resolved = store.resolve(recipient);
                accounts.insert(accounts.end(), resolved.accounts.begin(), resolved.accounts.end());
                for (const auto& external : resolved.external) {
                    std::cerr << recipient << ": not forwarded to " << external
                              << ": forwarding needs the outbound queue\n";
                    status = EX_UNAVAILABLE;
                }
            } catch (const Error& e) {
                std::cerr << recipient << ": " << e.what() << '\n';
                status = EX_NOUSER;
            }
        }
        for (const auto& result : store.deliver(raw, accounts, args->folder)) {
            if (!result.delivered) {
                std::cerr << result.account << ": " << result.message << '\n';
                status = result.error == ErrorCode::not_found ? EX_NOUSER : EX_TEMPFAIL;
            }
        }
        if (status != EX_OK) {
            throw CLI::RuntimeError(status);
        }
    });
}

}  // namespace sealbox::cli
