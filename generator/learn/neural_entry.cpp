// The entry point of libseedforge_neural.so (see learn/neural_module.h).
#include "learn/neural_module.h"

extern "C" __attribute__((visibility("default"))) const seedforge::internal::NeuralTrainers*
seedforge_neural_trainers() {
  static const seedforge::internal::NeuralTrainers trainers = {
      seedforge::internal::kNeuralApiVersion, &seedforge::internal::TrainCtgan, &seedforge::internal::TrainTvae};
  return &trainers;
}
