// Test helper for integration tests that run the gRPC server over TLS on
// 127.0.0.1: generates, at test time, a throwaway self-signed certificate
// (CN=localhost, SAN DNS:localhost + IP:127.0.0.1) and its private key with
// the OpenSSL 3 C API (libcrypto), and can write both to PEM files. The
// certificate is its own trust root, so clients pass cert_pem as
// grpc::SslCredentialsOptions::pem_root_certs.
//
// Header-only; users must link libcrypto (e.g. OpenSSL::Crypto).
#ifndef PATENTMATCH_TESTS_INTEGRATION_SELF_SIGNED_CERT_H_
#define PATENTMATCH_TESTS_INTEGRATION_SELF_SIGNED_CERT_H_

#include <fcntl.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace patentmatch::testing {

struct SelfSignedCert {
  // PEM X.509 certificate: CN=localhost, subjectAltName DNS:localhost and
  // IP:127.0.0.1, valid from now-1h to now+1 day, self-signed, with
  // basicConstraints CA:TRUE, keyUsage digitalSignature,keyCertSign and
  // extendedKeyUsage serverAuth.
  std::string cert_pem;
  // PKCS#8 PEM ("BEGIN PRIVATE KEY") EC P-256 private key.
  std::string key_pem;
  // Filled by WriteCertFiles().
  std::string cert_path;
  std::string key_path;
};

namespace self_signed_cert_internal {

template <auto kFreeFn>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* ptr) const {
    kFreeFn(ptr);
  }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<&EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<&X509_free>>;
using X509ExtensionPtr =
    std::unique_ptr<X509_EXTENSION, OpenSslDeleter<&X509_EXTENSION_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<&BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<&BN_free>>;
using Asn1IntegerPtr =
    std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<&ASN1_INTEGER_free>>;

// Returns `what` followed by (and draining) the OpenSSL error queue.
inline std::string OpenSslError(const std::string& what) {
  std::string message = what;
  unsigned long code = 0;  // NOLINT(runtime/int): OpenSSL's type.
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    message += ": ";
    message += buf;
  }
  return message;
}

// Adds the v3 extension `nid` with OpenSSL config-style `value` to `cert`,
// which is both subject and issuer.
inline bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext != nullptr && X509_add_ext(cert, ext.get(), -1) == 1;
}

// Copies the contents of a memory BIO into a string.
inline std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int)
  if (data == nullptr || len <= 0) return std::string();
  return std::string(data, static_cast<size_t>(len));
}

// Writes `contents` to `path` (created or truncated) with mode 0600.
inline bool WriteFile0600(const std::string& path, const std::string& contents,
                          std::string* error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    *error = "open " + path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = ::fchmod(fd, 0600) == 0;  // In case the file already existed.
  size_t written = 0;
  while (ok && written < contents.size()) {
    ssize_t n =
        ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    written += static_cast<size_t>(n);
  }
  if (!ok) *error = "write " + path + ": " + std::strerror(errno);
  if (::close(fd) != 0 && ok) {
    *error = "close " + path + ": " + std::strerror(errno);
    ok = false;
  }
  return ok;
}

}  // namespace self_signed_cert_internal

