// What an image says about itself: the config (OCI image-spec config.md / Docker image
// JSON) reduced to the facts the analysis uses, and where the image came from.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "layerscope/types.h"

namespace layerscope {

struct HistoryEntry {
  std::string created;
  std::string created_by;
  std::string comment;
  bool empty_layer = false;
  int layer = -1;  // the layer this entry produced (-1 for empty_layer entries and extras)
};

struct ImageConfig {
  std::string os, architecture, variant, created;
  std::string user, working_dir;
  std::vector<std::string> entrypoint, cmd, exposed_ports;
  std::vector<std::string> env_names;  // names only: values may be secrets
  bool has_healthcheck = false;
  std::vector<std::string> healthcheck_test;
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::string> diff_ids;
  std::vector<HistoryEntry> history;
  bool synthesized = false;  // built from legacy v1 layer JSON (no image config present)
};

struct ImageInfo {
  std::string reference;   // as the user wrote it
  std::string transport;   // docker-archive | oci | oci-archive | dir | docker
  std::string layout;      // docker-save | docker-save-oci | docker-save-v1 | oci-layout | skopeo-dir | registry
  std::string name;        // the tag / ref name analysed, "" when the image has none
  std::vector<std::string> available;  // every image or platform the input offered
  std::string platform;    // os/arch[/variant]
  std::string manifest_digest;
  std::string config_digest;
  std::string config_media_type;  // from the manifest's config descriptor ("" when the layout has none)
  ImageConfig config;
};

}  // namespace layerscope
