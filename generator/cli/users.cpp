// seedforge users add|list|passwd|remove: the accounts of `seedforge serve`,
// kept in DATA/seedforge.db. Passwords are read from stdin, never argv (argv
// is visible to every user of the machine in ps).
#include <cctype>
#include <iostream>
#include <memory>
#include <string>

#include "cli/app.h"
#include "cli/serve_options.h"
#include "seedforge/error.h"
#include "serve/auth.h"
#include "serve/store.h"

namespace seedforge {

namespace {

struct UsersArgs {
  std::string name;
  std::string role = "requester";
  std::string data;
  bool password_stdin = false;
};

std::string ReadPassword(bool from_stdin) {
  if (!from_stdin) throw UsageError("give the password on stdin with --password-stdin (never on the command line)");
  std::string password;
  std::getline(std::cin, password);
  while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) password.pop_back();
  if (password.size() < serve::kMinPasswordLength) {
    throw UsageError("the password must have at least " + std::to_string(serve::kMinPasswordLength) + " characters");
  }
  return password;
}

bool IsUserName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

std::unique_ptr<serve::Store> OpenStore(const std::string& data) {
  std::filesystem::create_directories(data);
  serve::InitCrypto();
  return std::make_unique<serve::Store>(ServerDatabase(data));
}

void AddUser(const UsersArgs& args) {
  if (!IsUserName(args.name)) throw UsageError("a user name is 1 to 64 letters, digits, '_', '.' or '-': '" + args.name + "'");
  if (!serve::IsRole(args.role)) throw UsageError("--role must be admin, requester or viewer");
  const std::string password = ReadPassword(args.password_stdin);
  auto store = OpenStore(args.data);
  serve::UserRecord user{args.name, args.role, serve::HashPassword(password), serve::NowSeconds(), false};
  if (!store->AddUser(user)) throw UsageError("a user named '" + args.name + "' exists already (seedforge users passwd)");
  store->Audit("(cli)", "local", "user.add", args.name, args.role);
  std::cerr << "seedforge: added " << args.role << " '" << args.name << "' to " << args.data << "\n";
}

void ListUsers(const UsersArgs& args) {
  auto store = OpenStore(args.data);
  for (const serve::UserRecord& user : store->Users()) {
    std::cout << user.name << "\t" << user.role << "\t" << serve::IsoTime(user.created_at)
              << (user.disabled ? "\tdisabled" : "") << "\n";
  }
}

void ChangePassword(const UsersArgs& args) {
  auto store = OpenStore(args.data);
  std::optional<serve::UserRecord> user = store->FindUser(args.name);
  if (!user) throw UsageError("no user named '" + args.name + "' in " + args.data);
  user->password_hash = serve::HashPassword(ReadPassword(args.password_stdin));
  if (store->UpdateUser(*user) == serve::Store::UserChange::kNoSuchUser) {
    throw UsageError("no user named '" + args.name + "' in " + args.data);
  }
  store->RemoveSessionsOf(args.name);
  store->Audit("(cli)", "local", "user.change", args.name, "password");
  std::cerr << "seedforge: changed the password of '" << args.name << "' (its sessions ended)\n";
}

void RemoveUser(const UsersArgs& args) {
  auto store = OpenStore(args.data);
  std::optional<serve::UserRecord> user = store->FindUser(args.name);
  if (!user) throw UsageError("no user named '" + args.name + "' in " + args.data);
  const serve::Store::UserChange removed = store->RemoveUser(args.name);
  if (removed == serve::Store::UserChange::kLastAdmin) {
    throw UsageError("'" + args.name + "' is the last admin; add another admin first");
  }
  if (removed == serve::Store::UserChange::kNoSuchUser) throw UsageError("no user named '" + args.name + "' in " + args.data);
  store->Audit("(cli)", "local", "user.remove", args.name, "");
  std::cerr << "seedforge: removed '" << args.name << "'\n";
}

}  // namespace

void SetupUsersCommand(CLI::App& app) {
  CLI::App* users = AddCommand(app, "users", "Manage the accounts of `seedforge serve`",
                               {"echo \"$ADMIN_PASSWORD\" | seedforge users add alice --role admin --data /srv/seedforge --password-stdin",
                                "seedforge users list --data /srv/seedforge",
                                "seedforge users passwd bob --data /srv/seedforge --password-stdin < password.txt",
                                "seedforge users remove bob --data /srv/seedforge"},
                               "Roles: admin (users, limits, uploads, audit, and everything a requester does), "
                               "requester (generates data within the role's row limit), viewer (downloads jobs "
                               "shared with them). Passwords: at least 8 characters, read from one line of stdin.");
  users->require_subcommand(1);
  auto args = std::make_shared<UsersArgs>();
  auto data_option = [&](CLI::App* sub) {
    sub->add_option("--data", args->data, "The server's data directory (as `serve --data`)")->required();
  };
  CLI::App* add = users->add_subcommand("add", "Add a user");
  add->add_option("name", args->name, "User name: letters, digits, '_', '.', '-'")->required();
  add->add_option("--role", args->role, "admin, requester or viewer")->default_str("requester");
  data_option(add);
  add->add_flag("--password-stdin", args->password_stdin, "Read the password from stdin (required)");
  add->callback([args] { AddUser(*args); });

  CLI::App* list = users->add_subcommand("list", "List users: name, role, created, disabled");
  data_option(list);
  list->callback([args] { ListUsers(*args); });

  CLI::App* passwd = users->add_subcommand("passwd", "Set a user's password (ends their sessions)");
  passwd->add_option("name", args->name, "User name")->required();
  data_option(passwd);
  passwd->add_flag("--password-stdin", args->password_stdin, "Read the password from stdin (required)");
  passwd->callback([args] { ChangePassword(*args); });

  CLI::App* remove = users->add_subcommand("remove", "Remove a user (not the last admin)");
  remove->add_option("name", args->name, "User name")->required();
  data_option(remove);
  remove->callback([args] { RemoveUser(*args); });
}

}  // namespace seedforge
