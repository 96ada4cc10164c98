// Windows MappedFile: CreateFileMapping + MapViewOfFile of the whole file
// (read-only), or the bytes read with positioned ReadFile calls into one heap
// buffer when mapping is not wanted. Paths are UTF-8 (as the JS side passes
// them) and opened through the wide API so that any Unicode path works.
#include "common/mapped-file.h"
#include "common/heap-file.h"

#if defined(_WIN32)

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <cstdio>
#include <new>
#include <string>

#include "common/status.h"

namespace hearth {

namespace {

// "The system cannot find the file specified." without the trailing CR/LF.
std::string win32_error_text(DWORD err) {
    char buf[512];
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, err, 0, buf,
                             sizeof(buf), nullptr);
    while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '.')) --n;
    if (n == 0) {
        std::snprintf(buf, sizeof(buf), "Windows error %lu", static_cast<unsigned long>(err));
        return buf;
    }
    return std::string(buf, n) + " (" + std::to_string(static_cast<unsigned long>(err)) + ")";
}

std::wstring utf8_to_wide(const std::string & path) {
    if (path.empty()) return std::wstring();
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path.data(), static_cast<int>(path.size()), nullptr, 0);
    if (n <= 0) throw_error(STATUS_E_IO_OPEN, "%s: path is not valid UTF-8", path.c_str());
    std::wstring wide(static_cast<size_t>(n), L'\0');
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path.data(), static_cast<int>(path.size()), &wide[0], n);
    return wide;
}

class HandleGuard {
public:
    explicit HandleGuard(HANDLE h) : h_(h) {}
    ~HandleGuard() { if (h_ && h_ != INVALID_HANDLE_VALUE) CloseHandle(h_); }
    HandleGuard(const HandleGuard &) = delete;
    HandleGuard & operator=(const HandleGuard &) = delete;
    HANDLE get() const { return h_; }
private:
    HANDLE h_;
};

// PrefetchVirtualMemory is Windows 8+; looked up at run time so that the
// addon's import table names nothing newer than Windows 7.
using PrefetchFn = BOOL(WINAPI *)(HANDLE, ULONG_PTR, PWIN32_MEMORY_RANGE_ENTRY, ULONG);

PrefetchFn prefetch_virtual_memory() {
    static const PrefetchFn fn = [] {
        HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
        return k32 ? reinterpret_cast<PrefetchFn>(reinterpret_cast<void (*)()>(
                         GetProcAddress(k32, "PrefetchVirtualMemory")))
                   : nullptr;
    }();
    return fn;
}

class Win32MappedFile final : public MappedFile {
public:
    Win32MappedFile(const void * view, uint64_t size) : view_(view), size_(size) {}
    ~Win32MappedFile() override { UnmapViewOfFile(view_); }

    const uint8_t * data() const override { return static_cast<const uint8_t *>(view_); }
    uint64_t size() const override { return size_; }
    bool is_mapped() const override { return true; }

    void advise(uint64_t offset, uint64_t len, MapAdvice advice) const override {
        // Windows has no madvise; only "will need" has an equivalent (a hint:
        // failure changes nothing we rely on). The others stay no-ops.
        if (advice != MAP_ADVICE_WILLNEED || offset >= size_ || len == 0) return;
        if (len > size_ - offset) len = size_ - offset;
        PrefetchFn prefetch = prefetch_virtual_memory();
        if (!prefetch) return;
        WIN32_MEMORY_RANGE_ENTRY range;
        range.VirtualAddress = const_cast<uint8_t *>(data()) + offset;
        range.NumberOfBytes = static_cast<SIZE_T>(len);
        (void)prefetch(GetCurrentProcess(), 1, &range, 0);
    }

private:
    const void * view_;
    uint64_t size_;
};

