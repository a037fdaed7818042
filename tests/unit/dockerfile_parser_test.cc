// The Dockerfile parser against the Dockerfile reference: directives, comments,
// continuations, heredocs, exec form, flags, substitution, stages, and malformed input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "attrib/dockerfile.h"
#include "layerscope/error.h"

using namespace layerscope;

namespace {

// The message of the kConfig error parsing `text` throws ("" when it parses).
std::string error_of(const std::string& text) {
  try {
    parse_dockerfile(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig) << e.text();
    EXPECT_EQ(exit_code_for(e.kind()), 2);
    return e.text();
  }
  return "";
}

const DockerfileInstruction& only(const Dockerfile& df, size_t i) { return df.stages.back().instructions.at(i); }

}  // namespace

TEST(DockerfileParser, InstructionsKeepTheirLinesAndForm) {
  Dockerfile df = parse_dockerfile(
      "# a comment\n"
      "FROM debian:bookworm\n"
      "\n"
      "run apt-get update\n"
      "CMD [\"python3\", \"-m\", \"app\"]\n");
  ASSERT_EQ(df.stages.size(), 1u);
  EXPECT_EQ(df.stages[0].base, "debian:bookworm");
  EXPECT_EQ(df.stages[0].from.first_line, 2);
  const auto& run = only(df, 0);
  EXPECT_EQ(run.keyword, "RUN");
  EXPECT_EQ(run.first_line, 4);
  EXPECT_EQ(run.last_line, 4);
  EXPECT_FALSE(run.json_form);
  EXPECT_EQ(run.args, std::vector<std::string>{"apt-get update"});
  EXPECT_EQ(run.display(), "RUN apt-get update");
  const auto& cmd = only(df, 1);
  EXPECT_TRUE(cmd.json_form);
  EXPECT_EQ(cmd.args, (std::vector<std::string>{"python3", "-m", "app"}));
}

TEST(DockerfileParser, ContinuationsJoinLinesAndSkipCommentsAndBlankLines) {
  Dockerfile df = parse_dockerfile(
      "FROM alpine\n"
      "RUN apk add \\\n"
      "      curl \\\n"
      "# a comment inside the continuation is dropped\n"
      "   # so is an indented one\n"
      "      git \\   \n"  // blanks after the escape still continue
      "\n"                   // an empty continuation line (deprecated, accepted)
      "      make\n"
      "USER app\n");
  const auto& run = only(df, 0);
  EXPECT_EQ(run.first_line, 2);
  EXPECT_EQ(run.last_line, 8);
  EXPECT_EQ(run.raw_args, "apk add       curl       git       make");
  EXPECT_EQ(run.display(), "RUN apk add curl git make");
  EXPECT_EQ(only(df, 1).first_line, 9);
  ASSERT_EQ(df.warnings.size(), 1u);
  EXPECT_EQ(df.warnings[0].rfind("Dockerfile:7:", 0), 0u) << df.warnings[0];
}

TEST(DockerfileParser, BacktickEscapeDirective) {
  Dockerfile df = parse_dockerfile(
      "# escape=`\n"
      "\n"
      "FROM mcr.microsoft.com/windows/servercore\n"
      "COPY testfile.txt c:\\\n"
      "RUN dir c:\\ `\n"
      "    && echo done\n"
      "ENV P=C:\\tools `\n"
      "    Q=`$notavar\n");
  EXPECT_EQ(df.escape, '`');
  const auto& copy = only(df, 0);
  // With the backtick escape a trailing backslash is an ordinary character.
  EXPECT_EQ(copy.args, (std::vector<std::string>{"testfile.txt", "c:\\"}));
  EXPECT_EQ(copy.last_line, 4);
  const auto& run = only(df, 1);
  EXPECT_EQ(run.first_line, 5);
  EXPECT_EQ(run.last_line, 6);
  EXPECT_EQ(run.display(), "RUN dir c:\\ && echo done");
  const auto& env = only(df, 2);
  ASSERT_EQ(env.pairs.size(), 2u);
  EXPECT_EQ(env.pairs[0], (std::pair<std::string, std::string>{"P", "C:\\tools"}));
  EXPECT_EQ(env.pairs[1], (std::pair<std::string, std::string>{"Q", "$notavar"}));
}

