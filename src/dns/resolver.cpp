#include "dns/resolver.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unbound.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"
#include "dns/rdata.h"

namespace sealbox::dns {

namespace asio = boost::asio;

namespace {

// RFC 1035 §3.2.2 and §3.2.4, RFC 3596 §2.1, RFC 6698 §7.1.
constexpr int kTypeA = 1;
constexpr int kTypePtr = 12;
constexpr int kTypeMx = 15;
constexpr int kTypeTxt = 16;
constexpr int kTypeAaaa = 28;
constexpr int kTypeSrv = 33;
constexpr int kTypeTlsa = 52;
constexpr int kClassIn = 1;
// RFC 1035 §4.1.1.
constexpr int kRcodeNoError = 0;
constexpr int kRcodeServFail = 2;
constexpr int kRcodeNxDomain = 3;
constexpr int kRcodeRefused = 5;
// More CNAMEs in a row than this is a loop or an abuse (RFC 1034 §3.6.2 asks to guard against
// both).
constexpr int kMaxCnameHops = 8;

struct Question {
    std::string name;
    int type = 0;
};

// An answer before its rdata is decoded for its type.
struct RawAnswer {
    Status status = Status::temporary;
    bool secure = false;
    std::vector<std::string> rdata;
    std::string detail;
};

// A vector built outside the coroutines: GCC 12 miscompiles a braced list in a co_await.
std::vector<Question> one(std::string name, int type) {
    std::vector<Question> questions;
    questions.push_back({std::move(name), type});
    return questions;
}

RawAnswer failure(Status status, std::string detail) {
    return RawAnswer{status, false, {}, std::move(detail)};
}

RawAnswer from_error(int error) {
    if (error == UB_SYNTAX) {
        return failure(Status::nxdomain, "not a valid domain name");
    }
    return failure(Status::temporary, fmt::format("resolver error: {}", ub_strerror(error)));
}

RawAnswer from_result(const ub_result& result, bool chain_secure) {
    RawAnswer answer;
    // RFC 4035 §4.3: a bogus answer says nothing usable, whatever its rcode.
    if (result.bogus) {
        answer.status = Status::bogus;
        answer.detail = result.why_bogus != nullptr ? result.why_bogus : "DNSSEC validation failed";
        return answer;
    }
    answer.secure = chain_secure && result.secure != 0;
    if (result.havedata) {
        answer.status = Status::ok;
        for (int i = 0; result.data[i] != nullptr; ++i) {
            answer.rdata.emplace_back(result.data[i], static_cast<std::size_t>(result.len[i]));
        }
        return answer;
    }
    switch (result.rcode) {
        case kRcodeNoError:
            answer.status = Status::nodata;
            answer.detail = to_string(answer.status);
            break;
        case kRcodeNxDomain:
            answer.status = Status::nxdomain;
            answer.detail = to_string(answer.status);
            break;
        case kRcodeServFail:
            answer.detail = "server failure (SERVFAIL)";
            break;
        case kRcodeRefused:
            answer.detail = "query refused (REFUSED)";
            break;
        default:
            answer.detail = fmt::format("DNS response code {}", result.rcode);
    }
    return answer;
}

std::string_view without_final_dot(std::string_view name) {
    if (name.size() > 1 && name.back() == '.') {
        name.remove_suffix(1);
    }
    return name;
}

bool same_name(std::string_view a, std::string_view b) {
    a = without_final_dot(a);
    b = without_final_dot(b);
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

void check(int rc, std::string_view key, std::string_view value, std::string_view what) {
    if (rc != 0) {
        throw Error(ErrorCode::config, fmt::format("dns.{}: \"{}\": {}", key, value, what));
    }
}

template <typename Record, typename Parse>
Answer<Record> decode(RawAnswer raw, std::string_view type, Parse parse) {
    Answer<Record> answer{raw.status, raw.secure, {}, std::move(raw.detail)};
    for (const std::string& bytes : raw.rdata) {
        auto record =
            parse(Rdata(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
        if (!record) {
            return {Status::temporary, false, {}, fmt::format("malformed {} record", type)};
        }
        answer.records.push_back(std::move(*record));
    }
    return answer;
}

AddressAnswer decode_address(RawAnswer raw, int type) {
    if (type == kTypeA) {
        return decode<boost::asio::ip::address>(std::move(raw), "A", [](Rdata rdata) {
            auto v4 = parse_a(rdata);
            return v4 ? std::optional<boost::asio::ip::address>(*v4) : std::nullopt;
        });
    }
    return decode<boost::asio::ip::address>(std::move(raw), "AAAA", [](Rdata rdata) {
        auto v6 = parse_aaaa(rdata);
        return v6 ? std::optional<boost::asio::ip::address>(*v6) : std::nullopt;
    });
}

// Which of two failed answers tells more about the host: a validation failure or a temporary
// one must not be hidden behind "no such host".
int weight(Status status) {
    switch (status) {
        case Status::bogus:
            return 3;
        case Status::temporary:
            return 2;
        case Status::nxdomain:
            return 1;
        default:
            return 0;
    }
}

AddressAnswer combine(AddressAnswer aaaa, AddressAnswer a) {
    bool secure = aaaa.secure && a.secure;
    if (!aaaa.records.empty() || !a.records.empty()) {
        aaaa.records.insert(aaaa.records.end(), a.records.begin(), a.records.end());
        return AddressAnswer{Status::ok, secure, std::move(aaaa.records), {}};
    }
    AddressAnswer& telling = weight(a.status) > weight(aaaa.status) ? a : aaaa;
    return AddressAnswer{telling.status, secure, {}, std::move(telling.detail)};
}

// RFC 1035 §3.5 and RFC 3596 §2.5.
std::string reverse_name(const boost::asio::ip::address& address) {
    std::string name;
    if (address.is_v4()) {
        auto bytes = address.to_v4().to_bytes();
        for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) {
            name += fmt::format("{}.", *it);
        }
        return name + "in-addr.arpa";
    }
    auto bytes = address.to_v6().to_bytes();
    for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) {
        name += fmt::format("{:x}.{:x}.", *it & 0x0f, *it >> 4);
    }
    return name + "ip6.arpa";
}

}  // namespace

// Everything that touches the ub_ctx runs on `strand_`: starting queries, ub_process() and the
// callbacks it makes, cancelling.
class Resolver::Core : public std::enable_shared_from_this<Core> {
  public:
    Core(asio::any_io_executor executor, const DnsConfig& config);
    ~Core();

