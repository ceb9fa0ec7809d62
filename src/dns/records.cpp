#include "dns/records.h"

namespace sealbox::dns {

std::string_view to_string(Status status) {
    switch (status) {
        case Status::ok:
            return "ok";
        case Status::nxdomain:
            return "no such domain";
        case Status::nodata:
            return "no records of that type";
        case Status::temporary:
            return "temporary failure";
        case Status::bogus:
            return "DNSSEC validation failed";
    }
    return "unknown";
}

}  // namespace sealbox::dns
