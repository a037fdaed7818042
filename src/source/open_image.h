// From what the user typed to a resolved image. References use the transport syntax skopeo
// and podman users know: docker-archive:PATH[:NAME:TAG], oci:DIR[:REF],
// oci-archive:PATH[:REF], dir:PATH, docker://REGISTRY/REPO[:TAG|@DIGEST]. A bare path is
// recognised by what it contains, never by its name.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "layerscope/analysis.h"
#include "source/blob_store.h"
#include "source/resolved.h"

namespace layerscope {

struct ImageReference {
  std::string original;
  std::string transport;  // "" = detect, docker-archive, oci, oci-archive, dir, docker
  std::string path;       // file or directory (or registry reference for docker)
  std::string ref;        // the optional :NAME:TAG / :REF suffix
};

ImageReference parse_reference(const std::string& text);

struct OpenedImage {
  std::unique_ptr<BlobStore> store;
  ResolvedImage resolved;
  // Resolves again on the same store with another selection (another platform of an index,
  // picked by digest through SelectOptions::image): what inspect and --all-platforms use.
  std::function<ResolvedImage(const SelectOptions&)> resolve;
};

// Opens and resolves. For compressed archives, `visitor` sees every candidate layer member
// while the archive streams by (see open_archive_store). `registry` applies to docker://
// references only.
OpenedImage open_image(const ImageReference& ref, SelectOptions select, const MemberVisitor& visitor,
                       const RegistryOptions& registry = {});

}  // namespace layerscope
