#include <sqlite3.h>

// Extended result codes are macros built from shifts, which Swift does not import.
static const int shim_SQLITE_CONSTRAINT_PRIMARYKEY = SQLITE_CONSTRAINT_PRIMARYKEY;
static const int shim_SQLITE_CONSTRAINT_UNIQUE = SQLITE_CONSTRAINT_UNIQUE;
