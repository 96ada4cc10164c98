// POSIX MappedFile: mmap of the whole file (read-only, private), or the
// bytes read with pread into one heap buffer when mapping is not wanted
// (network filesystems that break mmap, tests of the fallback path).
#include "common/mapped-file.h"
#include "common/heap-file.h"

#if !defined(_WIN32)

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/status.h"

namespace hearth {

namespace {

class FdGuard {
public:
    explicit FdGuard(int fd) : fd_(fd) {}
    ~FdGuard() { if (fd_ >= 0) ::close(fd_); }
    FdGuard(const FdGuard &) = delete;
    FdGuard & operator=(const FdGuard &) = delete;
    int get() const { return fd_; }
private:
    int fd_;
};

// ---- SIGBUS guard (see mapped_file_changed in mapped-file.h) ----
//
// The table is read by the signal handler, so it is a fixed array of atomics
// (no locks, no allocation). A slot is live while begin != 0.
struct GuardedRange {
    std::atomic<uintptr_t> begin{0};
    std::atomic<uintptr_t> end{0};
    std::atomic<bool> changed{false};
    std::atomic<bool> claimed{false};
};
// More models than this mapped at once simply go unguarded (the old behaviour).
constexpr int MAX_GUARDED_RANGES = 256;
GuardedRange g_ranges[MAX_GUARDED_RANGES];
uintptr_t g_page_size = 4096;       // set before the handler is installed
struct sigaction g_previous_sigbus;  // likewise
std::once_flag g_sigbus_installed;

void chain_sigbus(int sig, siginfo_t * info, void * ctx) {
    const struct sigaction & prev = g_previous_sigbus;
    if ((prev.sa_flags & SA_SIGINFO) && prev.sa_sigaction) {
        prev.sa_sigaction(sig, info, ctx);
        return;
    }
    if (!(prev.sa_flags & SA_SIGINFO) && prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
        prev.sa_handler(sig);
        return;
    }
    // Default action: put it back and return; the faulting read runs again
    // and the signal now ends the process as it would have without us.
    struct sigaction dfl;
    std::memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(SIGBUS, &dfl, nullptr);
}

void on_sigbus(int sig, siginfo_t * info, void * ctx) {
    const uintptr_t addr = reinterpret_cast<uintptr_t>(info->si_addr);
    for (GuardedRange & r : g_ranges) {
        const uintptr_t begin = r.begin.load(std::memory_order_acquire);
        const uintptr_t end = r.end.load(std::memory_order_acquire);
        if (begin == 0 || addr < begin || addr >= end) continue;
        // Zeros over the rest of the mapping in one call, rather than one
        // signal per page: the request that sees the flag fails anyway.
        // mmap is async-signal-safe in practice (a plain system call).
        const uintptr_t from = addr & ~(g_page_size - 1);
        void * p = ::mmap(reinterpret_cast<void *>(from), end - from, PROT_READ,
                          MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) break;
        r.changed.store(true, std::memory_order_release);
        return;
    }
    chain_sigbus(sig, info, ctx);
}

void install_sigbus_handler() {
    std::call_once(g_sigbus_installed, [] {
        g_page_size = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
        struct sigaction sa;
        std::memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_sigbus;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGBUS, &sa, &g_previous_sigbus);
    });
}

GuardedRange * guard_range(const void * addr, uint64_t size) {
    install_sigbus_handler();
    for (GuardedRange & r : g_ranges) {
        bool expected = false;
        if (!r.claimed.compare_exchange_strong(expected, true)) continue;
        r.changed.store(false);
        r.end.store(reinterpret_cast<uintptr_t>(addr) + size, std::memory_order_release);
        r.begin.store(reinterpret_cast<uintptr_t>(addr), std::memory_order_release);
        return &r;
    }
    return nullptr;
}

void unguard_range(GuardedRange * r) {
    if (!r) return;
    r->begin.store(0, std::memory_order_release);
    r->end.store(0, std::memory_order_release);
    r->claimed.store(false);
}

int map_advice_to_madvise(MapAdvice advice) {
    switch (advice) {
        case MAP_ADVICE_RANDOM:     return MADV_RANDOM;
        case MAP_ADVICE_SEQUENTIAL: return MADV_SEQUENTIAL;
        case MAP_ADVICE_WILLNEED:   return MADV_WILLNEED;
        case MAP_ADVICE_DONTNEED:   return MADV_DONTNEED;
        case MAP_ADVICE_NORMAL:     break;
    }
    return MADV_NORMAL;
}

class PosixMappedFile final : public MappedFile {
public:
    PosixMappedFile(void * addr, uint64_t size) : addr_(addr), size_(size), guard_(guard_range(addr, size)) {}
    ~PosixMappedFile() override {
        unguard_range(guard_);
        ::munmap(addr_, size_);
    }

