// The SQLite history store: round trips, filters, migrations and refusals, concurrent
// writers. Each test works in its own temporary directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "history/sqlite.h"
#include "layerscope/error.h"
#include "layerscope/history.h"

using namespace layerscope;
namespace fs = std::filesystem;

namespace {

class HistoryDir {
 public:
  HistoryDir() {
    std::string tmpl = (fs::temp_directory_path() / "ls-history-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~HistoryDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

Snapshot sample(const std::string& series, const std::string& time, uint64_t content) {
  Snapshot s;
  s.recorded_at = time;
  s.series = series;
  s.reference = "docker-archive:build/" + series + ".tar";
  s.name = series + ":latest";
  s.platform = "linux/amd64";
  s.manifest_digest = "sha256:" + std::string(64, 'a');
  s.config_digest = "sha256:" + std::string(64, 'b');
  s.tool_version = "0.1.0";
  s.labels = {{"branch", "main"}, {"commit", "abc123"}};
  s.layers = 2;
  s.compressed_bytes = content / 3;
  s.tar_bytes = content + 2048;
  s.content_bytes = content;
  s.final_bytes = content - 10;
  s.files = 12;
  s.layer_sizes = {{"sha256:" + std::string(64, '1'), "FROM", 1000, 400}, {"sha256:" + std::string(64, '2'), "RUN x", content - 1000, 100}};
  s.instructions = {{"FROM", 1, 1000, 400}, {"RUN x", 1, content - 1000, 100}};
  s.dir_min_bytes = content / 100;
  s.dirs = {{"/usr", content - 10, 11}, {"/usr/lib", content - 500, 3}};
  s.findings = {{"apt-lists", 2, 300}};
  return s;
}

}  // namespace

TEST(HistoryStore, CreatesDirectoryAndRoundTripsASnapshot) {
  HistoryDir dir;
  std::string db = dir / "nested/deeper/history.db";
  Snapshot s = sample("app", "2026-01-05T10:00:00Z", 123456);
  {
    HistoryStore store(db, HistoryStore::OpenMode::kCreate);
    EXPECT_EQ(store.schema_version(), HistoryStore::kSchemaVersion);
    EXPECT_EQ(store.append(s), 1);
  }
  HistoryStore store(db, HistoryStore::OpenMode::kExisting);
  auto got = store.query({});
  ASSERT_EQ(got.size(), 1u);
  const Snapshot& g = got[0];
  EXPECT_EQ(g.id, 1);
  EXPECT_EQ(g.recorded_at, s.recorded_at);
  EXPECT_EQ(g.series, s.series);
  EXPECT_EQ(g.reference, s.reference);
  EXPECT_EQ(g.name, s.name);
  EXPECT_EQ(g.platform, s.platform);
  EXPECT_EQ(g.manifest_digest, s.manifest_digest);
  EXPECT_EQ(g.config_digest, s.config_digest);
  EXPECT_EQ(g.tool_version, s.tool_version);
  EXPECT_EQ(g.labels, s.labels);
  EXPECT_EQ(g.content_bytes, s.content_bytes);
  EXPECT_EQ(g.compressed_bytes, s.compressed_bytes);
  EXPECT_EQ(g.tar_bytes, s.tar_bytes);
  EXPECT_EQ(g.final_bytes, s.final_bytes);
  EXPECT_EQ(g.files, s.files);
  EXPECT_EQ(g.layers, s.layers);
  ASSERT_EQ(g.layer_sizes.size(), 2u);
  EXPECT_EQ(g.layer_sizes[1].diff_id, s.layer_sizes[1].diff_id);
  EXPECT_EQ(g.layer_sizes[1].content_bytes, s.layer_sizes[1].content_bytes);
  ASSERT_EQ(g.instructions.size(), 2u);
  EXPECT_EQ(g.instructions[1].instruction, "RUN x");
  EXPECT_EQ(g.dir_min_bytes, s.dir_min_bytes);
  ASSERT_EQ(g.dirs.size(), 2u);
  EXPECT_EQ(g.dirs[1].path, "/usr/lib");
  ASSERT_EQ(g.findings.size(), 1u);
  EXPECT_EQ(g.findings[0].bytes, 300u);
}

TEST(HistoryStore, FiltersBySeriesSinceAndLast) {
  HistoryDir dir;
  HistoryStore store(dir / "h.db", HistoryStore::OpenMode::kCreate);
  // Recorded out of order: queries come back in time order.
  store.append(sample("app", "2026-01-03T00:00:00Z", 3000));
  store.append(sample("app", "2026-01-01T00:00:00Z", 1000));
  store.append(sample("other", "2026-01-02T00:00:00Z", 9000));
  store.append(sample("app", "2026-01-02T00:00:00Z", 2000));
  store.append(sample("app", "2026-01-04T00:00:00Z", 4000));

  auto app = store.query({"app", "", 0});
  ASSERT_EQ(app.size(), 4u);
  EXPECT_EQ(app[0].content_bytes, 1000u);
  EXPECT_EQ(app[3].content_bytes, 4000u);
  auto since = store.query({"app", "2026-01-02T00:00:00Z", 0});
  ASSERT_EQ(since.size(), 3u);
  EXPECT_EQ(since[0].content_bytes, 2000u);
  auto last = store.query({"app", "", 2});
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0].content_bytes, 3000u);
  EXPECT_EQ(last[1].content_bytes, 4000u);
  EXPECT_EQ(store.query({}).size(), 5u);
  auto series = store.series();
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0], (std::pair<std::string, uint64_t>{"app", 4}));
  EXPECT_EQ(series[1], (std::pair<std::string, uint64_t>{"other", 1}));
}

