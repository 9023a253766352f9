/* The campaign config: "key = value" lines, and the same keys as flags. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/campaign.h"
#include "ftsa/fileio.h"
#include "ftsa/numparse.h"

static const char *const keys[] = {
    "model", "backend", "data", "out", "faults", "tensors", "layers", "bits", "ber", "count",
    "trials", "margin", "confidence", "images", "first", "seed", "per_layer", "per_memory",
    "array", "space", "memory", "words", NULL,
};

const char *const *ftsa_camp_config_keys(void)
{
    return keys;
}

void ftsa_camp_config_defaults(ftsa_camp_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->backend, sizeof cfg->backend, "cmodel");
    snprintf(cfg->out, sizeof cfg->out, "campaign-out");
    cfg->kinds = 1u << FTSA_FAULT_FLIP;
    cfg->tensors = 1u << FTSA_TENSOR_WEIGHTS;
    cfg->bits = FTSA_CAMP_BITS_ALL;
    cfg->mode = FTSA_CAMP_MODE_BER;
    /* 1e-5, 3e-5, ..., 1e-1, 3e-1: LeNet-5 goes from intact to chance over this range. */
    static const double ber[] = {1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1};
    cfg->n_rates = sizeof ber / sizeof ber[0];
    memcpy(cfg->rates, ber, sizeof ber);
    cfg->trials = 10;
    cfg->margin = 0.05;
    cfg->confidence = 0.95;
    cfg->images = 500;
    cfg->first = 0;
    cfg->seed = 1;
    cfg->per_layer = 1;
    cfg->per_memory = 0;
    cfg->array_n = 8;
}

#define BAD(...) ftsa_fail(err, FTSA_E_INVALID, __VA_ARGS__)

/* Split value at commas and blanks; calls fn for each non-empty item. */
typedef ftsa_status_t (*item_fn)(void *ctx, const char *item, const char *where, const char *key,
                                 ftsa_err_t *err);

static ftsa_status_t for_items(const char *value, item_fn fn, void *ctx, const char *where,
                               const char *key, ftsa_err_t *err)
{
    char buf[4096];
    if (strlen(value) >= sizeof buf)
        return BAD("%s: key '%s': value is longer than %zu characters", where, key, sizeof buf - 1);
    strcpy(buf, value);
    int any = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ", \t", &save); tok;
         tok = strtok_r(NULL, ", \t", &save)) {
        ftsa_status_t st = fn(ctx, tok, where, key, err);
        if (st)
            return st;
        any = 1;
    }
    if (!any)
        return BAD("%s: key '%s': empty value", where, key);
    return FTSA_OK;
}

/* Decimal or 0x hex only (ftsa/numparse.h): "010" is refused, never octal. */
#define INT_SYNTAX " (integers are decimal or 0x hex, without a leading zero)"

static int parse_u64(const char *s, uint64_t *out)
{
    return ftsa_parse_u64(s, out) ? -1 : 0;
}

static int parse_u32(const char *s, uint32_t *out)
{
    uint64_t v;
    if (ftsa_parse_uint(s, UINT32_MAX, &v))
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_double(const char *s, double *out)
{
    return ftsa_parse_double(s, out) ? -1 : 0;
}

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"on", "yes", "true", "1"}, *const no[] = {"off", "no", "false", "0"};
    for (int i = 0; i < 4; i++) {
        if (!strcmp(s, yes[i]))
            return *out = 1, 0;
        if (!strcmp(s, no[i]))
            return *out = 0, 0;
    }
    return -1;
}

static ftsa_status_t kind_item(void *ctx, const char *item, const char *where, const char *key,
                               ftsa_err_t *err)
{
    static const char *const names[] = {"sa0", "sa1", "flip"};
    for (uint32_t k = 0; k < 3; k++)
        if (!strcmp(item, names[k])) {
            *(uint32_t *)ctx |= 1u << k;
            return FTSA_OK;
        }
    return BAD("%s: key '%s': unknown fault kind '%s' (campaigns use sa0, sa1, flip)", where, key,
               item);
}

