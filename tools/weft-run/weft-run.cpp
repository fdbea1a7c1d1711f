//===- weft-run.cpp - Run a compiled model --------------------------------===//
//
//   weft-run model.weft --random [--bench N [--warmup W]] [--batch N]
//            [--threads T]
//   weft-run model.weft --input name=x.npy [--output-dir out/ [--format pb]]
//   weft-run model.weft --test-data test_data_set_0 --check
//   weft-run model.onnx ...        (compiled into a cache first)
//   weft-run model.weft --random --batch 8 --devices cpu:0,cpu:1
//            [--schedule static|dynamic] [--inject cpu:1:slow=3] [--stats]
//            [--trace trace.json] [--compare static] [--history file]
//     (a dynamic-batch model's samples run as tasks across the devices)
//
// Prints each output's name, shape and first values; --bench N runs N times
// (after W untimed runs: thread pools and allocators settle) and prints
// `latency_ms median=<x> p90=<y>`; --check compares the outputs
// with the data set's output_N.pb (ONNX's tolerances) and exits 0 iff all
// match. Exits 1 with the runtime's message on any error.
//
//===----------------------------------------------------------------------===//

#include "CompileCache.h"
#include "weft/Runtime/Device/FaultInjection.h"
#include "weft/Runtime/Session/Session.h"
#include "weft/Runtime/Session/TensorFiles.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

using namespace weft::runtime;

namespace {

int fail(const std::string &message) {
  std::fprintf(stderr, "weft-run: error: %s\n", message.c_str());
  return 1;
}

void fillRandom(Tensor &t, std::mt19937 &rng) {
  std::uniform_real_distribution<float> unit(-1, 1);
  int64_t n = t.getElementCount();
  switch (t.getDType()) {
  case DType::F32:
    for (int64_t i = 0; i < n; ++i)
      t.as<float>()[i] = unit(rng);
    break;
  case DType::F64:
    for (int64_t i = 0; i < n; ++i)
      t.as<double>()[i] = unit(rng);
    break;
  default:
    std::memset(t.data(), 0, t.getByteSize());
  }
}

void printSummary(const TensorSpec &spec, const Tensor &t) {
  std::printf("%s %s:", spec.name.c_str(), spec.describe().c_str());
  int64_t n = std::min<int64_t>(t.getElementCount(), 8);
  for (int64_t i = 0; i < n; ++i) {
    if (t.getDType() == DType::F32)
      std::printf(" %g", t.as<float>()[i]);
    else if (t.getDType() == DType::I64)
      std::printf(" %lld", (long long)t.as<int64_t>()[i]);
  }
  std::printf(t.getElementCount() > n ? " ...\n" : "\n");
}

/// Reads a tensor from a .pb (TensorProto) or .npy file, by its extension,
/// for an input declared `declared`.
StatusOr<Tensor> readTensorFile(const std::string &path, DType declared) {
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".pb") == 0)
    return readTestDataTensor(path, declared);
  return readNpy(path);
}

/// Compares `results` with `dir`/output_N.pb; prints one line per output.
bool checkOutputs(const Session &session, const std::vector<Tensor> &results,
                  const std::string &dir) {
  bool all = true;
  size_t matched = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const std::string &name = session.getOutputs()[i].name;
    auto expected =
        readTestDataTensor(dir + "/output_" + std::to_string(i) + ".pb",
                           session.getOutputs()[i].dtype);
    Status same =
        expected ? compareTensors(results[i], *expected) : expected.getStatus();
    if (same) {
      ++matched;
      std::printf("check %s: ok\n", name.c_str());
    } else {
      all = false;
      std::printf("check %s: MISMATCH: %s\n", name.c_str(),
                  same.getMessage().c_str());
    }
  }
  std::printf("check: %zu of %zu outputs match (rtol 1e-3, atol 1e-7)\n",
              matched, results.size());
  return all;
}

} // namespace

