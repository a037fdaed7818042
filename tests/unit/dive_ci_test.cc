// dive's CI rules and `.dive-ci` parsing (../shared/DIVE-COMPAT.md, "CI rules and .dive-ci"),
// checked on the values dive's own test-suite asserts for its test image, plus the Go/
// go-humanize number formats the dive-compatible output relies on.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "layerscope/dive_ci.h"
#include "layerscope/error.h"
#include "report/dive_format.h"
#include "util/units.h"

using namespace layerscope;

namespace {

// dive's test-docker-image.tar, as DIVE-COMPAT.md quotes dive's asserted values.
Efficiency dive_test_image() {
  Efficiency e;
  e.score = 0.9844212134184309;
  e.wasted_bytes = 32025;
  e.user_wasted_percent = 0.4834911001404049;
  e.image_bytes = 1220598;
  e.user_bytes = 66237;
  e.inefficient_paths = {{"/root/example/somefile1.txt", 12810, 2},
                         {"/root/saved.txt", 12810, 2},
                         {"/root/example/somefile3.txt", 6405, 2}};
  return e;
}

DiveCiResult evaluate_yaml(const std::string& yaml, const Efficiency& e = dive_test_image()) {
  return evaluate_dive_ci(parse_dive_ci(yaml), e);
}

std::string rules_yaml(const std::string& eff, const std::string& bytes, const std::string& pct) {
  return "rules:\n  lowestEfficiency: " + eff + "\n  highestWastedBytes: " + bytes +
         "\n  highestUserWastedPercent: " + pct + "\n";
}

void expect_statuses(const DiveCiResult& r, DiveRuleStatus eff, DiveRuleStatus bytes, DiveRuleStatus pct) {
  ASSERT_EQ(r.rules.size(), 3u);
  EXPECT_EQ(r.rules[0].id, "lowestEfficiency");
  EXPECT_EQ(r.rules[1].id, "highestWastedBytes");
  EXPECT_EQ(r.rules[2].id, "highestUserWastedPercent");
  EXPECT_EQ(r.rules[0].status, eff) << dive_rule_status_name(r.rules[0].status) << ": " << r.rules[0].message;
  EXPECT_EQ(r.rules[1].status, bytes) << dive_rule_status_name(r.rules[1].status) << ": " << r.rules[1].message;
  EXPECT_EQ(r.rules[2].status, pct) << dive_rule_status_name(r.rules[2].status) << ": " << r.rules[2].message;
}

constexpr auto kPass = DiveRuleStatus::kPass;
constexpr auto kFail = DiveRuleStatus::kFail;
constexpr auto kSkip = DiveRuleStatus::kSkip;
constexpr auto kMisconfigured = DiveRuleStatus::kMisconfigured;

}  // namespace

TEST(DiveCi, AllThreeFail) {
  DiveCiResult r = evaluate_yaml(rules_yaml("0.99", "1B", "0.01"));
  expect_statuses(r, kFail, kFail, kFail);
  EXPECT_FALSE(r.pass);
  EXPECT_FALSE(r.misconfigured);
  EXPECT_EQ(r.rules[0].message, "image efficiency is too low (efficiency=0.9844212134184309 < threshold=0.99)");
  EXPECT_EQ(r.rules[1].message, "too many bytes wasted (wasted-bytes=32025 > threshold=1)");
  EXPECT_EQ(r.rules[2].message,
            "too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=0.4834911001404049 > "
            "threshold=0.01)");
  EXPECT_EQ(r.rules[0].threshold, "0.99");
  EXPECT_EQ(r.rules[0].actual, "0.9844212134184309");
  EXPECT_EQ(r.rules[1].actual, "32025");

  EXPECT_EQ(render_dive_ci(r, dive_test_image()),
            "  efficiency: 98.4421 %\n"
            "  wastedBytes: 32025 bytes (32 kB)\n"
            "  userWastedPercent: 48.3491 %\n"
            "Inefficient Files:\n"
            "Count  Wasted Space  File Path\n"
            "    2         13 kB  /root/example/somefile1.txt\n"
            "    2         13 kB  /root/saved.txt\n"
            "    2        6.4 kB  /root/example/somefile3.txt\n"
            "Results:\n"
            "  FAIL: highestUserWastedPercent: too many bytes wasted, relative to the user bytes added "
            "(%-user-wasted-bytes=0.4834911001404049 > threshold=0.01)\n"
            "  FAIL: highestWastedBytes: too many bytes wasted (wasted-bytes=32025 > threshold=1)\n"
            "  FAIL: lowestEfficiency: image efficiency is too low (efficiency=0.9844212134184309 < threshold=0.99)\n"
            "Result:FAIL [Total:3] [Passed:0] [Failed:3] [Warn:0] [Skipped:0]\n");
}

