// fill-model PLAN HEAD OUT: writes a benchmark GGUF on a machine without
// Node. bench/gpu/write-skeleton.ts (run where Node is) gives the header
// bytes (HEAD) and the tensor manifest (PLAN); this draws every tensor's
// values the way bench/model/write-model.ts does, quantizes them with the
// engine's reference quantizer (the one binding.quantizeRows runs) and
// pwrites them at their offsets, rows split over all hardware threads.
//
// Values (keep in step with bench/model/random-pool.ts and write-model.ts):
// a pool of N(0,1) floats from mulberry32(1234) through Box-Muller, each row
// a window of it at hash2(tensorIndex, row) % span, scaled to
// mean + 0.02 * N(0,1) with mean 1 for norms and 0 otherwise; rows of a
// vocab tensor from the plan's textTokens on use 0.02 * 0.1. The JS does
// this arithmetic in doubles and rounds each value to f32 once; so does this
// (build with -ffp-contract=off so no FMA changes a rounding). Only libm
// versus V8's log/sin/cos may differ by an ulp in rare pool entries.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tensor/ggml-type.h"
#include "tensor/quants-ref.h"

namespace {

constexpr uint32_t POOL_SEED = 1234;
constexpr uint32_t POOL_SPAN = 1u << 20;
constexpr double WEIGHT_STD = 0.02;
constexpr double QUIET_ROW_SCALE = 0.1;
// f32 values drawn per work item (4 MiB): small enough that 16 threads
// share even the 0.5b model's tensors evenly.
constexpr int64_t ITEM_VALUES = 1 << 20;

struct PlanTensor {
    int64_t index = 0;
    uint32_t type = 0;
    int64_t cols = 0;
    int64_t rows = 0;
    uint64_t offset = 0;
    std::string role;
    std::string name;
    uint64_t row_bytes = 0;
};

struct Plan {
    uint64_t file_size = 0;
    uint64_t data_offset = 0;
    int64_t text_tokens = 0;
    std::vector<PlanTensor> tensors;
};

struct Failure {
    std::string message;
};

// mulberry32 as bench/model/random-pool.ts: u32 state, values in (0, 1).
struct Mulberry32 {
    uint32_t a;
    double next() {
        a += 0x6d2b79f5u;
        uint32_t t = a;
        t = (t ^ (t >> 15)) * (t | 1u);
        t ^= t + (t ^ (t >> 7)) * (t | 61u);
        return ((double)(t ^ (t >> 14)) + 0.5) / 4294967296.0;
    }
};

// murmur3 finaliser of two integers, as random-pool.ts's hash2.
uint32_t hash2(uint32_t a, uint32_t b) {
    uint32_t h = (a * 0x9e3779b1u) ^ ((b + 0x7f4a7c15u) * 0x85ebca6bu);
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

// pool[span + max_row] of N(0,1) (Box-Muller pairs, in doubles, stored as f32).
std::vector<float> make_pool(int64_t max_row) {
    std::vector<float> pool((size_t)POOL_SPAN + (size_t)max_row);
    Mulberry32 u{POOL_SEED};
    for (size_t i = 0; i < pool.size(); i += 2) {
        double r = std::sqrt(-2.0 * std::log(u.next()));
        double th = 2.0 * M_PI * u.next();
        pool[i] = (float)(r * std::cos(th));
        if (i + 1 < pool.size()) pool[i + 1] = (float)(r * std::sin(th));
    }
    return pool;
}

Plan read_plan(const std::string & path) {
    std::ifstream in(path);
    if (!in) throw Failure{"cannot open plan " + path + ": " + std::strerror(errno)};
    std::string line;
    if (!std::getline(in, line)) throw Failure{"plan " + path + " is empty"};
    std::istringstream head(line);
    std::string magic;
    int version = 0;
    size_t n = 0;
    Plan plan;
    if (!(head >> magic >> version) || magic != "hearth-skeleton") {
        throw Failure{"plan " + path + ": first line is not 'hearth-skeleton 2 <fileSize> <dataOffset> <nTensors> <textTokens>'"};
    }
    if (version != 2) throw Failure{"plan " + path + ": version " + std::to_string(version) + " (this reads 2; rerun write-skeleton.ts)"};
    if (!(head >> plan.file_size >> plan.data_offset >> n >> plan.text_tokens) || plan.text_tokens < 0) {
        throw Failure{"plan " + path + ": first line is not 'hearth-skeleton 2 <fileSize> <dataOffset> <nTensors> <textTokens>'"};
    }
    uint64_t end_prev = plan.data_offset;
    for (size_t i = 0; i < n; ++i) {
        if (!std::getline(in, line)) throw Failure{"plan " + path + ": " + std::to_string(n) + " tensors promised, " + std::to_string(i) + " found"};
        std::istringstream ls(line);
        PlanTensor t;
        const std::string where = "plan " + path + " line " + std::to_string(i + 2);
        if (!(ls >> t.index >> t.type >> t.cols >> t.rows >> t.offset >> t.role >> t.name)) throw Failure{where + ": malformed: " + line};
        if (t.index != (int64_t)i) throw Failure{where + ": tensor index " + std::to_string(t.index) + ", expected " + std::to_string(i)};
        if (t.role != "matrix" && t.role != "vocab" && t.role != "norm" && t.role != "bias") throw Failure{where + ": unknown role " + t.role};
        const hearth::GgmlType type = (hearth::GgmlType)t.type;
        if (t.type != hearth::GGML_TYPE_F32 && !hearth::tensor_type_has_ref(type)) {
            throw Failure{where + ": no reference quantizer for type id " + std::to_string(t.type)};
        }
        const int64_t block = hearth::tensor_block_elems(type);
        if (t.cols <= 0 || t.rows <= 0 || block <= 0 || t.cols % block != 0) {
            throw Failure{where + ": " + std::to_string(t.cols) + " x " + std::to_string(t.rows) + " does not fit type id " + std::to_string(t.type)};
        }
        t.row_bytes = t.type == hearth::GGML_TYPE_F32 ? (uint64_t)t.cols * 4 : hearth::tensor_row_bytes(type, t.cols);
        if (t.offset < end_prev) throw Failure{where + ": offset " + std::to_string(t.offset) + " overlaps the previous tensor or the header"};
        end_prev = t.offset + t.row_bytes * (uint64_t)t.rows;
        if (end_prev > plan.file_size) throw Failure{where + ": " + t.name + " ends past the file size " + std::to_string(plan.file_size)};
        plan.tensors.push_back(t);
    }
    return plan;
}

std::vector<uint8_t> read_file(const std::string & path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Failure{"cannot open header " + path + ": " + std::strerror(errno)};
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void pwrite_all(int fd, const void * data, size_t n, uint64_t pos, const std::string & out) {
    const uint8_t * p = (const uint8_t *)data;
    while (n > 0) {
        ssize_t w = ::pwrite(fd, p, n, (off_t)pos);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) throw Failure{"writing " + out + " at " + std::to_string(pos) + ": " + std::strerror(errno)};
        p += w;
        n -= (size_t)w;
        pos += (uint64_t)w;
    }
}

// A run of rows of one tensor: the unit a thread draws, quantizes and writes.
struct Item {
    size_t tensor;
    int64_t row0;
    int64_t n_rows;
};

class Filler {
public:
    Filler(const Plan & plan, const std::vector<float> & pool, int fd, std::string out)
        : plan_(plan), pool_(pool), fd_(fd), out_(std::move(out)) {
        for (size_t ti = 0; ti < plan.tensors.size(); ++ti) {
            const PlanTensor & t = plan.tensors[ti];
            const int64_t chunk = std::max<int64_t>(1, ITEM_VALUES / t.cols);
            for (int64_t r0 = 0; r0 < t.rows; r0 += chunk) items_.push_back({ti, r0, std::min(chunk, t.rows - r0)});
            total_ += t.row_bytes * (uint64_t)t.rows;
        }
    }

    // Runs n_threads workers to the end; returns the first error, if any.
    std::string run(unsigned n_threads) {
        std::vector<std::thread> threads;
        for (unsigned i = 0; i < n_threads; ++i) threads.emplace_back([this] { work(); });
        for (auto & th : threads) th.join();
        return error_;
    }

    uint64_t total() const { return total_; }

private:
    void work() {
        std::vector<float> x;
        std::vector<uint8_t> y;
        for (;;) {
            const size_t k = next_.fetch_add(1);
            if (k >= items_.size() || failed_.load()) return;
            try {
                const uint64_t bytes = fill(items_[k], x, y);
                report(bytes);
            } catch (const Failure & f) {
                std::lock_guard<std::mutex> lock(mu_);
                if (!failed_.exchange(true)) error_ = f.message;
                return;
            }
        }
    }

    uint64_t fill(const Item & it, std::vector<float> & x, std::vector<uint8_t> & y) {
        const PlanTensor & t = plan_.tensors[it.tensor];
        const int64_t cols = t.cols;
        const double mean = t.role == "norm" ? 1.0 : 0.0;
        x.resize((size_t)(it.n_rows * cols));
        // [n_rows][cols]: row r is the pool window at hash2(tensor, row) % span.
        for (int64_t r = 0; r < it.n_rows; ++r) {
            const uint32_t off = hash2((uint32_t)t.index, (uint32_t)(it.row0 + r)) % POOL_SPAN;
            const float * src = pool_.data() + off;
            float * dst = x.data() + r * cols;
            const bool quiet = t.role == "vocab" && it.row0 + r >= plan_.text_tokens;
            const double sd = quiet ? WEIGHT_STD * QUIET_ROW_SCALE : WEIGHT_STD;
            for (int64_t c = 0; c < cols; ++c) dst[c] = (float)(mean + sd * (double)src[c]);
        }
        const uint64_t n_bytes = t.row_bytes * (uint64_t)it.n_rows;
        const void * data = x.data();
        if (t.type != hearth::GGML_TYPE_F32) {
            y.resize((size_t)n_bytes);
            for (int64_t r = 0; r < it.n_rows; ++r) {
                hearth::tensor_quantize_row((hearth::GgmlType)t.type, x.data() + r * cols, y.data() + r * t.row_bytes, cols);
            }
            data = y.data();
        }
        pwrite_all(fd_, data, (size_t)n_bytes, t.offset + (uint64_t)it.row0 * t.row_bytes, out_);
        return n_bytes;
    }

    void report(uint64_t bytes) {
        const uint64_t done = done_.fetch_add(bytes) + bytes;
        const int pct = (int)(100 * done / std::max<uint64_t>(1, total_) / 10 * 10);
        std::lock_guard<std::mutex> lock(mu_);
        if (pct > last_pct_) {
            last_pct_ = pct;
            std::printf("  %3d%%  %.0f / %.0f MiB\n", pct, done / 1048576.0, total_ / 1048576.0);
            std::fflush(stdout);
        }
    }

    const Plan & plan_;
    const std::vector<float> & pool_;
    const int fd_;
    const std::string out_;
    std::vector<Item> items_;
    uint64_t total_ = 0;
    std::atomic<size_t> next_{0};
    std::atomic<uint64_t> done_{0};
    std::atomic<bool> failed_{false};
    std::mutex mu_;
    std::string error_;
    int last_pct_ = -1;
};

int fill_model(const std::string & plan_path, const std::string & head_path, const std::string & out) {
    const auto t0 = std::chrono::steady_clock::now();
    const Plan plan = read_plan(plan_path);
    const std::vector<uint8_t> head = read_file(head_path);
    if (head.size() != plan.data_offset) {
        throw Failure{"header " + head_path + " has " + std::to_string(head.size()) + " bytes, the plan says " + std::to_string(plan.data_offset)};
    }
    int64_t max_row = 0;
    for (const PlanTensor & t : plan.tensors) max_row = std::max(max_row, t.cols);
    const std::vector<float> pool = make_pool(max_row);

    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw Failure{"cannot create " + out + ": " + std::strerror(errno)};
    std::string error;
    uint64_t total = 0;
    unsigned n_threads = std::max(1u, std::thread::hardware_concurrency());
    try {
        pwrite_all(fd, head.data(), head.size(), 0, out);
        // Gaps between tensors (alignment padding) stay holes: zeros, as in the JS file.
        if (::ftruncate(fd, (off_t)plan.file_size) != 0) throw Failure{"sizing " + out + ": " + std::strerror(errno)};
        Filler filler(plan, pool, fd, out);
        total = filler.total();
        std::printf("fill-model: %zu tensors, %.1f MiB of data, %u threads -> %s\n", plan.tensors.size(), total / 1048576.0, n_threads, out.c_str());
        std::fflush(stdout);
        error = filler.run(n_threads);
    } catch (const Failure & f) {
        error = f.message;
    }
    if (::close(fd) != 0 && error.empty()) error = "closing " + out + ": " + std::strerror(errno);
    if (!error.empty()) {
        ::unlink(out.c_str());  // no half-written model left behind to be mistaken for a whole one
        throw Failure{error};
    }
    struct stat st {};
    if (::stat(out.c_str(), &st) != 0 || (uint64_t)st.st_size != plan.file_size) {
        throw Failure{out + " is " + std::to_string((uint64_t)st.st_size) + " bytes, expected " + std::to_string(plan.file_size)};
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("fill-model: wrote %s (%llu bytes) in %.1f s (%.0f MiB/s)\n", out.c_str(), (unsigned long long)plan.file_size, s,
                total / 1048576.0 / s);
    return 0;
}

} // namespace

int main(int argc, char ** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: fill-model PLAN HEAD OUT  (PLAN, HEAD from bench/gpu/write-skeleton.ts)\n");
        return 1;
    }
    try {
        return fill_model(argv[1], argv[2], argv[3]);
    } catch (const Failure & f) {
        std::fprintf(stderr, "fill-model: %s\n", f.message.c_str());
        return 1;
    } catch (const std::exception & e) {
        std::fprintf(stderr, "fill-model: %s\n", e.what());
        return 1;
    }
}
