//===- LibraryCalls.cpp - float32 contractions become oneDNN sgemm calls --===//
//
// oneDNN's sgemm reaches ~90% of this CPU's peak on one or two threads
// (TOOLCHAIN.md) where the generated loops reach a few percent; it is called
// on the buffers' addresses, which are known once the code is bufferized.
//
//===----------------------------------------------------------------------===//

#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Target/CPU/Passes.h"
#include "weft/Target/Gemm.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace weft {
#define GEN_PASS_DEF_CPULIBRARYCALLSPASS
#include "weft/Target/CPU/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

constexpr const char *kSgemmName = "dnnl_sgemm";
constexpr const char *kPackedName = "weft_sgemm_packed";

/// Batches of at least this many GEMMs run their GEMMs in parallel, each on
/// one thread, rather than one after the other on all threads.
constexpr int64_t kMinParallelBatch = 4;

/// The address of element `offset + index * stride` of `buffer` (float32),
/// as an LLVM pointer.
Value addressOf(OpBuilder &b, Location loc, Value buffer, Value index,
                int64_t stride) {
  auto type = cast<MemRefType>(buffer.getType());
  auto [strides, offset] = type.getStridesAndOffset();
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  Value element = arith::ConstantIndexOp::create(b, loc, offset);
  if (index && stride != 0)
    element = arith::AddIOp::create(
        b, loc, element,
        arith::MulIOp::create(b, loc, index,
                              arith::ConstantIndexOp::create(b, loc, stride)));
  Value bytes = arith::MulIOp::create(
      b, loc, element, arith::ConstantIndexOp::create(b, loc, 4));
  Value address = arith::IndexCastOp::create(
      b, loc, b.getI64Type(), arith::AddIOp::create(b, loc, base, bytes));
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), address);
}

/// Whether `buffer` is (a view of) a constant global: weights.
bool isConstantBuffer(Value buffer, ModuleOp module) {
  while (auto view = buffer.getDefiningOp<ViewLikeOpInterface>())
    buffer = view.getViewSource();
  auto get = buffer.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return false;
  auto global = module.lookupSymbol<memref::GlobalOp>(get.getNameAttr());
  return global && global.getConstant();
}