/// A scheduler over the devices `specs` name, with the faults --inject
/// asked for (`faults` maps a device name to its fault plan).
StatusOr<std::unique_ptr<Scheduler>>
makeScheduler(const std::vector<std::string> &specs,
              const std::map<std::string, std::string> &faults) {
  auto devices = createDevices(specs, faults);
  if (!devices)
    return devices.getStatus();
  return std::make_unique<Scheduler>(std::move(*devices));
}

/// "a,b,c" -> {a, b, c}.
std::vector<std::string> splitList(const std::string &text) {
  std::vector<std::string> items;
  size_t at = 0;
  while (at <= text.size()) {
    size_t comma = text.find(',', at);
    std::string item = text.substr(at, comma - at);
    if (!item.empty())
      items.push_back(item);
    if (comma == std::string::npos)
      break;
    at = comma + 1;
  }
  return items;
}

/// The command line, and what each option does.
constexpr const char *kUsage =
    "weft-run model.weft|model.onnx [--random] [--input name=x.npy|x.pb] "
    "[--test-data dir [--check]] [--output-dir dir [--format npy|pb]] "
    "[--bench N] [--warmup W] [--batch N] [--threads T] "
    "[--devices cpu:0,cpu:1] [--schedule static|dynamic] "
    "[--inject dev:faults] [--stats] [--trace file] [--compare static] "
    "[--history file]";
constexpr const char *kHelp = R"(
Runs a compiled model (a .onnx file is compiled into a cache first) and
prints each output's name, shape and first values.

  --random               random inputs
  --input NAME=FILE      an input from a .npy or TensorProto (.pb) file
  --test-data DIR        inputs from an ONNX test data set; --check compares
                         the outputs with its output_N.pb (exit 1 if not)
  --output-dir DIR       write the outputs there (created if missing), as
                         .npy or, with --format pb, TensorProto
  --bench N, --warmup W  run N times after W untimed runs; prints
                         latency_ms median=<x> p90=<y>
  --batch N              the batch of a dynamic-batch model's random inputs
  --threads T            threads of the CPU code's OpenMP teams (default:
                         OMP_NUM_THREADS, else one per core)
  --devices LIST         devices a batch's chunks are scheduled on
                         (default: the artifact's, else one CPU per core)
  --schedule MODE        static (the compiled plan) or dynamic (earliest
                         finish time, corrected by measured times)
  --inject DEV:FAULTS    inject faults into a device (cpu:1:slow=3, ...)
  --stats                per-device run statistics
  --trace FILE           a Chrome trace of the run
  --compare static       check the outputs bit for bit against a static run
  --history FILE         measured times, read before and saved after the run
)";

