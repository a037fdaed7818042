// Schema history. Append a migration for every change; never edit a released one.
//
// Version 1: one row per snapshot in `snapshots`: the scalars that queries filter and sort on
// (series, recorded_at) and the totals a trend plots are columns; the per-layer,
// per-instruction, per-directory and findings detail is one JSON document in `detail` (see
// snapshot_codec.cc), read back whole and never queried piecewise, so it can grow new fields
// without a migration. Labels are rows of `snapshot_labels` so they can be selected on.
#include "history/migrations.h"

#include <string>
#include <vector>

#include "layerscope/error.h"

namespace layerscope {

namespace {

struct Migration {
  int version;
  const char* sql;
};

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> k = {
      {1, R"sql(
CREATE TABLE snapshots (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  recorded_at      TEXT    NOT NULL,  -- YYYY-MM-DDTHH:MM:SSZ, UTC
  series           TEXT    NOT NULL,  -- what `trend --image` selects
  reference        TEXT    NOT NULL,
  name             TEXT    NOT NULL,
  platform         TEXT    NOT NULL,
  manifest_digest  TEXT    NOT NULL,
  config_digest    TEXT    NOT NULL,
  tool_version     TEXT    NOT NULL,
  layers           INTEGER NOT NULL,
  compressed_bytes INTEGER NOT NULL,
  tar_bytes        INTEGER NOT NULL,
  content_bytes    INTEGER NOT NULL,
  final_bytes      INTEGER NOT NULL,
  files            INTEGER NOT NULL,
  detail           TEXT    NOT NULL   -- JSON, format version in its "v" key
);
CREATE INDEX snapshots_by_series_time ON snapshots (series, recorded_at, id);
CREATE TABLE snapshot_labels (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  key         TEXT    NOT NULL,
  value       TEXT    NOT NULL,
  PRIMARY KEY (snapshot_id, key)
) WITHOUT ROWID;
CREATE INDEX snapshot_labels_by_key ON snapshot_labels (key, value);
)sql"},
  };
  return k;
}

}  // namespace

void migrate_history_db(SqliteDb& db, int target) {
  // WAL lets readers (trend) run while a writer (record) commits, and a commit is durable once
  // its frames are in the -wal file: a killed writer loses only its own open transaction.
  // The mode is stored in the file; filesystems without shared memory keep "delete" mode,
  // which is still safe.
  db.use_wal();
  db.exec("PRAGMA synchronous=FULL");
  db.exec("PRAGMA foreign_keys=ON");

  auto check = [&](int64_t version) {
    int64_t app = db.query_int("PRAGMA application_id");
    if (app != 0 && app != kHistoryApplicationId) {
      throw Error(ErrorKind::kConfig, db.path() + ": this SQLite file belongs to another application");
    }
    if (version > target) {
      throw Error(ErrorKind::kConfig, db.path() + ": the history database has schema version " + std::to_string(version) +
                                          ", newer than this layerscope understands (" + std::to_string(target) +
                                          "); use a newer layerscope");
    }
    if (version == 0 && db.query_int("SELECT count(*) FROM sqlite_master") != 0) {
      throw Error(ErrorKind::kConfig, db.path() + ": this SQLite file is not a layerscope history database");
    }
  };

  // Fast path: already current. Anything else is decided under the write lock, because
  // another process may be creating or migrating the file right now and two separate reads
  // outside a transaction could see it before and after its commit.
  if (db.query_int("PRAGMA user_version") == target) {
    check(target);
    return;
  }
  SqliteTransaction tx(db, SqliteTransaction::Kind::kWrite);
  int64_t version = db.query_int("PRAGMA user_version");
  check(version);
  for (const auto& m : migrations()) {
    if (m.version <= version || m.version > target) continue;
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
  }
  db.exec("PRAGMA application_id = " + std::to_string(kHistoryApplicationId));
  tx.commit();
}

}  // namespace layerscope
