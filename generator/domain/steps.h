// The three steps that turn a domain file into a Domain. ParseDomain
// (domain.cpp) runs them in this order and throws one InputError with every
// diagnostic they added, sorted by position.
//
//   1. ParseDomainYaml (parse.cpp): YAML text -> the domain as written.
//      Checks what the file alone decides: YAML syntax, keys, the shape and
//      scalar values of every entry, names, one source per column. Attaches
//      entity-level links to their columns, because whether a column has a
//      source is known only then. Needs no provider registry.
//      Gives: names of providers, fields, parameters, parent entities and
//      columns as strings; types only where the file gives them.
//      ParseDomain stops after this step when it found a problem: what
//      follows would report consequences of it.
//
//   2. ResolveDomain (resolve.cpp): names -> what they name, and the
//      defaults the file leaves out: a provider's first field, the natural
//      type of a provider field, text for derived columns, integer for
//      ordinals, a parent's primary key for a link naming no columns, a
//      parent column's type for an untyped reference, the parameters shared
//      by the columns of one provider instance. An ordinal column gets the
//      index of the link whose children it counts.
//      Reports each name that resolves to nothing, and parameters that the
//      columns of one provider instance give differently.
//
//   3. ValidateDomain (validate.cpp): the rules a resolved domain must keep:
//      a column's type holds its provider's values, unique columns can be
//      unique, keys match in type and are primary or unique, no column reads
//      itself through others, no cycle of NOT NULL or per_parent links;
//      and each provider accepts its parameters (it is made once here).
//      Changes nothing.
//
// Steps 2 and 3 both run on every domain that parses, so that a file with
// an unknown provider also hears about its bad link. Step 3 therefore skips
// the parts step 2 could not resolve (it has already reported them) rather
// than assuming a fully resolved domain.
//
// Each step appends to `diagnostics` and never throws for bad input, except
// step 1 for text that is not a YAML map at all (InputError).
#pragma once

#include <string>
#include <vector>

#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/registry.h"

namespace seedforge {

// `file` is used in messages and, when the file names no domain, for the
// domain's name.
Domain ParseDomainYaml(const std::string& text, const std::string& file, std::vector<Diagnostic>& diagnostics);

// REQUIRES: ParseDomainYaml added no diagnostic for `domain`.
void ResolveDomain(Domain& domain, const ProviderRegistry& registry, std::vector<Diagnostic>& diagnostics);

// Named rows (scenarios.cpp): step 2's part, run by ResolveDomain last
// (entity, column and label names), and step 3's, run by ValidateDomain
// last (values against types, constraints and the rules between named rows).
void ResolveScenarios(Domain& domain, std::vector<Diagnostic>& diagnostics);
void ValidateScenarios(const Domain& domain, std::vector<Diagnostic>& diagnostics);

// REQUIRES: ResolveDomain has run on `domain` (diagnostics or not).
void ValidateDomain(const Domain& domain, const ProviderRegistry& registry, std::vector<Diagnostic>& diagnostics);

}  // namespace seedforge
