// gRPC handler for the audit trail: administrators and commissioners query
// who changed what, by entity, actor and time. Records are written by
// storage::Store::Commit with every write; nothing here writes or deletes.
#ifndef PATENTMATCH_SERVICES_AUDIT_SERVICE_H_
#define PATENTMATCH_SERVICES_AUDIT_SERVICE_H_

#include "patentmatch/v1/audit.grpc.pb.h"
#include "services/service_context.h"

namespace patentmatch {

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  explicit AuditServiceImpl(const ServiceContext* ctx) : ctx_(ctx) {}

  grpc::Status QueryAuditLog(grpc::ServerContext*,
                             const v1::QueryAuditLogRequest*,
                             v1::QueryAuditLogResponse*) override;

 private:
  const ServiceContext* ctx_;
};

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_AUDIT_SERVICE_H_
