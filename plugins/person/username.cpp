// `username` (jsmith42, derived from the row's names) and `user_id`
// (u00421337, a keyed permutation of the row index).
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "person/name_text.h"
#include "person/person_providers.h"

namespace seedforge {
namespace {

// Longest stem kept before the digits, so that the value fits the common
// varchar(32) column with room for the suffix.
constexpr size_t kMaxStem = 20;

// Shapes of usernames, with weights that make the initial-plus-surname form
// (the corporate default) the most common.
using person::HandleShape;
constexpr std::pair<HandleShape, double> kShapes[] = {
    {HandleShape::kFlast, 30},          {HandleShape::kFirstDotLast, 20}, {HandleShape::kFirstLast, 15},
    {HandleShape::kFirstUnderLast, 10}, {HandleShape::kLastF, 10},        {HandleShape::kFirstL, 5},
    {HandleShape::kFirst, 10},
};

AliasSampler ShapeSampler() {
  std::vector<double> weights;
  for (const auto& [shape, weight] : kShapes) weights.push_back(weight);
  return AliasSampler(weights);
}

class UsernameProvider : public Provider {
 public:
  UsernameProvider(std::optional<person::NameTables> tables, double digits_share)
      : tables_(std::move(tables)), shapes_(ShapeSampler()), digits_share_(digits_share) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    const BatchColumn* first_in = args.inputs.size() > 0 ? args.inputs[0] : nullptr;
    const BatchColumn* last_in = args.inputs.size() > 1 ? args.inputs[1] : nullptr;
    const bool own_names = !first_in && !last_in && tables_;
    std::optional<person::UniqueNumber> unique;
    if (args.unique[0]) unique.emplace(args.key);
    std::string first, last;  // folded names, reused across rows
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      person::FoldedNamesOfRow(own_names ? &*tables_ : nullptr, first_in, last_in, nullptr, i, random, first, last);
      std::string& value = out.texts[i];
      person::BuildHandleStem(kShapes[shapes_.Sample(random)].first, first, last, kMaxStem, value);
      const bool with_digits = random.Chance(digits_share_);
      if (unique) {
        person::AppendDecimalDigits((*unique)(args.rows[i]), value);
      } else if (with_digits) {
        person::AppendDecimalDigits(static_cast<uint64_t>(random.Between(1, 999)), value);
      }
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t) const override {
    return std::numeric_limits<uint64_t>::max();
  }

 private:
  std::optional<person::NameTables> tables_;  // only when no name column is given
  AliasSampler shapes_;
  double digits_share_;
};

class UserIdProvider : public Provider {
 public:
  UserIdProvider(std::string prefix, int digits) : prefix_(std::move(prefix)), digits_(digits) {
    space_ = 1;
    for (int d = 0; d < digits_; ++d) space_ *= 10;
  }

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    std::optional<IndexPermutation> permute;
    if (args.unique[0]) permute.emplace(args.key, space_);
    for (size_t i = 0; i < args.rows.size(); ++i) {
      uint64_t number;
      if (permute) {
        number = (*permute)(args.rows[i] % space_);  // the plan keeps rows < space_
      } else {
        RandomStream random(args.key, args.rows[i]);
        number = random.Below(space_);
      }
      std::string& value = out.texts[i];
      value.assign(prefix_);
      const size_t end = value.size() + static_cast<size_t>(digits_);
      value.resize(end);
      for (size_t p = end; p-- > end - static_cast<size_t>(digits_);) {
        value[p] = static_cast<char>('0' + number % 10);
        number /= 10;
      }
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t) const override { return space_; }

 private:
  std::string prefix_;
  int digits_;
  uint64_t space_;
};

}  // namespace

std::unique_ptr<Provider> MakeUsernameProvider(const Params& params, const ProviderContext&) {
  const double digits_share = params.Double("digits", 0.4);
  if (!(digits_share >= 0 && digits_share <= 1)) params.Fail("digits", "must be between 0 and 1");
  std::optional<person::NameTables> tables;
  if (!params.Has("first") && !params.Has("last")) tables = person::NameTables::Load();
  return std::make_unique<UsernameProvider>(std::move(tables), digits_share);
}

std::unique_ptr<Provider> MakeUserIdProvider(const Params& params, const ProviderContext&) {
  const int64_t digits = params.Int("digits", 8);
  if (digits < 1 || digits > 18) params.Fail("digits", "must be between 1 and 18");
  return std::make_unique<UserIdProvider>(params.String("prefix", "u"), static_cast<int>(digits));
}

}  // namespace seedforge
