//===- DeviceModel.cpp - Descriptions of devices and links ----------------===//

#include "weft/Analysis/DeviceModel.h"
#include "weft/Runtime/Base/File.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace llvm;

namespace weft {

double DeviceDescription::getPeakFlops(StringRef elementType) const {
  auto it = peakFlops.find(elementType);
  if (it != peakFlops.end())
    return it->second;
  it = peakFlops.find("f32");
  return it != peakFlops.end() ? it->second : 0.0;
}

double DeviceDescription::getEfficiency(StringRef opKind) const {
  auto it = efficiency.find(opKind);
  if (it != efficiency.end())
    return it->second;
  it = efficiency.find("default");
  return it != efficiency.end() ? it->second : 1.0;
}

double DeviceDescription::getEfficiency(StringRef opKind, double flops) const {
  double efficiency = getEfficiency(opKind);
  auto knee = efficiencyKnee.find(opKind);
  if (knee != efficiencyKnee.end() && knee->second > 0)
    efficiency *= flops / (flops + knee->second);
  return efficiency;
}

double DeviceDescription::getBandwidth(double bytes) const {
  const auto &curve = bandwidthCurve;
  if (curve.empty() || bytes > double(curve.back().first))
    return memoryBandwidth;
  if (bytes <= double(curve.front().first))
    return curve.front().second;
  for (size_t i = 1; i < curve.size(); ++i) {
    if (bytes > double(curve[i].first))
      continue;
    double lo = std::log(double(curve[i - 1].first)),
           hi = std::log(double(curve[i].first));
    double t = hi > lo ? (std::log(bytes) - lo) / (hi - lo) : 1.0;
    return curve[i - 1].second + t * (curve[i].second - curve[i - 1].second);
  }
  return memoryBandwidth;
}

namespace {

/// Efficiencies a device has before calibration, by kind.
void setDefaultEfficiency(DeviceDescription &device) {
  static const std::pair<const char *, double> cpu[] = {
      {"matmul", 0.85},   {"conv", 0.8},          {"elementwise", 0.9},
      {"reduction", 0.5}, {"normalization", 0.5}, {"movement", 1.0},
      {"default", 0.5}};
  static const std::pair<const char *, double> cuda[] = {
      {"matmul", 0.7},    {"conv", 0.6},          {"elementwise", 0.8},
      {"reduction", 0.5}, {"normalization", 0.5}, {"movement", 0.9},
      {"default", 0.5}};
  for (const auto &[kind, value] :
       device.kind == DeviceKind::CPU ? ArrayRef(cpu) : ArrayRef(cuda))
    device.efficiency.try_emplace(kind, value);
}

/// Larger than any rate, size or count a device has, and small enough that
/// scaled to bytes or FLOP/s it stays within int64.
constexpr double kMaxFieldValue = 1e9;

/// Far larger than a description of thousands of devices.
constexpr uint64_t kMaxDescriptionBytes = uint64_t(16) << 20;

/// No real description nests deeper than a few levels.
constexpr size_t kMaxJSONDepth = 64;

/// The offset where `text` opens its `maxDepth + 1`-th nested array or
/// object, if it does (brackets inside strings do not count).
std::optional<size_t> findExcessiveNesting(StringRef text, size_t maxDepth) {
  size_t depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > maxDepth)
        return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

/// Reads the fields of one JSON object with errors that say where.
class FieldReader {
public:
  FieldReader(const json::Object &object, std::string where, std::string &error)
      : object(object), whereText(where), error(error) {}

