/* A front end with no Node in it: loads a model through hearth.h alone,
 * tokenizes a prompt, generates greedily and prints what it got, one line
 * each, for test/native/capi-smoke.test.ts to compare with the JS binding:
 *
 *   prompt <ids...>
 *   tokens <ids...>
 *   reason <eog|stop|length|abort>
 *
 * Usage: capi-smoke <model.gguf> <prompt> <max tokens>
 * Plain C99 on purpose: it proves the header is usable from C. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

static int fail(const char * what, const hearth_error * err) {
    fprintf(stderr, "%s: %s (%s)\n", what, err->message, hearth_status_name(err->status));
    return 1;
}

/* Counts on_token calls, to check they match the result's tokens. */
static void count_token(void * user, int32_t token, const char * text, size_t len) {
    (void)token;
    (void)text;
    (void)len;
    ++*(int *)user;
}

static void print_ids(const char * label, const int32_t * ids, size_t n) {
    size_t i;
    printf("%s", label);
    for (i = 0; i < n; i++) printf(" %d", (int)ids[i]);
    printf("\n");
}

int main(int argc, char ** argv) {
    hearth_error err;
    hearth_model_options mo;
    hearth_model * model = NULL;
    hearth_session * session = NULL;
    hearth_generate_params gp;
    hearth_generate_callbacks cb;
    hearth_generation_result * result = NULL;
    int32_t * prompt = NULL;
    size_t n_prompt = 0;
    int on_token_calls = 0;
    int rc = 1;

    if (argc != 4) {
        fprintf(stderr, "usage: capi-smoke <model.gguf> <prompt> <max tokens>\n");
        return 2;
    }
    if (hearth_api_version() != HEARTH_API_VERSION) {
        fprintf(stderr, "library API %d, header API %d\n", hearth_api_version(), HEARTH_API_VERSION);
        return 1;
    }
    hearth_model_options_init(&mo);
    mo.backend = "cpu";
    mo.threads = 1;
    if (hearth_model_load(argv[1], &mo, &model, &err) != HEARTH_OK) return fail("load", &err);
    if (hearth_tokenize(hearth_model_tokenizer(model), argv[2], strlen(argv[2]), 1, 0, &prompt, &n_prompt, &err) !=
        HEARTH_OK) {
        rc = fail("tokenize", &err);
        goto done;
    }
    print_ids("prompt", prompt, n_prompt);
    if (hearth_session_create(model, NULL, &session, &err) != HEARTH_OK) {
        rc = fail("session", &err);
        goto done;
    }
    /* The session keeps the engine's model: the handle may go first. */
    hearth_model_free(model);
    model = NULL;

    hearth_generate_params_init(&gp);
    gp.sampling.temperature = 0.0f; /* greedy */
    gp.max_tokens = atoi(argv[3]);
    cb.on_token = count_token;
    cb.should_abort = NULL;
    cb.user = &on_token_calls;
    if (hearth_session_generate(session, prompt, n_prompt, &gp, &cb, &result, &err) != HEARTH_OK) {
        rc = fail("generate", &err);
        goto done;
    }
    print_ids("tokens", result->tokens, result->n_tokens);
    printf("reason %s\n", result->reason);
    if ((size_t)on_token_calls != result->n_tokens) {
        fprintf(stderr, "on_token ran %d times for %zu tokens\n", on_token_calls, result->n_tokens);
        goto done;
    }
    /* An error comes back as a status and a message, never an exception. */
    if (hearth_model_load("/nonexistent/model.gguf", NULL, &model, &err) != HEARTH_E_IO_NOT_FOUND) {
        fprintf(stderr, "a missing file gave %s, not E_IO_NOT_FOUND\n", hearth_status_name(err.status));
        goto done;
    }
    rc = 0;
done:
    hearth_generation_result_free(result);
    hearth_free(prompt);
    hearth_session_free(session);
    hearth_model_free(model);
    return rc;
}
