// `person`: a first name that agrees with the gender, a surname, a middle
// initial, drawn with US frequencies (SSA births 1946-2007 for first names,
// Census surnames; see data/SOURCES.md).
#include <string>
#include <utility>
#include <vector>

#include "person/name_text.h"
#include "person/person_providers.h"

namespace seedforge {
namespace {

enum PersonField : size_t { kFull, kFirst, kLast, kGender, kMiddle };

class PersonProvider : public Provider {
 public:
  PersonProvider(person::NameTables tables, std::string male_label, std::string female_label,
                 double female_share)
      : tables_(std::move(tables)),
        male_label_(std::move(male_label)),
        female_label_(std::move(female_label)),
        female_share_(female_share) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn* first_out = args.outputs[kFirst];
    BatchColumn* last_out = args.outputs[kLast];
    BatchColumn* full_out = args.outputs[kFull];
    BatchColumn* gender_out = args.outputs[kGender];
    BatchColumn* middle_out = args.outputs.size() > kMiddle ? args.outputs[kMiddle] : nullptr;
    for (size_t i = 0; i < args.rows.size(); ++i) {
      // Every draw is made whichever fields were asked for, in a fixed
      // order, so a row's name does not depend on the columns selected.
      RandomStream random(args.key, args.rows[i]);
      const bool female = random.Uniform() < female_share_;
      const WeightedTable& firsts = female ? tables_.female : tables_.male;
      const std::string& first = firsts.Sample(random);
      const std::string& last = tables_.last.Sample(random);
      // Middle names follow the first-name distribution of the same gender
      // closely enough for an initial.
      const char middle = firsts.Sample(random)[0];
      if (first_out) first_out->texts[i].assign(first);
      if (last_out) last_out->texts[i].assign(last);
      if (full_out) {
        std::string& full = full_out->texts[i];
        full.assign(first);
        full.push_back(' ');
        full.append(last);
      }
      if (gender_out) gender_out->texts[i].assign(female ? female_label_ : male_label_);
      if (middle_out) middle_out->texts[i].assign(1, middle);
    }
  }

 private:
  person::NameTables tables_;
  std::string male_label_, female_label_;
  double female_share_;
};

}  // namespace

std::unique_ptr<Provider> MakePersonProvider(const Params& params, const ProviderContext&) {
  std::vector<std::string> labels = {"M", "F"};
  if (params.Has("gender_labels")) labels = params.StringList("gender_labels");
  if (labels.size() != 2 || labels[0].empty() || labels[1].empty() || labels[0] == labels[1]) {
    params.Fail("gender_labels", "expected two distinct labels, male first: e.g. 'Male,Female'");
  }
  const double female_share = params.Double("female_share", 0.5);
  if (!(female_share >= 0 && female_share <= 1))
    params.Fail("female_share", "must be between 0 and 1");
  return std::make_unique<PersonProvider>(person::NameTables::Load(), labels[0], labels[1],
                                          female_share);
}

}  // namespace seedforge
