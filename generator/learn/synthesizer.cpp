// The list of synthesizers and the model file format.
//
// A model file is:
//   offset  size  field
//   0       8     magic "SFMODEL\n"
//   8       4     format version (little-endian uint32), currently 1
//   12      4     length of the synthesizer name
//   16      n     synthesizer name ("copula", "ctgan", "tvae")
//   16+n    8     payload length
//   24+n    p     payload (the synthesizer's own layout, itself versioned)
//   24+n+p  8     checksum of the payload (seedforge::HashName: FNV-1a, mixed)
// A reader refuses a wrong magic (a foreign file), a newer format version,
// an unknown name, a short file and a checksum mismatch, each with a message
// naming the file.
#include <cstring>
#include <fstream>
#include <sstream>

#include "learn/models.h"
#include "learn/serialize.h"
#include "seedforge/atomic_file.h"
#include "seedforge/error.h"
#include "seedforge/random.h"
#include "seedforge/synthesizer.h"

namespace seedforge {

namespace {

constexpr char kMagic[8] = {'S', 'F', 'M', 'O', 'D', 'E', 'L', '\n'};

struct Entry {
  const char* name;
  std::unique_ptr<Synthesizer> (*make)();
};

constexpr Entry kSynthesizers[] = {
    {"copula", &internal::MakeCopulaSynthesizer},
    {"ctgan", &internal::MakeCtganSynthesizer},
    {"tvae", &internal::MakeTvaeSynthesizer},
};

}  // namespace

std::vector<std::string> SynthesizerNames() {
  std::vector<std::string> names;
  for (const Entry& e : kSynthesizers) names.emplace_back(e.name);
  return names;
}

std::unique_ptr<Synthesizer> MakeSynthesizer(std::string_view name) {
  for (const Entry& e : kSynthesizers) {
    if (name == e.name) return e.make();
  }
  throw UsageError("unknown synthesizer '" + std::string(name) + "' (known: copula, ctgan, tvae)");
}

void SaveSynthesizer(const Synthesizer& model, const std::string& path) {
  const std::string payload = model.SavePayload();
  internal::ByteWriter out;
  out.bytes().append(kMagic, sizeof(kMagic));
  out.U32(kModelFileVersion);
  out.U32(static_cast<uint32_t>(model.Name().size()));
  out.bytes().append(model.Name());
  out.U64(payload.size());
  out.bytes().append(payload);
  out.U64(HashName(payload));
  AtomicFile file(path);
  file.Write(out.bytes());
  file.Commit();
}

std::unique_ptr<Synthesizer> LoadSynthesizer(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path}, "cannot open the model file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return ParseSynthesizer(buffer.str(), path);
}

std::unique_ptr<Synthesizer> ParseSynthesizer(std::string_view bytes, const std::string& path) {
  if (bytes.size() < sizeof(kMagic) || bytes.substr(0, sizeof(kMagic)) != std::string_view(kMagic, sizeof(kMagic))) {
    throw InputError({path}, "not a seedforge model file (no SFMODEL signature); make one with 'seedforge learn'");
  }
  internal::ByteReader reader(bytes.substr(sizeof(kMagic)), path);
  uint32_t version = 0;
  std::string name;
  uint64_t size = 0;
  version = reader.U32();
  if (version > kModelFileVersion) {
    throw InputError({path}, "model file format version " + std::to_string(version) +
                                 " is newer than this seedforge reads (" + std::to_string(kModelFileVersion) +
                                 "); upgrade seedforge or re-learn the model");
  }
  if (version == 0) reader.Fail("format version 0");
  const uint32_t name_size = reader.U32();
  if (name_size > 64) reader.Fail("implausible synthesizer name length");
  for (uint32_t i = 0; i < name_size; ++i) name += static_cast<char>(reader.U8());
  size = reader.U64();
  bool known = false;
  for (const Entry& e : kSynthesizers) known = known || name == e.name;
  if (!known) {
    throw InputError({path}, "the model file names an unknown synthesizer '" + name + "' (known: copula, ctgan, tvae)");
  }
  const size_t header = sizeof(kMagic) + 4 + 4 + name.size() + 8;
  if (bytes.size() < header || size > bytes.size() - header || bytes.size() - header - size < 8) {
    throw InputError({path}, "truncated model file: the payload is " + std::to_string(size) + " bytes, " +
                                 std::to_string(bytes.size() > header ? bytes.size() - header : 0) +
                                 " bytes follow the header");
  }
  const std::string_view payload = bytes.substr(header, size);
  uint64_t checksum;
  std::memcpy(&checksum, bytes.data() + header + size, 8);
  if (checksum != HashName(payload)) {
    throw InputError({path}, "corrupt model file: the payload checksum does not match (the file was altered)");
  }
  if (bytes.size() != header + size + 8) throw InputError({path}, "corrupt model file: trailing bytes");
  std::unique_ptr<Synthesizer> model = MakeSynthesizer(name);
  model->LoadPayload(payload, path);
  return model;
}

}  // namespace seedforge
