// `blood_group`: ABO and Rh(D) group with US population frequencies
// (data/blood_groups.tsv; source in data/SOURCES.md).
#include "identity/identity_providers.h"
#include "seedforge/tables.h"

namespace seedforge {
namespace {

class BloodGroupProvider : public Provider {
 public:
  explicit BloodGroupProvider(WeightedTable table) : table_(std::move(table)) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      out.texts[i].assign(table_.Sample(random));
    }
  }

 private:
  WeightedTable table_;
};

}  // namespace

std::unique_ptr<Provider> MakeBloodGroupProvider(const Params&, const ProviderContext&) {
  return std::make_unique<BloodGroupProvider>(
      WeightedTable::FromResource("plugins/identity/data/blood_groups.tsv"));
}

}  // namespace seedforge
