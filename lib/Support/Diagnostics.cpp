//===- Diagnostics.cpp - Diagnostics that name models and nodes
//------------===//

#include "weft/Support/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

using namespace mlir;

namespace weft {

std::string formatLocation(Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto name = dyn_cast<NameLoc>(loc)) {
    std::string child = formatLocation(name.getChildLoc());
    if (!child.empty())
      os << child << ":";
    os << name.getName().getValue();
  } else if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    os << file.getFilename().getValue();
    if (file.getLine() != 0)
      os << ":" << file.getLine() << ":" << file.getColumn();
  } else if (auto fused = dyn_cast<FusedLoc>(loc)) {
    if (!fused.getLocations().empty())
      return formatLocation(fused.getLocations().front());
  } else if (!isa<UnknownLoc>(loc)) {
    loc.print(os);
  }
  return text;
}

static StringRef severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

ModelDiagnosticHandler::ModelDiagnosticHandler(MLIRContext *context,
                                               llvm::raw_ostream &os)
    : ScopedDiagnosticHandler(context, [&os](Diagnostic &diag) {
        auto print = [&os](Diagnostic &d) {
          std::string where = formatLocation(d.getLocation());
          if (!where.empty())
            os << where << ": ";
          os << severityName(d.getSeverity()) << ": " << d.str() << "\n";
        };
        print(diag);
        for (Diagnostic &note : diag.getNotes())
          print(note);
        os.flush();
        return success();
      }) {}

} // namespace weft
