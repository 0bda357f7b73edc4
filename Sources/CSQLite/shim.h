// libsqlite3 from Debian (libsqlite3-dev 3.40), the demo site's store. Linked by the module map.
#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import: SQLite copies bound text and blobs at once, so the
// Swift buffer need only live for the call.
static inline sqlite3_destructor_type csqlite_transient(void) { return (sqlite3_destructor_type)-1; }
#endif