TEST(DockerfileParser, DirectivesOnlyAtTheTop) {
  Dockerfile df = parse_dockerfile(
      "# syntax=docker/dockerfile:1.7\n"
      "#Escape = \\\n"
      "# a comment ends the directives\n"
      "# escape=`\n"
      "FROM scratch\n"
      "COPY a b \\\n"
      "  c\n");
  EXPECT_EQ(df.syntax, "docker/dockerfile:1.7");
  EXPECT_EQ(df.escape, '\\');
  EXPECT_EQ(only(df, 0).args, (std::vector<std::string>{"a", "b", "c"}));
  // An unknown directive is a comment and ends the directive block.
  Dockerfile df2 = parse_dockerfile("# unknown=x\n# escape=`\nFROM scratch\n");
  EXPECT_EQ(df2.escape, '\\');
  EXPECT_NE(error_of("# escape=\\\n# escape=`\nFROM scratch\n").find("Dockerfile:2: only one escape"), std::string::npos);
  EXPECT_EQ(error_of("# escape=x\nFROM scratch\n").rfind("Dockerfile:1: invalid escape token", 0), 0u);
}

TEST(DockerfileParser, Heredocs) {
  Dockerfile df = parse_dockerfile(
      "FROM debian\n"
      "RUN <<EOF\n"
      "apt-get update\n"
      "apt-get install -y curl\n"
      "EOF\n"
      "RUN <<-\"SCRIPT\" bash\n"
      "\techo $HOME\n"
      "\tSCRIPT\n"
      "COPY <<one.txt <<two.txt /etc/\n"
      "first\n"
      "one.txt\n"
      "second\n"
      "two.txt\n"
      "RUN python3 <<PY > /out\n"
      "print(1)\n"
      "PY\n"
      "RUN echo '<<notaheredoc'\n");
  const auto& r1 = only(df, 0);
  ASSERT_EQ(r1.heredocs.size(), 1u);
  EXPECT_EQ(r1.heredocs[0].name, "EOF");
  EXPECT_EQ(r1.heredocs[0].body, "apt-get update\napt-get install -y curl\n");
  EXPECT_TRUE(r1.heredocs[0].expand);
  EXPECT_EQ(r1.heredocs[0].first_line, 3);
  EXPECT_EQ(r1.first_line, 2);
  EXPECT_EQ(r1.last_line, 5);

  const auto& r2 = only(df, 1);
  ASSERT_EQ(r2.heredocs.size(), 1u);
  EXPECT_TRUE(r2.heredocs[0].chomp);
  EXPECT_FALSE(r2.heredocs[0].expand);  // quoted delimiter
  EXPECT_EQ(r2.heredocs[0].name, "SCRIPT");
  EXPECT_EQ(r2.heredocs[0].body, "echo $HOME\n");  // leading tab stripped
  EXPECT_EQ(r2.last_line, 8);

  const auto& copy = only(df, 2);
  ASSERT_EQ(copy.heredocs.size(), 2u);
  EXPECT_EQ(copy.heredocs[0].body, "first\n");
  EXPECT_EQ(copy.heredocs[1].body, "second\n");
  EXPECT_EQ(copy.args, (std::vector<std::string>{"<<one.txt", "<<two.txt", "/etc/"}));
  EXPECT_EQ(copy.first_line, 9);
  EXPECT_EQ(copy.last_line, 13);

  const auto& r3 = only(df, 3);
  ASSERT_EQ(r3.heredocs.size(), 1u);
  EXPECT_EQ(r3.heredocs[0].body, "print(1)\n");
  EXPECT_EQ(r3.first_line, 14);
  EXPECT_EQ(r3.last_line, 16);

  EXPECT_TRUE(only(df, 4).heredocs.empty());  // quoted: not a heredoc
  EXPECT_EQ(only(df, 4).first_line, 17);
}

