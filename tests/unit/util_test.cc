#include <gtest/gtest.h>

#include "attrib/instruction.h"
#include "layerscope/error.h"
#include "util/digest.h"
#include "util/json.h"

#include <nlohmann/json.hpp>
#include "util/path.h"
#include "util/units.h"

using namespace layerscope;

TEST(CleanPath, NormalisesLikeGoPathClean) {
  EXPECT_EQ(clean_entry_path("./a//b/../c").path, "a/c");
  EXPECT_EQ(clean_entry_path("/etc/passwd").path, "etc/passwd");
  EXPECT_TRUE(clean_entry_path("/etc/passwd").was_absolute);
  EXPECT_EQ(clean_entry_path("./").path, "");
  EXPECT_EQ(clean_entry_path("dir/").path, "dir");
}

TEST(CleanPath, DotDotNeverClimbsAboveRoot) {
  CleanPath p = clean_entry_path("../../etc/shadow");
  EXPECT_EQ(p.path, "etc/shadow");
  EXPECT_TRUE(p.escaped);
  EXPECT_FALSE(clean_entry_path("a/../b").escaped);
}

TEST(CleanPath, ResolvesArchiveSymlinks) {
  EXPECT_EQ(resolve_relative("abc", "../x.tar"), "x.tar");
  EXPECT_EQ(resolve_relative("", "/abs/y"), "abs/y");
}

TEST(Utf8, AcceptsValidRejectsInvalid) {
  EXPECT_TRUE(is_valid_utf8("ünïcødé-文件-😀"));
  EXPECT_FALSE(is_valid_utf8("\xff\xfe"));
  EXPECT_FALSE(is_valid_utf8("\xe6\x96"));      // truncated sequence
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // surrogate
}

TEST(Digest, ParsesSha256AndSha512) {
  std::string h256(64, 'a'), h512(128, 'b');
  EXPECT_EQ(parse_digest("sha256:" + h256, "t").hex, h256);
  EXPECT_EQ(parse_digest("sha512:" + h512, "t").algorithm, DigestAlgorithm::kSha512);
}

TEST(Digest, RefusesUnknownAlgorithmsAndMalformedHex) {
  try {
    parse_digest("md5:" + std::string(32, 'a'), "layer");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
  }
  EXPECT_THROW(parse_digest("sha256:XYZ", "t"), Error);
  EXPECT_THROW(parse_digest("sha256:" + std::string(63, 'a'), "t"), Error);
  EXPECT_THROW(parse_digest("sha256:../../etc/passwd", "t"), Error);
}

TEST(Digest, KnownVector) {
  EXPECT_EQ(digest_of("abc").str(), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Units, HumanBytesAreSi) {
  EXPECT_EQ(human_bytes(999), "999 B");
  EXPECT_EQ(human_bytes(1000), "1.0 kB");
  EXPECT_EQ(human_bytes(500'000'000), "500.0 MB");
  EXPECT_EQ(human_bytes(999'960), "1.0 MB");
}

TEST(Units, ParsesSiIecAndDiveStyleSizes) {
  EXPECT_EQ(parse_byte_size("500MB"), 500'000'000u);
  EXPECT_EQ(parse_byte_size("500MiB"), 524'288'000u);
  EXPECT_EQ(parse_byte_size("0.5GB"), 500'000'000u);
  EXPECT_EQ(parse_byte_size("20Mb"), 20'000'000u);
  EXPECT_EQ(parse_byte_size("1,000kB"), 1'000'000u);
  EXPECT_EQ(parse_byte_size("42"), 42u);
  EXPECT_EQ(parse_byte_size("1 k"), 1000u);
  EXPECT_FALSE(parse_byte_size("1BB"));
  EXPECT_FALSE(parse_byte_size("MB"));
  EXPECT_FALSE(parse_byte_size("ten"));
}

TEST(Instruction, CleansEveryBuilderForm) {
  EXPECT_EQ(clean_instruction("/bin/sh -c #(nop)  ENV A=b"), "ENV A=b");
  EXPECT_EQ(clean_instruction("/bin/sh -c #(nop) COPY file:abc in /app "), "COPY file:abc in /app");
  EXPECT_EQ(clean_instruction("/bin/sh -c apt-get update"), "RUN apt-get update");
  EXPECT_EQ(clean_instruction("RUN /bin/sh -c apt-get update # buildkit"), "RUN apt-get update");
  EXPECT_EQ(clean_instruction("RUN |2 A=b C=d /bin/sh -c pip install x # buildkit"), "RUN pip install x");
  EXPECT_EQ(clean_instruction("|1 V=1 /bin/sh -c make"), "RUN make");
  EXPECT_EQ(clean_instruction("COPY . /app # buildkit"), "COPY . /app");
  EXPECT_EQ(clean_instruction("WORKDIR /app"), "WORKDIR /app");
  EXPECT_EQ(clean_instruction(""), "");
  EXPECT_EQ(instruction_keyword("COPY . /app"), "COPY");
  EXPECT_EQ(instruction_keyword("bazel build ..."), "");
}

// Found by fuzz_manifest_json: nlohmann throws out_of_range (not parse_error) for a number
// too large for a double; it escaped parse_json and terminated the process.
TEST(Json, NumberOverflowIsAFormatError) {
  for (const char* text : {R"({"size": 16e948})", "[1e999]", "-1E400"}) {
    try {
      parse_json(text, "config");
      ADD_FAILURE() << text << ": accepted";
    } catch (const layerscope::Error& e) {
      EXPECT_EQ(e.kind(), layerscope::ErrorKind::kFormat) << text;
      EXPECT_NE(e.text().find("config: invalid JSON: number overflow"), std::string::npos) << e.text();
    }
  }
}

// Found by fuzz_dockerfile: the build-arg count of "|N" comes from the image config; a huge
// N looped (practically) forever once the arguments ran out.
TEST(Instruction, HugeBuildArgCountDoesNotHang) {
  EXPECT_EQ(clean_instruction("|288888888888888888888888888888888 A=b /bin/sh -c make"), "");
  EXPECT_EQ(clean_instruction("|99999999999 A=b"), "");
  EXPECT_EQ(clean_instruction("|1 A=b /bin/sh -c make"), "RUN make");
}