  bool number(StringRef key, double &out, bool required, bool positive) {
    const json::Value *value = object.get(key);
    if (!value) {
      if (required)
        return fail("missing field '" + key.str() + "'");
      return true;
    }
    auto n = value->getAsNumber();
    if (!n)
      return fail("field '" + key.str() + "' must be a number");
    if (!std::isfinite(*n) || std::fabs(*n) > kMaxFieldValue) {
      char text[32];
      std::snprintf(text, sizeof(text), "%g", *n);
      return fail("field '" + key.str() +
                  "' must be a finite number of at most 1e9, got " + text);
    }
    if (positive ? !(*n > 0) : !(*n >= 0))
      return fail("field '" + key.str() + "' must be " +
                  (positive ? "positive" : "non-negative") + ", got " +
                  formatNumber(*n));
    out = *n;
    return true;
  }

  bool integer(StringRef key, int64_t &out, bool required) {
    double value = double(out);
    if (!number(key, value, required, /*positive=*/false))
      return false;
    if (value != double(int64_t(value)))
      return fail("field '" + key.str() + "' must be a whole number");
    out = int64_t(value);
    return true;
  }

  bool string(StringRef key, std::string &out, bool required) {
    const json::Value *value = object.get(key);
    if (!value)
      return required ? fail("missing field '" + key.str() + "'") : true;
    auto s = value->getAsString();
    if (!s)
      return fail("field '" + key.str() + "' must be a string");
    out = s->str();
    return true;
  }

  /// A map of positive numbers scaled by `scale`.
  bool numberMap(StringRef key, StringMap<double> &out, bool required,
                 double scale) {
    const json::Value *value = object.get(key);
    if (!value)
      return required ? fail("missing field '" + key.str() + "'") : true;
    const json::Object *map = value->getAsObject();
    if (!map)
      return fail("field '" + key.str() + "' must be an object");
    for (const auto &entry : *map) {
      auto n = entry.second.getAsNumber();
      if (!n || !(*n > 0) || !std::isfinite(*n) || *n > kMaxFieldValue)
        return fail("field '" + key.str() + "." + entry.first.str() +
                    "' must be a positive number of at most 1e9");
      out[entry.first.str()] = *n * scale;
    }
    return true;
  }

