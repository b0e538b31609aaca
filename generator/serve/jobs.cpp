#include "serve/jobs.h"

#include <zip.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <system_error>

#include "seedforge/error.h"

namespace seedforge::serve {

namespace fs = std::filesystem;

void JobControl::Plan(const std::string& entity, uint64_t rows) {
  std::lock_guard lock(mutex_);
  planned_[entity] = rows;
  done_.try_emplace(entity, 0);
}

void JobControl::Report(const std::string& entity, uint64_t done) {
  if (cancelled()) throw JobCancelled{};
  std::lock_guard lock(mutex_);
  done_[entity] = done;
}

void JobControl::Read(JobRecord& job) const {
  std::lock_guard lock(mutex_);
  uint64_t planned = 0, done = 0;
  for (const auto& [entity, n] : planned_) planned += n;
  for (const auto& [entity, n] : done_) done += n;
  job.rows = done_;
  job.total_rows = done;
  if (planned > 0) job.planned_rows = planned;
  job.progress = job.planned_rows ? std::min(1.0, static_cast<double>(done) / job.planned_rows) : 0.0;
}

namespace {

fs::path TempDir(const fs::path& jobs_dir, const std::string& id) { return jobs_dir / ("." + id + ".tmp"); }

void RemoveQuietly(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

// The files a job wrote (not the writers' dotfiles, such as the manifest).
std::vector<fs::path> ResultFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename().string().front() != '.') files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Packs `files` into `zip_path` (deflated), then removes them. Compressing
// a big run takes seconds: a cancel stops it too (JobCancelled).
void ZipFiles(const std::vector<fs::path>& files, const fs::path& zip_path, const JobControl& control) {
  int error_code = 0;
  zip_t* archive = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error_code);
  if (!archive) throw Error("cannot create " + zip_path.string() + " (libzip error " + std::to_string(error_code) + ")");
  zip_register_cancel_callback_with_state(
      archive, [](zip_t*, void* state) { return static_cast<const JobControl*>(state)->cancelled() ? 1 : 0; },
      nullptr, const_cast<JobControl*>(&control));
  for (const fs::path& file : files) {
    zip_source_t* source = zip_source_file(archive, file.c_str(), 0, -1);
    if (!source || zip_file_add(archive, file.filename().c_str(), source, ZIP_FL_ENC_UTF_8) < 0) {
      if (source) zip_source_free(source);
      const std::string message = zip_strerror(archive);
      zip_discard(archive);
      throw Error("cannot add " + file.string() + " to " + zip_path.string() + ": " + message);
    }
  }
  if (zip_close(archive) != 0) {
    const std::string message = zip_strerror(archive);
    zip_discard(archive);
    if (control.cancelled()) throw JobCancelled{};
    throw Error("cannot write " + zip_path.string() + ": " + message);
  }
  for (const fs::path& file : files) fs::remove(file);
}

constexpr const char* kStoppedError = "cancelled: server stopped";

}  // namespace

JobRunner::JobRunner(Store& store, JobRunnerOptions options) : store_(store), options_(std::move(options)) {
  fs::create_directories(options_.jobs_dir);
  for (JobRecord& job : store_.Jobs()) {
    if (job.state != "queued" && job.state != "running") continue;
    job.state = "failed";
    job.error = "the server stopped before the job finished";
    job.finished_at = NowSeconds();
    store_.SaveJob(job);
    RemoveQuietly(TempDir(options_.jobs_dir, job.id));
  }
  // Temporary folders of jobs a killed server left (its rows are gone),
  // and result folders without a done job (renamed into place by a server
  // killed before it saved the job done).
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(options_.jobs_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.front() == '.' && name.ends_with(".tmp")) {
      RemoveQuietly(entry.path());
    } else if (const std::optional<JobRecord> job = store_.FindJob(name); !job || job->state != "done") {
      RemoveQuietly(entry.path());
    }
  }
  for (int i = 0; i < std::max(1, options_.workers); ++i) threads_.emplace_back([this] { WorkerLoop(); });
  threads_.emplace_back([this] { SweepLoop(); });
}

JobRunner::~JobRunner() { Shutdown(); }

bool JobRunner::Submit(JobRecord job, JobWork work) {
  std::lock_guard lock(mutex_);
  if (stopping_ || queue_.size() >= options_.queue_limit) return false;
  job.state = "queued";
  store_.SaveJob(job);
  queue_.push_back({std::move(job), std::move(work), std::make_shared<JobControl>()});
  wake_.notify_all();
  return true;
}

bool JobRunner::Cancel(const std::string& id) {
  std::unique_lock lock(mutex_);
  if (auto it = running_.find(id); it != running_.end()) {
    return it->second->Cancel();
  }
  auto it = std::find_if(queue_.begin(), queue_.end(), [&](const Entry& e) { return e.job.id == id; });
  if (it == queue_.end()) return false;
  JobRecord job = std::move(it->job);
  queue_.erase(it);
  lock.unlock();
  job.state = "cancelled";
  job.finished_at = NowSeconds();
  store_.SaveJob(job);
  return true;
}

