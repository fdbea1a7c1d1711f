//===- CUDAProgram.cpp - Parsing and checking CUDA programs ---------------===//
//
// A line-by-line parser of the GpuCode section (docs/design/cuda-program.md)
// followed by a check of every buffer reference against what it names: an
// argument the program has, a declared weight, a range of the arena. Sizes
// are bounded so a corrupt file cannot ask for absurd allocations, and the
// arithmetic on them is checked for overflow.
//
//===----------------------------------------------------------------------===//

#include "CUDAProgram.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>

namespace weft::runtime::cuda {
namespace {

/// The most arguments a program may take.
constexpr int64_t kMaxArguments = int64_t(1) << 16;
/// The most 8-byte parameters a kernel may take (CUDA allows 32764 bytes).
constexpr size_t kMaxParams = 4095;
/// The largest byte count or offset a file may state (256 TiB).
constexpr int64_t kMaxBytes = int64_t(1) << 48;
/// cuBLAS takes its sizes as `int`.
constexpr int64_t kMaxBlasInt = std::numeric_limits<int32_t>::max();
constexpr int64_t kMaxGridSize = std::numeric_limits<int32_t>::max();
constexpr int64_t kMaxBlockSize = 1024;

/// `a * b + c`, or nullopt if it overflows.
std::optional<int64_t> mulAdd(int64_t a, int64_t b, int64_t c) {
  int64_t product, sum;
  if (__builtin_mul_overflow(a, b, &product) ||
      __builtin_add_overflow(product, c, &sum))
    return std::nullopt;
  return sum;
}

std::string describe(const BufferRef &ref) {
  std::string base = ref.base == BufferRef::Base::Arena ? "t"
                     : ref.base == BufferRef::Base::Argument
                         ? "a" + std::to_string(ref.index)
                         : "w" + std::to_string(ref.index);
  return base + "+" + std::to_string(ref.bytes);
}

class Parser {
public:
  Parser(std::string_view text, size_t weightsBytes)
      : text(text), weightsBytes(weightsBytes) {}

  StatusOr<GpuCode> parse() {
    WEFT_RETURN_IF_ERROR(parseHeader());
    std::string_view lineText;
    while (nextLine(lineText)) {
      splitTokens(lineText);
      if (tokens.empty())
        continue;
      std::string_view command = tokens[0];
      if (command == "module")
        WEFT_RETURN_IF_ERROR(parseModule());
      else if (command == "weight")
        WEFT_RETURN_IF_ERROR(parseWeight());
      else if (command == "program")
        WEFT_RETURN_IF_ERROR(parseProgram());
      else if (command == "launch")
        WEFT_RETURN_IF_ERROR(parseLaunch());
      else if (command == "gemm")
        WEFT_RETURN_IF_ERROR(parseGemm());
      else if (command == "copy")
        WEFT_RETURN_IF_ERROR(parseCopy());
      else if (command == "end")
        WEFT_RETURN_IF_ERROR(parseEnd());
      else
        return error("unknown command '" + std::string(command) +
                     "' (expected module, weight, program, launch, gemm, "
                     "copy or end)");
    }
    if (current)
      return error("program '" + current->name + "' (line " +
                   std::to_string(current->line) + ") has no 'end'");
    for (const CUDAProgram &program : code.programs)
      WEFT_RETURN_IF_ERROR(checkProgram(program));
    return std::move(code);
  }

private:
  //===--------------------------------------------------------------------===//
  // Lines and tokens
  //===--------------------------------------------------------------------===//

  /// The next line (without its newline); false at the end of the text.
  bool nextLine(std::string_view &out) {
    if (pos >= text.size())
      return false;
    size_t newline = text.find('\n', pos);
    if (newline == std::string_view::npos)
      newline = text.size();
    out = text.substr(pos, newline - pos);
    pos = newline + 1;
    ++line;
    return true;
  }

  void splitTokens(std::string_view lineText) {
    tokens.clear();
    size_t at = 0;
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (at < lineText.size()) {
      while (at < lineText.size() && isSpace(lineText[at]))
        ++at;
      size_t start = at;
      while (at < lineText.size() && !isSpace(lineText[at]))
        ++at;
      if (at > start)
        tokens.push_back(lineText.substr(start, at - start));
    }
  }

  Status error(const std::string &message) const {
    return errorAt(line, message);
  }

