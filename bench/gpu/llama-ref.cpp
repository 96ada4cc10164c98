// llama-ref: llama.cpp as a reference engine on machines without Node. It
// opens the prebuilt llama.cpp libraries that node-llama-cpp ships
// (node_modules/@node-llama-cpp/<platform>/bins/<platform>/) at run time and
// drives their C API directly, so the GPU machine needs only this binary, the
// bins folder and the GGUF file. Two jobs on the same GGUF files our engine
// runs: greedy token ids (to compare outputs) and llama-bench-style pp/tg
// speed (to compare throughput). Built by bench/gpu/build-llama-ref.sh
// against llama.h from node-llama-cpp's source bundle, with no link-time
// dependency on libllama: every API function is looked up with dlsym.
//
//   llama-ref --lib DIR --model FILE [--ngl N] [--threads T] [--fa auto|on|off]
//             [--pp 512] [--tg 128] [--reps 3] [--pp-batches 32,64,128,256]
//             [--greedy N --prompt-ids 1,2,3] [--verbose]
//
// DIR holds exactly one libllama.*.so and the ggml backends it loads
// (GGML_BACKEND_DL build). --ngl defaults to 999 (everything offloaded),
// --threads to the hardware thread count, --fa to the library's default.
// Without --greedy, pp/tg default to 512/128; with --greedy the bench runs
// only when --pp or --tg is given. --pp-batches (default none) also times
// one prompt of each listed size on an empty cache, per rep, after the pp
// and tg warm-up: the small prompts an editor's completions evaluate.
// Output: "device ..." lines, "greedy ..." with the first step's top-5,
// "llama-ref pp.. tg.." with every rep and the median, and one JSON line
// last. Exit 1 on any failure, 2 on bad usage.
#include <dlfcn.h>
#include <glob.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "llama.h"

namespace {

// Every library function we call, resolved at run time. The types come from
// the declarations in llama.h / ggml-backend.h, so a signature change in the
// headers shows up here at compile time.
#define LLAMA_REF_FUNCTIONS(X)        \
  X(llama_backend_init)               \
  X(llama_backend_free)               \
  X(llama_log_set)                    \
  X(llama_model_default_params)       \
  X(llama_context_default_params)     \
  X(llama_model_load_from_file)       \
  X(llama_model_free)                 \
  X(llama_init_from_model)            \
  X(llama_free)                       \
  X(llama_model_get_vocab)            \
  X(llama_vocab_n_tokens)             \
  X(llama_model_size)                 \
  X(llama_model_n_params)             \
  X(llama_model_desc)                 \
  X(llama_flash_attn_type_name)       \
  X(llama_get_memory)                 \
  X(llama_memory_clear)               \
  X(llama_batch_get_one)              \
  X(llama_decode)                     \
  X(llama_synchronize)                \
  X(llama_get_logits_ith)             \
  X(llama_n_ctx)                      \
  X(ggml_backend_load_all_from_path)  \
  X(ggml_backend_reg_count)           \
  X(ggml_backend_reg_get)             \
  X(ggml_backend_reg_name)            \
  X(ggml_backend_reg_dev_count)       \
  X(ggml_backend_dev_count)           \
  X(ggml_backend_dev_get)             \
  X(ggml_backend_dev_name)            \
  X(ggml_backend_dev_description)     \
  X(ggml_backend_dev_memory)          \
  X(ggml_backend_dev_type)

struct Api {
#define LLAMA_REF_MEMBER(name) decltype(&::name) name = nullptr;
  LLAMA_REF_FUNCTIONS(LLAMA_REF_MEMBER)
#undef LLAMA_REF_MEMBER
};

[[noreturn]] void fail(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::fputs("llama-ref: error: ", stderr);
  std::vfprintf(stderr, fmt, args);
  std::fputc('\n', stderr);
  va_end(args);
  std::exit(1);
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "llama-ref: %s\n"
               "usage: llama-ref --lib DIR --model FILE [--ngl N] [--threads T] [--fa auto|on|off]\n"
               "                 [--pp 512] [--tg 128] [--reps 3] [--pp-batches 32,64,128,256]\n"
               "                 [--greedy N --prompt-ids 1,2,3] [--verbose]\n",
               why);
  std::exit(2);
}

