/* seedforge plugin ABI: provider packs as shared libraries.
 *
 * A provider pack built outside seedforge is a shared library (.so) that
 * exports one C function, `seedforge_plugin`, returning a descriptor of the
 * pack: its name and its providers, each with its fields, parameters and
 * create / destroy / fill callbacks. seedforge loads it with `--plugin PATH`
 * or SEEDFORGE_PLUGIN_PATH and registers its providers next to the built-in
 * ones; a domain column then names them like any provider
 * (`provider: eu_vat.number`).
 *
 * This header is C (C99 and C++ both compile it): only C types cross the
 * boundary, and no exception may leave a callback. Every struct is plain
 * data owned by whoever made it: the descriptor and the specs by the plugin
 * (they must live as long as the library is loaded), the fill arguments and
 * the column views by seedforge (valid during the call only).
 *
 * Versioning (docs/plugins.md): SEEDFORGE_PLUGIN_ABI_VERSION changes when a
 * struct changes in a way an older plugin or host cannot read; seedforge
 * refuses a plugin built for another version. Within a version, new members
 * are only ever appended to the end of the host API struct (seedforge_host);
 * a plugin that uses one checks `host->struct_size` first.
 *
 * Determinism: a provider draws its random numbers only from the stream the
 * host gives it for a row (`host->stream_init(&s, args->key, row)`), the
 * same counter-based SplitMix64 stream as the built-in providers, so its
 * values are a pure function of (key, row, parameters, inputs) and the same
 * at any thread count. No global state, no clock, no rand().
 *
 * Thread safety: `fill` is called concurrently from several threads on the
 * same instance; an instance is read-only after `create`.
 */
#ifndef SEEDFORGE_PLUGIN_ABI_H_
#define SEEDFORGE_PLUGIN_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header's structs. A plugin puts it in its descriptor;
 * seedforge loads only plugins of its own version. */
#define SEEDFORGE_PLUGIN_ABI_VERSION 1

/* The symbol every plugin exports (see SEEDFORGE_PLUGIN_ENTRY below). */
#define SEEDFORGE_PLUGIN_SYMBOL "seedforge_plugin"

/* Kinds of values, as seedforge's ValueKind. Where each kind's values live
 * in a column view is said by the column structs below. */
enum {
  SEEDFORGE_KIND_INT = 0,       /* ints: integer */
  SEEDFORGE_KIND_FLOAT = 1,     /* floats: IEEE double */
  SEEDFORGE_KIND_DECIMAL = 2,   /* ints: unscaled value, `scale` digits after the point */
  SEEDFORGE_KIND_TEXT = 3,      /* text: UTF-8 */
  SEEDFORGE_KIND_BOOL = 4,      /* ints: 0 or 1 */
  SEEDFORGE_KIND_DATE = 5,      /* ints: days since 1970-01-01 */
  SEEDFORGE_KIND_TIMESTAMP = 6, /* ints: microseconds since 1970-01-01T00:00:00Z */
  SEEDFORGE_KIND_UUID = 7       /* text: canonical 36-character form */
};

/* ---- Host services ------------------------------------------------------ */

/* The random numbers of one row of one stream family. Opaque: use only the
 * host's functions on it; a value on the stack, one per row. */
typedef struct seedforge_stream {
  uint64_t state;
} seedforge_stream;

typedef struct seedforge_column_out seedforge_column_out;

/* What seedforge gives a plugin: the random stream every provider uses, the
 * keyed permutation unique fields use, and the text output. Passed to
 * `create` and to every `fill`; valid while the plugin is loaded. */
