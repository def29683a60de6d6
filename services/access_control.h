// Access control: who is calling (bearer tokens), what their role lets them
// do, and which fields they may see. Every handler starts with
//
//   ASSIGN_OR_RETURN_GRPC(Caller caller,
//       ctx_->access->Authorize(*context, kStaff, "search suggestions"));
//
// Tokens: "pm_" + 43 characters of base64url (256 random bits). The store
// keeps only their SHA-256 (Account.token_sha256); this class keeps an
// in-memory map from hash to account, loaded at start-up and updated by the
// only code that writes accounts (Issue, Revoke, the first administrator), so
// checking a token costs one hash and one lookup.
//
// The rules (README "Roles" has the full table):
// - Administrators may do everything.
// - Commissioners review suggestions for needs in their scope (industries
//   and/or districts; none of either: the whole city), see the contact
//   details of those needs, and work with every listing.
// - Organisation members act for their own organisation only: its listings,
//   its needs, and suggestions for them once a commissioner approved them.
// Private fields: a need's contact details (its company, administrators and
// commissioners covering it) and a listing's asking price (its holder,
// administrators and commissioners). Redact* removes them for everyone else.
#ifndef PATENTMATCH_SERVICES_ACCESS_CONTROL_H_
#define PATENTMATCH_SERVICES_ACCESS_CONTROL_H_

#include <grpcpp/server_context.h>

#include <initializer_list>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "patentmatch/v1/access.pb.h"
#include "patentmatch/v1/patentmatch.pb.h"
#include "patentmatch/v1/review.pb.h"
#include "services/grpc_status.h"
#include "storage/store.h"

namespace patentmatch {

// The authenticated account behind one call.
class Caller {
 public:
  explicit Caller(v1::Account account) : account_(std::move(account)) {}

  const v1::Account& account() const { return account_; }
  const std::string& id() const { return account_.id(); }
  v1::Role role() const { return account_.role(); }
  bool is_admin() const { return role() == v1::ADMINISTRATOR; }
  bool is_commissioner() const { return role() == v1::COMMISSIONER; }
  // Administrator or commissioner.
  bool is_staff() const { return is_admin() || is_commissioner(); }
  // An organisation member acting for `organisation_id`.
  bool IsMemberOf(absl::string_view organisation_id) const;
  // Administrators cover everything; commissioners their scope; members
  // nothing.
  bool Covers(absl::string_view industry, v1::District district) const;
  // Industry scope only (docking events are city-wide, by industry).
  bool CoversIndustry(absl::string_view industry) const;
  bool CoversDemand(const v1::Demand& demand) const {
    return Covers(demand.industry(), demand.district());
  }

  // Stamps writes made for this caller in the audit log.
  storage::AuditContext Audit(absl::string_view action) const;

 private:
  v1::Account account_;
};

// Role sets for Authorize.
inline constexpr std::initializer_list<v1::Role> kAdminOnly = {
    v1::ADMINISTRATOR};
inline constexpr std::initializer_list<v1::Role> kStaff = {v1::ADMINISTRATOR,
                                                           v1::COMMISSIONER};
inline constexpr std::initializer_list<v1::Role> kAnyRole = {
    v1::ADMINISTRATOR, v1::COMMISSIONER, v1::ORGANISATION_MEMBER};

class AccessControl {
 public:
  // Loads the accounts. With none stored (first start) or when
  // `new_admin_token` is set, creates an administrator and writes its token
  // to `admin_token_path` (mode 0600, replacing any old file).
  static absl::StatusOr<std::unique_ptr<AccessControl>> Open(
      storage::Store* store, const std::string& admin_token_path,
      bool new_admin_token);

  // The caller behind `context`'s "authorization: Bearer <token>" metadata.
  // UNAUTHENTICATED for a missing, malformed, unknown or revoked token;
  // PERMISSION_DENIED when the account's role is not in `allowed` (the
  // message says which roles may `what`).
  absl::StatusOr<Caller> Authorize(const grpc::ServerContext& context,
                                   std::initializer_list<v1::Role> allowed,
                                   absl::string_view what) const;

  // Administrators only (the handler checked).
  absl::StatusOr<v1::IssueTokenResponse> Issue(
      const Caller& by, const v1::IssueTokenRequest& request);
  absl::StatusOr<v1::Account> Revoke(const Caller& by,
                                     absl::string_view account_id);

  // Whether this start created an administrator token (for the log line).
  bool created_admin_token() const { return created_admin_token_; }

 private:
  explicit AccessControl(storage::Store* store) : store_(store) {}
  absl::Status CreateAdministrator(const std::string& token_path);
  // Creates the account holding `token`. Caller holds the store's writer
  // mutex. Commits and updates the cache.
  absl::StatusOr<v1::IssueTokenResponse> IssueLocked(
      const storage::AuditContext& audit, const v1::IssueTokenRequest& request,
      const std::string& created_by, const std::string& token);

  storage::Store* store_;
  bool created_admin_token_ = false;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, v1::Account> by_hash_ ABSL_GUARDED_BY(mu_);
};

// A new random token, and the hash the store keeps of it.
std::string NewToken();
std::string TokenSha256Hex(absl::string_view token);

// The account as the API returns it: without its token hash.
v1::Account PublicAccount(v1::Account account);

// Field-level visibility (see the file comment).
void RedactDemand(const Caller& caller, v1::Demand* demand);
void RedactListing(const Caller& caller, v1::PatentListing* listing);
// A listing's asking price is for its holder and staff (RedactListing), but
// the budget feature's reason and the summary state it ("asking from
// 888123元, 78% over budget 50万元"), and its value (the share over budget)
// gives it back to a company that knows its own budget. For everyone else
// keep only whether the price is within budget: the value becomes its sign,
// and *score follows so it still equals the sum of the contributions.
void RedactAskingPriceInExplanation(v1::Explanation* explanation,
                                    double* score);

}  // namespace patentmatch

// In a grpc::Status handler: `lhs = value of rexpr`, or return its error
// translated to a grpc::Status.
#define PM_GRPC_CONCAT_INNER(a, b) a##b
#define PM_GRPC_CONCAT(a, b) PM_GRPC_CONCAT_INNER(a, b)
#define ASSIGN_OR_RETURN_GRPC(lhs, rexpr) \
  ASSIGN_OR_RETURN_GRPC_IMPL(PM_GRPC_CONCAT(_pm_or_, __LINE__), lhs, rexpr)
#define ASSIGN_OR_RETURN_GRPC_IMPL(tmp, lhs, rexpr)                \
  auto tmp = (rexpr);                                              \
  if (!tmp.ok()) return ::patentmatch::ToGrpcStatus(tmp.status()); \
  lhs = std::move(*tmp)

#endif  // PATENTMATCH_SERVICES_ACCESS_CONTROL_H_
