// fuzz_manifest_json: the image metadata parsers, i.e. everything that reads JSON an image
// ships: docker-save manifest.json (incl. the pre-1.10 `repositories` + `<id>/json` chain),
// OCI index.json with nested indexes, OCI / Docker schema2 image manifests (also as skopeo
// `dir:` manifest.json) and the image config. These are the first bytes of an untrusted
// image layerscope parses, so they must fail with layerscope::Error, never crash.
//
// Input: members "NAME\nBODY" separated by "\n@@" (see fuzz_common.h). Each member is
// stored in an in-memory BlobStore under its name and, content-addressed, under
// blobs/sha256/<hex> and <hex> (skopeo). A member may say "sha256:@K" to refer to member K
// (K > its own index): the placeholder becomes that member's real digest, so manifests can
// reference blobs that pass digest verification. The last input byte selects --image /
// --platform options.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "layerscope/error.h"
#include "source/memory_store.h"
#include "source/resolved.h"
#include "util/digest.h"

using namespace layerscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 20)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto members = layerscope_fuzz::split_members(in);
  if (members.size() > 16) return 0;

  // Resolve "sha256:@K" placeholders from the last member to the first.
  std::vector<std::string> digests(members.size());
  for (size_t i = members.size(); i-- > 0;) {
    std::string& body = members[i].second;
    for (size_t at = body.find("sha256:@"); at != std::string::npos; at = body.find("sha256:@", at + 1)) {
      size_t k_pos = at + 8;
      if (k_pos >= body.size() || body[k_pos] < '0' || body[k_pos] > '9') continue;
      size_t k = body[k_pos] - '0';
      if (k_pos + 1 < body.size() && body[k_pos + 1] >= '0' && body[k_pos + 1] <= '9') {
        k = k * 10 + (body[k_pos + 1] - '0');
        body.erase(k_pos + 1, 1);
      }
      if (k <= i || k >= members.size()) continue;
      body.replace(at, 9, digests[k]);
    }
    digests[i] = digest_of(body).str();
  }

  MemoryStore store("fuzz");
  for (auto& [name, body] : members) {
    store.put(name, body);
    std::string d = store.put_blob(body);
    store.put(d.substr(7), body);
  }

  SelectOptions select;
  uint8_t opt = size ? data[size - 1] : 0;
  if (opt & 1) select.platform = "linux/amd64";
  if (opt & 2) select.platform = "linux/arm64";
  if (opt & 4) select.image = "example:latest";
  if (opt & 8) select.image = members[0].first;

  auto run = [&](auto&& fn) {
    try {
      ResolvedImage img = fn(store, select);
      // What the pipeline does next with a resolved image: parse its config.
      parse_image_config(img.config_bytes, "config");
    } catch (const Error&) {
    }
  };
  run(resolve_docker_save);
  run(resolve_oci_layout);
  run(resolve_skopeo_dir);
  for (const auto& [name, body] : members) {
    try {
      parse_image_config(body, name);
    } catch (const Error&) {
    }
  }
  return 0;
}