    // Asks every question at once, with one deadline, and resumes the caller on its executor.
    static asio::awaitable<std::vector<RawAnswer>> ask(std::shared_ptr<Core> core,
                                                       std::vector<Question> questions);

    // Answers every query in flight with `temporary` and refuses new ones; on the strand.
    void close();

    const asio::strand<asio::any_io_executor>& strand() const { return strand_; }

  private:
    struct Batch;

    // One question of a batch; its address is the callback argument given to libunbound.
    struct Slot {
        Batch* batch = nullptr;
        std::size_t index = 0;
        std::string name;  // the name asked now: the question's, or where a CNAME led
        int type = 0;
        int async_id = 0;
        bool pending = false;  // libunbound holds a query for it
        int cname_hops = 0;
        bool chain_secure = true;  // every CNAME followed so far was validated
    };

    struct Batch {
        Batch(Core& core, std::vector<Question> questions);
        ~Batch();
        Batch(const Batch&) = delete;
        Batch& operator=(const Batch&) = delete;

        Core& core;
        asio::steady_timer timer;  // the deadline; cancelled early when every answer is in
        std::vector<Slot> slots;
        std::vector<RawAnswer> answers;
        std::size_t outstanding = 0;
    };

    static asio::awaitable<std::vector<RawAnswer>> run(std::shared_ptr<Core> self,
                                                       std::vector<Question> questions);
    void start(Slot& slot);
    void finish(Slot& slot, RawAnswer answer);
    void abandon(Slot& slot, std::string_view why);
    void watch();
    static void on_result(void* arg, int error, ub_result* result);

