// The two ways seedforge spreads work over threads.
//
// StreamBatches: rows cut into batches, each batch turned into text on a
// worker thread, and the texts handed to the calling thread in row order
// (generate and load through StreamEntity, sample). Workers take the next
// batch as soon as they are free, so one slowed by other jobs on the machine
// holds no one up; at most kBatchesPerThread batches per worker are produced
// and not yet written, so memory is bounded by the thread count, never by
// the row count. Whatever is produced depends only on the batch's rows, so
// the output is the same bytes for any thread count.
//
// ParallelFor: independent items (the report's columns, column pairs and
// nearest-neighbour queries) whose results go to per-index slots, so the
// outcome does not depend on scheduling either.
//
// Both rethrow the first exception (a worker's, or the writer's) on the
// calling thread after every thread has ended; a failure stops the others
// at their next batch or item.
//
// Thread safety: the functions are reentrant; the callables they are given
// run on several threads at once, except `write`, which runs on the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace seedforge {

// Rows per batch of every batch pipeline. A multiple of the rows of one
// INSERT statement (500), so that SQL output does not depend on where
// batches end.
inline constexpr size_t kBatchRows = 8000;

// Batches each worker may have produced ahead of the writer: one being
// written while the next is made.
inline constexpr int kBatchesPerThread = 2;

// Turns rows [first_row, first_row + count) into text, appended to `text`
// (empty on entry). Each worker thread has its own, so it may keep buffers
// from one batch to the next.
using BatchProducer = std::function<void(uint64_t first_row, size_t count, std::string& text)>;

// Produces rows [0, rows) in batches of `batch_rows` on `threads` worker
// threads (<= 1: all on the calling thread), calling make_producer() once per
// worker, and passes each batch's text with the rows done so far (that batch
// included) to `write`, in row order, on the calling thread.
// REQUIRES: batch_rows > 0.
void StreamBatches(uint64_t rows, int threads, const std::function<BatchProducer()>& make_producer,
                   const std::function<void(std::string_view text, uint64_t rows_done)>& write,
                   size_t batch_rows = kBatchRows);

// Runs fn(i) once for every i in [0, n) on up to `threads` threads (<= 1:
// inline), the calling thread among them, handing out indices in chunks of
// `chunk` (more than one where items are too small to be worth a lock each).
void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn, size_t chunk = 1);

}  // namespace seedforge
