// A small streaming JSON writer for the report's --json output: objects,
// arrays, strings (escaped per RFC 8259), numbers and null. Non-finite
// numbers (NaN: "not computed") are written as null. Output is indented two
// spaces per level so that people can read it too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seedforge::eval {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);  // REQUIRES: inside an object

  JsonWriter& Value(double v);
  JsonWriter& Value(int64_t v);
  JsonWriter& Value(uint64_t v);
  JsonWriter& Value(int v) { return Value(static_cast<int64_t>(v)); }
  JsonWriter& Value(bool v);
  JsonWriter& Value(std::string_view v);
  JsonWriter& Value(const char* v) { return Value(std::string_view(v)); }
  JsonWriter& Value(const std::string& v) { return Value(std::string_view(v)); }
  JsonWriter& Null();

  // Shorthand for Key(k).Value(v).
  template <typename T>
  JsonWriter& Field(std::string_view key, const T& v) {
    Key(key);
    return Value(v);
  }

  const std::string& str() const { return out_; }

 private:
  void BeforeValue();
  void Newline();

  std::string out_;
  std::vector<int> counts_;  // items written per open container
  bool after_key_ = false;
};

}  // namespace seedforge::eval
