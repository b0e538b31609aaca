// What `validate` says of each column's rules: the story the domain file
// promises, in words, so that a reader can check it against what they meant.
#include <fmt/format.h>

#include "seedforge/domain.h"

namespace seedforge {

namespace {

std::string Count(const Cardinality& c) {
  switch (c.kind) {
    case Cardinality::Kind::kFixed: return std::to_string(c.min);
    case Cardinality::Kind::kRange: return std::to_string(c.min) + " to " + std::to_string(c.max);
    case Cardinality::Kind::kPoisson:
      if (c.rate) {
        return fmt::format("Poisson({:g} a {} of {} to {} in the simulation window), {} to {}", c.rate->rate, c.rate->per,
                           c.rate->from, c.rate->to.empty() ? "the window's end" : c.rate->to, c.min, c.max);
      }
      return fmt::format("Poisson({:g}), {} to {}", c.lambda, c.min, c.max);
    case Cardinality::Kind::kLogNormal: return fmt::format("about {:g} (log-normal), {} to {}", c.Mean(), c.min, c.max);
    case Cardinality::Kind::kWeighted: return fmt::format("{} to {} by weights (mean {:g})", c.min, c.max, c.Mean());
    case Cardinality::Kind::kColumn:
      return fmt::format("as many as the parent's {} (NULL or negative: none){}", c.column,
                         c.max < 1'000'000'000 ? fmt::format(", at most {}", c.max) : std::string());
    case Cardinality::Kind::kFunnel: {
      std::string states;
      for (size_t i = 0; i < c.states.size(); ++i) {
        states += fmt::format("{}{} ({:g})", i ? " → " : "", c.states[i], c.chances[i]);
      }
      return fmt::format("funnel {}: {} to {} (mean {:g})", states, c.min, c.max, c.Mean());
    }
  }
  return "?";
}

std::string Pick(const LinkPick& pick, const std::string& parent) {
  std::string line = "picks its " + parent + " row";
  if (!pick.weight.empty()) line += " with chance proportional to its " + pick.weight;
  for (size_t i = 0; i < pick.match.size(); ++i) {
    line += (i ? " and " : ", among those whose ") + pick.match[i].parent + " equals this row's " + pick.match[i].child;
  }
  if (!pick.match.empty()) line += " (any when none does)";
  if (!pick.distinct_from.empty()) line += ", never the one " + pick.distinct_from + " names";
  if (pick.distinct) line += ", a different one for each row of the same counting parent";
  return line;
}

}  // namespace

std::vector<std::string> ExplainColumn(const DomainEntity& entity, const DomainColumn& column) {
  std::vector<std::string> lines;
  // Date rules: the window every value keeps.
  for (const DateRule& rule : column.rules) {
    if (rule.key == "min_age_at") {
      std::string bound = rule.entity.empty() ? rule.column : rule.entity + "." + rule.column;
      lines.push_back("at least " + std::to_string(rule.years) + " years after " + bound +
                      (rule.days ? fmt::format(" {:+} days", rule.days) : ""));
    } else {
      lines.push_back(std::string(rule.side == DateRule::Side::kLower ? "on or after " : "on or before ") +
                      rule.Shown());
    }
  }
  if (column.sequence && column.sequence->gaps) {
    lines.push_back("rising among siblings: the first drawn, each next one a delay after it, inside the window");
  } else if (column.sequence && column.source == ColumnSource::kLearned) {
    lines.push_back("rising among siblings: the model's draws for a parent's children, sorted");
  } else if (column.sequence) {
    lines.push_back("rising among siblings, spread over the window");
  }
  switch (column.source) {
    case ColumnSource::kReference:
      if (column.link >= 0) {
        const DomainLink& link = entity.links[column.link];
        if (link.per_parent) lines.push_back(Count(*link.per_parent) + " per " + link.parent + " row");
        if (link.pick && column.link_part == 0) lines.push_back(Pick(*link.pick, link.parent));
      }
      break;
    case ColumnSource::kComputed: lines.push_back("computed: " + column.compute); break;
    case ColumnSource::kCopied: lines.push_back("copied from " + column.copy.entity + "." + column.copy.column); break;
    case ColumnSource::kAggregate: lines.push_back("from its children: " + column.aggregate.Shown()); break;
    case ColumnSource::kStep: lines.push_back("the funnel state at the row's place among the children of its " + column.step_of); break;
    case ColumnSource::kNextOf: {
      DateRule offset;  // shown as a rule's bound is: "valid_from - 1 day"
      offset.column = column.next_of;
      offset.days = column.next_of_days;
      lines.push_back("the next sibling's " + offset.Shown() + ", NULL in the last");
      break;
    }
    case ColumnSource::kProvider:
      if (const ParamValue* by = column.params.Find("by"); by && column.provider == "category") {
        lines.push_back("drawn from a table of weights per value of " + by->scalar);
      }
      if (const ParamValue* season = column.params.Find("season"); season && column.provider == "timestamp") {
        lines.push_back(season->type == ParamValue::Type::kScalar ? "seasonality: " + season->scalar
                                                                  : std::string("seasonality: weights by hour, weekday or month"));
      }
      break;
    case ColumnSource::kLearned:
      if (entity.model && !entity.model->given.empty()) {
        std::string given;
        for (const ModelRef::Given& g : entity.model->given) given += (given.empty() ? "" : ", ") + g.column;
        lines.push_back("drawn by the model given the row's " + given);
      }
      break;
    case ColumnSource::kOrdinal: lines.push_back("1, 2, 3... among the children of its " + column.ordinal_of); break;
    default: break;
  }
  return lines;
}

}  // namespace seedforge
