#include "base/common.h"
#include "store/store.h"
const struct store_ops sqlite_store_ops = {.name = "sqlite"};
