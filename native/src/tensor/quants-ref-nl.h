// Reference quantizers and dequantizers of the non-linear 4-bit formats
// (IQ4_NL, IQ4_XS, MXFP4), for quants-ref.cpp's switch. nb = blocks.
#pragma once

#include <cstdint>

#include "tensor/blocks.h"

namespace hearth {

void quantize_iq4_nl(const float * x, BlockIQ4_NL * y, int64_t nb);
void dequantize_iq4_nl(const BlockIQ4_NL * x, float * y, int64_t nb);
void quantize_iq4_xs(const float * x, BlockIQ4_XS * y, int64_t nb);
void dequantize_iq4_xs(const BlockIQ4_XS * x, float * y, int64_t nb);
void quantize_mxfp4(const float * x, BlockMXFP4 * y, int64_t nb);
void dequantize_mxfp4(const BlockMXFP4 * x, float * y, int64_t nb);

} // namespace hearth
