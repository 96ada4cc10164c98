// Seeded random numbers that give the same sequence on every platform and
// compiler: PCG32 (64-bit LCG state, XSH-RR output), so a seed reproduces a
// sampled generation bit for bit. std::mt19937 would too, but the
// distributions over it are implementation-defined; we never use those.
#pragma once

#include <cstdint>

namespace hearth {

class Pcg32 {
public:
    explicit Pcg32(uint64_t seed = 0) { seed_with(seed); }

    void seed_with(uint64_t seed) {
        state_ = 0;
        next_u32();
        state_ += seed;
        next_u32();
    }

    uint32_t next_u32() {
        uint64_t old = state_;
        state_ = old * 6364136223846793005ULL + INCREMENT;
        uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
        uint32_t rot = (uint32_t)(old >> 59u);
        return (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
    }

    // Uniform in [0, 1) with 53 random bits.
    double next_double() {
        uint64_t hi = next_u32() >> 5;  // 27 bits
        uint64_t lo = next_u32() >> 6;  // 26 bits
        return (double)((hi << 26) | lo) * (1.0 / 9007199254740992.0);
    }

private:
    static constexpr uint64_t INCREMENT = 1442695040888963407ULL;  // any odd constant
    uint64_t state_ = 0;
};

} // namespace hearth
