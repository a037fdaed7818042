#include "source/open_image.h"

#include <sys/stat.h>

#include "layerscope/error.h"
#include "source/registry/reference.h"
#include "source/registry/resolver.h"

namespace layerscope {

namespace {

bool path_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// "PATH[:SUFFIX]" where PATH may itself contain ':' — take the longest prefix that exists.
void split_path_suffix(const std::string& rest, ImageReference& out) {
  if (path_exists(rest)) {
    out.path = rest;
    return;
  }
  for (size_t colon = rest.find(':'); colon != std::string::npos; colon = rest.find(':', colon + 1)) {
    if (path_exists(rest.substr(0, colon))) {
      out.path = rest.substr(0, colon);
      out.ref = rest.substr(colon + 1);
    }
  }
  if (out.path.empty()) out.path = rest;
}

// "python:3.12", "ghcr.io/org/app": a name with a tag or a registry host, no path separator
// that a file name would need. Only used to suggest docker:// in an error message.
bool looks_like_registry_name(const std::string& text) {
  if (text.empty() || text[0] == '/' || text[0] == '.') return false;
  try {
    registry::parse_registry_reference(text);
  } catch (const Error&) {
    return false;
  }
  return text.find(':') != std::string::npos || text.find('@') != std::string::npos;
}

}  // namespace

ImageReference parse_reference(const std::string& text) {
  ImageReference r;
  r.original = text;
  if (text.rfind("docker://", 0) == 0) {
    r.transport = "docker";
    r.path = text.substr(9);
    return r;
  }
  for (const char* t : {"docker-archive", "oci-archive", "oci", "dir"}) {
    std::string prefix = std::string(t) + ":";
    if (text.rfind(prefix, 0) == 0) {
      r.transport = t;
      split_path_suffix(text.substr(prefix.size()), r);
      if (r.transport == "dir") {
        r.path = text.substr(prefix.size());
        r.ref.clear();
      }
      return r;
    }
  }
  r.path = text;
  return r;
}

OpenedImage open_image(const ImageReference& ref, SelectOptions select, const MemberVisitor& visitor,
                       const RegistryOptions& registry) {
  auto name_input = [&ref](OpenedImage& out) {
    // Every resolve() names the input the way the user wrote it.
    out.resolve = [inner = std::move(out.resolve), original = ref.original](const SelectOptions& s) {
      ResolvedImage r = inner(s);
      r.info.reference = original;
      return r;
    };
  };
  if (ref.transport == "docker") {
    OpenedImage out = registry::open_registry_image(ref.path, select, registry);
    out.resolved.info.reference = ref.original;
    name_input(out);
    return out;
  }
  if (ref.path.empty()) throw Error(ErrorKind::kUsage, "no image given");
  if (!path_exists(ref.path)) {
    std::string hint;
    if (ref.transport.empty() && looks_like_registry_name(ref.path)) {
      hint = " (for an image in a registry, write docker://" + ref.path + ")";
    }
    throw Error(ErrorKind::kIo, ref.path + ": no such file or directory" + hint);
  }
  if (select.image.empty()) select.image = ref.ref;

  OpenedImage out;
  std::string transport = ref.transport;
  if (is_dir(ref.path)) {
    if (transport == "docker-archive" || transport == "oci-archive") {
      throw Error(ErrorKind::kUsage, ref.path + ": is a directory; use oci:" + ref.path + " or dir:" + ref.path);
    }
    out.store = open_dir_store(ref.path);
    if (transport.empty()) {
      if (out.store->exists("index.json")) transport = "oci";
      else if (out.store->exists("manifest.json")) transport = "dir";
      else throw Error(ErrorKind::kFormat, ref.path + ": not a container image: no index.json (OCI layout) or manifest.json (dir:)");
    }
    const BlobStore* store = out.store.get();
    if (transport == "oci") {
      out.resolve = [store](const SelectOptions& s) { return resolve_oci_layout(*store, s); };
    } else {
      out.resolve = [store](const SelectOptions& s) { return resolve_skopeo_dir(*store, s); };
    }
  } else {
    if (transport == "oci" || transport == "dir") {
      throw Error(ErrorKind::kUsage, ref.path + ": is a file; use docker-archive:" + ref.path + " or oci-archive:" + ref.path);
    }
    out.store = open_archive_store(ref.path, visitor);
    if (transport.empty()) {
      if (out.store->exists("manifest.json") || out.store->exists("repositories")) transport = "docker-archive";
      else if (out.store->exists("index.json")) transport = "oci-archive";
      else throw Error(ErrorKind::kFormat, ref.path + ": not a container image: the archive has no manifest.json, index.json or repositories");
    }
    const BlobStore* store = out.store.get();
    if (transport == "oci-archive") {
      out.resolve = [store](const SelectOptions& s) {
        ResolvedImage r = resolve_oci_layout(*store, s);
        r.info.transport = "oci-archive";
        return r;
      };
    } else {
      out.resolve = [store](const SelectOptions& s) { return resolve_docker_save(*store, s); };
    }
  }
  name_input(out);
  out.resolved = out.resolve(select);
  return out;
}

}  // namespace layerscope
