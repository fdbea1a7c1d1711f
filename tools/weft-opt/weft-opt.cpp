//===- weft-opt.cpp - Run Weft's and MLIR's passes on .mlir files ---------===//

#include "weft/Compiler/Compile.h"
#include "weft/Compiler/Pipeline.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

#include <string>
#include <vector>

/// `--weft-devices=<file>` is short for `--weft-devices=description=<file>`.
static std::vector<std::string> expandShorthands(int argc, char **argv) {
  std::vector<std::string> args(argv, argv + argc);
  const std::string flag = "--weft-devices=";
  for (std::string &arg : args)
    if (arg.rfind(flag, 0) == 0 &&
        arg.find('=', flag.size()) == std::string::npos)
      arg = flag + "description=" + arg.substr(flag.size());
  return args;
}

int main(int argc, char **argv) {
  std::vector<std::string> args = expandShorthands(argc, argv);
  std::vector<char *> argPointers;
  for (std::string &arg : args)
    argPointers.push_back(arg.data());
  argc = int(argPointers.size());
  argv = argPointers.data();

  mlir::registerAllPasses();
  weft::registerCompilePipelines();
  mlir::DialectRegistry registry;
  weft::registerCompilerDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Weft optimizer driver\n", registry));
}
