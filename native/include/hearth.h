/* hearth.h: the engine's C boundary.
 *
 * Everything a front end needs (the Node addon today; a CLI without Node, a
 * server or another editor tomorrow) goes through this header, so the engine's
 * C++ types, exceptions and allocators never leak across it.
 *
 * Errors. Every function that can fail returns a hearth_status and, when it is
 * not HEARTH_OK, fills the caller's hearth_error (which may be NULL) with the
 * same code and message the engine raised. No C++ exception ever leaves these
 * functions. Functions that cannot fail on a valid handle (accessors) return
 * their value directly.
 *
 * Memory. Handles (hearth_gguf, hearth_tokenizer, hearth_model,
 * hearth_session) are opaque; each is freed by its own *_free, which accepts
 * NULL. Arrays and strings the API returns through `T ** out` parameters are
 * the caller's, freed with hearth_free. Strings the API returns through
 * `const char **` are borrowed: they live as long as the handle they came
 * from. Text is UTF-8 (token pieces may be any bytes) and always comes with
 * its length, since it may hold NUL bytes; returned strings are also
 * NUL-terminated for convenience.
 *
 * Threads. No function keeps thread-local state, and callbacks run on the
 * calling thread. Per handle:
 *  - hearth_gguf and hearth_tokenizer are immutable: any thread, concurrently.
 *  - hearth_model: any thread, concurrently (info, tokenizer, new sessions).
 *    A session keeps its model's engine data alive, so the model handle may
 *    be freed while sessions made from it live on.
 *  - hearth_session: evaluate and generate run one at a time per session (the
 *    caller serializes them; they are not checked). get_info and tokens may be
 *    called from any thread at any time, also while one runs. Free a session
 *    only when no call on it runs: set its abort callback's flag and wait.
 *  - Nothing may be called on a handle after its *_free.
 */
#ifndef HEARTH_H
#define HEARTH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when a declaration here changes incompatibly. */
#define HEARTH_API_VERSION 1

/* ---- status and errors ---------------------------------------------------- */

/* The engine's codes, in the engine's order (one list: native/lists/
 * error-codes.json, through status-codes.inc), so HEARTH_E_GGUF_TRUNCATED is
 * named "E_GGUF_TRUNCATED". Append-only: callers match on them. */
typedef enum hearth_status {
    HEARTH_OK = 0,
#define HEARTH_STATUS(name) HEARTH_##name,
#include "../src/common/status-codes.inc"
#undef HEARTH_STATUS
    HEARTH_STATUS_COUNT
} hearth_status;

/* Messages longer than this are cut (the engine formats them in as much). */
#define HEARTH_ERROR_MESSAGE_MAX 1024

typedef struct hearth_error {
    hearth_status status;
    char message[HEARTH_ERROR_MESSAGE_MAX]; /* NUL-terminated */
} hearth_error;

/* "E_GGUF_TRUNCATED"; "OK" for HEARTH_OK; "E_INTERNAL" for an unknown value. */
const char * hearth_status_name(hearth_status status);

/* HEARTH_API_VERSION of the library linked (compare it with the header's). */
int hearth_api_version(void);

/* Frees what the API returned through a `T ** out` parameter. NULL is fine. */
void hearth_free(void * p);

/* A byte string that is not NUL-terminated (or may hold NUL bytes). */
typedef struct hearth_string {
    const char * data;
    size_t len;
} hearth_string;

/* Polled by long calls; nonzero stops them with HEARTH_E_ABORTED (evaluate)
 * or a result whose reason is "abort" (generate). */
typedef int (*hearth_abort_fn)(void * user);

/* ---- GGUF files ----------------------------------------------------------- */

typedef struct hearth_gguf hearth_gguf;
typedef struct hearth_gguf_array hearth_gguf_array; /* borrowed from its file */