TEST(DiveCi, AllThreePass) {
  DiveCiResult r = evaluate_yaml(rules_yaml("0.9", "50kB", "0.5"));
  expect_statuses(r, kPass, kPass, kPass);
  EXPECT_TRUE(r.pass);
  std::string text = render_dive_ci(r, dive_test_image());
  EXPECT_NE(text.find("  PASS: lowestEfficiency\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Result:PASS [Total:3] [Passed:3] [Failed:0] [Warn:0] [Skipped:0]\n"), std::string::npos);
}

TEST(DiveCi, AllDisabledSkipAndPass) {
  DiveCiResult r = evaluate_yaml(rules_yaml("disabled", "disabled", "disabled"));
  expect_statuses(r, kSkip, kSkip, kSkip);
  EXPECT_TRUE(r.pass);
  EXPECT_EQ(r.rules[0].message, "rule disabled");
  std::string text = render_dive_ci(r, dive_test_image());
  EXPECT_NE(text.find("  SKIP: highestWastedBytes: rule disabled\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Result:PASS [Total:3] [Passed:0] [Failed:0] [Warn:0] [Skipped:3]\n"), std::string::npos);
}

TEST(DiveCi, OutOfRangeAndUnparsableAreMisconfigured) {
  DiveCiResult r = evaluate_yaml(rules_yaml("1.1", "1BB", "10"));
  expect_statuses(r, kMisconfigured, kMisconfigured, kMisconfigured);
  EXPECT_TRUE(r.misconfigured);
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.rules[0].message, "lowestEfficiency config value is outside allowed range (0-1), given '1.1'");
  EXPECT_EQ(r.rules[1].message, "invalid config value ('1BB'): unhandled size name: bb");
  EXPECT_EQ(r.rules[2].message, "highestUserWastedPercent config value is outside allowed range (0-1), given '10'");
  EXPECT_EQ(render_dive_ci(r, dive_test_image()),
            "  efficiency: 98.4421 %\n"
            "  wastedBytes: 32025 bytes (32 kB)\n"
            "  userWastedPercent: 48.3491 %\n"
            "Inefficient Files:\n"
            "Count  Wasted Space  File Path\n"
            "None\n"
            "Results:\n"
            "  MISCONFIGURED: highestUserWastedPercent: highestUserWastedPercent config value is outside allowed "
            "range (0-1), given '10'\n"
            "  MISCONFIGURED: highestWastedBytes: invalid config value ('1BB'): unhandled size name: bb\n"
            "  MISCONFIGURED: lowestEfficiency: lowestEfficiency config value is outside allowed range (0-1), given "
            "'1.1'\n"
            "CI Misconfigured\n");
}

TEST(DiveCi, OneMisconfiguredRuleStopsTheOthers) {
  // lowestEfficiency 0.99 would fail, but nothing is evaluated once a rule is misconfigured.
  DiveCiResult r = evaluate_yaml(rules_yaml("0.99", "disabled", "abc"));
  expect_statuses(r, kSkip, kSkip, kMisconfigured);
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.rules[2].message, "invalid config value ('abc'): strconv.ParseFloat: parsing \"abc\": invalid syntax");
  std::string text = render_dive_ci(r, dive_test_image());
  EXPECT_NE(text.find("  CONFIGURED   : lowestEfficiency: test\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  CONFIGURED   : highestWastedBytes: rule disabled\n"), std::string::npos) << text;
  EXPECT_NE(text.find("CI Misconfigured\n"), std::string::npos);
}

