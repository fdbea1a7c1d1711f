//===- Artifact.cpp - Reading and verifying .weft artifacts
//----------------===//

#include "weft/Runtime/Artifact/Artifact.h"
#include "Endian.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace weft::runtime {

using namespace format;

namespace {

Status corrupt(const std::string &source, const std::string &problem) {
  return Status(StatusCode::DataLoss, source + ": " + problem);
}

bool isKnownKind(uint32_t kind) {
  return kind >= uint32_t(SectionKind::Manifest) &&
         kind <= uint32_t(SectionKind::GpuCode);
}

} // namespace

Artifact::~Artifact() {
  if (mapping)
    munmap(mapping, size_t(size));
  std::free(copy);
}

StatusOr<std::unique_ptr<Artifact>> Artifact::open(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status(StatusCode::NotFound,
                  path + ": cannot open the artifact: " + std::strerror(errno));
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return Status(StatusCode::InvalidArgument, path + ": not a regular file");
  }
  std::unique_ptr<Artifact> artifact(new Artifact());
  artifact->size = uint64_t(info.st_size);
  if (artifact->size > 0) {
    void *mapped =
        mmap(nullptr, size_t(artifact->size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped == MAP_FAILED) {
      ::close(fd);
      return Status(StatusCode::InvalidArgument,
                    path +
                        ": cannot map the artifact: " + std::strerror(errno));
    }
    artifact->mapping = mapped;
    artifact->data = static_cast<const uint8_t *>(mapped);
  }
  ::close(fd);
  WEFT_RETURN_IF_ERROR(artifact->verify(path));
  return artifact;
}

StatusOr<std::unique_ptr<Artifact>>
Artifact::fromBytes(std::string_view bytes, const std::string &source) {
  std::unique_ptr<Artifact> artifact(new Artifact());
  constexpr size_t kPage = 4096;
  if (posix_memalign(&artifact->copy, kPage, std::max<size_t>(bytes.size(), 1)))
    return Status(StatusCode::Internal, source + ": out of memory");
  if (!bytes.empty())
    std::memcpy(artifact->copy, bytes.data(), bytes.size());
  artifact->data = static_cast<const uint8_t *>(artifact->copy);
  artifact->size = bytes.size();
  WEFT_RETURN_IF_ERROR(artifact->verify(source));
  return artifact;
}

Status Artifact::verify(const std::string &source) {
  if (size < kHeaderSize || std::memcmp(data, kMagic, sizeof(kMagic)) != 0) {
    if (size >= sizeof(kMagic) &&
        std::memcmp(data, kMagic, sizeof(kMagic)) == 0)
      return corrupt(source,
                     "the artifact is truncated: " + std::to_string(size) +
                         " bytes, shorter than its header");
    return Status(StatusCode::InvalidArgument,
                  source + ": not a Weft artifact (wrong magic bytes)");
  }
  version = getLE32(data + header::kVersion);
  if (version > kFormatVersion)
    return Status(StatusCode::Unsupported,
                  source + ": artifact format version " +
                      std::to_string(version) +
                      " is newer than this runtime reads (" +
                      std::to_string(kFormatVersion) +
                      "); use the Weft that compiled it or recompile");
  if (version == 0)
    return corrupt(source, "artifact format version 0 is not valid");
  uint64_t declared = getLE64(data + header::kFileSize);
  if (declared != size)
    return corrupt(source,
                   declared > size
                       ? "the artifact is truncated: " + std::to_string(size) +
                             " of " + std::to_string(declared) + " bytes"
                       : "the artifact has " + std::to_string(size - declared) +
                             " bytes after its end");
  uint32_t count = getLE32(data + header::kSectionCount);
  if (count > kMaxSections)
    return corrupt(source, "the header claims " + std::to_string(count) +
                               " sections (at most " +
                               std::to_string(kMaxSections) + ")");
  uint64_t tableEnd = kHeaderSize + uint64_t(count) * kSectionEntrySize;
  if (tableEnd > size)
    return corrupt(source, "the section table runs past the end of the file");
  // The header checksum covers the header (with the checksum zeroed) and the
  // section table.
  uint8_t headerCopy[kHeaderSize];
  std::memcpy(headerCopy, data, kHeaderSize);
  putLE32(headerCopy + header::kChecksum, 0);
  uint32_t crc = crc32c(headerCopy, kHeaderSize);
  crc = crc32c(data + kHeaderSize, tableEnd - kHeaderSize, crc);
  if (crc != getLE32(data + header::kChecksum))
    return corrupt(source, "the header or section table is corrupt (checksum "
                           "mismatch)");

  std::vector<std::pair<uint64_t, uint64_t>> extents;
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t *e = data + kHeaderSize + uint64_t(i) * kSectionEntrySize;
    Section section;
    section.kind = getLE32(e + entry::kKind);
    section.flags = getLE32(e + entry::kFlags);
    uint64_t offset = getLE64(e + entry::kOffset);
    section.size = getLE64(e + entry::kSize);
    uint32_t alignment = getLE32(e + entry::kAlignment);
    std::string what = "section #" + std::to_string(i) + " (kind " +
                       std::to_string(section.kind) + ")";
    if (offset < tableEnd || offset > size || section.size > size - offset)
      return corrupt(source, what + " lies outside the file (offset " +
                                 std::to_string(offset) + ", size " +
                                 std::to_string(section.size) + ", file " +
                                 std::to_string(size) + " bytes)");
    if (alignment == 0 || (alignment & (alignment - 1)) || offset % alignment)
      return corrupt(source, what + " is not aligned as it says (" +
                                 std::to_string(alignment) + ")");
    section.data = data + offset;
    section.offset = offset;
    if (crc32c(section.data, section.size) != getLE32(e + entry::kChecksum))
      return corrupt(source, what + " is corrupt (checksum mismatch)");
    if (!isKnownKind(section.kind)) {
      if (section.flags & kRequired)
        return Status(StatusCode::Unsupported,
                      source + ": " + what +
                          " is required but unknown to this runtime");
      continue;
    }
    extents.push_back({offset, section.size});
    sections.push_back(section);
  }
  std::sort(extents.begin(), extents.end());
  for (size_t i = 1; i < extents.size(); ++i)
    if (extents[i - 1].first + extents[i - 1].second > extents[i].first)
      return corrupt(source, "two sections overlap");
  return Status::ok();
}

const Artifact::Section *Artifact::findSection(SectionKind kind) const {
  for (const Section &s : sections)
    if (s.kind == uint32_t(kind))
      return &s;
  return nullptr;
}

} // namespace weft::runtime
