// Factories of the address pack (see pack.cpp for their fields and
// parameters).
#pragma once

#include <memory>

#include "seedforge/provider.h"
#include "seedforge/registry.h"

namespace seedforge {

std::unique_ptr<Provider> MakeAddressProvider(const Params& params, const ProviderContext& ctx);

}  // namespace seedforge