  static Status errorAt(size_t atLine, const std::string &message) {
    return Status(StatusCode::DataLoss, "bad CUDA program: line " +
                                            std::to_string(atLine) + ": " +
                                            message);
  }

  Status expectTokens(size_t count, const char *form) const {
    if (tokens.size() != count)
      return error("'" + std::string(tokens[0]) + "' takes " +
                   std::to_string(count - 1) + " fields (" + form +
                   "), this line has " + std::to_string(tokens.size() - 1));
    return Status::ok();
  }

  /// Parses a decimal integer in [min, max] that `what` names.
  Status parseInt(std::string_view token, int64_t min, int64_t max,
                  const std::string &what, int64_t &out) const {
    int64_t value = 0;
    auto [end, errc] =
        std::from_chars(token.data(), token.data() + token.size(), value);
    if (errc != std::errc() || end != token.data() + token.size())
      return error("bad " + what + " '" + std::string(token) +
                   "' (not an integer)");
    if (value < min || value > max)
      return error(what + " " + std::string(token) + " is out of range (" +
                   std::to_string(min) + " to " + std::to_string(max) + ")");
    out = value;
    return Status::ok();
  }

  /// Parses `a<k>+<bytes>`, `t+<bytes>` or `w<id>+<bytes>`.
  Status parseRef(std::string_view token, const std::string &what,
                  BufferRef &out) const {
    size_t plus = token.find('+');
    auto bad = [&](const std::string &why) {
      return error("bad " + what + " '" + std::string(token) + "' (" + why +
                   "; expected a<k>+<bytes>, t+<bytes> or w<id>+<bytes>)");
    };
    if (plus == std::string_view::npos)
      return bad("no '+<bytes>'");
    std::string_view base = token.substr(0, plus);
    if (base == "t") {
      out.base = BufferRef::Base::Arena;
      out.index = 0;
    } else if (base.size() > 1 && (base[0] == 'a' || base[0] == 'w')) {
      out.base =
          base[0] == 'a' ? BufferRef::Base::Argument : BufferRef::Base::Weight;
      WEFT_RETURN_IF_ERROR(
          parseInt(base.substr(1), 0, kMaxBlasInt, what + " index", out.index));
    } else {
      return bad("unknown base '" + std::string(base) + "'");
    }
    return parseInt(token.substr(plus + 1), 0, kMaxBytes, what + " offset",
                    out.bytes);
  }

  Status requireProgram() const {
    if (!current)
      return error("'" + std::string(tokens[0]) + "' outside a program");
    return Status::ok();
  }

  Status requireTopLevel() const {
    if (current)
      return error("'" + std::string(tokens[0]) + "' inside program '" +
                   current->name + "' (line " + std::to_string(current->line) +
                   "; is its 'end' missing?)");
    return Status::ok();
  }

  //===--------------------------------------------------------------------===//
  // Lines
  //===--------------------------------------------------------------------===//

  Status parseHeader() {
    std::string_view lineText;
    if (!nextLine(lineText))
      return errorAt(1, "empty (expected 'weft-cuda " +
                            std::to_string(kCUDAProgramFormatVersion) + "')");
    splitTokens(lineText);
    int64_t version = 0;
    if (tokens.size() != 2 || tokens[0] != "weft-cuda" ||
        !parseInt(tokens[1], 0, kMaxBlasInt, "version", version).isOk())
      return error("expected 'weft-cuda " +
                   std::to_string(kCUDAProgramFormatVersion) + "'");
    if (version != kCUDAProgramFormatVersion)
      return Status(StatusCode::Unsupported,
                    "the CUDA program is format version " +
                        std::to_string(version) + "; this runtime reads " +
                        std::to_string(kCUDAProgramFormatVersion));
    return Status::ok();
  }

