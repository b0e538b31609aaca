// Parsing of `serve`'s option values shared by serve.cpp and users.cpp:
// durations ("24h"), sizes ("10MB") and where the server keeps its state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace seedforge {

// "90", "90s", "30m", "24h", "7d" -> seconds; throws UsageError naming
// `option` otherwise.
int64_t ParseDurationOption(const std::string& option, const std::string& text);

// "1048576", "512KB", "10MB", "1GB" (powers of 1024) -> bytes.
uint64_t ParseSizeOption(const std::string& option, const std::string& text);

// DATA/seedforge.db, the server's database.
std::filesystem::path ServerDatabase(const std::filesystem::path& data_dir);

}  // namespace seedforge
