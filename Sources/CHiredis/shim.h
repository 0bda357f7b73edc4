// libhiredis from Debian (libhiredis-dev 0.14.1): the synchronous types and the async API. Linked by the
// module map (not pkg-config: its flags trip SwiftPM's "prohibited flag" warning).
#ifndef CHIREDIS_SHIM_H
#define CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#endif
