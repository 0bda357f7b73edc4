// libargon2 from Debian (libargon2-dev, the reference implementation): Argon2id password hashes.
#ifndef CARGON2_SHIM_H
#define CARGON2_SHIM_H
#include <argon2.h>
#endif
