// Mapping config history to Dockerfile lines, with hand-built histories in the forms the
// classic docker builder, buildah, BuildKit and kaniko write, and the history-only
// heuristics for the base image's boundary.
#include <gtest/gtest.h>

#include "attrib/dockerfile.h"
#include "attrib/dockerfile_map.h"

using namespace layerscope;

namespace {

struct H {
  std::string created_by;
  bool empty = false;
  std::string comment;
};

std::vector<HistoryEntry> history(std::initializer_list<H> entries) {
  std::vector<HistoryEntry> out;
  for (const auto& h : entries) {
    HistoryEntry e;
    e.created_by = h.created_by;
    e.empty_layer = h.empty;
    e.comment = h.comment;
    out.push_back(e);
  }
  return out;
}

size_t layer_count(const std::vector<HistoryEntry>& h) {
  size_t n = 0;
  for (const auto& e : h) n += !e.empty_layer;
  return n;
}

HistoryAttribution map(const std::string& dockerfile, const std::vector<HistoryEntry>& h) {
  return map_dockerfile(parse_dockerfile(dockerfile), h, layer_count(h));
}

std::vector<int> lines(const HistoryAttribution& a) {
  std::vector<int> out;
  for (const auto& l : a.layers) out.push_back(l.first_line);
  return out;
}

std::vector<std::string> origins(const HistoryAttribution& a) {
  std::vector<std::string> out;
  for (const auto& l : a.layers) out.push_back(l.origin);
  return out;
}

bool has_diagnostic(const HistoryAttribution& a, const std::string& code, const std::string& text) {
  for (const auto& d : a.diagnostics) {
    if (d.code == code && d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

const std::string kHex = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";

// A small Dockerfile in the style of dive's test image: ADD, RUNs and a directory ADD.
const char* kSmall =
    "FROM busybox:1.36\n"
    "ADD notes.md /notes.txt\n"
    "RUN mkdir -p /srv/data/nested\n"
    "RUN cp /notes.txt /srv/data/copy1.txt\n"
    "ADD scripts/ /srv/scripts/\n"
    "RUN chmod +x /srv/scripts/run.sh\n";

}  // namespace

TEST(DockerfileMap, ClassicDockerBuilder) {
  auto h = history({
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},
      {"/bin/sh -c #(nop)  CMD [\"sh\"]", true},
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in /notes.txt "},
      {"/bin/sh -c mkdir -p /srv/data/nested"},
      {"/bin/sh -c cp /notes.txt /srv/data/copy1.txt"},
      {"/bin/sh -c #(nop) ADD dir:" + kHex + " in /srv/scripts/ "},
      {"/bin/sh -c chmod +x /srv/scripts/run.sh"},
  });
  auto a = map(kSmall, h);
  EXPECT_EQ(lines(a), (std::vector<int>{-1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(origins(a), (std::vector<std::string>{"base", "own", "own", "own", "own", "own"}));
  EXPECT_EQ(a.layers[1].instruction, "ADD notes.md /notes.txt");
  EXPECT_EQ(a.summary.method, "dockerfile");
  EXPECT_EQ(a.summary.base_image, "busybox:1.36");
  EXPECT_EQ(a.summary.from_line, 1);
  EXPECT_EQ(a.summary.base_layers, 1);
  EXPECT_EQ(a.summary.own_layers, 5);
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.entry_line[1], -1);  // the base image's CMD is not ours
}

TEST(DockerfileMap, Kaniko) {
  auto h = history({
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},
      {"/bin/sh -c #(nop)  CMD [\"sh\"]", true},
      {"ADD notes.md /notes.txt"},
      {"RUN mkdir -p /srv/data/nested"},
      {"RUN cp /notes.txt /srv/data/copy1.txt"},
      {"ADD scripts/ /srv/scripts/"},
      {"RUN chmod +x /srv/scripts/run.sh"},
  });
  auto a = map(kSmall, h);
  EXPECT_EQ(lines(a), (std::vector<int>{-1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(origins(a)[0], "base");
}

// buildah 1.28 (../shared/images/tiny.docker.tar): continuation lines joined with their
// blanks, COPY recorded with a content hash, metadata as #(nop) entries.
TEST(DockerfileMap, Buildah) {
  const char* dockerfile =
      "# tiny\n"
      "FROM scratch\n"
      "# L1\n"
      "COPY rootfs/ /\n"
      "# L2\n"
      "RUN /bin/busybox mkdir -p /usr/bin /sbin /usr/sbin \\\n"
      " && /bin/busybox --install -s \\\n"
      " && dd if=/dev/zero of=/srv/blob.bin bs=1024 count=512 2>/dev/null\n"
      "ENV APP_ENV=production APP_PORT=8080\n"
      "LABEL org.opencontainers.image.title=\"tiny\"\n"
      "RUN rm /etc/motd \\\n"
      " && printf 'version=2\\nmode=prod\\n' > /etc/app.conf\n"
      "RUN chmod 0600 /opt/keep/secret.txt\n"
      "WORKDIR /srv/www\n"
      "USER app\n"
      "CMD [\"httpd\", \"-f\", \"-p\", \"8080\"]\n";
  auto h = history({
      {"/bin/sh -c #(nop) COPY dir:" + kHex + " in / "},
      {"/bin/sh -c /bin/busybox mkdir -p /usr/bin /sbin /usr/sbin  && /bin/busybox --install -s  && dd if=/dev/zero "
       "of=/srv/blob.bin bs=1024 count=512 2>/dev/null",
       false, "FROM 07d91b006532"},
      {"/bin/sh -c #(nop) ENV APP_ENV=production APP_PORT=8080", true, "FROM b4ecd9fc257e"},
      {"/bin/sh -c #(nop) LABEL org.opencontainers.image.title=\"tiny\"", true, "FROM 4dd1cc86901b"},
      {"/bin/sh -c rm /etc/motd  && printf 'version=2\\nmode=prod\\n' > /etc/app.conf", false, "FROM 87e43b7b4c99"},
      {"/bin/sh -c chmod 0600 /opt/keep/secret.txt", false, "FROM 8e73e33e2918"},
      {"/bin/sh -c #(nop) WORKDIR /srv/www", true, "FROM 85e2260fdebc"},
      {"/bin/sh -c #(nop) USER app", true, "FROM 03e874a5c8c0"},
      {"/bin/sh -c #(nop) CMD [\"httpd\", \"-f\", \"-p\", \"8080\"]", true, "FROM b6a8b7f1553d"},
  });
  auto a = map(dockerfile, h);
  EXPECT_EQ(lines(a), (std::vector<int>{4, 6, 11, 13}));
  EXPECT_EQ(a.layers[1].last_line, 8);
  EXPECT_EQ(a.layers[2].last_line, 12);
  EXPECT_EQ(origins(a), (std::vector<std::string>{"own", "own", "own", "own"}));
  EXPECT_EQ(a.summary.base_image, "scratch");
  EXPECT_EQ(a.entry_line, (std::vector<int>{4, 6, 9, 10, 11, 13, 14, 15, 16}));
  EXPECT_TRUE(a.diagnostics.empty());
}

// BuildKit on a base written by the classic builder; a multi-stage build whose build stage
// must not be matched, a WORKDIR that made a layer, COPY --from (not recorded), COPY --chown
// with a relative destination, and a heredoc RUN.
TEST(DockerfileMap, BuildKitMultiStage) {
  const char* dockerfile =
      "# syntax=docker/dockerfile:1\n"
      "ARG PY=3.12\n"
      "FROM python:${PY}-slim AS build\n"
      "RUN pip install --no-cache-dir build\n"
      "COPY . /src\n"
      "RUN python -m build /src\n"
      "\n"
      "FROM ubuntu:24.04\n"
      "LABEL maintainer=team@example.invalid\n"
      "ARG DEBIAN_FRONTEND=noninteractive\n"
      "RUN apt-get update && apt-get install -y \\\n"
      "      python3 \\\n"
      "      python3-venv \\\n"
      " && rm -rf /var/lib/apt/lists/*\n"
      "WORKDIR /app\n"
      "COPY --from=build /src/dist /app/dist\n"
      "COPY --chown=1000:1000 requirements.txt ./\n"
      "RUN <<EOF\n"
      "set -e\n"
      "python3 -m venv /opt/venv\n"
      "/opt/venv/bin/pip install -r requirements.txt\n"
      "EOF\n"
      "ENV PATH=/opt/venv/bin:$PATH\n"
      "USER 1000\n"
      "CMD [\"python3\", \"-m\", \"app\"]\n";
  const std::string bk = "buildkit.dockerfile.v0";
  auto h = history({
      {"/bin/sh -c #(nop)  ARG RELEASE", true},
      {"/bin/sh -c #(nop)  LABEL org.opencontainers.image.version=24.04", true},
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},
      {"/bin/sh -c #(nop)  CMD [\"/bin/bash\"]", true},
      {"LABEL maintainer=team@example.invalid", true, bk},
      {"ARG DEBIAN_FRONTEND=noninteractive", true, bk},
      {"RUN |1 DEBIAN_FRONTEND=noninteractive /bin/sh -c apt-get update && apt-get install -y       python3       "
       "python3-venv  && rm -rf /var/lib/apt/lists/* # buildkit",
       false, bk},
      {"WORKDIR /app", false, bk},
      {"COPY /src/dist /app/dist # buildkit", false, bk},
      {"COPY --chown=1000:1000 requirements.txt ./ # buildkit", false, bk},
      {"RUN |1 DEBIAN_FRONTEND=noninteractive /bin/sh -c set -e\npython3 -m venv /opt/venv\n/opt/venv/bin/pip install "
       "-r requirements.txt\n # buildkit",
       false, bk},
      {"ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", true, bk},
      {"USER 1000", true, bk},
      {"CMD [\"python3\" \"-m\" \"app\"]", true, bk},
  });
  auto a = map(dockerfile, h);
  EXPECT_EQ(lines(a), (std::vector<int>{-1, 11, 15, 16, 17, 18}));
  EXPECT_EQ(a.layers[5].last_line, 22);
  EXPECT_EQ(a.layers[1].last_line, 14);
  EXPECT_EQ(a.layers[3].instruction, "COPY --from=build /src/dist /app/dist");
  EXPECT_EQ(origins(a), (std::vector<std::string>{"base", "own", "own", "own", "own", "own"}));
  EXPECT_EQ(a.summary.base_image, "ubuntu:24.04");
  EXPECT_EQ(a.summary.from_line, 8);
  // ENV's value came from the base image ($PATH): matched on its keyword only.
  EXPECT_EQ(a.entry_line[11], 23);
  EXPECT_EQ(a.entry_line[13], 25);
  EXPECT_EQ(a.entry_line[3], -1);
  EXPECT_TRUE(a.diagnostics.empty());
}

// The classic builder writes the chown flag glued to the hash; a relative destination is
// recorded as written; SHELL changes the recorded shell; build args may hold spaces.
TEST(DockerfileMap, ClassicQuirks) {
  const char* dockerfile =
      "FROM node:20\n"
      "ARG GREETING=\"hello world\"\n"
      "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
      "WORKDIR /app\n"
      "COPY --chown=node:node . .\n"
      "RUN curl -fsSL https://example.invalid/x.tgz | tar -xz\n"
      "RUN echo $GREETING > /greeting\n"
      "RUN [\"node\", \"build.js\"]\n";
  auto h = history({
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},
      {"/bin/sh -c #(nop)  CMD [\"node\"]", true},
      {"/bin/sh -c #(nop)  ARG GREETING=hello world", true},
      {"/bin/bash -o pipefail -c #(nop)  SHELL [/bin/bash -o pipefail -c]", true},
      {"/bin/bash -o pipefail -c #(nop) WORKDIR /app", true},
      {"/bin/bash -o pipefail -c #(nop) COPY --chown=node:nodedir:" + kHex + " in . "},
      {"|1 GREETING=hello world /bin/bash -o pipefail -c curl -fsSL https://example.invalid/x.tgz | tar -xz"},
      {"|1 GREETING=hello world /bin/bash -o pipefail -c echo $GREETING > /greeting"},
      {"|1 GREETING=hello world node build.js"},
  });
  auto a = map(dockerfile, h);
  EXPECT_EQ(lines(a), (std::vector<int>{-1, 5, 6, 7, 8}));
  EXPECT_EQ(origins(a)[0], "base");
}

// A chain of stages: the final stage is FROM an earlier one, so both made the image.
TEST(DockerfileMap, FinalStageBuiltOnAnEarlierStage) {
  const char* dockerfile =
      "FROM node:20 AS deps\n"
      "RUN npm ci\n"
      "FROM golang AS unrelated\n"
      "RUN go build ./...\n"
      "FROM deps\n"
      "COPY . /app\n";
  auto h = history({
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},
      {"/bin/sh -c #(nop)  CMD [\"node\"]", true},
      {"RUN /bin/sh -c npm ci # buildkit"},
      {"COPY . /app # buildkit"},
  });
  auto a = map(dockerfile, h);
  EXPECT_EQ(lines(a), (std::vector<int>{-1, 2, 6}));
  EXPECT_EQ(a.summary.base_image, "node:20");
  EXPECT_EQ(a.summary.from_line, 1);
}

TEST(DockerfileMap, ChangedDockerfileLeavesTheLayerUnmatched) {
  auto h = history({
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},
      {"/bin/sh -c #(nop)  CMD [\"sh\"]", true},
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in /notes.txt "},
      {"/bin/sh -c mkdir -p /srv/data/nested"},
      {"/bin/sh -c cp /notes.txt /srv/data/OTHER.txt"},  // the Dockerfile says copy1.txt now
      {"/bin/sh -c #(nop) ADD dir:" + kHex + " in /srv/scripts/ "},
      {"/bin/sh -c chmod +x /srv/scripts/run.sh"},
  });
  auto a = map(kSmall, h);
  EXPECT_EQ(lines(a), (std::vector<int>{-1, 2, 3, -1, 5, 6}));
  EXPECT_EQ(origins(a), (std::vector<std::string>{"base", "own", "own", "unknown", "own", "own"}));
  EXPECT_EQ(a.summary.unknown_layers, 1);
  EXPECT_TRUE(has_diagnostic(a, "layer-unmatched", "RUN cp /notes.txt /srv/data/OTHER.txt matches no instruction"));
  EXPECT_TRUE(has_diagnostic(a, "dockerfile-line-unmatched", "Dockerfile:4: RUN cp /notes.txt /srv/data/copy1.txt"));
}

TEST(DockerfileMap, UnrelatedDockerfileMatchesNothing) {
  auto h = history({
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},
      {"/bin/sh -c make"},
  });
  auto a = map("FROM alpine\nRUN apk add git\n", h);
  EXPECT_EQ(origins(a), (std::vector<std::string>{"unknown", "unknown"}));
  EXPECT_TRUE(has_diagnostic(a, "dockerfile-unmatched", "no history entry"));
  EXPECT_NE(a.summary.rule.find("is this the Dockerfile"), std::string::npos);
}

TEST(DockerfileMap, FromScratchHasNoBase) {
  auto h = history({
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},  // not in this Dockerfile
      {"COPY app /app # buildkit"},
  });
  auto a = map("FROM scratch\nCOPY app /app\n", h);
  EXPECT_EQ(origins(a), (std::vector<std::string>{"unknown", "own"}));
  EXPECT_EQ(a.summary.base_layers, 0);
}

