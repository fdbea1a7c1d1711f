//===- HostTarget.h - Can this machine run the host code? -------*- C++ -*-===//

#ifndef WEFT_LIB_RUNTIME_SESSION_HOSTTARGET_H
#define WEFT_LIB_RUNTIME_SESSION_HOSTTARGET_H

#include "weft/Runtime/Base/Status.h"

#include <string>
#include <string_view>

namespace weft::runtime {

/// Checks the artifact's target section (triple, required CPU features)
/// against this machine; `source` names the artifact in the error.
Status checkHostTarget(std::string_view target, const std::string &source);

} // namespace weft::runtime

#endif // WEFT_LIB_RUNTIME_SESSION_HOSTTARGET_H