  Status parseModule() {
    WEFT_RETURN_IF_ERROR(requireTopLevel());
    WEFT_RETURN_IF_ERROR(expectTokens(4, "<module> <arch> <nbytes>"));
    PTXModule module;
    module.name = std::string(tokens[1]);
    module.arch = std::string(tokens[2]);
    module.line = line;
    WEFT_RETURN_IF_ERROR(parseArch(module));
    int64_t size = 0;
    WEFT_RETURN_IF_ERROR(parseInt(tokens[3], 0, kMaxBytes, "PTX size", size));
    size_t left = text.size() - std::min(pos, text.size());
    if (uint64_t(size) >= left || text[pos + size] != '\n')
      return error("the PTX of module " + module.name + " (" + module.arch +
                   ") is said to be " + std::to_string(size) +
                   " bytes and a newline, but " + std::to_string(left) +
                   " bytes are left" +
                   (uint64_t(size) < left ? " and no newline follows it" : ""));
    module.ptx = text.substr(pos, size);
    if (module.ptx.find('\0') != std::string_view::npos)
      return error("the PTX of module " + module.name + " (" + module.arch +
                   ") contains a NUL byte");
    for (const PTXModule &other : code.modules)
      if (other.name == module.name && other.arch == module.arch)
        return error("module " + module.name + " (" + module.arch +
                     ") again (first at line " + std::to_string(other.line) +
                     ")");
    pos += size + 1;
    line += std::count(module.ptx.begin(), module.ptx.end(), '\n') + 1;
    code.modules.push_back(std::move(module));
    return Status::ok();
  }

  /// "sm_<digits>", optionally followed by 'a' or 'f' (code for exactly
  /// that capability).
  Status parseArch(PTXModule &module) const {
    std::string_view arch = tokens[2];
    bool exact = !arch.empty() && (arch.back() == 'a' || arch.back() == 'f');
    std::string_view digits;
    if (arch.size() > 3 && arch.substr(0, 3) == "sm_")
      digits = arch.substr(3, arch.size() - 3 - (exact ? 1 : 0));
    int64_t capability = 0;
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        !parseInt(digits, 10, 999, "arch", capability).isOk())
      return error("bad arch '" + std::string(arch) +
                   "' (expected sm_<capability>, e.g. sm_90)");
    module.capability = int(capability);
    module.exactCapability = exact;
    return Status::ok();
  }

  Status parseWeight() {
    WEFT_RETURN_IF_ERROR(requireTopLevel());
    WEFT_RETURN_IF_ERROR(expectTokens(4, "<id> <offset> <bytes>"));
    int64_t id = 0;
    WeightRange range;
    WEFT_RETURN_IF_ERROR(parseInt(tokens[1], 0, kMaxBlasInt, "weight id", id));
    WEFT_RETURN_IF_ERROR(
        parseInt(tokens[2], 0, kMaxBytes, "weight offset", range.offset));
    WEFT_RETURN_IF_ERROR(
        parseInt(tokens[3], 0, kMaxBytes, "weight size", range.bytes));
    if (uint64_t(range.offset + range.bytes) > weightsBytes)
      return error("weight " + std::to_string(id) + " (bytes " +
                   std::to_string(range.offset) + " to " +
                   std::to_string(range.offset + range.bytes) +
                   ") lies past the end of the Weights section (" +
                   std::to_string(weightsBytes) + " bytes)");
    if (!code.weights.emplace(id, range).second)
      return error("weight " + std::to_string(id) + " is declared twice");
    return Status::ok();
  }

  Status parseProgram() {
    WEFT_RETURN_IF_ERROR(requireTopLevel());
    WEFT_RETURN_IF_ERROR(expectTokens(4, "<name> <nargs> <arena-bytes>"));
    CUDAProgram program;
    program.name = std::string(tokens[1]);
    program.line = line;
    WEFT_RETURN_IF_ERROR(parseInt(tokens[2], 0, kMaxArguments, "argument count",
                                  program.numArgs));
    WEFT_RETURN_IF_ERROR(
        parseInt(tokens[3], 0, kMaxBytes, "arena size", program.arenaBytes));
    if (const CUDAProgram *other = code.findProgram(program.name))
      return error("program '" + program.name + "' again (first at line " +
                   std::to_string(other->line) + ")");
    current = std::move(program);
    return Status::ok();
  }

  Status parseEnd() {
    WEFT_RETURN_IF_ERROR(requireProgram());
    WEFT_RETURN_IF_ERROR(expectTokens(1, "nothing"));
    code.programs.push_back(std::move(*current));
    current.reset();
    return Status::ok();
  }

