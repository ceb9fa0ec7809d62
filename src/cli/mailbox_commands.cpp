#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/secret_input.h"

namespace sealbox::cli {

void add_mailbox_commands(CLI::App& app, Runtime& rt) {
    struct Args {
        std::string address;
        bool password_stdin = false;
    };
    auto args = std::make_shared<Args>();
    auto* mailbox = app.add_subcommand(
        "mailbox", "Look into a mailbox; needs the account's password, as the mail is encrypted");
    mailbox->require_subcommand(1);
    auto* count =
        mailbox->add_subcommand("count", "Print each folder and how many messages it holds");
    count->add_option("address", args->address, "user@domain")->required();
    count->add_flag("--password-stdin", args->password_stdin,
                    "Read the password from the first line of standard input");
    count->callback([&rt, args] {
        SecretLine password = read_secret_line(args->password_stdin, "Password: ");
        auto session = rt.store().login(args->address, password.view());
        auto folders =
            session->account().with_store([](store::MailboxStore& s) { return s.folders(); });
        for (const auto& folder : folders) {
            std::cout << folder.name << '\t' << folder.messages << '\n';
        }
    });
}

}  // namespace sealbox::cli
