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
#include "weft/Runtime/Tooling/TensorFiles.h"

#include <algorithm>
#include <cerrno>
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

namespace {

/// What the command line asks for.
struct Options {
  std::string model, outputDir, testData, format = "npy";
  std::string schedule, tracePath, compare, historyPath;
  std::vector<std::string> deviceSpecs;
  std::map<std::string, std::string> faults;
  std::map<std::string, std::string> inputFiles;
  bool random = false, check = false, printStats = false;
  int bench = 0, warmup = 0;
  std::string threads; // "": OMP_NUM_THREADS or one per core
  int64_t batch = 0;   // 0: the model's own

  /// Whether scheduling across devices is asked for in any way.
  bool isScheduled() const {
    return !schedule.empty() || !deviceSpecs.empty() || !faults.empty() ||
           printStats || !tracePath.empty() || !compare.empty() ||
           !historyPath.empty();
  }
};

/// A positive whole number of at most `max` in `text`, or an error naming
/// `flag`.
StatusOr<long long> parseCount(const std::string &flag, const std::string &text,
                               long long min, long long max) {
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end || errno || value < min || value > max)
    return Status(StatusCode::InvalidArgument,
                  flag + " takes a whole number from " + std::to_string(min) +
                      " to " + std::to_string(max) + ", got '" + text + "'");
  return value;
}

/// Parses the command line into `options`; an error says what is wrong.
/// `--help` prints the help and sets `help`.
Status parseCommandLine(int argc, char **argv, Options &options, bool &help) {
  auto bad = [](const std::string &message) {
    return Status(StatusCode::InvalidArgument, message);
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool hasValue = i + 1 < argc;
    auto count = [&](long long min, long long max) {
      return parseCount(arg, argv[++i], min, max);
    };
    if (arg == "--help" || arg == "-h") {
      help = true;
      return Status::ok();
    }
    if (arg == "--random") {
      options.random = true;
    } else if (arg == "--check") {
      options.check = true;
    } else if (arg == "--stats") {
      options.printStats = true;
    } else if (arg == "--schedule" && hasValue) {
      options.schedule = argv[++i];
      if (options.schedule != "static" && options.schedule != "dynamic")
        return bad("--schedule is static or dynamic, got '" + options.schedule +
                   "'");
    } else if (arg == "--devices" && hasValue) {
      options.deviceSpecs = splitList(argv[++i]);
      if (options.deviceSpecs.empty())
        return bad("--devices takes a list such as cpu:0,cpu:1");
    } else if (arg == "--trace" && hasValue) {
      options.tracePath = argv[++i];
    } else if (arg == "--history" && hasValue) {
      options.historyPath = argv[++i];
    } else if (arg == "--compare" && hasValue) {
      options.compare = argv[++i];
      if (options.compare != "static")
        return bad("--compare takes static (an unperturbed static run)");
    } else if (arg == "--inject" && hasValue) {
      // <kind>:<index>:<faults>
      std::string spec = argv[++i];
      size_t first = spec.find(':'), second = first == std::string::npos
                                                  ? first
                                                  : spec.find(':', first + 1);
      if (second == std::string::npos)
        return bad("--inject takes <device>:<faults> such as cpu:1:slow=3, "
                   "got '" +
                   spec + "'");
      options.faults[spec.substr(0, second)] = spec.substr(second + 1);
    } else if ((arg == "--bench" || arg == "--warmup") && hasValue) {
      auto n = count(arg == "--bench" ? 1 : 0, 1000000);
      if (!n)
        return n.getStatus();
      (arg == "--bench" ? options.bench : options.warmup) = int(*n);
    } else if (arg == "--batch" && hasValue) {
      auto n = count(1, 1ll << 30);
      if (!n)
        return n.getStatus();
      options.batch = *n;
    } else if (arg == "--threads" && hasValue) {
      auto n = count(1, 4096);
      if (!n)
        return n.getStatus();
      options.threads = std::to_string(*n);
    } else if (arg == "--output-dir" && hasValue) {
      options.outputDir = argv[++i];
    } else if (arg == "--test-data" && hasValue) {
      options.testData = argv[++i];
    } else if (arg == "--format" && hasValue) {
      options.format = argv[++i];
      if (options.format != "npy" && options.format != "pb")
        return bad("--format is npy or pb, got '" + options.format + "'");
    } else if (arg == "--input" && hasValue) {
      std::string spec = argv[++i];
      size_t eq = spec.find('=');
      if (eq == std::string::npos)
        return bad("--input takes name=file.npy, got '" + spec + "'");
      options.inputFiles[spec.substr(0, eq)] = spec.substr(eq + 1);
    } else if (!arg.empty() && arg[0] != '-' && options.model.empty()) {
      options.model = arg;
    } else {
      return bad("unknown argument '" + arg + "' (usage: " + kUsage + ")");
    }
  }
  if (options.model.empty())
    return bad("no model given");
  if (options.check && options.testData.empty())
    return bad("--check compares with a data set's outputs: give --test-data");
  return Status::ok();
}

