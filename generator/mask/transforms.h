// The masking transforms: keyed, deterministic maps from a value to its
// masked form, one per kind of personal data (docs/mask.md lists each with
// its guarantee and limits).
//
// Every transform is a pure function of the mask key, its kind and the value
// (and, for date_shift, the row's entity key): the same key masks a value
// the same way in every table, run and database, which is what keeps joins
// on masked columns. The kind ("ssn", or the rule's `kind:` option) selects
// the subkey (MaskKey::Derive("ff1/" + kind), "hmac/" + kind) and is FF1's
// tweak; the table and column never enter, so equal values in different
// tables mask equally.
//
// Bijective transforms (ssn, card, phone, digits, zip, token up to its
// collision bound, email with the token local part) keep a unique column
// unique. They are format-preserving permutations: FF1 where the domain has
// at least 10^6 values, else one keyed cycle through the whole small domain
// (the values sorted by HMAC, each mapped to the next), which has no fixed
// point. "Cycle-walking" (encrypting again until the result is in the same
// class as the input: a valid SSN to a valid SSN, an invalid one to an
// invalid one) restricts a permutation to a subset and stays one.
//
// A value not of a transform's form (an "SSN" of 7 digits, an e-mail
// without '@') goes through the fallback: each ASCII digit and letter
// replaced by a keyed one of its class, other characters kept. It is
// counted in fallbacks().
//
// Thread safety: a Transform holds OpenSSL contexts and caches; one per
// thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mask/key.h"
#include "seedforge/table.h"

namespace seedforge::mask {

// A rule's transform and its options, as the rules file writes them.
struct TransformSpec {
  std::string name;                            // "ssn", "card", ...
  std::map<std::string, std::string> options;  // scalar options as written
  // date_shift: the column's date format (from the table layer's type
  // inference) and whether it holds times of day.
  DateFormat date_format;
  bool timestamp = false;
};

class Transform {
 public:
  virtual ~Transform() = default;
  // Appends the masked form of `value` (never NULL) to `out`. `entity` is
  // the key of the row's entity for date_shift (empty: none).
  virtual void Apply(std::string_view value, std::string_view entity, std::string& out) = 0;
  // Apply() of each value into out[k] (cleared first), in one go: the FF1
  // transforms encrypt the values side by side (Ff1::EncryptBatch).
  // REQUIRES: entities.size() == values.size() <= out.size().
  virtual void ApplyBatch(std::span<const std::string_view> values, std::span<const std::string_view> entities,
                          std::span<std::string> out);
  // Whether the output depends on `entity` (so a cache must not key on the
  // value alone).
  virtual bool UsesEntity() const { return false; }
  // Values that were not of this transform's form and went through the
  // fallback.
  uint64_t fallbacks() const { return fallbacks_; }

 protected:
  uint64_t fallbacks_ = 0;
};

// The transforms' names, in the order docs/mask.md lists them.
const std::vector<std::string>& TransformNames();

// Throws UsageError for an unknown transform or option, or a bad option
// value (the caller adds where the rule was written).
std::unique_ptr<Transform> MakeTransform(const TransformSpec& spec, const MaskKey& key);

}  // namespace seedforge::mask