struct Options {
  std::string lib_dir;
  std::string model;
  int ngl = 999;
  int threads = 0;  // 0: hardware_concurrency
  int pp = -1;      // -1: default (512, or 0 with --greedy)
  int tg = -1;      // -1: default (128, or 0 with --greedy)
  int reps = 3;
  std::vector<int> pp_batches;  // extra prompt sizes, each timed on its own
  int greedy = 0;
  std::vector<llama_token> prompt;
  bool fa_set = false;
  llama_flash_attn_type fa = LLAMA_FLASH_ATTN_TYPE_AUTO;
  bool verbose = false;
};

int parse_int(const char* flag, const char* text, int min_value) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < min_value || value > 1000000000L)
    usage((std::string("bad value for ") + flag + ": '" + text + "'").c_str());
  return static_cast<int>(value);
}

// A comma-separated list of integers of at least min_value.
std::vector<int> parse_int_list(const char* flag, const char* text, int min_value) {
  std::vector<int> out;
  std::string s(text);
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(start, comma - start);
    if (item.empty()) usage((std::string("bad ") + flag + ": empty item").c_str());
    out.push_back(parse_int(flag, item.c_str(), min_value));
    start = comma + 1;
  }
  return out;
}

std::vector<llama_token> parse_ids(const char* text) {
  std::vector<int> ids = parse_int_list("--prompt-ids", text, 0);
  return std::vector<llama_token>(ids.begin(), ids.end());
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--verbose") {
      o.verbose = true;
      continue;
    }
    if (flag == "--help" || flag == "-h") usage("help");
    if (i + 1 >= argc) usage(("missing value after " + flag).c_str());
    const char* value = argv[++i];
    if (flag == "--lib") o.lib_dir = value;
    else if (flag == "--model") o.model = value;
    else if (flag == "--ngl") o.ngl = parse_int("--ngl", value, 0);
    else if (flag == "--threads") o.threads = parse_int("--threads", value, 1);
    else if (flag == "--pp") o.pp = parse_int("--pp", value, 0);
    else if (flag == "--tg") o.tg = parse_int("--tg", value, 0);
    else if (flag == "--reps") o.reps = parse_int("--reps", value, 1);
    else if (flag == "--pp-batches") o.pp_batches = parse_int_list("--pp-batches", value, 1);
    else if (flag == "--greedy") o.greedy = parse_int("--greedy", value, 0);
    else if (flag == "--prompt-ids") o.prompt = parse_ids(value);
    else if (flag == "--fa") {
      std::string v = value;
      o.fa_set = true;
      if (v == "auto") o.fa = LLAMA_FLASH_ATTN_TYPE_AUTO;
      else if (v == "on") o.fa = LLAMA_FLASH_ATTN_TYPE_ENABLED;
      else if (v == "off") o.fa = LLAMA_FLASH_ATTN_TYPE_DISABLED;
      else usage(("bad --fa value '" + v + "' (auto|on|off)").c_str());
    } else usage(("unknown option " + flag).c_str());
  }
  if (o.lib_dir.empty()) usage("--lib DIR is required");
  if (o.model.empty()) usage("--model FILE is required");
  if (o.greedy > 0 && o.prompt.empty()) usage("--greedy needs --prompt-ids");
  if (o.pp < 0) o.pp = o.greedy > 0 ? 0 : 512;
  if (o.tg < 0) o.tg = o.greedy > 0 ? 0 : 128;
  if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
  return o;
}

// The one libllama.<variant>.v*.so in DIR ("libllama-common.so" is not it).
std::string find_libllama(const std::string& dir) {
  glob_t found{};
  std::string pattern = dir + "/libllama.*.so";
  int rc = glob(pattern.c_str(), 0, nullptr, &found);
  if (rc != 0 || found.gl_pathc == 0) {
    globfree(&found);
    fail("no libllama.*.so in '%s'", dir.c_str());
  }
  if (found.gl_pathc > 1) {
    std::string all;
    for (size_t i = 0; i < found.gl_pathc; ++i) all += std::string(" ") + found.gl_pathv[i];
    globfree(&found);
    fail("more than one libllama.*.so in '%s':%s", dir.c_str(), all.c_str());
  }
  std::string path = found.gl_pathv[0];
  globfree(&found);
  return path;
}

// Symbols of libggml / libggml-base come from libllama's dependencies, which
// dlsym on its handle searches too; RTLD_DEFAULT is the fallback because the
// handle was opened RTLD_GLOBAL.
void* find_symbol(void* handle, const char* name) {
  void* sym = dlsym(handle, name);
  if (!sym) sym = dlsym(RTLD_DEFAULT, name);
  return sym;
}

