#pragma once
// How many connections a listener holds at once, in all and per client address, so that one
// client (or a flood of them) cannot take every slot.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sealbox::net {

class ConnectionLimits : public std::enable_shared_from_this<ConnectionLimits> {
public:
    // A held slot; released when destroyed.
    class Slot {
    public:
        Slot(std::shared_ptr<ConnectionLimits> owner, std::string ip)
            : owner_(std::move(owner)), ip_(std::move(ip)) {}
        Slot(Slot&&) = default;
        Slot& operator=(Slot&&) = default;
        ~Slot();

    private:
        std::shared_ptr<ConnectionLimits> owner_;
        std::string ip_;
    };

    static std::shared_ptr<ConnectionLimits> create(int max_total, int max_per_ip);

    // nullopt when the listener is full or this address already holds its share.
    std::optional<Slot> admit(const std::string& ip);
    int open_connections() const;

private:
    ConnectionLimits(int max_total, int max_per_ip)
        : max_total_(max_total), max_per_ip_(max_per_ip) {}
    void release(const std::string& ip);

    const int max_total_;
    const int max_per_ip_;
    mutable std::mutex mutex_;
    int total_ = 0;
    std::map<std::string, int, std::less<>> per_ip_;
};

}  // namespace sealbox::net
