# The cuda driver: NVIDIA GPUs. The runtime holds only its loader; the code
# that talks to CUDA is libweft_cuda.so, built when the CUDA toolkit is
# found and loaded with dlopen the first time a cuda device is asked for,
# so nothing links it and the runtime starts on machines without CUDA.
list(APPEND WEFT_DEVICE_DRIVER_SOURCES cuda/CUDALoader.cpp)
# The CPU emulation of CUDA programs (for testing without a GPU) and the
# program parser it shares with libweft_cuda.so: plain C++.
list(APPEND WEFT_DEVICE_DRIVER_SOURCES cuda/CUDAEmulator.cpp
  cuda/CUDAProgram.cpp)
list(APPEND WEFT_DEVICE_DRIVER_REGISTRARS registerCUDADeviceDriver)

find_package(CUDAToolkit QUIET)
if(CUDAToolkit_FOUND)
  add_library(weft_cuda SHARED
    cuda/CUDADevice.cpp
    cuda/CUDAExecutable.cpp
    cuda/CUDAProgram.cpp
  )
  target_include_directories(weft_cuda PRIVATE ${WEFT_SOURCE_DIR}/include)
  target_link_libraries(weft_cuda PRIVATE CUDA::cuda_driver CUDA::cublas)
  # Only the entry point is exported; every symbol must resolve at link time
  # (but in sanitizer builds, whose runtime the executable brings).
  set_target_properties(weft_cuda PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize=")
    target_link_options(weft_cuda PRIVATE -Wl,--no-undefined)
  endif()
  set_source_files_properties(cuda/CUDALoader.cpp PROPERTIES
    COMPILE_DEFINITIONS
    "WEFT_CUDA_DRIVER_BUILD_PATH=\"$<TARGET_FILE:weft_cuda>\"")
  message(STATUS
    "cuda device driver: libweft_cuda.so (CUDA ${CUDAToolkit_VERSION})")
else()
  message(STATUS
    "cuda device driver: no CUDA toolkit, libweft_cuda.so is not built")
endif()
