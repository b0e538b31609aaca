// `phone`: a US number of the North American Numbering Plan with a real
// area code, of the row's state when a `state` column is given.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "contact/contact_providers.h"
#include "seedforge/error.h"
#include "seedforge/identifiers.h"
#include "seedforge/resources.h"
#include "seedforge/tables.h"

namespace seedforge {
namespace {

constexpr int kDigits = 10;         // NPA-NXX-XXXX
constexpr uint64_t kLines = 10000;  // XXXX

// Index of a two-letter state code in a 26 x 26 table, or -1.
int StateSlot(std::string_view code) {
  if (code.size() != 2) return -1;
  int slot = 0;
  for (char c : code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') return -1;
    slot = slot * 26 + (c - 'A');
  }
  return slot;
}

// Central office codes (NXX) a generated number may use: the valid ones
// (identifiers::NanpExchangeValid: 2-9 first, no N11 service code). We also leave
// out codes that are assignable but not ordinary subscriber numbers, so no
// generated number dials a service: 555 (directory assistance 555-1212 and
// the fictional 555-0100..0199), 950 (carrier access), 958 and 959 (plant
// test codes) and 976 (premium information services).
std::vector<uint16_t> Exchanges() {
  std::vector<uint16_t> exchanges;
  for (uint16_t nxx = 200; nxx <= 999; ++nxx) {
    if (!identifiers::NanpExchangeValid(nxx)) continue;
    if (nxx == 555 || nxx == 950 || nxx == 958 || nxx == 959 || nxx == 976) continue;
    exchanges.push_back(nxx);
  }
  return exchanges;
}

class PhoneProvider : public Provider {
 public:
  PhoneProvider(std::string format, std::vector<uint16_t> all_codes,
                std::vector<std::vector<uint16_t>> state_codes, std::vector<int16_t> state_of_slot)
      : format_(std::move(format)),
        all_codes_(std::move(all_codes)),
        state_codes_(std::move(state_codes)),
        state_of_slot_(std::move(state_of_slot)),
        exchanges_(Exchanges()) {
    size_t filled = 0;
    for (size_t p = 0; p < format_.size(); ++p) {
      if (format_[p] == '#') digit_positions_[filled++] = p;
    }
  }

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    const BatchColumn* state_in = args.inputs.empty() ? nullptr : args.inputs[0];
    // Unique: one keyed permutation per state over that state's numbers (a
    // state's area codes belong to it alone, so states never share a
    // number), and one over all numbers for rows with no known state.
    std::optional<IndexPermutation> all_permute;
    std::vector<IndexPermutation> state_permute;
    if (args.unique[0]) {
      all_permute.emplace(args.key, Space(all_codes_.size()));
      if (state_in) {
        state_permute.reserve(state_codes_.size());
        for (size_t s = 0; s < state_codes_.size(); ++s) {
          state_permute.emplace_back(Mix64(args.key ^ (s + 1)), Space(state_codes_[s].size()));
        }
      }
    }
    for (size_t i = 0; i < args.rows.size(); ++i) {
      int state = -1;
      if (state_in && !state_in->IsNull(i)) {
        const int slot = StateSlot(state_in->texts[i]);
        if (slot >= 0) state = state_of_slot_[static_cast<size_t>(slot)];
      }
      const std::vector<uint16_t>& codes =
          state >= 0 ? state_codes_[static_cast<size_t>(state)] : all_codes_;
      uint64_t index;
      if (args.unique[0]) {
        const IndexPermutation& permute =
            state >= 0 ? state_permute[static_cast<size_t>(state)] : *all_permute;
        // The plan keeps rows below UniqueSpace(), the smallest state space.
        index = permute(args.rows[i] % permute.size());
      } else {
        RandomStream random(args.key, args.rows[i]);
        index = random.Below(Space(codes.size()));
      }
      const uint64_t line = index % kLines;
      index /= kLines;
      const uint64_t exchange = exchanges_[index % exchanges_.size()];
      const uint64_t npa = codes[index / exchanges_.size()];
      const uint64_t number = (npa * 1000 + exchange) * kLines + line;
      std::string& value = out.texts[i];
      value.assign(format_);
      uint64_t rest = number;
      for (int d = kDigits; d-- > 0;) {
        value[digit_positions_[static_cast<size_t>(d)]] = static_cast<char>('0' + rest % 10);
        rest /= 10;
      }
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t) const override {
    // With a state column the number of rows of the smallest state bounds
    // the column; the plan cannot know the states' counts in advance, so it
    // is the smallest state's space (7.9 million for a one-code state).
    if (with_state_) {
      size_t fewest = all_codes_.size();
      for (const auto& codes : state_codes_) fewest = std::min(fewest, codes.size());
      return Space(fewest);
    }
    return Space(all_codes_.size());
  }

  void set_with_state(bool with_state) { with_state_ = with_state; }

 private:
  uint64_t Space(size_t codes) const { return codes * exchanges_.size() * kLines; }

  std::string format_;
  std::array<size_t, kDigits> digit_positions_{};
  std::vector<uint16_t> all_codes_;
  std::vector<std::vector<uint16_t>> state_codes_;
  std::vector<int16_t> state_of_slot_;  // 26 * 26 -> index into state_codes_, or -1
  std::vector<uint16_t> exchanges_;
  bool with_state_ = false;
};

}  // namespace

std::unique_ptr<Provider> MakePhoneProvider(const Params& params, const ProviderContext&) {
  std::string format = params.String("format", "(###) ###-####");
  if (std::count(format.begin(), format.end(), '#') != kDigits) {
    params.Fail("format", "must have exactly ten '#' (NPA-NXX-XXXX), e.g. '(###) ###-####'");
  }
  constexpr std::string_view kTable = "plugins/contact/data/area_codes.tsv";
  std::vector<uint16_t> all_codes;
  std::vector<std::vector<uint16_t>> state_codes;
  std::vector<int16_t> state_of_slot(26 * 26, -1);
  for (const auto& row : ParseTsv(Resource(kTable))) {
    const int slot = row.size() >= 2 ? StateSlot(row[0]) : -1;
    const int npa = row.size() >= 2 && row[1].size() == 3 ? std::stoi(std::string(row[1])) : -1;
    // The table only holds codes in service, so the plan's rule for a
    // geographic area code guards against a bad data edit.
    if (slot < 0 || !identifiers::NanpAreaCodeValid(npa)) {
      throw Error("data table " + std::string(kTable) + ": bad row '" + std::string(row[0]) + "'");
    }
    int16_t& state = state_of_slot[static_cast<size_t>(slot)];
    if (state < 0) {
      state = static_cast<int16_t>(state_codes.size());
      state_codes.emplace_back();
    }
    state_codes[static_cast<size_t>(state)].push_back(static_cast<uint16_t>(npa));
    all_codes.push_back(static_cast<uint16_t>(npa));
  }
  auto provider = std::make_unique<PhoneProvider>(std::move(format), std::move(all_codes),
                                                  std::move(state_codes), std::move(state_of_slot));
  provider->set_with_state(params.Has("state"));
  return provider;
}

}  // namespace seedforge