/* GGUF metadata value types, as numbered in the file format. */
enum {
    HEARTH_GGUF_UINT8 = 0, HEARTH_GGUF_INT8 = 1, HEARTH_GGUF_UINT16 = 2, HEARTH_GGUF_INT16 = 3,
    HEARTH_GGUF_UINT32 = 4, HEARTH_GGUF_INT32 = 5, HEARTH_GGUF_FLOAT32 = 6, HEARTH_GGUF_BOOL = 7,
    HEARTH_GGUF_STRING = 8, HEARTH_GGUF_ARRAY = 9, HEARTH_GGUF_UINT64 = 10, HEARTH_GGUF_INT64 = 11,
    HEARTH_GGUF_FLOAT64 = 12
};

/* One metadata value; which field holds it follows `type`. Strings point into
 * the file's bytes (not NUL-terminated). */
typedef struct hearth_gguf_value {
    uint32_t type;
    uint64_t u;     /* unsigned integers and bool */
    int64_t i;      /* signed integers */
    double f;       /* float32 and float64 */
    hearth_string str;
    /* ARRAY: its element type and count; fixed-size elements are `raw`
     * (packed as in the file, possibly unaligned: copy before reading);
     * strings and nested arrays are read with the two functions below. */
    uint32_t elem_type;
    uint64_t count;
    const uint8_t * raw;
    const hearth_gguf_array * arr;
} hearth_gguf_value;

typedef struct hearth_gguf_header {
    uint32_t version;
    uint64_t alignment;
    uint64_t data_offset;      /* from the start of the GGUF bytes */
    uint64_t container_offset; /* > 0 when the GGUF sits inside a zip */
    uint64_t gguf_size;        /* bytes of the GGUF itself */
    uint64_t file_size;        /* the whole file, container included */
} hearth_gguf_header;

typedef struct hearth_gguf_tensor {
    hearth_string name;
    uint32_t type; /* ggml type id; see hearth_ggml_type_name */
    uint32_t n_dims;
    uint64_t ne[4]; /* ne[0] is the row length */
    uint64_t offset; /* from the data section */
    uint64_t n_elements;
    uint64_t n_bytes;
} hearth_gguf_tensor;

/* Opens and checks the whole file (metadata and tensor table). use_mmap = 0
 * reads it into memory instead of mapping it. */
hearth_status hearth_gguf_open(const char * path, int use_mmap, hearth_gguf ** out, hearth_error * err);
void hearth_gguf_free(hearth_gguf * g);

void hearth_gguf_get_header(const hearth_gguf * g, hearth_gguf_header * out);
size_t hearth_gguf_kv_count(const hearth_gguf * g);
/* index < kv_count. */
void hearth_gguf_kv(const hearth_gguf * g, size_t index, hearth_string * key, hearth_gguf_value * value);
/* index < the array's count; elem_type STRING, resp. ARRAY. */
hearth_string hearth_gguf_array_string(const hearth_gguf_array * a, uint64_t index);
void hearth_gguf_array_item(const hearth_gguf_array * a, uint64_t index, hearth_gguf_value * out);
size_t hearth_gguf_tensor_count(const hearth_gguf * g);
void hearth_gguf_get_tensor(const hearth_gguf * g, size_t index, hearth_gguf_tensor * out);

/* "uint32", "string", "array"; "unknown" for an unknown type. */
const char * hearth_gguf_type_name(uint32_t type);
/* "Q4_K", as llama.cpp prints it; NULL for an unknown ggml type id. */
const char * hearth_ggml_type_name(uint32_t type);

/* ---- tokenizers ----------------------------------------------------------- */

typedef struct hearth_tokenizer hearth_tokenizer;

/* Ids are int32; a special token the vocab lacks is HEARTH_TOKEN_NONE. */
#define HEARTH_TOKEN_NONE (-1)

typedef struct hearth_special_tokens {
    int32_t bos, eos, eot, eom, unk, pad, sep, nl;
    int32_t fim_pre, fim_suf, fim_mid, fim_pad, fim_rep, fim_sep;
    int add_bos, add_eos;
} hearth_special_tokens;

