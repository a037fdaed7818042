// Turns a config history `created_by` into the Dockerfile instruction a person would have
// written. Builders record it differently:
//   classic docker / buildah:  "/bin/sh -c #(nop)  ENV A=b", "/bin/sh -c #(nop) COPY file:… in /",
//                              "/bin/sh -c apt-get update"  (a RUN), "|2 A=b C=d /bin/sh -c …"
//   BuildKit:                  "RUN /bin/sh -c apt-get update # buildkit",
//                              "RUN |2 A=b C=d /bin/sh -c pip install …", "COPY . /app # buildkit"
//   kaniko, podman:            "RUN …", "COPY …", "ADD …"
#pragma once

#include <string>
#include <string_view>

namespace layerscope {

std::string clean_instruction(std::string_view created_by);

// The Dockerfile keyword of a cleaned instruction ("RUN", "COPY", …), "" when unknown.
std::string instruction_keyword(std::string_view instruction);

}  // namespace layerscope
