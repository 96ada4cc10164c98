// A persistent pool of worker threads. Idle workers park on a condition
// variable (no spinning), so an idle engine burns no CPU.
#pragma once

#include <cstdint>
#include <functional>

namespace hearth {

class ThreadPool {
public:
    // n_threads <= 0: the number of physical cores. More than max_threads()
    // is clamped to it (more threads than CPUs only slows every kernel down,
    // and thousands of them can fail to start). If a worker cannot start,
    // the ones already started are stopped and joined, then the error
    // (std::system_error) is rethrown.
    explicit ThreadPool(int n_threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool & operator=(const ThreadPool &) = delete;

    int size() const;  // threads that run work, the caller included

    // Calls fn(begin, end, thread_index) over [0, n) split into chunks; the
    // calling thread takes part; returns when all chunks are done. Chunks
    // are handed out dynamically so a slow thread does not hold up the rest.
    void parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)> & fn, int64_t grain = 1);

    static int physical_cores();
    // The CPUs this process may run on (affinity mask), at least 1: the one
    // limit on a pool's size.
    static int max_threads();
    // The pool size n_threads asks for after the defaults and the clamp.
    static int clamp_threads(int n_threads);

private:
    struct Impl;
    // Stops and joins the workers, then frees p: the destructor's work, and
    // the constructor's when a worker fails to start (those already running
    // must not outlive the pool they point into).
    static void stop_and_free(Impl * p);
    Impl * impl_;
};

} // namespace hearth