static ftsa_status_t tensor_item(void *ctx, const char *item, const char *where, const char *key,
                                 ftsa_err_t *err)
{
    static const char *const names[] = {"weights", "bias", "act"};
    for (uint32_t t = 0; t < FTSA_TENSOR_COUNT; t++)
        if (!strcmp(item, names[t])) {
            *(uint32_t *)ctx |= 1u << t;
            return FTSA_OK;
        }
    return BAD("%s: key '%s': unknown tensor '%s' (weights, bias, act)", where, key, item);
}

static ftsa_status_t layer_item(void *ctx, const char *item, const char *where, const char *key,
                                ftsa_err_t *err)
{
    ftsa_camp_config_t *cfg = ctx;
    uint32_t l;
    if (parse_u32(item, &l) || l >= FTSA_MAX_LAYERS)
        return BAD("%s: key '%s': '%s' is not a layer index (0..%u) or 'all'" INT_SYNTAX, where, key, item,
                   FTSA_MAX_LAYERS - 1);
    for (uint32_t i = 0; i < cfg->n_layers; i++)
        if (cfg->layers[i] == l)
            return BAD("%s: key '%s': layer %u listed twice", where, key, l);
    if (cfg->n_layers == FTSA_CAMP_MAX_LAYERS)
        return BAD("%s: key '%s': more than %u layers", where, key, FTSA_CAMP_MAX_LAYERS);
    cfg->layers[cfg->n_layers++] = l;
    return FTSA_OK;
}

static ftsa_status_t bit_item(void *ctx, const char *item, const char *where, const char *key,
                              ftsa_err_t *err)
{
    uint32_t lo, hi;
    char a[32], b[32];
    const char *dash = strchr(item, '-');
    if (dash && (size_t)(dash - item) < sizeof a && strlen(dash + 1) < sizeof b) {
        memcpy(a, item, dash - item);
        a[dash - item] = '\0';
        strcpy(b, dash + 1);
    } else if (!dash && strlen(item) < sizeof a) {
        strcpy(a, item);
        strcpy(b, item);
    } else {
        a[0] = '\0';
    }
    if (parse_u32(a, &lo) || parse_u32(b, &hi) || lo > hi || hi > 31)
        return BAD("%s: key '%s': '%s' is not a bit (0..31), a range like 4-7, 'msb' or 'all'" INT_SYNTAX,
                   where, key, item);
    for (uint32_t i = lo; i <= hi; i++)
        *(uint32_t *)ctx |= 1u << i;
    return FTSA_OK;
}

typedef struct {
    ftsa_camp_config_t *cfg;
    int counts;
} rate_ctx_t;

static ftsa_status_t rate_item(void *ctx, const char *item, const char *where, const char *key,
                               ftsa_err_t *err)
{
    rate_ctx_t *rc = ctx;
    ftsa_camp_config_t *cfg = rc->cfg;
    double v;
    if (parse_double(item, &v))
        return BAD("%s: key '%s': '%s' is not a number", where, key, item);
    if (rc->counts ? (v < 0 || v != floor(v) || v > 4294967295.0) : !(v > 0.0 && v <= 1.0))
        return BAD("%s: key '%s': %s is not %s", where, key, item,
                   rc->counts ? "a fault count (integer >= 0)" : "a bit error rate in (0, 1]");
    if (cfg->n_rates == FTSA_CAMP_MAX_RATES)
        return BAD("%s: key '%s': more than %u values", where, key, FTSA_CAMP_MAX_RATES);
    cfg->rates[cfg->n_rates++] = v;
    return FTSA_OK;
}

