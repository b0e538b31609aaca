#include "mask/transforms.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <unordered_map>

#include "mask/crypto.h"
#include "seedforge/error.h"
#include "seedforge/identifiers.h"
#include "seedforge/resources.h"
#include "seedforge/tables.h"

namespace seedforge::mask {

namespace {

namespace ids = identifiers;

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `out` set to `s` in ASCII lower case, in place (no allocation once its
// capacity suffices).
void AssignLower(std::string_view s, std::string& out) {
  out.assign(s);
  for (char& c : out) c = LowerAscii(c);
}

// Whether every byte of `s` is one of `set`'s: a table lookup a byte, where
// find_first_not_of calls memchr a byte.
class CharSet {
 public:
  explicit constexpr CharSet(std::string_view set) {
    for (char c : set) in_[static_cast<unsigned char>(c)] = true;
  }
  bool All(std::string_view s) const {
    for (char c : s) {
      if (!in_[static_cast<unsigned char>(c)]) return false;
    }
    return true;
  }

 private:
  bool in_[256] = {};
};
constexpr CharSet kSsnChars("0123456789- ");
constexpr CharSet kPhoneChars("0123456789+-.() ");

// --- Options -----------------------------------------------------------------

class Options {
 public:
  Options(const TransformSpec& spec, std::initializer_list<std::string_view> allowed) : spec_(spec) {
    for (const auto& [name, value] : spec.options) {
      if (name == "kind") continue;
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        std::string list = "kind";
        for (std::string_view a : allowed) list += ", " + std::string(a);
        throw UsageError("unknown option '" + name + "' for transform '" + spec.name + "' (allowed: " + list + ")");
      }
    }
  }
  std::string Text(const std::string& name, const std::string& fallback) const {
    auto it = spec_.options.find(name);
    return it == spec_.options.end() ? fallback : it->second;
  }
  bool Has(const std::string& name) const { return spec_.options.count(name) > 0; }
  double Number(const std::string& name, double fallback, double lo, double hi) const {
    auto it = spec_.options.find(name);
    if (it == spec_.options.end()) return fallback;
    auto x = ParseDecimal(it->second);
    if (!x || *x < lo || *x > hi) {
      throw UsageError("option '" + name + "' of transform '" + spec_.name + "' must be a number from " +
                       Format(lo) + " to " + Format(hi) + ", not '" + it->second + "'");
    }
    return *x;
  }
  bool Flag(const std::string& name, bool fallback) const {
    auto it = spec_.options.find(name);
    if (it == spec_.options.end()) return fallback;
    auto b = ParseBoolean(it->second);
    if (!b) throw UsageError("option '" + name + "' of transform '" + spec_.name + "' must be true or false");
    return *b;
  }
  std::string Kind() const { return Text("kind", spec_.name); }

 private:
  static std::string Format(double x) {
    std::string s = std::to_string(x);
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
    return s;
  }
  const TransformSpec& spec_;
};

// --- Keyed permutations of digit strings -------------------------------------

// A keyed permutation of the strings of n decimal digits, any n from 1 to
// 72: FF1 when 10^n >= 10^6; below that, one cycle through all 10^n values
// in the order of their HMAC (so no value maps to itself).
class DigitPermutation {
 public:
  DigitPermutation(const MaskKey& key, const std::string& kind)
      : ff1_(key.Derive("ff1/" + kind), 10, AsBytes(kind)), mac_(key.Derive("cycle/" + kind)) {}

  int max_length() const { return ff1_.max_length(); }

  void Step(std::span<uint8_t> d) {
    if (d.size() >= 6) {
      ff1_.Encrypt(d);
      return;
    }
    const std::vector<uint32_t>& next = Cycle(static_cast<int>(d.size()));
    uint32_t x = 0;
    for (uint8_t v : d) x = x * 10 + v;
    x = next[x];
    for (size_t k = d.size(); k-- > 0; x /= 10) d[k] = static_cast<uint8_t>(x % 10);
  }

  // Cycle-walking: steps until `in_class` says the same of the result as
  // of the input. Ends: the input's own cycle holds the input.
  template <class Pred>
  void Walk(std::span<uint8_t> d, Pred in_class) {
    const bool want = in_class(d);
    do Step(d);
    while (in_class(d) != want);
  }

