//===- ObjectEmitter.cpp - LLVM dialect to a host object file
//--------------===//
//
// In process: MLIR's translation to LLVM IR, a packed entry point over the
// C interface of @main, LLVM's O-level pipeline and TargetMachine for this
// host's CPU (its name and features, so AVX-512 is used where present).
//
//===----------------------------------------------------------------------===//

#include "weft/Target/CPU/CPUCodegen.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

#include <mutex>

using namespace mlir;

namespace weft {

llvm::ArrayRef<llvm::StringRef> getCheckableCPUFeatures() {
  static const llvm::StringRef features[] = {
      "sse4.2",   "avx",      "avx2",       "fma",       "f16c",
      "bmi",      "bmi2",     "avx512f",    "avx512bw",  "avx512cd",
      "avx512dq", "avx512vl", "avx512vnni", "avx512bf16"};
  return features;
}
namespace {

/// Adds `void weft_<f>(void **args)` for every function `f` with a C
/// interface (`_mlir_ciface_<f>`), which passes args[i] as its i-th argument.
bool addPackedEntryPoints(llvm::Module &module,
                          const llvm::StringMap<int64_t> &arenaBytes,
                          std::string &error) {
  llvm::LLVMContext &context = module.getContext();
  auto *ptrType = llvm::PointerType::get(context, 0);
  auto *entryType =
      llvm::FunctionType::get(llvm::Type::getVoidTy(context), {ptrType}, false);
  llvm::SmallVector<llvm::Function *> targets;
  for (llvm::Function &function : module)
    if (function.getName().starts_with("_mlir_ciface_") &&
        !function.isDeclaration())
      targets.push_back(&function);
  // Emulated GPU kernels take their parameters one by one (pointers and
  // integers): `<kernel>_packed(void **params)` loads param i from params[i].
  llvm::SmallVector<llvm::Function *> kernels;
  for (llvm::Function &function : module)
    if (function.getName().starts_with(kEmulatedKernelPrefix) &&
        !function.isDeclaration())
      kernels.push_back(&function);
  for (llvm::Function *kernel : kernels) {
    auto *entry =
        llvm::Function::Create(entryType, llvm::Function::ExternalLinkage,
                               kernel->getName() + "_packed", module);
    llvm::IRBuilder<> builder(
        llvm::BasicBlock::Create(context, "entry", entry));
    llvm::SmallVector<llvm::Value *> args;
    for (unsigned i = 0; i < kernel->arg_size(); ++i) {
      llvm::Value *slot = builder.CreateLoad(
          ptrType, builder.CreateConstGEP1_64(ptrType, entry->getArg(0), i));
      args.push_back(builder.CreateLoad(kernel->getArg(i)->getType(), slot));
    }
    builder.CreateCall(kernel, args);
    builder.CreateRetVoid();
  }
  if (targets.empty() && kernels.empty()) {
    error = "the lowered module has no function with a C interface";
    return false;
  }
  auto *i64 = llvm::Type::getInt64Ty(context);
  for (llvm::Function *target : targets) {
    llvm::StringRef function =
        target->getName().drop_front(strlen("_mlir_ciface_"));
    std::string name = "weft_" + function.str();
    new llvm::GlobalVariable(
        module, i64, /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
        llvm::ConstantInt::get(i64, arenaBytes.lookup(function)),
        name + "_arena_bytes");
    auto *entry = llvm::Function::Create(
        entryType, llvm::Function::ExternalLinkage, name, module);
    llvm::IRBuilder<> builder(
        llvm::BasicBlock::Create(context, "entry", entry));
    llvm::SmallVector<llvm::Value *> args;
    for (unsigned i = 0; i < target->arg_size(); ++i) {
      llvm::Value *slot =
          builder.CreateConstGEP1_64(ptrType, entry->getArg(0), i);
      args.push_back(builder.CreateLoad(ptrType, slot));
    }
    builder.CreateCall(target, args);
    builder.CreateRetVoid();
  }
  return true;
}

/// Two of LLVM's loop heuristics, tuned for the loop nests generated here
/// (resnet18 -7%, mobilenet_v2 -25% on this CPU):
/// - LLVM unrolls a loop with a constant trip count completely when the
///   result is small; the SLP vectorizer then packs the copies of a short
///   row (a 7 to 28 wide feature map) into gathers and scatters, several
///   times slower than the vectorized loop (Winograd transforms). Loops of at
///   most 4 iterations (filter taps, pairs) are still unrolled.
/// - The loop vectorizer leaves loops of fewer than 16 iterations scalar;
///   rows of 7 and 14 (depthwise convolutions of small feature maps) are
///   worth vectorizing. Below 7, vectorized code was slower (the encoder).
/// They are LLVM options, so they are set once for the process, unless the
/// command line set them.
void tuneLoopHeuristics() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto &options = llvm::cl::getRegisteredOptions();
    for (auto [name, value] : {std::pair<llvm::StringRef, llvm::StringRef>{
                                   "unroll-full-max-count", "4"},
                               {"vectorizer-min-trip-count", "7"}}) {
      auto it = options.find(name);
      if (it != options.end() && it->second->getNumOccurrences() == 0)
        it->second->addOccurrence(0, name, value);
    }
  });
}

} // namespace

