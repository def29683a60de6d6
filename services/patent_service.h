// gRPC handlers for patent listings (supply): create, update, bulk import,
// get, search, withdraw.
#ifndef PATENTMATCH_SERVICES_PATENT_SERVICE_H_
#define PATENTMATCH_SERVICES_PATENT_SERVICE_H_

#include <vector>

#include "patentmatch/v1/patentmatch.grpc.pb.h"
#include "services/access_control.h"
#include "services/service_context.h"

namespace patentmatch {

class PatentServiceImpl final : public v1::PatentService::Service {
 public:
  // Records written per WriteBatch during an import.
  static constexpr int kImportBatch = 500;

  explicit PatentServiceImpl(const ServiceContext* ctx) : ctx_(ctx) {}

  grpc::Status CreatePatent(grpc::ServerContext*,
                            const v1::CreatePatentRequest*,
                            v1::PatentListing*) override;
  grpc::Status UpdatePatent(grpc::ServerContext*,
                            const v1::UpdatePatentRequest*,
                            v1::PatentListing*) override;
  grpc::Status ImportPatents(grpc::ServerContext*,
                             grpc::ServerReader<v1::ImportPatentRecord>*,
                             v1::ImportPatentsResponse*) override;
  grpc::Status GetPatent(grpc::ServerContext*, const v1::GetPatentRequest*,
                         v1::PatentListing*) override;
  grpc::Status SearchPatents(grpc::ServerContext*,
                             const v1::SearchPatentsRequest*,
                             v1::SearchPatentsResponse*) override;
  grpc::Status WithdrawPatent(grpc::ServerContext*,
                              const v1::WithdrawPatentRequest*,
                              v1::PatentListing*) override;

 private:
  enum class WriteMode { kCreate, kUpdate, kUpsert };
  // Validates and completes `listing` (owner fields, timestamps); errors
  // name the fields.
  // An organisation member may only list its own organisation's patents
  // (an empty owner becomes its organisation).
  std::vector<v1::FieldError> Prepare(
      const Caller& caller, v1::PatentListing* listing,
      std::vector<v1::FieldError>* warnings) const;
  // Writes prepared listings in one batch. Caller holds the writer mutex.
  // `existed[i]` tells whether listing i replaced a stored one.
  // PERMISSION_DENIED if a member would replace another organisation's.
  absl::StatusOr<uint64_t> WriteLocked(const Caller& caller,
                                       absl::string_view action,
                                       std::vector<v1::PatentListing>* listings,
                                       WriteMode mode,
                                       std::vector<bool>* existed);
  absl::Status FlushImport(const Caller& caller,
                           std::vector<v1::PatentListing>* batch,
                           std::vector<int>* result_index,
                           v1::ImportPatentsResponse* response,
                           uint64_t* last_seq);

  const ServiceContext* ctx_;
};

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_PATENT_SERVICE_H_
