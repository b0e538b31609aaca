// The OpenAPI 3.0 description served at /api/openapi.json, built from one
// table of the endpoints (docs/api.md describes the same in prose).
#include <nlohmann/json.hpp>

#include "serve/api.h"

namespace seedforge::serve {

namespace {

using json = nlohmann::json;

struct Endpoint {
  const char* method;
  const char* path;
  const char* summary;
  const char* roles;         // "" : no authentication
  const char* request_type;  // "" : no body
  const char* request_schema;
  std::vector<std::pair<int, const char*>> responses;
};

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

}  // namespace

std::string OpenApiJson(const std::string& version) {
  const std::vector<Endpoint> endpoints = {
      {"get", "/api/health", "Liveness and queue counts", "", "", "", {{200, "Health"}}},
      {"get", "/api/openapi.json", "This description", "", "", "", {{200, ""}}},
      {"post", "/api/login", "Log in; sets the session cookie", "", "application/json", "Login",
       {{200, "LoginResult"}, {400, "Error"}, {401, "Error"}, {415, "Error"}, {429, "Error"}}},
      {"post", "/api/logout", "End the session", "any", "", "", {{204, ""}, {401, "Error"}, {403, "Error"}}},
      {"get", "/api/session", "The current session", "any", "", "", {{200, "Session"}, {401, "Error"}}},
      {"get", "/api/domains", "Built-in, uploaded and learned domains", "any", "", "", {{200, "DomainList"}, {401, "Error"}}},
      {"post", "/api/domains", "Upload a domain file (YAML)", "admin", "application/yaml", "",
       {{201, "Name"}, {400, "DomainErrors"}, {401, "Error"}, {403, "Error"}, {409, "Error"}, {413, "Error"}}},
      {"get", "/api/domains/{name}", "A domain's entities, columns and planned rows", "any", "", "",
       {{200, "DomainDetail"}, {401, "Error"}, {404, "Error"}}},
      {"post", "/api/jobs", "Start a generation job", "requester, admin", "application/json", "JobRequest",
       {{202, "Id"}, {400, "Error"}, {401, "Error"}, {403, "LimitError"}, {404, "Error"}, {503, "Error"}}},
      {"get", "/api/jobs", "Jobs the caller may see, newest first", "any", "", "", {{200, "JobList"}, {401, "Error"}}},
      {"get", "/api/jobs/{id}", "A job's state and progress", "any (owner, admin, shared)", "", "",
       {{200, "Job"}, {401, "Error"}, {404, "Error"}}},
      {"delete", "/api/jobs/{id}", "Cancel a queued or running job, or delete a finished job's files",
       "owner, admin", "", "", {{202, "Job"}, {401, "Error"}, {403, "Error"}, {404, "Error"}}},
      {"post", "/api/jobs/{id}/share", "Let other users see and download a job", "owner, admin", "application/json",
       "Share", {{200, "Job"}, {400, "Error"}, {401, "Error"}, {403, "Error"}, {404, "Error"}}},
      {"get", "/api/jobs/{id}/download", "The job's file, or a zip of its files", "any (owner, admin, shared)", "", "",
       {{200, ""}, {401, "Error"}, {404, "Error"}, {409, "Error"}}},
      {"post", "/api/samples", "Learn a CSV table: profile, learn (copula), sample and report in one job; the result "
       "becomes a learned domain", "requester, admin", "text/csv", "",
       {{202, "Id"}, {400, "Error"}, {401, "Error"}, {403, "LimitError"}, {409, "Error"}, {413, "Error"}, {503, "Error"}}},
      {"get", "/api/users", "Users", "admin", "", "", {{200, "UserList"}, {401, "Error"}, {403, "Error"}}},
      {"post", "/api/users", "Add a user", "admin", "application/json", "NewUser",
       {{201, "User"}, {400, "Error"}, {401, "Error"}, {403, "Error"}, {409, "Error"}}},
      {"patch", "/api/users/{name}", "Change a user's role, password or disabled flag", "admin", "application/json",
       "UserChange", {{200, "User"}, {400, "Error"}, {401, "Error"}, {403, "Error"}, {404, "Error"}, {409, "Error"}}},
      {"delete", "/api/users/{name}", "Remove a user", "admin", "", "",
       {{204, ""}, {401, "Error"}, {403, "Error"}, {404, "Error"}, {409, "Error"}}},
      {"get", "/api/limits", "Row limits per role", "any", "", "", {{200, "Limits"}, {401, "Error"}}},
      {"put", "/api/limits", "Change row limits", "admin", "application/json", "Limits",
       {{200, "Limits"}, {400, "Error"}, {401, "Error"}, {403, "Error"}}},
      {"get", "/api/audit", "The audit log, newest first", "admin", "", "",
       {{200, "AuditList"}, {401, "Error"}, {403, "Error"}}},
  };
  json paths = json::object();
  for (const Endpoint& e : endpoints) {
    json op = {{"summary", e.summary}, {"responses", json::object()}};
    if (std::string(e.roles).empty()) {
      op["security"] = json::array();
    } else {
      op["description"] = std::string("Roles: ") + e.roles + ".";
    }
    const std::string path = e.path;
    json parameters = json::array();
    for (const char* name : {"id", "name"}) {
      if (path.find(std::string("{") + name + "}") != std::string::npos) {
        parameters.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
      }
    }
    if (path == "/api/audit") {
      parameters.push_back({{"name", "limit"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"default", 100}}}});
      parameters.push_back({{"name", "before"}, {"in", "query"}, {"schema", {{"type", "integer"}}}});
    }
    if (!parameters.empty()) op["parameters"] = parameters;
    if (path == "/api/samples") {
      parameters.push_back({{"name", "name"}, {"in", "query"}, {"required", true}, {"schema", {{"type", "string"}, {"pattern", "^[a-z0-9_]+$"}}}});
      parameters.push_back({{"name", "rows"}, {"in", "query"}, {"schema", {{"type", "integer"}}}});
      parameters.push_back({{"name", "seed"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"default", 1}}}});
      op["parameters"] = parameters;
    }
    if (std::string(e.request_type) == "text/csv") {
      op["requestBody"] = {{"required", true}, {"content", {{"text/csv", {{"schema", {{"type", "string"}}}}}}}};
    } else if (std::string(e.request_type) == "application/yaml") {
      op["requestBody"] = {{"required", true}, {"content", {{"application/yaml", {{"schema", {{"type", "string"}}}}},
                                                            {"text/plain", {{"schema", {{"type", "string"}}}}}}}};
    } else if (*e.request_type) {
      op["requestBody"] = {{"required", true}, {"content", {{e.request_type, {{"schema", Ref(e.request_schema)}}}}}};
    }
    for (const auto& [status, schema] : e.responses) {
      json response = {{"description", status < 300 ? "OK" : "Refused"}};
      if (*schema) response["content"] = {{"application/json", {{"schema", Ref(schema)}}}};
      if (status == 429 || status == 503) response["headers"] = {{"Retry-After", {{"schema", {{"type", "integer"}}}}}};
      op["responses"][std::to_string(status)] = response;
    }
    paths[path][e.method] = op;
  }
  auto object = [](json properties, std::vector<std::string> required = {}) {
    json schema = {{"type", "object"}, {"properties", properties}};
    if (!required.empty()) schema["required"] = required;
    return schema;
  };
  const json str = {{"type", "string"}}, integer = {{"type", "integer"}}, number = {{"type", "number"}},
             boolean = {{"type", "boolean"}}, time = {{"type", "string"}, {"format", "date-time"}};
  const json nullable_str = {{"type", "string"}, {"nullable", true}};
  const json role = {{"type", "string"}, {"enum", {"admin", "requester", "viewer"}}};
  const json user_ref = object({{"name", str}, {"role", role}});
  json schemas = {
      {"Error", object({{"error", str}}, {"error"})},
      {"LimitError", object({{"error", str}, {"limit", integer}, {"planned", integer}}, {"error"})},
      {"DomainErrors", object({{"error", str},
                               {"errors", {{"type", "array"},
                                           {"items", object({{"line", integer}, {"column", integer}, {"message", str}})}}}},
                              {"error"})},
      {"Health", object({{"status", str}, {"version", str}, {"jobs", object({{"queued", integer}, {"running", integer}})}})},
      {"Login", object({{"username", str}, {"password", {{"type", "string"}, {"format", "password"}}}}, {"username", "password"})},
      {"LoginResult", object({{"token", str}, {"expires_at", time}, {"csrf_token", str}, {"user", user_ref}})},
      {"Session", object({{"user", user_ref}, {"csrf_token", str}, {"expires_at", time}})},
      {"Name", object({{"name", str}})},
      {"Id", object({{"id", str}})},
      {"DomainList", object({{"domains", {{"type", "array"}, {"items", object({{"name", str},
          {"source", {{"type", "string"}, {"enum", {"builtin", "uploaded", "learned"}}}}, {"description", str},
          {"entities", integer}})}}}})},
      {"DomainDetail", object({{"name", str}, {"source", str}, {"description", str},
          {"entities", {{"type", "array"}, {"items", object({{"name", str}, {"description", str}, {"planned_rows", integer},
              {"per_parent", nullable_str},
              {"columns", {{"type", "array"}, {"items", object({{"name", str}, {"type", str}, {"nullable", boolean}})}}}})}}}})},
      {"JobRequest", object({{"domain", str}, {"rows", {{"type", "object"}, {"additionalProperties", integer}}},
          {"scale", number}, {"seed", integer}, {"as_of", {{"type", "string"}, {"format", "date"}}},
          {"format", {{"type", "string"}, {"enum", {"csv", "jsonl", "json", "sql", "copy", "ddl", "xlsx", "docx"}}}}},
          {"domain"})},
      {"Job", object({{"id", str}, {"owner", str}, {"kind", {{"type", "string"}, {"enum", {"generate", "sample"}}}},
          {"domain", str}, {"format", str}, {"seed", integer},
          {"state", {{"type", "string"}, {"enum", {"queued", "running", "done", "failed", "cancelled", "expired"}}}},
          {"progress", number}, {"rows", {{"type", "object"}, {"additionalProperties", integer}}},
          {"total_rows", integer}, {"planned_rows", integer}, {"error", nullable_str},
          {"created_at", time}, {"started_at", time}, {"finished_at", time}, {"expires_at", time},
          {"size_bytes", integer}, {"download", nullable_str}, {"shared_with", {{"type", "array"}, {"items", str}}}})},
      {"JobList", object({{"jobs", {{"type", "array"}, {"items", Ref("Job")}}}})},
      {"Share", object({{"users", {{"type", "array"}, {"items", str}}}}, {"users"})},
      {"User", object({{"name", str}, {"role", role}, {"created_at", time}, {"disabled", boolean}})},
      {"UserList", object({{"users", {{"type", "array"}, {"items", Ref("User")}}}})},
      {"NewUser", object({{"name", str}, {"role", role}, {"password", str}}, {"name", "role", "password"})},
      {"UserChange", object({{"role", role}, {"password", str}, {"disabled", boolean}})},
      {"Limits", object({{"max_rows", {{"type", "object"}, {"additionalProperties", integer}}}})},
      {"AuditList", object({{"entries", {{"type", "array"}, {"items", object({{"id", integer}, {"at", time},
          {"user", str}, {"address", str}, {"action", str}, {"target", str}, {"detail", str}})}}}})},
  };
  json doc = {
      {"openapi", "3.0.3"},
      {"info", {{"title", "seedforge serve"}, {"version", version},
                {"description", "Self-service test data: log in, pick a domain, run a job, download its files. "
                                "See docs/api.md."}}},
      {"paths", paths},
      {"components",
       {{"schemas", schemas},
        {"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
          {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "seedforge_session"},
                      {"description", "State-changing requests with the cookie also need the header X-CSRF-Token."}}}}}}},
      {"security", json::array({{{"bearer", json::array()}}, {{"cookie", json::array()}}})},
  };
  return doc.dump(1);
}

}  // namespace seedforge::serve