/* "logspace(A, B, N)": N values from A to B evenly spaced in log10. */
static ftsa_status_t parse_logspace(rate_ctx_t *rc, const char *value, const char *where,
                                    const char *key, ftsa_err_t *err)
{
    double a, b;
    unsigned n;
    char tail;
    if (sscanf(value, "logspace ( %lf , %lf , %u ) %c", &a, &b, &n, &tail) != 3 || !(a > 0) ||
        !(b > a) || n < 2 || n > FTSA_CAMP_MAX_RATES)
        return BAD("%s: key '%s': '%s' is not logspace(A, B, N) with 0 < A < B and 2 <= N <= %u",
                   where, key, value, FTSA_CAMP_MAX_RATES);
    for (unsigned i = 0; i < n; i++) {
        double v = pow(10.0, log10(a) + (log10(b) - log10(a)) * i / (n - 1));
        if (i == n - 1)
            v = b;
        if (rc->counts)
            v = round(v);
        char text[64];
        snprintf(text, sizeof text, "%.17g", v);
        if (rc->cfg->n_rates && rc->counts && rc->cfg->rates[rc->cfg->n_rates - 1] == v)
            continue; /* rounding merged two counts */
        ftsa_status_t st = rate_item(rc, text, where, key, err);
        if (st)
            return st;
    }
    return FTSA_OK;
}

static ftsa_status_t set_rates(ftsa_camp_config_t *cfg, int counts, const char *value,
                               const char *where, const char *key, ftsa_err_t *err)
{
    ftsa_camp_config_t tmp = *cfg;
    tmp.n_rates = 0;
    memset(tmp.rates, 0, sizeof tmp.rates);
    rate_ctx_t rc = {&tmp, counts};
    ftsa_status_t st = !strncmp(value, "logspace", 8) ? parse_logspace(&rc, value, where, key, err)
                                                       : for_items(value, rate_item, &rc, where, key, err);
    if (st)
        return st;
    for (uint32_t i = 1; i < tmp.n_rates; i++)
        if (!(tmp.rates[i] > tmp.rates[i - 1]))
            return BAD("%s: key '%s': values must be strictly increasing (%g after %g)", where, key,
                       tmp.rates[i], tmp.rates[i - 1]);
    tmp.mode = counts ? FTSA_CAMP_MODE_COUNT : FTSA_CAMP_MODE_BER;
    *cfg = tmp;
    return FTSA_OK;
}

static ftsa_status_t set_string(char *dst, size_t size, const char *value, const char *where,
                                const char *key, ftsa_err_t *err)
{
    if (!*value)
        return BAD("%s: key '%s': empty value", where, key);
    if (strlen(value) >= size)
        return BAD("%s: key '%s': longer than %zu characters", where, key, size - 1);
    strcpy(dst, value);
    return FTSA_OK;
}

