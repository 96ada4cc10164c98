// Groups the (token, slot) pairs p0 .. p0+n_pairs-1 of a batch by the expert
// ids[pair] picked for them, into tiles of at most `tile` pairs of one expert:
// the expert matmul (matmul.comp, MOE) runs one workgroup per tile, so each
// expert's weights are read once per tile instead of once per token.
// tiles[z] = {expert, pair count, pairs...} (TILE_WORDS words); the tiles of
// expert e follow those of e - 1, and tiles up to max_tiles past the last
// are written empty (count 0), since the host dispatches max_tiles workgroups
// without reading the count back. One workgroup: a thread per expert counts
// its pairs, one thread turns the counts into first-tile offsets, then each
// expert's thread fills its tiles in pair order.
#version 450
#define WG 64
#define MAX_EXPERT 1024
#define TILE_WORDS 10
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer Ibuf { uint ids[]; };    // [pairs] picked experts
layout(std430, binding = 1) writeonly buffer Tbuf { uint tiles[]; }; // [max_tiles][TILE_WORDS]
layout(push_constant) uniform Params { uint p0; uint n_pairs; uint n_expert; uint tile; uint max_tiles; } p;
shared uint first[MAX_EXPERT + 1];  // first[e]: expert e's first tile; first[n_expert]: tiles in all

void main() {
    const uint tid = gl_LocalInvocationID.x;
    for (uint e = tid; e < p.n_expert; e += WG) {
        uint c = 0;
        for (uint i = 0; i < p.n_pairs; ++i) c += ids[p.p0 + i] == e ? 1u : 0u;
        first[e + 1] = (c + p.tile - 1) / p.tile;
    }
    barrier();
    if (tid == 0) {
        first[0] = 0;
        for (uint e = 0; e < p.n_expert; ++e) first[e + 1] += first[e];
    }
    barrier();
    for (uint e = tid; e < p.n_expert; e += WG) {
        uint z = first[e], c = 0;
        for (uint i = 0; i < p.n_pairs; ++i) {
            if (ids[p.p0 + i] != e) continue;
            tiles[z * TILE_WORDS + 2 + c] = p.p0 + i;
            if (++c == p.tile) {
                tiles[z * TILE_WORDS] = e;
                tiles[z * TILE_WORDS + 1] = c;
                ++z;
                c = 0;
            }
        }
        if (c > 0) {
            tiles[z * TILE_WORDS] = e;
            tiles[z * TILE_WORDS + 1] = c;
        }
    }
    for (uint z = first[p.n_expert] + tid; z < p.max_tiles; z += WG) tiles[z * TILE_WORDS + 1] = 0;
}
