// Factories of the built-in synthesizers (learn/synthesizer.cpp keeps the
// list). The classes themselves stay in anonymous namespaces of their files.
#pragma once

#include <memory>

#include "seedforge/synthesizer.h"

namespace seedforge::internal {

std::unique_ptr<Synthesizer> MakeCopulaSynthesizer();  // learn/copula.cpp
std::unique_ptr<Synthesizer> MakeCtganSynthesizer();   // learn/neural.cpp
std::unique_ptr<Synthesizer> MakeTvaeSynthesizer();    // learn/neural.cpp

}  // namespace seedforge::internal
