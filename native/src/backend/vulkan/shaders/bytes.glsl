// Byte-level reads from a uint-typed storage buffer named w (little-endian),
// for block formats whose fields are not 4-byte aligned.
uint rd_u8(uint off) { return (w[off >> 2] >> ((off & 3u) * 8u)) & 255u; }
int rd_i8(uint off) { return int(rd_u8(off) << 24) >> 24; }
// off must be even (every f16 field of the GGUF blocks is).
float rd_f16(uint off) { return unpackHalf2x16(w[off >> 2] >> ((off & 2u) * 8u)).x; }
