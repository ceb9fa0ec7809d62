// COMPRESS=DEFLATE (RFC 4978): the OK in the clear, then raw DEFLATE both ways.

#include "imap/session/fixture.h"
#include "net/deflate.h"

namespace sealbox::imap::test {
namespace {

// A TLS client that can switch to DEFLATE like a client of RFC 4978 does.
class DeflateClient {
  public:
    DeflateClient(asio::io_context& io, std::uint16_t port) : socket_(io), tls_(socket_, context_) {
        socket_.connect({asio::ip::make_address("127.0.0.1"), port});
        context_.set_verify_mode(asio::ssl::verify_none);
        tls_.handshake(asio::ssl::stream_base::client);
    }

    void send(std::string_view data) {
        std::string wire = deflate_ ? deflate_->compress(data) : std::string(data);
        asio::write(tls_, asio::buffer(wire));
    }

    // Every line up to and including the one tagged `tag`, joined by "\n".
    std::string until(const std::string& tag) {
        std::string all;
        for (;;) {
            std::string l = line();
            all += all.empty() ? l : "\n" + l;
            if (l.starts_with(tag + " ") || l.starts_with("<")) {
                return all;
            }
        }
    }
    std::string cmd(const std::string& command, const std::string& tag = "a") {
        send(tag + " " + command + "\r\n");
        return until(tag);
    }

    std::string line() {
        for (;;) {
            std::size_t end = text_.find("\r\n");
            if (end != std::string::npos) {
                std::string l = text_.substr(0, end);
                text_.erase(0, end + 2);
                return l;
            }
            char chunk[4096];
            boost::system::error_code ec;
            std::size_t n = tls_.read_some(asio::buffer(chunk), ec);
            if (ec) {
                return "<" + ec.message() + ">";
            }
            if (!deflate_) {
                text_.append(chunk, n);
                continue;
            }
            wire_octets_ += n;
            deflate_->feed(std::string_view(chunk, n));
            while (deflate_->has_pending()) {
                std::size_t before = text_.size();
                EXPECT_TRUE(deflate_->inflate_into(text_, 1 << 20));
                if (text_.size() == before) {
                    break;
                }
            }
        }
    }

    // From now on both directions are compressed. Nothing may be left over from before.
    void start_compression() {
        EXPECT_EQ(text_, "");
        deflate_ = std::make_unique<net::Deflate>();
    }
    std::unique_ptr<net::Deflate>& deflate() { return deflate_; }
    std::size_t wire_octets() const { return wire_octets_; }

  private:
    tcp::socket socket_;
    asio::ssl::context context_{asio::ssl::context::tls_client};
    asio::ssl::stream<tcp::socket&> tls_;
    std::unique_ptr<net::Deflate> deflate_;
    std::string text_;  // inflated, not yet returned
    std::size_t wire_octets_ = 0;
};

class CompressTest : public SessionTest {
  protected:
    DeflateClient logged_in_deflate() {
        DeflateClient c(client_io, listener->port());
        EXPECT_THAT(c.line(), Not(HasSubstr("COMPRESS")));  // not before login
        EXPECT_THAT(c.cmd("LOGIN alice@example.test alice-pw", "l"),
                    ContainsRegex("^l OK \\[CAPABILITY .* COMPRESS=DEFLATE"));
        return c;
    }
};

TEST_F(CompressTest, EverythingAfterTheOkIsDeflated) {
    start();
    std::string body(5000, 'x');
    mail.store.deliver("INBOX", message("big", body));
    DeflateClient c = logged_in_deflate();
    EXPECT_EQ(c.cmd("COMPRESS DEFLATE", "z"), "z OK DEFLATE active");  // RFC 4978 §3, clear
    c.start_compression();
    EXPECT_THAT(c.cmd("SELECT INBOX", "s"), EndsWith("s OK [READ-WRITE] SELECT completed"));
    std::string fetched = c.cmd("FETCH 1 BODY.PEEK[TEXT]", "f");
    EXPECT_EQ(fetched, "* 1 FETCH (BODY[TEXT] {5002}\n" + body + "\n)\nf OK FETCH completed");
    EXPECT_LT(c.wire_octets(), 1000u);  // 5000 'x' travel in a few octets
    // Once active, no second layer (RFC 4978 §3) and no more offering it.
    EXPECT_EQ(c.cmd("COMPRESS DEFLATE", "y"), "y NO [COMPRESSIONACTIVE] DEFLATE is active already");
    std::string caps = c.cmd("CAPABILITY", "c");
    EXPECT_THAT(caps, HasSubstr(" SORT"));
    EXPECT_THAT(caps, Not(HasSubstr("COMPRESS")));
    EXPECT_EQ(c.cmd("LOGOUT", "o"), "* BYE Sealbox logging out\no OK LOGOUT completed");
}

TEST_F(CompressTest, CommandsPipelinedAfterCompressAreReadCompressed) {
    start();
    DeflateClient c = logged_in_deflate();
    // RFC 4978 §3: the client may send compressed data right behind the command.
    net::Deflate sender;
    std::string wire = "z COMPRESS DEFLATE\r\n" + sender.compress("n NOOP\r\n");
    c.send(wire);
    EXPECT_EQ(c.line(), "z OK DEFLATE active");
    c.deflate() = std::make_unique<net::Deflate>();
    EXPECT_EQ(c.until("n"), "n OK NOOP completed");
}

TEST_F(CompressTest, RefusedBeforeLoginAndForOtherMechanisms) {
    start();
    DeflateClient c(client_io, listener->port());
    c.line();
    EXPECT_EQ(c.cmd("COMPRESS DEFLATE"), "a BAD Log in first");
    EXPECT_THAT(c.cmd("LOGIN alice@example.test alice-pw", "l"), StartsWith("l OK"));
    EXPECT_EQ(c.cmd("COMPRESS LZ4"), "a BAD Unknown compression mechanism");
    EXPECT_EQ(c.cmd("COMPRESS"), "a BAD Expected a space at end of command");
    // Still uncompressed: the refusals changed nothing.
    EXPECT_EQ(c.cmd("NOOP"), "a OK NOOP completed");
}

}  // namespace
}  // namespace sealbox::imap::test