  // Walk() of each item; those of one FF1 length step side by side. The
  // items are independent, so the order they go in changes nothing.
  template <class Pred>
  void WalkBatch(std::span<const std::span<uint8_t>> items, Pred in_class) {
    sorted_.clear();
    bool one_length = true;
    for (std::span<uint8_t> d : items) {
      if (d.size() < 6) {
        Walk(d, in_class);
        continue;
      }
      one_length = one_length && (sorted_.empty() || d.size() == sorted_[0].size());
      sorted_.push_back(d);
    }
    if (!one_length) {
      std::stable_sort(sorted_.begin(), sorted_.end(), [](auto x, auto y) { return x.size() < y.size(); });
    }
    for (size_t begin = 0; begin < sorted_.size();) {
      size_t end = begin;
      while (end < sorted_.size() && sorted_[end].size() == sorted_[begin].size()) ++end;
      pending_.assign(sorted_.begin() + begin, sorted_.begin() + end);
      want_.clear();
      for (std::span<uint8_t> d : pending_) want_.push_back(in_class(d));
      while (!pending_.empty()) {
        ff1_.EncryptBatch(pending_);
        size_t kept = 0;
        for (size_t k = 0; k < pending_.size(); ++k) {
          if (in_class(pending_[k]) != static_cast<bool>(want_[k])) {
            pending_[kept] = pending_[k];
            want_[kept] = want_[k];
            ++kept;
          }
        }
        pending_.resize(kept);
        want_.resize(kept);
      }
      begin = end;
    }
  }

 private:
  const std::vector<uint32_t>& Cycle(int n) {
    std::vector<uint32_t>& next = cycles_[n];
    if (next.empty()) {
      uint32_t size = 1;
      for (int k = 0; k < n; ++k) size *= 10;
      std::vector<std::pair<uint64_t, uint32_t>> order(size);
      const std::string prefix = std::to_string(n) + ":";
      for (uint32_t v = 0; v < size; ++v) order[v] = {mac_.Hash64(prefix + std::to_string(v)), v};
      std::sort(order.begin(), order.end());
      next.resize(size);
      for (uint32_t k = 0; k < size; ++k) next[order[k].second] = order[(k + 1) % size].second;
    }
    return next;
  }

  Ff1 ff1_;
  HmacSha256 mac_;
  std::map<int, std::vector<uint32_t>> cycles_;
  std::vector<std::span<uint8_t>> sorted_, pending_;  // WalkBatch's, kept for their capacity
  std::vector<uint8_t> want_;
};

// The digits of a value and where they sit; everything else is kept.
struct Digits {
  std::vector<size_t> at;
  std::vector<uint8_t> d;
  explicit Digits(std::string_view value) {
    for (size_t i = 0; i < value.size(); ++i) {
      if (IsDigit(value[i])) {
        at.push_back(i);
        d.push_back(static_cast<uint8_t>(value[i] - '0'));
      }
    }
  }
  void Write(std::string_view value, std::string& out) const {
    const size_t start = out.size();
    out.append(value);
    for (size_t k = 0; k < at.size(); ++k) out[start + at[k]] = static_cast<char>('0' + d[k]);
  }
  std::string Text(size_t from, size_t to) const {
    std::string s;
    for (size_t k = from; k < to; ++k) s += static_cast<char>('0' + d[k]);
    return s;
  }
};

// Digits of each value of a batch, back to back in buffers that keep their
// capacity from batch to batch: no allocation per value once warm.
class DigitBatch {
 public:
  void Clear() {
    digits_.clear();
    at_.clear();
    begin_.assign(1, 0);
  }
  void Add(std::string_view value) {
    for (size_t i = 0; i < value.size(); ++i) {
      if (IsDigit(value[i])) {
        at_.push_back(static_cast<uint32_t>(i));
        digits_.push_back(static_cast<uint8_t>(value[i] - '0'));
      }
    }
    begin_.push_back(digits_.size());
  }
  // Value k's digits; valid until the next Add() or Clear().
  std::span<uint8_t> operator[](size_t k) { return {digits_.data() + begin_[k], begin_[k + 1] - begin_[k]}; }
  // `value` with its digits replaced by value k's (as Digits::Write).
  void Write(size_t k, std::string_view value, std::string& out) const {
    const size_t start = out.size();
    out.append(value);
    for (size_t i = begin_[k]; i < begin_[k + 1]; ++i) out[start + at_[i]] = static_cast<char>('0' + digits_[i]);
  }