TEST(DockerfileParser, UnterminatedHeredocIsAnError) {
  EXPECT_EQ(error_of("FROM debian\n\nRUN <<EOF\necho hi\n").rfind("Dockerfile:3: heredoc <<EOF is never closed", 0), 0u);
}

TEST(DockerfileParser, ExecFormAndShellForm) {
  Dockerfile df = parse_dockerfile(
      "FROM debian\n"
      "RUN [\"/bin/bash\", \"-c\", \"echo \\\"hi\\\"\"]\n"
      "RUN [not json\n"
      "ENTRYPOINT [\"/app\"]\n"
      "CMD echo $HOME\n"
      "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
      "COPY [\"my file.txt\", \"/dst dir/\"]\n"
      "VOLUME [\"/data\"]\n"
      "HEALTHCHECK --interval=5s CMD [\"curl\", \"-f\", \"http://localhost/\"]\n"
      "HEALTHCHECK NONE\n");
  EXPECT_TRUE(only(df, 0).json_form);
  EXPECT_EQ(only(df, 0).args, (std::vector<std::string>{"/bin/bash", "-c", "echo \"hi\""}));
  EXPECT_FALSE(only(df, 1).json_form);
  EXPECT_EQ(only(df, 1).args, std::vector<std::string>{"[not json"});
  EXPECT_TRUE(only(df, 2).json_form);
  EXPECT_FALSE(only(df, 3).json_form);
  EXPECT_EQ(only(df, 3).args, std::vector<std::string>{"echo $HOME"});  // never substituted
  EXPECT_EQ(only(df, 4).args, (std::vector<std::string>{"/bin/bash", "-o", "pipefail", "-c"}));
  EXPECT_EQ(only(df, 5).args, (std::vector<std::string>{"my file.txt", "/dst dir/"}));
  EXPECT_EQ(only(df, 6).args, std::vector<std::string>{"/data"});
  EXPECT_EQ(only(df, 7).args, (std::vector<std::string>{"curl", "-f", "http://localhost/"}));
  ASSERT_NE(only(df, 7).flag("interval"), nullptr);
  EXPECT_EQ(only(df, 7).flag("interval")->expanded, "5s");
  EXPECT_NE(error_of("FROM a\nSHELL /bin/bash -c\n").find("Dockerfile:2: SHELL requires the arguments to be in JSON form"),
            std::string::npos);
}

TEST(DockerfileParser, ArgAndEnvSubstitution) {
  Dockerfile df = parse_dockerfile(
      "ARG BASE=debian\n"
      "ARG TAG\n"
      "FROM ${BASE}:${TAG:-bookworm} AS build\n"
      "ARG APP=/srv/app\n"
      "ENV HOME_DIR=$APP/home EMPTY= QUOTED=\"a b\"\n"
      "WORKDIR ${HOME_DIR}\n"
      "COPY ${UNSET:-default.txt} ${EMPTY:-/e} ${EMPTY-/notused} ${APP:+/alt} ${UNSET:+/never}x $APP/\n"
      "COPY '$APP' \"$APP\" \\$APP /d\n"
      "ENV APP=/opt/override\n"
      "ARG APP=/ignored\n"
      "USER ${APP}\n"
      "ENV FILE=archive.tar.gz\n"
      "LABEL base=${FILE%%.*} ext=${FILE#*.} dir=${BASE}\n"
      "ENV A=1\n"
      "ENV A=2 B=$A\n");
  ASSERT_EQ(df.global_args.size(), 2u);
  EXPECT_EQ(df.stages[0].base, "debian:bookworm");
  EXPECT_EQ(df.stages[0].name, "build");
  EXPECT_EQ(only(df, 1).pairs, (std::vector<std::pair<std::string, std::string>>{
                                   {"HOME_DIR", "/srv/app/home"}, {"EMPTY", ""}, {"QUOTED", "a b"}}));
  EXPECT_EQ(only(df, 2).expanded, "/srv/app/home");
  EXPECT_EQ(only(df, 3).args,
            // An unquoted expansion to "" is no word at all, as in a shell.
            (std::vector<std::string>{"default.txt", "/e", "/alt", "x", "/srv/app/"}));
  EXPECT_EQ(only(df, 4).args, (std::vector<std::string>{"$APP", "/srv/app", "$APP", "/d"}));
  EXPECT_EQ(only(df, 7).expanded, "/opt/override");  // ENV wins over a later ARG
  // Global ARGs are only visible in FROM lines.
  EXPECT_EQ(only(df, 9).pairs, (std::vector<std::pair<std::string, std::string>>{
                                   {"base", "archive"}, {"ext", "tar.gz"}, {"dir", ""}}));
  // All values of one ENV see the variables as they were before it.
  EXPECT_EQ(only(df, 11).pairs, (std::vector<std::pair<std::string, std::string>>{{"A", "2"}, {"B", "1"}}));
}