typedef struct hearth_tokenizer_info {
    int32_t n_vocab;
    const char * model; /* "llama", "gpt2" */
    const char * pre;   /* "default", "qwen2", ... */
    int add_space_prefix;
    hearth_special_tokens special;
} hearth_tokenizer_info;

/* The tokenizer of a GGUF file, without its weights. */
hearth_status hearth_tokenizer_load(const char * path, hearth_tokenizer ** out, hearth_error * err);
void hearth_tokenizer_free(hearth_tokenizer * t);

void hearth_tokenizer_get_info(const hearth_tokenizer * t, hearth_tokenizer_info * out);

/* parse_special: text like "<|fim_prefix|>" becomes its control token.
 * *tokens is freed with hearth_free. */
hearth_status hearth_tokenize(const hearth_tokenizer * t, const char * text, size_t len, int add_bos, int parse_special,
                              int32_t ** tokens, size_t * n_tokens, hearth_error * err);

/* clean_spaces: 1 or 0, or -1 for the plain concatenation the model object
 * uses. *text is freed with hearth_free. */
hearth_status hearth_detokenize(const hearth_tokenizer * t, const int32_t * tokens, size_t n_tokens, int special,
                                int clean_spaces, char ** text, size_t * len, hearth_error * err);

/* The bytes of one token (may end mid character); freed with hearth_free. */
hearth_status hearth_token_piece(const hearth_tokenizer * t, int32_t token, int special, char ** bytes, size_t * len,
                                 hearth_error * err);
/* The token's text as stored in the vocab; borrowed from t. */
hearth_status hearth_token_text(const hearth_tokenizer * t, int32_t token, hearth_string * out, hearth_error * err);
hearth_status hearth_token_is_eog(const hearth_tokenizer * t, int32_t token, int * out, hearth_error * err);
hearth_status hearth_token_is_control(const hearth_tokenizer * t, int32_t token, int * out, hearth_error * err);

/* ---- models --------------------------------------------------------------- */

typedef struct hearth_model hearth_model;

#define HEARTH_GPU_LAYERS_AUTO (-1) /* as many as fit in free memory */
#define HEARTH_GPU_LAYERS_ALL (-2)

/* Called on the loading thread with 0..1. */
typedef void (*hearth_progress_fn)(void * user, double fraction);

typedef struct hearth_model_options {
    int threads;            /* <= 0: physical cores; more are clamped to the CPUs present */
    int use_mmap;
    int64_t context_length; /* sessions' default; 0: the model's */
    const char * backend;   /* "auto", "cpu", "cuda", "vulkan"; NULL: "auto" */
    int64_t gpu_layers;     /* a count, HEARTH_GPU_LAYERS_AUTO or _ALL */
    hearth_progress_fn on_progress; /* may be NULL */
    void * progress_user;
} hearth_model_options;

/* Fills the defaults: threads 0, use_mmap 1, context 0, "auto", AUTO layers. */
void hearth_model_options_init(hearth_model_options * o);

/* "auto" | "all" | a non-negative integer, as users write gpuLayers. */
hearth_status hearth_parse_gpu_layers(const char * text, size_t len, int64_t * out, hearth_error * err);

hearth_status hearth_model_load(const char * path, const hearth_model_options * options, hearth_model ** out,
                                hearth_error * err);
void hearth_model_free(hearth_model * m);

/* The model's tokenizer, borrowed: valid until hearth_model_free(m). */
const hearth_tokenizer * hearth_model_tokenizer(const hearth_model * m);

