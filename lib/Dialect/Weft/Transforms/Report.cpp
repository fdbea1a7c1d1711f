//===- Report.cpp - The placement and its schedule as pictures ------------===//
//
// Reads what --weft-place recorded (weft.device, weft.why, weft.start_us,
// weft.finish_us) and writes a text summary, a Graphviz graph coloured by
// device (rendered to SVG by Graphviz's `dot` when it is installed), a
// Chrome trace and an SVG Gantt chart of the predicted schedule.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/Weft/IR/WeftOps.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"
#include "weft/Runtime/Base/File.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

namespace weft {
#define GEN_PASS_DEF_REPORTPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// One placed op.
struct Entry {
  Operation *op;
  std::string name;
  int device;
  double start, finish; // microseconds
};

const char *kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                          "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
                          "#9c755f", "#bab0ac"};

std::string colorOf(int device) {
  return kPalette[device % (sizeof(kPalette) / sizeof(kPalette[0]))];
}

std::string escape(StringRef text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

struct ReportPass : impl::ReportPassBase<ReportPass> {
  using ReportPassBase::ReportPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto model = getModuleDevices(module);
    if (!model)
      return signalPassFailure();
    std::vector<Entry> entries;
    llvm::DenseMap<Operation *, int> index;
    module.walk([&](Operation *op) {
      auto device =
          op->getAttrOfType<DeviceAttr>(WeftDialect::getDeviceAttrName());
      auto start =
          op->getAttrOfType<FloatAttr>(WeftDialect::getStartAttrName());
      auto finish =
          op->getAttrOfType<FloatAttr>(WeftDialect::getFinishAttrName());
      if (!device || !start || !finish)
        return;
      index[op] = int(entries.size());
      entries.push_back({op, getReportName(op),
                         model->findDevice(device.getName()),
                         start.getValueAsDouble(), finish.getValueAsDouble()});
    });
    if (entries.empty()) {
      module.emitError("nothing to report: run --weft-place first");
      return signalPassFailure();
    }
    if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
      module.emitError("cannot create report folder '")
          << dir << "': " << ec.message();
      return signalPassFailure();
    }
    double makespan = 0;
    if (auto attr = module->getAttrOfType<FloatAttr>(
            WeftDialect::getMakespanAttrName()))
      makespan = attr.getValueAsDouble();
    for (const Entry &e : entries)
      makespan = std::max(makespan, e.finish);

    if (failed(write("placement.txt",
                     [&](llvm::raw_ostream &os) {
                       writeSummary(os, entries, *model, makespan);
                     })) ||
        failed(write("placement.dot",
                     [&](llvm::raw_ostream &os) {
                       writeDot(os, entries, index, *model);
                     })) ||
        failed(write(
            "schedule.json",
            [&](llvm::raw_ostream &os) { writeTrace(os, entries, *model); })) ||
        failed(write("schedule.svg", [&](llvm::raw_ostream &os) {
          writeGantt(os, entries, *model, makespan);
        })))
      return signalPassFailure();
    renderDot();
  }

  LogicalResult write(StringRef file,
                      llvm::function_ref<void(llvm::raw_ostream &)> body) {
    SmallString<256> path(dir);
    llvm::sys::path::append(path, file);
    std::string text;
    llvm::raw_string_ostream os(text);
    body(os);
    if (runtime::Status written = runtime::writeFile(path.str().str(), text);
        !written)
      return getOperation().emitError(written.getMessage());
    return success();
  }

  void writeSummary(llvm::raw_ostream &os, const std::vector<Entry> &entries,
                    const DeviceModel &model, double makespan) {
    os << "predicted makespan: " << llvm::format("%.3f", makespan) << " us\n\n";
    os << "device        ops   busy (us)  utilization\n";
    for (int d = 0; d < int(model.getDevices().size()); ++d) {
      double busy = 0;
      int count = 0;
      for (const Entry &e : entries)
        if (e.device == d)
          busy += e.finish - e.start, ++count;
      os << llvm::format("%-12s %4d %11.3f %10.1f%%\n",
                         model.getDevices()[d].name.c_str(), count, busy,
                         makespan > 0 ? 100 * busy / makespan : 0.0);
    }
    os << "\nop, device, start (us), finish (us), why\n";
    for (const Entry &e : entries) {
      std::string why;
      if (auto choice = e.op->getAttr(WeftDialect::getChoiceAttrName())) {
        llvm::raw_string_ostream whyOs(why);
        whyOs << choice;
      }
      os << e.name << ", " << model.getDevices()[e.device].name << ", "
         << llvm::format("%.3f, %.3f", e.start, e.finish) << ", " << why
         << "\n";
    }
  }

  void writeDot(llvm::raw_ostream &os, const std::vector<Entry> &entries,
                const llvm::DenseMap<Operation *, int> &index,
                const DeviceModel &model) {
    os << "digraph placement {\n  rankdir=TB;\n  node [shape=box, "
          "style=filled, "
          "fontname=\"Helvetica\", fontcolor=white];\n";
    for (int d = 0; d < int(model.getDevices().size()); ++d)
      os << "  legend" << d << " [label=\"" << model.getDevices()[d].name
         << "\", shape=ellipse, fillcolor=\"" << colorOf(d) << "\"];\n";
    for (auto [i, e] : llvm::enumerate(entries))
      os << "  n" << i << " [label=\"" << escape(e.name) << "\\n"
         << llvm::format("%.1f us", e.finish - e.start) << "\", fillcolor=\""
         << colorOf(e.device) << "\"];\n";
    for (auto [i, e] : llvm::enumerate(entries))
      for (Value operand : e.op->getOperands())
        if (Operation *def = operand.getDefiningOp())
          if (auto it = index.find(def); it != index.end())
            os << "  n" << it->second << " -> n" << i << ";\n";
    os << "}\n";
  }

  void writeTrace(llvm::raw_ostream &os, const std::vector<Entry> &entries,
                  const DeviceModel &model) {
    llvm::json::Array events;
    for (int d = 0; d < int(model.getDevices().size()); ++d)
      events.push_back(llvm::json::Object{
          {"name", "thread_name"},
          {"ph", "M"},
          {"pid", 0},
          {"tid", d},
          {"args", llvm::json::Object{{"name", model.getDevices()[d].name}}}});
    for (const Entry &e : entries)
      events.push_back(llvm::json::Object{{"name", e.name},
                                          {"ph", "X"},
                                          {"pid", 0},
                                          {"tid", e.device},
                                          {"ts", e.start},
                                          {"dur", e.finish - e.start}});
    os << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                     {"traceEvents", std::move(events)},
                                     {"displayTimeUnit", "ns"}}))
       << "\n";
  }

  void writeGantt(llvm::raw_ostream &os, const std::vector<Entry> &entries,
                  const DeviceModel &model, double makespan) {
    const int labelWidth = 120, width = 1000, rowHeight = 28, top = 30;
    int rows = int(model.getDevices().size());
    double scale = makespan > 0 ? width / makespan : 1;
    os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""
       << labelWidth + width + 20 << "\" height=\""
       << top + rows * rowHeight + 30
       << "\" font-family=\"Helvetica\" font-size=\"11\">\n";
    os << "<text x=\"4\" y=\"18\">predicted schedule, makespan "
       << llvm::format("%.1f", makespan) << " us</text>\n";
    for (int d = 0; d < rows; ++d)
      os << "<text x=\"4\" y=\"" << top + d * rowHeight + 18 << "\">"
         << escape(model.getDevices()[d].name) << "</text>\n";
    for (const Entry &e : entries) {
      double x = labelWidth + e.start * scale;
      double w = std::max(0.5, (e.finish - e.start) * scale);
      os << "<rect x=\"" << llvm::format("%.2f", x) << "\" y=\""
         << top + e.device * rowHeight + 4 << "\" width=\""
         << llvm::format("%.2f", w) << "\" height=\"" << rowHeight - 8
         << "\" fill=\"" << colorOf(e.device)
         << "\" stroke=\"white\" stroke-width=\"0.5\"><title>" << escape(e.name)
         << llvm::format(": %.1f-%.1f us", e.start, e.finish)
         << "</title></rect>\n";
    }
    int axisY = top + rows * rowHeight + 14;
    for (int tick = 0; tick <= 5; ++tick) {
      double t = makespan * tick / 5;
      os << "<text x=\"" << llvm::format("%.1f", labelWidth + t * scale)
         << "\" y=\"" << axisY << "\">" << llvm::format("%.0f us", t)
         << "</text>\n";
    }
    os << "</svg>\n";
  }

  /// placement.svg through Graphviz, when its `dot` is installed.
  void renderDot() {
    auto dotProgram = llvm::sys::findProgramByName("dot");
    if (!dotProgram)
      return;
    SmallString<256> input(dir), output(dir);
    llvm::sys::path::append(input, "placement.dot");
    llvm::sys::path::append(output, "placement.svg");
    std::string error;
    std::string outputArg = ("-o" + output).str();
    int rc = llvm::sys::ExecuteAndWait(
        *dotProgram, {*dotProgram, "-Tsvg", outputArg, input}, std::nullopt, {},
        /*SecondsToWait=*/60, 0, &error);
    if (rc != 0)
      getOperation().emitWarning("Graphviz could not render ")
          << input << ": " << error;
  }
};

} // namespace
} // namespace weft