TEST(DockerfileParser, BuildArgsAndPredefinedPlatformArgs) {
  DockerfileOptions o;
  o.build_args = {{"VERSION", "2.0"}, {"TARGETARCH", "arm64"}, {"TARGETOS", "linux"}};
  Dockerfile df = parse_dockerfile(
      "ARG VERSION=1.0\n"
      "FROM --platform=$TARGETOS/$TARGETARCH alpine:$VERSION\n"
      "ARG VERSION\n"
      "ARG TARGETARCH\n"
      "COPY out/${TARGETARCH}/app-${VERSION} /usr/bin/app\n"
      "COPY out/${TARGETOS}x /x\n",
      o);
  EXPECT_EQ(df.stages[0].base, "alpine:2.0");
  EXPECT_EQ(df.stages[0].platform, "linux/arm64");
  EXPECT_EQ(only(df, 2).args[0], "out/arm64/app-2.0");
  EXPECT_EQ(only(df, 3).args[0], "out/x");  // TARGETOS not declared in the stage
}

TEST(DockerfileParser, MultiStageCopyFromAndChains) {
  Dockerfile df = parse_dockerfile(
      "FROM golang:1.22 AS build\n"
      "ENV CGO_ENABLED=0\n"
      "RUN go build -o /out/app .\n"
      "FROM build AS test\n"
      "RUN echo $CGO_ENABLED\n"
      "FROM alpine AS base\n"
      "ENV LANG=C.UTF-8\n"
      "FROM base\n"
      "COPY --from=build /out/app /usr/bin/app\n"
      "COPY --from=0 /etc/ssl /etc/ssl\n"
      "COPY --from=nginx:latest /etc/nginx/nginx.conf /etc/nginx/\n"
      "COPY --from=BUILD --chown=app:app --link /out /out\n"
      "ENV X=$LANG\n");
  ASSERT_EQ(df.stages.size(), 4u);
  EXPECT_EQ(df.stages[1].parent_stage, 0);
  EXPECT_EQ(df.stages[3].parent_stage, 2);
  EXPECT_EQ(df.stages[3].name, "");
  EXPECT_EQ(df.final_chain(), (std::vector<int>{2, 3}));
  const auto& final = df.stages[3].instructions;
  EXPECT_EQ(final[0].from_stage, 0);
  EXPECT_EQ(final[1].from_stage, 0);
  EXPECT_EQ(final[2].from_stage, -1);  // an image
  EXPECT_EQ(final[3].from_stage, 0);   // stage names are case-insensitive
  ASSERT_NE(final[3].flag("chown"), nullptr);
  EXPECT_EQ(final[3].flag("chown")->expanded, "app:app");
  ASSERT_NE(final[3].flag("link"), nullptr);
  EXPECT_FALSE(final[3].flag("link")->has_value);
  EXPECT_EQ(final[3].args, (std::vector<std::string>{"/out", "/out"}));
  EXPECT_EQ(final[4].pairs[0].second, "C.UTF-8");  // inherited from stage "base"

  // docker build --target test: the image is stage "test" on top of "build".
  Dockerfile targeted = df;
  targeted.select_target("TEST");  // case-insensitive, as docker's
  EXPECT_EQ(targeted.final_chain(), (std::vector<int>{0, 1}));
  targeted.select_target("base");
  EXPECT_EQ(targeted.final_chain(), (std::vector<int>{2}));
  try {
    targeted.select_target("release");
    FAIL() << "no stage is named release";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_NE(e.text().find("stages: build, test, base"), std::string::npos) << e.text();
  }
}

