// The CLI's views of a run: the progress line's text and the --stats table.
#include <gtest/gtest.h>

#include "cli/progress_line.h"
#include "cli/run_stats.h"

using namespace layerscope;
using namespace layerscope::cli;

namespace {

std::string text(const std::string& phase, size_t layers, size_t done, uint64_t bytes, std::optional<uint64_t> total,
                 double rate, uint64_t archive = 0) {
  return progress_text({phase, layers, done, bytes, total, archive, rate});
}

}  // namespace

TEST(ProgressText, LayersBytesRateAndEta) {
  EXPECT_EQ(text("index", 9, 3, 412'000'000, 1'200'000'000, 310e6), "layers 3/9  412.0 MB / 1.2 GB  310.0 MB/s  ETA 3s");
  EXPECT_EQ(text("index", 9, 3, 412'000'000, 1'200'000'000, 1e6), "layers 3/9  412.0 MB / 1.2 GB  1.0 MB/s  ETA 13m08s");
  EXPECT_EQ(text("index", 9, 3, 0, 7'300'000'000, 1e6), "layers 3/9  0 B / 7.3 GB  1.0 MB/s  ETA 2h01m");
}

TEST(ProgressText, NoEtaWithoutATotalOrARate) {
  EXPECT_EQ(text("index", 2, 0, 5'000, std::nullopt, 0), "layers 0/2  5.0 kB");
  EXPECT_EQ(text("index", 2, 0, 5'000, std::nullopt, 2e6), "layers 0/2  5.0 kB  2.0 MB/s");
  EXPECT_EQ(text("index", 2, 0, 5'000, 9'000, 0), "layers 0/2  5.0 kB / 9.0 kB");
}

TEST(ProgressText, OtherPhasesByName) {
  EXPECT_EQ(text("merge", 0, 0, 0, std::nullopt, 0), "merge");
  EXPECT_EQ(text("index", 0, 0, 0, std::nullopt, 0), "index");  // before the layers are announced
  EXPECT_EQ(text("open", 0, 0, 0, std::nullopt, 120e6, 45'000'000), "open  45.0 MB  120.0 MB/s");
}

TEST(RunStats, OneRowPerLayerAndTotals) {
  RunStats st;
  st.phase_end("open", 0.5);
  st.layers_begin(2, std::nullopt);
  st.layer_end(1, {"sha256:0123456789abcdef", Compression::kGzip, 1000, 4'000'000, 2.0, false});
  st.layer_end(0, {"sha256:fedcba9876543210", Compression::kNone, 3000, 3000, 0.001, true});
  st.phase_end("index", 2.0);
  st.phase_end("render", 0.25);
  std::string t = st.render();
  EXPECT_NE(t.find("open             0.500\n"), std::string::npos) << t;
  EXPECT_NE(t.find("total            2.750\n"), std::string::npos) << t;
  auto row0 = t.find("    0  sha256:fedcba987654  none");
  auto row1 = t.find("    1  sha256:0123456789ab  gzip");
  ASSERT_NE(row0, std::string::npos) << t;
  ASSERT_NE(row1, std::string::npos) << t;
  EXPECT_LT(row0, row1);
  std::string line0 = t.substr(row0, t.find('\n', row0) - row0);
  std::string line1 = t.substr(row1, t.find('\n', row1) - row1);
  EXPECT_NE(line0.find("3,000"), std::string::npos) << line0;
  EXPECT_EQ(line0.substr(line0.size() - 5), "cache") << line0;
  EXPECT_NE(line1.find("4,000,000"), std::string::npos);
  EXPECT_NE(line1.find("2.000"), std::string::npos);
  EXPECT_EQ(line1.substr(line1.size() - 3), "2.0") << line1;  // 4 MB in 2 s
  auto total = t.find("total", row1);
  ASSERT_NE(total, std::string::npos);
  std::string last = t.substr(total);
  EXPECT_NE(last.find("4,000"), std::string::npos) << last;
  EXPECT_NE(last.find("4,003,000"), std::string::npos) << last;
  EXPECT_EQ(t.find("image 1 of"), std::string::npos);  // one image: no per-image headings
}

TEST(RunStats, StreamedLayersCountTowardTheTotalTime) {
  RunStats st;
  st.layers_begin(2, 2000);
  LayerStats l{"sha256:0123456789abcdef", Compression::kNone, 1000, 1000, 0.5, false, true};
  st.layer_end(0, l);
  st.layer_end(1, l);
  st.phase_end("index", 0.25);
  std::string t = st.render();
  EXPECT_NE(t.find("  streamed\n"), std::string::npos) << t;
  // Indexed one after another while the archive streamed, then the (short) index phase.
  EXPECT_NE(t.find("1.250"), std::string::npos) << t;
}
