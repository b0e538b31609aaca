// Reading a live PostgreSQL database to learn from (seedforge/database.h).
// Placeholder until the reader lands: refuses with a clear message.
#include "seedforge/database.h"
#include "seedforge/error.h"

namespace seedforge {

DatabaseSample ReadPostgresDatabase(const ReadDatabaseOptions&, const ProviderRegistry&) {
  throw UsageError("learning from a live PostgreSQL database is not available in this build yet");
}

}  // namespace seedforge
