#pragma once
// A message held in memory, matched the way the store must match it: BODY and TEXT by
// contains_text over mime::searchable_text.

#include <string>

#include "imap/search/evaluate.h"
#include "mime/searchable_text.h"

namespace sealbox::imap {

class FakeSubject : public SearchSubject {
  public:
    explicit FakeSubject(std::string raw)
        : raw_(std::move(raw)),
          summary_(mime::summarize(raw_)),
          text_(mime::searchable_text(raw_)) {}

    const MessageMeta& meta() override { return meta_value; }
    const mime::MessageSummary& summary() override { return summary_; }
    std::string_view header() override {
        return std::string_view(raw_).substr(0, summary_.root.header_size);
    }
    bool text_matches(SearchKey::Kind kind, std::string_view needle) override {
        return contains_text(text_.body, needle) ||
               (kind == SearchKey::Kind::text && contains_text(text_.headers, needle));
    }

    const mime::SearchableText& text() const { return text_; }

    MessageMeta meta_value;

  private:
    std::string raw_;
    mime::MessageSummary summary_;
    mime::SearchableText text_;
};

}  // namespace sealbox::imap