int main(int argc, char **argv) {
  std::string model, outputDir, testData, format = "npy";
  std::string schedule, tracePath, compare, historyPath;
  std::vector<std::string> deviceSpecs;
  std::map<std::string, std::string> faults;
  bool random = false, check = false, printStats = false;
  int bench = 0, warmup = 0;
  std::string threads; // --threads; "": OMP_NUM_THREADS or one per core
  int64_t batch = 0;   // --batch; 0: the model's own
  std::map<std::string, std::string> inputFiles;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("usage: %s\n%s", kUsage, kHelp);
      return 0;
    }
    if (arg == "--random")
      random = true;
    else if (arg == "--check")
      check = true;
    else if (arg == "--stats")
      printStats = true;
    else if (arg == "--schedule" && i + 1 < argc) {
      schedule = argv[++i];
      if (schedule != "static" && schedule != "dynamic")
        return fail("--schedule is static or dynamic, got '" + schedule + "'");
    } else if (arg == "--devices" && i + 1 < argc)
      deviceSpecs = splitList(argv[++i]);
    else if (arg == "--trace" && i + 1 < argc)
      tracePath = argv[++i];
    else if (arg == "--history" && i + 1 < argc)
      historyPath = argv[++i];
    else if (arg == "--compare" && i + 1 < argc) {
      compare = argv[++i];
      if (compare != "static")
        return fail("--compare takes static (an unperturbed static run)");
    } else if (arg == "--inject" && i + 1 < argc) {
      // <kind>:<index>:<faults>
      std::string spec = argv[++i];
      size_t first = spec.find(':'), second = first == std::string::npos
                                                  ? first
                                                  : spec.find(':', first + 1);
      if (second == std::string::npos)
        return fail("--inject takes <device>:<faults> such as cpu:1:slow=3, "
                    "got '" +
                    spec + "'");
      faults[spec.substr(0, second)] = spec.substr(second + 1);
    } else if (arg == "--bench" && i + 1 < argc)
      bench = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--warmup" && i + 1 < argc)
      warmup = std::max(0, std::atoi(argv[++i]));
    else if (arg == "--batch" && i + 1 < argc)
      batch = std::max<long long>(1, std::atoll(argv[++i]));
    else if (arg == "--threads" && i + 1 < argc) {
      threads = argv[++i];
      char *end = nullptr;
      long count = std::strtol(threads.c_str(), &end, 10);
      if (threads.empty() || *end || count < 1 || count > 4096)
        return fail("--threads takes a number of threads from 1 to 4096, "
                    "got '" +
                    threads + "'");
    } else if (arg == "--output-dir" && i + 1 < argc)
      outputDir = argv[++i];
    else if (arg == "--test-data" && i + 1 < argc)
      testData = argv[++i];
    else if (arg == "--format" && i + 1 < argc) {
      format = argv[++i];
      if (format != "npy" && format != "pb")
        return fail("--format is npy or pb, got '" + format + "'");
    } else if (arg == "--input" && i + 1 < argc) {
      std::string spec = argv[++i];
      size_t eq = spec.find('=');
      if (eq == std::string::npos)
        return fail("--input takes name=file.npy, got '" + spec + "'");
      inputFiles[spec.substr(0, eq)] = spec.substr(eq + 1);
    } else if (!arg.empty() && arg[0] != '-' && model.empty())
      model = arg;
    else
      return fail("unknown argument '" + arg + "' (usage: " + kUsage + ")");
  }
  if (model.empty())
    return fail("no model given");
  if (check && testData.empty())
    return fail("--check compares with a data set's outputs: give --test-data");
  // The CPU code's OpenMP teams (its loops, oneDNN's GEMMs) read this when
  // the host code first loads their runtimes.
  if (!threads.empty())
    setenv("OMP_NUM_THREADS", threads.c_str(), 1);
  if (!outputDir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(outputDir, error);
    if (error)
      return fail("cannot create the output folder " + outputDir + ": " +
                  error.message());
  }
  if (isONNXModel(model)) {
    auto compiled = compileToCache(model, argv[0]);
    if (!compiled)
      return fail(compiled.getStatus().getMessage());
    model = *compiled;
  }
  auto session = Session::create(model);
  if (!session)
    return fail(session.getStatus().getMessage());

  // Scheduling across devices, when asked for in any way.
  bool scheduled = !schedule.empty() || !deviceSpecs.empty() ||
                   !faults.empty() || printStats || !tracePath.empty() ||
                   !compare.empty() || !historyPath.empty();
  // The artifact's devices, else one CPU device per core.
  if (deviceSpecs.empty())
    deviceSpecs = (*session)->getCompiledDevices();
  if (deviceSpecs.empty())
    for (unsigned d = 0; d < std::max(1u, std::thread::hardware_concurrency());
         ++d)
      deviceSpecs.push_back("cpu:" + std::to_string(d));
  std::unique_ptr<Scheduler> scheduler;
  RunStats runStats;
  RunOptions runOptions;
  if (scheduled) {
    auto made = makeScheduler(deviceSpecs, faults);
    if (!made)
      return fail(made.getStatus().getMessage());
    scheduler = std::move(*made);
    runOptions.scheduler = scheduler.get();
    runOptions.mode =
        schedule == "static" ? ScheduleMode::Static : ScheduleMode::Dynamic;
    runOptions.stats = &runStats;
    // Measured times from earlier runs (a missing file starts a new one).
    if (!historyPath.empty()) {
      Status loaded = scheduler->getHistory().load(historyPath);
      if (!loaded && loaded.getCode() != StatusCode::NotFound)
        return fail(loaded.getMessage());
    }
  }

  std::map<std::string, Tensor> feeds;
  std::mt19937 rng(0);
  const auto &inputs = (*session)->getInputs();
  for (size_t i = 0; i < inputs.size() && !testData.empty(); ++i)
    inputFiles.emplace(inputs[i].name,
                       testData + "/input_" + std::to_string(i) + ".pb");
  for (const TensorSpec &spec : inputs) {
    auto file = inputFiles.find(spec.name);
    if (file != inputFiles.end()) {
      auto tensor = readTensorFile(file->second, spec.dtype);
      if (!tensor)
        return fail(tensor.getStatus().getMessage());
      feeds[spec.name] = *tensor;
    } else if (random) {
      std::vector<int64_t> shape = spec.shape;
      if (spec.hasDynamicBatch()) // --batch, else the exported batch
        shape[0] = batch > 0 ? batch : (*session)->getDefaultBatch();
      Tensor t(spec.dtype, shape);
      fillRandom(t, rng);
      feeds[spec.name] = t;
    }
  }
  for (const auto &[name, file] : inputFiles)
    if (!feeds.count(name)) {
      auto tensor = readTensorFile(file, DType::F32);
      if (!tensor)
        return fail(tensor.getStatus().getMessage());
      feeds[name] = *tensor; // the session names the unknown input
    }

  std::vector<Tensor> results;
  Status status = (*session)->run(feeds, results, runOptions);
  if (!status)
    return fail(status.getMessage());
  if (printStats)
    std::printf("%s", runStats.describe().c_str());
  if (!tracePath.empty()) {
    Status written = runStats.writeChromeTrace(tracePath);
    if (!written)
      return fail(written.getMessage());
  }
  if (!compare.empty()) {
    // The same inputs, unperturbed and static: the outputs must match bit
    // for bit.
    auto plain = makeScheduler(deviceSpecs, {});
    if (!plain)
      return fail(plain.getStatus().getMessage());
    RunOptions reference;
    reference.scheduler = plain->get();
    reference.mode = ScheduleMode::Static;
    std::vector<Tensor> expected;
    Status s = (*session)->run(feeds, expected, reference);
    if (!s)
      return fail(s.getMessage());
    for (size_t i = 0; i < results.size(); ++i)
      if (results[i].getByteSize() != expected[i].getByteSize() ||
          std::memcmp(results[i].data(), expected[i].data(),
                      results[i].getByteSize()) != 0)
        return fail("output '" + (*session)->getOutputs()[i].name +
                    "' differs from an unperturbed static run");
    std::printf("compare: outputs bit-identical to an unperturbed static "
                "run\n");
  }
  for (size_t i = 0; i < results.size(); ++i) {
    TensorSpec shown = (*session)->getOutputs()[i];
    shown.shape = results[i].getShape();
    printSummary(shown, results[i]);
    if (!outputDir.empty()) {
      const std::string &name = (*session)->getOutputs()[i].name;
      std::string path = outputDir + "/" + name + "." + format;
      Status written = format == "pb" ? writeTensorProto(path, name, results[i])
                                      : writeNpy(path, results[i]);
      if (!written)
        return fail(written.getMessage());
    }
  }
  if (scheduler && !historyPath.empty()) {
    Status saved = scheduler->getHistory().save(historyPath);
    if (!saved)
      return fail(saved.getMessage());
  }
  bool matched = !check || checkOutputs(**session, results, testData);
  if (bench > 0) {
    std::vector<double> times;
    for (int i = 0; i < warmup; ++i)
      if (Status s = (*session)->run(feeds, results, runOptions); !s)
        return fail(s.getMessage());
    for (int i = 0; i < bench; ++i) {
      auto start = std::chrono::steady_clock::now();
      Status s = (*session)->run(feeds, results, runOptions);
      times.push_back(std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count());
      if (!s)
        return fail(s.getMessage());
    }
    std::sort(times.begin(), times.end());
    std::printf("latency_ms median=%.3f p90=%.3f\n", times[times.size() / 2],
                times[std::min(times.size() - 1, times.size() * 9 / 10)]);
  }
  return matched ? 0 : 1;
}
