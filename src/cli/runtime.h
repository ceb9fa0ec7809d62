#pragma once
// What every subcommand shares: the global options, the configuration, and the store, each made
// on first use so that `--help` and `config check` need no data directory.

#include <memory>
#include <optional>
#include <string>

#include "core/config.h"
#include "store/mail_store.h"

namespace sealbox::cli {

class Runtime {
public:
    std::string config_file;  // --config
    std::string data_dir;     // --data-dir, overrides server.data_dir

    const Config& config();
    store::MailStore& store();

private:
    std::optional<Config> config_;
    std::unique_ptr<store::MailStore> store_;
};

store::StoreOptions store_options(const Config& config);

}  // namespace sealbox::cli
