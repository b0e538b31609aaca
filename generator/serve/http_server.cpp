#include "serve/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>

#include "seedforge/error.h"

namespace seedforge::serve {

namespace {

constexpr int kListenBacklog = 1024;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// A JSON error body for what cpp-httplib answers itself (413, 400 ...).
std::string StatusMessage(int status) {
  switch (status) {
    case 413: return "the request is too large";
    case 404: return "not found";
    case 400: return "bad request";
    default: return "HTTP status " + std::to_string(status);
  }
}

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<httplib::Server> server;
  Api* api = nullptr;
  int port = 0;
  bool tls = false;
  int listen_socket = -1;
  size_t max_upload = 0;

  void Serve(const httplib::Request& req, httplib::Response& res) {
    // cpp-httplib 0.11 checks the limit against Content-Length only: a
    // chunked body over it is read whole. Refused here all the same.
    if (req.body.size() > max_upload) {
      res.status = 413;
      res.set_content(std::string(R"({"error":")") + StatusMessage(413) + "\"}", "application/json");
      return;
    }
    HttpRequest request;
    request.method = req.method;
    request.path = req.path;
    for (const auto& [key, value] : req.params) request.query.emplace(key, value);
    for (const auto& [key, value] : req.headers) request.headers.emplace(Lower(key), value);
    request.body = req.body;
    request.address = req.remote_addr;
    HttpResponse response = api->Handle(request);
    res.status = response.status;
    for (const auto& [key, value] : response.headers) res.set_header(key, value);
    if (!response.file.empty()) {
      auto in = std::make_shared<std::ifstream>(response.file, std::ios::binary);
      std::error_code ec;
      const uint64_t size = std::filesystem::file_size(response.file, ec);
      if (!*in || ec) {
        res.status = 410;
        res.set_content(R"json({"error":"the job's file is gone (expired)"})json", "application/json");
        return;
      }
      res.set_content_provider(
          size, response.content_type, [in](size_t offset, size_t length, httplib::DataSink& sink) {
            std::vector<char> buffer(std::min<size_t>(length, 1 << 16));
            in->seekg(static_cast<std::streamoff>(offset));
            in->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            const std::streamsize got = in->gcount();
            if (got <= 0) return false;
            return sink.write(buffer.data(), static_cast<size_t>(got));
          });
    } else if (response.status != 204) {
      res.set_content(response.body, response.content_type);
    }
  }
};

HttpServer::HttpServer(const HttpServerOptions& options, Api& api) : impl_(std::make_unique<Impl>()) {
  impl_->api = &api;
  impl_->max_upload = options.max_upload;
  if (!options.cert_file.empty() || !options.key_file.empty()) {
    if (options.cert_file.empty() || options.key_file.empty()) throw UsageError("--cert and --key go together");
    auto server = std::make_unique<httplib::SSLServer>(options.cert_file.c_str(), options.key_file.c_str());
    if (!server->is_valid()) {
      throw UsageError("cannot use the certificate '" + options.cert_file + "' with the key '" + options.key_file + "'");
    }
    impl_->server = std::move(server);
    impl_->tls = true;
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *impl_->server;
  const int threads = std::max(1, options.threads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server.set_payload_max_length(options.max_upload);
  // cpp-httplib serves a connection on one pool thread, idle keep-alive
  // waits included: timeouts (its defaults, stated here) are what bound a
  // silent client's hold; the library's 5 requests per connection stay.
  server.set_read_timeout(options.read_timeout_seconds, 0);
  server.set_keep_alive_timeout(options.read_timeout_seconds);
  // Downloads to a slow reader: each write may wait this long.
  server.set_write_timeout(30, 0);
  // Debian's libcpp-httplib listens with a backlog of 5, built into the
  // library: 50 clients connecting at once saw resets. The socket hook
  // (which replaces the library's SO_REUSEADDR) keeps the listening socket,
  // and listen() again below raises its backlog.
  server.set_socket_options([impl = impl_.get()](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    impl->listen_socket = sock;
  });
  auto handler = [impl = impl_.get()](const httplib::Request& req, httplib::Response& res) { impl->Serve(req, res); };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);
  server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty() || res.status == 204) return httplib::Server::HandlerResponse::Unhandled;
    res.set_content(std::string(R"({"error":")") + StatusMessage(res.status) + "\"}", "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  if (options.port == 0) {
    impl_->port = server.bind_to_any_port(options.host);
  } else {
    impl_->port = server.bind_to_port(options.host, options.port) ? options.port : -1;
  }
  if (impl_->port > 0 && impl_->listen_socket >= 0) ::listen(impl_->listen_socket, kListenBacklog);
  if (impl_->port <= 0) {
    throw UsageError("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                     " (address in use, or not an address of this machine)");
  }
}

HttpServer::~HttpServer() = default;

int HttpServer::port() const { return impl_->port; }
bool HttpServer::tls() const { return impl_->tls; }

void HttpServer::Run() { impl_->server->listen_after_bind(); }

void HttpServer::Stop() { impl_->server->stop(); }

}  // namespace seedforge::serve
