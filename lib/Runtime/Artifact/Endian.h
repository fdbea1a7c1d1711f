//===- Endian.h - Little-endian fields of the artifact format ---*- C++ -*-===//

#ifndef WEFT_LIB_RUNTIME_ARTIFACT_ENDIAN_H
#define WEFT_LIB_RUNTIME_ARTIFACT_ENDIAN_H

#include <cstdint>

namespace weft::runtime {

inline void putLE32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
inline void putLE64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = uint8_t(v >> (8 * i));
}
inline uint32_t getLE32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= uint32_t(p[i]) << (8 * i);
  return v;
}
inline uint64_t getLE64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

} // namespace weft::runtime

#endif // WEFT_LIB_RUNTIME_ARTIFACT_ENDIAN_H
