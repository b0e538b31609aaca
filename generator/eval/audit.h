// The audit of a report: what data went in, which columns hold identifiers
// and how each was handled, the privacy budget, the attack results, a HIPAA
// Safe Harbor checklist and GDPR notes. Everything is derived from the
// report's figures here, once; the HTML page, the model card and the JSON
// only format the finished AuditResult.
//
// Where the handling of a column comes from, first match wins:
//   1. ReportOptions::audit.handled: what other tools decided (a profile's
//      detections, a mask's rules) or the domain (DomainHandledColumns:
//      provider, learned, generated);
//   2. the column's name (IdentifierKindFromName), handling "unknown": the
//      report sees the synthetic values but not how they were made;
//   3. its kind: id columns are record keys, datetime columns are dates.
// The values are never scanned for identifier formats here (that is the
// profile's job); the audit says so in its detection sentence.
//
// Thread safety: values; EvaluateAudit only reads the dataset.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eval/privacy.h"
#include "eval/table.h"
#include "seedforge/domain.h"

namespace seedforge::eval {

// How one column that holds, or may hold, an identifier was handled.
// pii_kind is one of IdentifierKinds() (empty: not an identifier as far as
// the source knows); handling is one of
//   "provider"   values made by a seedforge provider, not taken from the data
//   "learned"    values drawn from a model fitted to the real column
//   "masked"     real values replaced by a keyed transform (seedforge mask)
//   "dropped"    not in the output
//   "generated"  made by another domain rule (a key, a sequence, a formula)
//   "unknown"    the report cannot tell (no domain, no mask rules)
struct HandledColumn {
  std::string table, column;
  std::string pii_kind;
  std::string handling;
  std::string evidence;  // how kind and handling were found, in words
};

// The differential-privacy budget a model spent, as Synthesizer::privacy()
// (seedforge/synthesizer.h, DpAccount) records it; the command line copies it
// here so that eval needs nothing of learn. Empty mechanism: not private.
struct PrivacyBudget {
  std::string model;       // the model file, or "--model-info"
  std::string mechanism;   // "dp-sgd", "noisy-copula"; "declared" from --model-info
  std::string accountant;  // "rdp"
  double epsilon = 0, delta = 0, target_epsilon = 0, preprocessing_epsilon = 0;
  double sample_rate = 0, noise_multiplier = 0, max_grad_norm = 0;
  int64_t steps = 0;
  std::vector<std::string> public_columns;
};

struct AuditInputs {
  std::vector<HandledColumn> handled;
  std::vector<PrivacyBudget> budgets;  // one per --model given (private or not)
};

// One identifier column with what the synthetic data shows of it.
struct AuditColumn {
  HandledColumn handled;
  std::string name;        // as shown: the column, or table.column when there are several tables
  std::string kind;        // the report's column kind (KindName)
  bool in_output = false;  // the synthetic table has at least one value in it
  size_t synthetic_values = 0;     // non-missing
  size_t reproduced = 0;           // synthetic values equal to a value of the real training column
  size_t distinct_reproduced = 0;  // distinct real values that appear in the synthetic column
  double reproduced_share = 0;     // reproduced / synthetic_values; NaN without values
  // age columns: synthetic values above 89 (Safe Harbor aggregates them into "90 or older").
  size_t over_89 = 0;
};

// One of the 18 identifiers of 45 CFR 164.514(b)(2)(i).
struct SafeHarborItem {
  char letter = 'A';                 // (A) to (R) as the rule numbers them
  std::string identifier;            // "Names", ...
  std::string status;                // "not found", "replaced", "present", "not checked"
  std::vector<std::string> columns;  // "table.column (handling)"
  std::string note;                  // a sentence from the figures
};

struct AuditResult {
  size_t tables = 0, columns = 0, real_rows = 0, synthetic_rows = 0, holdout_rows = 0;
  std::string detection;  // how identifiers were found, and what that cannot see
  std::vector<AuditColumn> identifiers;
  std::vector<PrivacyBudget> budgets;
  std::vector<std::string> narrative;  // the audit narrative, paragraph by paragraph
  std::vector<SafeHarborItem> safe_harbor;
  std::vector<std::string> gdpr;  // GDPR notes, paragraph by paragraph
};

// The identifier kinds the audit knows, each with its Safe Harbor letter.
struct IdentifierKind {
  const char* key;    // "person_name", "email", ...
  char letter;        // 'A' to 'R'
  const char* words;  // "person name"
};
const std::vector<IdentifierKind>& IdentifierKinds();

// The identifier kind a column name suggests ("customer_email" -> "email",
// "dob" -> "date_of_birth"), or "" when none. Names are split into words at
// non-letters and lower-to-upper case changes, and a kind's word sequence
// must appear whole ("tel" finds "home_tel", not "hotel").
std::string IdentifierKindFromName(const std::string& column);

// The handling of every column of a domain's entities: columns filled by
// providers "provider" (kind from the provider and field: person.first_name
// is a person name), learned columns "learned", copies what their origin
// is, the rest "generated". pii_kind is empty where the provider says
// nothing about it (the column name may still).
std::vector<HandledColumn> DomainHandledColumns(const Domain& domain);

// The audit of `dataset` with the privacy figures already computed (one per
// table, as BuildReport makes them).
AuditResult EvaluateAudit(const Dataset& dataset, const std::vector<PrivacyResult>& privacy,
                          const AuditInputs& inputs, bool has_holdout);

}  // namespace seedforge::eval
