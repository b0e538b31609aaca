/* eu_vat: a seedforge provider pack, built outside seedforge, of EU VAT
 * identification numbers with valid check digits.
 *
 * Countries and their rules (each number is the country prefix, then):
 *   BE  10 digits, first 0 or 1; the last two are 97 - (first eight mod 97)
 *       (Belgian enterprise number, SPF Finances).
 *   DE  9 digits, first 1-9; the ninth is the ISO 7064 MOD 11,10 check digit
 *       of the first eight (Bundeszentralamt fuer Steuern, USt-IdNr.).
 *   FR  a 2-digit key, then the 9-digit SIREN (8 digits and a Luhn digit);
 *       key = (12 + 3 * (SIREN mod 97)) mod 97 (DGFiP).
 *   IT  11 digits: 7 of the company, 3 of the provincial office (001-100),
 *       and a Luhn check digit over the first ten (partita IVA).
 *   NL  9 digits, "B", 2 digits: the ninth digit is sum(d_i * (10 - i)),
 *       i = 1..8, mod 11, never 10 (the pre-2020 "elfproef" format that
 *       every VIES validator still accepts); the suffix is B01.
 *
 * Values are a pure function of (stream key, row, parameters, input): every
 * draw comes from the host's stream of the row. With `unique`, row r takes
 * value number permute(r) of the countries' joint value space (not with NL,
 * whose rejected check digit 10 leaves gaps, nor with `country_from`).
 */
#include <seedforge/plugin_abi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BE, DE, FR, IT, NL, COUNTRY_COUNT };
static const char* const kCodes[COUNTRY_COUNT] = {"BE", "DE", "FR", "IT", "NL"};
/* Distinct numbers each rule can make from its free digits. */
static const uint64_t kSpace[COUNTRY_COUNT] = {20000000ULL, 90000000ULL, 100000000ULL, 1000000000ULL, 100000000ULL};

typedef struct instance {
  int countries[COUNTRY_COUNT];
  int count;
  uint64_t total; /* sum of the chosen countries' spaces */
  int has_from;   /* country_from given: the country is the row's, not drawn */
} instance;

static int find_country(const char* text, size_t size) {
  if (size != 2) return -1;
  for (int c = 0; c < COUNTRY_COUNT; ++c) {
    if ((text[0] & ~0x20) == kCodes[c][0] && (text[1] & ~0x20) == kCodes[c][1]) return c;
  }
  return -1;
}

static int add_country(instance* inst, const char* text, size_t size, seedforge_error* error) {
  while (size > 0 && *text == ' ') ++text, --size;
  while (size > 0 && text[size - 1] == ' ') --size;
  int c = find_country(text, size);
  if (c < 0) {
    snprintf(error->message, error->message_size, "unknown country '%.*s' (known: BE, DE, FR, IT, NL)", (int)size, text);
    error->param = "countries";
    return 1;
  }
  for (int i = 0; i < inst->count; ++i) {
    if (inst->countries[i] == c) return 0;
  }
  inst->countries[inst->count++] = c;
  inst->total += kSpace[c];
  return 0;
}

static int vat_create(const seedforge_param* params, size_t param_count, const seedforge_context* context,
                      const seedforge_host* host, void** out, seedforge_error* error) {
  (void)context;
  (void)host;
  instance* inst = calloc(1, sizeof *inst);
  if (inst == NULL) return 1;
  for (size_t p = 0; p < param_count; ++p) {
    if (strcmp(params[p].name, "country_from") == 0) inst->has_from = 1;
    if (strcmp(params[p].name, "countries") != 0) continue;
    if (params[p].type == SEEDFORGE_PARAM_LIST) {
      for (size_t i = 0; i < params[p].count; ++i) {
        if (add_country(inst, params[p].values[i], strlen(params[p].values[i]), error)) goto fail;
      }
    } else if (params[p].type == SEEDFORGE_PARAM_SCALAR) {
      const char* s = params[p].scalar;
      while (*s) {
        size_t n = strcspn(s, ",");
        if (n > 0 && add_country(inst, s, n, error)) goto fail;
        s += n + (s[n] == ',');
      }
    } else {
      snprintf(error->message, error->message_size, "expects a list of country codes");
      error->param = "countries";
      goto fail;
    }
  }
  if (inst->count == 0) {
    for (int c = 0; c < COUNTRY_COUNT; ++c) add_country(inst, kCodes[c], 2, error);
  }
  *out = inst;
  return 0;
fail:
  free(inst);
  return 1;
}

static void vat_destroy(void* inst) { free(inst); }

/* Writes `count` digits of v, most significant first. */
static void put_digits(char* out, uint64_t v, int count) {
  for (int i = count - 1; i >= 0; --i) {
    out[i] = (char)('0' + v % 10);
    v /= 10;
  }
}

/* The Luhn check digit of digits[0..n). */
static int luhn_digit(const char* digits, int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) {
    int d = digits[n - 1 - i] - '0';
    if (i % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2; /* from the right, doubling next to the check digit */
    sum += d;
  }
  return (10 - sum % 10) % 10;
}

/* Number `index` of country c's space, as "CC..." text; returns its length,
 * or 0 when the index has no valid number (NL's check digit 10). */
