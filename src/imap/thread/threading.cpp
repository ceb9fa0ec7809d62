#include "imap/thread/threading.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

namespace sealbox::imap {
namespace {

struct Container {
    const ThreadInput* message = nullptr;  // null: a dummy
    Container* parent = nullptr;
    std::vector<Container*> children;
};

bool is_ancestor(const Container* maybe_ancestor, const Container* node) {
    for (const Container* p = node; p != nullptr; p = p->parent) {
        if (p == maybe_ancestor) {
            return true;
        }
    }
    return false;
}

void unlink(Container* child) {
    if (Container* parent = child->parent) {
        auto& siblings = parent->children;
        siblings.erase(std::remove(siblings.begin(), siblings.end(), child), siblings.end());
        child->parent = nullptr;
    }
}

void link(Container* parent, Container* child) {
    child->parent = parent;
    parent->children.push_back(child);
}

// The sent date of a container: its message's, or (a dummy) that of its first child once the
// children are sorted (RFC 5256 §3 step 6). Ties keep mailbox order.
struct DateOrder {
    std::int64_t sent;
    std::uint32_t number;
    bool operator<(const DateOrder& o) const {
        return sent != o.sent ? sent < o.sent : number < o.number;
    }
};

DateOrder key_of(const Container* c) {
    while (c->message == nullptr && !c->children.empty()) {
        c = c->children.front();
    }
    return c->message ? DateOrder{c->message->sent, c->message->number} : DateOrder{0, 0};
}

void sort_siblings(std::vector<Container*>& siblings) {
    for (Container* c : siblings) {
        sort_siblings(c->children);
    }
    std::stable_sort(siblings.begin(), siblings.end(),
                     [](const Container* a, const Container* b) { return key_of(a) < key_of(b); });
}

ThreadNode to_node(const Container* c) {
    ThreadNode node{c->message ? c->message->number : 0, {}};
    for (const Container* child : c->children) {
        node.children.push_back(to_node(child));
    }
    return node;
}

// Step 4: dummies without children go; a dummy's children take its place, except that a
// root dummy with several children stays to hold them together.
void prune(std::vector<Container*>& siblings, bool at_root) {
    std::vector<Container*> out;
    for (Container* c : siblings) {
        prune(c->children, false);
        if (c->message != nullptr) {
            out.push_back(c);
        } else if (c->children.empty()) {
            continue;
        } else if (at_root && c->children.size() > 1) {
            out.push_back(c);
        } else {
            for (Container* child : c->children) {
                child->parent = c->parent;
                out.push_back(child);
            }
            c->children.clear();
        }
    }
    for (Container* c : out) {
        c->children.shrink_to_fit();
    }
    siblings = std::move(out);
}

const ThreadInput* subject_message(const Container* c) {
    return c->message ? c->message : (c->children.empty() ? nullptr : c->children.front()->message);
}

}  // namespace

// RFC 5256 §3 ORDEREDSUBJECT: group by base subject, order groups by their first message; the
// first message of each is the parent of all the others.
std::vector<ThreadNode> thread_ordered_subject(const std::vector<ThreadInput>& messages) {
    std::vector<const ThreadInput*> sorted;
    for (const auto& m : messages) {
        sorted.push_back(&m);
    }
    std::stable_sort(sorted.begin(), sorted.end(), [](const ThreadInput* a, const ThreadInput* b) {
        if (a->subject.text != b->subject.text) {
            return a->subject.text < b->subject.text;
        }
        return DateOrder{a->sent, a->number} < DateOrder{b->sent, b->number};
    });
    std::vector<ThreadNode> threads;
    std::vector<DateOrder> keys;
    for (std::size_t i = 0; i < sorted.size();) {
        ThreadNode root{sorted[i]->number, {}};
        keys.push_back({sorted[i]->sent, sorted[i]->number});
        std::size_t j = i + 1;
        for (; j < sorted.size() && sorted[j]->subject.text == sorted[i]->subject.text; ++j) {
            root.children.push_back({sorted[j]->number, {}});
        }
        threads.push_back(std::move(root));
        i = j;
    }
    std::vector<std::size_t> order(threads.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    std::vector<ThreadNode> out;
    for (std::size_t i : order) {
        out.push_back(std::move(threads[i]));
    }
    return out;
}

// RFC 5256 §3 REFERENCES, steps 1 to 6.
std::vector<ThreadNode> thread_references(const std::vector<ThreadInput>& messages) {
    std::vector<std::unique_ptr<Container>> storage;
    std::unordered_map<std::string, Container*> by_id;
    auto container_for = [&](const std::string& id) {
        auto [it, inserted] = by_id.try_emplace(id, nullptr);
        if (inserted) {
            storage.push_back(std::make_unique<Container>());
            it->second = storage.back().get();
        }
        return it->second;
    };
    auto fresh = [&] {
        storage.push_back(std::make_unique<Container>());
        return storage.back().get();
    };

    // Step 1.
    for (const auto& m : messages) {
        // 1.A: a message without an id, or whose id is taken, gets a container of its own.
        Container* self = nullptr;
        if (!m.message_id.empty()) {
            self = container_for(m.message_id);
            if (self->message != nullptr) {
                self = fresh();
            }
        } else {
            self = fresh();
        }
        self->message = &m;
        // 1.B: link the references in order, never making a loop, never re-parenting.
        Container* previous = nullptr;
        for (const auto& ref : m.references) {
            Container* c = container_for(ref);
            if (previous != nullptr && c->parent == nullptr && c != previous &&
                !is_ancestor(c, previous)) {
                link(previous, c);
            }
            previous = c;
        }
        // 1.C: the last reference is the parent; a truncated References may have set another.
        if (previous == self || (previous != nullptr && is_ancestor(self, previous))) {
            previous = nullptr;
        }
        unlink(self);
        if (previous != nullptr) {
            link(previous, self);
        }
    }

    // Step 2.
    std::vector<Container*> roots;
    for (const auto& c : storage) {
        if (c->parent == nullptr) {
            roots.push_back(c.get());
        }
    }
    // Step 4 (step 3 is dropping the id table, which goes with this function).
    prune(roots, true);

    // Step 5: threads whose roots share a base subject are merged.
    std::map<std::string, Container*> by_subject;
    for (Container* c : roots) {
        const ThreadInput* m = subject_message(c);
        if (m == nullptr || m->subject.text.empty()) {
            continue;
        }
        auto [it, inserted] = by_subject.try_emplace(m->subject.text, c);
        if (inserted) {
            continue;
        }
        Container* old = it->second;
        const ThreadInput* old_m = subject_message(old);
        // A dummy is preferred; so is a non-reply over a reply.
        if ((c->message == nullptr && old->message != nullptr) ||
            (c->message != nullptr && old->message != nullptr && old_m->subject.reply_or_forward &&
             !m->subject.reply_or_forward)) {
            it->second = c;
        }
    }
    std::vector<Container*> merged;
    for (Container* c : roots) {
        if (c->parent != nullptr) {
            continue;  // already put under a dummy made for an earlier root
        }
        const ThreadInput* m = subject_message(c);
        Container* keeper =
            (m == nullptr || m->subject.text.empty()) ? c : by_subject.at(m->subject.text);
        if (keeper == c) {
            merged.push_back(c);
            continue;
        }
        const ThreadInput* keeper_m = subject_message(keeper);
        if (keeper->message == nullptr && c->message == nullptr) {
            for (Container* child : c->children) {
                link(keeper, child);
            }
            c->children.clear();
        } else if (keeper->message == nullptr) {
            link(keeper, c);
        } else if (c->message != nullptr && m->subject.reply_or_forward &&
                   !keeper_m->subject.reply_or_forward) {
            link(keeper, c);
        } else {
            // Neither is a dummy, and both or neither are replies: a new dummy holds both.
            Container* holder = fresh();
            auto at = std::find(merged.begin(), merged.end(), keeper);
            if (at != merged.end()) {
                *at = holder;
            } else {
                merged.push_back(holder);
            }
            by_subject[m->subject.text] = holder;
            link(holder, keeper);
            link(holder, c);
        }
    }

    // Step 6.
    sort_siblings(merged);
    std::vector<ThreadNode> out;
    for (const Container* c : merged) {
        out.push_back(to_node(c));
    }
    return out;
}

namespace {

// thread-list = "(" (thread-members / thread-nested) ")"; a chain of only children is written
// flat, "(1 2 3)", siblings each in their own parentheses, "(1 (2)(3))".
void write_members(std::string& out, const ThreadNode& node) {
    const ThreadNode* n = &node;
    bool first = true;
    while (true) {
        if (n->number != 0) {
            if (!first) {
                out.push_back(' ');
            }
            out += std::to_string(n->number);
            first = false;
        }
        if (n->children.size() == 1 && n->number != 0) {
            n = &n->children.front();
            continue;
        }
        if (!n->children.empty() && !first) {
            out.push_back(' ');
        }
        for (const ThreadNode& child : n->children) {
            out.push_back('(');
            write_members(out, child);
            out.push_back(')');
        }
        return;
    }
}

}  // namespace

std::string thread_response(const std::vector<ThreadNode>& threads) {
    std::string out = "* THREAD";
    if (!threads.empty()) {
        out.push_back(' ');
    }
    for (const ThreadNode& t : threads) {
        out.push_back('(');
        write_members(out, t);
        out.push_back(')');
    }
    out += "\r\n";
    return out;
}

}  // namespace sealbox::imap
