// HistoryStore: snapshots in a SQLite file. Several CI jobs may record into one file at
// once: the file is in WAL mode, every connection waits up to kBusyTimeoutMs for the write
// lock, and each snapshot (its row and its labels) is written by one BEGIN IMMEDIATE
// transaction, so a reader sees a snapshot completely or not at all and a writer killed
// mid-way leaves every earlier snapshot as it was. Reads run in one read transaction so a
// concurrent commit cannot split a snapshot from its labels.
#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

#include "history/migrations.h"
#include "history/snapshot_codec.h"
#include "history/sqlite.h"
#include "layerscope/error.h"
#include "layerscope/history.h"

namespace layerscope {

struct HistoryStore::Impl {
  Impl(const std::string& path, bool create) : db(path, create, kBusyTimeoutMs) {}
  SqliteDb db;
};

namespace {

std::string open_path(const std::string& path, HistoryStore::OpenMode mode) {
  if (path.empty()) throw Error(ErrorKind::kUsage, "--db: empty path");
  if (mode == HistoryStore::OpenMode::kCreate) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
      if (ec) throw Error(ErrorKind::kIo, path + ": cannot create directory " + parent.string() + ": " + ec.message());
    }
  } else {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      throw Error(ErrorKind::kNotFound, path + ": no history database here (record a build first, or pass --db)");
    }
  }
  return path;
}

}  // namespace

HistoryStore::HistoryStore(const std::string& path, OpenMode mode)
    : impl_(std::make_unique<Impl>(open_path(path, mode), mode == OpenMode::kCreate)) {
  migrate_history_db(impl_->db, kSchemaVersion);
}

HistoryStore::~HistoryStore() = default;

const std::string& HistoryStore::path() const { return impl_->db.path(); }

int HistoryStore::schema_version() const { return static_cast<int>(impl_->db.query_int("PRAGMA user_version")); }

int64_t HistoryStore::append(const Snapshot& s, const AppendOptions& options) {
  SqliteDb& db = impl_->db;
  std::string detail = encode_snapshot_detail(s);
  SqliteTransaction tx(db, SqliteTransaction::Kind::kWrite);
  SqliteStatement row(db,
                      "INSERT INTO snapshots (recorded_at, series, reference, name, platform, manifest_digest, "
                      "config_digest, tool_version, layers, compressed_bytes, tar_bytes, content_bytes, final_bytes, "
                      "files, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  row.bind(1, s.recorded_at)
      .bind(2, s.series)
      .bind(3, s.reference)
      .bind(4, s.name)
      .bind(5, s.platform)
      .bind(6, s.manifest_digest)
      .bind(7, s.config_digest)
      .bind(8, s.tool_version)
      .bind_size(9, s.layers)
      .bind_size(10, s.compressed_bytes)
      .bind_size(11, s.tar_bytes)
      .bind_size(12, s.content_bytes)
      .bind_size(13, s.final_bytes)
      .bind_size(14, s.files)
      .bind(15, detail);
  row.run();
  int64_t id = db.last_insert_rowid();
  if (options.in_transaction_delay_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options.in_transaction_delay_ms));
  }
  SqliteStatement label(db, "INSERT INTO snapshot_labels (snapshot_id, key, value) VALUES (?1, ?2, ?3)");
  for (const auto& [k, v] : s.labels) {
    label.reset();
    label.bind(1, id).bind(2, k).bind(3, v);
    label.run();
  }
  tx.commit();
  return id;
}

std::vector<Snapshot> HistoryStore::query(const SnapshotQuery& q) const {
  SqliteDb& db = impl_->db;
  SqliteTransaction tx(db, SqliteTransaction::Kind::kRead);
  // The newest `last` rows, then back in build order.
  SqliteStatement rows(db,
                       "SELECT * FROM (SELECT id, recorded_at, series, reference, name, platform, manifest_digest, "
                       "config_digest, tool_version, layers, compressed_bytes, tar_bytes, content_bytes, final_bytes, "
                       "files, detail FROM snapshots WHERE (?1 = '' OR series = ?1) AND recorded_at >= ?2 "
                       "ORDER BY recorded_at DESC, id DESC LIMIT ?3) ORDER BY recorded_at, id");
  rows.bind(1, q.series).bind(2, q.since).bind(3, q.last ? static_cast<int64_t>(q.last) : int64_t{-1});
  std::vector<Snapshot> out;
  while (rows.step()) {
    Snapshot s;
    s.id = rows.column_int(0);
    s.recorded_at = rows.column_text(1);
    s.series = rows.column_text(2);
    s.reference = rows.column_text(3);
    s.name = rows.column_text(4);
    s.platform = rows.column_text(5);
    s.manifest_digest = rows.column_text(6);
    s.config_digest = rows.column_text(7);
    s.tool_version = rows.column_text(8);
    s.layers = rows.column_size(9);
    s.compressed_bytes = rows.column_size(10);
    s.tar_bytes = rows.column_size(11);
    s.content_bytes = rows.column_size(12);
    s.final_bytes = rows.column_size(13);
    s.files = rows.column_size(14);
    decode_snapshot_detail(rows.column_text(15), s, db.path() + ": snapshot " + std::to_string(s.id));
    out.push_back(std::move(s));
  }
  SqliteStatement labels(db, "SELECT key, value FROM snapshot_labels WHERE snapshot_id = ?1 ORDER BY key");
  for (auto& s : out) {
    labels.reset();
    labels.bind(1, s.id);
    while (labels.step()) s.labels.emplace_back(labels.column_text(0), labels.column_text(1));
  }
  tx.commit();
  return out;
}

std::vector<std::pair<std::string, uint64_t>> HistoryStore::series() const {
  SqliteStatement st(impl_->db, "SELECT series, count(*) FROM snapshots GROUP BY series ORDER BY series");
  std::vector<std::pair<std::string, uint64_t>> out;
  while (st.step()) out.emplace_back(st.column_text(0), st.column_size(1));
  return out;
}

}  // namespace layerscope
