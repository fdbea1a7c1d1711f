//===- ModelChecks.h - Checks on a model before ONNX sees it ----*- C++ -*-===//
//
// Checks that run before onnx::checker, the version converter and ONNX's
// type inference, so that a bad model gets an error naming the problem and
// the node (not a crash inside ONNX, and not a message about something else).
// Internal to the ONNX target.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_LIB_TARGET_ONNX_MODELCHECKS_H
#define WEFT_LIB_TARGET_ONNX_MODELCHECKS_H

#include "ModelPreparation.h"

namespace weft {

/// Returns the deepest nesting of subgraphs in a serialized model, scanning
/// the wire format without recursion; stops early past `stopAt`.
int scanSubgraphDepth(llvm::StringRef bytes, int stopAt);

/// Value names: every input read is produced before (by a node, a graph
/// input, an initializer or an enclosing graph), no name is written twice,
/// nodes are in topological order and form no cycle, outputs are produced.
bool checkGraphStructure(const onnx::GraphProto &graph,
                         PreparationError &error);

/// Initializers and Constant tensors: valid dims and data sizes, and the same
/// element type as a graph input of the same name.
bool checkTensors(const onnx::GraphProto &graph, PreparationError &error);

/// Integer attributes whose values would break ONNX's own inference (zero
/// strides, non-positive kernels, negative pads).
bool checkAttributeValues(const onnx::GraphProto &graph,
                          PreparationError &error);

/// Convolutions and pools: input and weight of one rank, and `kernel_shape`,
/// `pads`, `strides`, `dilations` (ConvTranspose's `output_padding`,
/// `output_shape` too) of the lengths their spatial rank needs, where ranks
/// are known before type inference (ONNX's own inference indexes them
/// unchecked).
bool checkSpatialAttributes(const onnx::GraphProto &graph,
                            PreparationError &error);

} // namespace weft

#endif // WEFT_LIB_TARGET_ONNX_MODELCHECKS_H