TEST(DockerfileParser, RunMountAndFlagChecks) {
  Dockerfile df = parse_dockerfile(
      "FROM python:3.12\n"
      "ARG CACHE=/root/.cache/pip\n"
      "RUN --mount=type=cache,target=$CACHE --network=none pip install -r requirements.txt\n");
  const auto& run = only(df, 1);
  ASSERT_EQ(run.flags.size(), 2u);
  EXPECT_EQ(run.flags[0].name, "mount");
  EXPECT_EQ(run.flags[0].value, "type=cache,target=$CACHE");
  EXPECT_EQ(run.flags[0].expanded, "type=cache,target=/root/.cache/pip");
  EXPECT_EQ(run.raw_args, "pip install -r requirements.txt");
  EXPECT_EQ(run.display(), "RUN --mount=type=cache,target=$CACHE --network=none pip install -r requirements.txt");
  EXPECT_EQ(error_of("FROM a\nCOPY --form=x a b\n").rfind("Dockerfile:2: unknown flag --form for COPY", 0), 0u);
  EXPECT_EQ(error_of("FROM a\nCOPY --from a b\n").rfind("Dockerfile:2: --from needs a value", 0), 0u);
  EXPECT_EQ(error_of("FROM a\nCOPY --link=maybe a b\n").rfind("Dockerfile:2: --link expects true or false", 0), 0u);
  EXPECT_EQ(error_of("FROM a\nENV --x=1 A=b\n").rfind("Dockerfile:2: unknown flag --x for ENV", 0), 0u);
}

TEST(DockerfileParser, MalformedInputNamesTheLine) {
  EXPECT_EQ(error_of(""), "Dockerfile:1: no FROM instruction: a Dockerfile needs at least one build stage");
  EXPECT_EQ(error_of("# only\nARG A=1\n").rfind("Dockerfile:2: no FROM instruction", 0), 0u);
  EXPECT_EQ(error_of("FROM a\nRUNN make\n"), "Dockerfile:2: unknown instruction: RUNN");
  EXPECT_EQ(error_of("\nRUN make\nFROM a\n").rfind("Dockerfile:2: RUN before the first FROM", 0), 0u);
  EXPECT_EQ(error_of("FROM a b\n").rfind("Dockerfile:1: FROM takes an image", 0), 0u);
  EXPECT_EQ(error_of("FROM a AS 1x\n").rfind("Dockerfile:1: invalid stage name", 0), 0u);
  EXPECT_EQ(error_of("FROM a AS x\nFROM b AS X\n").rfind("Dockerfile:2: duplicate stage name", 0), 0u);
  EXPECT_EQ(error_of("FROM a\n\nCOPY \\\n  onlyone\n").rfind("Dockerfile:3: COPY requires at least two arguments", 0), 0u);
  EXPECT_EQ(error_of("FROM a\nENV A\n").rfind("Dockerfile:2: ENV A has no value", 0), 0u);
  EXPECT_EQ(error_of("FROM a\nENV A=1 B\n").rfind("Dockerfile:2: can't find = in 'B'", 0), 0u);
  EXPECT_EQ(error_of("FROM a\nRUN\n"), "Dockerfile:2: RUN requires at least one argument");
  EXPECT_EQ(error_of("FROM a\nWORKDIR\n"), "Dockerfile:2: WORKDIR requires exactly one argument");
  EXPECT_EQ(error_of("FROM a\nHEALTHCHECK curl\n").rfind("Dockerfile:2: unknown type 'curl' in HEALTHCHECK", 0), 0u);
  EXPECT_EQ(error_of("FROM a\nONBUILD FROM b\n"), "Dockerfile:2: ONBUILD FROM is not allowed");
  EXPECT_EQ(error_of("FROM a\nCOPY ${A b\n").rfind("Dockerfile:2: missing '}'", 0), 0u);
  EXPECT_EQ(error_of("FROM a\nCOPY ${} b\n").rfind("Dockerfile:2: bad substitution", 0), 0u);
  EXPECT_EQ(error_of("FROM a\nCOPY ${A:?must be set} b\n"), "Dockerfile:2: A: must be set");
  EXPECT_EQ(error_of("FROM a\nCOPY ${A/x/y} b\n").rfind("Dockerfile:2: unsupported modifier (/)", 0), 0u);
  EXPECT_EQ(error_of("FROM a\nCOPY \"abc d\n").rfind("Dockerfile:2: unexpected end of statement", 0), 0u);
  EXPECT_EQ(error_of("FROM $NOTHING\n").rfind("Dockerfile:1: base name", 0), 0u);
}

