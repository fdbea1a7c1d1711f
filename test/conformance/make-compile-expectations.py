#!/usr/bin/env python3
"""Writes compile-expected-failures.txt from a weft-onnx-node-suite run.

    weft-onnx-node-suite <dirs> > run.txt
    python3 test/conformance/make-compile-expectations.py run.txt > \
        test/conformance/compile-expected-failures.txt

Every FAIL line becomes "<suite>/<test> # reason", the reason said in words
from the runner's message. Review the result before checking it in: the list
is a statement of what Weft cannot compile, and why.
"""
import re
import sys

# Ops that are lowered, but whose tests give a shape-defining operand at run
# time (the output shape is unknown when compiling).
DATA_DEPENDENT = {
    "Range": "start/limit/delta", "ReduceSum": "axes", "Slice": "starts/ends",
    "Pad": "pads", "Expand": "shape", "Tile": "repeats",
    "ConstantOfShape": "shape", "OneHot": "depth", "TopK": "k",
    "Compress": "condition", "NonZero": "input",
    "NonMaxSuppression": "boxes and scores", "Unique": "input",
}
RANDOM = {"RandomUniformLike", "RandomNormalLike", "Bernoulli", "Dropout"}
# Tests whose data disagree with their model or with the current spec.
BAD_DATA = {
    "node/test_cast_FLOAT_to_BFLOAT16":
        "the reference truncates float to bfloat16; Weft rounds to nearest "
        "even, as ONNX now specifies",
}


def reason(message, test=""):
    if test in BAD_DATA:
        return BAD_DATA[test]
    if re.match(r"input '\w+': expected shape \[[0-9,]+\] \w+, got \[1\]", message):
        return ("the test data's input does not have the shape the model "
                "declares ([1] for a larger tensor)")
    m = re.match(r"unsupported op (\w+) \(domain ([\w.]+)", message)
    if m:
        return f"{m.group(1)} of the {m.group(2)} domain (training) is not supported"
    m = re.match(r"unsupported op (\w+)", message)
    if m:
        op = m.group(1)
        if op in RANDOM:
            return f"{op} in training mode draws random numbers; no reference to match"
        if op == "BatchNormalization":
            return "training-mode BatchNormalization (batch statistics) is not compiled"
        if op == "Resize":
            return ("Resize has no CPU lowering yet (and these tests give "
                    "scales/sizes at run time)")
        if op == "Add":
            return ("Range expanded into a Loop: shapes depend on values given "
                    "at run time")
        if op in DATA_DEPENDENT:
            return (f"{op}: its output shape depends on {DATA_DEPENDENT[op]} given at "
                    "run time; data-dependent shapes are not compiled yet")
        return f"{op} has no CPU lowering yet"
    if "has type" in message:
        if "string" in message:
            return "string tensors are not supported in compiled models"
        if "seq<" in message or "opt<" in message:
            return "sequence and optional values are not supported in compiled models"
        if "bf16" in message:
            return "bfloat16 is not supported in compiled models"
        if "?" in message:
            return "dynamic dims that shape inference cannot resolve"
    m = re.search(r"keep samples apart; this (\w+) does not", message)
    if m:
        return (f"a dynamic batch needs every op to keep samples apart; "
                f"{m.group(1)} is not known to (and sequences are not compiled)")
    if "imports no opset of the default ONNX domain" in message:
        return "training-domain model importing no default-domain opset"
    if "op_type:Loop" in message:
        return "ONNX 1.12's version converter drops sequence types lifting Loop 13 to 16"
    return message


def main():
    print("# Backend tests (libonnx-testdata) that weft-onnx-node-suite cannot")
    print("# compile and run, each with the reason. A listed test that passes fails")
    print("# the suite. Regenerate with make-compile-expectations.py, then review.")
    for line in open(sys.argv[1]):
        m = re.match(r"FAIL (\S+): (.*)", line)
        if m:
            print(f"{m.group(1)} # {reason(m.group(2), m.group(1))}")


if __name__ == "__main__":
    main()
