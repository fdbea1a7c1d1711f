//===- Checksum.cpp - CRC-32C
//----------------------------------------------===//

#include "weft/Runtime/Artifact/Artifact.h"

#include <array>

namespace weft::runtime {
namespace {

/// Tables for slicing-by-8: table[k][b] is the CRC of byte b followed by k
/// zero bytes, so eight bytes are folded per step.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

Tables makeTables() {
  constexpr uint32_t kPolynomial = 0x82F63B78; // Castagnoli, reflected
  Tables tables{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ ((crc & 1) ? kPolynomial : 0);
    tables[0][b] = crc;
  }
  for (uint32_t b = 0; b < 256; ++b)
    for (int k = 1; k < 8; ++k)
      tables[k][b] =
          (tables[k - 1][b] >> 8) ^ tables[0][tables[k - 1][b] & 0xff];
  return tables;
}

} // namespace

uint32_t crc32c(const void *data, size_t size, uint32_t crc) {
  static const Tables tables = makeTables();
  const auto *p = static_cast<const uint8_t *>(data);
  crc = ~crc;
  while (size >= 8) {
    uint32_t low = crc ^ (uint32_t(p[0]) | uint32_t(p[1]) << 8 |
                          uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24);
    crc = tables[7][low & 0xff] ^ tables[6][(low >> 8) & 0xff] ^
          tables[5][(low >> 16) & 0xff] ^ tables[4][low >> 24] ^
          tables[3][p[4]] ^ tables[2][p[5]] ^ tables[1][p[6]] ^ tables[0][p[7]];
    p += 8;
    size -= 8;
  }
  while (size--)
    crc = (crc >> 8) ^ tables[0][(crc ^ *p++) & 0xff];
  return ~crc;
}

} // namespace weft::runtime
