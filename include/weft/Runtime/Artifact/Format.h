//===- Format.h - The layout of a .weft artifact ----------------*- C++ -*-===//
//
// One file, little-endian:
//
//   header          64 bytes: magic, format version, section count, file size,
//                   checksum of the header and section table
//   section table   32 bytes per section: kind, flags, offset, size,
//                   alignment, checksum of the section's bytes
//   sections        each at its alignment (64 bytes or more), so that
//                   weights can be used in place from a mapped file
//
// Checksums are CRC-32C. A reader rejects a file whose magic, version, size,
// offsets or checksums do not hold, and sections it requires but does not
// know; it skips optional sections it does not know.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_ARTIFACT_FORMAT_H
#define WEFT_RUNTIME_ARTIFACT_FORMAT_H

#include <cstddef>
#include <cstdint>

namespace weft::runtime::format {

/// Starts every artifact; the 0x89 and CR LF bytes catch text-mode copies.
constexpr unsigned char kMagic[8] = {0x89, 'W',  'E',  'F',
                                     'T',  '\r', '\n', 0x1a};
/// The format this runtime writes and the newest it reads.
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderSize = 64;
constexpr size_t kSectionEntrySize = 32;
constexpr uint64_t kDefaultAlignment = 64;
/// A generous bound on sections, so a corrupt count cannot allocate much.
constexpr uint32_t kMaxSections = 4096;

/// What a section holds.
enum class SectionKind : uint32_t {
  Manifest = 1, ///< text, one fact per line: inputs, outputs, entry point or
                ///< tasks and transfers, arenas (docs/artifact.md)
  Target = 2,   ///< text: the triple and CPU features compiled for
  HostCode = 3, ///< a shared object with the CPU kernels
  Weights = 4,  ///< constant tensors, each at its own aligned offset
  GpuCode = 5,  ///< PTX or cubin for the CUDA kernels
};

/// Section flags.
enum SectionFlags : uint32_t {
  /// A reader that does not know the section's kind must refuse the file.
  kRequired = 1u << 0,
};

/// Field offsets within the header.
namespace header {
constexpr size_t kMagic = 0;         // 8 bytes
constexpr size_t kVersion = 8;       // u32
constexpr size_t kSectionCount = 12; // u32
constexpr size_t kFileSize = 16;     // u64
constexpr size_t kChecksum = 24; // u32, over header (this field zero) + table
} // namespace header

/// Field offsets within a section table entry.
namespace entry {
constexpr size_t kKind = 0;       // u32
constexpr size_t kFlags = 4;      // u32
constexpr size_t kOffset = 8;     // u64
constexpr size_t kSize = 16;      // u64
constexpr size_t kAlignment = 24; // u32, a power of two
constexpr size_t kChecksum = 28;  // u32, over the section's bytes
} // namespace entry

} // namespace weft::runtime::format

#endif // WEFT_RUNTIME_ARTIFACT_FORMAT_H
