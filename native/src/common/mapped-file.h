// A read-only view of a whole file: mmap where possible, or the bytes read
// into memory (pread) as a fallback. One class per OS behind this interface
// (mapped-file-posix.cpp, mapped-file-win32.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace hearth {

enum MapAdvice {
    MAP_ADVICE_NORMAL,
    MAP_ADVICE_RANDOM,      // header parse: touch only what is read
    MAP_ADVICE_SEQUENTIAL,  // streaming a tensor once (quantize, upload)
    MAP_ADVICE_WILLNEED,    // model load: start paging weights in
    MAP_ADVICE_DONTNEED,    // drop resident pages (benchmarks, dispose)
};

class MappedFile {
public:
    virtual ~MappedFile() = default;
    // Throws E_IO_NOT_FOUND / E_IO_OPEN / E_IO_READ naming the path.
    static std::unique_ptr<MappedFile> open(const std::string & path, bool use_mmap);

    virtual const uint8_t * data() const = 0;
    virtual uint64_t size() const = 0;
    virtual bool is_mapped() const = 0;
    // Hint for [offset, offset+len); a no-op where unsupported.
    virtual void advise(uint64_t offset, uint64_t len, MapAdvice advice) const = 0;
    // Maps [offset, offset+len) into the page tables now, reading what is not
    // cached, in one kernel call instead of a fault per page. false where the
    // system cannot (then touch the pages instead).
    virtual bool populate(uint64_t offset, uint64_t len) const { return false; }
};

// Whether the mapped file holding `addr` changed under the mapping.
//
// POSIX: a file truncated while mapped (`cp new.gguf over.gguf` truncates in
// place) makes every read of a page past its new end raise SIGBUS. Mapping a
// file installs, once per process, a SIGBUS handler that looks the faulting
// address up in a lock-free table of our mappings; inside one, it maps zero
// pages over the rest of that mapping, marks it changed and returns, so the
// read retries and sees zeros instead of killing the process. The engine
// checks this flag after each forward pass (Session: E_MODEL_FILE_CHANGED).
// Faults anywhere else go to the handler that was there before (or the
// default action: the process dies as it would have).
// Windows: false always. A mapped file there cannot be truncated (the system
// refuses to shrink a file with a mapped view), so the fault never happens.
bool mapped_file_changed(const void * addr);

} // namespace hearth
