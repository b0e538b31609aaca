/* Small plugins for the plugin host's tests, one per define: each is
 * refused or fails for one reason (generator/plugin/plugin_test.cpp).
 *   GOOD                 loads: provider plugin_probe, its `value` is "probe-<row>-<draw>"
 *   BAD_ABI_VERSION      declares the next ABI version
 *   NO_ENTRY             exports no seedforge_plugin symbol
 *   PROVIDER_NAME="x"    names its provider x (a built-in's or eu_vat's name)
 *   FIELD_KIND=n         declares a field of an unknown kind
 *   WRITE_INVALID_UTF8   writes bytes that are not UTF-8
 * Any of them also refuses `fail: yes` at create, naming that parameter. */
#include <seedforge/plugin_abi.h>

#include <stdio.h>
#include <string.h>

#ifndef PROVIDER_NAME
#define PROVIDER_NAME "plugin_probe"
#endif
#ifndef FIELD_KIND
#define FIELD_KIND SEEDFORGE_KIND_TEXT
#endif
#ifdef BAD_ABI_VERSION
#define ABI_VERSION (SEEDFORGE_PLUGIN_ABI_VERSION + 1)
#else
#define ABI_VERSION SEEDFORGE_PLUGIN_ABI_VERSION
#endif

static int probe_create(const seedforge_param* params, size_t count, const seedforge_context* context,
                        const seedforge_host* host, void** instance, seedforge_error* error) {
  (void)context;
  (void)host;
  *instance = NULL;
  for (size_t i = 0; i < count; ++i) {
    if (strcmp(params[i].name, "fail") == 0 && params[i].scalar && strcmp(params[i].scalar, "yes") == 0) {
      snprintf(error->message, error->message_size, "refused as asked (fail: yes)");
      error->param = "fail";
      return 1;
    }
  }
  return 0;
}

static int probe_fill(const void* instance, const seedforge_fill_args* args, seedforge_error* error) {
  (void)instance;
  (void)error;
  seedforge_column_out* out = &args->outputs[0];
  if (!out->wanted) return 0;
  for (size_t r = 0; r < args->row_count; ++r) {
    char text[64];
#ifdef WRITE_INVALID_UTF8
    int size = snprintf(text, sizeof text, "bad-\xff");
#else
    seedforge_stream stream;
    args->host->stream_init(&stream, args->key, args->rows[r]);
    int size = snprintf(text, sizeof text, "probe-%llu-%llu", (unsigned long long)args->rows[r],
                        (unsigned long long)args->host->stream_below(&stream, 1000));
#endif
    args->host->set_text(out, r, text, (size_t)size);
  }
  return 0;
}

static const seedforge_field_spec kFields[] = {{"value", FIELD_KIND, 32, 0, "probe-ROW-DRAW"}};
static const seedforge_param_spec kParams[] = {{"fail", "yes: create refuses", "no", 0}};
static const seedforge_provider kProviders[] = {{
    .name = PROVIDER_NAME,
    .version = 1,
    .summary = "test probe",
    .fields = kFields,
    .field_count = 1,
    .params = kParams,
    .param_count = 1,
    .example = NULL,
    .create = probe_create,
    .destroy = NULL,
    .fill = probe_fill,
    .unique_space = NULL,
    .max_length = NULL,
}};
static const seedforge_pack kPack = {ABI_VERSION, sizeof(seedforge_provider), "probe", "0", kProviders, 1};

#ifdef NO_ENTRY
SEEDFORGE_PLUGIN_EXPORT const seedforge_pack* seedforge_plugin_v0(void) { return &kPack; }
#else
SEEDFORGE_PLUGIN_ENTRY(host) {
  (void)host;
  return &kPack;
}
#endif