TEST(DiveCi, DefaultsApplyToAbsentKeys) {
  DiveCiConfig c = parse_dive_ci("");
  EXPECT_EQ(c.lowest_efficiency.value, "0.9");
  EXPECT_EQ(c.highest_wasted_bytes.value, "disabled");
  EXPECT_EQ(c.highest_user_wasted_percent.value, "0.1");
  // 0.98 >= 0.9 passes; wasted bytes disabled; 0.48 > 0.1 fails.
  expect_statuses(evaluate_dive_ci(c, dive_test_image()), kPass, kSkip, kFail);

  DiveCiConfig partial = parse_dive_ci("other: 1\nrules:\n  highestWastedBytes: 20MB\n  unknownRule: 3\n");
  EXPECT_EQ(partial.lowest_efficiency.value, "0.9");
  EXPECT_EQ(partial.highest_wasted_bytes.value, "20MB");
  EXPECT_EQ(partial.highest_user_wasted_percent.value, "0.1");
  EXPECT_EQ(parse_dive_ci("rules:\n").lowest_efficiency.value, "0.9");
}

TEST(DiveCi, KebabCaseAndCaseInsensitiveKeys) {
  DiveCiConfig c = parse_dive_ci(
      "rules:\n  lowest-efficiency: 0.95\n  highest-wasted-bytes: 20Mb\n  highest-user-wasted-percent: 0.2\n");
  EXPECT_EQ(c.lowest_efficiency.value, "0.95");
  EXPECT_EQ(c.highest_wasted_bytes.value, "20Mb");
  EXPECT_EQ(c.highest_user_wasted_percent.value, "0.2");
  // The spelling dive's newer config struct uses.
  EXPECT_EQ(parse_dive_ci("rules:\n  lowest-efficiency-threshold: 0.7\n").lowest_efficiency.value, "0.7");
  EXPECT_EQ(parse_dive_ci("rules:\n  LowestEfficiency: 0.6\n").lowest_efficiency.value, "0.6");
  // The same rule under two spellings: fine when they agree, misconfigured when not.
  EXPECT_TRUE(parse_dive_ci("rules:\n  lowestEfficiency: 0.7\n  lowest-efficiency: 0.7\n").lowest_efficiency.problem.empty());
  DiveCiResult r = evaluate_yaml("rules:\n  lowestEfficiency: 0.7\n  lowest-efficiency: 0.8\n");
  EXPECT_EQ(r.rules[0].status, kMisconfigured);
  EXPECT_FALSE(r.pass);
}

TEST(DiveCi, DisabledSpellings) {
  for (const char* v : {"disabled", "DISABLED", "off", "Off", "false", "FALSE", "\"\"", "''", "", "~", "\" off \""}) {
    DiveCiResult r = evaluate_yaml(std::string("rules:\n  highestUserWastedPercent: ") + v + "\n");
    EXPECT_EQ(r.rules[2].status, kSkip) << "value: [" << v << "] -> " << r.rules[2].message;
  }
  // "no" is not one of them: it is not a number either.
  EXPECT_EQ(evaluate_yaml("rules:\n  highestUserWastedPercent: no\n").rules[2].status, kMisconfigured);
}

TEST(DiveCi, ComparisonsAreStrict) {
  Efficiency e = dive_test_image();
  DiveCiResult r = evaluate_yaml(rules_yaml("0.9844212134184309", "32025", "0.4834911001404049"), e);
  expect_statuses(r, kPass, kPass, kPass);
  // One float64 step past each value (and one byte) fails.
  r = evaluate_yaml(rules_yaml(go_float(std::nextafter(e.score, 2.0)), "32024",
                               go_float(std::nextafter(e.user_wasted_percent, 0.0))),
                    e);
  expect_statuses(r, kFail, kFail, kFail);
  // Sizes follow dive's units: 32.025kB == 32025 passes, 31.27KiB == 32020 fails.
  EXPECT_EQ(evaluate_yaml(rules_yaml("0", "32.025kB", "1"), e).rules[1].status, kPass);
  EXPECT_EQ(evaluate_yaml(rules_yaml("0", "31.27KiB", "1"), e).rules[1].status, kFail);
  EXPECT_EQ(evaluate_yaml(rules_yaml("0", "32,025", "1"), e).rules[1].status, kPass);
}

