// The part of sampling every synthesizer shares: conditions, constraints,
// rounding and clipping, and writing output columns.
//
// A synthesizer supplies a RowDrawer, which draws candidate rows in number
// form (learn/values.h) from per-row random streams. MakeRowSampler wraps it
// into a RowSampler that, for each row, draws from RandomStream(key, row),
// rounds and clips the values, checks the constraints (and the conditions,
// unless the drawer honours them itself), redraws a rejected row from the
// same stream (up to max_tries), and finally repairs what is still violated
// by moving a value to the nearest allowed one. Every row therefore depends
// only on (model, key, row), and every constraint holds in every row.
//
// Thread safety: RowDrawer::Draw and the sampler are const and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "seedforge/random.h"
#include "seedforge/synthesizer.h"

namespace seedforge::internal {

// A condition resolved against the model's columns.
struct FixedValue {
  int column = 0;
  bool null = false;
  double value = 0;  // number form
};

// A constraint resolved against the model's columns.
struct BoundConstraint {
  int column = 0;
  Constraint::Op op = Constraint::Op::kGreaterEqual;
  int other = -1;    // a column, or -1 for `value`
  double value = 0;  // number form
  std::string text;
};

class RowDrawer {
 public:
  virtual ~RowDrawer() = default;
  // For i in [0, count): draws one candidate row from streams[i] into
  // values[i * d, i * d + d) and nulls (1 = NULL), d = number of columns,
  // in number form, before rounding and clipping. Row i must depend only on
  // streams[i] (never on count or on other rows).
  virtual void Draw(size_t count, RandomStream* streams, double* values, uint8_t* nulls) const = 0;
  // True when Draw samples from the distribution conditioned on the fixed
  // values already (the copula), so they are imposed without rejection.
  virtual bool ConditionsExact() const { return false; }
  // Draw with per-row conditions on the `given` columns (GivenColumns):
  // given[i * k + j] is row i's value of given column j in number form,
  // state[i * k + j] a GivenState. Drawers that cannot condition draw as
  // Draw does (the sampler then redraws and sets the values).
  virtual void DrawGiven(size_t count, RandomStream* streams, const double* given, const uint8_t* state,
                         double* values, uint8_t* nulls) const {
    (void)given;
    (void)state;
    Draw(count, streams, values, nulls);
  }
};

// What a row gives of a `given` column.
enum GivenState : uint8_t {
  kGivenValue = 0,  // a value of the column
  kGivenNull = 1,   // NULL
  kGivenFree = 2,   // nothing the model knows (an unseen category): not conditioned
};

// Throws UsageError naming an unknown column or a value the column cannot
// hold.
std::vector<FixedValue> ResolveConditions(const std::vector<ModelColumn>& columns,
                                          const std::vector<Condition>& conditions);
std::vector<BoundConstraint> ResolveConstraints(const std::vector<ModelColumn>& columns,
                                                const std::vector<Constraint>& constraints);

// `spec` gives the number of tries and whether the conditions are enforced
// (SampleSpec::enforce_conditions); `fixed` and `constraints` are resolved
// from it and the model's own constraints.
// The model columns of SampleSpec::given, in order. Throws UsageError
// naming an unknown column.
std::vector<int> ResolveGiven(const std::vector<ModelColumn>& columns, const std::vector<std::string>& given);

// `given`: ResolveGiven's columns, which `drawer` receives with each row's values
// (DrawGiven).
std::unique_ptr<RowSampler> MakeRowSampler(const std::vector<ModelColumn>& columns,
                                           std::unique_ptr<RowDrawer> drawer,
                                           std::vector<FixedValue> fixed,
                                           std::vector<BoundConstraint> constraints, const SampleSpec& spec,
                                           std::vector<int> given = {});

}  // namespace seedforge::internal
