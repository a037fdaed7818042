// Timestamps, labels, series names, growth limits and snapshots made from an analysis.
#include <gtest/gtest.h>

#include "history/snapshot_codec.h"
#include "layerscope/error.h"
#include "layerscope/history.h"
#include "pipeline/analyze_opened.h"
#include "source/memory_store.h"
#include "support/image_builder.h"

using namespace layerscope;

TEST(HistoryTime, NormalizesIso8601ToUtc) {
  EXPECT_EQ(normalize_timestamp("2026-01-05"), "2026-01-05T00:00:00Z");
  EXPECT_EQ(normalize_timestamp("2026-01-05T14:30:00Z"), "2026-01-05T14:30:00Z");
  EXPECT_EQ(normalize_timestamp("2026-01-05 14:30Z"), "2026-01-05T14:30:00Z");
  EXPECT_EQ(normalize_timestamp("2026-01-05T14:30:00.123456Z"), "2026-01-05T14:30:00Z");
  EXPECT_EQ(normalize_timestamp("2026-01-05T01:30:00+02:00"), "2026-01-04T23:30:00Z");
  EXPECT_EQ(normalize_timestamp("2026-12-31T23:30:00-0100"), "2027-01-01T00:30:00Z");
  EXPECT_EQ(normalize_timestamp("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00Z");
  EXPECT_EQ(normalize_timestamp("1969-12-31T23:59:59Z"), "1969-12-31T23:59:59Z");
  for (const char* bad : {"", "2026", "2026-13-01", "2025-02-29", "2026-01-05T25:00:00Z", "2026-01-05T10:00:00",
                          "yesterday", "2026-01-05T10:00:00Zjunk"}) {
    EXPECT_THROW(normalize_timestamp(bad), Error) << bad;
  }
  std::string now = current_timestamp();
  EXPECT_EQ(normalize_timestamp(now), now);
}

TEST(HistoryLabels, ParseKeyValue) {
  EXPECT_EQ(parse_label("commit=abc"), (std::pair<std::string, std::string>{"commit", "abc"}));
  EXPECT_EQ(parse_label("msg=a=b"), (std::pair<std::string, std::string>{"msg", "a=b"}));
  EXPECT_EQ(parse_label("empty="), (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_THROW(parse_label("novalue"), Error);
  EXPECT_THROW(parse_label("=x"), Error);
}

TEST(HistorySeries, ImageNameWithoutTag) {
  ImageInfo im;
  im.reference = "docker-archive:out/app.tar";
  EXPECT_EQ(series_of(im), "docker-archive:out/app.tar");
  im.name = "registry.example:5000/team/app:1.2";
  EXPECT_EQ(series_of(im), "registry.example:5000/team/app");
  im.name = "app@sha256:abcd";
  EXPECT_EQ(series_of(im), "app");
  im.name = "registry.example:5000/app";
  EXPECT_EQ(series_of(im), "registry.example:5000/app");
}

TEST(HistoryGrowthLimit, PercentOrSize) {
  auto p = parse_growth_limit("5%");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->is_percent);
  EXPECT_DOUBLE_EQ(p->percent, 5.0);
  auto q = parse_growth_limit("2.5%");
  ASSERT_TRUE(q);
  EXPECT_DOUBLE_EQ(q->percent, 2.5);
  auto b = parse_growth_limit("50MB");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->is_percent);
  EXPECT_EQ(b->bytes, 50'000'000u);
  EXPECT_EQ(parse_growth_limit("1MiB")->bytes, 1u << 20);
  EXPECT_FALSE(parse_growth_limit(""));
  EXPECT_FALSE(parse_growth_limit("%"));
  EXPECT_FALSE(parse_growth_limit("five%"));
  EXPECT_FALSE(parse_growth_limit("1.2.3%"));
  EXPECT_EQ(growth_limit_text(*p), "5%");
  EXPECT_EQ(growth_limit_text(*b), "50.0 MB");
}

TEST(HistorySnapshot, FromAnAnalysis) {
  lstest::OciImage img;
  lstest::build_oci(img, {
                             {lstest::TarBuilder().file("usr/lib/a.so", std::string(9000, 'a')).file("etc/x", "1").finish(),
                              "gzip", "", "FROM base"},
                             {lstest::TarBuilder().file("app/main.py", std::string(1000, 'm')).file("app/tiny", "t").finish(),
                              "none", "", "COPY . /app # buildkit"},
                         });
  OpenedImage opened;
  opened.store = std::make_unique<MemoryStore>(std::move(img.store));
  opened.resolved = resolve_oci_layout(*opened.store, {});
  StreamedLayers none;
  Analysis a = analyze_opened(opened, none, {});
  SnapshotOptions so;
  so.recorded_at = "2026-02-01T12:00:00+01:00";
  so.labels = {{"commit", "b"}, {"branch", "main"}, {"commit", "c"}};
  // Stand-in findings, as the rules engine would have produced them.
  a.findings.clear();
  for (auto [rule, bytes] : {std::pair<const char*, uint64_t>{"pip-cache", 10}, {"pip-cache", 5}, {"apt", 1}}) {
    Finding f;
    f.rule = rule;
    f.bytes = bytes;
    f.savings_bytes = bytes - 1;
    a.findings.push_back(f);
  }
  Snapshot s = make_snapshot(a, so);
  EXPECT_EQ(s.recorded_at, "2026-02-01T11:00:00Z");
  EXPECT_EQ(s.series, "1.0");  // the OCI ref name, no repository
  EXPECT_EQ(s.labels, (Labels{{"branch", "main"}, {"commit", "c"}}));
  EXPECT_EQ(s.content_bytes, a.totals.content_bytes);
  EXPECT_EQ(s.compressed_bytes, a.totals.compressed_bytes);
  EXPECT_EQ(s.final_bytes, 10002u);
  ASSERT_EQ(s.layer_sizes.size(), 2u);
  EXPECT_EQ(s.layer_sizes[1].instruction, "COPY . /app");
  EXPECT_EQ(s.layer_sizes[1].content_bytes, 1001u);
  ASSERT_EQ(s.instructions.size(), 2u);
  // Directories of at least 1% (100 bytes): /app and /usr, /usr/lib, not /etc (1 byte).
  EXPECT_EQ(s.dir_min_bytes, 100u);
  ASSERT_EQ(s.dirs.size(), 3u);
  EXPECT_EQ(s.dirs[0].path, "/app");
  EXPECT_EQ(s.dirs[0].bytes, 1001u);
  EXPECT_EQ(s.dirs[0].files, 2u);
  EXPECT_EQ(s.dirs[2].path, "/usr/lib");
  ASSERT_EQ(s.findings.size(), 2u);
  EXPECT_EQ(s.findings[1].rule, "pip-cache");
  EXPECT_EQ(s.findings[1].count, 2u);
  EXPECT_EQ(s.findings[1].bytes, 15u);
  EXPECT_EQ(s.findings[1].savings_bytes, 13u);

  // The detail column round-trips and refuses what it does not know.
  Snapshot back;
  decode_snapshot_detail(encode_snapshot_detail(s), back, "test");
  EXPECT_EQ(back.dirs.size(), s.dirs.size());
  EXPECT_EQ(back.layer_sizes[0].diff_id, s.layer_sizes[0].diff_id);
  EXPECT_EQ(back.findings[0].rule, "apt");
  EXPECT_EQ(back.findings[1].savings_bytes, 13u);
  EXPECT_THROW(decode_snapshot_detail("{\"v\":2}", back, "test"), Error);
  EXPECT_THROW(decode_snapshot_detail("{\"v\":1,\"layers\":[{}]}", back, "test"), Error);
  EXPECT_THROW(decode_snapshot_detail("not json", back, "test"), Error);
}
