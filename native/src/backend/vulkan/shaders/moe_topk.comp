// The router's choice per token, on the device (no host readback between
// layers): from the router logits lg[n][n_expert] (bias already added), the
// top k experts of each token, largest first (ties: the lower index), and
// their weights, as cpu/moe-ffn.cpp pick_experts computes them:
//   gating 0 (qwen3moe, mellum): softmax over all experts, top k of the probabilities;
//   gating 1 (gpt-oss): top k of the raw logits, weights a softmax over those k;
// then, with normalize, the weights divided by their sum (floored at F16's
// smallest normal, as on the CPU), and times scale unless it is 0 or 1.
// One invocation per token: n_expert is at most a few hundred and k a few,
// so a serial insertion costs less than any cross-thread reduction.
#version 450
#define WG 64
#define MAX_K 32
layout(local_size_x = WG) in;
layout(std430, binding = 0) buffer Lbuf { float lg[]; };            // [n][n_expert]; gating 0 leaves probabilities
layout(std430, binding = 1) writeonly buffer Ibuf { uint ids[]; };  // [n][k] picked experts
layout(std430, binding = 2) writeonly buffer Wbuf { float wt[]; };  // [n][k] their weights
layout(push_constant) uniform Params { uint n; uint n_expert; uint k; uint gating; uint normalize; float scale; } p;

void main() {
    const uint t = gl_GlobalInvocationID.x;
    if (t >= p.n) return;
    const uint base = t * p.n_expert;
    if (p.gating == 0) {
        float mx = lg[base];
        for (uint e = 1; e < p.n_expert; ++e) mx = max(mx, lg[base + e]);
        float s = 0.0;
        for (uint e = 0; e < p.n_expert; ++e) {
            const float v = exp(lg[base + e] - mx);
            lg[base + e] = v;
            s += v;
        }
        const float inv = 1.0 / s;
        for (uint e = 0; e < p.n_expert; ++e) lg[base + e] *= inv;
    }
    // Insertion into the sorted top k; pick[j] == n_expert: slot still empty.
    uint pick[MAX_K];
    float val[MAX_K];
    for (uint j = 0; j < p.k; ++j) {
        pick[j] = p.n_expert;
        val[j] = 0.0;
    }
    for (uint e = 0; e < p.n_expert; ++e) {
        const float v = lg[base + e];
        uint at = p.k;
        while (at > 0 && (pick[at - 1] == p.n_expert || v > val[at - 1])) --at;
        if (at >= p.k) continue;
        for (uint j = p.k - 1; j > at; --j) {
            pick[j] = pick[j - 1];
            val[j] = val[j - 1];
        }
        pick[at] = e;
        val[at] = v;
    }
    float sum = 0.0;
    for (uint j = 0; j < p.k; ++j) sum += val[j];
    if (p.gating == 1) {
        // Largest first: val[0] is the maximum. sum becomes the sum of the
        // exponentials, which normalize (as on the CPU) then divides by again.
        const float top = val[0];
        sum = 0.0;
        for (uint j = 0; j < p.k; ++j) {
            val[j] = exp(val[j] - top);
            sum += val[j];
        }
        for (uint j = 0; j < p.k; ++j) val[j] /= sum;
    }
    if (p.normalize != 0) {
        sum = max(sum, 6.103515625e-5);
        for (uint j = 0; j < p.k; ++j) val[j] /= sum;
    }
    const bool scaled = p.scale != 0.0 && p.scale != 1.0;
    for (uint j = 0; j < p.k; ++j) {
        ids[t * p.k + j] = pick[j];
        wt[t * p.k + j] = scaled ? val[j] * p.scale : val[j];
    }
}
