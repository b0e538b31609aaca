// `ssn`: US Social Security numbers that follow the SSA's rules.
//
// Since the SSA's randomisation of 25 June 2011 ("Social Security Number
// Randomization", SSA, 2011) an SSN AAA-GG-SSSS may have any area number
// except 000, 666 and 900-999; the group number is never 00 and the serial
// number never 0000 (the same page's list of numbers never issued;
// identifiers::SsnPartsValid, which identity_test holds every generated
// number to). The valid numbers are therefore the product 898 areas x 99
// groups x 9999 serials, and an index in [0, that product) decodes to
// exactly one of them: a uniform draw is a uniform index, a unique column a
// permuted row index.
#include <optional>
#include <string>

#include "identity/identity_providers.h"

namespace seedforge {
namespace {

constexpr uint64_t kAreas = 899 - 1;  // 001-899 without 666
constexpr uint64_t kGroups = 99;      // 01-99
constexpr uint64_t kSerials = 9999;   // 0001-9999
constexpr uint64_t kSpace = kAreas * kGroups * kSerials;

class SsnProvider : public Provider {
 public:
  explicit SsnProvider(bool dashes) : dashes_(dashes) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    std::optional<IndexPermutation> permute;
    if (args.unique[0]) permute.emplace(args.key, kSpace);
    for (size_t i = 0; i < args.rows.size(); ++i) {
      uint64_t index;
      if (permute) {
        index = (*permute)(args.rows[i] % kSpace);  // the plan keeps rows < kSpace
      } else {
        RandomStream random(args.key, args.rows[i]);
        index = random.Below(kSpace);
      }
      const uint64_t serial = index % kSerials + 1;
      index /= kSerials;
      const uint64_t group = index % kGroups + 1;
      uint64_t area = index / kGroups + 1;
      if (area >= 666) ++area;  // skip 666
      char buf[11];
      size_t n = 0;
      auto put = [&buf, &n](uint64_t value, int width) {
        for (int p = width - 1; p >= 0; --p) {
          buf[n + static_cast<size_t>(p)] = static_cast<char>('0' + value % 10);
          value /= 10;
        }
        n += static_cast<size_t>(width);
      };
      put(area, 3);
      if (dashes_) buf[n++] = '-';
      put(group, 2);
      if (dashes_) buf[n++] = '-';
      put(serial, 4);
      out.texts[i].assign(buf, n);
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t) const override { return kSpace; }

 private:
  bool dashes_;
};

}  // namespace

std::unique_ptr<Provider> MakeSsnProvider(const Params& params, const ProviderContext&) {
  return std::make_unique<SsnProvider>(params.Bool("dashes", true));
}

}  // namespace seedforge
