// Image history -> Dockerfile lines, and base-image layers vs the image's own.
//
// With a Dockerfile: the final image is the last stage plus the stages it is built FROM
// (the "chain"); only their instructions can have produced layers, and they are the LAST
// entries of the config history, after the base image's own history. Every history entry is
// compared with every chain instruction and the order-preserving pairing with the highest
// total score is taken (a weighted longest common subsequence); among equal pairings the one
// that uses the latest history entries wins, i.e. matching runs from the end backwards.
// Scores: 4 for the same command text, 2 for weaker evidence (COPY/ADD recorded as
// `COPY dir:<hash> in /app` by the classic builder and buildah match on keyword + destination;
// a heredoc RUN on its first line), 1 for a metadata instruction (ENV, LABEL, CMD…) of the
// same keyword whose text differs (values inherited from the base image such as $PATH are
// unknown here). A layer-producing history entry only pairs with RUN, COPY, ADD or WORKDIR.
// Text is compared after collapsing whitespace, so continuation lines joined by any builder
// compare equal. Recorded forms understood:
//   classic docker, buildah, podman: "/bin/sh -c #(nop)  ENV A=b", "/bin/sh -c #(nop) COPY
//        file:<hash> in /app ", "/bin/sh -c apt-get update", "|2 A=b C=d /bin/sh -c make"
//   BuildKit: "RUN /bin/sh -c make # buildkit", "RUN |1 A=b /bin/sh -c make # buildkit",
//        "COPY --chown=1:1 . /app # buildkit" (no --from), "WORKDIR /app" (a layer),
//        heredocs as "RUN /bin/sh -c <body>" or "<line>\n<body><NAME>"
//   kaniko: "RUN make", "ADD README.md /somefile.txt" (the instruction as written)
// The FROM boundary: every entry before the first pairing with score >= 2 belongs to the base
// image (ONBUILD triggers of the base included); when the chain starts FROM scratch there is
// no base and such entries are unmatched. Entries after the boundary that pair with nothing
// are "unknown" — the Dockerfile changed, or it is not this image's Dockerfile — and say so.
//
// Without a Dockerfile (marked "heuristic"), two rules, in order:
//   1. The base image's history ends at its last CMD or ENTRYPOINT entry that is followed by
//      a layer-producing entry. Base images end with CMD/ENTRYPOINT (every official image
//      does), and derived Dockerfiles put theirs at the end, so a CMD with layers after it
//      almost always closes the base image's part. Multi-level bases (python on debian) end
//      at the outermost base's CMD, which is the whole FROM image, as wanted.
//   2. Else a change of builder: when the trailing entries were written by BuildKit (comment
//      "buildkit.dockerfile.v0" or a "# buildkit" suffix) and earlier ones were not, or the
//      other way round, the base image ends where the builder changed.
// Otherwise every layer is "unknown" (a FROM scratch image and a base image without CMD look
// alike). Timestamps are not used: SOURCE_DATE_EPOCH, kaniko's zero time and layer caches
// make gaps between them meaningless.
#pragma once

#include <string>
#include <vector>

#include "attrib/dockerfile.h"
#include "layerscope/analysis.h"
#include "layerscope/image.h"

namespace layerscope {

struct LayerAttribution {
  std::string origin = kOriginUnknown;  // kOriginBase | kOriginOwn | kOriginUnknown
  int first_line = -1, last_line = -1;  // Dockerfile lines of the matched instruction
  std::string instruction;              // its text (DockerfileInstruction::display), "" unmatched
};

struct HistoryAttribution {
  Attribution summary;
  std::vector<LayerAttribution> layers;  // one per layer
  std::vector<int> entry_line;           // per history entry: first line of its instruction, -1
  std::vector<Diagnostic> diagnostics;   // unmatched layers and Dockerfile lines
};

// `history` as in the config (HistoryEntry::layer need not be filled).
HistoryAttribution map_dockerfile(const Dockerfile& dockerfile, const std::vector<HistoryEntry>& history,
                                  size_t layer_count);
HistoryAttribution guess_base_layers(const std::vector<HistoryEntry>& history, size_t layer_count);

// Copies the attribution into the layer reports (origin, lines, the Dockerfile's text as
// the instruction) and fills the origin split of the totals and the per-instruction list.
void apply_attribution(const HistoryAttribution& attribution, Analysis& analysis);

}  // namespace layerscope