// Generates a fresh EC P-256 key and a self-signed certificate for
// localhost/127.0.0.1. On failure returns a SelfSignedCert with empty cert_pem
// and, if `error` is non-null, stores a message in *error.
inline SelfSignedCert MakeSelfSignedCert(std::string* error) {
  namespace internal = self_signed_cert_internal;
  std::string ignored;
  if (error == nullptr) error = &ignored;
  ERR_clear_error();
  auto fail = [error](const std::string& what) {
    *error = internal::OpenSslError(what);
    return SelfSignedCert();
  };

  internal::EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (key == nullptr) return fail("EVP_PKEY_Q_keygen(EC, P-256)");

  internal::X509Ptr cert(X509_new());
  if (cert == nullptr) return fail("X509_new");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return fail("X509_set_version");
  }

  // Random 64-bit serial number; the top bit is cleared so that it stays a
  // positive INTEGER that fits in 8 DER content octets (RFC 5280 4.1.2.2).
  unsigned char serial_bytes[8] = {};
  while (serial_bytes[0] == 0) {  // Also rules out a zero serial.
    if (RAND_bytes(serial_bytes, sizeof(serial_bytes)) != 1) {
      return fail("RAND_bytes");
    }
    serial_bytes[0] &= 0x7f;
  }
  internal::BignumPtr serial_bn(
      BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr));
  if (serial_bn == nullptr) return fail("BN_bin2bn");
  internal::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(serial_bn.get(), nullptr));
  if (serial == nullptr) return fail("BN_to_ASN1_INTEGER");
  if (X509_set_serialNumber(cert.get(), serial.get()) != 1) {
    return fail("X509_set_serialNumber");
  }

  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60L * 60) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 60 * 60) ==
          nullptr) {
    return fail("X509_gmtime_adj");
  }

  // Subject (owned by `cert`) doubles as the issuer.
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (name == nullptr ||
      X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_ASC,
          reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
          0) != 1) {
    return fail("X509_NAME_add_entry_by_txt(CN)");
  }
  if (X509_set_issuer_name(cert.get(), name) != 1) {
    return fail("X509_set_issuer_name");
  }
  if (X509_set_pubkey(cert.get(), key.get()) != 1) {
    return fail("X509_set_pubkey");
  }

  struct Extension {
    int nid;
    const char* value;
  };
  // subjectKeyIdentifier must precede authorityKeyIdentifier, which is
  // derived from it (the certificate is its own issuer).
  const Extension extensions[] = {
      {NID_basic_constraints, "critical,CA:TRUE"},
      {NID_key_usage, "critical,digitalSignature,keyCertSign"},
      {NID_ext_key_usage, "serverAuth"},
      {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
      {NID_subject_key_identifier, "hash"},
      {NID_authority_key_identifier, "keyid:always"},
  };
  for (const Extension& ext : extensions) {
    if (!internal::AddExtension(cert.get(), ext.nid, ext.value)) {
      return fail(std::string("add extension ") + OBJ_nid2sn(ext.nid) + "=" +
                  ext.value);
    }
  }

  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    return fail("X509_sign");
  }

  internal::BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (cert_bio == nullptr) return fail("BIO_new");
  if (PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    return fail("PEM_write_bio_X509");
  }
  internal::BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (key_bio == nullptr) return fail("BIO_new");
  if (PEM_write_bio_PKCS8PrivateKey(key_bio.get(), key.get(), nullptr, nullptr,
                                    0, nullptr, nullptr) != 1) {
    return fail("PEM_write_bio_PKCS8PrivateKey");
  }

  SelfSignedCert result;
  result.cert_pem = internal::BioToString(cert_bio.get());
  result.key_pem = internal::BioToString(key_bio.get());
  if (result.cert_pem.empty() || result.key_pem.empty()) {
    return fail("reading PEM output");
  }
  return result;
}

// Writes cert->cert_pem to `dir`/cert.pem and cert->key_pem to `dir`/key.pem,
// both with mode 0600, and fills cert->cert_path and cert->key_path. Returns
// false on failure, leaving cert_path and key_path unchanged.
inline bool WriteCertFiles(const std::string& dir, SelfSignedCert* cert) {
  if (cert == nullptr || cert->cert_pem.empty() || cert->key_pem.empty()) {
    return false;
  }
  std::string base = dir;
  if (base.empty()) return false;
  if (base.back() != '/') base += '/';
  const std::string cert_path = base + "cert.pem";
  const std::string key_path = base + "key.pem";
  std::string error;
  if (!self_signed_cert_internal::WriteFile0600(cert_path, cert->cert_pem,
                                                &error) ||
      !self_signed_cert_internal::WriteFile0600(key_path, cert->key_pem,
                                                &error)) {
    return false;
  }
  cert->cert_path = cert_path;
  cert->key_path = key_path;
  return true;
}

}  // namespace patentmatch::testing

#endif  // PATENTMATCH_TESTS_INTEGRATION_SELF_SIGNED_CERT_H_
