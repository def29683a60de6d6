// Bearer tokens, roles and field visibility; see access_control.h.
#include "services/access_control.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "services/grpc_status.h"
#include "services/service_context.h"
#include "services/validation.h"

namespace patentmatch {
namespace {

constexpr absl::string_view kTokenPrefix = "pm_";
constexpr size_t kTokenRandomBytes = 32;
constexpr size_t kMaxTokenBytes = 256;

absl::string_view RoleName(v1::Role role) {
  switch (role) {
    case v1::ADMINISTRATOR:
      return "administrator";
    case v1::COMMISSIONER:
      return "commissioner";
    case v1::ORGANISATION_MEMBER:
      return "organisation member";
    default:
      return "unknown role";
  }
}

// Writes `contents` to `path` readable only by its owner: a temporary file
// created 0600, synced, then renamed over any old one.
absl::Status WriteOwnerOnlyFile(const std::string& path,
                                absl::string_view contents) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                        S_IRUSR | S_IWUSR);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", tmp, ": ", std::strerror(errno)));
  }
  bool ok = ::fchmod(fd, S_IRUSR | S_IWUSR) == 0;
  size_t written = 0;
  while (ok && written < contents.size()) {
    const ssize_t n =
        ::write(fd, contents.data() + written, contents.size() - written);
    if (n <= 0) {
      ok = false;
      break;
    }
    written += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status ValidateIssue(const v1::IssueTokenRequest& request) {
  std::vector<v1::FieldError> errors;
  auto add = [&](absl::string_view field, absl::string_view message) {
    AddFieldError(&errors, field, message);
  };
  if (request.name().empty()) add("name", "is required");
  if (request.name().size() > Limits::kShortTextBytes) add("name", "too long");
  switch (request.role()) {
    case v1::ADMINISTRATOR:
    case v1::COMMISSIONER:
      if (!request.organisation_id().empty()) {
        add("organisation_id", "only organisation members have one");
      }
      break;
    case v1::ORGANISATION_MEMBER: {
      auto bad = ValidateId(request.organisation_id(), "organisation_id");
      errors.insert(errors.end(), bad.begin(), bad.end());
      break;
    }
    default:
      add("role", "must be ADMINISTRATOR, COMMISSIONER or ORGANISATION_MEMBER");
  }
  if (request.role() != v1::COMMISSIONER &&
      (request.industries_size() > 0 || request.districts_size() > 0)) {
    add("industries", "only commissioners have a scope");
  }
  if (request.industries_size() > Limits::kRepeated) {
    add("industries", "too many");
  }
  for (int i = 0; i < request.industries_size(); ++i) {
    if (request.industries(i).empty() ||
        request.industries(i).size() > Limits::kShortTextBytes) {
      add(absl::StrCat("industries[", i, "]"), "empty or too long");
    }
  }
  for (int i = 0; i < request.districts_size(); ++i) {
    if (!v1::District_IsValid(request.districts(i)) ||
        request.districts(i) == v1::DISTRICT_UNSPECIFIED) {
      add(absl::StrCat("districts[", i, "]"), "unknown district");
    }
  }
  return FieldErrorsToStatus(errors);
}

}  // namespace

bool Caller::IsMemberOf(absl::string_view organisation_id) const {
  return role() == v1::ORGANISATION_MEMBER && !organisation_id.empty() &&
         account_.organisation_id() == organisation_id;
}

bool Caller::Covers(absl::string_view industry, v1::District district) const {
  if (is_admin()) return true;
  if (!is_commissioner()) return false;
  if (account_.industries_size() > 0 &&
      std::none_of(account_.industries().begin(), account_.industries().end(),
                   [&](const std::string& i) {
                     return absl::EqualsIgnoreCase(i, industry);
                   })) {
    return false;
  }
  if (account_.districts_size() > 0 &&
      std::find(account_.districts().begin(), account_.districts().end(),
                district) == account_.districts().end()) {
    return false;
  }
  return true;
}

storage::AuditContext Caller::Audit(absl::string_view action) const {
  storage::AuditContext audit;
  audit.actor_id = account_.id();
  audit.actor_name = account_.name();
  audit.actor_role = account_.role();
  audit.action = std::string(action);
  return audit;
}

