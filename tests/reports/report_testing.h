#pragma once
// Reading reports back as their recipients would: gunzip, and the message parsed by GMime.

#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mime/field_parser.h"
#include "support/gunzip.h"

namespace sealbox::reports::testing {

using sealbox::testing::gunzip;

struct ParsedPart {
    std::string content_type;  // "type/subtype"
    std::string filename;
    std::string content;  // decoded
};

struct ParsedMessage {
    bool ok = false;
    std::string content_type;  // of the message, "type/subtype"
    std::string report_type;   // its report-type parameter
    std::vector<ParsedPart> parts;
    GMimeMessage* message = nullptr;

    std::string header(const char* name) const {
        const char* value = g_mime_object_get_header(GMIME_OBJECT(message), name);
        return value ? value : "";
    }
    ~ParsedMessage() {
        if (message) {
            g_object_unref(message);
        }
    }
};

inline std::string type_of(GMimeObject* object) {
    GMimeContentType* type = g_mime_object_get_content_type(object);
    return std::string(g_mime_content_type_get_media_type(type)) + "/" +
           g_mime_content_type_get_media_subtype(type);
}

inline void parse_message(const std::string& text, ParsedMessage& out) {
    mime::initialize_gmime();
    GMimeStream* stream = g_mime_stream_mem_new_with_buffer(text.data(), text.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    out.message = g_mime_parser_construct_message(parser, nullptr);
    g_object_unref(parser);
    g_object_unref(stream);
    if (!out.message) {
        return;
    }
    GMimeObject* body = g_mime_message_get_mime_part(out.message);
    out.content_type = type_of(body);
    const char* report_type = g_mime_object_get_content_type_parameter(body, "report-type");
    out.report_type = report_type ? report_type : "";
    if (!GMIME_IS_MULTIPART(body)) {
        return;
    }
    GMimeMultipart* multipart = GMIME_MULTIPART(body);
    for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
        GMimeObject* object = g_mime_multipart_get_part(multipart, i);
        if (!GMIME_IS_PART(object)) {
            continue;
        }
        GMimePart* part = GMIME_PART(object);
        ParsedPart parsed;
        parsed.content_type = type_of(object);
        const char* filename = g_mime_part_get_filename(part);
        parsed.filename = filename ? filename : "";
        GMimeStream* sink = g_mime_stream_mem_new();
        g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(part), sink);
        GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sink));
        parsed.content.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
        g_object_unref(sink);
        out.parts.push_back(std::move(parsed));
    }
    out.ok = true;
}

}  // namespace sealbox::reports::testing
