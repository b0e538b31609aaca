// Factories of the business pack (see pack.cpp for their fields and
// parameters).
#pragma once

#include <memory>

#include "seedforge/provider.h"
#include "seedforge/registry.h"

namespace seedforge {

std::unique_ptr<Provider> MakeCompanyProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeJobTitleProvider(const Params& params, const ProviderContext& ctx);
std::unique_ptr<Provider> MakeDepartmentProvider(const Params& params, const ProviderContext& ctx);

}  // namespace seedforge
