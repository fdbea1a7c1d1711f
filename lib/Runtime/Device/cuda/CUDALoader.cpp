//===- CUDALoader.cpp - The cuda driver: loading libweft_cuda.so ----------===//
//
// "cuda:N" is NVIDIA GPU N. Everything that talks to CUDA is in a separate
// library, libweft_cuda.so, loaded with dlopen the first time a CUDA device
// is asked for, so the runtime starts (and runs on its CPUs) on machines
// without CUDA. The library is looked for in $WEFT_CUDA_DRIVER alone when
// that is set, otherwise where the build put it, then in <exe>/../lib, then
// on the library search path. Devices made here forward to the library
// through its C interface (CUDADriverInterface.h).
//
//===----------------------------------------------------------------------===//

#include "CUDADriverInterface.h"
#include "weft/Runtime/Device/CUDAEmulator.h"
#include "weft/Runtime/Device/Device.h"

#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <map>
#include <mutex>
#include <set>
#include <unistd.h>

namespace weft::runtime {
namespace {

constexpr const char *kLibraryName = "libweft_cuda.so";

/// A status the library reported for device `deviceName`.
Status toStatus(const std::string &deviceName, int code,
                WeftCUDAStatus &status) {
  status.message[sizeof(status.message) - 1] = '\0';
  if (code <= int(StatusCode::Ok) || code > int(StatusCode::ResourceExhausted))
    return Status(StatusCode::Internal,
                  deviceName +
                      ": the CUDA driver library failed with unknown status " +
                      std::to_string(code) + " (" + status.message + ")");
  return Status(StatusCode(code), status.message);
}

WeftCUDAStatus makeStatus() {
  WeftCUDAStatus status;
  status.code = 0;
  status.message[0] = '\0';
  return status;
}

/// A program loaded by the library.
class LoadedCUDAProgram : public Executable {
public:
  LoadedCUDAProgram(std::string deviceName,
                    const WeftCUDADriverInterface &driver,
                    WeftCUDAProgram *program)
      : deviceName(std::move(deviceName)), driver(driver), program(program) {}
  ~LoadedCUDAProgram() override { driver.destroyProgram(program); }

  Status run(const std::vector<void *> &args) override {
    WeftCUDAStatus status = makeStatus();
    int code = driver.runProgram(program, args.data(), args.size(), &status);
    return code ? toStatus(deviceName, code, status) : Status::ok();
  }

private:
  std::string deviceName;
  const WeftCUDADriverInterface &driver;
  WeftCUDAProgram *program;
};

/// A device the library opened.
class LoadedCUDADevice : public Device {
public:
  LoadedCUDADevice(std::string name, const WeftCUDADriverInterface &driver,
                   WeftCUDADevice *device)
      : Device(std::move(name)), driver(driver), device(device),
        memorySpace(driver.getMemorySpace(device)) {}
  ~LoadedCUDADevice() override { driver.destroyDevice(device); }

  int getMemorySpace() const override { return memorySpace; }
  Status bindWorkerThread() override { return makeCurrent(); }

  Status execute(const Kernel &kernel) override {
    WEFT_RETURN_IF_ERROR(makeCurrent());
    return kernel(*this);
  }

  bool usesHostMemory() const override { return false; }

  StatusOr<void *> allocate(size_t bytes) override {
    WeftCUDAStatus status = makeStatus();
    void *pointer = nullptr;
    if (int code = driver.allocate(device, bytes, &pointer, &status))
      return toStatus(getName(), code, status);
    return pointer;
  }

  void deallocate(void *pointer) override {
    if (pointer)
      driver.deallocate(device, pointer);
  }

  Status copyFromHost(void *destination, const void *source,
                      size_t bytes) override {
    WeftCUDAStatus status = makeStatus();
    int code = driver.copyFromHost(device, destination, source, bytes, &status);
    return code ? toStatus(getName(), code, status) : Status::ok();
  }