  bool fail(const std::string &message) {
    error = whereText + ": " + message;
    return false;
  }
  const std::string &where() const { return whereText; }

private:
  static std::string formatNumber(double n) {
    std::string s;
    raw_string_ostream(s) << n;
    return s;
  }
  const json::Object &object;
  std::string whereText;
  std::string &error;
};

constexpr double kGiga = 1e9;
constexpr double kMicro = 1e-6;

/// Fails with an error naming the first (in sorted order) field of `object`
/// that is not in `known`, and the known field closest to it: a misspelled
/// field would otherwise be ignored silently.
bool checkFields(const json::Object &object, ArrayRef<StringRef> known,
                 const std::string &where, std::string &error) {
  SmallVector<StringRef> unknown;
  for (const auto &entry : object)
    if (!llvm::is_contained(known, StringRef(entry.first)))
      unknown.push_back(entry.first);
  if (unknown.empty())
    return true;
  llvm::sort(unknown);
  StringRef field = unknown.front();
  StringRef closest;
  unsigned best = ~0u;
  for (StringRef candidate : known) {
    unsigned distance = field.edit_distance(candidate);
    if (distance < best) {
      best = distance;
      closest = candidate;
    }
  }
  error = where + ": unknown field '" + field.str() + "'";
  if (best <= std::max<size_t>(2, field.size() / 3))
    error += " (did you mean '" + closest.str() + "'?)";
  else
    error += " (known: " + llvm::join(known, ", ") + ")";
  return false;
}

bool parseLink(const json::Object &object, std::string where,
               LinkDescription &link, std::string &error) {
  if (!checkFields(object, {"between", "latency_us", "bandwidth_gbps", "type"},
                   where, error))
    return false;
  FieldReader read(object, where, error);
  double latencyUs = 0, bandwidthGBps = 0;
  if (!read.number("latency_us", latencyUs, true, false) ||
      !read.number("bandwidth_gbps", bandwidthGBps, true, true) ||
      !read.string("type", link.type, false))
    return false;
  link.latency = latencyUs * kMicro;
  link.bandwidth = bandwidthGBps * kGiga;
  return true;
}

} // namespace

StringRef getDeviceKindName(DeviceKind kind) {
  return kind == DeviceKind::CPU ? "cpu" : "cuda";
}

std::optional<DeviceKind> parseDeviceKind(StringRef name) {
  if (name == "cpu")
    return DeviceKind::CPU;
  if (name == "cuda")
    return DeviceKind::CUDA;
  return std::nullopt;
}

std::string getDeviceName(DeviceKind kind, int64_t index, int64_t node) {
  std::string name =
      (getDeviceKindName(kind) + ":").str() + std::to_string(index);
  return node == 0 ? name : "n" + std::to_string(node) + "/" + name;
}

std::optional<DeviceModel> DeviceModel::parse(StringRef text, StringRef source,
                                              std::string &error) {
  // The JSON parser recurses per level: a description nested without end
  // must not reach it.
  if (std::optional<size_t> at = findExcessiveNesting(text, kMaxJSONDepth)) {
    error = source.str() + ": the JSON nests deeper than " +
            std::to_string(kMaxJSONDepth) + " levels (at byte " +
            std::to_string(*at) + ")";
    return std::nullopt;
  }
  Expected<json::Value> root = json::parse(text);
  if (!root) {
    error = source.str() + ": not valid JSON: " + toString(root.takeError());
    return std::nullopt;
  }
  const json::Object *object = root->getAsObject();
  if (!object) {
    error = source.str() + ": expected a JSON object";
    return std::nullopt;
  }
  DeviceModel model;
  if (!checkFields(*object, {"name", "devices", "links", "network", "bus"},
                   source.str(), error))
    return std::nullopt;
  FieldReader top(*object, source.str(), error);
  if (!top.string("name", model.name, false))
    return std::nullopt;
  const json::Array *devices = object->getArray("devices");
  if (!devices || devices->empty()) {
    error = source.str() + ": needs a non-empty 'devices' list";
    return std::nullopt;
  }
  for (size_t i = 0; i < devices->size(); ++i) {
    const json::Object *d = (*devices)[i].getAsObject();
    std::string where = source.str() + ": device #" + std::to_string(i);
    if (!d) {
      error = where + ": expected an object";
      return std::nullopt;
    }
    if (!checkFields(*d,
                     {"kind", "index", "node", "peak_gflops",
                      "memory_bandwidth_gbps", "memory_gb",
                      "launch_overhead_us", "cores", "efficiency",
                      "efficiency_knee_mflop", "bandwidth_curve"},
                     where, error))
      return std::nullopt;
    DeviceDescription device;
    std::string kind;
    double bandwidthGBps = 0, memoryGB = 0, launchUs = 0;
    FieldReader read(*d, where, error);
    if (!read.string("kind", kind, true))
      return std::nullopt;
    std::optional<DeviceKind> parsedKind = parseDeviceKind(kind);
    if (!parsedKind) {
      read.fail("unknown kind '" + kind + "' (expected cpu or cuda)");
      return std::nullopt;
    }
    device.kind = *parsedKind;
    if (!read.integer("index", device.index, true) ||
        !read.integer("node", device.node, false))
      return std::nullopt;
    device.name = getDeviceName(device.kind, device.index, device.node);
    FieldReader named(*d, source.str() + ": device '" + device.name + "'",
                      error);
    if (!named.numberMap("peak_gflops", device.peakFlops, true, kGiga) ||
        !named.number("memory_bandwidth_gbps", bandwidthGBps, true, true) ||
        !named.number("memory_gb", memoryGB, true, true) ||
        !named.number("launch_overhead_us", launchUs, false, false) ||
        !named.integer("cores", device.cores, false) ||
        !named.numberMap("efficiency", device.efficiency, false, 1.0) ||
        !named.numberMap("efficiency_knee_mflop", device.efficiencyKnee, false,
                         1e6))
      return std::nullopt;
    if (const json::Array *curve = d->getArray("bandwidth_curve")) {
      for (size_t c = 0; c < curve->size(); ++c) {
        const json::Object *point = (*curve)[c].getAsObject();
        std::string pointWhere =
            named.where() + ": bandwidth_curve #" + std::to_string(c);
        if (!point) {
          error = pointWhere + ": expected an object";
          return std::nullopt;
        }
        if (!checkFields(*point, {"kb", "bandwidth_gbps"}, pointWhere, error))
          return std::nullopt;
        FieldReader readPoint(*point, pointWhere, error);
        double kb = 0, gbps = 0;
        if (!readPoint.number("kb", kb, true, true) ||
            !readPoint.number("bandwidth_gbps", gbps, true, true))
          return std::nullopt;
        device.bandwidthCurve.push_back({int64_t(kb * 1024), gbps * kGiga});
      }
      llvm::sort(device.bandwidthCurve);
    }
    if (!device.peakFlops.count("f32")) {
      named.fail("peak_gflops needs an 'f32' entry");
      return std::nullopt;
    }
    for (const auto &e : device.efficiency)
      if (e.second > 1.0) {
        named.fail("efficiency '" + e.first().str() + "' must be at most 1");
        return std::nullopt;
      }
    if (model.findDevice(device.name) >= 0) {
      named.fail("is described twice");
      return std::nullopt;
    }
    device.memoryBandwidth = bandwidthGBps * kGiga;
    device.memoryCapacity = int64_t(memoryGB * kGiga);
    device.launchOverhead = launchUs * kMicro;
    setDefaultEfficiency(device);
    model.devices.push_back(std::move(device));
  }

  if (const json::Array *links = object->getArray("links")) {
    for (size_t i = 0; i < links->size(); ++i) {
      const json::Object *l = (*links)[i].getAsObject();
      std::string where = source.str() + ": link #" + std::to_string(i);
      const json::Array *between = l ? l->getArray("between") : nullptr;
      if (!between || between->size() != 2 || !(*between)[0].getAsString() ||
          !(*between)[1].getAsString()) {
        error = where + ": needs 'between': [\"<device>\", \"<device>\"]";
        return std::nullopt;
      }
      LinkDescription link;
      link.from = (*between)[0].getAsString()->str();
      link.to = (*between)[1].getAsString()->str();
      for (const std::string &end : {link.from, link.to})
        if (model.findDevice(end) < 0) {
          error = where + ": unknown device '" + end + "'";
          return std::nullopt;
        }
      if (!parseLink(*l,
                     source.str() + ": link " + link.from + " <-> " + link.to,
                     link, error))
        return std::nullopt;
      model.links.push_back(link);
    }
  }
  for (const char *key : {"network", "bus"}) {
    if (const json::Object *l = object->getObject(key)) {
      LinkDescription link;
      if (!parseLink(*l, source.str() + ": " + key, link, error))
        return std::nullopt;
      (StringRef(key) == "network" ? model.network : model.bus) = link;
    }
  }

  // Every pair of devices must be able to exchange data.
  for (int a = 0; a < int(model.devices.size()); ++a)
    for (int b = a + 1; b < int(model.devices.size()); ++b)
      if (!model.findLink(a, b)) {
        error = source.str() + ": no link between " + model.devices[a].name +
                " and " + model.devices[b].name + " (add a link, or a '" +
                (model.devices[a].node == model.devices[b].node ? "bus"
                                                                : "network") +
                "')";
        return std::nullopt;
      }
  if (model.name.empty())
    model.name = source.str();
  return model;
}

bool DeviceModel::hasDeviceOfKind(DeviceKind kind) const {
  return llvm::any_of(devices, [&](const DeviceDescription &device) {
    return device.kind == kind;
  });
}

int DeviceModel::findDevice(StringRef deviceName) const {
  for (size_t i = 0; i < devices.size(); ++i)
    if (devices[i].name == deviceName)
      return int(i);
  return -1;
}

const LinkDescription *DeviceModel::findLink(int from, int to) const {
  const std::string &a = devices[from].name, &b = devices[to].name;
  for (const LinkDescription &link : links)
    if ((link.from == a && link.to == b) || (link.from == b && link.to == a))
      return &link;
  if (devices[from].node != devices[to].node)
    return network ? &*network : nullptr;
  return bus ? &*bus : nullptr;
}

double DeviceModel::getTransferTime(int from, int to, double bytes) const {
  if (from == to || bytes <= 0)
    return 0.0;
  const LinkDescription *link = findLink(from, to);
  if (!link)
    return 0.0; // parse() guarantees a link between any two devices
  return link->latency + bytes / link->bandwidth;
}

std::string DeviceModel::toJSON() const {
  json::Array deviceArray;
  for (const DeviceDescription &d : devices) {
    json::Object peak, efficiency, knee;
    for (const auto &p : d.peakFlops)
      peak[p.first()] = p.second / kGiga;
    for (const auto &e : d.efficiency)
      efficiency[e.first()] = e.second;
    for (const auto &k : d.efficiencyKnee)
      if (k.second > 0) // 0 is the same as no knee
        knee[k.first()] = k.second / 1e6;
    json::Array curve;
    for (const auto &[size, bandwidth] : d.bandwidthCurve)
      curve.push_back(json::Object{{"kb", double(size) / 1024},
                                   {"bandwidth_gbps", bandwidth / kGiga}});
    json::Object extra;
    if (!knee.empty())
      extra["efficiency_knee_mflop"] = std::move(knee);
    if (!curve.empty())
      extra["bandwidth_curve"] = std::move(curve);
    deviceArray.push_back(
        json::Object{{"kind", d.kind == DeviceKind::CPU ? "cpu" : "cuda"},
                     {"index", d.index},
                     {"node", d.node},
                     {"peak_gflops", std::move(peak)},
                     {"memory_bandwidth_gbps", d.memoryBandwidth / kGiga},
                     {"memory_gb", double(d.memoryCapacity) / kGiga},
                     {"launch_overhead_us", d.launchOverhead / kMicro},
                     {"cores", d.cores},
                     {"efficiency", std::move(efficiency)}});
    for (auto &entry : extra)
      deviceArray.back().getAsObject()->insert(
          {entry.first, std::move(entry.second)});
  }
  auto linkObject = [](const LinkDescription &l) {
    json::Object o{{"latency_us", l.latency / kMicro},
                   {"bandwidth_gbps", l.bandwidth / kGiga}};
    if (!l.type.empty())
      o["type"] = l.type;
    return o;
  };
  json::Array linkArray;
  for (const LinkDescription &l : links) {
    json::Object o = linkObject(l);
    o["between"] = json::Array{l.from, l.to};
    linkArray.push_back(std::move(o));
  }
  json::Object root{{"name", name},
                    {"devices", std::move(deviceArray)},
                    {"links", std::move(linkArray)}};
  if (network)
    root["network"] = linkObject(*network);
  if (bus)
    root["bus"] = linkObject(*bus);
  std::string text;
  raw_string_ostream os(text);
  os << formatv("{0:2}", json::Value(std::move(root)));
  return text;
}

//===----------------------------------------------------------------------===//
// Built-in descriptions
//===----------------------------------------------------------------------===//

namespace {

/// This machine, from what the OS says: cores, memory, and the vector width
/// and clock in /proc/cpuinfo. Nominal until calibrated by weft-profile.
std::string detectHostJSON() {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  double memoryGB =
      double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGESIZE)) / kGiga;
  double mhz = 3000, flopsPerCycle = 8; // SSE: 4-wide FMA-less
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    StringRef l(line);
    if (l.starts_with("cpu MHz")) {
      double value;
      if (!l.split(':').second.trim().getAsDouble(value) && value > 0)
        mhz = value;
    } else if (l.starts_with("flags")) {
      if (l.contains(" avx512f"))
        flopsPerCycle = 32; // 16 floats x FMA
      else if (l.contains(" avx2") && l.contains(" fma"))
        flopsPerCycle = 16;
    }
  }
  double peak = std::max<long>(cores, 1) * mhz * 1e6 * flopsPerCycle / kGiga;
  // Data caches from sysfs (level 2 and up), with nominal bandwidths: a
  // multiple of the memory's until weft-profile measures them.
  std::string caches;
  for (int index = 0; index < 8; ++index) {
    std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" +
                      std::to_string(index) + "/";
    std::ifstream levelFile(dir + "level"), sizeFile(dir + "size");
    int level = 0;
    std::string size;
    if (!(levelFile >> level) || !(sizeFile >> size) || level < 2)
      continue;
    double kb = 0;
    if (StringRef(size).drop_back().getAsDouble(kb))
      continue;
    if (size.back() == 'M')
      kb *= 1024;
    caches += std::string(caches.empty() ? "" : ", ") +
              "{\"kb\": " + std::to_string(kb) +
              ", \"bandwidth_gbps\": " + (level == 2 ? "80" : "40") + "}";
  }
  std::string text;
  raw_string_ostream os(text);
  os << "{\"name\": \"host\", \"devices\": [{\"kind\": \"cpu\", \"index\": 0, "
     << "\"peak_gflops\": {\"f32\": " << peak << "}, "
     << "\"memory_bandwidth_gbps\": 20, \"memory_gb\": " << memoryGB << ", "
     << "\"launch_overhead_us\": 2, \"cores\": " << cores
     << ", \"bandwidth_curve\": [" << caches << "]}]}";
  return text;
}

