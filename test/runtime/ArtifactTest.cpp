//===- ArtifactTest.cpp - Writing, reading and refusing artifacts ---------===//

#include "weft/Runtime/Artifact/Artifact.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace weft::runtime;
using format::SectionKind;

namespace {

std::string sampleArtifact() {
  ArtifactWriter writer;
  writer.addSection(SectionKind::Manifest, R"({"inputs": [], "outputs": []})");
  writer.addSection(SectionKind::Target, R"({"arch": "x86_64"})");
  std::string weights(1000, '\0');
  for (size_t i = 0; i < weights.size(); ++i)
    weights[i] = char(i * 7);
  writer.addSection(SectionKind::Weights, weights, format::kRequired, 4096);
  return writer.serialize();
}

std::string messageOf(std::string_view bytes) {
  auto artifact = Artifact::fromBytes(bytes, "model.weft");
  return artifact ? "" : artifact.getStatus().getMessage();
}

TEST(ArtifactTest, RoundTripsSectionsAtTheirAlignment) {
  std::string bytes = sampleArtifact();
  auto artifact = Artifact::fromBytes(bytes, "model.weft");
  ASSERT_TRUE(artifact) << artifact.getStatus().getMessage();
  ASSERT_EQ((*artifact)->getSections().size(), 3u);
  const auto *manifest = (*artifact)->findSection(SectionKind::Manifest);
  ASSERT_TRUE(manifest);
  EXPECT_EQ(manifest->view(), R"({"inputs": [], "outputs": []})");
  const auto *weights = (*artifact)->findSection(SectionKind::Weights);
  ASSERT_TRUE(weights);
  EXPECT_EQ(weights->size, 1000u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(weights->data) % 64, 0u);
  EXPECT_EQ(char(weights->data[999]), char(999 * 7));
}

TEST(ArtifactTest, WritesAtomicallyAndMapsTheFile) {
  char dir[] = "/tmp/weft-artifact-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  std::string path = std::string(dir) + "/model.weft";
  ArtifactWriter writer;
  writer.addSection(SectionKind::Manifest, "{}");
  ASSERT_TRUE(writer.writeFile(path));
  auto artifact = Artifact::open(path);
  ASSERT_TRUE(artifact) << artifact.getStatus().getMessage();
  EXPECT_EQ((*artifact)->findSection(SectionKind::Manifest)->view(), "{}");
  // A write into a folder that does not exist fails and leaves nothing.
  EXPECT_FALSE(writer.writeFile(std::string(dir) + "/missing/model.weft"));
  std::remove(path.c_str());
  rmdir(dir);
  auto missing = Artifact::open(path);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.getStatus().getMessage().find("cannot open the artifact"),
            std::string::npos);
}

TEST(ArtifactTest, RefusesEveryTruncation) {
  std::string bytes = sampleArtifact();
  for (size_t length = 0; length < bytes.size(); ++length)
    EXPECT_FALSE(messageOf(bytes.substr(0, length)).empty()) << length;
  EXPECT_NE(messageOf(bytes.substr(0, bytes.size() - 1)).find("truncated"),
            std::string::npos);
  EXPECT_NE(messageOf(bytes + "x").find("bytes after its end"),
            std::string::npos);
}

TEST(ArtifactTest, RefusesEveryFlippedByteOutsidePadding) {
  std::string bytes = sampleArtifact();
  auto artifact = Artifact::fromBytes(bytes, "x");
  ASSERT_TRUE(artifact);
  // The header, the section table and every section's bytes are covered by
  // checksums; only the alignment padding between sections is not.
  std::vector<bool> covered(bytes.size(), false);
  size_t tableEnd = format::kHeaderSize + 3 * format::kSectionEntrySize;
  for (size_t i = 0; i < tableEnd; ++i)
    covered[i] = true;
  for (const auto &s : (*artifact)->getSections())
    for (uint64_t i = 0; i < s.size; ++i)
      covered[s.offset + i] = true;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] = char(flipped[i] ^ 0x10);
    if (covered[i])
      EXPECT_FALSE(messageOf(flipped).empty()) << "byte " << i;
  }
}

TEST(ArtifactTest, NamesWhatIsWrong) {
  std::string bytes = sampleArtifact();
  EXPECT_EQ(messageOf("PNG..........."),
            "model.weft: not a Weft artifact (wrong magic bytes)");
  EXPECT_EQ(messageOf(""),
            "model.weft: not a Weft artifact (wrong magic bytes)");

  std::string newer = bytes;
  newer[format::header::kVersion] = 2;
  EXPECT_NE(
      messageOf(newer).find("format version 2 is newer than this runtime"),
      std::string::npos);

  std::string corruptWeights = bytes;
  corruptWeights[corruptWeights.size() - 1] ^= 1;
  EXPECT_NE(messageOf(corruptWeights).find("section #2 (kind 4) is corrupt"),
            std::string::npos);
}

TEST(ArtifactTest, RefusesOffsetsOutsideTheFileEvenWithAValidChecksum) {
  // A hand-made header whose checksum is right but whose section points
  // past the end: the offsets are checked, not only the checksums.
  ArtifactWriter writer;
  writer.addSection(SectionKind::Manifest, "{}");
  std::string bytes = writer.serialize();
  auto patch64 = [&](size_t at, uint64_t v) {
    for (int i = 0; i < 8; ++i)
      bytes[at + i] = char(v >> (8 * i));
  };
  auto patch32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i)
      bytes[at + i] = char(v >> (8 * i));
  };
  patch64(format::kHeaderSize + format::entry::kOffset, uint64_t(1) << 62);
  patch32(format::header::kChecksum, 0);
  std::string header =
      bytes.substr(0, format::kHeaderSize + format::kSectionEntrySize);
  patch32(format::header::kChecksum, crc32c(header.data(), header.size()));
  EXPECT_NE(messageOf(bytes).find("lies outside the file"), std::string::npos);
}

TEST(ArtifactTest, SkipsUnknownOptionalSectionsAndRefusesRequiredOnes) {
  ArtifactWriter optional;
  optional.addSection(SectionKind::Manifest, "{}");
  optional.addSection(SectionKind(99), "future", /*flags=*/0);
  auto artifact = Artifact::fromBytes(optional.serialize(), "x");
  ASSERT_TRUE(artifact);
  EXPECT_EQ((*artifact)->getSections().size(), 1u);

  ArtifactWriter required;
  required.addSection(SectionKind(99), "future");
  EXPECT_NE(messageOf(required.serialize()).find("required but unknown"),
            std::string::npos);
}

TEST(ChecksumTest, MatchesTheStandardCheckValue) {
  // The CRC-32C check value of "123456789".
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
}

} // namespace
