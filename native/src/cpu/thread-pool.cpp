#include "cpu/thread-pool.h"

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace hearth {

namespace {

// After a job, a worker polls this many times before parking: back-to-back
// kernels (one per layer) then start without a futex round trip, and an idle
// pool still sleeps within microseconds.
constexpr int SPIN_BEFORE_PARK = 1 << 14;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

thread_local bool t_in_pool_job = false;  // nested parallel_for runs inline

} // namespace

struct ThreadPool::Impl {
    int n_threads = 1;
    std::vector<std::thread> workers;

    std::mutex submit_mutex;  // one job at a time per pool
    std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable done;
    std::atomic<uint64_t> generation{0};
    bool stopping = false;

    // The current job.
    const std::function<void(int64_t, int64_t, int)> * fn = nullptr;
    int64_t n = 0;
    int64_t chunk = 1;
    std::atomic<int64_t> next{0};
    std::atomic<int> busy{0};  // workers still inside the current job

    void run_chunks(int thread_index) {
        for (;;) {
            const int64_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
            if (begin >= n) break;
            const int64_t end = begin + chunk < n ? begin + chunk : n;
            (*fn)(begin, end, thread_index);
        }
    }

    void worker_main(int thread_index) {
        t_in_pool_job = true;
        uint64_t seen = 0;
        for (;;) {
            uint64_t gen = generation.load(std::memory_order_acquire);
            for (int spin = 0; gen == seen && spin < SPIN_BEFORE_PARK; ++spin) {
                cpu_relax();
                gen = generation.load(std::memory_order_acquire);
            }
            if (gen == seen) {
                std::unique_lock<std::mutex> lock(mutex);
                wake.wait(lock, [&] { return stopping || generation.load(std::memory_order_acquire) != seen; });
                if (stopping) return;
                gen = generation.load(std::memory_order_acquire);
            }
            seen = gen;
            run_chunks(thread_index);
            if (busy.fetch_sub(1, std::memory_order_acq_rel) == 1) {
                std::lock_guard<std::mutex> lock(mutex);
                done.notify_one();
            }
        }
    }
};

ThreadPool::ThreadPool(int n_threads) : impl_(new Impl) {
    impl_->n_threads = n_threads > 0 ? n_threads : physical_cores();
    for (int i = 1; i < impl_->n_threads; ++i) {
        impl_->workers.emplace_back([this, i] { impl_->worker_main(i); });
    }
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    for (std::thread & t : impl_->workers) t.join();
    delete impl_;
}

int ThreadPool::size() const { return impl_->n_threads; }

void ThreadPool::parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)> & fn, int64_t grain) {
    if (n <= 0) return;
    if (grain < 1) grain = 1;
    Impl & p = *impl_;
    if (p.n_threads == 1 || t_in_pool_job || n <= grain) {
        fn(0, n, 0);
        return;
    }
    std::lock_guard<std::mutex> submit(p.submit_mutex);
    // Many more chunks than threads, so a thread that falls behind (another
    // process, a slow core) leaves its share to the others.
    const int64_t target_chunks = (int64_t)p.n_threads * 8;
    int64_t chunk = (n + target_chunks - 1) / target_chunks;
    chunk = (chunk + grain - 1) / grain * grain;
    p.fn = &fn;
    p.n = n;
    p.chunk = chunk;
    p.next.store(0, std::memory_order_relaxed);
    p.busy.store(p.n_threads - 1, std::memory_order_relaxed);
    {
        std::lock_guard<std::mutex> lock(p.mutex);
        p.generation.fetch_add(1, std::memory_order_release);
    }
    p.wake.notify_all();
    t_in_pool_job = true;
    p.run_chunks(0);
    t_in_pool_job = false;
    if (p.busy.load(std::memory_order_acquire) != 0) {
        // Workers finish their last chunk; spin briefly, then sleep.
        for (int spin = 0; spin < SPIN_BEFORE_PARK && p.busy.load(std::memory_order_acquire) != 0; ++spin) cpu_relax();
        std::unique_lock<std::mutex> lock(p.mutex);
        p.done.wait(lock, [&] { return p.busy.load(std::memory_order_acquire) == 0; });
    }
    p.fn = nullptr;
}

int ThreadPool::physical_cores() {
    static const int cores = [] {
        const int logical = (int)std::thread::hardware_concurrency();
#if defined(__linux__)
        // Count distinct (package, core) pairs among the CPUs we may run on.
        cpu_set_t set;
        CPU_ZERO(&set);
        if (sched_getaffinity(0, sizeof(set), &set) == 0) {
            std::set<std::pair<int, int>> seen;
            int allowed = 0;
            for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
                if (!CPU_ISSET(cpu, &set)) continue;
                ++allowed;
                const std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
                std::ifstream core_file(base + "core_id"), pkg_file(base + "physical_package_id");
                int core = -1, pkg = -1;
                if (!(core_file >> core) || !(pkg_file >> pkg)) {
                    seen.clear();
                    break;
                }
                seen.insert({pkg, core});
            }
            if (!seen.empty()) return (int)seen.size();
            if (allowed > 0) return allowed;
        }
#endif
        return logical > 0 ? logical : 1;
    }();
    return cores;
}

} // namespace hearth
