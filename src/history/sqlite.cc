#include "history/sqlite.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <thread>

#include "layerscope/error.h"

namespace layerscope {

namespace {

ErrorKind kind_of(int code) {
  switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
      return ErrorKind::kFormat;
    case SQLITE_NOMEM:
    case SQLITE_FULL:
    case SQLITE_TOOBIG:
      return ErrorKind::kLimit;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      return ErrorKind::kInternal;
    default:
      return ErrorKind::kIo;
  }
}

}  // namespace

SqliteDb::SqliteDb(const std::string& path, bool create, int busy_timeout_ms) : path_(path) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    if (!create && (rc & 0xff) == SQLITE_CANTOPEN) {
      throw Error(ErrorKind::kNotFound, path + ": no history database here (record a build first, or pass --db)");
    }
    throw Error(kind_of(rc), path + ": cannot open the history database: " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  busy_timeout_ms_ = busy_timeout_ms;
}

// Switching to WAL takes an exclusive lock, and SQLite returns SQLITE_BUSY for it at once
// instead of calling the busy handler: several `record`s opening a new file together failed
// with "database is locked". The mode is stored in the file, so only the first switch
// matters; it is retried here for as long as the busy timeout would have waited.
bool SqliteDb::use_wal() {
  if (query_text("PRAGMA journal_mode") == "wal") return true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms_);
  std::chrono::milliseconds pause(1);
  for (;;) {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db_, "PRAGMA journal_mode=WAL", -1, &st, nullptr);
    std::string mode;
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(st);
      if (rc == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(st, 0);
        mode = t ? reinterpret_cast<const char*>(t) : "";
        rc = SQLITE_OK;
      }
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK) return mode == "wal";
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) {
      fail(rc, "running 'PRAGMA journal_mode=WAL'");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

void SqliteDb::fail(int code, const std::string& doing) const {
  std::string msg = sqlite3_errmsg(db_);
  if ((code & 0xff) == SQLITE_BUSY) msg += " (another process held the database longer than the busy timeout)";
  if ((code & 0xff) == SQLITE_NOTADB) msg += " (is this a layerscope history database?)";
  throw Error(kind_of(code), path_ + ": " + doing + ": " + msg);
}

int64_t SqliteDb::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

void SqliteDb::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) fail(rc, "'" + sql.substr(0, 40) + "'");
}

std::string SqliteDb::query_text(const std::string& sql) {
  SqliteStatement st(*this, sql);
  return st.step() ? st.column_text(0) : std::string();
}

int64_t SqliteDb::query_int(const std::string& sql) {
  SqliteStatement st(*this, sql);
  return st.step() ? st.column_int(0) : 0;
}

SqliteStatement::SqliteStatement(SqliteDb& db, const std::string& sql) : db_(db), sql_(sql) {
  int rc = sqlite3_prepare_v2(db.handle(), sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, "preparing '" + sql.substr(0, 40) + "'");
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement& SqliteStatement::bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) db_.fail(rc, "binding");
  return *this;
}

SqliteStatement& SqliteStatement::bind_size(int index, uint64_t value) {
  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    throw Error(ErrorKind::kLimit, db_.path() + ": size " + std::to_string(value) + " does not fit the database");
  }
  return bind(index, static_cast<int64_t>(value));
}

SqliteStatement& SqliteStatement::bind(int index, const std::string& value) {
  int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.fail(rc, "binding");
  return *this;
}

bool SqliteStatement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail(rc, "running '" + sql_.substr(0, 40) + "'");
}

void SqliteStatement::run() {
  while (step()) {
  }
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t SqliteStatement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

uint64_t SqliteStatement::column_size(int index) const {
  int64_t v = sqlite3_column_int64(stmt_, index);
  if (v < 0) throw Error(ErrorKind::kFormat, db_.path() + ": a size column holds a negative value");
  return static_cast<uint64_t>(v);
}

std::string SqliteStatement::column_text(int index) const {
  const unsigned char* p = sqlite3_column_text(stmt_, index);
  int n = sqlite3_column_bytes(stmt_, index);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

SqliteTransaction::SqliteTransaction(SqliteDb& db, Kind kind) : db_(db) {
  db_.exec(kind == Kind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
}

SqliteTransaction::~SqliteTransaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteTransaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace layerscope