Api load_api(const std::string& lib_path) {
  void* handle = dlopen(lib_path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!handle) fail("dlopen '%s' failed: %s", lib_path.c_str(), dlerror());
  Api api;
  std::string missing;
#define LLAMA_REF_RESOLVE(name)                                          \
  api.name = reinterpret_cast<decltype(api.name)>(find_symbol(handle, #name)); \
  if (!api.name) missing += " " #name;
  LLAMA_REF_FUNCTIONS(LLAMA_REF_RESOLVE)
#undef LLAMA_REF_RESOLVE
  if (!missing.empty()) fail("symbols missing from '%s' and its dependencies:%s", lib_path.c_str(), missing.c_str());
  return api;
}

// llama.cpp is chatty at INFO level; keep warnings, errors, the offload
// summary (whether the layers really went to the GPU) and what --fa auto
// resolved to.
bool g_verbose = false;
ggml_log_level g_last_level = GGML_LOG_LEVEL_INFO;
void log_filter(ggml_log_level level, const char* text, void*) {
  if (level != GGML_LOG_LEVEL_CONT) g_last_level = level;
  bool keep = g_verbose || g_last_level >= GGML_LOG_LEVEL_WARN ||
              (text && (std::strstr(text, "offloaded") || std::strstr(text, "offloading") ||
                        std::strstr(text, "Flash Attention")));
  if (keep && text) std::fputs(text, stderr);
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string json_numbers(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.3f", i ? "," : "", values[i]);
    out += buf;
  }
  return out + "]";
}

const char* device_type_name(enum ggml_backend_dev_type type) {
  switch (type) {
    case GGML_BACKEND_DEVICE_TYPE_CPU: return "cpu";
    case GGML_BACKEND_DEVICE_TYPE_GPU: return "gpu";
    case GGML_BACKEND_DEVICE_TYPE_IGPU: return "igpu";
    case GGML_BACKEND_DEVICE_TYPE_ACCEL: return "accel";
    default: return "other";
  }
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Prints the backends that registered, and why each accelerator backend file
// in DIR (libggml-<name>.so other than base/cpu) did not: release builds of
// ggml load backends silently, so a CUDA backend missing libcudart.so.13
// would otherwise look like "no GPU" with no reason given.
void report_backends(const Api& api, const std::string& dir) {
  std::vector<std::string> registered;
  for (size_t i = 0; i < api.ggml_backend_reg_count(); ++i) {
    ggml_backend_reg_t reg = api.ggml_backend_reg_get(i);
    const char* name = api.ggml_backend_reg_name(reg);
    registered.push_back(lower(name ? name : ""));
    std::printf("backend %s (%zu devices)\n", name ? name : "?", api.ggml_backend_reg_dev_count(reg));
  }
  glob_t found{};
  std::string pattern = dir + "/libggml-*.so";
  if (glob(pattern.c_str(), 0, nullptr, &found) == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) {
      std::string path = found.gl_pathv[i];
      std::string file = path.substr(path.rfind('/') + 1);
      std::string name = file.substr(std::strlen("libggml-"), file.size() - std::strlen("libggml-") - 3);
      if (name == "base" || name.compare(0, 3, "cpu") == 0) continue;
      if (std::find(registered.begin(), registered.end(), lower(name)) != registered.end()) continue;
      void* probe = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (probe) {
        std::fprintf(stderr, "llama-ref: warning: %s opens but did not register a backend\n", path.c_str());
        dlclose(probe);
      } else {
        std::fprintf(stderr, "llama-ref: warning: backend %s not loaded: %s\n", name.c_str(), dlerror());
      }
    }
  }
  globfree(&found);
}

// Lists the devices the loaded backends registered; returns them as JSON.
std::string list_devices(const Api& api) {
  std::string json = "[";
  size_t count = api.ggml_backend_dev_count();
  for (size_t i = 0; i < count; ++i) {
    ggml_backend_dev_t dev = api.ggml_backend_dev_get(i);
    const char* name = api.ggml_backend_dev_name(dev);
    const char* desc = api.ggml_backend_dev_description(dev);
    const char* type = device_type_name(api.ggml_backend_dev_type(dev));
    size_t free_bytes = 0, total_bytes = 0;
    api.ggml_backend_dev_memory(dev, &free_bytes, &total_bytes);
    std::printf("device %zu %s (%s) \"%s\" memory free %.2f GiB total %.2f GiB\n", i, name ? name : "?", type,
                desc ? desc : "?", free_bytes / 1073741824.0, total_bytes / 1073741824.0);
    char mem[96];
    std::snprintf(mem, sizeof mem, ",\"free\":%zu,\"total\":%zu}", free_bytes, total_bytes);
    json += std::string(i ? "," : "") + "{\"name\":" + json_string(name ? name : "") +
            ",\"description\":" + json_string(desc ? desc : "") + ",\"type\":\"" + type + "\"" + mem;
  }
  return json + "]";
}

bool has_accelerator(const Api& api) {
  for (size_t i = 0; i < api.ggml_backend_dev_count(); ++i) {
    enum ggml_backend_dev_type type = api.ggml_backend_dev_type(api.ggml_backend_dev_get(i));
    if (type == GGML_BACKEND_DEVICE_TYPE_GPU || type == GGML_BACKEND_DEVICE_TYPE_IGPU) return true;
  }
  return false;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

struct Runner {
  const Api& api;
  llama_context* ctx;
  int n_batch;

  void clear() { api.llama_memory_clear(api.llama_get_memory(ctx), true); }

  // Decodes tokens in n_batch chunks at the next positions of sequence 0;
  // logits come out for the last token only.
  void decode(std::vector<llama_token>& tokens, const char* what) {
    for (size_t at = 0; at < tokens.size(); at += n_batch) {
      int32_t n = static_cast<int32_t>(std::min(tokens.size() - at, static_cast<size_t>(n_batch)));
      int32_t rc = api.llama_decode(ctx, api.llama_batch_get_one(tokens.data() + at, n));
      if (rc != 0) fail("llama_decode (%s, %d tokens at %zu) returned %d", what, n, at, rc);
    }
  }

  const float* last_logits() {
    const float* logits = api.llama_get_logits_ith(ctx, -1);
    if (!logits) fail("llama_get_logits_ith(-1) returned NULL");
    return logits;
  }
};

llama_token argmax(const float* logits, int n_vocab) {
  return static_cast<llama_token>(std::max_element(logits, logits + n_vocab) - logits);
}

// Greedy decode from the prompt; prints the ids and the first step's top-5.
std::vector<llama_token> run_greedy(Runner& run, const Options& o, int n_vocab) {
  for (llama_token id : o.prompt)
    if (id >= n_vocab) fail("prompt id %d is not below n_vocab %d", id, n_vocab);
  run.clear();
  std::vector<llama_token> tokens = o.prompt;
  run.decode(tokens, "greedy prompt");
  std::vector<llama_token> out;
  for (int step = 0; step < o.greedy; ++step) {
    const float* logits = run.last_logits();
    if (step == 0) {
      std::vector<int> order(n_vocab);
      for (int i = 0; i < n_vocab; ++i) order[i] = i;
      int k = std::min(5, n_vocab);
      std::partial_sort(order.begin(), order.begin() + k, order.end(),
                        [&](int a, int b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
      std::printf("top5");
      for (int i = 0; i < k; ++i) std::printf(" %d:%.4f", order[i], logits[order[i]]);
      std::printf("\n");
    }
    llama_token next = argmax(logits, n_vocab);
    out.push_back(next);
    if (step + 1 < o.greedy) {
      std::vector<llama_token> one{next};
      run.decode(one, "greedy step");
    }
  }
  std::printf("greedy ");
  for (size_t i = 0; i < out.size(); ++i) std::printf("%s%d", i ? "," : "", out[i]);
  std::printf("\n");
  return out;
}

using Clock = std::chrono::steady_clock;

// Bytes of a "VmXXX:  1234 kB" line of /proc/self/status, 0 where absent.
uint64_t proc_status_bytes(const char* field) {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  uint64_t kb = 0;
  const size_t n = std::strlen(field);
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, field, n) == 0 && line[n] == ':') {
      kb = std::strtoull(line + n + 1, nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return kb * 1024;
}

// Fixed-seed token ids for the bench (splitmix64), spelled out so every
// build draws the same ids (std::uniform_int_distribution may differ between
// standard libraries).
struct TokenRng {
  uint64_t state = 1234;
  llama_token next(int n_vocab) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<llama_token>(z % static_cast<uint64_t>(n_vocab));
  }
};

// pp: one prompt of pp random ids on an empty cache; returns tokens/s.
double time_pp(Runner& run, int pp, int n_vocab, TokenRng& rng) {
  std::vector<llama_token> tokens(pp);
  for (auto& t : tokens) t = rng.next(n_vocab);
  run.clear();
  run.api.llama_synchronize(run.ctx);
  auto t0 = Clock::now();
  run.decode(tokens, "pp");
  run.api.llama_synchronize(run.ctx);
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return pp / s;
}

// tg: tg single-token decodes of random ids from an empty cache (as
// llama-bench does); returns tokens/s.
double time_tg(Runner& run, int tg, int n_vocab, TokenRng& rng) {
  run.clear();
  run.api.llama_synchronize(run.ctx);
  auto t0 = Clock::now();
  for (int i = 0; i < tg; ++i) {
    std::vector<llama_token> one{rng.next(n_vocab)};
    run.decode(one, "tg");
    run.api.llama_synchronize(run.ctx);
  }
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return tg / s;
}

void print_reps(const char* label, int n, const std::vector<double>& reps) {
  if (reps.empty()) return;
  std::printf(" %s%d %.2f [", label, n, median(reps));
  for (size_t i = 0; i < reps.size(); ++i) std::printf("%s%.2f", i ? " " : "", reps[i]);
  std::printf("]");
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse_options(argc, argv);
  g_verbose = o.verbose;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  std::string lib_path = find_libllama(o.lib_dir);
  Api api = load_api(lib_path);
  api.llama_log_set(log_filter, nullptr);
  std::printf("lib %s\n", lib_path.c_str());

  // GGML_BACKEND_DL build: the CPU/GPU backends are separate .so files that
  // nothing loads unless asked to.
  api.ggml_backend_load_all_from_path(o.lib_dir.c_str());
  api.llama_backend_init();
  report_backends(api, o.lib_dir);
  std::string devices_json = list_devices(api);
  if (api.ggml_backend_dev_count() == 0) fail("no backend devices loaded from '%s'", o.lib_dir.c_str());
  if (o.ngl > 0 && !has_accelerator(api))
    std::fprintf(stderr,
                 "llama-ref: warning: no GPU device registered, everything runs on the CPU (ggml-vulkan skips "
                 "CPU-type devices such as llvmpipe unless GGML_VK_VISIBLE_DEVICES=0)\n");

  // The structs are passed by value across the library boundary, so headers
  // from another llama.cpp version would silently scramble fields; the
  // defaults we know are a cheap check that the layout matches.
  llama_context_params cparams = api.llama_context_default_params();
  if (cparams.n_batch != 2048 || cparams.n_ubatch != 512 || cparams.n_seq_max != 1)
    std::fprintf(stderr,
                 "llama-ref: warning: context defaults n_batch=%u n_ubatch=%u n_seq_max=%u are not the expected "
                 "2048/512/1; llama.h may not match this library\n",
                 cparams.n_batch, cparams.n_ubatch, cparams.n_seq_max);

  // load_ms: as the JS bench children time it, model + context + one token
  // evaluated and its successor picked.
  const uint64_t base_rss = proc_status_bytes("VmRSS");
  const auto t_load = Clock::now();
  llama_model_params mparams = api.llama_model_default_params();
  mparams.n_gpu_layers = o.ngl;
  llama_model* model = api.llama_model_load_from_file(o.model.c_str(), mparams);
  if (!model) fail("llama_model_load_from_file '%s' failed (see the log above)", o.model.c_str());

  const llama_vocab* vocab = api.llama_model_get_vocab(model);
  int n_vocab = api.llama_vocab_n_tokens(vocab);
  if (n_vocab <= 0) fail("model reports n_vocab %d", n_vocab);
  uint64_t model_bytes = api.llama_model_size(model);
  uint64_t n_params = api.llama_model_n_params(model);
  char desc[256] = "";
  api.llama_model_desc(model, desc, sizeof desc);

  const int n_batch = 512;
  int max_batch = o.pp_batches.empty() ? 0 : *std::max_element(o.pp_batches.begin(), o.pp_batches.end());
  int n_ctx = std::max({o.pp + o.tg, max_batch, static_cast<int>(o.prompt.size()) + o.greedy}) + 16;
  cparams.n_ctx = static_cast<uint32_t>(n_ctx);
  cparams.n_batch = n_batch;
  cparams.n_ubatch = n_batch;
  cparams.n_threads = o.threads;
  cparams.n_threads_batch = o.threads;
  if (o.fa_set) cparams.flash_attn_type = o.fa;
  llama_context* ctx = api.llama_init_from_model(model, cparams);
  if (!ctx) fail("llama_init_from_model failed (n_ctx %d)", n_ctx);

  std::printf("model %s \"%s\" size %llu bytes params %llu n_vocab %d ngl %d threads %d n_ctx %u fa %s\n",
              o.model.c_str(), desc, static_cast<unsigned long long>(model_bytes),
              static_cast<unsigned long long>(n_params), n_vocab, o.ngl, o.threads, api.llama_n_ctx(ctx),
              api.llama_flash_attn_type_name(cparams.flash_attn_type));

  Runner run{api, ctx, n_batch};
  {
    std::vector<llama_token> first{std::min<llama_token>(1212, n_vocab - 1)};
    run.decode(first, "first token");
    const float* lg = api.llama_get_logits_ith(ctx, -1);
    if (!lg) fail("no logits after the first token");
    (void)std::max_element(lg, lg + n_vocab);
    run.clear();
  }
  const double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - t_load).count();
  std::printf("load to first token %.1f ms\n", load_ms);
  std::vector<llama_token> greedy_ids;
  if (o.greedy > 0) greedy_ids = run_greedy(run, o, n_vocab);

  std::vector<double> pp_reps, tg_reps;
  std::vector<std::vector<double>> batch_reps(o.pp_batches.size());
  if (o.pp > 0 || o.tg > 0 || !o.pp_batches.empty()) {
    TokenRng rng;
    if (o.pp > 0) time_pp(run, o.pp, n_vocab, rng);  // warm-up
    if (o.tg > 0) time_tg(run, o.tg, n_vocab, rng);  // warm-up
    // Same order as the JS children: pp, the small prompts, then tg.
    for (int r = 0; r < o.reps; ++r) {
      if (o.pp > 0) pp_reps.push_back(time_pp(run, o.pp, n_vocab, rng));
      for (size_t b = 0; b < o.pp_batches.size(); ++b) batch_reps[b].push_back(time_pp(run, o.pp_batches[b], n_vocab, rng));
      if (o.tg > 0) tg_reps.push_back(time_tg(run, o.tg, n_vocab, rng));
    }
    std::printf("llama-ref");
    print_reps("pp", o.pp, pp_reps);
    for (size_t b = 0; b < o.pp_batches.size(); ++b) print_reps("pp", o.pp_batches[b], batch_reps[b]);
    print_reps("tg", o.tg, tg_reps);
    std::printf(" t/s model_bytes %llu n_params %llu\n", static_cast<unsigned long long>(model_bytes),
                static_cast<unsigned long long>(n_params));
  }

  std::string greedy_json = "[";
  for (size_t i = 0; i < greedy_ids.size(); ++i) greedy_json += (i ? "," : "") + std::to_string(greedy_ids[i]);
  greedy_json += "]";
  std::string batches_json = "[";
  for (size_t b = 0; b < o.pp_batches.size(); ++b) {
    char tps[48];
    std::snprintf(tps, sizeof tps, ",\"tps\":%.3f,\"reps\":", median(batch_reps[b]));
    batches_json += std::string(b ? "," : "") + "{\"n\":" + std::to_string(o.pp_batches[b]) + tps + json_numbers(batch_reps[b]) + "}";
  }
  batches_json += "]";
  std::printf(
      "{\"engine\":\"llama.cpp\",\"lib\":%s,\"model\":%s,\"ngl\":%d,\"threads\":%d,\"fa\":%s,"
      "\"pp_tokens\":%d,\"tg_tokens\":%d,\"pp\":%.3f,\"tg\":%.3f,\"pp_reps\":%s,\"tg_reps\":%s,"
      "\"model_bytes\":%llu,\"n_params\":%llu,\"load_ms\":%.2f,\"peak_rss_bytes\":%llu,\"base_rss_bytes\":%llu,"
      "\"pp_batches\":%s,\"greedy\":%s,\"devices\":%s}\n",
      json_string(lib_path).c_str(), json_string(o.model).c_str(), o.ngl, o.threads,
      json_string(api.llama_flash_attn_type_name(cparams.flash_attn_type)).c_str(), o.pp, o.tg, median(pp_reps),
      median(tg_reps), json_numbers(pp_reps).c_str(), json_numbers(tg_reps).c_str(),
      static_cast<unsigned long long>(model_bytes), static_cast<unsigned long long>(n_params), load_ms,
      static_cast<unsigned long long>(proc_status_bytes("VmHWM")), static_cast<unsigned long long>(base_rss),
      batches_json.c_str(), greedy_json.c_str(), devices_json.c_str());

  api.llama_free(ctx);
  api.llama_model_free(model);
  api.llama_backend_free();
  return 0;
}
