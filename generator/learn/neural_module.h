// The LibTorch trainers live in a module of their own,
// libseedforge_neural.so, loaded with dlopen the first time a CTGAN or TVAE
// model is trained. Every other command (generation, loading, sampling,
// the copula) starts without LibTorch: loading it costs about 0.4 s and
// 150 MB, which would dwarf generating a fixture.
//
// The module is looked up beside the running executable, then in
// $SEEDFORGE_NEURAL_MODULE when set (a full path).
//
// Thread safety: LoadNeuralTrainers is safe to call from several threads.
#pragma once

#include <filesystem>

#include "learn/neural_train.h"

namespace seedforge::internal {

// Bumped whenever the types of neural_train.h change: a module built from
// other sources is refused instead of crashing.
constexpr int kNeuralApiVersion = 2;

struct NeuralTrainers {
  int api_version = kNeuralApiVersion;
  CtganNetwork (*train_ctgan)(const EncodedData&, const CtganConfig&, const TrainOptions&) = nullptr;
  TvaeNetwork (*train_tvae)(const EncodedData&, const TvaeConfig&, const TrainOptions&) = nullptr;
};

// Where the module is looked up (it need not exist).
std::filesystem::path NeuralModulePath();

// Loads the module once. Throws Error saying where it looked and why it
// failed (missing file, missing LibTorch, version mismatch).
const NeuralTrainers& LoadNeuralTrainers();

}  // namespace seedforge::internal

// The module's one entry point.
extern "C" const seedforge::internal::NeuralTrainers* seedforge_neural_trainers();
