#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/secret_input.h"
#include "mime/message_summary.h"

namespace sealbox::cli {

void add_mailbox_commands(CLI::App& app, Runtime& rt) {
    struct Args {
        std::string address;
        bool password_stdin = false;
    };
    auto args = std::make_shared<Args>();
    auto folder = std::make_shared<std::string>("INBOX");
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

    auto* list = mailbox->add_subcommand(
        "list", "Print each message of a folder: UID, size in bytes and Message-ID");
    list->add_option("address", args->address, "user@domain")->required();
    list->add_option("--folder", *folder, "Folder to list (default INBOX)");
    list->add_flag("--password-stdin", args->password_stdin,
                   "Read the password from the first line of standard input");
    list->callback([&rt, args, folder] {
        SecretLine password = read_secret_line(args->password_stdin, "Password: ");
        auto session = rt.store().login(args->address, password.view());
        session->account().with_store([&](store::MailboxStore& s) {
            for (const auto& m : s.messages(*folder)) {
                auto summary = mime::deserialize(s.summary(*folder, m.uid));
                std::cout << m.uid << '\t' << m.size << '\t' << summary.envelope.message_id << '\n';
            }
        });
    });

    auto uid = std::make_shared<std::int64_t>(0);
    auto* show = mailbox->add_subcommand("show", "Print one message as it was delivered");
    show->add_option("address", args->address, "user@domain")->required();
    show->add_option("uid", *uid, "UID, as `mailbox list` prints it")->required();
    show->add_option("--folder", *folder, "Folder (default INBOX)");
    show->add_flag("--password-stdin", args->password_stdin,
                   "Read the password from the first line of standard input");
    show->callback([&rt, args, folder, uid] {
        SecretLine password = read_secret_line(args->password_stdin, "Password: ");
        auto session = rt.store().login(args->address, password.view());
        std::cout << session->account().with_store(
            [&](store::MailboxStore& s) { return s.read(*folder, *uid); });
    });
}

}  // namespace sealbox::cli