typedef struct hearth_model_info {
    const char * architecture;
    int64_t n_vocab, context_length_train, n_embd, n_layer, n_head, n_head_kv;
    int threads; /* what runs (the request clamped to the CPUs present) */
    const char * tokenizer_model;
    const char * tokenizer_pre;
    hearth_special_tokens special;
    const char * chat_template; /* NULL when the file has none */
    const char * name;          /* general.name; NULL when absent */
    const char * backend;       /* where the layers run: "cpu", "cuda", "vulkan" */
    const char * device;        /* NULL when no device is reported */
    int64_t gpu_layers;
    int output_on_device;
    uint64_t device_bytes;
    const char * const * reasons; /* why other backends or fewer layers were used */
    size_t n_reasons;
} hearth_model_info;

/* A snapshot (placement may change after a GPU error); free it with
 * hearth_model_info_free. */
hearth_status hearth_model_get_info(const hearth_model * m, hearth_model_info ** out, hearth_error * err);
void hearth_model_info_free(hearth_model_info * info);

/* ---- sessions ------------------------------------------------------------- */

typedef struct hearth_session hearth_session;

/* The smallest context a session accepts (other than 0, the model's). */
#define HEARTH_MIN_CONTEXT 8

typedef struct hearth_session_options {
    int64_t context_length; /* 0: the model's */
    int64_t batch_size;     /* prompt tokens per forward pass */
    int64_t keep_tokens;    /* kept at a context shift; -1: 1 when the model adds BOS, else 0 */
} hearth_session_options;

/* Fills the defaults: context 0, batch 64, keep -1. */
void hearth_session_options_init(hearth_session_options * o);

hearth_status hearth_session_create(const hearth_model * m, const hearth_session_options * options,
                                    hearth_session ** out, hearth_error * err);
void hearth_session_free(hearth_session * s);

typedef struct hearth_session_info {
    int64_t context_length, keep_tokens, context_shifts, cached_tokens;
    int64_t n_vocab; /* token ids must be in [0, n_vocab) */
} hearth_session_info;

/* Any thread, any time. */
void hearth_session_get_info(const hearth_session * s, hearth_session_info * out);
/* The tokens in the cache; any thread, any time. Freed with hearth_free. */
hearth_status hearth_session_tokens(const hearth_session * s, int32_t ** tokens, size_t * n_tokens, hearth_error * err);

typedef struct hearth_evaluate_stats {
    int64_t reused;    /* tokens kept from the cache */
    int64_t evaluated; /* tokens run through the model */
    int64_t dropped;   /* prompt tokens dropped to fit the context */
    int64_t spliced;   /* of reused, moved from later in the cache */
} hearth_evaluate_stats;

/* Makes the cache hold `tokens` (reusing the longest common prefix; with
 * splice_drift > 0 cells from later in the cache may be spliced in) and gives
 * the logits after the last one: *logits [n_vocab], freed with hearth_free.
 * should_abort (may be NULL) is polled between batches. */
hearth_status hearth_session_evaluate(hearth_session * s, const int32_t * tokens, size_t n_tokens,
                                      int64_t splice_drift, hearth_abort_fn should_abort, void * abort_user,
                                      float ** logits, size_t * n_logits, hearth_evaluate_stats * stats,
                                      hearth_error * err);

typedef struct hearth_sampling_params {
    float temperature;   /* <= 0: greedy */
    int32_t top_k;       /* <= 0: off */
    float top_p;         /* >= 1: off */
    float min_p;         /* <= 0: off */
    float repeat_penalty; /* 1: off */
    int32_t repeat_last_n;
    float frequency_penalty;
    float presence_penalty;
    uint64_t seed;
} hearth_sampling_params;

/* The engine's defaults. */
void hearth_sampling_params_init(hearth_sampling_params * p);

typedef struct hearth_generate_params {
    hearth_sampling_params sampling;
    int32_t max_tokens;
    int stop_on_eog;                /* EOS/EOT/EOM end generation */
    int64_t splice_drift;           /* as in hearth_session_evaluate */
    const int32_t * stop_tokens;    /* more tokens that end it (FIM markers) */
    size_t n_stop_tokens;
    const hearth_string * stop;     /* stop strings, not included in the output */
    size_t n_stop;
} hearth_generate_params;

