// A persistent pool of worker threads. Idle workers park on a condition
// variable (no spinning), so an idle engine burns no CPU.
#pragma once

#include <cstdint>
#include <functional>

namespace hearth {

class ThreadPool {
public:
    // n_threads <= 0: the number of physical cores.
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

private:
    struct Impl;
    Impl * impl_;
};

} // namespace hearth
