#include "serve/api.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>

#include "seedforge/column.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/generator.h"
#include "seedforge/output.h"
#include "seedforge/params.h"
#include "seedforge/resources.h"
#include "serve/generate_job.h"
#include "serve/sample_job.h"

namespace seedforge::serve {

namespace {

using json = nlohmann::json;

constexpr const char* kCookieName = "seedforge_session";

HttpResponse Json(int status, const json& body) {
  HttpResponse response;
  response.status = status;
  // Text from uploads (a domain's error quoting its bytes) may not be UTF-8:
  // replaced, never thrown over.
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

// An early answer from deep inside a handler (401, 403, 404 ...).
struct Refusal {
  HttpResponse response;
};

[[noreturn]] void Refuse(int status, const std::string& message, json extra = json::object()) {
  extra["error"] = message;
  throw Refusal{Json(status, extra)};
}

// The path's segments: "/api/jobs/ab" -> {"api", "jobs", "ab"}.
std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

std::string Header(const HttpRequest& request, const std::string& name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? "" : it->second;
}

std::string CookieValue(const std::string& cookies, const std::string& name) {
  size_t pos = 0;
  while (pos < cookies.size()) {
    size_t end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    std::string item = cookies.substr(pos, end - pos);
    item.erase(0, item.find_first_not_of(' '));
    if (item.rfind(name + "=", 0) == 0) return item.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

// JSON bodies (jobs, users, limits, shares, login) are small; a parsed
// document takes many times its text, so the text is capped before parsing
// (uploads of domains and samples keep --max-upload), and so is its nesting.
constexpr size_t kMaxJsonBody = 64 * 1024;
constexpr size_t kMaxLoginBody = 4 * 1024;
constexpr int kMaxJsonDepth = 16;

json ParseBody(const HttpRequest& request, size_t max_bytes = kMaxJsonBody) {
  if (request.body.size() > max_bytes) {
    Refuse(413, "the body is too large (at most " + std::to_string(max_bytes / 1024) + " KB here)");
  }
  bool too_deep = false;
  const json::parser_callback_t depth_guard = [&too_deep](int depth, json::parse_event_t, json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  json body = json::parse(request.body, depth_guard, /*allow_exceptions=*/false);
  if (too_deep) Refuse(400, "the body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  if (body.is_discarded() || !body.is_object()) Refuse(400, "the body must be a JSON object");
  return body;
}

bool IsJsonContent(const HttpRequest& request) {
  const std::string type = Header(request, "content-type");
  return type.rfind("application/json", 0) == 0;
}

std::string StringField(const json& body, const std::string& key, bool required = true) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) Refuse(400, "'" + key + "' is required");
    return "";
  }
  if (!it->is_string()) Refuse(400, "'" + key + "' must be a string");
  return it->get<std::string>();
}

uint64_t CountField(const json& value, const std::string& what) {
  if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<uint64_t>() > kMaxRows) {
    Refuse(400, what + " must be a whole number from 0 to " + std::to_string(kMaxRows));
  }
  return value.get<uint64_t>();
}

bool IsUserName(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

bool IsJobId(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

json UserJson(const UserRecord& user) {
  return {{"name", user.name}, {"role", user.role}, {"created_at", IsoTime(user.created_at)}, {"disabled", user.disabled}};
}

json NullableTime(int64_t seconds) { return seconds ? json(IsoTime(seconds)) : json(nullptr); }

std::string ContentTypeOf(const std::string& file) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
      {".png", "image/png"},                 {".ico", "image/x-icon"},
      {".csv", "text/csv; charset=utf-8"},   {".jsonl", "application/x-ndjson"},
      {".json", "application/json"},         {".sql", "application/sql"},
      {".zip", "application/zip"},           {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {".txt", "text/plain; charset=utf-8"}, {".html", "text/html; charset=utf-8"}};
  const size_t dot = file.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : file.substr(dot);
  for (const auto& [suffix, type] : kTypes) {
    if (ext == suffix) return type;
  }
  return "application/octet-stream";
}

// RFC 6266: an ASCII fallback (quotes, backslashes, controls and non-ASCII
// bytes become '_') and the exact name as RFC 5987 UTF-8 percent-encoding.
std::string ContentDisposition(const std::string& file) {
  std::string ascii, encoded;
  for (const char c : file) {
    const auto byte = static_cast<unsigned char>(c);
    ascii += (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') ? '_' : c;
    if (std::isalnum(byte) || std::strchr("!#$&+-.^_`|~", c)) {
      encoded += c;
    } else {
      static const char kHex[] = "0123456789ABCDEF";
      encoded += {'%', kHex[byte >> 4], kHex[byte & 15]};
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

struct Api::Caller {
  UserRecord user;
  SessionRecord session;
  bool via_cookie = false;
};

Api::Api(ApiOptions options, Store& store, JobRunner& jobs, DomainCatalog& catalog)
    : options_(std::move(options)), store_(store), jobs_(jobs), catalog_(catalog) {}

HttpResponse Api::Handle(const HttpRequest& request) {
  HttpResponse response;
  try {
    response = Route(request);
  } catch (Refusal& refusal) {
    response = std::move(refusal.response);
  } catch (const DomainConflict& e) {
    response = Json(409, {{"error", e.what()}});
  } catch (const InputError& e) {
    json errors = json::array();
    for (const Diagnostic& d : e.diagnostics()) {
      errors.push_back({{"line", d.where.line}, {"column", d.where.column}, {"message", d.message}});
    }
    response = Json(400, {{"error", e.what()}, {"errors", errors}});
  } catch (const UsageError& e) {
    response = Json(400, {{"error", e.what()}});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "seedforge: serve: %s %s: %s\n", request.method.c_str(), request.path.c_str(), e.what());
    response = Json(500, {{"error", "internal error (the server's log has the details)"}});
  }
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (request.path.rfind("/api/", 0) == 0) response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse Api::Route(const HttpRequest& request) {
  // HEAD is answered as GET (the HTTP layer sends no body).
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  const std::vector<std::string> parts = Segments(request.path);
  const int64_t now = NowSeconds();

  // --- The web UI: everything outside /api/ --------------------------------
  if (parts.empty() || parts[0] != "api") {
    if (method != "GET") Refuse(405, "only GET outside /api/");
    std::string resource = "generator/serve/web/index.html";
    if (parts.size() == 2 && parts[0] == "static") {
      const std::string& file = parts[1];
      const bool plain = !file.empty() && file[0] != '.' && std::all_of(file.begin(), file.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      });
      const size_t dot = file.rfind('.');
      const std::string ext = dot == std::string::npos ? "" : file.substr(dot);
      const bool web_type = ext == ".html" || ext == ".js" || ext == ".css" || ext == ".svg" || ext == ".png" || ext == ".ico";
      if (!plain || !web_type) Refuse(404, "no such file");
      resource = "generator/serve/web/" + file;
    } else if (!parts.empty() && parts[0] == "static") {
      Refuse(404, "no such file");
    }
    const std::string_view* text = FindResource(resource);
    HttpResponse response;
    if (!text) {
      response.status = 404;
      response.content_type = "text/plain; charset=utf-8";
      response.body = resource == "generator/serve/web/index.html"
                          ? "seedforge: this binary has no web UI built in (" + resource + " is missing); the API is under /api/\n"
                          : "not found\n";
      return response;
    }
    response.content_type = ContentTypeOf(resource);
    response.body = std::string(*text);
    response.headers.emplace_back("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    return response;
  }

  // --- No authentication ----------------------------------------------------
  auto is = [&](const char* m, std::initializer_list<const char*> path) {
    if (method != m || parts.size() != path.size()) return false;
    size_t i = 0;
    for (const char* p : path) {
      if (std::string(p) != "*" && parts[i] != p) return false;
      ++i;
    }
    return true;
  };
  if (is("GET", {"api", "health"})) {
    return Json(200, {{"status", "ok"}, {"version", options_.version},
                      {"jobs", {{"queued", jobs_.queued()}, {"running", jobs_.running()}}}});
  }
  if (is("GET", {"api", "openapi.json"})) {
    HttpResponse response;
    response.body = OpenApiJson(options_.version);
    return response;
  }
  if (is("POST", {"api", "login"})) {
    if (!IsJsonContent(request)) Refuse(415, "POST /api/login takes application/json");
    const json body = ParseBody(request, kMaxLoginBody);
    const std::string name = StringField(body, "username");
    const std::string password = StringField(body, "password");
    // No user has a name like this: refused before the limiter and the
    // audit log, which would otherwise keep whatever an attacker sends.
    if (!IsUserName(name)) Refuse(401, "wrong user name or password");
    // The attempt counts as failed from here (before the slow hash) until
    // it succeeds: parallel guesses cannot all pass the check at once.
    const int64_t wait = limiter_.Begin(name, request.address, now);
    if (wait > 0) {
      store_.Audit(name, request.address, "login.limited", name, "");
      HttpResponse response = Json(429, {{"error", "too many failed logins; try again later"}, {"retry_after", wait}});
      response.headers.emplace_back("Retry-After", std::to_string(wait));
      return response;
    }
    const std::optional<UserRecord> user = store_.FindUser(name);
    // An unknown name costs the same hash as a wrong password (no timing
    // oracle for which names exist).
    static const std::string kDummyHash = HashPassword(RandomHex(16));
    const bool ok = VerifyPassword(user ? user->password_hash : kDummyHash, password) && user && !user->disabled;
    if (!ok) {
      store_.Audit(name, request.address, "login.failed", name, user && user->disabled ? "disabled" : "");
      Refuse(401, "wrong user name or password");
    }
    limiter_.Succeeded(name, request.address, now);
    const std::string token = NewToken();
    SessionRecord session{TokenHash(token), name, RandomHex(16), now + options_.session_idle_seconds};
    store_.AddSession(session);
    store_.Audit(name, request.address, "login.ok", name, "");
    HttpResponse response = Json(200, {{"token", token}, {"expires_at", IsoTime(session.expires_at)},
                                       {"csrf_token", session.csrf_token},
                                       {"user", {{"name", user->name}, {"role", user->role}}}});
    response.headers.emplace_back("Set-Cookie", std::string(kCookieName) + "=" + token +
                                                    "; HttpOnly; SameSite=Strict; Path=/" + (options_.tls ? "; Secure" : ""));
    return response;
  }

  // --- Everything else needs a session --------------------------------------
  Caller caller;
  {
    std::string token;
    const std::string authorization = Header(request, "authorization");
    if (authorization.rfind("Bearer ", 0) == 0) {
      token = authorization.substr(7);
    } else {
      token = CookieValue(Header(request, "cookie"), kCookieName);
      caller.via_cookie = true;
    }
    if (token.empty()) Refuse(401, "not logged in");
    std::optional<SessionRecord> session = store_.FindSession(TokenHash(token));
    if (session && session->expires_at <= now) {
      store_.RemoveSession(session->token_hash);
      session.reset();
    }
    if (!session) Refuse(401, "not logged in, or the session expired");
    std::optional<UserRecord> user = store_.FindUser(session->user);
    if (!user || user->disabled) {
      store_.RemoveSession(session->token_hash);
      Refuse(401, "not logged in, or the session expired");
    }
    // A cookie rides along with any request the browser makes, a header
    // only with those our pages make: state changes need the header too.
    const bool changes_state = method != "GET" && method != "HEAD" && method != "OPTIONS";
    if (caller.via_cookie && changes_state &&
        !ConstantTimeEquals(Header(request, "x-csrf-token"), session->csrf_token)) {
      Refuse(403, "CSRF token missing or wrong");
    }
    // Sliding expiry, written when it moves (at most once a second).
    if (session->expires_at != now + options_.session_idle_seconds) {
      session->expires_at = now + options_.session_idle_seconds;
      store_.TouchSession(session->token_hash, session->expires_at);
    }
    caller.user = std::move(*user);
    caller.session = std::move(*session);
  }
  const std::string& role = caller.user.role;
  const std::string& me = caller.user.name;
  auto require = [&](std::initializer_list<const char*> roles) {
    for (const char* r : roles) {
      if (role == r) return;
    }
    std::string names;
    for (const char* r : roles) names += (names.empty() ? "" : " or ") + std::string(r);
    Refuse(403, "this needs the role " + names + " (you are " + role + ")");
  };
  auto audit = [&](const std::string& action, const std::string& target, const std::string& detail) {
    store_.Audit(me, request.address, action, target, detail);
  };

  if (is("POST", {"api", "logout"})) {
    store_.RemoveSession(caller.session.token_hash);
    audit("logout", me, "");
    HttpResponse response;
    response.status = 204;
    response.headers.emplace_back("Set-Cookie", std::string(kCookieName) + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" +
                                                    (options_.tls ? "; Secure" : ""));
    return response;
  }
  if (is("GET", {"api", "session"})) {
    return Json(200, {{"user", {{"name", me}, {"role", role}}}, {"csrf_token", caller.session.csrf_token},
                      {"expires_at", IsoTime(caller.session.expires_at)}});
  }

  // --- Domains --------------------------------------------------------------
  // A learned domain carries values of its owner's upload (categories):
  // it is for the owner of the sample job, those it is shared with, and
  // admins. One without a sample job (learned by an older server) is for
  // admins only.
  auto may_use = [&](const CatalogEntry& entry) {
    if (entry.source != "learned" || role == "admin") return true;
    const std::optional<JobRecord> sample = store_.SampleJobOf(entry.name);
    if (!sample) return false;
    if (sample->owner == me) return true;
    const std::vector<std::string> shared = store_.SharedWith(sample->id);
    return std::find(shared.begin(), shared.end(), me) != shared.end();
  };
  auto find_domain = [&](const std::string& name) {
    std::optional<CatalogEntry> entry = catalog_.Find(name);
    if (!entry || !may_use(*entry)) Refuse(404, "no domain named '" + name + "'");
    return *entry;
  };
  if (is("GET", {"api", "domains"})) {
    json domains = json::array();
    for (const CatalogEntry& entry : catalog_.List()) {
      if (!may_use(entry)) continue;
      domains.push_back({{"name", entry.name}, {"source", entry.source}, {"description", entry.description},
                         {"entities", entry.entities}});
    }
    return Json(200, {{"domains", domains}});
  }
  if (is("GET", {"api", "domains", "*"})) {
    const std::optional<CatalogEntry> entry = find_domain(parts[2]);
    const std::shared_ptr<const Domain> shared = catalog_.Load(*entry);
    const Domain& domain = *shared;
    GenerateSpec spec{.domain_path = entry->path, .load = entry->load, .domain = shared, .today = TodayDays()};
    const GeneratePlan plan = PlanGenerate(spec, catalog_.registry());
    json entities = json::array();
    for (size_t e = 0; e < domain.entities.size(); ++e) {
      const DomainEntity& entity = domain.entities[e];
      json columns = json::array();
      for (const DomainColumn& column : entity.columns) {
        if (column.hidden) continue;
        columns.push_back({{"name", column.name}, {"type", column.type.ToSql()},
                           {"nullable", !column.not_null && !column.primary_key}});
      }
      const int counting = entity.CountingLink();
      entities.push_back({{"name", entity.name}, {"description", entity.description},
                          {"planned_rows", plan.entities[e].second},
                          {"per_parent", counting >= 0 ? json(entity.links[counting].parent) : json(nullptr)},
                          {"columns", columns}});
    }
    return Json(200, {{"name", entry->name}, {"source", entry->source}, {"description", domain.description},
                      {"entities", entities}});
  }
  if (is("POST", {"api", "domains"})) {
    require({"admin"});
    const std::string name = catalog_.Upload(request.body);
    audit("domain.upload", name, std::to_string(request.body.size()) + " bytes");
    return Json(201, {{"name", name}});
  }

  // --- Jobs -----------------------------------------------------------------
  auto job_json = [&](const JobRecord& job) {
    json rows = json::object();
    for (const auto& [entity, n] : job.rows) rows[entity] = n;
    return json{{"id", job.id}, {"owner", job.owner}, {"kind", job.kind}, {"domain", job.domain},
                {"format", job.format}, {"seed", job.seed}, {"state", job.state}, {"progress", job.progress},
                {"rows", rows}, {"total_rows", job.total_rows}, {"planned_rows", job.planned_rows},
                {"error", job.error.empty() ? json(nullptr) : json(job.error)},
                {"created_at", NullableTime(job.created_at)}, {"started_at", NullableTime(job.started_at)},
                {"finished_at", NullableTime(job.finished_at)}, {"expires_at", NullableTime(job.expires_at)},
                {"size_bytes", job.size_bytes},
                {"download", job.state == "done" ? json("/api/jobs/" + job.id + "/download") : json(nullptr)},
                {"shared_with", store_.SharedWith(job.id)}};
  };
  auto can_see = [&](const JobRecord& job) {
    if (role == "admin" || job.owner == me) return true;
    const std::vector<std::string> shared = store_.SharedWith(job.id);
    return std::find(shared.begin(), shared.end(), me) != shared.end();
  };
  // The job a path names, if the caller may see it (404 otherwise: ids are
  // secrets of their owners, whether they exist is not told).
  auto find_job = [&](const std::string& id) {
    std::optional<JobRecord> job = IsJobId(id) ? jobs_.Find(id) : std::nullopt;
    if (!job || !can_see(*job)) Refuse(404, "no such job");
    return *job;
  };
  auto require_owner = [&](const JobRecord& job) {
    if (role != "admin" && job.owner != me) Refuse(403, "only the job's owner or an admin may do this");
  };

  if (is("POST", {"api", "jobs"})) {
    require({"requester", "admin"});
    const json body = ParseBody(request);
    const std::string domain_name = StringField(body, "domain");
    const std::optional<CatalogEntry> entry = find_domain(domain_name);
    const std::shared_ptr<const Domain> domain = catalog_.Load(*entry);
    GenerateSpec spec{.domain_path = entry->path, .load = entry->load, .domain = domain, .today = TodayDays(),
                      .threads = options_.job_threads};
    if (auto rows = body.find("rows"); rows != body.end() && !rows->is_null()) {
      if (!rows->is_object()) Refuse(400, "'rows' must be an object {entity: count}");
      for (const auto& [entity, n] : rows->items()) {
        if (domain->FindEntity(entity) < 0) {
          Refuse(400, "domain '" + domain_name + "' has no entity '" + entity + "'");
        }
        spec.rows[entity] = CountField(n, "rows." + entity);
      }
    }
    if (auto scale = body.find("scale"); scale != body.end() && !scale->is_null()) {
      if (!scale->is_number() || !(scale->get<double>() > 0) || scale->get<double>() > 1e9) {
        Refuse(400, "'scale' must be a number above 0");
      }
      spec.scale = scale->get<double>();
    }
    if (auto seed = body.find("seed"); seed != body.end() && !seed->is_null()) {
      if (!seed->is_number_unsigned()) Refuse(400, "'seed' must be a whole number from 0");
      spec.seed = seed->get<uint64_t>();
    }
    std::string format = body.contains("format") ? StringField(body, "format") : "csv";
    const std::optional<Format> parsed = ParseFormat(format);
    if (!parsed) Refuse(400, "unknown format '" + format + "'");
    spec.format = *parsed;
    if (auto as_of = body.find("as_of"); as_of != body.end() && !as_of->is_null()) {
      const std::string text = StringField(body, "as_of");
      if (!ParseDateSpec(text, TodayDays(), &spec.today)) Refuse(400, "'as_of' must be a date YYYY-MM-DD");
    }
    const std::map<std::string, uint64_t> limits = store_.Limits();
    const uint64_t limit = limits.count(role) ? limits.at(role) : 0;
    auto over_limit = [&](uint64_t planned) {
      Refuse(403, "the job plans " + std::to_string(planned) + " rows, over the " + role + " limit of " +
                      std::to_string(limit), {{"limit", limit}, {"planned", planned}});
    };
    // The plan stops once it passes the limit (a limit of 0 refuses any
    // rows): an absurd scale is refused at once, not after its full plan.
    GeneratePlan plan;
    try {
      plan = PlanGenerate(spec, catalog_.registry(), std::max<uint64_t>(limit, 1));
    } catch (const RowBudgetExceeded& e) {
      if (e.planned_at_least() > limit) over_limit(e.planned_at_least());
      throw;
    }
    if (plan.total > limit) {
      Refuse(403, "the job plans " + std::to_string(plan.total) + " rows, over the " + role + " limit of " +
                      std::to_string(limit), {{"limit", limit}, {"planned", plan.total}});
    }
    JobRecord job;
    job.id = RandomHex(16);
    job.owner = me;
    job.kind = "generate";
    job.domain = entry->name;
    job.format = format;
    job.seed = spec.seed;
    job.planned_rows = plan.total;
    for (const auto& [entity, rows] : plan.entities) job.rows[entity] = 0;
    job.created_at = now;
    job.request = body.dump();
    if (!jobs_.Submit(job, MakeGenerateWork(spec, catalog_.registry()))) {
      HttpResponse response = Json(503, {{"error", "the job queue is full; try again later"}});
      response.headers.emplace_back("Retry-After", "30");
      return response;
    }
    audit("job.create", job.id, entry->name + " " + format + " seed " + std::to_string(spec.seed) + ", " +
                                    std::to_string(plan.total) + " rows");
    HttpResponse response = Json(202, {{"id", job.id}});
    response.headers.emplace_back("Location", "/api/jobs/" + job.id);
    return response;
  }
  if (is("GET", {"api", "jobs"})) {
    json list = json::array();
    for (const JobRecord& job : store_.Jobs()) {
      if (!can_see(job)) continue;
      // Live progress only where there is any.
      list.push_back(job_json(job.state == "running" ? jobs_.Find(job.id).value_or(job) : job));
    }
    return Json(200, {{"jobs", list}});
  }
  if (is("GET", {"api", "jobs", "*"})) return Json(200, job_json(find_job(parts[2])));
  if (is("DELETE", {"api", "jobs", "*"})) {
    JobRecord job = find_job(parts[2]);
    require_owner(job);
    if (job.state == "queued" || job.state == "running") {
      if (!jobs_.Cancel(job.id)) {
        // It finished first: say so (a second DELETE removes its file).
        Refuse(409, "the job finished before it could be cancelled", {{"state", find_job(job.id).state}});
      }
      audit("job.cancel", job.id, job.domain);
    } else if (job.state == "done") {
      jobs_.DeleteResult(job.id);
      audit("job.delete", job.id, job.domain);
    }
    return Json(202, job_json(find_job(job.id)));
  }
  if (is("POST", {"api", "jobs", "*", "share"})) {
    JobRecord job = find_job(parts[2]);
    require_owner(job);
    const json body = ParseBody(request);
    auto users = body.find("users");
    if (users == body.end() || !users->is_array()) Refuse(400, "'users' must be an array of user names");
    std::vector<std::string> names;
    for (const json& name : *users) {
      if (!name.is_string() || !store_.FindUser(name.get<std::string>())) {
        Refuse(400, "no user named " + name.dump());
      }
      names.push_back(name.get<std::string>());
    }
    store_.Share(job.id, names);
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ",") + n;
    audit("job.share", job.id, list);
    return Json(200, job_json(job));
  }
  if (is("GET", {"api", "jobs", "*", "download"})) {
    const JobRecord job = find_job(parts[2]);
    if (job.state != "done") Refuse(409, "the job is " + job.state + ", there is nothing to download");
    HttpResponse response;
    response.file = jobs_.ResultPath(job);
    response.content_type = ContentTypeOf(job.file_name);
    response.headers.emplace_back("Content-Disposition", ContentDisposition(job.file_name));
    audit("job.download", job.id, job.file_name);
    return response;
  }

  if (method == "POST" && parts.size() == 2 && parts[1] == "samples") {
    require({"requester", "admin"});
    auto query = [&](const std::string& key) {
      auto it = request.query.find(key);
      return it == request.query.end() ? std::string() : it->second;
    };
    const std::string name = query("name");
    if (!IsDomainName(name)) Refuse(400, "?name= must be lowercase letters, digits and '_' (the learned domain's name)");
    // The name is taken from here to the submission (SamplePending then
    // sees the queued job).
    std::lock_guard reserve(samples_mutex_);
    if (catalog_.Find(name) || std::filesystem::exists(catalog_.learned_dir() / name) || store_.SamplePending(name)) {
      Refuse(409, "a domain named '" + name + "' exists already");
    }
    if (request.body.empty()) Refuse(400, "the body must be the CSV table to learn from (a header line, then rows)");
    SampleSpec spec{.name = name, .csv = request.body, .learned_dir = catalog_.learned_dir(),
                    .threads = options_.job_threads};
    try {
      if (const std::string rows = query("rows"); !rows.empty()) spec.rows = std::stoull(rows);
      if (const std::string seed = query("seed"); !seed.empty()) spec.seed = std::stoull(seed);
    } catch (const std::exception&) {
      Refuse(400, "?rows= and ?seed= must be whole numbers");
    }
    // As many rows as uploaded, unless ?rows= says otherwise.
    const uint64_t uploaded = static_cast<uint64_t>(std::count(request.body.begin(), request.body.end(), '\n'));
    const uint64_t planned = spec.rows > 0 ? spec.rows : (uploaded > 0 ? uploaded - 1 : 0);
    const std::map<std::string, uint64_t> limits = store_.Limits();
    const uint64_t limit = limits.count(role) ? limits.at(role) : 0;
    if (planned > limit) {
      Refuse(403, "the job plans " + std::to_string(planned) + " rows, over the " + role + " limit of " +
                      std::to_string(limit), {{"limit", limit}, {"planned", planned}});
    }
    JobRecord job;
    job.id = RandomHex(16);
    job.owner = me;
    job.kind = "sample";
    job.domain = name;
    job.format = "csv";
    job.seed = spec.seed;
    job.planned_rows = planned;
    job.created_at = now;
    job.request = json{{"name", name}, {"rows", spec.rows}, {"seed", spec.seed}, {"bytes", request.body.size()}}.dump();
    if (!jobs_.Submit(job, MakeSampleWork(std::move(spec), catalog_.registry()))) {
      HttpResponse response = Json(503, {{"error", "the job queue is full; try again later"}});
      response.headers.emplace_back("Retry-After", "30");
      return response;
    }
    audit("sample.create", job.id, name + ", " + std::to_string(request.body.size()) + " bytes");
    HttpResponse response = Json(202, {{"id", job.id}});
    response.headers.emplace_back("Location", "/api/jobs/" + job.id);
    return response;
  }

  // --- Admin ----------------------------------------------------------------
  if (is("GET", {"api", "limits"})) {
    json max_rows = json::object();
    for (const auto& [r, n] : store_.Limits()) max_rows[r] = n;
    return Json(200, {{"max_rows", max_rows}});
  }
  if (is("PUT", {"api", "limits"})) {
    require({"admin"});
    const json body = ParseBody(request);
    auto max_rows = body.find("max_rows");
    if (max_rows == body.end() || !max_rows->is_object()) Refuse(400, "'max_rows' must be an object {role: rows}");
    std::map<std::string, uint64_t> limits;
    for (const auto& [r, n] : max_rows->items()) {
      if (!IsRole(r)) Refuse(400, "no role named '" + r + "'");
      limits[r] = CountField(n, "max_rows." + r);
    }
    for (const auto& [r, n] : limits) {
      store_.SetLimit(r, n);
      audit("limits.change", r, std::to_string(n));
    }
    json result = json::object();
    for (const auto& [r, n] : store_.Limits()) result[r] = n;
    return Json(200, {{"max_rows", result}});
  }
  if (parts.size() >= 2 && (parts[1] == "users" || parts[1] == "audit")) require({"admin"});
  if (is("GET", {"api", "users"})) {
    json users = json::array();
    for (const UserRecord& user : store_.Users()) users.push_back(UserJson(user));
    return Json(200, {{"users", users}});
  }
  if (is("POST", {"api", "users"})) {
    const json body = ParseBody(request);
    UserRecord user{StringField(body, "name"), StringField(body, "role"), "", now, false};
    const std::string password = StringField(body, "password");
    if (!IsUserName(user.name)) Refuse(400, "a user name is 1 to 64 letters, digits, '_', '.' or '-'");
    if (!IsRole(user.role)) Refuse(400, "'role' must be admin, requester or viewer");
    if (password.size() < kMinPasswordLength) Refuse(400, "the password must have at least 8 characters");
    user.password_hash = HashPassword(password);
    if (!store_.AddUser(user)) Refuse(409, "a user named '" + user.name + "' exists already");
    audit("user.add", user.name, user.role);
    return Json(201, UserJson(user));
  }
  if (is("PATCH", {"api", "users", "*"}) || is("DELETE", {"api", "users", "*"})) {
    std::optional<UserRecord> user = store_.FindUser(parts[2]);
    if (!user) Refuse(404, "no user named '" + parts[2] + "'");
    if (method == "DELETE") {
      const Store::UserChange removed = store_.RemoveUser(user->name);
      if (removed == Store::UserChange::kLastAdmin) Refuse(409, "the last admin cannot be removed");
      if (removed == Store::UserChange::kNoSuchUser) Refuse(404, "no user named '" + parts[2] + "'");
      audit("user.remove", user->name, "");
      HttpResponse response;
      response.status = 204;
      return response;
    }
    const json body = ParseBody(request);
    std::string changes;
    if (body.contains("role")) {
      user->role = StringField(body, "role");
      if (!IsRole(user->role)) Refuse(400, "'role' must be admin, requester or viewer");
      changes += "role=" + user->role + " ";
    }
    if (body.contains("disabled")) {
      if (!body["disabled"].is_boolean()) Refuse(400, "'disabled' must be true or false");
      user->disabled = body["disabled"].get<bool>();
      changes += std::string("disabled=") + (user->disabled ? "true " : "false ");
    }
    const bool password_changed = body.contains("password");
    if (password_changed) {
      const std::string password = StringField(body, "password");
      if (password.size() < kMinPasswordLength) Refuse(400, "the password must have at least 8 characters");
      user->password_hash = HashPassword(password);
      changes += "password ";
    }
    const Store::UserChange updated = store_.UpdateUser(*user);
    if (updated == Store::UserChange::kLastAdmin) Refuse(409, "the last admin cannot be demoted or disabled");
    if (updated == Store::UserChange::kNoSuchUser) Refuse(404, "no user named '" + parts[2] + "'");
    if (password_changed || user->disabled) store_.RemoveSessionsOf(user->name);
    if (!changes.empty()) changes.pop_back();
    audit("user.change", user->name, changes);
    return Json(200, UserJson(*user));
  }
  if (is("GET", {"api", "audit"})) {
    int limit = 100;
    int64_t before = 0;
    try {
      if (auto it = request.query.find("limit"); it != request.query.end()) limit = std::stoi(it->second);
      if (auto it = request.query.find("before"); it != request.query.end()) before = std::stoll(it->second);
    } catch (const std::exception&) {
      Refuse(400, "'limit' and 'before' must be whole numbers");
    }
    limit = std::clamp(limit, 1, 1000);
    json entries = json::array();
    for (const AuditEntry& e : store_.AuditEntries(limit, before)) {
      entries.push_back({{"id", e.id}, {"at", IsoTime(e.at)}, {"user", e.user}, {"address", e.address},
                         {"action", e.action}, {"target", e.target}, {"detail", e.detail}});
    }
    return Json(200, {{"entries", entries}});
  }
  Refuse(404, "no such endpoint: " + method + " " + request.path);
}

}  // namespace seedforge::serve