TEST(DockerfileMap, ExecFormRunAndLayersWithoutHistory) {
  auto h = history({
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},
      {"/bin/sh -c #(nop)  CMD [\"sh\"]", true},
      {"echo hi"},                      // classic builder, exec form
      {"RUN echo again # buildkit"},    // BuildKit, exec form
  });
  auto a = map_dockerfile(parse_dockerfile("FROM busybox\nRUN [\"echo\", \"hi\"]\nRUN [\"echo\", \"again\"]\n"), h, 5);
  EXPECT_EQ(lines(a), (std::vector<int>{-1, 2, 3, -1, -1}));
  EXPECT_EQ(origins(a), (std::vector<std::string>{"base", "own", "own", "unknown", "unknown"}));
}

TEST(DockerfileMap, HeuristicLastCmdEndsTheBase) {
  auto h = history({
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},
      {"/bin/sh -c #(nop)  CMD [\"bash\"]", true},
      {"/bin/sh -c apt-get update && apt-get install -y python3"},
      {"/bin/sh -c #(nop)  CMD [\"python3\"]", true},
      {"/bin/sh -c pip install flask"},
      {"/bin/sh -c #(nop) COPY dir:" + kHex + " in /app "},
      {"/bin/sh -c #(nop)  CMD [\"flask\", \"run\"]", true},
  });
  auto a = guess_base_layers(h, 4);
  EXPECT_EQ(a.summary.method, "heuristic");
  EXPECT_EQ(origins(a), (std::vector<std::string>{"base", "base", "own", "own"}));
  EXPECT_NE(a.summary.rule.find("last CMD"), std::string::npos);
  EXPECT_NE(a.summary.rule.find("entry 3"), std::string::npos);
}