ftsa_status_t ftsa_camp_config_set(ftsa_camp_config_t *cfg, const char *key, const char *value,
                                   const char *where, ftsa_err_t *err)
{
    uint32_t u;
    double d;
    if (!strcmp(key, "model"))
        return set_string(cfg->model, sizeof cfg->model, value, where, key, err);
    if (!strcmp(key, "backend"))
        return set_string(cfg->backend, sizeof cfg->backend, value, where, key, err);
    if (!strcmp(key, "data"))
        return set_string(cfg->data, sizeof cfg->data, value, where, key, err);
    if (!strcmp(key, "out"))
        return set_string(cfg->out, sizeof cfg->out, value, where, key, err);
    if (!strcmp(key, "faults")) {
        uint32_t m = 0;
        ftsa_status_t st = for_items(value, kind_item, &m, where, key, err);
        if (!st)
            cfg->kinds = m;
        return st;
    }
    if (!strcmp(key, "tensors")) {
        uint32_t m = 0;
        ftsa_status_t st = for_items(value, tensor_item, &m, where, key, err);
        if (!st)
            cfg->tensors = m;
        return st;
    }
    if (!strcmp(key, "space")) {
        if (strcmp(value, "tensor") && strcmp(value, "sram"))
            return BAD("%s: key 'space': '%s' is not tensor or sram", where, value);
        cfg->sram = !strcmp(value, "sram");
        return FTSA_OK;
    }
    if (!strcmp(key, "memory")) {
        for (uint32_t m = 0; m < FTSA_MEM_COUNT; m++)
            if (!strcmp(value, ftsa_mem_name((ftsa_mem_t)m))) {
                cfg->memory = (ftsa_mem_t)m;
                return FTSA_OK;
            }
        return BAD("%s: key 'memory': '%s' is not weight, act, acc, param or thr", where, value);
    }
    if (!strcmp(key, "words")) {
        uint64_t a, z;
        if (!strcmp(value, "all")) {
            cfg->words_first = cfg->words_count = 0;
            return FTSA_OK;
        }
        char first[32];
        const char *dash = strchr(value, '-');
        size_t alen = dash ? (size_t)(dash - value) : 0;
        if (alen < sizeof first) {
            memcpy(first, value, alen);
            first[alen] = '\0';
        }
        if (!dash || alen >= sizeof first || ftsa_parse_u64(first, &a) ||
            ftsa_parse_u64(dash + 1, &z) || z < a || z >= UINT32_MAX)
            return BAD("%s: key 'words': '%s' is not 'all' or a range A-B" INT_SYNTAX, where,
                       value);
        cfg->words_first = (uint32_t)a;
        cfg->words_count = (uint32_t)(z - a + 1);
        return FTSA_OK;
    }
    if (!strcmp(key, "layers")) {
        ftsa_camp_config_t tmp = *cfg;
        tmp.n_layers = 0;
        memset(tmp.layers, 0, sizeof tmp.layers);
        if (!strcmp(value, "all")) {
            *cfg = tmp;
            return FTSA_OK;
        }
        ftsa_status_t st = for_items(value, layer_item, &tmp, where, key, err);
        if (!st)
            *cfg = tmp;
        return st;
    }
    if (!strcmp(key, "bits")) {
        if (!strcmp(value, "all") || !strcmp(value, "msb")) {
            cfg->bits = value[0] == 'a' ? FTSA_CAMP_BITS_ALL : FTSA_CAMP_BITS_MSB;
            cfg->bit_mask = 0;
            return FTSA_OK;
        }
        uint32_t m = 0;
        ftsa_status_t st = for_items(value, bit_item, &m, where, key, err);
        if (!st) {
            cfg->bits = FTSA_CAMP_BITS_MASK;
            cfg->bit_mask = m;
        }
        return st;
    }
    if (!strcmp(key, "ber") || !strcmp(key, "count"))
        return set_rates(cfg, key[0] == 'c', value, where, key, err);
    if (!strcmp(key, "trials")) {
        if (!strcmp(value, "auto")) {
            cfg->trials = 0;
            return FTSA_OK;
        }
        if (parse_u32(value, &u) || u < 1 || u > FTSA_CAMP_MAX_TRIALS)
            return BAD("%s: key 'trials': '%s' is not 'auto' or an integer in 1..%u" INT_SYNTAX, where, value,
                       FTSA_CAMP_MAX_TRIALS);
        cfg->trials = u;
        return FTSA_OK;
    }
    if (!strcmp(key, "margin") || !strcmp(key, "confidence")) {
        if (parse_double(value, &d) || !(d > 0.0 && d < 1.0))
            return BAD("%s: key '%s': '%s' is not a number in (0, 1)", where, key, value);
        *(key[0] == 'm' ? &cfg->margin : &cfg->confidence) = d;
        return FTSA_OK;
    }
    if (!strcmp(key, "images") || !strcmp(key, "first")) {
        int images = key[0] == 'i';
        if (parse_u32(value, &u) || (images && u < 1))
            return BAD("%s: key '%s': '%s' is not %s" INT_SYNTAX, where, key, value,
                       images ? "a positive integer" : "a non-negative integer");
        *(images ? &cfg->images : &cfg->first) = u;
        return FTSA_OK;
    }
    if (!strcmp(key, "seed")) {
        uint64_t s;
        if (parse_u64(value, &s))
            return BAD("%s: key 'seed': '%s' is not a non-negative integer" INT_SYNTAX, where, value);
        cfg->seed = s;
        return FTSA_OK;
    }
    if (!strcmp(key, "per_layer") || !strcmp(key, "per_memory")) {
        int b;
        if (parse_bool(value, &b))
            return BAD("%s: key '%s': '%s' is not on or off", where, key, value);
        *(key[4] == 'l' ? &cfg->per_layer : &cfg->per_memory) = b;
        return FTSA_OK;
    }
    if (!strcmp(key, "array")) {
        if (parse_u32(value, &u) || u < 2 || u > 64)
            return BAD("%s: key 'array': '%s' is not an integer in 2..64" INT_SYNTAX, where, value);
        cfg->array_n = u;
        return FTSA_OK;
    }
    char list[512] = "";
    for (const char *const *k = keys; *k; k++) {
        strncat(list, k == keys ? "" : ", ", sizeof list - strlen(list) - 1);
        strncat(list, *k, sizeof list - strlen(list) - 1);
    }
    return BAD("%s: unknown key '%s' (keys: %s)", where, key, list);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

ftsa_status_t ftsa_camp_config_set_flag(ftsa_camp_config_t *cfg, const char *flag,
                                        const char *value, ftsa_err_t *err)
{
    char key[64], where[96];
    size_t n = strlen(flag);
    if (n >= sizeof key)
        return BAD("unknown option '--%s'", flag);
    for (size_t i = 0; i <= n; i++)
        key[i] = flag[i] == '-' ? '_' : flag[i];
    snprintf(where, sizeof where, "command line (--%s)", key);
    return ftsa_camp_config_set(cfg, key, value, where, err);
}

ftsa_status_t ftsa_camp_config_parse(ftsa_camp_config_t *cfg, const char *text, size_t len,
                                     const char *name, ftsa_err_t *err)
{
    char line[4096];
    unsigned lineno = 0;
    ftsa_status_t st = FTSA_OK;
    for (size_t pos = 0; pos < len && !st;) {
        lineno++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t llen = nl ? (size_t)(nl - (text + pos)) : len - pos;
        char where[FTSA_CAMP_PATH_LEN + 32];
        snprintf(where, sizeof where, "%s:%u", name, lineno);
        if (llen >= sizeof line - 1)
            return ftsa_fail(err, FTSA_E_FORMAT, "%s: line longer than %zu characters", where,
                             sizeof line - 2);
        /* A NUL would end the line's text early and hide what follows it. */
        const char *nul = memchr(text + pos, '\0', llen);
        if (nul)
            return ftsa_fail(err, FTSA_E_FORMAT, "%s: NUL byte at column %zu: not a text file",
                             where, (size_t)(nul - (text + pos)) + 1);
        memcpy(line, text + pos, llen);
        line[llen] = '\0';
        pos += llen + 1;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            return ftsa_fail(err, FTSA_E_FORMAT, "%s: expected 'key = value', got '%s'", where, s);
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        st = ftsa_camp_config_set(cfg, key, value, where, err);
    }
    return st;
}

ftsa_status_t ftsa_camp_config_read(ftsa_camp_config_t *cfg, const char *path, ftsa_err_t *err)
{
    uint8_t *buf;
    size_t len;
    ftsa_status_t st = ftsa_read_file(path, FTSA_CAMP_CONFIG_MAX, &buf, &len, err);
    if (st)
        return st;
    st = ftsa_camp_config_parse(cfg, (const char *)buf, len, path, err);
    free(buf);
    return st;
}

ftsa_status_t ftsa_camp_config_check(const ftsa_camp_config_t *cfg, ftsa_err_t *err)
{
    if (!cfg->model[0])
        return BAD("key 'model' is not set");
    if (!cfg->kinds)
        return BAD("key 'faults' selects no fault kind");
    if (!cfg->tensors)
        return BAD("key 'tensors' selects no tensor");
    if (!cfg->n_rates)
        return BAD("neither key 'ber' nor key 'count' lists a value");
    if (cfg->bits == FTSA_CAMP_BITS_MASK && !cfg->bit_mask)
        return BAD("key 'bits' selects no bit");
    if (cfg->bits == FTSA_CAMP_BITS_MASK && (cfg->bit_mask >> 8) && !cfg->sram &&
        (cfg->tensors & ~(1u << FTSA_TENSOR_BIAS)))
        return BAD("key 'bits': bits above 7 exist only in the 32-bit bias, but key 'tensors' "
                   "also selects an 8-bit tensor");
    return FTSA_OK;
}

/* The shortest text that reads back as v: 0.95, not 0.94999999999999996. */
static void write_double(FILE *out, double v)
{
    char buf[32];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, out);
}

