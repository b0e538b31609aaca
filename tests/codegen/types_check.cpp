// Compiled by tests/codegen_test.cpp against tests/codegen/types.yaml's
// generated C++: every column loads alike from CSV and JSON Lines (json and
// arrays aside: their text differs by format), a composite link and a
// self-reference navigate both ways, find() takes a composite key.
//   types_check CSV_DIR JSONL_DIR
#include <iostream>

#include "types_fixtures.h"

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::cerr << __FILE__ << ":" << __LINE__ << ": failed: " #cond "\n"; \
      return 1;                                                            \
    }                                                                      \
  } while (0)

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  auto csv = types::load_csv(argv[1]);
  auto jsonl = types::load_jsonl(argv[2]);
  CHECK(csv->items.size() == 200 && jsonl->items.size() == 200);
  for (std::size_t i = 0; i < csv->items.size(); ++i) {
    types::Item a = *csv->items[i];
    const types::Item& b = *jsonl->items[i];
    a.meta = b.meta;
    a.tags = b.tags;
    CHECK(a == b);
    CHECK(a.price.scale == 3);
  }
  std::size_t grouped = 0, children = 0, with_parent = 0;
  for (types::GroupRef group : csv->groups) {
    for (types::ItemRef item : group.items()) {
      CHECK(item.group() == group);
      CHECK(item->region == group->region && item->number == group->number);
      ++grouped;
    }
    auto found = csv->groups.find(group->region, group->number);
    CHECK(found && *found == group);
  }
  CHECK(grouped == csv->items.size());
  for (types::ItemRef item : csv->items) {
    CHECK(item.parent().has_value() == item->parent_id.has_value());
    if (item.parent()) CHECK((*item.parent())->id == *item->parent_id);
    with_parent += item->parent_id.has_value();
    children += item.items().size();
  }
  CHECK(children == with_parent);
  std::cout << "ok\n";
  return 0;
}