TEST(DockerfileMap, HeuristicBuilderChange) {
  const std::string bk = "buildkit.dockerfile.v0";
  auto h = history({
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},
      {"/bin/sh -c apk add --no-cache ca-certificates"},
      {"ENV APP=/app", true, bk},
      {"COPY . /app # buildkit", false, bk},
      {"RUN /bin/sh -c make # buildkit", false, bk},
  });
  auto a = guess_base_layers(h, 4);
  EXPECT_EQ(origins(a), (std::vector<std::string>{"base", "base", "own", "own"}));
  EXPECT_NE(a.summary.rule.find("builder changed at history entry 2"), std::string::npos);
}

TEST(DockerfileMap, HeuristicFindsNothingInASingleBuild) {
  auto h = history({
      {"/bin/sh -c #(nop) COPY dir:" + kHex + " in / "},
      {"/bin/sh -c chmod 0600 /x"},
      {"/bin/sh -c #(nop) CMD [\"httpd\"]", true},
  });
  auto a = guess_base_layers(h, 2);
  EXPECT_EQ(a.summary.method, "none");
  EXPECT_EQ(origins(a), (std::vector<std::string>{"unknown", "unknown"}));
}

TEST(DockerfileMap, ApplySplitsTotalsAndGroupsInstructions) {
  Analysis an;
  for (int i = 0; i < 4; ++i) {
    LayerReport r;
    r.index = i;
    r.content_bytes = 1000u * static_cast<uint64_t>(i + 1);
    r.compressed_bytes = 100u * static_cast<uint64_t>(i + 1);
    r.added.bytes = 10u * static_cast<uint64_t>(i + 1);
    r.instruction = "history text " + std::to_string(i);
    an.layers.push_back(r);
    an.totals.content_bytes += r.content_bytes;
    an.totals.compressed_bytes += r.compressed_bytes;
  }
  HistoryAttribution att;
  att.summary.method = "dockerfile";
  att.summary.base_image = "debian:bookworm";
  att.summary.from_line = 2;
  att.layers = {{kOriginBase}, {kOriginBase}, {kOriginOwn, 5, 7, "RUN make"}, {kOriginUnknown}};
  apply_attribution(att, an);
  const Totals& t = an.totals;
  EXPECT_EQ(t.base_content_bytes, 3000u);
  EXPECT_EQ(t.own_content_bytes, 3000u);
  EXPECT_EQ(t.unknown_content_bytes, 4000u);
  EXPECT_EQ(t.base_content_bytes + t.own_content_bytes + t.unknown_content_bytes, t.content_bytes);
  EXPECT_EQ(t.base_compressed_bytes + t.own_compressed_bytes + t.unknown_compressed_bytes, t.compressed_bytes);
  EXPECT_EQ(an.layers[2].instruction, "RUN make");
  EXPECT_EQ(an.layers[2].dockerfile_line, 5);
  EXPECT_EQ(an.layers[2].dockerfile_last_line, 7);
  EXPECT_EQ(an.layers[3].instruction, "history text 3");
  ASSERT_EQ(an.instructions.size(), 3u);
  EXPECT_EQ(an.instructions[0].instruction, "FROM debian:bookworm");
  EXPECT_EQ(an.instructions[0].dockerfile_line, 2);
  EXPECT_EQ(an.instructions[0].layers, (std::vector<int>{0, 1}));
  EXPECT_EQ(an.instructions[0].content_bytes, 3000u);
  EXPECT_EQ(an.instructions[0].added_bytes, 30u);
  EXPECT_EQ(an.instructions[1].origin, "own");
  EXPECT_EQ(an.instructions[1].dockerfile_line, 5);
  EXPECT_EQ(an.instructions[2].origin, "unknown");
  EXPECT_EQ(an.instructions[2].instruction, "history text 3");
}

