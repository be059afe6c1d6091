// SHA-256 against the FIPS 180-4 / NIST example vectors.
#include "scenario/sha256.h"

#include <gtest/gtest.h>

namespace courtyard {
namespace {

TEST(Sha256, EmptyStringVector) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, AbcVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockVector) {
  // 56 bytes: the length no longer fits in the first block's padding
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, MillionAInOddChunks) {
  // one million 'a' fed in chunks of 1, 7, 64 and 1000 bytes: incremental hashing across block edges
  Sha256 sha;
  const std::string chunk(1000, 'a');
  size_t fed = 0;
  for (size_t n : {size_t{1}, size_t{7}, size_t{64}}) {
    sha.update(std::string_view(chunk).substr(0, n));
    fed += n;
  }
  while (fed < 1000000) {
    const size_t n = std::min<size_t>(1000, 1000000 - fed);
    sha.update(std::string_view(chunk).substr(0, n));
    fed += n;
  }
  const auto digest = sha.digest();
  std::string hex;
  for (uint8_t b : digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  EXPECT_EQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingEdgeLengths) {
  // 55, 56, 63, 64 and 65 bytes sit on the padding edges (reference: Python's hashlib)
  EXPECT_EQ(sha256_hex(std::string(55, 'x')), "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
  EXPECT_EQ(sha256_hex(std::string(56, 'x')), "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
  EXPECT_EQ(sha256_hex(std::string(63, 'x')), "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2");
  EXPECT_EQ(sha256_hex(std::string(64, 'x')), "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
  EXPECT_EQ(sha256_hex(std::string(65, 'x')), "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9");
}

}  // namespace
}  // namespace courtyard
