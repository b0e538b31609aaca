// Factories of the finance pack (see pack.cpp for their fields and
// parameters).
#pragma once

#include <memory>

#include "seedforge/provider.h"
#include "seedforge/registry.h"

namespace seedforge {

std::unique_ptr<Provider> MakeCreditCardProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeBankAccountProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeIbanProvider(const Params& params, const ProviderContext& ctx);

}  // namespace seedforge