// BuildKit's two heredoc forms: a lone heredoc runs its body; anything else is re-assembled
// as "<line>\n<body><NAME>". COPY records the heredoc as "<<NAME".
TEST(DockerfileMap, BuildKitHeredocForms) {
  const char* dockerfile =
      "FROM python:3.12\n"
      "RUN <<-EOT\n"
      "\tpip install requests\n"
      "\tEOT\n"
      "RUN python3 <<EOF > /version.txt\n"
      "import sys\n"
      "print(sys.version)\n"
      "EOF\n"
      "COPY <<EOF /etc/app.conf\n"
      "mode=prod\n"
      "EOF\n";
  auto h = history({
      {"/bin/sh -c #(nop) ADD file:" + kHex + " in / "},
      {"/bin/sh -c #(nop)  CMD [\"python3\"]", true},
      {"RUN /bin/sh -c pip install requests # buildkit"},
      {"RUN /bin/sh -c python3 <<EOF > /version.txt\nimport sys\nprint(sys.version)\nEOF # buildkit"},
      {"COPY <<EOF /etc/app.conf # buildkit"},
  });
  auto a = map(dockerfile, h);
  EXPECT_EQ(lines(a), (std::vector<int>{-1, 2, 5, 9}));
  EXPECT_EQ(a.layers[1].last_line, 4);
  EXPECT_EQ(a.layers[2].last_line, 8);
  EXPECT_EQ(a.layers[3].last_line, 11);
}
