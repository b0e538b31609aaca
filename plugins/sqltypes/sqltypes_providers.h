// Factories of the sqltypes pack (see pack.cpp for their parameters).
#pragma once

#include <memory>

#include "seedforge/provider.h"
#include "seedforge/registry.h"

namespace seedforge {

std::unique_ptr<Provider> MakeBytesProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeIpProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeIpv6Provider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeIntervalProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeTimeOfDayProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeRangeProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeTsvectorProvider(const Params& params, const ProviderContext& ctx);

}  // namespace seedforge
