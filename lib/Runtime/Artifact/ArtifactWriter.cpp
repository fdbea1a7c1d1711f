//===- ArtifactWriter.cpp - Writing .weft artifacts -----------------------===//

#include "Endian.h"
#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Runtime/Base/File.h"

#include <cstring>

namespace weft::runtime {

using namespace format;

void ArtifactWriter::addSection(SectionKind kind, std::string bytes,
                                uint32_t flags, uint64_t alignment) {
  if (alignment < kDefaultAlignment || (alignment & (alignment - 1)))
    alignment = kDefaultAlignment;
  sections.push_back({uint32_t(kind), flags, alignment, std::move(bytes)});
}

std::string ArtifactWriter::serialize() const {
  uint64_t offset = kHeaderSize + kSectionEntrySize * sections.size();
  std::vector<uint64_t> offsets;
  for (const Section &s : sections) {
    offset = (offset + s.alignment - 1) & ~(s.alignment - 1);
    offsets.push_back(offset);
    offset += s.bytes.size();
  }
  std::string file(offset, '\0');
  auto *bytes = reinterpret_cast<uint8_t *>(file.data());
  std::memcpy(bytes + header::kMagic, kMagic, sizeof(kMagic));
  putLE32(bytes + header::kVersion, kFormatVersion);
  putLE32(bytes + header::kSectionCount, uint32_t(sections.size()));
  putLE64(bytes + header::kFileSize, offset);
  for (size_t i = 0; i < sections.size(); ++i) {
    const Section &s = sections[i];
    uint8_t *e = bytes + kHeaderSize + i * kSectionEntrySize;
    putLE32(e + entry::kKind, s.kind);
    putLE32(e + entry::kFlags, s.flags);
    putLE64(e + entry::kOffset, offsets[i]);
    putLE64(e + entry::kSize, s.bytes.size());
    putLE32(e + entry::kAlignment, uint32_t(s.alignment));
    putLE32(e + entry::kChecksum, crc32c(s.bytes.data(), s.bytes.size()));
    std::memcpy(bytes + offsets[i], s.bytes.data(), s.bytes.size());
  }
  size_t tableEnd = kHeaderSize + kSectionEntrySize * sections.size();
  putLE32(bytes + header::kChecksum, crc32c(bytes, tableEnd));
  return file;
}

Status ArtifactWriter::writeFile(const std::string &path) const {
  return runtime::writeFile(path, serialize());
}

} // namespace weft::runtime
