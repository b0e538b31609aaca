// The jobs of `seedforge serve`: a bounded pool of worker threads, a queue
// with a limit, live progress, cancellation, and a sweeper that deletes
// results once they have been kept long enough.
//
// A job writes into DATA/jobs/.<id>.tmp/, its own folder; only a finished
// job's folder is renamed to DATA/jobs/<id>/, holding one file: the single
// file of the run, or <domain>.zip of all of them. A failed or cancelled
// job leaves nothing behind. Cancellation is cooperative: JobControl::
// Report throws JobCancelled from the work's progress hook, and the
// writers' atomic files remove themselves as the exception unwinds.
//
// Thread safety: every JobRunner method may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "serve/store.h"

namespace seedforge::serve {

struct JobCancelled {};

// What a running job reports, and how it learns it was cancelled.
class JobControl {
 public:
  // Sets the rows an entity will have (before any Report for it).
  void Plan(const std::string& entity, uint64_t rows);
  // Rows of `entity` done so far. Throws JobCancelled once Cancel was called.
  void Report(const std::string& entity, uint64_t done);
  // False when the job is past Finish (it ends done, not cancelled).
  bool Cancel() {
    int expected = kRunning;
    return state_.compare_exchange_strong(expected, kCancelled) || expected == kCancelled;
  }
  bool cancelled() const { return state_ == kCancelled; }
  // The job's result is about to be kept: false when it was cancelled
  // first. After it, Cancel is refused, so a cancel racing completion gets
  // one answer: cancelled, or "already done".
  bool Finish() {
    int expected = kRunning;
    return state_.compare_exchange_strong(expected, kFinishing);
  }

  // A snapshot for GET /api/jobs/{id}.
  void Read(JobRecord& job) const;

 private:
  enum { kRunning, kCancelled, kFinishing };
  std::atomic<int> state_{kRunning};
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> planned_, done_;
};

// The work of a job: writes its files into `dir` (empty, the job's own),
// reporting to `control`; throws to fail (the message becomes the job's
// error).
using JobWork = std::function<void(const std::filesystem::path& dir, JobControl& control)>;

struct JobRunnerOptions {
  std::filesystem::path jobs_dir;  // DATA/jobs
  int workers = 2;
  size_t queue_limit = 64;       // jobs waiting, running ones not counted
  int64_t keep_seconds = 86400;  // results deleted this long after they finish
};

class JobRunner {
 public:
  // Marks jobs a previous server left queued or running as failed and
  // removes their partial folders, then starts the workers and sweeper.
  JobRunner(Store& store, JobRunnerOptions options);
  ~JobRunner();  // Shutdown()

  // Queues `job` (state queued, saved); false when the queue is full.
  bool Submit(JobRecord job, JobWork work);
  // Cancels a queued or running job; false when it is neither (or is
  // already finishing: it will be done).
  bool Cancel(const std::string& id);
  // The job with its live progress merged in (when it is running).
  std::optional<JobRecord> Find(const std::string& id);
  // The job folder holding a done job's file.
  std::filesystem::path ResultPath(const JobRecord& job) const;
  // Deletes a finished job's files (state expired).
  void DeleteResult(const std::string& id);

  size_t queued();
  size_t running();
  // Stops taking jobs, cancels queued and running ones and joins the threads.
  void Shutdown();

 private:
  struct Entry {
    JobRecord job;
    JobWork work;
    std::shared_ptr<JobControl> control;
  };
  void WorkerLoop();
  void Run(Entry& entry);
  void SweepLoop();
  void Expire(int64_t now);

  Store& store_;
  JobRunnerOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;        // workers: a job queued, or stopping
  std::condition_variable sweep_wake_;  // the sweeper: stopping
  std::deque<Entry> queue_;
  std::map<std::string, std::shared_ptr<JobControl>> running_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace seedforge::serve
