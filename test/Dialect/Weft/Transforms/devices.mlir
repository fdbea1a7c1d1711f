// RUN: weft-opt --weft-devices=%S/Inputs/cpu-gpu.json %s | FileCheck %s
// RUN: weft-opt --weft-devices=h100 %s | FileCheck %s --check-prefix=H100
// RUN: not weft-opt --weft-devices=%S/Inputs/missing-field.json %s 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not weft-opt --weft-devices=%S/Inputs/negative-bandwidth.json %s 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not weft-opt --weft-devices=%S/Inputs/unknown-kind.json %s 2>&1 | FileCheck %s --check-prefix=KIND
// RUN: not weft-opt --weft-devices=%S/Inputs/no-link.json %s 2>&1 | FileCheck %s --check-prefix=LINK
// RUN: not weft-opt --weft-devices=%S/Inputs/not-json.json %s 2>&1 | FileCheck %s --check-prefix=JSON
// RUN: not weft-opt --weft-devices=%S/Inputs/absent.json %s 2>&1 | FileCheck %s --check-prefix=ABSENT
// RUN: not weft-opt --weft-devices=%S/Inputs/misspelled-field.json %s 2>&1 | FileCheck %s --check-prefix=MISSPELLED
// RUN: not weft-opt --weft-devices=%S/Inputs/unknown-field.json %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// The description is stored on the module, as JSON, for later passes.
// CHECK: module attributes {weft.devices = #weft.devices<"{
// CHECK-SAME: \22kind\22: \22cuda\22
// H100: \22peak_gflops\22: {
// H100-SAME: \22f32\22: 67000

// MISSING: error: {{.*}}missing-field.json: device 'cpu:0': missing field 'memory_bandwidth_gbps'
// NEGATIVE: error: {{.*}}negative-bandwidth.json: device 'cpu:0': field 'memory_bandwidth_gbps' must be positive, got -5
// KIND: error: {{.*}}unknown-kind.json: device #0: unknown kind 'tpu' (expected cpu or cuda)
// LINK: error: {{.*}}no-link.json: no link between cpu:0 and n1/cpu:0 (add a link, or a 'network')
// JSON: error: {{.*}}not-json.json: not valid JSON
// ABSENT: error: {{.*}}absent.json: cannot read the device description: No such file or directory (built-in names: host, h100, a100, host-plus-h100)
// A misspelled field names the field and the closest known one; a field
// no description has names every known field.
// MISSPELLED: error: {{.*}}misspelled-field.json: device #0: unknown field 'efficency' (did you mean 'efficiency'?)
// UNKNOWN: error: {{.*}}unknown-field.json: unknown field 'price_per_hour' (known: name, devices, links, network, bus)
module {
}
