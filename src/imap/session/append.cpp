// APPEND (RFC 9051 §6.3.12) with MULTIAPPEND (RFC 3502), APPENDUID (RFC 4315 §3), APPENDLIMIT
// (RFC 7889) and binary literals (RFC 3516 §4.2).

#include <cstdio>
#include <ctime>
#include <string_view>

#include "imap/session/session.h"

namespace sealbox::imap {
namespace {

// date-time without its quotes, e.g. " 7-Feb-1994 21:52:25 -0800" (checked by the parser), as
// Unix seconds.
std::optional<std::int64_t> parse_date_time(const std::string& text) {
    static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int day = 0, year = 0, hour = 0, minute = 0, second = 0, zone = 0;
    char month[4] = {};
    char sign = '+';
    if (std::sscanf(text.c_str(), "%d-%3s-%d %d:%d:%d %c%4d", &day, month, &year, &hour, &minute,
                    &second, &sign, &zone) != 8) {
        return std::nullopt;
    }
    std::size_t index = kMonths.find(month);
    if (index == std::string_view::npos || index % 3 != 0) {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_mday = day;
    tm.tm_mon = static_cast<int>(index / 3);
    tm.tm_year = year - 1900;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    std::int64_t offset = (zone / 100 * 60 + zone % 100) * 60;
    return static_cast<std::int64_t>(timegm(&tm)) - (sign == '-' ? -offset : offset);
}

}  // namespace

boost::asio::awaitable<void> Session::on_append(Append& append) {
    struct Message {
        std::string data;
        std::vector<std::string> flags;
        std::optional<std::int64_t> date;
    };
    std::vector<Message> messages;
    const std::uint64_t limit = services_.mail.append_limit();
    for (AppendMessage& m : append.messages) {
        if (m.data.size() > limit) {
            done(Condition::no, ResponseCode::simple("TOOBIG"), "Message too big");  // RFC 7889
            co_return;
        }
        Message message{std::move(m.data), {}, std::nullopt};
        for (const std::string& flag : m.flags) {
            if (flag != "\\Recent") {
                message.flags.push_back(flag);
            }
        }
        if (m.date_time) {
            message.date = parse_date_time(*m.date_time);
            if (!message.date) {
                bad("Invalid date-time");
                co_return;
            }
        }
        messages.push_back(std::move(message));
    }
    auto account = account_;
    std::string name = append.mailbox;
    AppendResult result;
    try {
        auto work = [account, name, messages = std::move(messages)] {
            std::vector<NewMessage> batch;
            for (const Message& m : messages) {
                batch.push_back({m.data, m.flags, m.date});
            }
            return account->append(name, batch);
        };
        result = co_await net::run_blocking(services_.workers, std::move(work));
    } catch (const Error& e) {
        fail(e, "TRYCREATE");  // RFC 9051 §6.3.12: the client may CREATE and retry
        co_return;
    }
    if (selected_ && selected_->name == name) {
        mark_changed();  // §6.3.12: the selected mailbox's EXISTS follows
    }
    done(Condition::ok,
         result.uids.size() == 1 ? ResponseCode::append_uid(result.uid_validity, result.uids[0])
                                 : ResponseCode::append_uid(result.uid_validity, result.uids),
         "APPEND completed");
}

}  // namespace sealbox::imap