 private:
  std::vector<uint8_t> digits_;
  std::vector<uint32_t> at_;
  std::vector<size_t> begin_ = {0};
};

// The Luhn check digit of `payload` (as identifiers::LuhnCheckDigit, over
// numerals instead of text).
int LuhnCheck(std::span<const uint8_t> payload) {
  int sum = 0;
  bool twice = true;
  for (size_t i = payload.size(); i-- > 0;) {
    int d = payload[i];
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return (10 - sum % 10) % 10;
}

int Number(std::span<const uint8_t> d) {
  int x = 0;
  for (uint8_t v : d) x = x * 10 + v;
  return x;
}

// --- The fallback ------------------------------------------------------------

// Each ASCII digit and letter replaced by a keyed one of its class (keyed
// on the whole value), other bytes kept. Not bijective.
class Fallback {
 public:
  Fallback(const MaskKey& key, const std::string& kind) : mac_(key.Derive("fallback/" + kind)) {}
  void Apply(std::string_view value, std::string& out) {
    HmacSha256::Digest stream{};
    for (size_t i = 0; i < value.size(); ++i) {
      if (i % 32 == 0) stream = mac_.Mac(value, std::to_string(i / 32));
      const char c = value[i];
      const uint8_t r = stream[i % 32];
      if (IsDigit(c)) {
        out += static_cast<char>('0' + r % 10);
      } else if (c >= 'a' && c <= 'z') {
        out += static_cast<char>('a' + r % 26);
      } else if (c >= 'A' && c <= 'Z') {
        out += static_cast<char>('A' + r % 26);
      } else {
        out += c;
      }
    }
  }

 private:
  HmacSha256 mac_;
};

class Base : public Transform {
 public:
  Base(const MaskKey& key, const std::string& kind) : fallback_(key, kind) {}

 protected:
  void Fallback(std::string_view value, std::string& out) {
    ++fallbacks_;
    fallback_.Apply(value, out);
  }

 private:
  class Fallback fallback_;
};

// --- SSN, card, phone, digits ------------------------------------------------

class SsnTransform : public Base {
 public:
  SsnTransform(const MaskKey& key, const std::string& kind) : Base(key, kind), perm_(key, kind) {}
  void Apply(std::string_view value, std::string_view entity, std::string& out) override {
    ApplyBatch({&value, 1}, {&entity, 1}, {&out, 1});
  }
  void ApplyBatch(std::span<const std::string_view> values, std::span<const std::string_view>,
                  std::span<std::string> out) override {
    digits_.Clear();
    for (std::string_view value : values) digits_.Add(value);
    items_.clear();
    at_.clear();
    for (size_t k = 0; k < values.size(); ++k) {
      out[k].clear();
      if (digits_[k].size() != 9 || !kSsnChars.All(values[k])) {
        Fallback(values[k], out[k]);
        continue;
      }
      items_.push_back(digits_[k]);
      at_.push_back(k);
    }
    perm_.WalkBatch(items_, [](std::span<const uint8_t> d) {
      char text[9];
      for (int k = 0; k < 9; ++k) text[k] = static_cast<char>('0' + d[k]);
      return ids::SsnValid(std::string_view(text, 9));
    });
    for (size_t k : at_) digits_.Write(k, values[k], out[k]);
  }

 private:
  DigitPermutation perm_;
  DigitBatch digits_;  // the batch's scratch, kept for its capacity
  std::vector<std::span<uint8_t>> items_;
  std::vector<size_t> at_;
};

// Keeps the 6-digit IIN, permutes the digits between it and the check
// digit, and writes the check digit that leaves the Luhn sum's remainder as
// it was: a valid number stays valid (and of its scheme), an invalid one
// stays invalid by the same amount, and the map is a bijection of all
// numbers of that IIN and length.
class CardTransform : public Base {
 public:
  CardTransform(const MaskKey& key, const std::string& kind) : Base(key, kind), perm_(key, kind) {}
  void Apply(std::string_view value, std::string_view entity, std::string& out) override {
    ApplyBatch({&value, 1}, {&entity, 1}, {&out, 1});
  }
  void ApplyBatch(std::span<const std::string_view> values, std::span<const std::string_view>,
                  std::span<std::string> out) override {
    digits_.Clear();
    for (std::string_view value : values) digits_.Add(value);
    items_.clear();
    at_.clear();
    for (size_t k = 0; k < values.size(); ++k) {
      out[k].clear();
      const std::span<uint8_t> d = digits_[k];
      const size_t n = d.size();
      if (n < 12 || n > 19 || !kSsnChars.All(values[k])) {
        Fallback(values[k], out[k]);
        continue;
      }
      at_.push_back({k, (d[n - 1] - LuhnCheck(d.first(n - 1)) + 10) % 10});
      items_.push_back(d.subspan(6, n - 7));
    }
    perm_.WalkBatch(items_, [](std::span<const uint8_t>) { return true; });  // one step each
    for (const auto& [k, error] : at_) {
      const std::span<uint8_t> d = digits_[k];
      const size_t n = d.size();
      d[n - 1] = static_cast<uint8_t>((LuhnCheck(d.first(n - 1)) + error) % 10);
      digits_.Write(k, values[k], out[k]);
    }
  }

 private:
  DigitPermutation perm_;
  DigitBatch digits_;  // the batch's scratch, kept for its capacity
  std::vector<std::span<uint8_t>> items_;
  std::vector<std::pair<size_t, int>> at_;  // value, its Luhn error
};

class PhoneTransform : public Base {
 public:
  PhoneTransform(const MaskKey& key, const std::string& kind, bool keep_area_code)
      : Base(key, kind), perm_(key, kind), keep_area_code_(keep_area_code) {}
  void Apply(std::string_view value, std::string_view, std::string& out) override {
    Digits digits(value);
    const size_t n = digits.d.size();
    if (!kPhoneChars.All(value) || n < 6) {
      return Fallback(value, out);
    }
    const bool nanp = n == 10 || (n == 11 && digits.d[0] == 1);
    std::span<uint8_t> d(digits.d);
    if (nanp) {
      std::span<uint8_t> national = d.subspan(n - 10);
      if (keep_area_code_) {
        perm_.Walk(national.subspan(3), [](std::span<const uint8_t> x) {
          return ids::NanpExchangeValid(Number(x.subspan(0, 3)));
        });
      } else {
        perm_.Walk(national, [](std::span<const uint8_t> x) {
          return ids::NanpAreaCodeValid(Number(x.subspan(0, 3))) && ids::NanpExchangeValid(Number(x.subspan(3, 3)));
        });
      }
    } else {
      // Elsewhere: the first two digits (the country code, or most of it)
      // are kept, the rest permuted with its leading digit's class.
      std::span<uint8_t> rest = d.subspan(2);
      if (rest.size() > static_cast<size_t>(perm_.max_length())) return Fallback(value, out);
      perm_.Walk(rest, [](std::span<const uint8_t> x) { return x[0] == 0; });
    }
    digits.Write(value, out);
  }
  // The common case, a NANP number with its area code kept, side by side;
  // the rest one by one.
  void ApplyBatch(std::span<const std::string_view> values, std::span<const std::string_view> entities,
                  std::span<std::string> out) override {
    digits_.Clear();
    for (std::string_view value : values) digits_.Add(value);
    items_.clear();
    at_.clear();
    for (size_t k = 0; k < values.size(); ++k) {
      out[k].clear();
      const std::span<uint8_t> d = digits_[k];
      const size_t n = d.size();
      const bool nanp = (n == 10 || (n == 11 && d[0] == 1)) && kPhoneChars.All(values[k]);
      if (!nanp || !keep_area_code_) {
        Apply(values[k], entities[k], out[k]);
        continue;
      }
      items_.push_back(d.subspan(n - 7));
      at_.push_back(k);
    }
    perm_.WalkBatch(items_,
                    [](std::span<const uint8_t> x) { return ids::NanpExchangeValid(Number(x.subspan(0, 3))); });
    for (size_t k : at_) digits_.Write(k, values[k], out[k]);
  }

 private:
  DigitPermutation perm_;
  bool keep_area_code_;
  DigitBatch digits_;  // the batch's scratch, kept for its capacity
  std::vector<std::span<uint8_t>> items_;
  std::vector<size_t> at_;
};

// Any value with digits: the digits permuted as one string (FF1, or the
// keyed cycle below 10^6), everything else kept. A leading zero stays a
// leading zero and a leading non-zero stays non-zero, so integers stay
// written canonically and distinct.
class DigitsTransform : public Base {
 public:
  DigitsTransform(const MaskKey& key, const std::string& kind) : Base(key, kind), perm_(key, kind) {}
  void Apply(std::string_view value, std::string_view entity, std::string& out) override {
    ApplyBatch({&value, 1}, {&entity, 1}, {&out, 1});
  }
  void ApplyBatch(std::span<const std::string_view> values, std::span<const std::string_view>,
                  std::span<std::string> out) override {
    digits_.Clear();
    for (std::string_view value : values) digits_.Add(value);
    items_.clear();
    at_.clear();
    for (size_t k = 0; k < values.size(); ++k) {
      out[k].clear();
      const std::span<uint8_t> d = digits_[k];
      if (d.empty() || d.size() > static_cast<size_t>(perm_.max_length())) {
        Fallback(values[k], out[k]);
        continue;
      }
      items_.push_back(d);
      at_.push_back(k);
    }
    perm_.WalkBatch(items_, [](std::span<const uint8_t> x) { return x.size() > 1 && x[0] == 0; });
    for (size_t k : at_) digits_.Write(k, values[k], out[k]);
  }

 private:
  DigitPermutation perm_;
  DigitBatch digits_;  // the batch's scratch, kept for its capacity
  std::vector<std::span<uint8_t>> items_;
  std::vector<size_t> at_;
};

// --- Tokens and e-mail -------------------------------------------------------

// Appends the first `bits` bits of `mac` in hex or base32.
void Encode(const HmacSha256::Digest& mac, int bits, bool base32, std::string& out) {
  if (!base32) {
    static const char* hex = "0123456789abcdef";
    for (int k = 0; k < (bits + 3) / 4; ++k) out += hex[(mac[k / 2] >> (k % 2 ? 0 : 4)) & 15];
    return;
  }
  static const char* alphabet = "abcdefghijklmnopqrstuvwxyz234567";  // RFC 4648, lower case
  for (int k = 0; k < (bits + 4) / 5; ++k) {
    const int bit = 5 * k;
    const int word = (mac[bit / 8] << 8 | (bit / 8 + 1 < 32 ? mac[bit / 8 + 1] : 0)) >> (11 - bit % 8);
    out += alphabet[word & 31];
  }
}

class TokenTransform : public Transform {
 public:
  TokenTransform(const MaskKey& key, const std::string& kind, int bits, bool base32, std::string prefix)
      : mac_(key.Derive("hmac/" + kind)), bits_(bits), base32_(base32), prefix_(std::move(prefix)) {}
  void Apply(std::string_view value, std::string_view, std::string& out) override {
    out += prefix_;
    Encode(mac_.Mac(value), bits_, base32_, out);
  }

 private:
  HmacSha256 mac_;
  int bits_;
  bool base32_;
  std::string prefix_;
};

// --- Names and addresses from the provider tables ----------------------------

// A weighted list picked from by a keyed 64-bit hash.
class Dictionary {
 public:
  void Add(std::string_view value, double weight) {
    values_.emplace_back(value);
    total_ += weight;
    cumulative_.push_back(total_);
  }
  const std::string& Pick(uint64_t hash) const {
    const double u = static_cast<double>(hash >> 11) * 0x1.0p-53 * total_;
    size_t i = std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin();
    return values_[std::min(i, values_.size() - 1)];
  }
  size_t size() const { return values_.size(); }
  const std::string& value(size_t i) const { return values_[i]; }

 private:
  std::vector<std::string> values_;
  std::vector<double> cumulative_;
  double total_ = 0;
};

Dictionary LoadDictionary(std::initializer_list<std::string_view> paths, size_t value_column, size_t weight_column) {
  Dictionary dictionary;
  for (std::string_view path : paths) {
    for (const auto& row : ParseTsv(Resource(path))) {
      if (row.size() <= std::max(value_column, weight_column)) continue;
      dictionary.Add(row[value_column], ParseDecimal(row[weight_column]).value_or(1.0));
    }
  }
  return dictionary;
}

const Dictionary& FirstNames() {
  static const Dictionary d = LoadDictionary(
      {"plugins/person/data/first_names_female.tsv", "plugins/person/data/first_names_male.tsv"}, 0, 1);
  return d;
}
const Dictionary& LastNames() {
  static const Dictionary d = LoadDictionary({"plugins/person/data/last_names.tsv"}, 0, 1);
  return d;
}
const Dictionary& StreetNames() {
  static const Dictionary d = LoadDictionary({"plugins/address/data/street_names.tsv"}, 0, 1);
  return d;
}
const Dictionary& StreetSuffixes() {
  static const Dictionary d = LoadDictionary({"plugins/address/data/street_suffixes.tsv"}, 0, 1);
  return d;
}
const Dictionary& Cities() {  // by population
  static const Dictionary d = LoadDictionary({"plugins/address/data/zip_codes.tsv"}, 1, 3);
  return d;
}

// Appends `value` written as `like` is: all upper case, all lower case, or
// as the table.
void AppendMatchingCase(std::string_view like, std::string_view value, std::string& out) {
  bool upper = false, lower = false;
  for (char c : like) {
    upper = upper || (c >= 'A' && c <= 'Z');
    lower = lower || (c >= 'a' && c <= 'z');
  }
  const size_t start = out.size();
  out.append(value);
  if (upper && !lower) {
    for (size_t i = start; i < out.size(); ++i) {
      out[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i])));
    }
  } else if (lower && !upper) {
    for (size_t i = start; i < out.size(); ++i) {
      out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
    }
  }
}

