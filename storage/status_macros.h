// RETURN_IF_ERROR and ASSIGN_OR_RETURN: Debian 12's Abseil (20220623) ships
// no status macros, so the project defines them once, here.
//
//   RETURN_IF_ERROR(store.Write(batch));
//   ASSIGN_OR_RETURN(PatentListing p, store.GetPatent(id));
#ifndef PATENTMATCH_STORAGE_STATUS_MACROS_H_
#define PATENTMATCH_STORAGE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define PM_CONCAT_INNER_(a, b) a##b
#define PM_CONCAT_(a, b) PM_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                \
  do {                                       \
    ::absl::Status pm_status_ = (expr);      \
    if (!pm_status_.ok()) return pm_status_; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  PM_ASSIGN_OR_RETURN_IMPL_(PM_CONCAT_(pm_statusor_, __LINE__), lhs, expr)

#define PM_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                              \
  if (!statusor.ok()) return statusor.status();        \
  lhs = std::move(statusor).value()

#endif  // PATENTMATCH_STORAGE_STATUS_MACROS_H_