TEST(DiveCi, NaNPercentPassesAndInfinityFails) {
  Efficiency e = dive_test_image();
  e.user_wasted_percent = std::numeric_limits<double>::quiet_NaN();
  DiveCiResult r = evaluate_yaml(rules_yaml("0", "disabled", "0"), e);
  EXPECT_EQ(r.rules[2].status, kPass);
  EXPECT_EQ(r.rules[2].actual, "NaN");
  EXPECT_NE(render_dive_ci(r, e).find("  userWastedPercent: NaN %\n"), std::string::npos);

  e.user_wasted_percent = std::numeric_limits<double>::infinity();
  r = evaluate_yaml(rules_yaml("0", "disabled", "1"), e);
  EXPECT_EQ(r.rules[2].status, kFail);
  EXPECT_EQ(r.rules[2].message,
            "too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=+Inf > threshold=1)");
  EXPECT_NE(render_dive_ci(r, e).find("  userWastedPercent: +Inf %\n"), std::string::npos);
}

TEST(DiveCi, RatioEdgeValues) {
  EXPECT_EQ(evaluate_yaml(rules_yaml("nan", "disabled", "0.5")).rules[0].status, kMisconfigured);
  EXPECT_EQ(evaluate_yaml(rules_yaml("inf", "disabled", "0.5")).rules[0].status, kMisconfigured);
  EXPECT_EQ(evaluate_yaml(rules_yaml("-0.1", "disabled", "0.5")).rules[0].status, kMisconfigured);
  EXPECT_EQ(evaluate_yaml(rules_yaml("0", "disabled", "1")).rules[0].status, kPass);
  EXPECT_EQ(evaluate_yaml(rules_yaml("1", "disabled", "1")).rules[0].status, kFail);
  EXPECT_EQ(evaluate_yaml(rules_yaml(".5", "disabled", "1")).rules[0].status, kPass);
  // A list is not a threshold.
  EXPECT_EQ(evaluate_yaml("rules:\n  lowestEfficiency: [0.5]\n").rules[0].status, kMisconfigured);
}

TEST(DiveCi, MalformedFilesAreConfigErrors) {
  auto kind_of = [](const std::string& yaml) {
    try {
      parse_dive_ci(yaml);
    } catch (const Error& e) {
      return e.kind();
    }
    return ErrorKind::kInternal;
  };
  EXPECT_EQ(kind_of("rules: [unclosed\n"), ErrorKind::kConfig);
  EXPECT_EQ(kind_of("- a\n- b\n"), ErrorKind::kConfig);
  EXPECT_EQ(kind_of("rules: 0.9\n"), ErrorKind::kConfig);
}

