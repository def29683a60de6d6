// The one place absl::Status becomes grpc::Status. Libraries speak
// absl::Status with canonical codes; handlers return ToGrpcStatus(s).
#ifndef PATENTMATCH_SERVICES_GRPC_STATUS_H_
#define PATENTMATCH_SERVICES_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include <vector>

#include "absl/status/status.h"
#include "patentmatch/v1/patentmatch.pb.h"

namespace patentmatch {

grpc::Status ToGrpcStatus(const absl::Status& status);

// INVALID_ARGUMENT naming every bad field: "listing.title: must not be
// empty; listing.ipc_codes[1]: unknown IPC class 'A99'". OK if none.
absl::Status FieldErrorsToStatus(const std::vector<v1::FieldError>& errors);

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_GRPC_STATUS_H_
