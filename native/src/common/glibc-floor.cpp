// Local definitions of symbols that a Debian 12 toolchain would otherwise
// import with versions newer than our floor (see glibc-floor.h); all hidden,
// so the addon neither exports nor imports them.
#if defined(__linux__)
#include <features.h>
#endif

#if defined(__linux__) && defined(__GLIBC__)

#include <new>
#include <sys/stat.h>

extern "C" {

// GCC 11+ libstdc++ headers read glibc 2.32's __libc_single_threaded to skip
// atomic reference counts. Ours always says "threaded": the atomics stay,
// which is what every older glibc gets anyway.
__attribute__((visibility("hidden"))) char __libc_single_threaded = 0;

// glibc 2.33 made fstat a real function (fstat64@GLIBC_2.33); before, it was
// an inline over __fxstat64, which every glibc still exports. The version
// argument is the struct stat layout the kernel fills: 1 on x86-64, 0 on arm64.
int __fxstat64(int ver, int fd, struct stat64 * buf);
#if defined(__x86_64__)
#define HEARTH_STAT_VER 1
#else
#define HEARTH_STAT_VER 0
#endif
__attribute__((visibility("hidden"))) int fstat64(int fd, struct stat64 * buf) noexcept {
    return __fxstat64(HEARTH_STAT_VER, fd, buf);
}
#if !defined(__USE_FILE_OFFSET64)  // else <sys/stat.h> already renames fstat to fstat64
__attribute__((visibility("hidden"))) int fstat(int fd, struct stat * buf) noexcept {
    // struct stat and struct stat64 are the same layout on 64-bit Linux.
    return __fxstat64(HEARTH_STAT_VER, fd, reinterpret_cast<struct stat64 *>(buf));
}
#endif

} // extern "C"

namespace std {
// GCC 11's new[] overflow check calls this (GLIBCXX_3.4.29 only).
__attribute__((visibility("hidden"))) void __throw_bad_array_new_length() {
    throw std::bad_array_new_length();
}
} // namespace std

#endif