// Whether `a` in ASCII lower case equals `lower`.
bool EqualsLowered(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != lower[i]) return false;
  }
  return true;
}

// One name: the dictionary's pick for the keyed hash of the name (case
// folded), drawn again while it equals the name itself.
class NamePicker {
 public:
  NamePicker(const MaskKey& key, const std::string& kind, const Dictionary& dictionary)
      : mac_(key.Derive("hmac/" + kind)), dictionary_(dictionary) {}
  // Appends the pick for `name` to `out`.
  void Pick(std::string_view name, std::string& out) {
    AssignLower(name, message_);
    message_ += '\x1f';
    const size_t folded = message_.size() - 1;
    for (int attempt = 0;; ++attempt) {
      message_.resize(folded + 1);
      AppendInt(attempt, message_);
      const std::string& pick = dictionary_.Pick(mac_.Hash64(message_));
      if (!EqualsLowered(pick, std::string_view(message_).substr(0, folded)) || attempt == 16) {
        return AppendMatchingCase(name, pick, out);
      }
    }
  }

 private:
  static void AppendInt(int x, std::string& out) {
    char text[16];
    const int n = std::snprintf(text, sizeof text, "%d", x);
    out.append(text, n);
  }
  HmacSha256 mac_;
  const Dictionary& dictionary_;
  std::string message_;  // folded name, 0x1f, attempt: kept for its capacity
};