std::string NewToken() {
  unsigned char bytes[kTokenRandomBytes];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    std::fprintf(stderr, "patentmatchd: no random bytes for a token\n");
    std::abort();  // never hand out a guessable token
  }
  return absl::StrCat(
      kTokenPrefix, absl::WebSafeBase64Escape(absl::string_view(
                        reinterpret_cast<const char*>(bytes), sizeof(bytes))));
}

std::string TokenSha256Hex(absl::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(),
             nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

v1::Account PublicAccount(v1::Account account) {
  account.clear_token_sha256();
  return account;
}

void RedactDemand(const Caller& caller, v1::Demand* demand) {
  if (caller.IsMemberOf(demand->organisation_id()) ||
      caller.CoversDemand(*demand)) {
    return;
  }
  demand->clear_contact();
}

void RedactListing(const Caller& caller, v1::PatentListing* listing) {
  if (caller.is_staff() ||
      caller.IsMemberOf(listing->owner_organisation_id())) {
    return;
  }
  listing->clear_asking_price();
}

absl::StatusOr<std::unique_ptr<AccessControl>> AccessControl::Open(
    storage::Store* store, const std::string& admin_token_path,
    bool new_admin_token) {
  auto access = std::unique_ptr<AccessControl>(new AccessControl(store));
  bool any = false;
  {
    absl::MutexLock lock(&access->mu_);
    absl::Status s = store->ScanAccounts("", [&](const v1::Account& account) {
      any = true;
      access->by_hash_[account.token_sha256()] = account;
      return true;
    });
    if (!s.ok()) return s;
  }
  if (!any || new_admin_token) {
    absl::Status s = access->CreateAdministrator(admin_token_path);
    if (!s.ok()) return s;
  }
  return access;
}

absl::Status AccessControl::CreateAdministrator(const std::string& token_path) {
  absl::MutexLock writer(&store_->writer_mutex());
  v1::IssueTokenRequest request;
  request.set_name("administrator created at start-up");
  request.set_role(v1::ADMINISTRATOR);
  // The token file is written before the account is committed: a crash in
  // between leaves an unusable file and no account, and the next start
  // simply tries again. The other order could leave an account nobody holds.
  const std::string token = NewToken();
  absl::Status s = WriteOwnerOnlyFile(token_path, absl::StrCat(token, "\n"));
  if (!s.ok()) return s;
  auto issued =
      IssueLocked(storage::SystemAudit("start-up"), request, "system", token);
  if (!issued.ok()) return issued.status();
  (void)issued;
  created_admin_token_ = true;
  return absl::OkStatus();
}

absl::StatusOr<v1::IssueTokenResponse> AccessControl::IssueLocked(
    const storage::AuditContext& audit, const v1::IssueTokenRequest& request,
    const std::string& created_by, const std::string& token) {
  auto next = store_->GetMetaCounter(storage::kMetaNextAccountNumber);
  if (!next.ok()) return next.status();
  const uint64_t number = *next + 1;
  v1::Account account;
  account.set_id(storage::AccountIdFromNumber(number));
  account.set_name(request.name());
  account.set_role(request.role());
  account.set_organisation_id(request.organisation_id());
  *account.mutable_industries() = request.industries();
  *account.mutable_districts() = request.districts();
  account.set_created_unix(NowUnix());
  account.set_created_by(created_by);
  v1::IssueTokenResponse response;
  response.set_token(token);
  account.set_token_sha256(TokenSha256Hex(response.token()));
  storage::WriteSet writes(audit);
  writes.Put(storage::EntityKind::kAccount, account.id(), account);
  writes.PutMeta(storage::kMetaNextAccountNumber,
                 storage::EncodeUint64(number));
  auto committed = store_->Commit(writes);
  if (!committed.ok()) return committed.status();
  {
    absl::MutexLock lock(&mu_);
    by_hash_[account.token_sha256()] = account;
  }
  *response.mutable_account() = PublicAccount(std::move(account));
  return response;
}

absl::StatusOr<Caller> AccessControl::Authorize(
    const grpc::ServerContext& context, std::initializer_list<v1::Role> allowed,
    absl::string_view what) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "no token: send metadata 'authorization: Bearer <token>'");
  }
  absl::string_view value(it->second.data(), it->second.size());
  if (!absl::ConsumePrefix(&value, "Bearer ") &&
      !absl::ConsumePrefix(&value, "bearer ")) {
    return absl::UnauthenticatedError(
        "authorization metadata must be 'Bearer <token>'");
  }
  value = absl::StripAsciiWhitespace(value);
  if (value.empty() || value.size() > kMaxTokenBytes) {
    return absl::UnauthenticatedError("malformed token");
  }
  const std::string hash = TokenSha256Hex(value);
  v1::Account account;
  {
    absl::MutexLock lock(&mu_);
    auto found = by_hash_.find(hash);
    if (found == by_hash_.end()) {
      return absl::UnauthenticatedError("unknown token");
    }
    account = found->second;
  }
  if (account.revoked()) {
    return absl::UnauthenticatedError(
        absl::StrCat("token of account ", account.id(), " was revoked"));
  }
  if (std::find(allowed.begin(), allowed.end(), account.role()) ==
      allowed.end()) {
    std::vector<std::string> names;
    for (v1::Role r : allowed) names.emplace_back(RoleName(r));
    return absl::PermissionDeniedError(absl::StrCat(
        "only ", absl::StrJoin(names, " or "), " accounts may ", what,
        "; account ", account.id(), " is an ", RoleName(account.role())));
  }
  return Caller(std::move(account));
}

