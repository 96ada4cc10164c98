// Force-included (-include) into every object of the Linux glibc builds by
// native/gyp/platform.gypi. The prebuilds are built on Debian 12 (glibc 2.36,
// GCC 12) but must load wherever VS Code runs (glibc >= 2.28, libstdc++ from
// GCC 8, GLIBCXX_3.4.25). A few symbols our code reaches got a new version
// after that; each is bound here to its oldest version, which has the same
// meaning. What cannot be bound this way is defined locally in
// glibc-floor.cpp. test/platforms/prebuild-binaries.test.ts checks the result
// with objdump -T (CI: scripts/test.d/platforms.sh).
#pragma once

#if defined(__linux__)
#include <features.h>  // defines __GLIBC__ (not on musl, which has no symbol versions)
#endif

#if defined(__linux__) && defined(__GLIBC__)

#if defined(__x86_64__)
#define HEARTH_GLIBC_BASE_VERSION "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define HEARTH_GLIBC_BASE_VERSION "GLIBC_2.17"
#endif

#if defined(HEARTH_GLIBC_BASE_VERSION)
// pow@GLIBC_2.29 only dropped the errno wrapper; same results.
__asm__(".symver pow,pow@" HEARTH_GLIBC_BASE_VERSION);
// glibc 2.34 moved libpthread into libc and re-versioned its symbols; the old
// version is still exported (and found in libpthread.so.0 on older systems).
__asm__(".symver pthread_once,pthread_once@" HEARTH_GLIBC_BASE_VERSION);
// std::mutex::try_lock (the decoder's shared forward scratch) calls it.
__asm__(".symver pthread_mutex_trylock,pthread_mutex_trylock@" HEARTH_GLIBC_BASE_VERSION);
// The same move took libdl's functions (the Vulkan loader and the CUDA
// companion are opened at run time).
__asm__(".symver dlopen,dlopen@" HEARTH_GLIBC_BASE_VERSION);
__asm__(".symver dlsym,dlsym@" HEARTH_GLIBC_BASE_VERSION);
__asm__(".symver dlclose,dlclose@" HEARTH_GLIBC_BASE_VERSION);
__asm__(".symver dlerror,dlerror@" HEARTH_GLIBC_BASE_VERSION);
__asm__(".symver dladdr,dladdr@" HEARTH_GLIBC_BASE_VERSION);
#endif

// GCC 12's libstdc++ added condition_variable::wait@GLIBCXX_3.4.30 (a
// noexcept fix); the GLIBCXX_3.4.11 entry point does the same wait.
__asm__(".symver _ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE,"
        "_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE@GLIBCXX_3.4.11");

#endif
