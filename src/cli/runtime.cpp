#include "cli/runtime.h"

#include <sys/stat.h>

#include <filesystem>

namespace sealbox::cli {

const Config& Runtime::config() {
    if (!config_) {
        config_ = config_file.empty() ? default_config() : load_config(config_file);
        if (!data_dir.empty()) {
            config_->server.data_dir = data_dir;
        }
    }
    return *config_;
}

store::MailStore& Runtime::store() {
    if (!store_) {
        const Config& c = config();
        std::filesystem::create_directories(c.server.data_dir);
        // Only the server's own user may list what is in the data directory.
        ::chmod(c.server.data_dir.c_str(), 0700);
        store_ = std::make_unique<store::MailStore>(
            store::open_sqlite_directory(c.server.data_dir / "sealbox.db"), store_options(c));
    }
    return *store_;
}

store::StoreOptions store_options(const Config& c) {
    store::StoreOptions o;
    o.data_dir = c.server.data_dir;
    o.password_params = {c.accounts.argon2_opslimit, c.accounts.argon2_memlimit};
    o.default_quota_bytes = static_cast<std::int64_t>(c.accounts.default_quota);
    o.max_message_bytes = static_cast<std::int64_t>(c.delivery.max_message_size);
    o.unlock_idle = std::chrono::duration_cast<std::chrono::seconds>(c.accounts.unlock_idle);
    return o;
}

}  // namespace sealbox::cli