TEST(HistoryStore, WalModeAndSchemaVersion) {
  HistoryDir dir;
  std::string path = dir / "h.db";
  { HistoryStore store(path, HistoryStore::OpenMode::kCreate); }
  SqliteDb db(path, false, 1000);
  EXPECT_EQ(db.query_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(db.query_int("PRAGMA user_version"), HistoryStore::kSchemaVersion);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'snapshots'"), 1);
  // Reopening migrates nothing and keeps the data.
  { HistoryStore store(path, HistoryStore::OpenMode::kExisting); store.append(sample("a", "2026-01-01T00:00:00Z", 10)); }
  HistoryStore again(path, HistoryStore::OpenMode::kExisting);
  EXPECT_EQ(again.query({}).size(), 1u);
}

TEST(HistoryStore, RefusesANewerSchema) {
  HistoryDir dir;
  std::string path = dir / "h.db";
  { HistoryStore store(path, HistoryStore::OpenMode::kCreate); }
  {
    SqliteDb db(path, false, 1000);
    db.exec("PRAGMA user_version = 99");
  }
  try {
    HistoryStore store(path, HistoryStore::OpenMode::kExisting);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_NE(e.text().find("schema version 99"), std::string::npos) << e.text();
  }
}

TEST(HistoryStore, RefusesOtherDatabasesAndNonDatabases) {
  HistoryDir dir;
  {
    SqliteDb db(dir / "other.db", true, 1000);
    db.exec("CREATE TABLE t (x)");
  }
  try {
    HistoryStore store(dir / "other.db", HistoryStore::OpenMode::kExisting);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig) << e.text();
  }
  std::ofstream(dir / "junk.db") << std::string(4096, 'j');
  try {
    HistoryStore store(dir / "junk.db", HistoryStore::OpenMode::kExisting);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kFormat) << e.text();
  }
  try {
    HistoryStore store(dir / "missing.db", HistoryStore::OpenMode::kExisting);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound) << e.text();
  }
}

TEST(HistoryStore, ConcurrentWritersAllLand) {
  HistoryDir dir;
  std::string path = dir / "h.db";
  constexpr int kWriters = 4, kEach = 15;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::mutex mu;
  std::string why;  // the first failure's message, so a failing run says what went wrong
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      try {
        // Each writer has its own connection, as separate CI jobs would.
        HistoryStore store(path, HistoryStore::OpenMode::kCreate);
        for (int i = 0; i < kEach; ++i) {
          Snapshot s = sample("app", "2026-01-01T00:00:00Z", 1000 + w * 100 + i);
          s.labels = {{"writer", std::to_string(w)}, {"i", std::to_string(i)}};
          store.append(s);
        }
      } catch (const Error& e) {
        ++failures;
        std::lock_guard<std::mutex> lock(mu);
        if (why.empty()) why = e.text();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0) << why;
  HistoryStore store(path, HistoryStore::OpenMode::kExisting);
  auto all = store.query({});
  ASSERT_EQ(all.size(), size_t{kWriters * kEach});
  std::set<int64_t> ids;
  for (const auto& s : all) {
    ids.insert(s.id);
    ASSERT_EQ(s.labels.size(), 2u);
    EXPECT_EQ(s.content_bytes, 1000u + std::stoul(s.labels[1].second) * 100 + std::stoul(s.labels[0].second));
  }
  EXPECT_EQ(ids.size(), all.size());
}

TEST(HistoryStore, ATransactionThatFailsLeavesNoTrace) {
  HistoryDir dir;
  HistoryStore store(dir / "h.db", HistoryStore::OpenMode::kCreate);
  store.append(sample("app", "2026-01-01T00:00:00Z", 1000));
  Snapshot bad = sample("app", "2026-01-02T00:00:00Z", 2000);
  bad.content_bytes = uint64_t{1} << 63;  // does not fit SQLite's INTEGER
  EXPECT_THROW(store.append(bad), Error);
  auto all = store.query({});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].content_bytes, 1000u);
  EXPECT_EQ(store.append(sample("app", "2026-01-03T00:00:00Z", 3000)), 2);
}