typedef struct seedforge_host {
  uint32_t struct_size; /* sizeof(seedforge_host) of the host: newer hosts append members */
  uint32_t abi_version; /* SEEDFORGE_PLUGIN_ABI_VERSION of the host */

  /* The stream of `row` in the family `key` (FillArgs' key): draws made
   * from it depend on nothing else. */
  void (*stream_init)(seedforge_stream* stream, uint64_t key, uint64_t row);
  uint64_t (*stream_next)(seedforge_stream* stream);        /* 64 random bits */
  double (*stream_uniform)(seedforge_stream* stream);       /* [0, 1), 53 bits */
  uint64_t (*stream_below)(seedforge_stream* stream, uint64_t n);              /* [0, n), n > 0 */
  int64_t (*stream_between)(seedforge_stream* stream, int64_t lo, int64_t hi); /* [lo, hi] */
  double (*stream_normal)(seedforge_stream* stream);        /* standard normal */

  /* A keyed bijection of [0, n) (Feistel with cycle walking): a unique field
   * maps row r to value number permute(key, n, r) of its n values, so values
   * are distinct by construction. REQUIRES: i < n. */
  uint64_t (*permute)(uint64_t key, uint64_t n, uint64_t i);

  /* Sets value `i` of a text or uuid output to `size` bytes of UTF-8 at
   * `data` (copied). Invalid UTF-8, or more characters than the field's
   * max_length, fails the fill with a message naming the provider. */
  void (*set_text)(seedforge_column_out* column, size_t i, const char* data, size_t size);
} seedforge_host;

/* ---- What a provider declares --------------------------------------------- */

typedef struct seedforge_field_spec {
  const char* name;        /* "number": a column names it `provider: NAME.FIELD` */
  int32_t kind;            /* SEEDFORGE_KIND_* */
  int32_t max_length;      /* longest text in characters; 0 when unbounded */
  int32_t scale;           /* SEEDFORGE_KIND_DECIMAL: digits after the point */
  const char* description;
} seedforge_field_spec;

typedef struct seedforge_param_spec {
  const char* name;
  const char* description;
  const char* default_value; /* as shown in help; NULL or "" when none */
  int32_t is_column;         /* 1: names a column of the same row, passed to fill as an input */
} seedforge_param_spec;

/* What the run knows besides the parameters (ProviderContext). */
typedef struct seedforge_context {
  int64_t today;       /* reference date, days since 1970-01-01 (--as-of) */
  int32_t has_window;  /* 1 when the simulation window below is set */
  int64_t window_from; /* microseconds since 1970-01-01, inclusive */
  int64_t window_to;
} seedforge_context;

/* One parameter as the domain file wrote it. */
enum { SEEDFORGE_PARAM_SCALAR = 0, SEEDFORGE_PARAM_LIST = 1, SEEDFORGE_PARAM_MAP = 2 };
typedef struct seedforge_param {
  const char* name;
  int32_t type;        /* SEEDFORGE_PARAM_* */
  const char* scalar;  /* SCALAR: the value as written; NULL otherwise */
  size_t count;        /* LIST, MAP: number of items */
  const char* const* keys;   /* MAP: item keys; NULL otherwise */
  const char* const* values; /* LIST, MAP: item values (scalars) */
} seedforge_param;

/* Where `create` reports bad parameters. Write a message (UTF-8, at most
 * message_size bytes with its NUL) and, when one parameter is at fault, its
 * name in `param` (seedforge then points at that parameter's line in the
 * domain file); return nonzero. */
typedef struct seedforge_error {
  char* message;
  size_t message_size;
  const char* param; /* set by the plugin: a static string or a seedforge_param name; NULL = the column */
} seedforge_error;

/* ---- Fill: the hot path ------------------------------------------------- */

/* A text value of an input column: `size` bytes of UTF-8, not NUL-terminated. */
typedef struct seedforge_text {
  const char* data;
  size_t size;
} seedforge_text;

/* An input column (a parameter with is_column), aligned with the rows. */
typedef struct seedforge_column_in {
  int32_t present;             /* 0: the parameter was not given; nothing else is set */
  int32_t kind;                /* SEEDFORGE_KIND_* */
  int32_t scale;               /* DECIMAL */
  const int64_t* ints;         /* INT, DECIMAL, BOOL, DATE, TIMESTAMP; else NULL */
  const double* floats;        /* FLOAT; else NULL */
  const seedforge_text* texts; /* TEXT, UUID; else NULL */
  const uint8_t* nulls;        /* 1 = NULL; NULL (or all 0) when no value of these rows is NULL */
} seedforge_column_in;

/* An output: one per field of the provider, aligned with the rows. Numbers,
 * dates and booleans are written into `ints` or `floats`, text through
 * host->set_text; nulls[i] = 1 makes value i NULL. */
