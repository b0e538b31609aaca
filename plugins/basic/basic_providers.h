// Factories of the basic pack (see pack.cpp for their parameters).
#pragma once

#include <memory>

#include "seedforge/provider.h"
#include "seedforge/registry.h"

namespace seedforge {

std::unique_ptr<Provider> MakeSequenceProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeUuidProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeIntegerProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeDecimalProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeFloatProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeCategoryProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeBooleanProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeDateProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeTimestampProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeConstantProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakePatternProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeTextProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeJsonProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeArrayProvider(const Params& params, const ProviderContext& ctx);

}  // namespace seedforge
