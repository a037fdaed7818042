// docker:// references, from text to a resolved image (distribution-spec "Pulling
// manifests"): the manifest is asked for by tag or digest with every manifest media type in
// Accept (Docker schema2 manifest and manifest list, OCI manifest and index). When pulled
// by digest, the bytes must hash to that digest. An index is walked by the same code as an
// OCI layout's index.json (collect_manifests / choose_manifest: --platform, else the host's
// platform), then the chosen manifest and its config are fetched and verified by digest.
// Layer blobs are not touched here: they stream later, from RegistryStore::open.
#pragma once

#include <string>

#include "layerscope/analysis.h"
#include "source/open_image.h"
#include "source/registry/registry_store.h"

namespace layerscope::registry {

// `reference` is what follows "docker://". Throws layerscope::Error.
OpenedImage open_registry_image(const std::string& reference, const SelectOptions& select,
                                const RegistryOptions& options);

// Resolves on an open store; resolving another platform of the same index costs one
// manifest and one config request.
ResolvedImage resolve_registry(const RegistryStore& store, const SelectOptions& select);

}  // namespace layerscope::registry
