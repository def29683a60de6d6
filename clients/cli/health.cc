// `patentmatch health`: the standard grpc.health.v1 check. Debian's gRPC
// ships no generated health stubs, so the call goes through GenericStub with
// the two tiny messages encoded by hand:
//   HealthCheckRequest  { string service = 1; }
//   HealthCheckResponse { ServingStatus status = 1; }  // 1 = SERVING
#include <grpcpp/generic/generic_stub.h>

#include <cstdio>
#include <future>

#include "clients/cli/cli.h"
#include "google/protobuf/unknown_field_set.h"

namespace patentmatch::cli {
namespace {

constexpr char kCheckMethod[] = "/grpc.health.v1.Health/Check";

const char* ServingStatusName(uint64_t status) {
  switch (status) {
    case 0:
      return "UNKNOWN";
    case 1:
      return "SERVING";
    case 2:
      return "NOT_SERVING";
    case 3:
      return "SERVICE_UNKNOWN";
    default:
      return "UNRECOGNISED";
  }
}

int Health(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  const std::string service = args.Get("service");
  // Field 1, wire type 2 (length-delimited); an empty name is no bytes.
  std::string request_bytes;
  if (!service.empty()) {
    if (service.size() > 127) {
      std::fprintf(stderr, "error: service name too long\n");
      return kExitUsage;
    }
    request_bytes.push_back(0x0A);
    request_bytes.push_back(static_cast<char>(service.size()));
    request_bytes += service;
  }
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::GenericStub stub(conn.channel());
  auto ctx = conn.NewContext();
  std::promise<grpc::Status> done;
  stub.UnaryCall(ctx.get(), kCheckMethod, grpc::StubOptions(), &request,
                 &response,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return ReportRpcError(status, "health");

  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) {
    std::fprintf(stderr, "error: health: unreadable response\n");
    return kExitFailure;
  }
  std::string bytes;
  for (const auto& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) {
    std::fprintf(stderr, "error: health: malformed response\n");
    return kExitFailure;
  }
  uint64_t serving = 0;  // absent field: proto3 default UNKNOWN
  for (int i = 0; i < fields.field_count(); ++i) {
    const auto& f = fields.field(i);
    if (f.number() == 1 &&
        f.type() == google::protobuf::UnknownField::TYPE_VARINT) {
      serving = f.varint();
    }
  }
  if (conn.options().json) {
    std::printf("{\"status\":\"%s\"}\n", ServingStatusName(serving));
  } else {
    std::printf("%s %s\n", conn.options().server.c_str(),
                ServingStatusName(serving));
  }
  return serving == 1 ? kExitOk : kExitFailure;
}

}  // namespace

std::vector<Command> HealthCommands() {
  return {{"health",
           "",
           "[--service=NAME]",
           "grpc.health.v1 check; exit 0 only when SERVING",
           {"service"},
           &Health}};
}

}  // namespace patentmatch::cli