  Status parseLaunch() {
    WEFT_RETURN_IF_ERROR(requireProgram());
    if (tokens.size() < 9)
      return error("'launch' takes <module> <kernel> <gx> <gy> <gz> <bx> <by> "
                   "<bz> <param>..., this line has " +
                   std::to_string(tokens.size() - 1) + " fields");
    if (tokens.size() - 9 > kMaxParams)
      return error("the launch passes " + std::to_string(tokens.size() - 9) +
                   " parameters, more than a kernel takes (" +
                   std::to_string(kMaxParams) + ")");
    LaunchCommand launch;
    launch.module = std::string(tokens[1]);
    launch.kernel = std::string(tokens[2]);
    static const char *const names[] = {"grid x",  "grid y",  "grid z",
                                        "block x", "block y", "block z"};
    for (int d = 0; d < 6; ++d) {
      int64_t size = 0;
      WEFT_RETURN_IF_ERROR(parseInt(tokens[3 + d], 1,
                                    d < 3 ? kMaxGridSize : kMaxBlockSize,
                                    names[d], size));
      (d < 3 ? launch.grid[d] : launch.block[d - 3]) = uint32_t(size);
    }
    for (size_t t = 9; t < tokens.size(); ++t) {
      std::string_view token = tokens[t];
      std::string what = "parameter " + std::to_string(t - 9);
      LaunchParam param;
      if (token.substr(0, 2) == "p:") {
        param.isPointer = true;
        WEFT_RETURN_IF_ERROR(parseRef(token.substr(2), what, param.pointer));
      } else if (token.substr(0, 2) == "i:") {
        WEFT_RETURN_IF_ERROR(
            parseInt(token.substr(2), std::numeric_limits<int64_t>::min(),
                     std::numeric_limits<int64_t>::max(), what, param.value));
      } else {
        return error("bad " + what + " '" + std::string(token) +
                     "' (expected p:<buffer> or i:<int64>)");
      }
      launch.params.push_back(param);
    }
    current->commands.push_back({line, std::move(launch)});
    return Status::ok();
  }

  Status parseGemm() {
    WEFT_RETURN_IF_ERROR(requireProgram());
    WEFT_RETURN_IF_ERROR(expectTokens(16, "<ta> <tb> <m> <n> <k> <lda> <ldb> "
                                          "<ldc> <batch> <sa> <sb> <sc> <A> "
                                          "<B> <C>"));
    GemmCommand gemm;
    int64_t ta = 0, tb = 0;
    WEFT_RETURN_IF_ERROR(parseInt(tokens[1], 0, 1, "ta", ta));
    WEFT_RETURN_IF_ERROR(parseInt(tokens[2], 0, 1, "tb", tb));
    gemm.transposeA = ta;
    gemm.transposeB = tb;
    WEFT_RETURN_IF_ERROR(parseInt(tokens[3], 0, kMaxBlasInt, "m", gemm.m));
    WEFT_RETURN_IF_ERROR(parseInt(tokens[4], 0, kMaxBlasInt, "n", gemm.n));
    WEFT_RETURN_IF_ERROR(parseInt(tokens[5], 0, kMaxBlasInt, "k", gemm.k));
    WEFT_RETURN_IF_ERROR(parseInt(tokens[6], 1, kMaxBlasInt, "lda", gemm.lda));
    WEFT_RETURN_IF_ERROR(parseInt(tokens[7], 1, kMaxBlasInt, "ldb", gemm.ldb));
    WEFT_RETURN_IF_ERROR(parseInt(tokens[8], 1, kMaxBlasInt, "ldc", gemm.ldc));
    WEFT_RETURN_IF_ERROR(
        parseInt(tokens[9], 0, kMaxBlasInt, "batch", gemm.batch));
    WEFT_RETURN_IF_ERROR(
        parseInt(tokens[10], 0, kMaxBytes, "sa", gemm.strideA));
    WEFT_RETURN_IF_ERROR(
        parseInt(tokens[11], 0, kMaxBytes, "sb", gemm.strideB));
    WEFT_RETURN_IF_ERROR(
        parseInt(tokens[12], 0, kMaxBytes, "sc", gemm.strideC));
    WEFT_RETURN_IF_ERROR(parseRef(tokens[13], "A", gemm.a));
    WEFT_RETURN_IF_ERROR(parseRef(tokens[14], "B", gemm.b));
    WEFT_RETURN_IF_ERROR(parseRef(tokens[15], "C", gemm.c));
    // A row of a row-major matrix must fit in its leading dimension.
    auto checkLeading = [&](const char *ld, int64_t value, const char *dim,
                            int64_t needed) {
      if (value < needed)
        return error(std::string(ld) + " " + std::to_string(value) +
                     " is less than " + dim + " " + std::to_string(needed));
      return Status::ok();
    };
    WEFT_RETURN_IF_ERROR(
        checkLeading("lda", gemm.lda, ta ? "m" : "k", ta ? gemm.m : gemm.k));
    WEFT_RETURN_IF_ERROR(
        checkLeading("ldb", gemm.ldb, tb ? "k" : "n", tb ? gemm.k : gemm.n));
    WEFT_RETURN_IF_ERROR(checkLeading("ldc", gemm.ldc, "n", gemm.n));
    current->commands.push_back({line, gemm});
    return Status::ok();
  }

