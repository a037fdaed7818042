// A thin RAII layer over the SQLite C API for the history store: a connection, prepared
// statements and an immediate-mode transaction. Every failure becomes a layerscope::Error
// naming the database file. sqlite3.h stays in sqlite.cc; callers see opaque handles.
#pragma once

#include <cstdint>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace layerscope {

class SqliteDb {
 public:
  // create: make the file when missing; otherwise a missing file is Error(kNotFound).
  SqliteDb(const std::string& path, bool create, int busy_timeout_ms);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(const std::string& sql);
  // The first column of the first row of `sql` as text ("" when there is no row).
  std::string query_text(const std::string& sql);
  int64_t query_int(const std::string& sql);

  // Puts the file in WAL mode (persistent; a no-op when it already is). Returns false where the
  // filesystem cannot do WAL (it stays in a rollback-journal mode).
  bool use_wal();

  int64_t last_insert_rowid() const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  // Throws the error of the last call on this connection, prefixed with `doing`.
  [[noreturn]] void fail(int code, const std::string& doing) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  int busy_timeout_ms_ = 0;
};

class SqliteStatement {
 public:
  SqliteStatement(SqliteDb& db, const std::string& sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, int64_t value);
  SqliteStatement& bind_size(int index, uint64_t value);  // Error(kLimit) beyond INT64_MAX
  SqliteStatement& bind(int index, const std::string& value);
  bool step();  // true while there is a row
  void run();   // step() that expects no row
  void reset();
  int64_t column_int(int index) const;
  uint64_t column_size(int index) const;  // Error(kFormat) for a negative value
  std::string column_text(int index) const;

 private:
  SqliteDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// A write transaction is BEGIN IMMEDIATE: it takes the write lock up front (waiting up to the
// busy timeout), so two writers never deadlock upgrading read locks. A read transaction
// (BEGIN) gives several queries one consistent view. Rolls back unless commit() was called.
class SqliteTransaction {
 public:
  enum class Kind { kRead, kWrite };
  SqliteTransaction(SqliteDb& db, Kind kind);
  ~SqliteTransaction();
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace layerscope
