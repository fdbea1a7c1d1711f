//===- HostTarget.h - Can this machine run this host code? ------*- C++ -*-===//

#ifndef WEFT_LIB_RUNTIME_SESSION_HOSTTARGET_H
#define WEFT_LIB_RUNTIME_SESSION_HOSTTARGET_H

#include "weft/Runtime/Base/Status.h"
#include "weft/Runtime/Device/Device.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace weft::runtime {

/// Checks the artifact's target section (triple, required CPU features)
/// against this machine; `source` names the artifact in the error.
Status checkHostTarget(std::string_view target, const std::string &source);

/// Symbol `name` of the loaded host code `library`, if the code itself
/// defines it: never one of the libraries it links (an edited manifest must
/// not make the runtime call `system`).
void *findOwnSymbol(void *library, const std::string &name);

/// Checks that `arenaBytes`, the arena the manifest gives entry point
/// `entry`, is at least what the code declares it needs
/// (`<entry>_arena_bytes`, which the compiler defines), found by `lookup`.
Status checkDeclaredArena(const HostSymbolLookup &lookup,
                          const std::string &entry, uint64_t arenaBytes,
                          const std::string &source);

} // namespace weft::runtime

#endif // WEFT_LIB_RUNTIME_SESSION_HOSTTARGET_H
