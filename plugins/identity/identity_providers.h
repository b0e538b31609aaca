// Factories of the identity pack (see pack.cpp for their fields and
// parameters).
#pragma once

#include <memory>

#include "seedforge/provider.h"
#include "seedforge/registry.h"

namespace seedforge {

std::unique_ptr<Provider> MakeSsnProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeDateOfBirthProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeBloodGroupProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeDriverLicenseProvider(const Params& params,
                                                    const ProviderContext& ctx);

}  // namespace seedforge
