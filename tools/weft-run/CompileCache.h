//===- CompileCache.h - weft-run on .onnx files ------------------*- C++
//-*-===//
//
// `weft-run model.onnx` compiles the model with the weft-compile installed
// next to weft-run into a cache folder and runs the artifact; a model seen
// before (same bytes, same compiler) is not compiled again.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_TOOLS_WEFT_RUN_COMPILECACHE_H
#define WEFT_TOOLS_WEFT_RUN_COMPILECACHE_H

#include "weft/Runtime/Base/Status.h"

#include <string>

namespace weft::runtime {

/// Whether `path` names an ONNX model (by its extension).
bool isONNXModel(const std::string &path);

/// The cached artifact for the model at `path`, compiled first if needed by
/// the weft-compile beside `argv0`. The cache is $WEFT_CACHE_DIR, else
/// $XDG_CACHE_HOME/weft, else ~/.cache/weft.
StatusOr<std::string> compileToCache(const std::string &path,
                                     const char *argv0);

} // namespace weft::runtime

#endif // WEFT_TOOLS_WEFT_RUN_COMPILECACHE_H
