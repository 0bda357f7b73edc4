// libcrypto of OpenSSL 3 from Debian (libssl-dev): digests, HMAC, signature checks, constant-time compare.
// No cryptography is written by hand in this project; it all comes through here.
#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#endif
