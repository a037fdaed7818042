// The history database schema and how an older file is brought up to date. The version
// lives in `PRAGMA user_version`; each migration moves it up by one inside the same
// transaction as its DDL, so a file is always at exactly one known version even if a
// migrating process is killed. `PRAGMA application_id` marks the file as ours.
#pragma once

#include "history/sqlite.h"

namespace layerscope {

inline constexpr int kHistoryApplicationId = 0x4C534859;  // "LSHY"

// Switches the file to WAL, then applies every migration above its current version up to
// `target`. Throws Error(kConfig) for a file from a newer layerscope or one that is some
// other application's database.
void migrate_history_db(SqliteDb& db, int target);

}  // namespace layerscope
