//===- Artifact.h - Writing and reading .weft artifacts ---------*- C++ -*-===//
//
// ArtifactWriter assembles sections and writes the file atomically (a
// temporary file renamed into place). Artifact opens a file read-only,
// mapped, and verifies it completely before any section is handed out.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_ARTIFACT_ARTIFACT_H
#define WEFT_RUNTIME_ARTIFACT_ARTIFACT_H

#include "weft/Runtime/Artifact/Format.h"
#include "weft/Runtime/Base/Status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace weft::runtime {

/// CRC-32C (Castagnoli) of `size` bytes, continuing from `crc`.
uint32_t crc32c(const void *data, size_t size, uint32_t crc = 0);

/// Collects sections, then writes them as one artifact.
class ArtifactWriter {
public:
  /// Adds a section; `alignment` is a power of two, at least 64.
  void addSection(format::SectionKind kind, std::string bytes,
                  uint32_t flags = format::kRequired,
                  uint64_t alignment = format::kDefaultAlignment);
  /// The serialized artifact.
  std::string serialize() const;
  /// Writes to `path` through a temporary file in the same folder, renamed
  /// into place only once complete.
  Status writeFile(const std::string &path) const;

private:
  struct Section {
    uint32_t kind, flags;
    uint64_t alignment;
    std::string bytes;
  };
  std::vector<Section> sections;
};

/// A verified artifact, mapped read-only.
class Artifact {
public:
  /// A section's place in the file.
  struct Section {
    uint32_t kind = 0, flags = 0;
    const uint8_t *data = nullptr;
    uint64_t offset = 0; ///< from the start of the file
    uint64_t size = 0;
    std::string_view view() const {
      return std::string_view(reinterpret_cast<const char *>(data), size);
    }
  };

  /// Opens and verifies the artifact at `path`.
  static StatusOr<std::unique_ptr<Artifact>> open(const std::string &path);
  /// Verifies an artifact held in memory (`source` names it in errors); the
  /// bytes are copied into page-aligned memory, as a mapped file would be.
  static StatusOr<std::unique_ptr<Artifact>>
  fromBytes(std::string_view bytes, const std::string &source);
  ~Artifact();
  Artifact(const Artifact &) = delete;
  Artifact &operator=(const Artifact &) = delete;

  uint32_t getFormatVersion() const { return version; }
  const std::vector<Section> &getSections() const { return sections; }
  /// The first section of `kind`, or null.
  const Section *findSection(format::SectionKind kind) const;

private:
  Artifact() = default;
  /// Checks everything about the bytes at [data, data + size).
  Status verify(const std::string &source);

  const uint8_t *data = nullptr;
  uint64_t size = 0;
  void *mapping = nullptr; // from mmap, or null
  void *copy = nullptr;    // from fromBytes (page-aligned), or null
  uint32_t version = 0;
  std::vector<Section> sections;
};

} // namespace weft::runtime

#endif // WEFT_RUNTIME_ARTIFACT_ARTIFACT_H