class NameTransform : public Transform {
 public:
  enum class Part { kFirst, kLast, kFull };
  NameTransform(const MaskKey& key, const std::string& kind, Part part)
      : part_(part), first_(key, kind + "/first", FirstNames()), last_(key, kind + "/last", LastNames()) {}
  void Apply(std::string_view value, std::string_view, std::string& out) override {
    if (part_ == Part::kFirst) {
      first_.Pick(value, out);
      return;
    }
    if (part_ == Part::kLast) {
      last_.Pick(value, out);
      return;
    }
    // A full name word by word: the last word as a last name, the others as
    // first names ("Last, First" the other way round), so that a person's
    // name masks the same in a full-name column and in first/last columns.
    std::vector<std::string_view>& words = words_;
    words.clear();
    size_t comma = value.find(',');
    for (size_t pos = 0; pos < value.size();) {
      const size_t end = value.find_first_of(" ,", pos);
      const std::string_view word = value.substr(pos, end == std::string_view::npos ? value.npos : end - pos);
      if (!word.empty()) words.push_back(word);
      if (end == std::string_view::npos) break;
      pos = end + 1;
    }
    size_t pos = 0;
    for (size_t w = 0; w < words.size(); ++w) {
      const size_t at = words[w].data() - value.data();
      out.append(value.substr(pos, at - pos));  // the separators as written
      const bool last = comma != std::string_view::npos ? at < comma : w + 1 == words.size();
      (last ? last_ : first_).Pick(words[w], out);
      pos = at + words[w].size();
    }
    out.append(value.substr(pos));
  }

