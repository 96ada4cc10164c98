// Byte-level reads of the weight buffer (little-endian), for block formats
// whose fields are not 4-byte aligned: direct 8-bit loads from wb[] with
// USE_8BIT, else shifts out of the uint words of w[].
#ifdef USE_8BIT
uint rd_u8(uint off) { return uint(wb[off]); }
// off must be even (every f16 field of the GGUF blocks is).
float rd_f16(uint off) { return unpackHalf2x16(uint(wb[off]) | (uint(wb[off + 1]) << 8)).x; }
#else
uint rd_u8(uint off) { return (w[off >> 2] >> ((off & 3u) * 8u)) & 255u; }
float rd_f16(uint off) { return unpackHalf2x16(w[off >> 2] >> ((off & 2u) * 8u)).x; }
#endif
int rd_i8(uint off) { return int(rd_u8(off) << 24) >> 24; }
