#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/secret_input.h"
#include "core/units.h"

namespace sealbox::cli {
namespace {

struct Args {
    std::string address;
    std::string domain;
    std::string quota;
    bool password_stdin = false;
    bool reset = false;
};

SecretLine new_password(bool from_stdin) {
    SecretLine first = read_secret_line(from_stdin, "New password: ");
    if (!from_stdin) {
        SecretLine again = read_secret_line(false, "Repeat the new password: ");
        if (first.view() != again.view()) {
            throw Error(ErrorCode::invalid_argument, "the two passwords differ");
        }
    }
    return first;
}

void print_recovery_key(const std::string& address, const std::string& key) {
    std::cerr << "Recovery key for " << address
              << " (shown once; it is the only way to reach this mail without the password):\n";
    std::cout << key << std::endl;
}

std::string human_bytes(std::int64_t n) {
    return n == 0 ? std::string("unlimited") : format_size(static_cast<std::uint64_t>(n));
}

}  // namespace

void add_account_commands(CLI::App& app, Runtime& rt) {
    auto* account = app.add_subcommand("account", "Manage mail accounts");
    account->require_subcommand(1);
    auto args = std::make_shared<Args>();

    auto* add = account->add_subcommand("add", "Create an account; prints its recovery key");
    add->add_option("address", args->address, "user@domain")->required();
    add->add_flag("--password-stdin", args->password_stdin,
                  "Read the password from the first line of standard input");
    add->add_option("--quota", args->quota, "Quota, e.g. 2G (default from the configuration; 0 = none)");
    add->callback([&rt, args] {
        std::optional<std::int64_t> quota;
        if (!args->quota.empty()) {
            quota = static_cast<std::int64_t>(parse_size(args->quota));
        }
        SecretLine password = new_password(args->password_stdin);
        auto key = rt.store().create_account(args->address, password.view(), quota);
        std::cerr << "account " << args->address << " created\n";
        print_recovery_key(args->address, key);
    });

    auto* list = account->add_subcommand("list", "List accounts with quota and usage");
    list->add_option("domain", args->domain, "Only this domain");
    list->callback([&rt, args] {
        auto all = rt.store().directory().accounts(
            args->domain.empty() ? std::nullopt : std::optional<std::string_view>(args->domain));
        for (const auto& a : all) {
            std::cout << a.address << "\tquota " << human_bytes(a.quota_bytes) << "\tused "
                      << format_size(static_cast<std::uint64_t>(a.used_bytes)) << '\n';
        }
    });

    auto* passwd = account->add_subcommand(
        "passwd", "Change a password (asks for the current one), or --reset without it");
    passwd->add_option("address", args->address, "user@domain")->required();
    passwd->add_flag("--password-stdin", args->password_stdin,
                     "Read the current password, then the new one, from standard input "
                     "(with --reset: only the new one)");
    passwd->add_flag("--reset", args->reset,
                     "Administrator reset without the current password or recovery key: the "
                     "account gets new keys and an EMPTY mailbox; its old mail is destroyed");
    passwd->callback([&rt, args] {
        if (args->reset) {
            std::cerr << "WARNING: resetting " << args->address
                      << " without its password or recovery key.\n"
                         "Its mail is encrypted under keys only those unlock, so the existing "
                         "mail is destroyed and the account starts empty.\n";
            SecretLine password = new_password(args->password_stdin);
            auto key = rt.store().reset_account(args->address, password.view());
            std::cerr << "account " << args->address << " reset\n";
            print_recovery_key(args->address, key);
            return;
        }
        SecretLine current = read_secret_line(args->password_stdin, "Current password: ");
        SecretLine password = new_password(args->password_stdin);
        rt.store().change_password(args->address, current.view(), password.view());
        std::cerr << "password of " << args->address << " changed\n";
    });

    auto* recover = account->add_subcommand(
        "recover", "Set a new password with the recovery key; the mail stays readable");
    recover->add_option("address", args->address, "user@domain")->required();
    recover->add_flag("--stdin", args->password_stdin,
                      "Read the recovery key, then the new password, from standard input");
    recover->callback([&rt, args] {
        SecretLine key = read_secret_line(args->password_stdin, "Recovery key: ");
        SecretLine password = new_password(args->password_stdin);
        rt.store().recover_account(args->address, key.view(), password.view());
        std::cerr << "password of " << args->address << " set with the recovery key\n";
    });

    auto* remove = account->add_subcommand("remove", "Delete an account and all its mail");
    remove->add_option("address", args->address, "user@domain")->required();
    remove->callback([&rt, args] {
        rt.store().remove_account(args->address);
        std::cout << "account " << args->address << " removed\n";
    });
}

}  // namespace sealbox::cli
