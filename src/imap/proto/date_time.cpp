#include "imap/proto/date_time.h"

#include "imap/proto/chars.h"

namespace sealbox::imap {
namespace {

bool digits(std::string_view s) {
    for (char c : s) {
        if (!chars::is_digit(c)) {
            return false;
        }
    }
    return true;
}

int two_digits(std::string_view s) {
    return (s[0] - '0') * 10 + (s[1] - '0');
}

}  // namespace

bool valid_date_time(std::string_view t) {
    // date-day-fixed = (SP DIGIT) / 2DIGIT; always 26 octets in all.
    if (t.size() != 26 || t[2] != '-' || t[6] != '-' || t[11] != ' ' || t[14] != ':' ||
        t[17] != ':' || t[20] != ' ') {
        return false;
    }
    if (!(t[0] == ' ' || chars::is_digit(t[0])) || !chars::is_digit(t[1])) {
        return false;
    }
    int day = (t[0] == ' ' ? 0 : t[0] - '0') * 10 + (t[1] - '0');
    static constexpr std::string_view kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                   "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    bool month_ok = false;
    for (std::string_view m : kMonths) {
        month_ok = month_ok || chars::iequals(t.substr(3, 3), m);
    }
    std::string_view year = t.substr(7, 4);
    std::string_view hh = t.substr(12, 2), mm = t.substr(15, 2), ss = t.substr(18, 2);
    // zone = ("+" / "-") 4DIGIT
    std::string_view zone = t.substr(21, 5);
    return day >= 1 && day <= 31 && month_ok && digits(year) && digits(hh) && digits(mm) &&
           digits(ss) && two_digits(hh) <= 23 && two_digits(mm) <= 59 && two_digits(ss) <= 60 &&
           (zone[0] == '+' || zone[0] == '-') && digits(zone.substr(1));
}

}  // namespace sealbox::imap
