// The learned columns of a model trained under differential privacy, made
// only from what is public (DpOptions::public_columns: the domain's or the
// user's bounds and category lists) and the table's schema, never from the
// values: the observed ranges, category lists, frequencies and NULL rates
// that LearnColumns reads from the data would each leak something about its
// rows, and a model keeps them (the model file, sampling's clipping to
// [min, max]). docs/privacy-neural.md says what is taken as public.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "seedforge/synthesizer.h"

namespace seedforge::internal {

// Per learned column of `table` (LearnColumns' columns: the same names,
// types, decimals and date formats): min and max from the public bounds
// (numbers, dates, timestamps), the categories in the order of the public
// list (categorical), uniform frequencies, NULL rate 0 (unknown; a private
// neural model replaces both with estimates from its own samples). `model`
// names the synthesizer in messages.
// Throws UsageError naming the column when a numeric column has no public
// bounds or a categorical one no public categories (data-derived bounds
// need budget, which `model` does not spend), when bounds are inverted or
// not finite, or when public_columns names no learned column. A value
// outside its public category list is encoded as NULL (the transformer's
// rule), as the private copula counts it.
std::vector<ModelColumn> PublicModelColumns(const DataTable& table, const DpOptions& dp, const std::string& model);

// "name: [min, max]", "name: 3 categories", "name: boolean" per column,
// for DpAccount::public_columns.
std::vector<std::string> DescribePublicColumns(const std::vector<ModelColumn>& columns);

}  // namespace seedforge::internal