    const uint8_t * data() const override { return static_cast<const uint8_t *>(addr_); }
    uint64_t size() const override { return size_; }
    bool is_mapped() const override { return true; }

    void advise(uint64_t offset, uint64_t len, MapAdvice advice) const override {
        if (offset >= size_ || len == 0) return;
        if (len > size_ - offset) len = size_ - offset;
        // madvise wants a page-aligned start; widen the range down to it.
        static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
        uint64_t start = offset / page * page;
        // Hints only: a failure changes nothing we rely on.
        (void)::madvise(static_cast<uint8_t *>(addr_) + start, len + (offset - start),
                        map_advice_to_madvise(advice));
    }

    bool populate(uint64_t offset, uint64_t len) const override {
#if defined(__linux__)
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22  // Linux 5.14
#endif
        if (offset >= size_ || len == 0) return true;
        if (len > size_ - offset) len = size_ - offset;
        static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
        const uint64_t start = offset / page * page;
        return ::madvise(static_cast<uint8_t *>(addr_) + start, len + (offset - start), MADV_POPULATE_READ) == 0;
#else
        (void)offset; (void)len;
        return false;
#endif
    }

private:
    void * addr_;
    uint64_t size_;
    GuardedRange * guard_;  // null when the table was full
};

const char * file_type_name(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "some other kind of file";
}

std::unique_ptr<MappedFile> heap_read_file(int fd, const std::string & path, uint64_t size) {
    std::unique_ptr<uint8_t[]> bytes(new (std::nothrow) uint8_t[size ? size : 1]);
    if (!bytes) throw_error(STATUS_E_OUT_OF_MEMORY, "%s: cannot allocate %llu bytes to read the file",
                            path.c_str(), static_cast<unsigned long long>(size));
    uint64_t done = 0;
    while (done < size) {
        // Bounded chunks: some kernels cap a single read near 2 GiB.
        size_t want = static_cast<size_t>(size - done < (1u << 30) ? size - done : (1u << 30));
        ssize_t got = ::pread(fd, bytes.get() + done, want, static_cast<off_t>(done));
        if (got < 0) {
            if (errno == EINTR) continue;
            throw_error(STATUS_E_IO_READ, "%s: read failed at offset %llu: %s", path.c_str(),
                        static_cast<unsigned long long>(done), std::strerror(errno));
        }
        if (got == 0) {
            throw_error(STATUS_E_IO_READ, "%s: file shrank while reading (%llu of %llu bytes)", path.c_str(),
                        static_cast<unsigned long long>(done), static_cast<unsigned long long>(size));
        }
        done += static_cast<uint64_t>(got);
    }
    return std::make_unique<HeapFile>(std::move(bytes), size);
}

} // namespace

bool mapped_file_changed(const void * addr) {
    const uintptr_t a = reinterpret_cast<uintptr_t>(addr);
    for (const GuardedRange & r : g_ranges) {
        const uintptr_t begin = r.begin.load(std::memory_order_acquire);
        if (begin != 0 && a >= begin && a < r.end.load(std::memory_order_acquire)) {
            return r.changed.load(std::memory_order_acquire);
        }
    }
    return false;
}

std::unique_ptr<MappedFile> MappedFile::open(const std::string & path, bool use_mmap) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
    // writer forever. It changes nothing for the regular files we accept.
    FdGuard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) {
            throw_error(STATUS_E_IO_NOT_FOUND, "%s: no such file", path.c_str());
        }
        throw_error(STATUS_E_IO_OPEN, "%s: cannot open: %s", path.c_str(), std::strerror(err));
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) {
        throw_error(STATUS_E_IO_OPEN, "%s: cannot stat: %s", path.c_str(), std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) throw_error(STATUS_E_IO_OPEN, "%s: is a directory, not a file", path.c_str());
    if (!S_ISREG(st.st_mode)) {
        throw_error(STATUS_E_IO_OPEN, "%s: not a regular file: it is %s", path.c_str(), file_type_name(st.st_mode));
    }

    uint64_t size = static_cast<uint64_t>(st.st_size);
    // mmap of zero bytes fails; an empty file is simply empty.
    if (!use_mmap || size == 0) return heap_read_file(fd.get(), path, size);

    void * addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (addr == MAP_FAILED) {
        throw_error(STATUS_E_IO_READ, "%s: mmap of %llu bytes failed: %s", path.c_str(),
                    static_cast<unsigned long long>(size), std::strerror(errno));
    }
    return std::make_unique<PosixMappedFile>(addr, size);  // the mapping outlives the fd
}

} // namespace hearth

#endif // !_WIN32