 private:
  Part part_;
  NamePicker first_, last_;
  std::vector<std::string_view> words_;  // kept for its capacity
};

class StreetTransform : public Transform {
 public:
  StreetTransform(const MaskKey& key, const std::string& kind) : mac_(key.Derive("hmac/" + kind)) {}
  void Apply(std::string_view value, std::string_view, std::string& out) override {
    AssignLower(value, folded_);
    const HmacSha256::Digest d = mac_.Mac(folded_);
    auto word = [&](int k) {
      uint64_t h = 0;
      for (int i = 0; i < 8; ++i) h = h << 8 | d[8 * k + i];
      return h;
    };
    out += std::to_string(1 + word(0) % 9999);
    out += ' ';
    out += StreetNames().Pick(word(1));
    out += ' ';
    out += StreetSuffixes().Pick(word(2));
  }

 private:
  HmacSha256 mac_;
  std::string folded_;  // kept for its capacity
};

class CityTransform : public Transform {
 public:
  CityTransform(const MaskKey& key, const std::string& kind) : picker_(key, kind, Cities()) {}
  void Apply(std::string_view value, std::string_view, std::string& out) override { picker_.Pick(value, out); }

 private:
  NamePicker picker_;
};

// ZIP codes: a known ZIP (plugins/address/data/zip_codes.tsv) goes to the
// next one in a keyed cycle through all of them, an unknown 5-digit code to
// another unknown one (cycle-walking the 10^5 codes); a ZIP+4's last four
// digits are permuted on their own.
class ZipTransform : public Base {
 public:
  ZipTransform(const MaskKey& key, const std::string& kind) : Base(key, kind), perm_(key, kind) {
    const Dictionary& zips = Zips();
    HmacSha256 mac(key.Derive("cycle/" + kind + "/known"));
    std::vector<std::pair<uint64_t, int>> order;
    for (size_t i = 0; i < zips.size(); ++i) {
      const int zip = std::stoi(zips.value(i));
      if (known_.emplace(zip, -1).second) order.push_back({mac.Hash64(zips.value(i)), zip});
    }
    std::sort(order.begin(), order.end());
    for (size_t k = 0; k < order.size(); ++k) known_[order[k].second] = order[(k + 1) % order.size()].second;
  }
  void Apply(std::string_view value, std::string_view, std::string& out) override {
    const bool plus4 = value.size() == 10 && value[5] == '-';
    Digits digits(value);
    if (!(value.size() == 5 || plus4) || digits.d.size() != (plus4 ? 9u : 5u)) return Fallback(value, out);
    std::span<uint8_t> d(digits.d);
    auto it = known_.find(Number(d.subspan(0, 5)));
    if (it != known_.end()) {
      int zip = it->second;
      for (int k = 4; k >= 0; --k, zip /= 10) d[k] = static_cast<uint8_t>(zip % 10);
    } else {
      perm_.Walk(d.subspan(0, 5), [&](std::span<const uint8_t> x) { return known_.count(Number(x)) > 0; });
    }
    if (plus4) perm_.Step(d.subspan(5, 4));
    digits.Write(value, out);
  }

