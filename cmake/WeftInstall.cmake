#===- cmake/WeftInstall.cmake - The installed CMake package ---------------===#
#
# `cmake --install build --prefix <dir>` installs the headers (with the
# generated .inc files), the libraries, the tools and the mlir-opt plugin,
# and a package that downstream projects find with find_package(Weft).
#
#===----------------------------------------------------------------------===#
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)
set(WEFT_INSTALL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/weft)

set(weft_libraries WeftSupport WeftONNXDialect WeftTargetONNX WeftONNXTransforms
  WeftAnalysis WeftWeftDialect WeftPlacementTransforms)
foreach(lib ${weft_libraries})
  target_include_directories(${lib} INTERFACE
    $<BUILD_INTERFACE:${WEFT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${WEFT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endforeach()

install(DIRECTORY ${WEFT_SOURCE_DIR}/include/weft
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td" PATTERN "CMakeLists.txt" EXCLUDE)
install(DIRECTORY ${WEFT_BINARY_DIR}/include/weft
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.inc" PATTERN "*.td"
  PATTERN "CMakeFiles" EXCLUDE)

# The runtime libraries are plain CMake targets; they join the same set.
foreach(lib WeftRuntimeBase WeftRuntimeArtifact WeftRuntimeSession WeftRuntimeTooling WeftRuntimeDevice
    WeftRuntimeScheduler)
  target_include_directories(${lib} PUBLIC
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endforeach()
install(TARGETS WeftRuntimeBase WeftRuntimeArtifact WeftRuntimeSession WeftRuntimeTooling WeftRuntimeDevice
  WeftRuntimeScheduler EXPORT MLIRTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS weft-run RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The CUDA driver, which the runtime finds at <bin>/../lib (built only where
# the CUDA toolkit is).
if(TARGET weft_cuda)
  install(TARGETS weft_cuda LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()

# add_mlir_library installs each library into the MLIRTargets export set;
# it is published here under the Weft:: namespace.
install(EXPORT MLIRTargets
  FILE WeftTargets.cmake
  NAMESPACE Weft::
  DESTINATION ${WEFT_INSTALL_CMAKE_DIR})

install(TARGETS weft-opt weft-translate weft-profile weft-compile
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS WeftPlugin LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})

configure_package_config_file(
  ${WEFT_SOURCE_DIR}/cmake/WeftConfig.cmake.in
  ${WEFT_BINARY_DIR}/cmake/WeftConfig.cmake
  INSTALL_DESTINATION ${WEFT_INSTALL_CMAKE_DIR})
write_basic_package_version_file(
  ${WEFT_BINARY_DIR}/cmake/WeftConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
  ${WEFT_BINARY_DIR}/cmake/WeftConfig.cmake
  ${WEFT_BINARY_DIR}/cmake/WeftConfigVersion.cmake
  DESTINATION ${WEFT_INSTALL_CMAKE_DIR})
