// seedforge serve: the self-service portal and REST API (docs/api.md) over
// the data directory's users, jobs and uploaded domains.
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <memory>
#include <thread>

#include "cli/app.h"
#include "cli/serve_options.h"
#include "seedforge/error.h"
#include "serve/api.h"
#include "serve/auth.h"
#include "serve/catalog.h"
#include "serve/http_server.h"
#include "serve/jobs.h"
#include "serve/store.h"

namespace seedforge {

int64_t ParseDurationOption(const std::string& option, const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string unit = text.substr(digits);
  int64_t scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  else if (unit == "m") scale = 60;
  else if (unit == "h") scale = 3600;
  else if (unit == "d") scale = 86400;
  if (digits == 0 || digits > 9 || scale == 0) {
    throw UsageError(option + " expects a duration such as 90s, 30m, 24h or 7d, got '" + text + "'");
  }
  return std::stoll(text.substr(0, digits)) * scale;
}

uint64_t ParseSizeOption(const std::string& option, const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string unit = text.substr(digits);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  uint64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KB" || unit == "K") scale = 1ull << 10;
  else if (unit == "MB" || unit == "M") scale = 1ull << 20;
  else if (unit == "GB" || unit == "G") scale = 1ull << 30;
  if (digits == 0 || digits > 6 || scale == 0) {
    throw UsageError(option + " expects a size such as 512KB, 10MB or 1GB, got '" + text + "'");
  }
  return std::stoull(text.substr(0, digits)) * scale;
}

std::filesystem::path ServerDatabase(const std::filesystem::path& data_dir) { return data_dir / "seedforge.db"; }

namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  std::string data;
  std::string cert, key;
  int workers = 2;
  int queue = 64;
  std::string keep = "24h";
  std::string max_upload = "10MB";
  std::string session_idle = "30m";
  int job_threads = 1;
  int http_threads = 32;
};

void RunServe(const ServeArgs& args) {
  const size_t colon = args.listen.rfind(':');
  if (colon == std::string::npos || colon == 0) throw UsageError("--listen expects HOST:PORT, got '" + args.listen + "'");
  std::string host = args.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(args.listen.substr(colon + 1), &used);
    if (used != args.listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) throw UsageError("--listen expects a port from 0 to 65535, got '" + args.listen + "'");
  // Every option checked before anything is opened or started.
  const int64_t keep_seconds = ParseDurationOption("--keep", args.keep);
  const int64_t idle_seconds = ParseDurationOption("--session-idle", args.session_idle);
  const uint64_t max_upload = ParseSizeOption("--max-upload", args.max_upload);
  if (args.cert.empty() != args.key.empty()) throw UsageError("--cert and --key go together");
  if (keep_seconds < 1 || idle_seconds < 1) throw UsageError("--keep and --session-idle must be at least 1s");

  // SIGINT and SIGTERM are taken by a thread of ours (sigwait), not by a
  // handler: the mask is set before any other thread starts, so all inherit it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  serve::InitCrypto();
  // The data tree (database, results, learned models) is the server's
  // alone: files and folders it creates are readable by its user only.
  ::umask(077);
  std::filesystem::create_directories(args.data);
  serve::Store store(ServerDatabase(args.data));
  if (store.CountActiveAdmins() == 0) {
    throw UsageError("no admin user in " + args.data + "; add one first:\n  seedforge users add NAME --role admin --data " +
                     args.data + " --password-stdin");
  }
  serve::DomainCatalog catalog(args.data, CommandRegistry());
  serve::JobRunner jobs(store, {.jobs_dir = std::filesystem::path(args.data) / "jobs",
                                .workers = args.workers,
                                .queue_limit = static_cast<size_t>(args.queue),
                                .keep_seconds = keep_seconds});
  serve::Api api({.data_dir = args.data,
                  .tls = !args.cert.empty(),
                  .session_idle_seconds = idle_seconds,
                  .job_threads = args.job_threads,
                  .version = SEEDFORGE_VERSION},
                 store, jobs, catalog);
  serve::HttpServer server({.host = host,
                            .port = port,
                            .cert_file = args.cert,
                            .key_file = args.key,
                            .max_upload = max_upload,
                            .threads = args.http_threads},
                           api);
  const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::fprintf(stderr, "seedforge: serving on %s://%s:%d/ (data %s)\n", server.tls() ? "https" : "http",
               shown_host.c_str(), server.port(), args.data.c_str());
  std::fflush(stderr);

  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.Stop();
  });
  server.Run();
  // Run also returns when listening fails; wake the stopper then.
  ::kill(::getpid(), SIGTERM);
  stopper.join();
  jobs.Shutdown();
  std::fprintf(stderr, "seedforge: stopped (running jobs cancelled)\n");
}

}  // namespace

void SetupServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* sub = AddCommand(
      app, "serve", "Serve the self-service web portal and REST API",
      {"seedforge serve --data /srv/seedforge                     # http://127.0.0.1:8080/",
       "seedforge serve --listen 0.0.0.0:8443 --data /srv/seedforge --cert cert.pem --key key.pem",
       "seedforge serve --listen 127.0.0.1:0 --data /tmp/sf        # any free port; the URL is printed",
       "seedforge serve --data /srv/seedforge --workers 4 --queue 200 --keep 7d"},
      "Add an admin first: seedforge users add NAME --role admin --data DIR --password-stdin.\n"
      "The API is described in docs/api.md and at /api/openapi.json. SIGINT or SIGTERM stop the server, "
      "cancelling running jobs.");
  sub->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")->default_str("127.0.0.1:8080");
  sub->add_option("--data", args->data, "Directory of the server's state: database, jobs, uploaded domains")->required();
  sub->add_option("--cert", args->cert, "TLS certificate (PEM); with --key, the server speaks HTTPS")->check(CLI::ExistingFile);
  sub->add_option("--key", args->key, "TLS private key (PEM)")->check(CLI::ExistingFile);
  sub->add_option("--workers", args->workers, "Jobs run at once")->check(CLI::Range(1, 256))->default_str("2");
  sub->add_option("--queue", args->queue, "Jobs waiting at most; more are refused with 503")
      ->check(CLI::Range(0, 100000))->default_str("64");
  sub->add_option("--keep", args->keep, "How long a job's files are kept after it finishes (90s, 30m, 24h, 7d)")
      ->default_str("24h");
  sub->add_option("--max-upload", args->max_upload, "Largest request body; larger ones get 413")->default_str("10MB");
  sub->add_option("--job-threads", args->job_threads, "Threads of each job (output is the same for any count)")
      ->check(CLI::Range(1, kMaxThreads))->default_str("1");
  sub->add_option("--http-threads", args->http_threads, "Requests served at once")->check(CLI::Range(1, 1024))->default_str("32");
  // For tests: sessions end after this much inactivity (the issue asks 30 minutes).
  sub->add_option("--session-idle", args->session_idle, "")->group("");
  sub->callback([args] { RunServe(*args); });
}

}  // namespace seedforge
