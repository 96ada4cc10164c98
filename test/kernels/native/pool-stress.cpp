// Thread pool under back-to-back jobs of varying size: every element of
// every job is processed exactly once, and no job waits forever (a lost or
// double-counted chunk shows up as a hang, which the caller times out).
//
//   pool-stress <jobs>     exit 0: all jobs complete and correct
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "cpu/thread-pool.h"

int main(int argc, char ** argv) {
    const long jobs = argc > 1 ? std::atol(argv[1]) : 1000000;
    hearth::ThreadPool pool(2);
    std::mt19937 rng(1);
    for (long it = 0; it < jobs; ++it) {
        // sizes jump up and down, so one job's chunk count often exceeds the last's
        const int64_t n = 1 + rng() % 40;
        const int64_t grain = 1 + rng() % 3;
        std::atomic<int64_t> sum{0}, calls{0};
        pool.parallel_for(n, [&](int64_t b, int64_t e, int) {
            for (int64_t i = b; i < e; ++i) sum += i + 1;
            ++calls;
        }, grain);
        if (sum != n * (n + 1) / 2) {
            std::printf("job %ld: n=%lld covered wrongly (sum %lld)\n", it, (long long)n, (long long)sum.load());
            return 1;
        }
    }
    std::printf("pool-stress: %ld jobs ok\n", jobs);
    return 0;
}
