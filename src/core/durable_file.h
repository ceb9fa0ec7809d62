#pragma once
// Files that must survive a power cut once a call returns: write, fsync, rename, fsync the folder.

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace sealbox {

// Writes `bytes` to `path` atomically and durably (a reader sees the old file or the new one).
void write_file_durably(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

// The same without syncing: for writers that make many writes durable at once (GroupSync).
void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

// fsyncs a directory, so that a rename or unlink inside it is durable.
void sync_directory(const std::filesystem::path& dir);

std::vector<std::uint8_t> read_file(const std::filesystem::path& path);

}  // namespace sealbox
