// Causal grouped-query attention over the F16 cache, one workgroup per
// (head h, query token t): out[t][h] = softmax(scale * q.K^T) V over cached
// positions 0 .. pos0 + t, or only the last `window` of them (sliding window);
// with softcap > 0 each score becomes softcap * tanh(score / softcap); with
// has_sinks, head h's learned logit sinks[h] (gpt-oss) joins the softmax's
// denominator but brings no value row, so a head may attend to nothing.
// Keys are scored a tile of WG positions at a time
// with an online softmax (running max m and sum l), so any context length
// runs in fixed shared memory. Each thread owns output dims tid + WG*i.
#version 450
#define WG 64
#define MAX_D 256
#define DPT (MAX_D / WG)
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer Qbuf { float q[]; };      // [n][n_head][head_dim]
layout(std430, binding = 1) readonly buffer Kbuf { uint kc[]; };      // f16 pairs [n_ctx][n_head_kv][head_dim]
layout(std430, binding = 2) readonly buffer Vbuf { uint vc[]; };
layout(std430, binding = 3) writeonly buffer Obuf { float o[]; };     // [n][n_head][head_dim]
layout(std430, binding = 4) readonly buffer Sbuf { float sinks[]; };  // [n_head], read when has_sinks
layout(push_constant) uniform Params {
    uint n_head; uint n_head_kv; uint head_dim; uint pos0; float scale; uint window; float softcap; uint has_sinks;
} p;

shared float qs[MAX_D];
shared float ps[WG];

float half_at(uint idx, bool is_v) {
    const uint wv = is_v ? vc[idx >> 1] : kc[idx >> 1];
    return unpackHalf2x16(wv >> ((idx & 1u) * 16u)).x;
}

void main() {
    const uint h = gl_WorkGroupID.x, t = gl_WorkGroupID.y, tid = gl_LocalInvocationID.x;
    const uint D = p.head_dim;
    const uint kh = h / (p.n_head / p.n_head_kv);
    const uint kv_row = p.n_head_kv * D;
    const uint n_kv = p.pos0 + t + 1;
    const uint first = p.window > 0 && n_kv > p.window ? n_kv - p.window : 0;
    const uint qo = (t * p.n_head + h) * D;
    for (uint d = tid; d < D; d += WG) qs[d] = q[qo + d];
    barrier();

    float acc[DPT];
    for (uint i = 0; i < DPT; ++i) acc[i] = 0.0;
    float m = -1.0e30, l = 0.0;
    for (uint j0 = first; j0 < n_kv; j0 += WG) {
        const uint j = j0 + tid;
        float s = -1.0e30;
        if (j < n_kv) {
            const uint kb = (j * kv_row + kh * D) >> 1;  // D is even: pairs never straddle heads
            s = 0.0;
            for (uint d2 = 0; d2 < D / 2; ++d2) {
                const vec2 kk = unpackHalf2x16(kc[kb + d2]);
                s += qs[2 * d2] * kk.x + qs[2 * d2 + 1] * kk.y;
            }
            s *= p.scale;
            if (p.softcap > 0.0) s = p.softcap * tanh(clamp(s / p.softcap, -15.0, 15.0));
        }
        ps[tid] = s;
        barrier();
        const uint tile = min(uint(WG), n_kv - j0);
        float tmax = m;
        for (uint jj = 0; jj < tile; ++jj) tmax = max(tmax, ps[jj]);
        barrier();
        const float corr = exp(m - tmax);
        ps[tid] = j < n_kv ? exp(s - tmax) : 0.0;
        barrier();
        float tsum = 0.0;
        for (uint jj = 0; jj < tile; ++jj) tsum += ps[jj];
        l = l * corr + tsum;
        m = tmax;
        for (uint i = 0; i < DPT; ++i) {
            const uint d = tid + WG * i;
            if (d >= D) break;
            float a = acc[i] * corr;
            for (uint jj = 0; jj < tile; ++jj) a += ps[jj] * half_at((j0 + jj) * kv_row + kh * D + d, true);
            acc[i] = a;
        }
        barrier();
    }
    // The sink: one more term exp(sink) in the denominator, merged like a
    // tile of one score whose value row is zero (m is finite: every query sees
    // at least its own position).
    float keep = 1.0;
    if (p.has_sinks != 0) {
        const float sink = sinks[h];
        const float mx = max(m, sink);
        keep = exp(m - mx);
        l = l * keep + exp(sink - mx);
    }
    for (uint i = 0; i < DPT; ++i) {
        const uint d = tid + WG * i;
        if (d < D) o[qo + d] = acc[i] * keep / l;
    }
}