 private:
  static const Dictionary& Zips() {
    static const Dictionary d = LoadDictionary({"plugins/address/data/zip_codes.tsv"}, 0, 3);
    return d;
  }
  DigitPermutation perm_;
  std::unordered_map<int, int> known_;  // zip -> its image
};

class EmailTransform : public Base {
 public:
  EmailTransform(const MaskKey& key, const std::string& kind, bool names)
      : Base(key, kind), mac_(key.Derive("hmac/" + kind)), names_(names),
        first_(key, kind + "/first", FirstNames()), last_(key, kind + "/last", LastNames()) {}
  void Apply(std::string_view value, std::string_view, std::string& out) override {
    const size_t at = value.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == value.size()) return Fallback(value, out);
    AssignLower(value, folded_);
    if (names_) {
      // first.last plus two keyed digits: looks real, but not unique.
      const HmacSha256::Digest d = mac_.Mac(folded_);
      uint64_t h = 0;
      for (int i = 0; i < 8; ++i) h = h << 8 | d[i];
      const size_t start = out.size();
      first_.Pick(folded_, out);
      out += '.';
      last_.Pick(folded_, out);
      for (size_t i = start; i < out.size(); ++i) out[i] = LowerAscii(out[i]);
      out += std::to_string(h % 100);
    } else {
      // 100 bits of the MAC of the whole address (so the same local part at
      // two domains does not show as the same).
      Encode(mac_.Mac(folded_), 100, /*base32=*/true, out);
    }
    out.append(value.substr(at));
  }

 private:
  HmacSha256 mac_;
  bool names_;
  NamePicker first_, last_;
  std::string folded_;  // kept for its capacity
};

// --- Dates and numbers -------------------------------------------------------

class DateShiftTransform : public Base {
 public:
  DateShiftTransform(const MaskKey& key, const std::string& kind, int days, std::string entity,
                     const TransformSpec& spec)
      : Base(key, kind), mac_(key.Derive("hmac/" + kind)), days_(days), entity_(std::move(entity)),
        format_(spec.date_format), timestamp_(spec.timestamp) {}
  bool UsesEntity() const override { return true; }
  void Apply(std::string_view value, std::string_view entity, std::string& out) override {
    const auto parsed = ParseDateTime(value, format_);
    if (!parsed) return Fallback(value, out);
    const int64_t offset = Offset(entity.empty() ? value : entity);
    constexpr int64_t kMicrosPerDay = 86'400'000'000;
    if (timestamp_) {
      AppendDateTime(parsed->micros + offset * kMicrosPerDay, true, format_, out);
    } else {
      const int64_t day = parsed->micros >= 0 ? parsed->micros / kMicrosPerDay
                                              : -((-parsed->micros + kMicrosPerDay - 1) / kMicrosPerDay);
      AppendDateTime(day + offset, false, format_, out);
    }
  }

 private:
  // A shift of 1 to `days` days either way, never 0, the same for every
  // date of one entity.
  int64_t Offset(std::string_view key) {
    auto it = offsets_.find(std::string(key));
    if (it != offsets_.end()) return it->second;
    if (offsets_.size() > (1u << 20)) offsets_.clear();
    const uint64_t h = mac_.Hash64(entity_ + "\x1f" + std::string(key)) % (2 * static_cast<uint64_t>(days_));
    const int64_t offset = h < static_cast<uint64_t>(days_) ? -static_cast<int64_t>(h) - 1
                                                            : static_cast<int64_t>(h) - days_ + 1;
    offsets_.emplace(key, offset);
    return offset;
  }

  HmacSha256 mac_;
  int days_;
  std::string entity_;
  DateFormat format_;
  bool timestamp_;
  std::unordered_map<std::string, int64_t> offsets_;
};

// Numbers written with at most `decimals` digits after the point.
void AppendNumber(double x, int decimals, std::string& out) {
  char buffer[64];
  if (decimals < 0) {
    std::snprintf(buffer, sizeof buffer, "%.17g", x);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, x);
  }
  out += buffer;
}