struct seedforge_column_out {
  int32_t wanted;  /* 0: no column asked for this field; nothing else is set, skip it */
  int32_t kind;    /* the field's kind */
  int32_t scale;   /* DECIMAL: write unscaled values with this many digits after the point */
  int32_t unique;  /* 1: values must be distinct over all rows of the entity (see permute) */
  int64_t* ints;   /* INT, DECIMAL, BOOL (0/1), DATE, TIMESTAMP: row_count values; else NULL */
  double* floats;  /* FLOAT: row_count values; else NULL */
  uint8_t* nulls;  /* row_count flags, all 0 on entry */
  void* host_column; /* seedforge's; do not touch */
};

typedef struct seedforge_fill_args {
  const uint64_t* rows;  /* row numbers within the entity (not contiguous in general) */
  size_t row_count;
  uint64_t key;          /* the stream family of this provider instance */
  const seedforge_column_in* inputs; /* one per is_column parameter, in declaration order */
  size_t input_count;
  seedforge_column_out* outputs;     /* one per field, in declaration order */
  size_t output_count;
  const seedforge_host* host;
} seedforge_fill_args;

/* ---- The descriptor ------------------------------------------------------- */

typedef struct seedforge_provider {
  const char* name;     /* unique among all providers, built-in ones included */
  int32_t version;      /* bump when the same seed gives different values */
  const char* summary;  /* one line for `seedforge list providers` */
  const seedforge_field_spec* fields; /* the first is the default field */
  size_t field_count;                 /* >= 1 */
  const seedforge_param_spec* params;
  size_t param_count;
  const char* example;  /* a domain-file snippet; may be NULL */

  /* Makes an instance for one group of columns from their parameters.
   * Returns 0 and sets *instance (may stay NULL for a stateless provider),
   * or nonzero with error->message filled. REQUIRED. */
  int (*create)(const seedforge_param* params, size_t param_count, const seedforge_context* context,
                const seedforge_host* host, void** instance, seedforge_error* error);
  /* Frees an instance; may be NULL. */
  void (*destroy)(void* instance);
  /* Fills args->outputs for args->rows. Returns 0, or nonzero with a
   * message in `error` (a bug: seedforge stops with it). REQUIRED. */
  int (*fill)(const void* instance, const seedforge_fill_args* args, seedforge_error* error);
  /* How many distinct values `field` can take with these parameters, when
   * the provider can make it unique (UINT64_MAX: more than any plan will ask
   * for); 0 when it cannot. May be NULL: no field can be unique. */
  uint64_t (*unique_space)(const void* instance, size_t field);
  /* Longest value of a text field with these parameters, in characters,
   * when shorter than its spec's max_length; 0: the spec's. May be NULL. */
  size_t (*max_length)(const void* instance, size_t field);
} seedforge_provider;

typedef struct seedforge_pack {
  uint32_t abi_version;   /* SEEDFORGE_PLUGIN_ABI_VERSION: read first, whatever the version */
  uint32_t provider_size; /* sizeof(seedforge_provider): the stride of `providers` */
  const char* pack;       /* the pack's name, shown by `list providers` ("eu_vat") */
  const char* pack_version; /* free text ("1.0.0"), for the pack's users; may be NULL */
  const seedforge_provider* providers;
  size_t provider_count;
} seedforge_pack;

/* The entry point: returns the pack's descriptor (static storage), or NULL
 * when the plugin cannot run with this host (it may read host->abi_version). */
typedef const seedforge_pack* (*seedforge_plugin_fn)(const seedforge_host* host);

#if defined(_WIN32)
#define SEEDFORGE_PLUGIN_EXPORT __declspec(dllexport)
#else
#define SEEDFORGE_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
#define SEEDFORGE_PLUGIN_EXTERN_C extern "C"
#else
#define SEEDFORGE_PLUGIN_EXTERN_C
#endif

/* Defines the entry point: SEEDFORGE_PLUGIN_ENTRY(host) { return &my_pack; } */
#define SEEDFORGE_PLUGIN_ENTRY(host_param) \
  SEEDFORGE_PLUGIN_EXTERN_C SEEDFORGE_PLUGIN_EXPORT const seedforge_pack* seedforge_plugin(const seedforge_host* host_param)

#ifdef __cplusplus
}
#endif

#endif /* SEEDFORGE_PLUGIN_ABI_H_ */