absl::StatusOr<v1::IssueTokenResponse> AccessControl::Issue(
    const Caller& by, const v1::IssueTokenRequest& request) {
  absl::Status s = ValidateIssue(request);
  if (!s.ok()) return s;
  absl::MutexLock writer(&store_->writer_mutex());
  if (request.role() == v1::ORGANISATION_MEMBER &&
      !store_->Exists(storage::EntityKind::kOrganisation,
                      request.organisation_id())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "organisation_id: no organisation '", request.organisation_id(), "'"));
  }
  return IssueLocked(by.Audit("AccessService.IssueToken"), request, by.id(),
                     NewToken());
}

absl::StatusOr<v1::Account> AccessControl::Revoke(
    const Caller& by, absl::string_view account_id) {
  absl::Status s = FieldErrorsToStatus(ValidateId(account_id, "account_id"));
  if (!s.ok()) return s;
  absl::MutexLock writer(&store_->writer_mutex());
  v1::Account account;
  s = store_->Get(storage::EntityKind::kAccount, account_id, &account);
  if (!s.ok()) return s;
  if (!account.revoked()) {
    account.set_revoked(true);
    account.set_revoked_unix(NowUnix());
    storage::WriteSet writes(by.Audit("AccessService.RevokeToken"));
    writes.Put(storage::EntityKind::kAccount, account.id(), account);
    auto committed = store_->Commit(writes);
    if (!committed.ok()) return committed.status();
    absl::MutexLock lock(&mu_);
    by_hash_[account.token_sha256()] = account;
  }
  return PublicAccount(std::move(account));
}

void RedactAskingPriceInExplanation(v1::Explanation* e, double* score) {
  for (auto& f : *e->mutable_features()) {
    if (f.feature() != "budget" || f.value() == 0) continue;
    const std::string stated = f.reason();
    const double value = f.value() > 0 ? 1.0 : -1.0;
    *score = *score - f.contribution() + f.weight() * value;
    f.set_value(value);
    f.set_contribution(f.weight() * value);
    f.set_reason(value > 0 ? "asking price within budget"
                           : "asking price over budget");
    if (!stated.empty()) {
      e->set_summary(absl::StrReplaceAll(e->summary(), {{stated, f.reason()}}));
    }
  }
}

bool Caller::CoversIndustry(absl::string_view industry) const {
  if (is_admin()) return true;
  if (!is_commissioner()) return false;
  return account_.industries_size() == 0 ||
         std::any_of(account_.industries().begin(), account_.industries().end(),
                     [&](const std::string& i) {
                       return absl::EqualsIgnoreCase(i, industry);
                     });
}

}  // namespace patentmatch
