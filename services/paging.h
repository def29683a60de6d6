// Page sizes and page tokens for List/Search RPCs, in one place. A token is
// opaque to callers: for key-ordered lists it is the last id returned, for
// ranked search the offset of the next hit.
#ifndef PATENTMATCH_SERVICES_PAGING_H_
#define PATENTMATCH_SERVICES_PAGING_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace patentmatch {

inline int PageSize(int requested, int default_size, int max_size) {
  if (requested <= 0) return default_size;
  return requested > max_size ? max_size : requested;
}

inline absl::StatusOr<size_t> OffsetFromToken(const std::string& token) {
  if (token.empty()) return 0;
  size_t offset = 0;
  if (!absl::SimpleAtoi(token, &offset) || offset > 100000) {
    return absl::InvalidArgumentError(
        "page_token: not a token this service issued");
  }
  return offset;
}

inline std::string TokenFromOffset(size_t offset) {
  return absl::StrCat(offset);
}

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_PAGING_H_
