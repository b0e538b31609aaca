// Factories of the titles pack (see pack.cpp for their parameters).
#pragma once

#include <memory>

#include "seedforge/provider.h"
#include "seedforge/registry.h"

namespace seedforge {

std::unique_ptr<Provider> MakeTitleProvider(const Params& params, const ProviderContext& ctx);

}  // namespace seedforge
