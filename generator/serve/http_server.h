// The HTTP(S) front of `seedforge serve`, on cpp-httplib: binds, turns each
// request into an HttpRequest for Api::Handle, and streams files back.
// This is the one file that includes <httplib.h>.
//
// Thread safety: Stop may be called from any thread while Run blocks.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "serve/api.h"

namespace seedforge::serve {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (port() says which)
  std::string cert_file, key_file;  // both: HTTPS
  size_t max_upload = 10 << 20;     // request bodies beyond: 413
  int threads = 32;                 // requests served at once
  // Seconds a client may stay silent while sending a request (and while
  // idle on a kept-alive connection) before it is closed: bounds slow
  // clients holding request threads. cpp-httplib 0.11 (Debian's, a
  // compiled library: its CPPHTTPLIB_* limits are fixed at its build)
  // bounds each header line but not their number nor a request's total
  // time: beyond loopback, put a reverse proxy in front (docs/portal.md).
  int read_timeout_seconds = 5;
};

class HttpServer {
 public:
  // Binds the address; throws Error (bad certificate, address in use).
  HttpServer(const HttpServerOptions& options, Api& api);
  ~HttpServer();
  int port() const;
  bool tls() const;
  void Run();   // serves until Stop
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seedforge::serve