struct CPULibraryCallsPass
    : impl::CPULibraryCallsPassBase<CPULibraryCallsPass> {
  using CPULibraryCallsPassBase::CPULibraryCallsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<linalg::GenericOp, GemmShape>> gemms;
    module.walk([&](linalg::GenericOp op) {
      if (auto gemm = matchGemm(op); succeeded(gemm))
        gemms.push_back({op, *gemm});
    });
    if (gemms.empty())
      return;
    MLIRContext *context = &getContext();
    OpBuilder top = OpBuilder::atBlockBegin(module.getBody());
    Type i32 = top.getI32Type(), i64 = top.getI64Type(), f32 = top.getF32Type(),
         ptr = LLVM::LLVMPointerType::get(context);
    auto declare = [&](StringRef name, ArrayRef<Type> arguments) {
      if (module.lookupSymbol(name))
        return;
      func::FuncOp::create(top, module.getLoc(), name,
                           FunctionType::get(context, arguments, {i32}))
          .setPrivate();
    };
    // dnnl_status_t dnnl_sgemm(char transa, char transb, dim M, N, K,
    //     float alpha, const float *A, dim lda, const float *B, dim ldb,
    //     float beta, float *C, dim ldc); chars go in int registers.
    declare(kSgemmName,
            {i32, i32, i64, i64, i64, f32, ptr, i64, ptr, i64, f32, ptr, i64});
    // int weft_sgemm_packed(void **cache, char transa, char transb, M, N, K,
    //     const float *A, lda, const float *B, ldb, float beta, float *C,
    //     ldc): dnnl_sgemm's arguments less alpha (1), plus the call site's
    //     cache word.
    if (packedWeights)
      declare(kPackedName, {ptr, i32, i32, i64, i64, i64, ptr, i64, ptr, i64,
                            f32, ptr, i64});
    int64_t caches = 0;
    for (auto &entry : gemms) {
      linalg::GenericOp op = entry.first;
      const GemmShape &gemm = entry.second;
      // A zeroed output is overwritten instead (beta = 0): one pass fewer.
      linalg::FillOp zeroFill = getZeroFillBefore(op);
      if (zeroFill)
        zeroFill.erase();
      OpBuilder b(op);
      Location loc = op.getLoc();
      // One GEMM on constant weights that the lowering marked as worth
      // packing (where it pays is the lowering's call): they are packed
      // once, at its first call, and reused by every later one.
      bool packed = packedWeights && op->hasAttr(kPackWeightsAttrName) &&
                    gemm.batch == 1 &&
                    isConstantBuffer(op.getDpsInputs()[1], module);
      numPacked += packed;
      auto emitCall = [&](OpBuilder &b, Value index) {
        auto i32c = [&](int64_t v) {
          return arith::ConstantIntOp::create(b, loc, i32, v).getResult();
        };
        auto i64c = [&](int64_t v) {
          return arith::ConstantIntOp::create(b, loc, i64, v).getResult();
        };
        Value one = arith::ConstantFloatOp::create(b, loc, cast<FloatType>(f32),
                                                   APFloat(1.0f));
        Value beta = arith::ConstantFloatOp::create(
            b, loc, cast<FloatType>(f32), APFloat(zeroFill ? 0.0f : 1.0f));
        Value a = addressOf(b, loc, op.getDpsInputs()[0], index, gemm.strideA);
        Value bb = addressOf(b, loc, op.getDpsInputs()[1], index, gemm.strideB);
        Value c = addressOf(b, loc, op.getDpsInits()[0], index, gemm.strideC);
        if (packed) {
          // The call site's cache word: a zeroed global of its own.
          std::string name = "__weft_gemm_cache_" + std::to_string(caches++);
          auto wordType = MemRefType::get({1}, i64);
          memref::GlobalOp::create(
              top, loc, name, top.getStringAttr("private"), wordType,
              DenseElementsAttr::get(RankedTensorType::get({1}, i64),
                                     top.getI64IntegerAttr(0).getValue()),
              /*constant=*/false, /*alignment=*/nullptr);
          Value word = memref::GetGlobalOp::create(b, loc, wordType, name);
          func::CallOp::create(
              b, loc, kPackedName, TypeRange{i32},
              ValueRange{addressOf(b, loc, word, Value(), 0),
                         i32c(gemm.transposeA ? 'T' : 'N'),
                         i32c(gemm.transposeB ? 'T' : 'N'), i64c(gemm.m),
                         i64c(gemm.n), i64c(gemm.k), a, i64c(gemm.lda), bb,
                         i64c(gemm.ldb), beta, c, i64c(gemm.ldc)});
          return;
        }
        func::CallOp::create(
            b, loc, kSgemmName, TypeRange{i32},
            ValueRange{i32c(gemm.transposeA ? 'T' : 'N'),
                       i32c(gemm.transposeB ? 'T' : 'N'), i64c(gemm.m),
                       i64c(gemm.n), i64c(gemm.k), one, a, i64c(gemm.lda), bb,
                       i64c(gemm.ldb), beta, c, i64c(gemm.ldc)});
      };
      if (gemm.batch == 1) {
        emitCall(b, Value());
      } else {
        Value zero = arith::ConstantIndexOp::create(b, loc, 0);
        Value count = arith::ConstantIndexOp::create(b, loc, gemm.batch);
        Value step = arith::ConstantIndexOp::create(b, loc, 1);
        if (gemm.batch < kMinParallelBatch)
          scf::ForOp::create(
              b, loc, zero, count, step, ValueRange{},
              [&](OpBuilder &inner, Location, Value iv, ValueRange) {
                emitCall(inner, iv);
                scf::YieldOp::create(inner, loc);
              });
        else
          // The GEMMs of a batch are split over the threads, each on one
          // (oneDNN does not start threads of its own inside a parallel
          // region): no synchronization inside the small GEMMs of a batch.
          scf::ParallelOp::create(
              b, loc, zero, count, step,
              [&](OpBuilder &inner, Location, ValueRange ivs) {
                emitCall(inner, ivs[0]);
              });
      }
      op.erase();
      ++numCalls;
    }
  }
};

} // namespace
} // namespace weft
