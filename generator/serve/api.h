// The REST API of `seedforge serve` (docs/api.md), independent of the HTTP
// library: http_server.cpp turns cpp-httplib's requests into HttpRequest
// and HttpResponse back, so that every rule (authentication, CSRF, roles,
// limits) lives here, in one place.
//
// Thread safety: Handle may be called from many threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "serve/auth.h"
#include "serve/catalog.h"
#include "serve/jobs.h"
#include "serve/store.h"

namespace seedforge::serve {

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string path;    // decoded, without the query
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names lowercase
  std::string body;
  std::string address;  // the client's IP address
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is this file, streamed (downloads).
  std::filesystem::path file;
};

struct ApiOptions {
  std::filesystem::path data_dir;
  bool tls = false;                   // cookies get Secure
  int64_t session_idle_seconds = 30 * 60;
  int job_threads = 1;
  std::string version;
};

class Api {
 public:
  Api(ApiOptions options, Store& store, JobRunner& jobs, DomainCatalog& catalog);
  HttpResponse Handle(const HttpRequest& request);

 private:
  struct Caller;  // the authenticated user of a request
  HttpResponse Route(const HttpRequest& request);

  ApiOptions options_;
  Store& store_;
  JobRunner& jobs_;
  DomainCatalog& catalog_;
  LoginRateLimiter limiter_;
  // Held from a sample's name check to its submission: two uploads of one
  // name cannot both be accepted.
  std::mutex samples_mutex_;
};

// The OpenAPI 3.0 description of the API (openapi.cpp).
std::string OpenApiJson(const std::string& version);

}  // namespace seedforge::serve