TEST(DiveByteSize, FollowsGoHumanize) {
  EXPECT_EQ(parse_dive_byte_size("20MB"), 20'000'000u);
  EXPECT_EQ(parse_dive_byte_size("20Mb"), 20'000'000u);
  EXPECT_EQ(parse_dive_byte_size("20mb"), 20'000'000u);
  EXPECT_EQ(parse_dive_byte_size("20M"), 20'000'000u);
  EXPECT_EQ(parse_dive_byte_size("20MiB"), 20'971'520u);
  EXPECT_EQ(parse_dive_byte_size("20mi"), 20'971'520u);
  EXPECT_EQ(parse_dive_byte_size("50kB"), 50'000u);
  EXPECT_EQ(parse_dive_byte_size("1B"), 1u);
  EXPECT_EQ(parse_dive_byte_size("1,000,000"), 1'000'000u);
  EXPECT_EQ(parse_dive_byte_size("1 kb "), 1'000u);
  EXPECT_EQ(parse_dive_byte_size("1.5k"), 1'500u);
  EXPECT_EQ(parse_dive_byte_size("1.7"), 1u);  // truncated, not rounded
  EXPECT_EQ(parse_dive_byte_size("2TB"), 2'000'000'000'000u);
  EXPECT_EQ(parse_dive_byte_size("1GiB"), uint64_t{1} << 30);
  EXPECT_EQ(parse_dive_byte_size("15EiB"), uint64_t{15} << 60);
  std::string err;
  EXPECT_FALSE(parse_dive_byte_size("1BB", &err));
  EXPECT_EQ(err, "unhandled size name: bb");
  EXPECT_FALSE(parse_dive_byte_size("16EiB", &err));
  EXPECT_EQ(err, "too large: 16EiB");
  EXPECT_FALSE(parse_dive_byte_size("MB", &err));
  EXPECT_EQ(err, "strconv.ParseFloat: parsing \"\": invalid syntax");
  EXPECT_FALSE(parse_dive_byte_size(" 1kb"));  // go-humanize reads the number from the first byte
  EXPECT_FALSE(parse_dive_byte_size("1.2.3kb"));
  EXPECT_FALSE(parse_dive_byte_size("1e3"));
}

TEST(DiveByteSize, GoParseFloat) {
  EXPECT_EQ(parse_go_float("0.5"), 0.5);
  EXPECT_EQ(parse_go_float("+0.5"), 0.5);
  EXPECT_EQ(parse_go_float("-0.5"), -0.5);
  EXPECT_EQ(parse_go_float(".5"), 0.5);
  EXPECT_EQ(parse_go_float("5."), 5.0);
  EXPECT_EQ(parse_go_float("1e-1"), 0.1);
  EXPECT_EQ(parse_go_float("0x1p-1"), 0.5);
  EXPECT_EQ(parse_go_float("1e-400"), 0.0);  // underflow is no error in Go
  EXPECT_TRUE(std::isinf(*parse_go_float("Infinity")));
  EXPECT_TRUE(std::isnan(*parse_go_float("NaN")));
  std::string err;
  EXPECT_FALSE(parse_go_float("1e999", &err));
  EXPECT_EQ(err, "strconv.ParseFloat: parsing \"1e999\": value out of range");
  EXPECT_FALSE(parse_go_float(" 0.5", &err));
  EXPECT_EQ(err, "strconv.ParseFloat: parsing \" 0.5\": invalid syntax");
  EXPECT_FALSE(parse_go_float("0x1"));
  EXPECT_FALSE(parse_go_float("1_000"));
  EXPECT_FALSE(parse_go_float("+nan"));
  EXPECT_FALSE(parse_go_float("nan(1)"));
  EXPECT_FALSE(parse_go_float(""));
  EXPECT_FALSE(parse_go_float("0.5x"));
}

TEST(DiveFormat, GoFloatAndHumanizeBytes) {
  EXPECT_EQ(go_float(0.9844212134184309), "0.9844212134184309");
  EXPECT_EQ(go_float(0.01), "0.01");
  EXPECT_EQ(go_float(1), "1");
  EXPECT_EQ(go_float(0.00001), "1e-05");
  EXPECT_EQ(go_float(0.0001), "0.0001");
  EXPECT_EQ(go_float(123456), "123456");
  EXPECT_EQ(go_float(1500000), "1.5e+06");
  EXPECT_EQ(go_float(-2.5), "-2.5");
  EXPECT_EQ(go_float(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(go_float(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(go_float(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(go_fixed(98.44212134184309, 4), "98.4421");
  EXPECT_EQ(go_fixed(std::numeric_limits<double>::quiet_NaN(), 4), "NaN");
  EXPECT_EQ(go_fixed(std::numeric_limits<double>::infinity(), 4), "+Inf");
  EXPECT_EQ(go_humanize_bytes(0), "0 B");
  EXPECT_EQ(go_humanize_bytes(9), "9 B");
  EXPECT_EQ(go_humanize_bytes(999), "999 B");
  EXPECT_EQ(go_humanize_bytes(1000), "1.0 kB");
  EXPECT_EQ(go_humanize_bytes(6405), "6.4 kB");
  EXPECT_EQ(go_humanize_bytes(12810), "13 kB");
  EXPECT_EQ(go_humanize_bytes(32025), "32 kB");
  EXPECT_EQ(go_humanize_bytes(1220598), "1.2 MB");
}
