#include "cpu/thread-pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
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
#elif defined(_WIN32)
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#endif

namespace hearth {

namespace {

// After a job, a thread polls for about this long before parking, so
// back-to-back kernels (one per layer) start without a futex round trip,
// while an idle pool is asleep within a fraction of a millisecond.
constexpr auto SPIN_BEFORE_PARK = std::chrono::microseconds(100);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// Polls pred() for up to SPIN_BEFORE_PARK; true when it became true.
template <class Pred>
bool spin_until(Pred pred) {
    const auto deadline = std::chrono::steady_clock::now() + SPIN_BEFORE_PARK;
    for (;;) {
        for (int i = 0; i < 64; ++i) {
            if (pred()) return true;
            cpu_relax();
        }
        if (std::chrono::steady_clock::now() >= deadline) return pred();
    }
}

thread_local bool t_in_pool_job = false;  // nested parallel_for runs inline

} // namespace

// Chunks are claimed from one atomic word, generation << 32 | next chunk, so
// a worker that wakes late can never claim a chunk of a job it did not see
// start. The caller waits for the chunks to be done, not for the workers to
// check in: a worker the OS has descheduled holds nobody up, its share is
// simply taken by the threads that are running.
struct ThreadPool::Impl {
    int n_threads = 1;
    std::vector<std::thread> workers;

    std::mutex submit_mutex;  // one job at a time per pool
    std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable done;
    bool stopping = false;

    std::atomic<uint64_t> state{0};
    std::atomic<int64_t> chunks_done{0};
    // The current job; written before state publishes its generation.
    std::atomic<const std::function<void(int64_t, int64_t, int)> *> fn{nullptr};
    std::atomic<int64_t> n{0};
    std::atomic<int64_t> chunk{1};
    std::atomic<int64_t> total_chunks{0};

    static uint32_t generation_of(uint64_t s) { return (uint32_t)(s >> 32); }

    // All pool atomics use sequentially consistent ordering: a claim that
    // succeeds then provably read the fields of its own job (see parallel_for).
    void run_chunks(uint32_t gen, int thread_index) {
        for (;;) {
            uint64_t s = state.load();
            if (generation_of(s) != gen) return;
            const int64_t total = total_chunks.load();
            const int64_t size = chunk.load();
            const int64_t count = n.load();
            const auto * job = fn.load();
            const int64_t index = (int64_t)(uint32_t)s;
            if (index >= total) return;
            if (!state.compare_exchange_weak(s, s + 1)) continue;
            const int64_t begin = index * size;
            const int64_t end = begin + size < count ? begin + size : count;
            (*job)(begin, end, thread_index);
            if (chunks_done.fetch_add(1) + 1 == total) {
                std::lock_guard<std::mutex> lock(mutex);
                done.notify_all();
            }
        }
    }

    void worker_main(int thread_index) {
        t_in_pool_job = true;
        uint32_t seen = 0;
        for (;;) {
            auto fresh = [&] { return generation_of(state.load()) != seen; };
            if (!spin_until(fresh)) {
                std::unique_lock<std::mutex> lock(mutex);
                wake.wait(lock, [&] { return stopping || fresh(); });
                if (stopping) return;
            }
            seen = generation_of(state.load());
            run_chunks(seen, thread_index);
        }
    }
};

ThreadPool::ThreadPool(int n_threads) : impl_(new Impl) {
    impl_->n_threads = clamp_threads(n_threads);
    try {
        impl_->workers.reserve((size_t)impl_->n_threads);
        for (int i = 1; i < impl_->n_threads; ++i) {
            Impl * p = impl_;
            impl_->workers.emplace_back([p, i] { p->worker_main(i); });
        }
    } catch (...) {
        // std::thread throws std::system_error (EAGAIN: out of threads or
        // memory); the binding maps that to E_OUT_OF_MEMORY.
        stop_and_free(impl_);
        impl_ = nullptr;
        throw;
    }
}

void ThreadPool::stop_and_free(Impl * p) {
    {
        std::lock_guard<std::mutex> lock(p->mutex);
        p->stopping = true;
    }
    p->wake.notify_all();
    for (std::thread & t : p->workers) t.join();
    delete p;
}

ThreadPool::~ThreadPool() {
    if (impl_) stop_and_free(impl_);
}

int ThreadPool::max_threads() {
    static const int n = [] {
#if defined(__linux__)
        cpu_set_t set;
        CPU_ZERO(&set);
        if (sched_getaffinity(0, sizeof(set), &set) == 0) {
            const int allowed = CPU_COUNT(&set);
            if (allowed > 0) return allowed;
        }
#endif
        const int logical = (int)std::thread::hardware_concurrency();
        return logical > 0 ? logical : 1;
    }();
    return n;
}

int ThreadPool::clamp_threads(int n_threads) {
    const int want = n_threads > 0 ? n_threads : physical_cores();
    return std::min(want, max_threads());
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
    const int64_t total = (n + chunk - 1) / chunk;
    // First close the previous job to late claimers: its generation with an
    // index no total reaches. Without this, a worker still holding that
    // job's last state word could see the new, larger total and claim a
    // chunk of the old generation after the fields below were rewritten.
    const uint32_t old_gen = Impl::generation_of(p.state.load());
    p.state.store(((uint64_t)old_gen << 32) | 0xffffffffu);
    p.fn.store(&fn);
    p.n.store(n);
    p.chunk.store(chunk);
    p.total_chunks.store(total);
    p.chunks_done.store(0);
    const uint32_t gen = old_gen + 1;
    {
        std::lock_guard<std::mutex> lock(p.mutex);
        p.state.store((uint64_t)gen << 32);
    }
    p.wake.notify_all();
    t_in_pool_job = true;
    p.run_chunks(gen, 0);
    t_in_pool_job = false;
    auto finished = [&] { return p.chunks_done.load() == total; };
    if (!spin_until(finished)) {
        std::unique_lock<std::mutex> lock(p.mutex);
        p.done.wait(lock, finished);
    }
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
#elif defined(_WIN32)
        // One RelationProcessorCore entry per physical core (SMT siblings share it).
        DWORD bytes = 0;
        GetLogicalProcessorInformation(nullptr, &bytes);
        std::vector<SYSTEM_LOGICAL_PROCESSOR_INFORMATION> info(bytes / sizeof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION));
        if (!info.empty() && GetLogicalProcessorInformation(info.data(), &bytes)) {
            int cores = 0;
            for (const auto & entry : info) cores += entry.Relationship == RelationProcessorCore;
            if (cores > 0) return cores;
        }
#endif
        return logical > 0 ? logical : 1;
    }();
    return cores;
}

} // namespace hearth