std::unique_ptr<MappedFile> heap_read_file(HANDLE file, const std::string & path, uint64_t size) {
    std::unique_ptr<uint8_t[]> bytes(new (std::nothrow) uint8_t[size ? size : 1]);
    if (!bytes) throw_error(STATUS_E_OUT_OF_MEMORY, "%s: cannot allocate %llu bytes to read the file",
                            path.c_str(), static_cast<unsigned long long>(size));
    uint64_t done = 0;
    while (done < size) {
        // ReadFile takes a 32-bit count: 1 GiB chunks, each at its own offset (like pread).
        DWORD want = static_cast<DWORD>(size - done < (1u << 30) ? size - done : (1u << 30));
        OVERLAPPED at = {};
        at.Offset = static_cast<DWORD>(done & 0xffffffffu);
        at.OffsetHigh = static_cast<DWORD>(done >> 32);
        DWORD got = 0;
        if (!ReadFile(file, bytes.get() + done, want, &got, &at)) {
            throw_error(STATUS_E_IO_READ, "%s: read failed at offset %llu: %s", path.c_str(),
                        static_cast<unsigned long long>(done), win32_error_text(GetLastError()).c_str());
        }
        if (got == 0) {
            throw_error(STATUS_E_IO_READ, "%s: file shrank while reading (%llu of %llu bytes)", path.c_str(),
                        static_cast<unsigned long long>(done), static_cast<unsigned long long>(size));
        }
        done += got;
    }
    return std::make_unique<HeapFile>(std::move(bytes), size);
}

} // namespace

std::unique_ptr<MappedFile> MappedFile::open(const std::string & path, bool use_mmap) {
    const std::wstring wide = utf8_to_wide(path);
    const DWORD attrs = wide.empty() ? INVALID_FILE_ATTRIBUTES : GetFileAttributesW(wide.c_str());
    if (attrs == INVALID_FILE_ATTRIBUTES) {
        const DWORD err = wide.empty() ? ERROR_FILE_NOT_FOUND : GetLastError();
        if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND || err == ERROR_INVALID_NAME) {
            throw_error(STATUS_E_IO_NOT_FOUND, "%s: no such file", path.c_str());
        }
        throw_error(STATUS_E_IO_OPEN, "%s: cannot open: %s", path.c_str(), win32_error_text(err).c_str());
    }
    if (attrs & FILE_ATTRIBUTE_DIRECTORY) throw_error(STATUS_E_IO_OPEN, "%s: is a directory, not a file", path.c_str());

    // FILE_SHARE_DELETE: like POSIX, the file may be renamed or replaced while mapped.
    HandleGuard file(CreateFileW(wide.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                 nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (file.get() == INVALID_HANDLE_VALUE) {
        const DWORD err = GetLastError();
        if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) {
            throw_error(STATUS_E_IO_NOT_FOUND, "%s: no such file", path.c_str());
        }
        throw_error(STATUS_E_IO_OPEN, "%s: cannot open: %s", path.c_str(), win32_error_text(err).c_str());
    }
    // A pipe or device would block or never end: refuse it before reading.
    const DWORD type = GetFileType(file.get());
    if (type != FILE_TYPE_DISK) {
        throw_error(STATUS_E_IO_OPEN, "%s: not a regular file (%s)", path.c_str(),
                    type == FILE_TYPE_PIPE ? "a pipe" : type == FILE_TYPE_CHAR ? "a character device" : "not a disk file");
    }
    LARGE_INTEGER li;
    if (!GetFileSizeEx(file.get(), &li)) {
        throw_error(STATUS_E_IO_OPEN, "%s: cannot stat: %s", path.c_str(), win32_error_text(GetLastError()).c_str());
    }
    const uint64_t size = static_cast<uint64_t>(li.QuadPart);
    // A mapping of zero bytes fails; an empty file is simply empty.
    if (!use_mmap || size == 0) return heap_read_file(file.get(), path, size);

    HandleGuard mapping(CreateFileMappingW(file.get(), nullptr, PAGE_READONLY, 0, 0, nullptr));
    if (!mapping.get()) {
        throw_error(STATUS_E_IO_READ, "%s: CreateFileMapping of %llu bytes failed: %s", path.c_str(),
                    static_cast<unsigned long long>(size), win32_error_text(GetLastError()).c_str());
    }
    const void * view = MapViewOfFile(mapping.get(), FILE_MAP_READ, 0, 0, 0);
    if (!view) {
        throw_error(STATUS_E_IO_READ, "%s: MapViewOfFile of %llu bytes failed: %s", path.c_str(),
                    static_cast<unsigned long long>(size), win32_error_text(GetLastError()).c_str());
    }
    return std::make_unique<Win32MappedFile>(view, size);  // the view outlives both handles
}

// See mapped-file.h: a mapped file cannot shrink on Windows.
bool mapped_file_changed(const void *) { return false; }

} // namespace hearth

#endif // _WIN32