  Status copyToHost(void *destination, const void *source,
                    size_t bytes) override {
    WeftCUDAStatus status = makeStatus();
    int code = driver.copyToHost(device, destination, source, bytes, &status);
    return code ? toStatus(getName(), code, status) : Status::ok();
  }

  StatusOr<std::unique_ptr<Executable>>
  loadProgram(std::string_view code, const std::string &name,
              std::string_view weights, const HostSymbolLookup &) override {
    WeftCUDAStatus status = makeStatus();
    WeftCUDAProgram *program =
        driver.loadProgram(device, code.data(), code.size(), name.c_str(),
                           weights.data(), weights.size(), &status);
    if (!program)
      return toStatus(getName(), status.code, status);
    return std::unique_ptr<Executable>(
        new LoadedCUDAProgram(getName(), driver, program));
  }

private:
  Status makeCurrent() {
    WeftCUDAStatus status = makeStatus();
    int code = driver.makeCurrent(device, &status);
    return code ? toStatus(getName(), code, status) : Status::ok();
  }

  const WeftCUDADriverInterface &driver;
  WeftCUDADevice *device;
  int memorySpace;
};

/// The directory of the running executable, or "".
std::string getExecutableDirectory() {
  char path[PATH_MAX];
  ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (length <= 0)
    return "";
  std::string executable(path, size_t(length));
  size_t slash = executable.rfind('/');
  return slash == std::string::npos ? "" : executable.substr(0, slash);
}

/// Opens the library at `path` and checks its interface. `found` tells
/// whether there was a library to open (false: look elsewhere).
StatusOr<const WeftCUDADriverInterface *>
openLibrary(const std::string &deviceName, const std::string &path,
            bool &found) {
  found = true;
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *reason = dlerror();
    std::string why = reason ? reason : "unknown error";
    if (why.rfind(std::string(kLibraryName) + ":", 0) == 0) {
      found = false; // a bare name the search path does not have
      return Status(StatusCode::NotFound, why);
    }
    // The library calls a driver API function (cuXxx) the installed driver
    // lacks.
    size_t symbol = why.find("undefined symbol: cu");
    if (symbol != std::string::npos && symbol + 20 < why.size() &&
        std::isupper(static_cast<unsigned char>(why[symbol + 20])))
      return Status(StatusCode::Unsupported,
                    deviceName +
                        ": the NVIDIA driver is too old for the "
                        "CUDA driver library " +
                        path + " (" + why + ")");
    if (why.find("libcuda.so.1") != std::string::npos)
      return Status(StatusCode::NotFound, deviceName +
                                              ": no NVIDIA driver on this "
                                              "machine (" +
                                              why + ")");
    return Status(StatusCode::NotFound, deviceName +
                                            ": cannot load the CUDA driver "
                                            "library " +
                                            path + ": " + why);
  }
  auto entry = reinterpret_cast<WeftCUDADriverEntryPoint>(
      dlsym(handle, WEFT_CUDA_DRIVER_ENTRY_POINT));
  if (!entry) {
    dlclose(handle);
    return Status(StatusCode::NotFound,
                  deviceName + ": " + path +
                      " is not a Weft CUDA driver library (it has no " +
                      WEFT_CUDA_DRIVER_ENTRY_POINT + ")");
  }
  const WeftCUDADriverInterface *driver = entry();
  if (!driver || driver->version != WEFT_CUDA_DRIVER_INTERFACE_VERSION) {
    int version = driver ? driver->version : 0;
    dlclose(handle);
    return Status(StatusCode::Unsupported,
                  deviceName + ": the CUDA driver library " + path +
                      " has interface version " + std::to_string(version) +
                      "; this runtime needs version " +
                      std::to_string(WEFT_CUDA_DRIVER_INTERFACE_VERSION));
  }
  return driver; // stays loaded for the life of the process
}

/// Looks for the library where a build or an install puts it, then on the
/// library search path, and opens the first found.
StatusOr<const WeftCUDADriverInterface *>
searchLibrary(const std::string &deviceName) {
  std::vector<std::string> paths;
#ifdef WEFT_CUDA_DRIVER_BUILD_PATH
  paths.push_back(WEFT_CUDA_DRIVER_BUILD_PATH);
#endif
  if (std::string directory = getExecutableDirectory(); !directory.empty())
    paths.push_back(directory + "/../lib/" + kLibraryName);
  std::string lookedIn;
  bool found = false;
  for (const std::string &path : paths) {
    lookedIn += path + ", ";
    if (access(path.c_str(), F_OK) == 0)
      return openLibrary(deviceName, path, found);
  }
  auto driver = openLibrary(deviceName, kLibraryName, found);
  if (found)
    return driver;
  lookedIn += "the library search path";
#ifdef WEFT_CUDA_DRIVER_BUILD_PATH
  return Status(StatusCode::NotFound,
                deviceName + ": the CUDA driver library " + kLibraryName +
                    " was not found (looked in: " + lookedIn +
                    "; WEFT_CUDA_DRIVER names it elsewhere)");
#else
  return Status(StatusCode::NotFound,
                deviceName +
                    ": this runtime was built without the CUDA driver (no "
                    "CUDA toolkit), and no " +
                    kLibraryName + " was found (looked in: " + lookedIn +
                    "; WEFT_CUDA_DRIVER names it elsewhere)");
#endif
}

/// Opens the library $WEFT_CUDA_DRIVER names, and no other.
StatusOr<const WeftCUDADriverInterface *>
openChosenLibrary(const std::string &deviceName, const std::string &path) {
  if (access(path.c_str(), F_OK) != 0)
    return Status(StatusCode::NotFound,
                  deviceName + ": the CUDA driver library " + path +
                      " (from WEFT_CUDA_DRIVER) does not exist");
  bool found = false;
  return openLibrary(deviceName, path, found);
}

/// The interface of the library $WEFT_CUDA_DRIVER names, or else of the one
/// the search finds. A library stays loaded once opened; failures are not
/// remembered, so a later call may find a library installed since.
StatusOr<const WeftCUDADriverInterface *>
loadDriverLibrary(const std::string &deviceName) {
  static std::mutex mutex;
  // By the value of WEFT_CUDA_DRIVER ("" for the search).
  static std::map<std::string, const WeftCUDADriverInterface *> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  const char *variable = std::getenv("WEFT_CUDA_DRIVER");
  std::string chosen = variable ? variable : "";
  if (auto it = loaded.find(chosen); it != loaded.end())
    return it->second;

  auto driver = chosen.empty() ? searchLibrary(deviceName)
                               : openChosenLibrary(deviceName, chosen);
  if (driver)
    loaded[chosen] = *driver;
  return driver;
}

} // namespace

void registerCUDADeviceDriver() {
  registerDeviceDriver(
      "cuda",
      [](int index,
         const std::string &options) -> StatusOr<std::unique_ptr<Device>> {
        std::string name = "cuda:" + std::to_string(index);
        // For testing where no GPU is: the programs run on the CPU.
        if (std::getenv(kGPUEmulationVariable)) {
          static std::mutex mutex;
          static std::set<std::string> told;
          std::lock_guard<std::mutex> lock(mutex);
          if (told.insert(name).second)
            std::fprintf(stderr, "weft: %s is emulated on the CPU (%s)\n",
                         name.c_str(), kGPUEmulationVariable);
          return createCUDAEmulator(name);
        }
        auto driver = loadDriverLibrary(name);
        if (!driver)
          return driver.getStatus();
        WeftCUDAStatus status = makeStatus();
        WeftCUDADevice *device =
            (*driver)->createDevice(index, options.c_str(), &status);
        if (!device)
          return toStatus(name, status.code, status);
        return std::unique_ptr<Device>(
            new LoadedCUDADevice(name, **driver, device));
      });
}

} // namespace weft::runtime
