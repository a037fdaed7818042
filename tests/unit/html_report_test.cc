// The HTML report: hostile names and history stay inert text, invalid UTF-8 becomes U+FFFD,
// the tree's caps apply and say so, and the page is a pure function of the analysis.
#include <gtest/gtest.h>

#include <string>

#include "layerscope/report.h"
#include "report/html_util.h"
#include "support/image_builder.h"
#include "util/path.h"

using namespace layerscope;

namespace {

Analysis hostile_image() {
  lstest::TarBuilder t;
  t.file("app/<script>alert(1)</script>", "x")
      .file("app/\"><img src=x onerror=alert(1)>", "yy")
      .file("app/caf\xe9-\xff\xfe", "zzz")
      .file("app/it's & more", "w");
  for (int i = 0; i < 60; ++i) t.file("many/f" + std::to_string(100 + i), std::string(static_cast<size_t>(i + 1), 'm'));
  lstest::LayerSpec layer;
  layer.tar = t.finish();
  layer.compression = "gzip";
  layer.created_by = "/bin/sh -c echo '<b onmouseover=alert(1)>' > /x";
  lstest::OciImage img;
  lstest::build_oci(img, {layer});
  AnalyzeOptions o;
  o.jobs = 2;
  return lstest::analyze_oci(img, o);
}

}  // namespace

TEST(HtmlEscape, HostileStringsBecomeText) {
  EXPECT_EQ(html_escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(html_escape("\"><img src=x onerror=alert(1)>"), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(html_escape("a&b 'c'"), "a&amp;b &#39;c&#39;");
  EXPECT_EQ(html_escape("tab\tline\n"), "tab\tline\n");
  // Control characters show as U+FFFD: visible, and not in the page's markup.
  EXPECT_EQ(html_escape(std::string("nul\0bel\x07" "del\x7f", 12)), "nul\xEF\xBF\xBD" "bel\xEF\xBF\xBD" "del\xEF\xBF\xBD");
}

TEST(HtmlEscape, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(html_escape("caf\xc3\xa9"), "caf\xc3\xa9");                     // valid: kept
  EXPECT_EQ(html_escape("caf\xe9"), "caf\xEF\xBF\xBD");                     // Latin-1 byte
  EXPECT_EQ(html_escape("\xff\xfe"), "\xEF\xBF\xBD\xEF\xBF\xBD");           // never valid
  EXPECT_EQ(html_escape("\xc0\xbc"), "\xEF\xBF\xBD\xEF\xBF\xBD");           // overlong '<'
  EXPECT_EQ(html_escape("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(html_escape("\xe2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");           // truncated
}

TEST(HtmlReport, HostileNamesAndHistoryAreEscaped) {
  std::string page = render_html(hostile_image());
  for (const char* shown : {"<meta charset=\"utf-8\">", "default-src 'none'; style-src 'unsafe-inline'",
                            "&lt;script&gt;alert(1)&lt;", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
                            "caf\xEF\xBF\xBD-\xEF\xBF\xBD\xEF\xBF\xBD", "it&#39;s &amp; more",
                            "echo &#39;&lt;b onmouseover=alert(1)&gt;&#39;"}) {
    EXPECT_NE(page.find(shown), std::string::npos) << shown;
  }
  for (const char* raw : {"<script", "<img", "<b "}) EXPECT_EQ(page.find(raw), std::string::npos) << raw;
  EXPECT_TRUE(is_valid_utf8(page));
}

TEST(HtmlReport, PerDirectoryCapIsSummarisedAndNoted) {
  std::string page = render_html(hostile_image());
  // many/ holds 60 files of 1..60 bytes: the 50 largest are listed (largest first), the 10
  // smallest summed; no global cap applied.
  size_t largest = page.find(">f159</li>"), next = page.find(">f158</li>");
  EXPECT_NE(largest, std::string::npos);
  EXPECT_LT(largest, next);
  EXPECT_EQ(page.find(">f100</li>"), std::string::npos);
  EXPECT_NE(page.find("&#8230; 10 more (55 B)"), std::string::npos);
  EXPECT_NE(page.find("at most 50 entries per directory"), std::string::npos);
  EXPECT_EQ(page.find("in the whole tree"), std::string::npos);
}

TEST(HtmlReport, GlobalNodeCapAppliesAndIsNoted) {
  Analysis a = hostile_image();
  HtmlOptions o;
  o.max_nodes = 5;
  std::string page = render_html(a, o);
  EXPECT_NE(page.find("and 5 in the whole tree (the cap was reached)"), std::string::npos);
  size_t tree = page.find("<section id=\"tree\">");
  ASSERT_NE(tree, std::string::npos);
  size_t items = 0;
  for (size_t i = page.find("<li>", tree); i != std::string::npos; i = page.find("<li>", i + 1)) ++items;
  EXPECT_EQ(items, 5u);  // the "... more" lines are <li class="note">, not entries

  HtmlOptions wide;
  wide.max_children = 1000;
  std::string all = render_html(a, wide);
  EXPECT_EQ(all.find("class=\"cap\""), std::string::npos);  // nothing cut: no note
}

TEST(HtmlReport, SameAnalysisSameBytes) {
  Analysis a = hostile_image();
  Analysis b = hostile_image();
  EXPECT_EQ(render_html(a), render_html(b));
}
