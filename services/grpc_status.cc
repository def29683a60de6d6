// absl::Status → grpc::Status; see grpc_status.h.
#include "services/grpc_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace patentmatch {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // The canonical codes share their numeric values with gRPC's.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

absl::Status FieldErrorsToStatus(const std::vector<v1::FieldError>& errors) {
  if (errors.empty()) return absl::OkStatus();
  std::string message;
  for (const auto& e : errors) {
    if (!message.empty()) message += "; ";
    absl::StrAppend(&message, e.field(), ": ", e.message());
  }
  return absl::InvalidArgumentError(message);
}

}  // namespace patentmatch