const char *kH100 = R"({"name": "h100", "devices": [
  {"kind": "cuda", "index": 0, "peak_gflops": {"f32": 67000, "tf32": 495000, "f16": 990000},
   "memory_bandwidth_gbps": 3350, "memory_gb": 80, "launch_overhead_us": 5, "cores": 132}]})";

const char *kA100 = R"({"name": "a100", "devices": [
  {"kind": "cuda", "index": 0, "peak_gflops": {"f32": 19500, "tf32": 156000, "f16": 312000},
   "memory_bandwidth_gbps": 2039, "memory_gb": 80, "launch_overhead_us": 5, "cores": 108}]})";

} // namespace

std::vector<std::string> DeviceModel::getBuiltinNames() {
  return {"host", "h100", "a100", "host-plus-h100"};
}

std::optional<DeviceModel> DeviceModel::load(StringRef nameOrPath,
                                             std::string &error) {
  if (nameOrPath == "host")
    return parse(detectHostJSON(), "host", error);
  if (nameOrPath == "h100")
    return parse(kH100, "h100", error);
  if (nameOrPath == "a100")
    return parse(kA100, "a100", error);
  if (nameOrPath == "host-plus-h100") {
    auto host = parse(detectHostJSON(), "host", error);
    auto gpu = parse(kH100, "h100", error);
    if (!host || !gpu)
      return std::nullopt;
    DeviceModel model = *host;
    model.name = "host-plus-h100";
    model.devices.push_back(gpu->devices.front());
    model.links.push_back({"cpu:0", "cuda:0", "pcie", 10 * kMicro, 55 * kGiga});
    return model;
  }
  // Read with a limit: a wrong path (/dev/zero) must not fill memory.
  runtime::StatusOr<std::string> text = runtime::readFile(
      nameOrPath.str(), kMaxDescriptionBytes, "the device description");
  if (!text) {
    error = text.getStatus().getMessage();
    if (text.getStatus().getCode() == runtime::StatusCode::NotFound)
      error += " (built-in names: host, h100, a100, host-plus-h100)";
    return std::nullopt;
  }
  return parse(*text, nameOrPath, error);
}

} // namespace weft
