"""Installs the weft package built by CMake (make build) into an environment.

    make build && pip install --no-build-isolation ./python

The extension is compiled by the project's CMake build (it needs MLIR 22 and
ONNX's C++ library); this copies the built package from $WEFT_BUILD_DIR
(default: ../build) so no PyPI access is needed.
"""
import glob
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
BUILT = os.path.join(os.environ.get("WEFT_BUILD_DIR",
                                    os.path.join(HERE, "..", "build")),
                     "python", "weft")


class CopyBuiltPackage(build_py):
    """Takes the package (Python files and _weft extension) from the build."""

    def run(self):
        extension = glob.glob(os.path.join(BUILT, "_weft*.so"))
        if not extension:
            raise SystemExit("weft: no built extension in %s; run `make build` "
                             "first (or set WEFT_BUILD_DIR)" % BUILT)
        super().run()
        target = os.path.join(self.build_lib, "weft")
        os.makedirs(target, exist_ok=True)
        for path in extension:
            shutil.copy2(path, target)


setup(
    name="weft",
    version="0.1.0",
    description="Compile ONNX models to native code and run them",
    packages=["weft"],
    cmdclass={"build_py": CopyBuiltPackage},
    python_requires=">=3.9",
    install_requires=["numpy"],
    zip_safe=False,
)