/* Fills the defaults: sampling defaults, 256 tokens, stop on EOG, no stops. */
void hearth_generate_params_init(hearth_generate_params * p);

/* Called on the generating thread for each token with the text it completes
 * (may be empty while a character or a possible stop string is pending). */
typedef void (*hearth_token_fn)(void * user, int32_t token, const char * text, size_t len);

typedef struct hearth_generate_callbacks {
    hearth_token_fn on_token;     /* may be NULL */
    hearth_abort_fn should_abort; /* polled before every token; may be NULL */
    void * user;
} hearth_generate_callbacks;

typedef struct hearth_generation_timings {
    double prompt_ms, gen_ms;
    int64_t n_prompt;         /* prompt tokens */
    int64_t n_prompt_eval;    /* of which evaluated (the rest were cached) */
    int64_t n_prompt_spliced; /* of the cached, moved from later in the cache */
    int64_t n_gen;            /* tokens generated */
} hearth_generation_timings;

typedef struct hearth_generation_result {
    const char * reason; /* "eog", "stop", "length", "abort" */
    const int32_t * tokens;
    size_t n_tokens;
    hearth_string text;
    hearth_string tail; /* text held back until the end, not given to on_token */
    hearth_generation_timings timings;
} hearth_generation_result;

/* Evaluates the prompt, then samples until a stop; an abort is a result
 * (reason "abort"), not an error. Free *out with hearth_generation_result_free. */
hearth_status hearth_session_generate(hearth_session * s, const int32_t * prompt, size_t n_prompt,
                                      const hearth_generate_params * params, const hearth_generate_callbacks * callbacks,
                                      hearth_generation_result ** out, hearth_error * err);
void hearth_generation_result_free(hearth_generation_result * r);

/* ---- row quantizers (the reference kernels, for `hearth quantize`) -------- */

/* HEARTH_E_MODEL_UNSUPPORTED_TYPE unless `type` (a ggml type id) has a
 * reference quantizer. */
hearth_status hearth_quant_check_type(uint32_t type, hearth_error * err);
/* Bytes of one row of row_length elements; HEARTH_E_INVALID_ARGUMENT unless
 * row_length is a positive multiple of the type's block. */
hearth_status hearth_quant_row_bytes(uint32_t type, int64_t row_length, uint64_t * row_bytes, hearth_error * err);
/* n_rows rows: x [n_rows * row_length] floats -> out [n_rows * row_bytes]. */
hearth_status hearth_quantize_rows(uint32_t type, const float * x, int64_t n_rows, int64_t row_length, void * out,
                                   hearth_error * err);
/* The reverse: x [n_rows * row_bytes] -> out [n_rows * row_length] floats. */
hearth_status hearth_dequantize_rows(uint32_t type, const void * x, int64_t n_rows, int64_t row_length, float * out,
                                     hearth_error * err);

/* ---- devices -------------------------------------------------------------- */

typedef struct hearth_device {
    char name[128];
    const char * type; /* "cpu", "discrete", "integrated", "virtual", "unknown" */
    uint64_t total_memory; /* bytes */
    uint64_t free_memory;  /* bytes at probe time; 0: unknown */
    char detail[128];      /* driver / API version, compute capability, ... */
} hearth_device;

typedef struct hearth_backend_report {
    const char * name;   /* "cuda", "vulkan", "cpu" */
    const char * reason; /* why it has no device; NULL when it has some */
    const hearth_device * devices;
    size_t n_devices;
} hearth_backend_report;

typedef struct hearth_device_list {
    const hearth_backend_report * backends; /* in auto-detect order */
    size_t n_backends;
} hearth_device_list;

/* Probes every backend now (loads drivers: not free). */
hearth_status hearth_list_devices(hearth_device_list ** out, hearth_error * err);
void hearth_device_list_free(hearth_device_list * list);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HEARTH_H */