/// The inputs: from files, a test data set, or random.
StatusOr<std::map<std::string, Tensor>> makeFeeds(const Session &session,
                                                  Options &options) {
  std::map<std::string, Tensor> feeds;
  std::mt19937 rng(0);
  const auto &inputs = session.getInputs();
  for (size_t i = 0; i < inputs.size() && !options.testData.empty(); ++i)
    options.inputFiles.emplace(inputs[i].name, options.testData + "/input_" +
                                                   std::to_string(i) + ".pb");
  for (const TensorSpec &spec : inputs) {
    auto file = options.inputFiles.find(spec.name);
    if (file != options.inputFiles.end()) {
      auto tensor = readTensorFile(file->second, spec.dtype);
      if (!tensor)
        return tensor.getStatus();
      feeds[spec.name] = *tensor;
    } else if (options.random) {
      std::vector<int64_t> shape = spec.shape;
      if (spec.hasDynamicBatch()) // --batch, else the exported batch
        shape[0] =
            options.batch > 0 ? options.batch : session.getDefaultBatch();
      StatusOr<Tensor> t =
          Tensor::allocate(spec.dtype, shape, "input '" + spec.name + "'");
      if (!t)
        return t.getStatus();
      fillRandom(*t, rng);
      feeds[spec.name] = std::move(*t);
    }
  }
  for (const auto &[name, file] : options.inputFiles)
    if (!feeds.count(name)) {
      auto tensor = readTensorFile(file, DType::F32);
      if (!tensor)
        return tensor.getStatus();
      feeds[name] = *tensor; // the session names the unknown input
    }
  return feeds;
}

/// Runs `feeds` again, unperturbed and static: the outputs must match
/// `results` bit for bit.
Status compareWithStaticRun(const Session &session, const Options &options,
                            const std::map<std::string, Tensor> &feeds,
                            const std::vector<Tensor> &results) {
  auto plain = makeScheduler(options.deviceSpecs, {});
  if (!plain)
    return plain.getStatus();
  RunOptions reference;
  reference.scheduler = plain->get();
  reference.mode = ScheduleMode::Static;
  std::vector<Tensor> expected;
  if (Status s = session.run(feeds, expected, reference); !s)
    return s;
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].getByteSize() != expected[i].getByteSize() ||
        std::memcmp(results[i].data(), expected[i].data(),
                    results[i].getByteSize()) != 0)
      return Status(StatusCode::Internal,
                    "output '" + session.getOutputs()[i].name +
                        "' differs from an unperturbed static run");
  std::printf("compare: outputs bit-identical to an unperturbed static run\n");
  return Status::ok();
}

/// Prints each output's first values and writes it to --output-dir.
Status reportOutputs(const Session &session, const Options &options,
                     const std::vector<Tensor> &results) {
  for (size_t i = 0; i < results.size(); ++i) {
    TensorSpec shown = session.getOutputs()[i];
    shown.shape = results[i].getShape();
    printSummary(shown, results[i]);
    if (options.outputDir.empty())
      continue;
    const std::string &name = session.getOutputs()[i].name;
    std::string path = options.outputDir + "/" + name + "." + options.format;
    Status written = options.format == "pb"
                         ? writeTensorProto(path, name, results[i])
                         : writeNpy(path, results[i]);
    if (!written)
      return written;
  }
  return Status::ok();
}

