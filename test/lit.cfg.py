# -*- Python -*-
# lit configuration of Weft's tests.
import os
import lit.formats
from lit.llvm import llvm_config

config.name = "Weft"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.weft_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs",
                   "downstream", "conformance", "python", "corpus",
                   "regressions"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%weft_lib", config.weft_lib_dir))
config.substitutions.append(("%onnx_testdata", "/usr/share/libonnx-testdata/data"))
# mlir-runner's support libraries (printMemref*), from Debian's libmlir-22-dev.
config.substitutions.append(("%mlir_runner_utils",
                             "/usr/lib/llvm-22/lib/libmlir_runner_utils.so"))
config.substitutions.append(("%mlir_c_runner_utils",
                             "/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so"))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.weft_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    ["weft-opt", "weft-translate", "weft-onnx-import-suite", "weft-profile",
     "weft-compile", "weft-run"],
    tool_dirs)
# The `weft-compile` pass pipeline, spelled so that the tool substitution
# above (which would turn `builtin.module(weft-compile)` into a path) does not
# see it: substitutions apply in order, and this one comes after.
config.substitutions.append(("%weft_compile", "weft-compile"))
# Debian's stock mlir-opt (mlir-22-tools), for the plugin tests.
llvm_config.add_tool_substitutions(["mlir-opt", "mlir-runner"],
                                   [config.llvm_tools_dir])
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.weft_tools_dir, append_path=True)

# The CUDA toolkit's PTX assembler, which checks the PTX Weft generates; tests
# that need it are reported unsupported on machines without the toolkit.
import shutil
ptxas = shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
if os.path.exists(ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
