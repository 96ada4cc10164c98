// Finding a GGUF stored inside a zip archive, the way llamafile executables
// carry their weights: an uncompressed ("stored") entry whose bytes can be
// mapped in place. Zip64 records are followed, since such files are large.
#pragma once

#include <cstdint>

namespace hearth {

struct ZipEntrySpan {
    uint64_t offset = 0;  // of the entry's data from the start of the archive
    uint64_t size = 0;    // bytes of the entry
};

// True when the bytes end with a zip end-of-central-directory record.
bool zip_has_directory(const uint8_t * data, uint64_t size);

// The first entry whose name ends in ".gguf". Throws E_ZIP_CORRUPT,
// E_ZIP_NO_GGUF, or E_ZIP_COMPRESSED (the entry is deflated).
ZipEntrySpan zip_find_gguf_entry(const uint8_t * data, uint64_t size);

} // namespace hearth
