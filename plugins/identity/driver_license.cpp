// `driver_license`: a US driver licence number in the format of its issuing
// state (data/dl_formats.tsv: one current format for each of the 50 states
// and DC, from the NTSI's table of state formats; see data/SOURCES.md).
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "identity/identity_providers.h"
#include "seedforge/error.h"
#include "seedforge/resources.h"
#include "seedforge/tables.h"

namespace seedforge {
namespace {

constexpr std::string_view kTable = "plugins/identity/data/dl_formats.tsv";

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

uint64_t Radix(char c) { return c == '#' ? 10 : c == '@' ? 26 : c == '*' ? 36 : 1; }

// One state's format: the pattern and the number of strings it spells.
struct Format {
  std::string pattern;
  uint64_t space = 1;
};

class DriverLicenseProvider : public Provider {
 public:
  // `fixed`: index of the issuing state when the parameter names one, -1 for
  // a uniformly random state.
  DriverLicenseProvider(std::vector<Format> formats, std::vector<int16_t> format_of_slot, int fixed)
      : formats_(std::move(formats)), format_of_slot_(std::move(format_of_slot)), fixed_(fixed) {}

  void Fill(const FillArgs& args) const override {
    static constexpr char kUpper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static constexpr char kAlnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    BatchColumn& out = *args.outputs[0];
    const BatchColumn* state_in = args.inputs.empty() ? nullptr : args.inputs[0];
    // Unique: a permutation per format, shared by the states that have the
    // same pattern, so that two rows with one pattern never share a number.
    // Only offered (UniqueSpace) for a fixed state, where this is exact.
    std::vector<IndexPermutation> permute;
    if (args.unique[0]) {
      permute.reserve(formats_.size());
      for (size_t f = 0; f < formats_.size(); ++f) {
        permute.emplace_back(Mix64(args.key ^ HashName(formats_[f].pattern)), formats_[f].space);
      }
    }
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      int f = -1;
      if (state_in && !state_in->IsNull(i)) {
        const int slot = StateSlot(state_in->texts[i]);
        if (slot >= 0) f = format_of_slot_[static_cast<size_t>(slot)];
      }
      if (f < 0) f = fixed_;
      // A row with no known state, and no fixed state: any state's format.
      if (f < 0) f = static_cast<int>(random.Below(formats_.size()));
      const Format& format = formats_[static_cast<size_t>(f)];
      uint64_t index = permute.empty()
                           ? random.Below(format.space)
                           : permute[static_cast<size_t>(f)](args.rows[i] % format.space);
      std::string& value = out.texts[i];
      value.assign(format.pattern);
      // The index in the pattern's mixed radix, least significant last.
      for (size_t p = value.size(); p-- > 0;) {
        const uint64_t radix = Radix(value[p]);
        if (radix == 1) continue;
        const uint64_t digit = index % radix;
        index /= radix;
        value[p] = radix == 10   ? static_cast<char>('0' + digit)
                   : radix == 26 ? kUpper[digit]
                                 : kAlnum[digit];
      }
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t) const override {
    if (!unique_capable_ || fixed_ < 0) return std::nullopt;
    return formats_[static_cast<size_t>(fixed_)].space;
  }

  // Set when no state column is given: then every row has the fixed
  // state's format, and the per-format permutation makes them distinct.
  void set_unique_capable(bool capable) { unique_capable_ = capable; }

 private:
  std::vector<Format> formats_;
  std::vector<int16_t> format_of_slot_;  // 26 * 26 -> index into formats_, or -1
  int fixed_;
  bool unique_capable_ = false;
};

}  // namespace

std::unique_ptr<Provider> MakeDriverLicenseProvider(const Params& params, const ProviderContext&) {
  std::vector<Format> formats;
  std::vector<int16_t> format_of_slot(26 * 26, -1);
  for (const auto& row : ParseTsv(Resource(kTable))) {
    const int slot = row.size() >= 2 ? StateSlot(row[0]) : -1;
    if (slot < 0 || row[1].empty()) throw Error("data table " + std::string(kTable) + ": bad row");
    Format format{std::string(row[1])};
    for (char c : format.pattern) {
      // No pattern comes near 2^64 strings (the longest, NJ's, has 2.6e15).
      format.space *= Radix(c);
    }
    format_of_slot[static_cast<size_t>(slot)] = static_cast<int16_t>(formats.size());
    formats.push_back(std::move(format));
  }
  int fixed = -1;
  if (params.Has("issuing_state")) {
    const std::string code = params.String("issuing_state", "");
    const int slot = StateSlot(code);
    fixed = slot < 0 ? -1 : format_of_slot[static_cast<size_t>(slot)];
    if (fixed < 0)
      params.Fail("issuing_state", "'" + code + "' is not a US state code (AL ... WY, DC)");
  }
  auto provider =
      std::make_unique<DriverLicenseProvider>(std::move(formats), std::move(format_of_slot), fixed);
  provider->set_unique_capable(!params.Has("state"));
  return provider;
}

}  // namespace seedforge
