// The model-file reader (ParseSynthesizer: generator/learn/synthesizer.cpp,
// serialize.*, and each synthesizer's LoadPayload), then what a loaded model
// is used for: its summary, a sampler and a few sampled rows. Sampling needs
// no torch.
//
// The first byte chooses how the rest is read:
//   0         the whole file, as is (header, checksum and all);
//   1, 2, 3   a copula, ctgan or tvae payload: the harness writes the
//             header and the checksum around it, so that the mutations
//             reach the payload decoders instead of the checksum test.
// Other values wrap the payload as copula. The seed corpus has each form.
#include <cstring>

#include "fuzz/fuzz_util.h"
#include "seedforge/random.h"
#include "seedforge/synthesizer.h"

using namespace seedforge;

namespace {

std::string ModelFile(std::string_view name, std::string_view payload) {
  std::string out = "SFMODEL\n";
  auto put = [&out](const auto& v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(uint32_t{1});
  put(static_cast<uint32_t>(name.size()));
  out.append(name);
  put(static_cast<uint64_t>(payload.size()));
  out.append(payload);
  put(HashName(payload));
  return out;
}

void Exercise(const Synthesizer& model) {
  const std::vector<ModelColumn>& columns = model.columns();
  (void)model.Summary();
  std::vector<BatchColumn> out;
  const uint64_t rows[] = {0, 1, 2, 3};
  model.MakeSampler()->SampleRows(rows, 11, out);
  FUZZ_CHECK(out.size() == columns.size());
  for (const BatchColumn& column : out) FUZZ_CHECK(column.size() == 4);
  // What the writer writes, the reader reads back.
  std::unique_ptr<Synthesizer> again =
      ParseSynthesizer(ModelFile(model.Name(), model.SavePayload()), "fuzz-again.sfmodel");
  FUZZ_CHECK(again->columns().size() == columns.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest = fuzz::AsText(data + 1, size - 1);
  static const char* const kNames[] = {"copula", "copula", "ctgan", "tvae"};
  const std::string file = data[0] == 0 ? std::string(rest) : ModelFile(kNames[data[0] < 4 ? data[0] : 1], rest);
  fuzz::Reject([&] {
    std::unique_ptr<Synthesizer> model = ParseSynthesizer(file, "fuzz.sfmodel");
    Exercise(*model);
  });
  return 0;
}