// round: to the nearest multiple of `step` (generalisation); noise: times
// 1 + scale * u with u uniform in [-1, 1] from the keyed hash of the value
// (and of the entity when given).
class NumberTransform : public Base {
 public:
  NumberTransform(const MaskKey& key, const std::string& kind, double step, double scale)
      : Base(key, kind), mac_(key.Derive("hmac/" + kind)), step_(step), scale_(scale) {
    std::string text = std::to_string(step);
    text.erase(text.find_last_not_of('0') + 1);
    step_decimals_ = static_cast<int>(text.size() - text.find('.') - 1);
  }
  bool UsesEntity() const override { return scale_ > 0; }
  void Apply(std::string_view value, std::string_view entity, std::string& out) override {
    int decimals = 0;
    const auto x = ParseDecimal(value, &decimals);
    if (!x) return Fallback(value, out);
    if (step_ > 0) {
      AppendNumber(std::round(*x / step_) * step_, decimals < 0 ? -1 : std::max(decimals, step_decimals_),
                   out);
      return;
    }
    const uint64_t h = mac_.Hash64(std::string(value) + "\x1f" + std::string(entity));
    const double u = static_cast<double>(h >> 11) * 0x1.0p-53 * 2 - 1;
    AppendNumber(*x * (1 + scale_ * u), decimals, out);
  }

 private:
  HmacSha256 mac_;
  double step_;
  double scale_;
  int step_decimals_ = 0;
};

}  // namespace

void Transform::ApplyBatch(std::span<const std::string_view> values, std::span<const std::string_view> entities,
                           std::span<std::string> out) {
  for (size_t k = 0; k < values.size(); ++k) {
    out[k].clear();
    Apply(values[k], entities[k], out[k]);
  }
}

const std::vector<std::string>& TransformNames() {
  static const std::vector<std::string> names = {"ssn",        "card",      "phone",          "digits", "token",
                                                 "email",      "first_name", "last_name",     "full_name",
                                                 "street_address", "city",   "zip",            "date_shift",
                                                 "round",      "noise"};
  return names;
}

std::unique_ptr<Transform> MakeTransform(const TransformSpec& spec, const MaskKey& key) {
  const std::string& name = spec.name;
  if (name == "ssn" || name == "card" || name == "digits" || name == "zip" || name == "street_address" ||
      name == "city") {
    Options options(spec, {});
    const std::string kind = options.Kind();
    if (name == "ssn") return std::make_unique<SsnTransform>(key, kind);
    if (name == "card") return std::make_unique<CardTransform>(key, kind);
    if (name == "digits") return std::make_unique<DigitsTransform>(key, kind);
    if (name == "zip") return std::make_unique<ZipTransform>(key, kind);
    if (name == "street_address") return std::make_unique<StreetTransform>(key, kind);
    return std::make_unique<CityTransform>(key, kind);
  }
  if (name == "phone") {
    Options options(spec, {"keep_area_code"});
    return std::make_unique<PhoneTransform>(key, options.Kind(), options.Flag("keep_area_code", true));
  }
  if (name == "token") {
    Options options(spec, {"bits", "encoding", "prefix"});
    const double bits = options.Number("bits", 128, 96, 256);
    const std::string encoding = options.Text("encoding", "hex");
    if (encoding != "hex" && encoding != "base32") throw UsageError("token encoding must be hex or base32");
    return std::make_unique<TokenTransform>(key, options.Kind(), static_cast<int>(bits), encoding == "base32",
                                            options.Text("prefix", ""));
  }
  if (name == "email") {
    Options options(spec, {"style"});
    const std::string style = options.Text("style", "token");
    if (style != "token" && style != "name") throw UsageError("email style must be token or name");
    return std::make_unique<EmailTransform>(key, options.Kind(), style == "name");
  }
  if (name == "first_name" || name == "last_name" || name == "full_name") {
    Options options(spec, {});
    // One kind for the three, so a person's names mask alike across them.
    const std::string kind = spec.options.count("kind") ? options.Kind() : "name";
    return std::make_unique<NameTransform>(key, kind,
                                           name == "first_name"  ? NameTransform::Part::kFirst
                                           : name == "last_name" ? NameTransform::Part::kLast
                                                                 : NameTransform::Part::kFull);
  }
  if (name == "date_shift") {
    Options options(spec, {"days", "entity", "key"});
    if (!options.Has("days")) throw UsageError("date_shift needs days: the largest shift, e.g. {days: 30}");
    const int days = static_cast<int>(options.Number("days", 0, 1, 36500));
    return std::make_unique<DateShiftTransform>(key, options.Kind(), days, options.Text("entity", ""), spec);
  }
  if (name == "round") {
    Options options(spec, {"step"});
    if (!options.Has("step")) throw UsageError("round needs step: the multiple to round to, e.g. {step: 1000}");
    return std::make_unique<NumberTransform>(key, options.Kind(), options.Number("step", 0, 1e-9, 1e15), 0.0);
  }
  if (name == "noise") {
    Options options(spec, {"scale"});
    return std::make_unique<NumberTransform>(key, options.Kind(), 0.0, options.Number("scale", 0.05, 1e-6, 1.0));
  }
  std::string list;
  for (const std::string& n : TransformNames()) list += (list.empty() ? "" : ", ") + n;
  throw UsageError("unknown transform '" + name + "' (known: " + list + ")");
}

}  // namespace seedforge::mask