FailureOr<std::string>
emitHostObject(ModuleOp module, int optLevel,
               const llvm::StringMap<int64_t> &arenaBytes,
               std::string &targetDescription, std::string &error) {
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  registerOpenMPDialectTranslation(*module.getContext());
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "weft");
  if (!llvmModule) {
    error = "cannot translate the lowered module to LLVM IR";
    return failure();
  }
  if (!addPackedEntryPoints(*llvmModule, arenaBytes, error))
    return failure();

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string lookupError;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!target) {
    error = "no LLVM target for " + triple.str() + ": " + lookupError;
    return failure();
  }
  std::string cpu = llvm::sys::getHostCPUName().str();
  std::string features;
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    features += std::string(features.empty() ? "" : ",") +
                (feature.second ? "+" : "-") + feature.first().str();
  // Multiplies feeding adds become FMAs (what -ffp-contract=fast does): one
  // rounding instead of two, half the instructions in convolution windows.
  llvm::TargetOptions options;
  options.AllowFPOpFusion = llvm::FPOpFusion::Fast;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, options, llvm::Reloc::PIC_, std::nullopt,
      optLevel >= 3 ? llvm::CodeGenOptLevel::Aggressive
                    : llvm::CodeGenOptLevel::Default));
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(triple);
  // What the runtime checks before it loads the code: the triple and the
  // instruction-set extensions the code may use, among those it can test.
  std::string required;
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    if (feature.second &&
        llvm::is_contained(getCheckableCPUFeatures(), feature.first()))
      required += (required.empty() ? "" : ",") + feature.first().str();
  targetDescription = "triple " + triple.str() + "\ncpu " + cpu +
                      "\nrequires " + required + "\n";

  tuneLoopHeuristics();

  // LLVM's optimization pipeline, then code generation.
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager cgscc;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder passBuilder(machine.get());
  passBuilder.registerModuleAnalyses(modules);
  passBuilder.registerCGSCCAnalyses(cgscc);
  passBuilder.registerFunctionAnalyses(functions);
  passBuilder.registerLoopAnalyses(loops);
  passBuilder.crossRegisterProxies(loops, functions, cgscc, modules);
  llvm::OptimizationLevel level = optLevel >= 3   ? llvm::OptimizationLevel::O3
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                                  : llvm::OptimizationLevel::O0;
  passBuilder.buildPerModuleDefaultPipeline(level).run(*llvmModule, modules);

  llvm::SmallString<0> object;
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                   llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return failure();
  }
  codegen.run(*llvmModule);
  return std::string(object.begin(), object.end());
}

} // namespace weft
