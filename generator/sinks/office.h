// The whole-domain documents: an Excel workbook (xlsx, libxlsxwriter) and a
// Word document (docx, WordprocessingML from templates/docx/ zipped with
// libzip). Rows are generated and turned into cells on worker threads
// (StreamEntity); the libraries, which are not thread-safe, run on the
// calling thread only. docs/output-formats.md describes both.
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>

#include "seedforge/generator.h"
#include "seedforge/output.h"

namespace seedforge {

// Writes every entity of the run to `path` (an AtomicFile's temporary file:
// the libraries write by name). Returns the rows written. Throws Error on
// failure; the caller removes `path` then.
uint64_t WriteXlsxWorkbook(const Generator& generator, const WriteOptions& options,
                           const std::filesystem::path& path);
uint64_t WriteDocxDocument(const Generator& generator, const WriteOptions& options,
                           const std::filesystem::path& path);

// The name of part `part` (1, 2, ...) of an entity's sheet, as Excel takes
// it: [ ] : * ? / \ become _, a leading or trailing apostrophe becomes _,
// at most 31 characters with " (N)" added for parts after the first, and
// unique among `taken` (compared without case, as Excel does; a number is
// added when needed). The result is added to `taken` in lower case.
std::string XlsxSheetName(std::string_view entity, int part, std::set<std::string>& taken);

}  // namespace seedforge