    std::unique_ptr<ub_ctx, decltype(&ub_ctx_delete)> ctx_;
    std::chrono::milliseconds timeout_;
    asio::strand<asio::any_io_executor> strand_;
    asio::posix::stream_descriptor results_;  // ub_fd(): libunbound's answers arrive here
    std::set<Batch*> batches_;
    bool watching_ = false;
    bool closed_ = false;
};

Resolver::Core::Core(asio::any_io_executor executor, const DnsConfig& config)
    : ctx_(ub_ctx_create(), &ub_ctx_delete),
      timeout_(config.timeout),
      strand_(asio::make_strand(std::move(executor))),
      results_(strand_) {
    if (!ctx_) {
        throw Error(ErrorCode::internal, "dns: cannot create a libunbound context");
    }
    ub_ctx* ctx = ctx_.get();
    // A thread rather than libunbound's default, a forked process: a threaded server must not
    // fork.
    if (int rc = ub_ctx_async(ctx, 1); rc != 0) {
        throw Error(ErrorCode::internal, fmt::format("dns: {}", ub_strerror(rc)));
    }
    for (const auto& upstream : config.upstream) {
        check(ub_ctx_set_fwd(ctx, upstream.c_str()), "upstream", upstream,
              "not an IP address, optionally with @port");
    }
    if (!config.upstream.empty()) {
        // Forwarding to a resolver on the loopback interface is what such an upstream means;
        // the default refusal only protects recursion from delegations to 127.0.0.1.
        check(ub_ctx_set_option(ctx, "do-not-query-localhost:", "no"), "upstream", "", "refused");
    }
    if (config.dnssec) {
        // libunbound reads the file on its first query; say now if it cannot.
        if (!std::ifstream(config.trust_anchor_file)) {
            throw Error(ErrorCode::config,
                        fmt::format("dns.trust_anchor_file: cannot read {} (from Debian's "
                                    "dns-root-data for the root key)",
                                    config.trust_anchor_file.string()));
        }
        std::string file = config.trust_anchor_file.string();
        check(ub_ctx_add_ta_file(ctx, file.c_str()), "trust_anchor_file", file, "refused");
    } else {
        check(ub_ctx_set_option(ctx, "module-config:", "iterator"), "dnssec", "false", "refused");
    }
    for (const auto& zone : config.local_zones) {
        std::istringstream words(zone);
        std::string name, type;
        words >> name >> type;
        check(ub_ctx_zone_add(ctx, name.c_str(), type.c_str()), "local_zones", zone,
              "not a valid zone name and type");
    }
    for (const auto& record : config.local_data) {
        check(ub_ctx_data_add(ctx, record.c_str()), "local_data", record,
              "not a valid resource record in zone-file form");
    }
    results_.assign(ub_fd(ctx));
}

Resolver::Core::~Core() {
    // The descriptor belongs to libunbound, which closes it in ub_ctx_delete().
    results_.release();
}

Resolver::Core::Batch::Batch(Core& core, std::vector<Question> questions)
    : core(core),
      timer(core.strand_, core.timeout_),
      slots(questions.size()),
      answers(questions.size()),
      outstanding(questions.size()) {
    for (std::size_t i = 0; i < questions.size(); ++i) {
        slots[i].batch = this;
        slots[i].index = i;
        slots[i].name = std::move(questions[i].name);
        slots[i].type = questions[i].type;
    }
    core.batches_.insert(this);
}

Resolver::Core::Batch::~Batch() {
    for (Slot& slot : slots) {
        if (slot.pending) {
            ub_cancel(core.ctx_.get(), slot.async_id);
        }
    }
    core.batches_.erase(this);
    if (core.batches_.empty()) {
        // Nothing to wait for: the io_context need not stay busy on the descriptor.
        core.results_.cancel();
    }
}

asio::awaitable<std::vector<RawAnswer>> Resolver::Core::ask(std::shared_ptr<Core> core,
                                                            std::vector<Question> questions) {
    auto strand = core->strand_;
    // A query ends with its answer or its deadline: the caller's cancellation (from an
    // awaitable operator, say) is not passed on to the batch.
    co_return co_await asio::co_spawn(
        strand, run(std::move(core), std::move(questions)),
        asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable));
}

// On the strand.
asio::awaitable<std::vector<RawAnswer>> Resolver::Core::run(std::shared_ptr<Core> self,
                                                            std::vector<Question> questions) {
    Batch batch(*self, std::move(questions));
    for (Slot& slot : batch.slots) {
        if (self->closed_) {
            self->finish(slot, failure(Status::temporary, "the resolver is shut down"));
        } else {
            self->start(slot);
        }
    }
    self->watch();
    while (batch.outstanding > 0) {
        boost::system::error_code ec;
        co_await batch.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (batch.outstanding > 0 && batch.timer.expiry() <= std::chrono::steady_clock::now()) {
            for (Slot& slot : batch.slots) {
                if (slot.pending) {
                    self->abandon(slot,
                                  fmt::format("no answer within {}ms", self->timeout_.count()));
                }
            }
        }
    }
    co_return std::move(batch.answers);
}

void Resolver::Core::start(Slot& slot) {
    int rc = ub_resolve_async(ctx_.get(), slot.name.c_str(), slot.type, kClassIn, &slot,
                              &Core::on_result, &slot.async_id);
    if (rc != 0) {
        finish(slot, from_error(rc));
        return;
    }
    slot.pending = true;
}

void Resolver::Core::finish(Slot& slot, RawAnswer answer) {
    Batch& batch = *slot.batch;
    batch.answers[slot.index] = std::move(answer);
    if (--batch.outstanding == 0) {
        batch.timer.cancel();
    }
}

// After ub_cancel() libunbound never calls back for the query, and drops its late answer.
void Resolver::Core::abandon(Slot& slot, std::string_view why) {
    ub_cancel(ctx_.get(), slot.async_id);
    slot.pending = false;
    finish(slot, failure(Status::temporary, std::string(why)));
}

// Called by ub_process(), on the strand.
void Resolver::Core::on_result(void* arg, int error, ub_result* result) {
    std::unique_ptr<ub_result, decltype(&ub_resolve_free)> owned(result, &ub_resolve_free);
    Slot& slot = *static_cast<Slot*>(arg);
    Core& core = slot.batch->core;
    slot.pending = false;
    if (error != 0 || result == nullptr) {
        core.finish(slot, from_error(error));
        return;
    }
    // The iterator follows CNAMEs itself, but an answer from local data stops at the CNAME
    // (havedata is false, canonname is its target): follow it as RFC 1034 §3.6.2 asks.
    if (!result->havedata && result->rcode == kRcodeNoError && !result->bogus &&
        result->canonname != nullptr && !same_name(result->canonname, slot.name)) {
        if (++slot.cname_hops > kMaxCnameHops) {
            core.finish(slot, failure(Status::temporary, "too many CNAMEs in a row"));
            return;
        }
        slot.chain_secure = slot.chain_secure && result->secure != 0;
        slot.name = result->canonname;
        core.start(slot);
        return;
    }
    core.finish(slot, from_result(*result, slot.chain_secure));
}

void Resolver::Core::close() {
    closed_ = true;
    for (Batch* batch : batches_) {
        for (Slot& slot : batch->slots) {
            if (slot.pending) {
                abandon(slot, "the resolver is shut down");
            }
        }
    }
    results_.cancel();
}

void Resolver::Core::watch() {
    if (watching_ || closed_ || batches_.empty()) {
        return;
    }
    watching_ = true;
    results_.async_wait(
        asio::posix::descriptor_base::wait_read,
        asio::bind_executor(strand_, [self = shared_from_this()](boost::system::error_code ec) {
            self->watching_ = false;
            if (ec && ec != asio::error::operation_aborted) {
                // The queries in flight run into their deadline; the next query tries again.
                spdlog::error("dns: waiting for libunbound failed: {}", ec.message());
                return;
            }
            if (!ec) {
                if (int rc = ub_process(self->ctx_.get()); rc != 0) {
                    spdlog::error("dns: libunbound: {}", ub_strerror(rc));
                }
            }
            self->watch();
        }));
}

Resolver::Resolver(asio::any_io_executor executor, const DnsConfig& config)
    : core_(std::make_shared<Core>(std::move(executor), config)) {}

Resolver::~Resolver() {
    asio::dispatch(core_->strand(), [core = core_] { core->close(); });
}

asio::awaitable<SrvAnswer> Resolver::srv(std::string name) {
    auto answers = co_await Core::ask(core_, one(std::move(name), kTypeSrv));
    co_return decode<SrvRecord>(std::move(answers[0]), "SRV", parse_srv);
}

asio::awaitable<MxAnswer> Resolver::mx(std::string name) {
    auto answers = co_await Core::ask(core_, one(std::move(name), kTypeMx));
    co_return decode<MxRecord>(std::move(answers[0]), "MX", parse_mx);
}

asio::awaitable<AddressAnswer> Resolver::a(std::string name) {
    auto answers = co_await Core::ask(core_, one(std::move(name), kTypeA));
    co_return decode_address(std::move(answers[0]), kTypeA);
}

asio::awaitable<AddressAnswer> Resolver::aaaa(std::string name) {
    auto answers = co_await Core::ask(core_, one(std::move(name), kTypeAaaa));
    co_return decode_address(std::move(answers[0]), kTypeAaaa);
}

asio::awaitable<AddressAnswer> Resolver::addresses(std::string host) {
    std::vector<std::string> hosts;
    hosts.push_back(std::move(host));
    auto answers = co_await addresses(std::move(hosts));
    co_return std::move(answers[0]);
}

asio::awaitable<std::vector<AddressAnswer>> Resolver::addresses(std::vector<std::string> hosts) {
    std::vector<Question> questions;
    for (auto& host : hosts) {
        questions.push_back({host, kTypeAaaa});
        questions.push_back({std::move(host), kTypeA});
    }
    auto answers = co_await Core::ask(core_, std::move(questions));
    std::vector<AddressAnswer> combined;
    for (std::size_t i = 0; i + 1 < answers.size(); i += 2) {
        combined.push_back(combine(decode_address(std::move(answers[i]), kTypeAaaa),
                                   decode_address(std::move(answers[i + 1]), kTypeA)));
    }
    co_return combined;
}

asio::awaitable<TxtAnswer> Resolver::txt(std::string name) {
    auto answers = co_await Core::ask(core_, one(std::move(name), kTypeTxt));
    co_return decode<std::string>(std::move(answers[0]), "TXT", parse_txt);
}

asio::awaitable<TlsaAnswer> Resolver::tlsa(std::string name) {
    auto answers = co_await Core::ask(core_, one(std::move(name), kTypeTlsa));
    co_return decode<TlsaRecord>(std::move(answers[0]), "TLSA", parse_tlsa);
}

asio::awaitable<NameAnswer> Resolver::ptr(boost::asio::ip::address address) {
    auto answers = co_await Core::ask(core_, one(reverse_name(address), kTypePtr));
    co_return decode<std::string>(std::move(answers[0]), "PTR", parse_ptr);
}

}  // namespace sealbox::dns
