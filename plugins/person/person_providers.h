// Factories of the person pack (see pack.cpp for their fields and
// parameters).
#pragma once

#include <memory>

#include "seedforge/provider.h"
#include "seedforge/registry.h"

namespace seedforge {

std::unique_ptr<Provider> MakePersonProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeUsernameProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeUserIdProvider(const Params& params, const ProviderContext& ctx);

}  // namespace seedforge