void ftsa_camp_config_write(const ftsa_camp_config_t *cfg, FILE *out)
{
    static const char *const kinds[] = {"sa0", "sa1", "flip"};
    static const char *const tensors[] = {"weights", "bias", "act"};
    fprintf(out, "model = %s\nbackend = %s\n", cfg->model, cfg->backend);
    if (cfg->data[0])
        fprintf(out, "data = %s\n", cfg->data);
    fprintf(out, "out = %s\nfaults =", cfg->out);
    for (uint32_t k = 0; k < 3; k++)
        if (cfg->kinds >> k & 1)
            fprintf(out, " %s", kinds[k]);
    fprintf(out, "\ntensors =");
    for (uint32_t t = 0; t < FTSA_TENSOR_COUNT; t++)
        if (cfg->tensors >> t & 1)
            fprintf(out, " %s", tensors[t]);
    fprintf(out, "\nlayers =");
    if (!cfg->n_layers)
        fprintf(out, " all");
    for (uint32_t i = 0; i < cfg->n_layers; i++)
        fprintf(out, " %u", cfg->layers[i]);
    fprintf(out, "\nbits =");
    if (cfg->bits == FTSA_CAMP_BITS_MASK) {
        for (uint32_t b = 0; b < 32; b++)
            if (cfg->bit_mask >> b & 1)
                fprintf(out, " %u", b);
    } else {
        fprintf(out, " %s", cfg->bits == FTSA_CAMP_BITS_MSB ? "msb" : "all");
    }
    fprintf(out, "\n%s =", cfg->mode == FTSA_CAMP_MODE_BER ? "ber" : "count");
    for (uint32_t i = 0; i < cfg->n_rates; i++) {
        fprintf(out, "%s ", i ? "," : "");
        write_double(out, cfg->rates[i]);
    }
    if (cfg->trials)
        fprintf(out, "\ntrials = %u\n", cfg->trials);
    else
        fprintf(out, "\ntrials = auto\n");
    fprintf(out, "margin = ");
    write_double(out, cfg->margin);
    fprintf(out, "\nconfidence = ");
    write_double(out, cfg->confidence);
    fprintf(out,
            "\nimages = %u\nfirst = %u\nseed = %llu\n"
            "per_layer = %s\nper_memory = %s\narray = %u\n",
            cfg->images, cfg->first, (unsigned long long)cfg->seed,
            cfg->per_layer ? "on" : "off", cfg->per_memory ? "on" : "off", cfg->array_n);
    if (cfg->sram) {
        fprintf(out, "space = sram\nmemory = %s\nwords = ", ftsa_mem_name(cfg->memory));
        if (cfg->words_count)
            fprintf(out, "%u-%llu\n", cfg->words_first,
                    (unsigned long long)cfg->words_first + cfg->words_count - 1);
        else
            fprintf(out, "all\n");
    }
}