/// --bench: `warmup` untimed runs, then `bench` timed ones; prints the
/// median and 90th percentile.
Status benchmark(const Session &session, const Options &options,
                 const std::map<std::string, Tensor> &feeds,
                 const RunOptions &runOptions) {
  std::vector<Tensor> results;
  std::vector<double> times;
  for (int i = 0; i < options.warmup; ++i)
    if (Status s = session.run(feeds, results, runOptions); !s)
      return s;
  for (int i = 0; i < options.bench; ++i) {
    auto start = std::chrono::steady_clock::now();
    Status s = session.run(feeds, results, runOptions);
    times.push_back(std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count());
    if (!s)
      return s;
  }
  std::sort(times.begin(), times.end());
  std::printf("latency_ms median=%.3f p90=%.3f\n", times[times.size() / 2],
              times[std::min(times.size() - 1, times.size() * 9 / 10)]);
  return Status::ok();
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  bool help = false;
  if (Status parsed = parseCommandLine(argc, argv, options, help); !parsed)
    return fail(parsed.getMessage());
  if (help) {
    std::printf("usage: %s\n%s", kUsage, kHelp);
    return 0;
  }
  // The CPU code's OpenMP teams (its loops, oneDNN's GEMMs) read this when
  // the host code first loads their runtimes.
  if (!options.threads.empty())
    setenv("OMP_NUM_THREADS", options.threads.c_str(), 1);
  if (!options.outputDir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(options.outputDir, error);
    if (error)
      return fail("cannot create the output folder " + options.outputDir +
                  ": " + error.message());
  }
  if (isONNXModel(options.model)) {
    auto compiled = compileToCache(options.model, argv[0]);
    if (!compiled)
      return fail(compiled.getStatus().getMessage());
    options.model = *compiled;
  }
  auto session = Session::create(options.model);
  if (!session)
    return fail(session.getStatus().getMessage());

  // Asked for before the devices default to the artifact's.
  bool scheduled = options.isScheduled();
  // The artifact's devices, else one CPU device per core.
  if (options.deviceSpecs.empty())
    options.deviceSpecs = (*session)->getCompiledDevices();
  if (options.deviceSpecs.empty())
    for (unsigned d = 0; d < std::max(1u, std::thread::hardware_concurrency());
         ++d)
      options.deviceSpecs.push_back("cpu:" + std::to_string(d));
  std::unique_ptr<Scheduler> scheduler;
  RunStats runStats;
  RunOptions runOptions;
  if (scheduled) {
    auto made = makeScheduler(options.deviceSpecs, options.faults);
    if (!made)
      return fail(made.getStatus().getMessage());
    scheduler = std::move(*made);
    runOptions.scheduler = scheduler.get();
    runOptions.mode = options.schedule == "static" ? ScheduleMode::Static
                                                   : ScheduleMode::Dynamic;
    runOptions.stats = &runStats;
    // Measured times from earlier runs (a missing file starts a new one).
    if (!options.historyPath.empty()) {
      Status loaded = scheduler->getHistory().load(options.historyPath);
      if (!loaded && loaded.getCode() != StatusCode::NotFound)
        return fail(loaded.getMessage());
    }
  }

  auto feeds = makeFeeds(**session, options);
  if (!feeds)
    return fail(feeds.getStatus().getMessage());
  std::vector<Tensor> results;
  if (Status status = (*session)->run(*feeds, results, runOptions); !status)
    return fail(status.getMessage());
  if (options.printStats)
    std::printf("%s", runStats.describe().c_str());
  if (!options.tracePath.empty())
    if (Status written = runStats.writeChromeTrace(options.tracePath); !written)
      return fail(written.getMessage());
  if (!options.compare.empty())
    if (Status same = compareWithStaticRun(**session, options, *feeds, results);
        !same)
      return fail(same.getMessage());
  if (Status reported = reportOutputs(**session, options, results); !reported)
    return fail(reported.getMessage());
  if (scheduler && !options.historyPath.empty())
    if (Status saved = scheduler->getHistory().save(options.historyPath);
        !saved)
      return fail(saved.getMessage());
  bool matched =
      !options.check || checkOutputs(**session, results, options.testData);
  if (options.bench > 0)
    if (Status timed = benchmark(**session, options, *feeds, runOptions);
        !timed)
      return fail(timed.getMessage());
  return matched ? 0 : 1;
}
