// The payload encoding of model files: little-endian fixed-width numbers,
// length-prefixed strings and arrays. ByteReader checks every read against
// the end of the payload, so a truncated or corrupt payload becomes an
// InputError naming the file rather than a crash.
//
// Thread safety: one reader or writer per thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/synthesizer.h"

namespace seedforge::internal {

class ByteWriter {
 public:
  void U8(uint8_t v) { bytes_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void U64(uint64_t v) { Raw(&v, 8); }
  void I64(int64_t v) { Raw(&v, 8); }
  void F64(double v) { Raw(&v, 8); }
  void Str(std::string_view s) {
    U64(s.size());
    bytes_.append(s);
  }
  void F64s(const std::vector<double>& v) {
    U64(v.size());
    Raw(v.data(), v.size() * sizeof(double));
  }
  void F32s(const std::vector<float>& v) {
    U64(v.size());
    Raw(v.data(), v.size() * sizeof(float));
  }
  void I32s(const std::vector<int>& v) {
    U64(v.size());
    Raw(v.data(), v.size() * sizeof(int));
  }
  std::string& bytes() { return bytes_; }

 private:
  void Raw(const void* p, size_t n) { bytes_.append(static_cast<const char*>(p), n); }
  std::string bytes_;
};

class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string file) : bytes_(bytes), file_(std::move(file)) {}

  uint8_t U8() { return static_cast<uint8_t>(*Take(1)); }
  uint32_t U32() { return Get<uint32_t>(); }
  uint64_t U64() { return Get<uint64_t>(); }
  int64_t I64() { return Get<int64_t>(); }
  double F64() { return Get<double>(); }
  std::string Str() {
    const uint64_t n = Count(1);
    return std::string(Take(n), n);
  }
  std::vector<double> F64s() { return Array<double>(); }
  std::vector<float> F32s() { return Array<float>(); }
  std::vector<int> I32s() { return Array<int>(); }
  // A count of items of `item_size` bytes that fit in what is left.
  uint64_t Count(size_t item_size);

  bool AtEnd() const { return pos_ == bytes_.size(); }
  // Throws InputError naming the file: "corrupt model file: <what>".
  [[noreturn]] void Fail(const std::string& what) const;
  const std::string& file() const { return file_; }

 private:
  const char* Take(size_t n);
  template <typename T>
  T Get() {
    T v;
    std::memcpy(&v, Take(sizeof(T)), sizeof(T));
    return v;
  }
  template <typename T>
  std::vector<T> Array() {
    const uint64_t n = Count(sizeof(T));
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), Take(n * sizeof(T)), n * sizeof(T));
    return v;
  }

  std::string_view bytes_;
  std::string file_;
  size_t pos_ = 0;
};

// Columns: name, type byte, range, digits, NULL rate, categories and
// frequencies. A date or timestamp column whose data was not ISO sets
// kHasFormat in its type byte and follows it with the format's name
// (DateFormat::Name, "MM/DD/YYYY"); without the bit the format is ISO, as in
// every model written before formats were kept.
inline constexpr uint8_t kHasFormat = 0x80;
void WriteColumns(ByteWriter& out, const std::vector<ModelColumn>& columns);
std::vector<ModelColumn> ReadColumns(ByteReader& in);
void WriteConstraints(ByteWriter& out, const std::vector<Constraint>& constraints);
std::vector<Constraint> ReadConstraints(ByteReader& in);
// What a private Fit spent (Synthesizer::privacy()): every field of
// DpAccount in declaration order; an empty mechanism for a model that is
// not private.
void WriteDpAccount(ByteWriter& out, const DpAccount& account);
DpAccount ReadDpAccount(ByteReader& in);

}  // namespace seedforge::internal