  Status parseCopy() {
    WEFT_RETURN_IF_ERROR(requireProgram());
    WEFT_RETURN_IF_ERROR(expectTokens(4, "<dst> <src> <bytes>"));
    CopyCommand copy;
    WEFT_RETURN_IF_ERROR(parseRef(tokens[1], "destination", copy.destination));
    WEFT_RETURN_IF_ERROR(parseRef(tokens[2], "source", copy.source));
    WEFT_RETURN_IF_ERROR(
        parseInt(tokens[3], 0, kMaxBytes, "copy size", copy.bytes));
    current->commands.push_back({line, copy});
    return Status::ok();
  }

  //===--------------------------------------------------------------------===//
  // References
  //===--------------------------------------------------------------------===//

  /// Checks that `ref` names something there, and that `extent` bytes from
  /// it lie inside it where its size is known (arena and weights).
  Status checkRef(const CUDAProgram &program, size_t atLine,
                  const std::string &what, const BufferRef &ref,
                  int64_t extent) const {
    int64_t size = 0;
    std::string name;
    switch (ref.base) {
    case BufferRef::Base::Argument:
      if (ref.index >= program.numArgs)
        return errorAt(atLine, what + " " + describe(ref) + " names argument " +
                                   std::to_string(ref.index) +
                                   ", but program '" + program.name + "' has " +
                                   std::to_string(program.numArgs));
      return Status::ok(); // sizes of arguments are the caller's
    case BufferRef::Base::Arena:
      size = program.arenaBytes;
      name = "the arena of program '" + program.name + "'";
      break;
    case BufferRef::Base::Weight: {
      auto it = code.weights.find(ref.index);
      if (it == code.weights.end())
        return errorAt(atLine, what + " " + describe(ref) + " names weight " +
                                   std::to_string(ref.index) +
                                   ", which no 'weight' line declares");
      size = it->second.bytes;
      name = "weight " + std::to_string(ref.index);
      break;
    }
    }
    if (ref.bytes > size || extent > size - ref.bytes)
      return errorAt(atLine, what + " " + describe(ref) + " spans " +
                                 std::to_string(extent) +
                                 " bytes, past the end of " + name + " (" +
                                 std::to_string(size) + " bytes)");
    return Status::ok();
  }

  /// Bytes a float32 operand of `batch` matrices spans: the last element of
  /// the last matrix is at (batch-1)*stride + (rows-1)*ld + (cols-1).
  std::optional<int64_t> spanBytes(const GemmCommand &gemm, int64_t rows,
                                   int64_t cols, int64_t ld, int64_t stride) {
    if (gemm.batch == 0 || rows == 0 || cols == 0)
      return 0;
    auto last = mulAdd(rows - 1, ld, cols - 1);
    auto elements = last ? mulAdd(gemm.batch - 1, stride, *last + 1) : last;
    return elements ? mulAdd(*elements, 4, 0) : elements;
  }