std::optional<JobRecord> JobRunner::Find(const std::string& id) {
  std::optional<JobRecord> job = store_.FindJob(id);
  if (!job) return job;
  std::shared_ptr<JobControl> control;
  {
    std::lock_guard lock(mutex_);
    if (auto it = running_.find(id); it != running_.end()) control = it->second;
  }
  if (control && job->state == "running") control->Read(*job);
  return job;
}

fs::path JobRunner::ResultPath(const JobRecord& job) const { return options_.jobs_dir / job.id / job.file_name; }

void JobRunner::DeleteResult(const std::string& id) {
  std::optional<JobRecord> job = store_.FindJob(id);
  if (!job || job->state != "done") return;
  RemoveQuietly(options_.jobs_dir / id);
  job->state = "expired";
  store_.SaveJob(*job);
}

size_t JobRunner::queued() {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

size_t JobRunner::running() {
  std::lock_guard lock(mutex_);
  return running_.size();
}

void JobRunner::Shutdown() {
  std::deque<Entry> dropped;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    dropped.swap(queue_);
    for (auto& [id, control] : running_) control->Cancel();
    wake_.notify_all();
    sweep_wake_.notify_all();
  }
  for (Entry& entry : dropped) {
    entry.job.state = "cancelled";
    entry.job.error = kStoppedError;
    entry.job.finished_at = NowSeconds();
    store_.SaveJob(entry.job);
  }
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

void JobRunner::WorkerLoop() {
  for (;;) {
    Entry entry;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      entry = std::move(queue_.front());
      queue_.pop_front();
      running_[entry.job.id] = entry.control;
    }
    Run(entry);
    std::lock_guard lock(mutex_);
    running_.erase(entry.job.id);
  }
}

void JobRunner::Run(Entry& entry) {
  JobRecord& job = entry.job;
  job.state = "running";
  job.started_at = NowSeconds();
  store_.SaveJob(job);
  const fs::path temp = TempDir(options_.jobs_dir, job.id);
  try {
    RemoveQuietly(temp);
    fs::create_directories(temp);
    entry.work(temp, *entry.control);
    if (entry.control->cancelled()) throw JobCancelled{};
    std::vector<fs::path> files = ResultFiles(temp);
    // One data file is served as it is; its run's manifest (the files'
    // list and checksums) only goes along in a zip of several.
    std::vector<fs::path> data;
    std::copy_if(files.begin(), files.end(), std::back_inserter(data),
                 [](const fs::path& f) { return !f.filename().string().ends_with(".manifest.json"); });
    if (data.empty()) throw Error("the job wrote no file");
    if (data.size() == 1) {
      files = data;
    } else {
      const fs::path zip = temp / (job.domain + ".zip");
      ZipFiles(files, zip, *entry.control);
      files = {zip};
    }
    if (!entry.control->Finish()) throw JobCancelled{};
    for (const fs::directory_entry& entry : fs::directory_iterator(temp)) {
      if (entry.path() != files.front()) fs::remove_all(entry.path());
    }
    fs::rename(temp, options_.jobs_dir / job.id);
    entry.control->Read(job);
    job.progress = 1.0;
    job.file_name = files.front().filename().string();
    job.size_bytes = fs::file_size(options_.jobs_dir / job.id / job.file_name);
    job.state = "done";
    job.finished_at = NowSeconds();
    job.expires_at = job.finished_at + options_.keep_seconds;
  } catch (const JobCancelled&) {
    RemoveQuietly(temp);
    entry.control->Read(job);
    job.state = "cancelled";
    job.finished_at = NowSeconds();
    std::lock_guard lock(mutex_);
    if (stopping_) job.error = kStoppedError;
  } catch (const std::exception& e) {
    RemoveQuietly(temp);
    entry.control->Read(job);
    job.state = "failed";
    job.error = e.what();
    job.finished_at = NowSeconds();
  }
  store_.SaveJob(job);
}

void JobRunner::SweepLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Its own condition variable: submissions do not wake the sweeper.
    sweep_wake_.wait_for(lock, std::chrono::seconds(1));
    if (stopping_) break;
    lock.unlock();
    try {
      Expire(NowSeconds());
    } catch (const std::exception&) {
      // A sweep that fails (a busy database) is retried on the next tick.
    }
    lock.lock();
  }
}

void JobRunner::Expire(int64_t now) {
  for (const std::string& id : store_.ExpiredJobIds(now)) DeleteResult(id);
  store_.RemoveExpiredSessions(now);
}

}  // namespace seedforge::serve