static size_t format_vat(int c, uint64_t index, char* out) {
  memcpy(out, kCodes[c], 2);
  char* d = out + 2;
  switch (c) {
    case BE: {
      uint64_t base = index; /* 0 .. 2e7-1: "0" or "1" then 7 digits */
      put_digits(d, base, 8);
      put_digits(d + 8, 97 - base % 97, 2);
      return 12;
    }
    case DE: {
      put_digits(d, 10000000ULL + index, 8); /* first digit 1-9 */
      int product = 10;
      for (int i = 0; i < 8; ++i) {
        int sum = (d[i] - '0' + product) % 10;
        if (sum == 0) sum = 10;
        product = (2 * sum) % 11;
      }
      int check = 11 - product;
      d[8] = (char)('0' + (check == 10 ? 0 : check));
      return 11;
    }
    case FR: {
      char* siren = d + 2;
      put_digits(siren, index, 8);
      siren[8] = (char)('0' + luhn_digit(siren, 8));
      const uint64_t siren_value = index * 10 + (uint64_t)(siren[8] - '0');
      put_digits(d, (12 + 3 * (siren_value % 97)) % 97, 2);
      return 13;
    }
    case IT: {
      put_digits(d, index / 100, 7);
      put_digits(d + 7, index % 100 + 1, 3); /* offices 001-100 */
      d[10] = (char)('0' + luhn_digit(d, 10));
      return 13;
    }
    case NL: {
      put_digits(d, index, 8);
      int sum = 0;
      for (int i = 0; i < 8; ++i) sum += (d[i] - '0') * (9 - i);
      if (sum % 11 == 10) return 0;
      d[8] = (char)('0' + sum % 11);
      memcpy(d + 9, "B01", 3);
      return 14;
    }
  }
  return 0;
}

static int vat_fill(const void* opaque, const seedforge_fill_args* args, seedforge_error* error) {
  const instance* inst = opaque;
  const seedforge_host* host = args->host;
  seedforge_column_out* number = &args->outputs[0];
  seedforge_column_out* country = &args->outputs[1];
  const seedforge_column_in* from = args->input_count > 0 && args->inputs[0].present ? &args->inputs[0] : NULL;
  if (from != NULL && from->kind != SEEDFORGE_KIND_TEXT) {
    snprintf(error->message, error->message_size, "country_from must name a text column");
    return 1;
  }
  const int unique = number->wanted && number->unique;
  for (size_t r = 0; r < args->row_count; ++r) {
    seedforge_stream stream;
    host->stream_init(&stream, args->key, args->rows[r]);
    int c;
    uint64_t index;
    if (from != NULL) {
      c = from->nulls && from->nulls[r] ? -1 : find_country(from->texts[r].data, from->texts[r].size);
      index = c < 0 ? 0 : host->stream_below(&stream, kSpace[c]);
    } else if (unique) {
      index = host->permute(args->key, inst->total, args->rows[r]);
      c = 0;
      while (index >= kSpace[inst->countries[c]]) index -= kSpace[inst->countries[c++]];
      c = inst->countries[c];
    } else {
      c = inst->countries[host->stream_below(&stream, (uint64_t)inst->count)];
      index = host->stream_below(&stream, kSpace[c]);
    }
    char text[16];
    size_t size = 0;
    /* NL: a draw whose check digit would be 10 takes the next number, a
     * pure function of the draw, so still of (key, row). */
    while (c >= 0 && (size = format_vat(c, index, text)) == 0) index = (index + 1) % kSpace[c];
    if (c < 0) {
      if (number->wanted) number->nulls[r] = 1;
      if (country->wanted) country->nulls[r] = 1;
      continue;
    }
    if (number->wanted) host->set_text(number, r, text, size);
    if (country->wanted) host->set_text(country, r, kCodes[c], 2);
  }
  return 0;
}

static uint64_t vat_unique_space(const void* opaque, size_t field) {
  const instance* inst = opaque;
  if (field != 0 || inst->has_from) return 0;
  for (int i = 0; i < inst->count; ++i) {
    if (inst->countries[i] == NL) return 0;
  }
  return inst->total;
}

static const seedforge_field_spec kFields[] = {
    {"number", SEEDFORGE_KIND_TEXT, 14, 0, "VAT number with its country prefix and check digits: DE123456788"},
    {"country", SEEDFORGE_KIND_TEXT, 2, 0, "ISO 3166 code of the number's country"},
};

static const seedforge_param_spec kParams[] = {
    {"country_from", "a text column holding the row's ISO country code; rows of other countries get NULL", NULL, 1},
    {"countries", "countries to draw from (list or \"DE,FR\"): BE, DE, FR, IT, NL", "all five", 0},
};

static const seedforge_provider kProviders[] = {{
    .name = "eu_vat",
    .version = 1,
    .summary = "EU VAT number (BE, DE, FR, IT, NL) with valid check digits",
    .fields = kFields,
    .field_count = 2,
    .params = kParams,
    .param_count = 2,
    .example = "vat: {type: varchar(14), provider: eu_vat.number, params: {countries: [DE, FR]}}",
    .create = vat_create,
    .destroy = vat_destroy,
    .fill = vat_fill,
    .unique_space = vat_unique_space,
    .max_length = NULL,
}};

static const seedforge_pack kPlugin = {
    .abi_version = SEEDFORGE_PLUGIN_ABI_VERSION,
    .provider_size = sizeof(seedforge_provider),
    .pack = "eu_vat",
    .pack_version = "1.0.0",
    .providers = kProviders,
    .provider_count = 1,
};

SEEDFORGE_PLUGIN_ENTRY(host) {
  (void)host;
  return &kPlugin;
}
