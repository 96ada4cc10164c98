// A ThreadPool whose Nth worker cannot start (test/reliability/
// engine-thread-pool.test.ts). pthread_create and sched_getaffinity are
// replaced in this executable: the process appears to have 8 CPUs (so the
// clamp allows 8 threads even on a 2-core machine), and thread creation
// fails with EAGAIN after FAIL_AFTER successes, as it does under a memory
// or process limit. The constructor must stop and join the workers it
// started and rethrow; built with ASan, a leaked pool or a worker still
// running on a freed one fails the run.
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <system_error>
#include <thread>

#include "cpu/thread-pool.h"

namespace {
std::atomic<int> g_creates{0};
int g_fail_after = 1 << 30;
}

extern "C" int pthread_create(pthread_t * t, const pthread_attr_t * attr, void * (*fn)(void *), void * arg) {
    using Real = int (*)(pthread_t *, const pthread_attr_t *, void * (*)(void *), void *);
    static Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "pthread_create"));
    if (g_creates.fetch_add(1) >= g_fail_after) return EAGAIN;
    return real(t, attr, fn, arg);
}

extern "C" int sched_getaffinity(pid_t, size_t size, cpu_set_t * set) {
    CPU_ZERO_S(size, set);
    for (int cpu = 0; cpu < 8; ++cpu) CPU_SET_S(cpu, size, set);
    return 0;
}

int main() {
    if (hearth::ThreadPool::max_threads() != 8) {
        std::printf("pool-start-failure: the CPU count was not replaced (%d)\n", hearth::ThreadPool::max_threads());
        return 2;
    }
    for (int fail_after = 0; fail_after < 7; ++fail_after) {
        g_creates = 0;
        g_fail_after = fail_after;
        try {
            hearth::ThreadPool pool(8);
            std::printf("pool-start-failure: worker %d should have failed to start\n", fail_after + 1);
            return 1;
        } catch (const std::system_error & e) {
            if (e.code() != std::errc::resource_unavailable_try_again) {
                std::printf("pool-start-failure: unexpected error %s\n", e.what());
                return 1;
            }
        }
        // Workers left behind would run on here, on a freed pool.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    g_fail_after = 1 << 30;
    hearth::ThreadPool pool(8);
    std::atomic<long> sum{0};
    pool.parallel_for(1000, [&](int64_t b, int64_t e, int) { sum += e - b; });
    std::printf("pool-start-failure: ok (%d threads, sum %ld)\n", pool.size(), sum.load());
    return sum == 1000 ? 0 : 1;
}