TEST(DockerfileParser, CrlfLineEndingsAndByteOrderMark) {
  Dockerfile df = parse_dockerfile("\xEF\xBB\xBF# escape=`\r\nFROM a\r\nRUN echo a `\r\n  b\r\n");
  EXPECT_EQ(df.escape, '`');
  EXPECT_EQ(only(df, 0).display(), "RUN echo a b");
  EXPECT_EQ(only(df, 0).last_line, 4);
}

// The project's real Dockerfiles (../shared/images), when present.
TEST(DockerfileParser, SharedDockerfiles) {
  const char* env = std::getenv("LAYERSCOPE_SHARED");
  std::filesystem::path root = env ? env : std::filesystem::path(LAYERSCOPE_SOURCE_DIR) / ".." / "shared";
  std::filesystem::path tiny = root / "images" / "tiny.Dockerfile";
  if (!std::filesystem::exists(tiny)) GTEST_SKIP() << "shared material absent";
  Dockerfile t = read_dockerfile(tiny.string());
  ASSERT_EQ(t.stages.size(), 1u);
  EXPECT_EQ(t.stages[0].base, "scratch");
  std::vector<std::pair<std::string, int>> got;
  for (const auto& in : t.stages[0].instructions) got.emplace_back(in.keyword, in.first_line);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, int>>{{"COPY", 4}, {"RUN", 6}, {"ENV", 15}, {"LABEL", 16},
                                                           {"RUN", 18}, {"RUN", 22}, {"WORKDIR", 23}, {"EXPOSE", 24},
                                                           {"USER", 25}, {"HEALTHCHECK", 26}, {"CMD", 27}}));
  EXPECT_EQ(t.stages[0].instructions[1].last_line, 14);

  Dockerfile slim = read_dockerfile((root / "images" / "pyapp-slim.Dockerfile").string());
  ASSERT_EQ(slim.stages.size(), 2u);
  EXPECT_EQ(slim.final_chain(), std::vector<int>{1});
  EXPECT_EQ(slim.stages[1].instructions[2].from_stage, 0);  // COPY --from=build
  EXPECT_EQ(slim.stages[1].instructions[2].first_line, 17);

  Dockerfile bloated = read_dockerfile((root / "images" / "pyapp-bloated.Dockerfile").string());
  ASSERT_EQ(bloated.stages.size(), 1u);
  EXPECT_EQ(bloated.stages[0].instructions.size(), 15u);
}

TEST(DockerfileParser, ReadErrorsAreConfigErrors) {
  try {
    read_dockerfile("/nonexistent/Dockerfile");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_EQ(e.text(), "/nonexistent/Dockerfile: cannot read the Dockerfile");
  }
  try {
    read_dockerfile(::testing::TempDir());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_NE(e.text().find("is a directory"), std::string::npos) << e.text();
  }
}

TEST(DockerfileParser, DeeplyNestedSubstitutionIsAnErrorNotACrash) {
  std::string word = "x";
  for (int i = 0; i < 200; ++i) word = "${A:-" + word + "}";
  EXPECT_EQ(error_of("FROM a\nCOPY " + word + " /d\n"), "Dockerfile:2: variable substitutions nested too deeply");
  std::string ok = "x";
  for (int i = 0; i < 10; ++i) ok = "${A:-" + ok + "}";
  EXPECT_EQ(parse_dockerfile("FROM a\nCOPY " + ok + " /d\n").stages[0].instructions[0].args[0], "x");
}
