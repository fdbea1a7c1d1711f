//===- Passes.td - CPU code generation passes ---------------*- tablegen -*-===//

#ifndef WEFT_TARGET_CPU_PASSES_TD
#define WEFT_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def PlanBuffersPass : Pass<"weft-plan-buffers", "mlir::func::FuncOp"> {
  let summary = "Place a function's temporary buffers in one arena by liveness";
  let description = [{
    Runs after bufferization and the buffer-deallocation pipeline: every
    `memref.alloc` of a static shape in the function's body, with its one
    `memref.dealloc` in the body too, lives from the alloc to the last op of
    the body that uses it or any view of it (a buffer that may escape through
    anything but a view is left alone). Buffers whose lifetimes do not overlap
    share bytes; offsets are chosen greedily, largest buffer first, 64-byte
    aligned. The function gets
    one more argument, the arena (`memref<Nxi8>`), each planned alloc becomes
    a `memref.view` into it and its dealloc goes; the module records the
    arena's size in its `weft.arena_bytes` dictionary, under the function's
    name, which the compiler writes into the
    artifact's manifest so the runtime provides the arena.

    ```mlir
    %0 = memref.alloc() {alignment = 64 : i64} : memref<4x8xf32>
    ...
    memref.dealloc %0 : memref<4x8xf32>
    // becomes, with %arena the new last argument:
    %0 = memref.view %arena[%c0][] : memref<128xi8> to memref<4x8xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numPlanned", "planned-buffers", "Buffers placed in the arena">,
    Statistic<"numBytesRequested", "requested-bytes",
              "Bytes the planned buffers would take one by one">,
    Statistic<"numArenaBytes", "arena-bytes", "Bytes of the arena">
  ];
}

def CPULibraryCallsPass
    : Pass<"weft-cpu-library-calls", "mlir::ModuleOp"> {
  let summary = "Turn float32 contractions on buffers into oneDNN sgemm calls";
  let description = [{
    Runs on buffers (after bufferization). A `linalg.generic` that computes a
    row-major GEMM (see weft/Target/Gemm.h: batch, rows, columns and one
    reduction, each collapsing into one strided dimension) becomes a call of
    oneDNN's `dnnl_sgemm` per batch element, on the buffers' addresses (beta
    1: C's initial value, a bias, is accumulated into; beta 0 where a fill
    with zeros just before is dropped). Batches of 4 or more run their GEMMs
    in parallel, one per thread. With `packed-weights`, a single GEMM that
    the lowering marked `weft.pack_weights` (MatMul and Gemm on constant
    weights, the transposed products of small convolutions) and whose B is
    a constant (a `memref.global` constant, seen through views) calls
    `weft_sgemm_packed` instead (libweft_cpu_kernels.a, linked into the
    host code), with a cache word of its own: its first call packs B once.
    The pass declares the callees; the host code is then linked with oneDNN.

    ```mlir
    linalg.generic {(m,k,n) -> (m,k), (m,k,n) -> (k,n), (m,k,n) -> (m,n)}
        ins(%a, %b : memref<8x4xf32>, memref<4x16xf32>) outs(%c : memref<8x16xf32>)
    // becomes
    %pa = memref.extract_aligned_pointer_as_index %a ... llvm.inttoptr ...
    func.call @dnnl_sgemm(%n, %n, %c8, %c16, %c4, %one, %pa, %c4, %pb, %c16,
                          %one, %pc, %c16) : (i32, i32, i64, ...) -> i32
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::LLVM::LLVMDialect"];
  let options = [
    Option<"packedWeights", "packed-weights", "bool", "false",
           "Call weft_sgemm_packed for GEMMs on constant weights">
  ];
  let statistics = [
    Statistic<"numCalls", "gemm-calls", "Contractions turned into sgemm calls">,
    Statistic<"numPacked", "packed-calls",
              "Of those, calls that pack constant weights once">
  ];
}

def LowerLinalgToLoopsPass
    : Pass<"weft-lower-linalg-to-loops", "mlir::func::FuncOp"> {
  let summary = "Linalg ops to loops: parallel where there is work to split";
  let description = [{
    Each linalg op becomes a loop nest; ops of at least `min-parallel-work`
    work (iterations of all loops times the operands read or written: a
    Winograd transform reading 9 windows is worth splitting sooner than a
    copy) get their outermost parallel dimensions,
    as few as give each thread several iterations, as one `scf.parallel`
    (which `convert-scf-to-openmp` spreads over threads) and the rest as
    sequential loops inside, so the innermost loop still vectorizes;
    smaller ones become sequential `scf.for` nests, which pay no fork and
    join. An innermost reduction loop whose output elements do not move
    with it keeps them in registers (loaded before, stored after, the float
    updates reassociable so that the sum vectorizes). Fills of the columns
    just left and right of the rows an elementwise op writes (a padded
    buffer's side borders, filled just before it) become stores in that
    op's loops after each row, while the row's cache lines are at hand.

    ```mlir
    linalg.generic {... ["parallel", "parallel"]} ... : memref<256x256xf32>
    // (one input, one output) becomes, with min-parallel-work <= 131072:
    scf.parallel (%i, %j) = (%c0, %c0) to (%c256, %c256) step (%c1, %c1) { ... }
    ```
  }];
  let options = [
    Option<"minParallelWork", "min-parallel-work", "int64_t", "32768",
           "Work (iterations times operands) an op needs to become a "
           "parallel loop">,
    Option<"threads", "threads", "int64_t", "4",
           "Threads the parallel loops are split over: the outermost "
           "dims that give each several iterations stay parallel, the "
           "others become sequential loops inside">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numSideBorders", "side-borders",
              "Ops whose loops also store a padded buffer's side borders">,
    Statistic<"numParallel", "parallel-ops", "Ops lowered to parallel loops">,
    Statistic<"numRegisterReductions", "register-reductions",
              "Innermost reduction loops that keep their sums in registers">
  ];
}

def ApproximateMathPass : Pass<"weft-approximate-math", "mlir::func::FuncOp"> {
  let summary = "float32 exp, erf, tanh, log as polynomials that vectorize";
  let description = [{
    Rewrites float32 transcendental functions into MLIR's polynomial
    approximations (arithmetic only, a few ulp), so loops that call them
    vectorize instead of calling libm once per element (GELU's erf and
    softmax's exp were a quarter of the encoder's time).

    ```mlir
    %y = math.erf %x : f32
    // becomes a rational approximation in arith ops
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def DecomposePadsPass : Pass<"weft-decompose-pads", "mlir::func::FuncOp"> {
  let summary = "tensor.pad as a filled tensor with the source inserted";
  let description = [{
    Rewrites each static `tensor.pad` with a constant padding value into
    `linalg.fill`s of its border only (for each padded dim, its low and high
    slabs) and a `tensor.insert_slice` of the source. With
    `eliminate-empty-tensors` before bufferization, the op that computes the
    source then writes straight into the padded buffer's interior: a
    convolution's padding costs filling its border instead of a copy. Other
    pads become a fill of the whole padded shape and the insert.

    ```mlir
    %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] { tensor.yield %zero }
    // becomes
    %e = tensor.empty() : tensor<1x2x6x6xf32>
    %top = tensor.extract_slice %e[0, 0, 0, 0] [1, 2, 1, 6] [1, 1, 1, 1]
    %f = linalg.fill ins(%zero) outs(%top) ...
    %1 = tensor.insert_slice %f into %e[0, 0, 0, 0] [1, 2, 1, 6] [1, 1, 1, 1]
    ... (bottom row, left and right columns of the interior rows)
    %p = tensor.insert_slice %x into %4[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1]
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}


def FuseElementwisePass : Pass<"weft-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse chains of same-shape elementwise ops into one";
  let description = [{
    An elementwise linalg.generic whose result only feeds another
    elementwise one of the same shape (every operand read through the
    identity map, all loops parallel) is computed inside it: one pass over
    memory and one parallel loop instead of two (a residual Add and the
    Relu after it). Ops that broadcast an operand, and any other producer,
    are left alone.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def LowerHostCodePass : Pass<"weft-lower-host-code", "mlir::ModuleOp"> {
  let summary = "Run the CPU code generator on the nested host module";
  let description = [{
    After `--weft-outline-device-code`: runs the `weft-lower-cpu` pipeline
    (onnx ops to the LLVM dialect) on the nested module `@weft_host`, then
    moves into it the GPU kernels compiled for the host
    (`@weft_emulated`, from `--weft-lower-cuda-code{emulate=true}`). A module
    without host code is left alone.
  }];
  let options = [
    Option<"oneDNN", "onednn", "bool", /*default=*/"true",
           "Matrix products call oneDNN's sgemm">,
    Option<"packedWeights", "packed-weights", "bool", /*default=*/"true",
           "GEMMs on constant weights pack them once (weft_sgemm_packed)">,
    Option<"openMP", "openmp", "bool", /*default=*/"true",
           "Large loop nests run on an OpenMP team">
  ];
  let dependentDialects = ["::weft::WeftDialect"];
}

def SerializeHostCodePass
    : Pass<"weft-serialize-host-code", "mlir::ModuleOp"> {
  let summary = "Compile and link the lowered host module into a shared object";
  let description = [{
    After `--weft-lower-host-code`: translates `@weft_host` (LLVM dialect)
    to LLVM IR, optimizes it for this host's CPU, emits an object file and
    links it with lld (and the libraries the options say the code calls)
    into a shared object, which replaces the module as a
    `weft.binary "host-code"` with the arena bytes of each task function
    and the CPU it was compiled for.

    ```mlir
    module @weft_host attributes {weft.target = "cpu"} { llvm.func ... }
    // becomes
    weft.binary "host-code" {codegen = "onednn,packed-weights,openmp", data = "\7FELF...", entries = {main_part0 = 0 : i64}, target = "..."}
    ```
  }];
  let options = [
    Option<"oneDNN", "onednn", "bool", /*default=*/"true",
           "Matrix products call oneDNN's sgemm">,
    Option<"packedWeights", "packed-weights", "bool", /*default=*/"true",
           "GEMMs on constant weights pack them once (weft_sgemm_packed)">,
    Option<"openMP", "openmp", "bool", /*default=*/"true",
           "Large loop nests run on an OpenMP team">,
    Option<"optLevel", "opt-level", "int", /*default=*/"3",
           "LLVM optimization level (0-3)">
  ];
  let dependentDialects = ["::weft::WeftDialect"];
}

#endif // WEFT_TARGET_CPU_PASSES_TD
