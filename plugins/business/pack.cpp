// The business pack: company names with their industry, job titles with
// their department, and departments (data/SOURCES.md).
#include "business/business_providers.h"
#include "seedforge/registry.h"

namespace seedforge {

void RegisterBusinessPack(ProviderRegistry& registry) {
  registry.Add(
      {.name = "company",
       .pack = "business",
       .version = 1,
       .summary = "Made-up US business name ('Garcia Plumbing LLC', 'Summit Analytics Inc.', "
                  "'Walker & Reed') and its industry",
       .fields = {{.name = "name",
                   .kind = ValueKind::kText,
                   .description = "surname or descriptive word, an industry word, a legal-form "
                                  "suffix; or partners' surnames"},
                  {.name = "industry",
                   .kind = ValueKind::kText,
                   .description = "the industry the name was built for: Construction, Software, "
                                  "Healthcare, ..."}},
       .params = {{"industries",
                   "list of industries (table shares kept), or map of industry: weight",
                   "all 20, by rough share of US firms"}},
       .example = "employer: {type: text, provider: company.name, params: {industries: [Software, "
                  "Finance]}}",
       .make = &MakeCompanyProvider});
  registry.Add(
      {.name = "job_title",
       .pack = "business",
       .version = 1,
       .summary = "Office and business job title with its department, weighted by US employment",
       .fields = {{.name = "title",
                   .kind = ValueKind::kText,
                   .description = "'Senior Software Engineer', 'Administrative Assistant', ..."},
                  {.name = "department",
                   .kind = ValueKind::kText,
                   .description = "department of the title: Engineering, Sales, Finance, ..."},
                  {.name = "level",
                   .kind = ValueKind::kText,
                   .max_length = 9,
                   .description = "seniority prefix of the title: Junior, Senior, Lead, Principal, "
                                  "or '' when none"}},
       .params = {{"departments",
                   "list of departments (table shares kept), or map of department: weight", "all"},
                  {"levels", "add seniority prefixes (Junior, Senior, Lead, Principal)", "true"}},
       .example = "title: {type: text, provider: job_title.title, params: {departments: [Engineering, "
                  "Data]}}",
       .make = &MakeJobTitleProvider});
  registry.Add(
      {.name = "department",
       .pack = "business",
       .version = 1,
       .summary = "Department of a company, as often as its job titles' headcount",
       .fields = {{.name = "value", .kind = ValueKind::kText}},
       .params = {{"departments",
                   "list of departments (headcount shares kept), or map of department: weight",
                   "all"}},
       .example = "department: {type: text, provider: department}",
       .make = &MakeDepartmentProvider});
}

}  // namespace seedforge