  Status checkProgram(const CUDAProgram &program) {
    for (const Command &command : program.commands) {
      if (auto *launch = std::get_if<LaunchCommand>(&command.op)) {
        bool known = std::any_of(
            code.modules.begin(), code.modules.end(),
            [&](const PTXModule &m) { return m.name == launch->module; });
        if (!known)
          return errorAt(command.line, "launch of " + launch->kernel +
                                           " names module " + launch->module +
                                           ", which no 'module' line has");
        for (size_t p = 0; p < launch->params.size(); ++p)
          if (launch->params[p].isPointer)
            WEFT_RETURN_IF_ERROR(checkRef(program, command.line,
                                          "parameter " + std::to_string(p),
                                          launch->params[p].pointer, 0));
      } else if (auto *gemm = std::get_if<GemmCommand>(&command.op)) {
        bool ta = gemm->transposeA, tb = gemm->transposeB;
        auto a = spanBytes(*gemm, ta ? gemm->k : gemm->m,
                           ta ? gemm->m : gemm->k, gemm->lda, gemm->strideA);
        auto b = spanBytes(*gemm, tb ? gemm->n : gemm->k,
                           tb ? gemm->k : gemm->n, gemm->ldb, gemm->strideB);
        auto c = spanBytes(*gemm, gemm->m, gemm->n, gemm->ldc, gemm->strideC);
        if (!a || !b || !c)
          return errorAt(command.line,
                         "the gemm's operands span more bytes than fit in "
                         "64 bits");
        WEFT_RETURN_IF_ERROR(checkRef(program, command.line, "A", gemm->a, *a));
        WEFT_RETURN_IF_ERROR(checkRef(program, command.line, "B", gemm->b, *b));
        WEFT_RETURN_IF_ERROR(checkRef(program, command.line, "C", gemm->c, *c));
      } else {
        const auto &copy = std::get<CopyCommand>(command.op);
        WEFT_RETURN_IF_ERROR(checkRef(program, command.line, "destination",
                                      copy.destination, copy.bytes));
        WEFT_RETURN_IF_ERROR(
            checkRef(program, command.line, "source", copy.source, copy.bytes));
      }
    }
    return Status::ok();
  }

  std::string_view text;
  size_t weightsBytes;
  size_t pos = 0;
  size_t line = 0;
  std::vector<std::string_view> tokens;
  GpuCode code;
  std::optional<CUDAProgram> current;
};

void addWeights(const BufferRef &ref, std::set<int64_t> &ids) {
  if (ref.base == BufferRef::Base::Weight)
    ids.insert(ref.index);
}

} // namespace

const CUDAProgram *GpuCode::findProgram(std::string_view name) const {
  for (const CUDAProgram &program : programs)
    if (program.name == name)
      return &program;
  return nullptr;
}

StatusOr<GpuCode> parseGpuCode(std::string_view text, size_t weightsBytes) {
  return Parser(text, weightsBytes).parse();
}

StatusOr<const PTXModule *> selectPTX(const GpuCode &code,
                                      std::string_view module, int capability,
                                      const std::string &deviceName) {
  const PTXModule *best = nullptr;
  std::string archs;
  for (const PTXModule &candidate : code.modules) {
    if (candidate.name != module)
      continue;
    archs += (archs.empty() ? "" : ", ") + candidate.arch;
    bool fits = candidate.exactCapability ? candidate.capability == capability
                                          : candidate.capability <= capability;
    if (!fits)
      continue;
    // Prefer the newest arch; at one arch, the code made for exactly it.
    if (!best || candidate.capability > best->capability ||
        (candidate.capability == best->capability &&
         candidate.exactCapability && !best->exactCapability))
      best = &candidate;
  }
  if (archs.empty())
    return Status(StatusCode::DataLoss,
                  "bad CUDA program: no kernel module " + std::string(module));
  if (!best)
    return Status(StatusCode::Unsupported,
                  deviceName + " is sm_" + std::to_string(capability) +
                      "; the artifact has PTX for " + archs +
                      " only (kernel module " + std::string(module) + ")");
  return best;
}

std::vector<std::string> getLaunchedModules(const CUDAProgram &program) {
  std::vector<std::string> modules;
  for (const Command &command : program.commands)
    if (auto *launch = std::get_if<LaunchCommand>(&command.op))
      if (std::find(modules.begin(), modules.end(), launch->module) ==
          modules.end())
        modules.push_back(launch->module);
  return modules;
}

std::vector<int64_t> getReadWeights(const CUDAProgram &program) {
  std::set<int64_t> ids;
  for (const Command &command : program.commands) {
    if (auto *launch = std::get_if<LaunchCommand>(&command.op)) {
      for (const LaunchParam &param : launch->params)
        if (param.isPointer)
          addWeights(param.pointer, ids);
    } else if (auto *gemm = std::get_if<GemmCommand>(&command.op)) {
      addWeights(gemm->a, ids);
      addWeights(gemm->b, ids);
      addWeights(gemm->c, ids);
    } else {
      const auto &copy = std::get<CopyCommand>(command.op);
      addWeights(copy.destination, ids);
      addWeights(copy.source, ids);
    }
  }
  return std::vector<int64_t>(ids.begin(), ids.end());
}

} // namespace weft::runtime::cuda
