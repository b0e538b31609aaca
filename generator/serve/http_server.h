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
  int threads = 8;                  // requests served at once
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
