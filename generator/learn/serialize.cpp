#include "learn/serialize.h"

#include <cmath>

#include "seedforge/error.h"

namespace seedforge::internal {

uint64_t ByteReader::Count(size_t item_size) {
  const uint64_t n = U64();
  if (item_size && n > (bytes_.size() - pos_) / item_size) Fail("an array runs past the end");
  return n;
}

const char* ByteReader::Take(size_t n) {
  if (n > bytes_.size() - pos_) Fail("unexpected end of the payload");
  const char* p = bytes_.data() + pos_;
  pos_ += n;
  return p;
}

void ByteReader::Fail(const std::string& what) const {
  throw InputError({file_}, "corrupt model file: " + what);
}

void WriteColumns(ByteWriter& out, const std::vector<ModelColumn>& columns) {
  out.U64(columns.size());
  for (const ModelColumn& c : columns) {
    out.Str(c.name);
    // Dates written other than ISO carry their format; a model of ISO data
    // stays byte for byte what it was before formats were kept.
    const bool has_format = (c.type == DataType::kDate || c.type == DataType::kTimestamp) && !c.format.IsIso();
    out.U8(static_cast<uint8_t>(c.type) | (has_format ? kHasFormat : 0));
    if (has_format) out.Str(c.format.Name(c.type == DataType::kTimestamp));
    out.F64(c.min);
    out.F64(c.max);
    out.I64(c.digits);
    out.F64(c.null_rate);
    out.U64(c.categories.size());
    for (const std::string& s : c.categories) out.Str(s);
    out.F64s(c.frequencies);
  }
}

std::vector<ModelColumn> ReadColumns(ByteReader& in) {
  std::vector<ModelColumn> columns(in.Count(8));
  if (columns.empty()) in.Fail("the model has no columns");  // Fit never makes one
  for (ModelColumn& c : columns) {
    c.name = in.Str();
    const uint8_t byte = in.U8();
    const uint8_t type = byte & ~kHasFormat;
    if (type > static_cast<uint8_t>(DataType::kId)) in.Fail("unknown column type");
    c.type = static_cast<DataType>(type);
    if (byte & kHasFormat) {
      if (c.type != DataType::kDate && c.type != DataType::kTimestamp) in.Fail("a format on a column of no date");
      const std::string name = in.Str();
      std::optional<DateFormat> format = DateFormat::Parse(name);
      if (!format) in.Fail("column '" + c.name + "' has an unknown date format '" + name + "'");
      c.format = *format;
    }
    c.min = in.F64();
    c.max = in.F64();
    // Fit always writes a finite range, min <= max (sampling clamps to it).
    if (!(std::isfinite(c.min) && std::isfinite(c.max) && c.min <= c.max)) {
      in.Fail("column '" + c.name + "' has no valid range");
    }
    c.digits = static_cast<int>(in.I64());
    c.null_rate = in.F64();
    c.categories.resize(in.Count(8));
    for (std::string& s : c.categories) s = in.Str();
    c.frequencies = in.F64s();
    if (c.type == DataType::kCategorical &&
        (c.categories.empty() || c.frequencies.size() != c.categories.size())) {
      in.Fail("column '" + c.name + "' has no categories");
    }
  }
  return columns;
}

void WriteConstraints(ByteWriter& out, const std::vector<Constraint>& constraints) {
  out.U64(constraints.size());
  for (const Constraint& c : constraints) out.Str(c.text);
}

std::vector<Constraint> ReadConstraints(ByteReader& in) {
  std::vector<Constraint> constraints(in.Count(8));
  for (Constraint& c : constraints) {
    const std::string text = in.Str();
    try {
      c = Constraint::Parse(text);
    } catch (const Error&) {
      in.Fail("unreadable constraint '" + text + "'");
    }
  }
  return constraints;
}

void WriteDpAccount(ByteWriter& out, const DpAccount& a) {
  out.Str(a.mechanism);
  out.Str(a.accountant);
  out.F64s({a.target_epsilon, a.epsilon, a.delta, a.preprocessing_epsilon, a.sample_rate, a.noise_multiplier,
            a.max_grad_norm});
  out.I64(a.steps);
  out.U64(a.public_columns.size());
  for (const std::string& p : a.public_columns) out.Str(p);
}

DpAccount ReadDpAccount(ByteReader& in) {
  DpAccount a;
  a.mechanism = in.Str();
  a.accountant = in.Str();
  const std::vector<double> f = in.F64s();
  if (f.size() != 7) in.Fail("the privacy record has the wrong size");
  a.target_epsilon = f[0];
  a.epsilon = f[1];
  a.delta = f[2];
  a.preprocessing_epsilon = f[3];
  a.sample_rate = f[4];
  a.noise_multiplier = f[5];
  a.max_grad_norm = f[6];
  a.steps = in.I64();
  a.public_columns.resize(in.Count(8));
  for (std::string& p : a.public_columns) p = in.Str();
  return a;
}

}  // namespace seedforge::internal
