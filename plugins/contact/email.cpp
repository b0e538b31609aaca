// `email`: an address derived from the row's name, at a domain reserved for
// examples (RFC 2606) unless the domain file names others.
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "contact/contact_providers.h"
#include "person/name_text.h"
#include "seedforge/identifiers.h"
#include "seedforge/tables.h"

namespace seedforge {
namespace {

// Longest local part kept before the digits: RFC 5321 section 4.5.3.1.1
// allows 64 octets, and 30 + at most 19 digits stays well inside.
constexpr size_t kMaxStem = 30;

// Shapes of local parts, weighted so that first.last (the usual corporate
// form) leads, then initial-plus-surname.
using person::HandleShape;
constexpr std::pair<HandleShape, double> kShapes[] = {
    {HandleShape::kFirstDotLast, 35},   {HandleShape::kFlast, 25},    {HandleShape::kFirstLast, 15},
    {HandleShape::kFirstUnderLast, 10}, {HandleShape::kFDotLast, 10}, {HandleShape::kFirst, 5},
};

AliasSampler ShapeSampler() {
  std::vector<double> weights;
  for (const auto& [shape, weight] : kShapes) weights.push_back(weight);
  return AliasSampler(weights);
}

class EmailProvider : public Provider {
 public:
  EmailProvider(WeightedTable domains, std::optional<person::NameTables> tables,
                double digits_share)
      : domains_(std::move(domains)),
        tables_(std::move(tables)),
        shapes_(ShapeSampler()),
        digits_share_(digits_share) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    const BatchColumn* first_in = args.inputs.size() > 0 ? args.inputs[0] : nullptr;
    const BatchColumn* last_in = args.inputs.size() > 1 ? args.inputs[1] : nullptr;
    const BatchColumn* name_in = args.inputs.size() > 2 ? args.inputs[2] : nullptr;
    const bool own_names = !first_in && !last_in && !name_in && tables_;
    std::optional<person::UniqueNumber> unique;
    if (args.unique[0]) unique.emplace(args.key);
    std::string first, last;  // folded names, reused across rows
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      person::FoldedNamesOfRow(own_names ? &*tables_ : nullptr, first_in, last_in, name_in, i, random, first, last);
      std::string& value = out.texts[i];
      person::BuildHandleStem(kShapes[shapes_.Sample(random)].first, first, last, kMaxStem, value);
      const bool with_digits = random.Chance(digits_share_);
      const uint64_t digits = static_cast<uint64_t>(random.Between(1, 99));
      if (unique) {
        person::AppendDecimalDigits((*unique)(args.rows[i]), value);
      } else if (with_digits) {
        person::AppendDecimalDigits(digits, value);
      }
      value.push_back('@');
      value.append(domains_.Sample(random));
    }
  }

  // Distinct local parts for distinct rows whatever the names (UniqueNumber).
  std::optional<uint64_t> UniqueSpace(size_t) const override {
    return std::numeric_limits<uint64_t>::max();
  }

 private:
  WeightedTable domains_;
  std::optional<person::NameTables> tables_;  // only when no name column is given
  AliasSampler shapes_;
  double digits_share_;
};

}  // namespace

std::unique_ptr<Provider> MakeEmailProvider(const Params& params, const ProviderContext&) {
  std::vector<std::string> domains;
  std::vector<double> weights;
  if (params.Has("domains")) {
    for (auto& [domain, weight] : params.Weighted("domains")) {
      std::string lower = domain;
      for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      // An address needs a dot in its domain (identifiers::EmailValid).
      if (!identifiers::HostNameValid(lower) || lower.find('.') == std::string::npos) {
        params.Fail("domains", "'" + domain + "' is not a host name");
      }
      if (!(weight >= 0)) params.Fail("domains", "weights must be >= 0");
      domains.push_back(lower);
      weights.push_back(weight);
    }
    double total = 0;
    for (double w : weights) total += w;
    if (!(total > 0)) params.Fail("domains", "needs at least one domain with a positive weight");
  } else {
    // RFC 2606 section 3: second-level names reserved for documentation,
    // so generated addresses can never reach a real mailbox.
    domains = {"example.com", "example.org", "example.net"};
    weights = {1, 1, 1};
  }
  const double digits_share = params.Double("digits", 0.3);
  if (!(digits_share >= 0 && digits_share <= 1)) params.Fail("digits", "must be between 0 and 1");
  std::optional<person::NameTables> tables;
  if (!params.Has("first") && !params.Has("last") && !params.Has("name")) {
    tables = person::NameTables::Load();
  }
  return std::make_unique<EmailProvider>(WeightedTable(std::move(domains), std::move(weights)),
                                         std::move(tables), digits_share);
}

}  // namespace seedforge
