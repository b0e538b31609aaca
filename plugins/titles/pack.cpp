// The titles pack: made-up titles of films, books, albums and products, for
// the text columns whose values are a few capitalised words.
#include "seedforge/registry.h"
#include "titles/titles_providers.h"

namespace seedforge {

void RegisterTitlesPack(ProviderRegistry& registry) {
  registry.Add({.name = "title",
                .pack = "titles",
                .version = 1,
                .summary = "A made-up title of a few capitalised words ('Forgotten Harbor', 'ACADEMY DINOSAUR')",
                .fields = {{.name = "value", .kind = ValueKind::kText}},
                .params = {{"min_words", "fewest words", "1"},
                           {"max_words", "most words", "3"},
                           {"case", "title (Each Word Capitalised) or upper (ALL CAPITALS)", "title"},
                           {"max_length", "longest title in characters; words that would pass it are left out", "0 (none)"}},
                .example = "title: {type: 'varchar(255)', provider: title, params: {max_words: 2, case: upper}}",
                .make = &MakeTitleProvider});
}

}  // namespace seedforge
