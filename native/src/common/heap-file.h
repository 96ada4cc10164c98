// The no-mmap fallback shared by every OS's mapped-file code: the whole file
// read into one heap buffer, behind the same MappedFile interface.
#pragma once

#include <cstdint>
#include <memory>

#include "common/mapped-file.h"

namespace hearth {

class HeapFile final : public MappedFile {
public:
    HeapFile(std::unique_ptr<uint8_t[]> bytes, uint64_t size) : bytes_(std::move(bytes)), size_(size) {}

    const uint8_t * data() const override { return bytes_.get(); }
    uint64_t size() const override { return size_; }
    bool is_mapped() const override { return false; }
    void advise(uint64_t, uint64_t, MapAdvice) const override {}

private:
    std::unique_ptr<uint8_t[]> bytes_;
    uint64_t size_;
};

} // namespace hearth
