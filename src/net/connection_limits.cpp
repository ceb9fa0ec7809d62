#include "net/connection_limits.h"

namespace sealbox::net {

ConnectionLimits::Slot::~Slot() {
    if (owner_) {
        owner_->release(ip_);
    }
}

std::shared_ptr<ConnectionLimits> ConnectionLimits::create(int max_total, int max_per_ip) {
    return std::shared_ptr<ConnectionLimits>(new ConnectionLimits(max_total, max_per_ip));
}

std::optional<ConnectionLimits::Slot> ConnectionLimits::admit(const std::string& ip) {
    std::lock_guard lock(mutex_);
    if (total_ >= max_total_) {
        return std::nullopt;
    }
    int& mine = per_ip_[ip];
    if (mine >= max_per_ip_) {
        return std::nullopt;
    }
    ++mine;
    ++total_;
    return Slot(shared_from_this(), ip);
}

int ConnectionLimits::open_connections() const {
    std::lock_guard lock(mutex_);
    return total_;
}

void ConnectionLimits::release(const std::string& ip) {
    std::lock_guard lock(mutex_);
    --total_;
    auto it = per_ip_.find(ip);
    if (it != per_ip_.end() && --it->second <= 0) {
        per_ip_.erase(it);
    }
}

}  // namespace sealbox::net
