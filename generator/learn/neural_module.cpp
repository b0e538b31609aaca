#include "learn/neural_module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>

#include "seedforge/error.h"

namespace seedforge::internal {

std::filesystem::path NeuralModulePath() {
  if (const char* path = std::getenv("SEEDFORGE_NEURAL_MODULE"); path && *path) return path;
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (ec ? std::filesystem::path(".") : exe.parent_path()) / "libseedforge_neural.so";
}

const NeuralTrainers& LoadNeuralTrainers() {
  static std::once_flag once;
  static const NeuralTrainers* trainers = nullptr;
  static std::string error;
  std::call_once(once, [] {
    const std::filesystem::path path = NeuralModulePath();
    // RTLD_LOCAL: LibTorch's symbols stay inside the module.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      error = "cannot load the neural synthesizers (" + path.string() + "): " + dlerror() +
              "; build seedforge with LibTorch (scripts/install-deps.sh installs libtorch-dev) or set "
              "SEEDFORGE_NEURAL_MODULE";
      return;
    }
    auto entry = reinterpret_cast<const NeuralTrainers* (*)()>(dlsym(handle, "seedforge_neural_trainers"));
    const NeuralTrainers* loaded = entry ? entry() : nullptr;
    if (!loaded || loaded->api_version != kNeuralApiVersion) {
      error = path.string() + " is not a neural module of this seedforge version";
      return;
    }
    trainers = loaded;
  });
  if (!trainers) throw Error(error);
  return *trainers;
}

}  // namespace seedforge::internal
