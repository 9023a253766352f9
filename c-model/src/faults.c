#include "ftsa/faults.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/fileio.h"
#include "ftsa/numparse.h"
#include "ftsa/rng.h"

static const char *const kind_names[] = {"sa0", "sa1", "flip", "seu", "rd"};
static const char *const mem_names[] = {"weight", "act", "acc", "param", "thr"};
static const char *const tensor_names[] = {"weights", "bias", "act"};

const char *ftsa_fault_kind_name(ftsa_fault_kind_t kind)
{
    return (unsigned)kind < FTSA_FAULT_KIND_COUNT ? kind_names[kind] : "?";
}

const char *ftsa_mem_name(ftsa_mem_t mem)
{
    return (unsigned)mem < FTSA_MEM_COUNT ? mem_names[mem] : "?";
}

const char *ftsa_tensor_name(ftsa_tensor_t t)
{
    return (unsigned)t < FTSA_TENSOR_COUNT ? tensor_names[t] : "?";
}

uint32_t ftsa_tensor_bits(ftsa_tensor_t t)
{
    return t == FTSA_TENSOR_BIAS ? 32 : 8;
}

uint32_t ftsa_tensor_elems(const ftsa_layer_t *l, ftsa_tensor_t t)
{
    switch (t) {
    case FTSA_TENSOR_WEIGHTS: return ftsa_layer_weight_count(l);
    case FTSA_TENSOR_BIAS: return ftsa_layer_has_weights(l) ? l->out.c : 0;
    case FTSA_TENSOR_ACT: return ftsa_shape_elems(l->out);
    default: return 0;
    }
}

void ftsa_faults_init(ftsa_fault_list_t *list)
{
    memset(list, 0, sizeof *list);
}

void ftsa_faults_free(ftsa_fault_list_t *list)
{
    free(list->v);
    ftsa_faults_init(list);
}

ftsa_status_t ftsa_faults_add(ftsa_fault_list_t *list, const ftsa_fault_t *f, ftsa_err_t *err)
{
    if (list->n == list->cap) {
        uint32_t cap = list->cap ? list->cap * 2 : 64;
        if (cap < list->cap)
            return ftsa_fail(err, FTSA_E_NOMEM, "fault list too long");
        ftsa_fault_t *grown = realloc(list->v, (size_t)cap * sizeof *grown);
        if (!grown)
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for %u faults", cap);
        list->v = grown;
        list->cap = cap;
    }
    list->v[list->n++] = *f;
    return FTSA_OK;
}

ftsa_status_t ftsa_faults_check_tensor(const ftsa_fault_list_t *list, const ftsa_net_t *net,
                                       ftsa_err_t *err)
{
    for (uint32_t i = 0; i < list->n; i++) {
        const ftsa_fault_t *f = &list->v[i];
        if (f->space != FTSA_SPACE_TENSOR)
            continue;
        char where[48];
        snprintf(where, sizeof where, "L%u.%s", f->layer, ftsa_tensor_name(f->target));
        const char *ctx = f->line ? "line" : "fault";
        uint32_t at = f->line ? f->line : i;
        if (f->kind != FTSA_FAULT_SA0 && f->kind != FTSA_FAULT_SA1 && f->kind != FTSA_FAULT_FLIP)
            return ftsa_fail(err, FTSA_E_INVALID,
                             "%s %u: %s on %s: tensor space takes permanent faults only "
                             "(sa0, sa1, flip); timed and read faults need an SRAM",
                             ctx, at, ftsa_fault_kind_name(f->kind), where);
        if (f->layer >= net->n_layers)
            return ftsa_fail(err, FTSA_E_INVALID, "%s %u: %s: the network has %u layers", ctx, at,
                             where, net->n_layers);
        uint32_t n = ftsa_tensor_elems(&net->layers[f->layer], f->target);
        if (n == 0)
            return ftsa_fail(err, FTSA_E_INVALID, "%s %u: %s: layer %u (%s) has no %s", ctx, at,
                             where, f->layer, ftsa_layer_kind_name(net->layers[f->layer].kind),
                             ftsa_tensor_name(f->target));
        if (f->index >= n)
            return ftsa_fail(err, FTSA_E_INVALID, "%s %u: %s: index %u out of range (%u elements)",
                             ctx, at, where, f->index, n);
        if (f->bit >= ftsa_tensor_bits(f->target))
            return ftsa_fail(err, FTSA_E_INVALID, "%s %u: %s: bit %u out of range (%u-bit elements)",
                             ctx, at, where, f->bit, ftsa_tensor_bits(f->target));
    }
    return FTSA_OK;
}

/* ---- text format ------------------------------------------------------------ */

/* Decimal or 0x hex only (ftsa/numparse.h): "010" is an error, not octal 8. */
static int parse_u64(const char *tok, uint64_t *v)
{
    return ftsa_parse_u64(tok, v) ? -1 : 0;
}

static ftsa_status_t bad_number(ftsa_err_t *err, const char *what, const char *tok,
                                ftsa_num_status_t ns, uint64_t max)
{
    if (ns == FTSA_NUM_LEADING_ZERO)
        return ftsa_fail(err, FTSA_E_FORMAT, "%s '%s' %s", what, tok, ftsa_num_reason(ns));
    return ftsa_fail(err, FTSA_E_FORMAT, "%s '%s' is not an integer in 0..%llu", what, tok,
                     (unsigned long long)max);
}

static int lookup(const char *tok, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(tok, names[i]))
            return i;
    return -1;
}

/* WHERE: an SRAM name, or L<n>.<tensor>. */
static ftsa_status_t parse_where(const char *tok, ftsa_fault_t *f, ftsa_err_t *err)
{
    int m = lookup(tok, mem_names, FTSA_MEM_COUNT);
    if (m >= 0) {
        f->space = FTSA_SPACE_SRAM;
        f->target = (uint32_t)m;
        return FTSA_OK;
    }
    const char *dot = strchr(tok, '.');
    if (tok[0] == 'L' && dot) {
        char num[16];
        size_t len = (size_t)(dot - tok - 1);
        uint64_t layer;
        int t = lookup(dot + 1, tensor_names, FTSA_TENSOR_COUNT);
        if (len > 0 && len < sizeof num) {
            memcpy(num, tok + 1, len);
            num[len] = '\0';
            if (!parse_u64(num, &layer) && layer < FTSA_MAX_LAYERS && t >= 0) {
                f->space = FTSA_SPACE_TENSOR;
                f->target = (uint32_t)t;
                f->layer = (uint32_t)layer;
                return FTSA_OK;
            }
        }
    }
    return ftsa_fail(err, FTSA_E_FORMAT,
                     "unknown memory '%s' (SRAMs: weight act acc param thr; tensors: "
                     "L<layer>.weights L<layer>.bias L<layer>.act)",
                     tok);
}

static ftsa_status_t parse_line(char *line, uint32_t lineno, ftsa_fault_list_t *list,
                                ftsa_err_t *err)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    char *tok[8];
    int n = 0;
    for (char *t = strtok(line, " \t\r\n"); t; t = strtok(NULL, " \t\r\n")) {
        if (n == 8)
            return ftsa_fail(err, FTSA_E_FORMAT, "too many fields");
        tok[n++] = t;
    }
    if (n == 0)
        return FTSA_OK;
    if (!strcmp(tok[0], "seed")) {
        ftsa_num_status_t ns = n == 2 ? ftsa_parse_u64(tok[1], &list->seed) : FTSA_NUM_SYNTAX;
        if (ns == FTSA_NUM_LEADING_ZERO)
            return ftsa_fail(err, FTSA_E_FORMAT, "seed '%s' %s", tok[1], ftsa_num_reason(ns));
        if (ns)
            return ftsa_fail(err, FTSA_E_FORMAT, "'seed' takes one non-negative integer");
        return FTSA_OK;
    }
    ftsa_fault_t f = {.line = lineno};
    int kind = lookup(tok[0], kind_names, FTSA_FAULT_KIND_COUNT);
    if (kind < 0)
        return ftsa_fail(err, FTSA_E_FORMAT, "unknown fault kind '%s' (sa0 sa1 flip seu rd)",
                         tok[0]);
    f.kind = (ftsa_fault_kind_t)kind;
    if (n < 4)
        return ftsa_fail(err, FTSA_E_FORMAT, "expected KIND WHERE INDEX BIT, got %d field%s", n,
                         n == 1 ? "" : "s");
    ftsa_status_t st = parse_where(tok[1], &f, err);
    if (st)
        return st;
    uint64_t v;
    ftsa_num_status_t ns = ftsa_parse_uint(tok[2], UINT32_MAX, &v);
    if (ns)
        return bad_number(err, "index", tok[2], ns, UINT32_MAX);
    f.index = (uint32_t)v;
    /* Tensor elements are at most 32 bits; SRAM words are wider (the back end
     * checks the word width of its memories). */
    uint32_t max_bit = f.space == FTSA_SPACE_SRAM ? FTSA_FAULT_MAX_WORD_BITS - 1 : 31;
    if ((ns = ftsa_parse_uint(tok[3], max_bit, &v)))
        return bad_number(err, "bit", tok[3], ns, max_bit);
    f.bit = (uint32_t)v;
    int have_cycle = 0, have_p = 0;
    for (int i = 4; i < n; i++) {
        if (tok[i][0] == '@' && !have_cycle) {
            if ((ns = ftsa_parse_u64(tok[i] + 1, &f.cycle)))
                return ftsa_fail(err, FTSA_E_FORMAT, "cycle '%s' %s", tok[i] + 1,
                                 ftsa_num_reason(ns));
            have_cycle = 1;
        } else if (!strncmp(tok[i], "p=", 2) && !have_p) {
            if (ftsa_parse_double(tok[i] + 2, &f.prob) || !(f.prob > 0.0 && f.prob <= 1.0))
                return ftsa_fail(err, FTSA_E_FORMAT, "probability '%s' is not in (0, 1]",
                                 tok[i] + 2);
            have_p = 1;
        } else {
            return ftsa_fail(err, FTSA_E_FORMAT, "unexpected field '%s'", tok[i]);
        }
    }
    if (f.kind == FTSA_FAULT_SEU && !have_cycle)
        return ftsa_fail(err, FTSA_E_FORMAT, "seu needs the cycle of the upset (@CYCLE)");
    if (f.kind != FTSA_FAULT_SEU && have_cycle)
        return ftsa_fail(err, FTSA_E_FORMAT, "only seu takes a cycle");
    if (f.kind == FTSA_FAULT_READ_DISTURB && !have_p)
        return ftsa_fail(err, FTSA_E_FORMAT, "rd needs a flip probability (p=PROB)");
    if (f.kind != FTSA_FAULT_READ_DISTURB && have_p)
        return ftsa_fail(err, FTSA_E_FORMAT, "only rd takes a probability");
    return ftsa_faults_add(list, &f, err);
}

ftsa_status_t ftsa_faults_parse(const char *text, const char *name, ftsa_fault_list_t *list,
                                ftsa_err_t *err)
{
    ftsa_faults_init(list);
    uint32_t lineno = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        char buf[1024];
        if (len >= sizeof buf) {
            ftsa_faults_free(list);
            return ftsa_fail(err, FTSA_E_FORMAT, "%s:%u: line longer than %zu characters", name,
                             lineno, sizeof buf - 1);
        }
        memcpy(buf, p, len);
        buf[len] = '\0';
        ftsa_status_t st = parse_line(buf, lineno, list, err);
        if (st) {
            ftsa_faults_free(list);
            ftsa_err_prefix(err, "%s:%u: ", name, lineno);
            return st;
        }
        p += len + (nl ? 1 : 0);
    }
    return FTSA_OK;
}

ftsa_status_t ftsa_faults_read(const char *path, ftsa_fault_list_t *list, ftsa_err_t *err)
{
    ftsa_faults_init(list);
    uint8_t *buf;
    size_t len;
    ftsa_status_t st = ftsa_read_file(path, (size_t)1 << 30, &buf, &len, err);
    if (st)
        return st;
    if (strlen((const char *)buf) != len)
        st = ftsa_fail(err, FTSA_E_FORMAT, "%s: contains NUL bytes: not a fault list", path);
    else
        st = ftsa_faults_parse((const char *)buf, path, list, err);
    free(buf);
    return st;
}

ftsa_status_t ftsa_faults_write(const ftsa_fault_list_t *list, FILE *out, ftsa_err_t *err)
{
    fprintf(out, "# ftsa fault list: KIND WHERE INDEX BIT [@CYCLE] [p=PROB]\nseed %" PRIu64 "\n",
            list->seed);
    for (uint32_t i = 0; i < list->n; i++) {
        const ftsa_fault_t *f = &list->v[i];
        char where[48];
        if (f->space == FTSA_SPACE_SRAM)
            snprintf(where, sizeof where, "%s", ftsa_mem_name(f->target));
        else
            snprintf(where, sizeof where, "L%u.%s", f->layer, ftsa_tensor_name(f->target));
        fprintf(out, "%-4s %-12s %10u %2u", ftsa_fault_kind_name(f->kind), where, f->index, f->bit);
        if (f->kind == FTSA_FAULT_SEU)
            fprintf(out, " @%" PRIu64, f->cycle);
        if (f->kind == FTSA_FAULT_READ_DISTURB)
            fprintf(out, " p=%.17g", f->prob);
        fputc('\n', out);
    }
    if (ferror(out))
        return ftsa_fail(err, FTSA_E_IO, "write error");
    return FTSA_OK;
}

ftsa_status_t ftsa_faults_save(const ftsa_fault_list_t *list, const char *path, ftsa_err_t *err)
{
    ftsa_atomic_t a;
    ftsa_status_t st = ftsa_atomic_begin(&a, path, err);
    if (st)
        return st;
    if ((st = ftsa_faults_write(list, a.f, err))) {
        ftsa_atomic_abort(&a);
        ftsa_err_prefix(err, "%s: ", path);
        return st;
    }
    return ftsa_atomic_commit(&a, 1, err);
}

/* ---- drawing faults ---------------------------------------------------------- */

static uint32_t popcount32(uint32_t v)
{
    uint32_t n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* Position of the nth (from 0) set bit of mask; mask has more than nth bits. */
static uint32_t nth_set_bit(uint32_t mask, uint32_t nth)
{
    for (; nth; nth--)
        mask &= mask - 1;
    return (uint32_t)__builtin_ctz(mask);
}

/* The sites (bits) of a region, numbered 0..n-1 in storage order; `at` turns
 * a site number into the place of a fault (space, target, layer, index, bit).
 * The draws below request sites in increasing order only, so a mapping may
 * walk forward. */
typedef struct site_map {
    uint64_t n;
    void (*at)(struct site_map *m, uint64_t site, ftsa_fault_t *f);
} site_map_t;

/* What every drawn fault carries besides its place: the kind, and a cycle
 * drawn from its own stream (so the sites of a seed do not depend on the kind). */
typedef struct {
    const ftsa_fault_spec_t *spec;
    ftsa_rng_t cycles;
} fault_fill_t;

static void fill_init(fault_fill_t *fill, const ftsa_fault_spec_t *spec, uint64_t seed)
{
    fill->spec = spec;
    ftsa_rng_seed_stream(&fill->cycles, seed, 0x6379636c65ull);
}

static ftsa_status_t emit(site_map_t *m, uint64_t site, fault_fill_t *fill,
                          ftsa_fault_list_t *list, ftsa_err_t *err)
{
    const ftsa_fault_spec_t *s = fill->spec;
    ftsa_fault_t f;
    memset(&f, 0, sizeof f);
    m->at(m, site, &f);
    f.kind = s->kind;
    if (s->kind == FTSA_FAULT_SEU)
        f.cycle = s->cycle_first + ftsa_rng_below(&fill->cycles, s->cycle_end - s->cycle_first);
    if (s->kind == FTSA_FAULT_READ_DISTURB)
        f.prob = s->prob;
    return ftsa_faults_add(list, &f, err);
}

/* Every site fails independently with probability ber: a Bernoulli process
 * walked with geometric gaps, so the cost follows the number of faults. */
static ftsa_status_t draw_ber(site_map_t *m, const ftsa_fault_spec_t *spec, double ber,
                              uint64_t seed, ftsa_fault_list_t *list, ftsa_err_t *err)
{
    if (!(ber >= 0.0 && ber <= 1.0))
        return ftsa_fail(err, FTSA_E_INVALID, "bit error rate %g is not in [0, 1]", ber);
    list->seed = seed;
    if (ber == 0.0)
        return FTSA_OK;
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, seed, 0x626572ull);
    fault_fill_t fill;
    fill_init(&fill, spec, seed);
    double log_q = log1p(-ber);
    uint64_t n = m->n, site = 0;
    for (;;) {
        if (ber < 1.0) {
            double u = 1.0 - ftsa_rng_uniform(&rng); /* (0, 1] */
            double gap = floor(log(u) / log_q);
            if (gap >= (double)(n - site))
                break;
            site += (uint64_t)gap;
        }
        if (site >= n)
            break;
        ftsa_status_t st = emit(m, site, &fill, list, err);
        if (st)
            return st;
        site++;
    }
    return FTSA_OK;
}

/* Exactly count distinct sites, uniformly. */
static ftsa_status_t draw_count(site_map_t *m, const ftsa_fault_spec_t *spec, uint64_t count,
                                uint64_t seed, ftsa_fault_list_t *list, ftsa_err_t *err)
{
    uint64_t n = m->n;
    if (count > n)
        return ftsa_fail(err, FTSA_E_INVALID, "%llu faults requested, the region has %llu bits",
                         (unsigned long long)count, (unsigned long long)n);
    list->seed = seed;
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, seed, 0x636f756e74ull);
    fault_fill_t fill;
    fill_init(&fill, spec, seed);
    /* Selection sampling (Knuth's algorithm S): each site is taken with
     * probability (still needed) / (still left), giving a uniform subset. */
    uint64_t need = count;
    for (uint64_t site = 0; site < n && need; site++) {
        if (ftsa_rng_below(&rng, n - site) < need) {
            ftsa_status_t st = emit(m, site, &fill, list, err);
            if (st)
                return st;
            need--;
        }
    }
    return FTSA_OK;
}

static ftsa_status_t check_spec(const ftsa_fault_spec_t *s, ftsa_err_t *err)
{
    if ((unsigned)s->kind >= FTSA_FAULT_KIND_COUNT)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown fault kind %d", (int)s->kind);
    if (s->kind == FTSA_FAULT_SEU && !(s->cycle_first < s->cycle_end))
        return ftsa_fail(err, FTSA_E_INVALID, "seu cycle range [%llu, %llu) is empty",
                         (unsigned long long)s->cycle_first, (unsigned long long)s->cycle_end);
    if (s->kind == FTSA_FAULT_READ_DISTURB && !(s->prob > 0.0 && s->prob <= 1.0))
        return ftsa_fail(err, FTSA_E_INVALID, "read-disturb probability %g is not in (0, 1]",
                         s->prob);
    return FTSA_OK;
}

/* ---- tensor regions ---- */

/* Allowed bits of tensor t under the region's mask. */
static uint32_t region_mask(const ftsa_tensor_region_t *r)
{
    uint32_t bits = ftsa_tensor_bits(r->tensor);
    uint32_t all = bits == 32 ? UINT32_MAX : (1u << bits) - 1u;
    return r->bit_mask ? r->bit_mask & all : all;
}

static int layer_in_region(const ftsa_tensor_region_t *r, uint32_t i)
{
    return r->layer == FTSA_ALL_LAYERS || r->layer == i;
}

uint64_t ftsa_region_bits(const ftsa_net_t *net, const ftsa_tensor_region_t *region)
{
    uint64_t per_elem = popcount32(region_mask(region)), n = 0;
    for (uint32_t i = 0; i < net->n_layers; i++)
        if (layer_in_region(region, i))
            n += (uint64_t)ftsa_tensor_elems(&net->layers[i], region->tensor) * per_elem;
    return n;
}

static ftsa_status_t check_region(const ftsa_net_t *net, const ftsa_tensor_region_t *r,
                                  ftsa_err_t *err)
{
    if ((unsigned)r->tensor >= FTSA_TENSOR_COUNT)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown tensor %d", (int)r->tensor);
    if (r->layer != FTSA_ALL_LAYERS && r->layer >= net->n_layers)
        return ftsa_fail(err, FTSA_E_INVALID, "layer %u: the network has %u layers", r->layer,
                         net->n_layers);
    if (region_mask(r) == 0)
        return ftsa_fail(err, FTSA_E_INVALID, "bit mask 0x%x selects no bit of %u-bit %s",
                         r->bit_mask, ftsa_tensor_bits(r->tensor), ftsa_tensor_name(r->tensor));
    if (ftsa_region_bits(net, r) == 0)
        return ftsa_fail(err, FTSA_E_INVALID, "the region holds no %s",
                         ftsa_tensor_name(r->tensor));
    return FTSA_OK;
}

/* Sites in order (layer, element, allowed bit). */
typedef struct {
    site_map_t map;
    const ftsa_net_t *net;
    const ftsa_tensor_region_t *r;
    uint32_t mask, per_elem, layer;
    uint64_t base; /* first site of `layer` */
} tensor_walk_t;

static void tensor_site(site_map_t *m, uint64_t site, ftsa_fault_t *f)
{
    tensor_walk_t *w = (tensor_walk_t *)m;
    for (;;) {
        uint64_t n = layer_in_region(w->r, w->layer)
                         ? (uint64_t)ftsa_tensor_elems(&w->net->layers[w->layer], w->r->tensor) *
                               w->per_elem
                         : 0;
        if (site < w->base + n)
            break;
        w->base += n;
        w->layer++;
    }
    uint64_t off = site - w->base;
    f->space = FTSA_SPACE_TENSOR;
    f->target = w->r->tensor;
    f->layer = w->layer;
    f->index = (uint32_t)(off / w->per_elem);
    f->bit = nth_set_bit(w->mask, (uint32_t)(off % w->per_elem));
}

/* Checks the tensor region and kind, and sets up its walk. */
static ftsa_status_t tensor_walk_init(tensor_walk_t *w, const ftsa_net_t *net,
                                      const ftsa_tensor_region_t *r, ftsa_fault_kind_t kind,
                                      ftsa_err_t *err)
{
    if (kind != FTSA_FAULT_SA0 && kind != FTSA_FAULT_SA1 && kind != FTSA_FAULT_FLIP)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "drawn tensor faults must be permanent (sa0, sa1, flip), not %s",
                         ftsa_fault_kind_name(kind));
    ftsa_status_t st = check_region(net, r, err);
    if (st)
        return st;
    w->map.n = ftsa_region_bits(net, r);
    w->map.at = tensor_site;
    w->net = net;
    w->r = r;
    w->mask = region_mask(r);
    w->per_elem = popcount32(w->mask);
    w->layer = 0;
    w->base = 0;
    return FTSA_OK;
}

ftsa_status_t ftsa_faults_gen_ber(const ftsa_net_t *net, const ftsa_tensor_region_t *region,
                                  ftsa_fault_kind_t kind, double ber, uint64_t seed,
                                  ftsa_fault_list_t *list, ftsa_err_t *err)
{
    tensor_walk_t w;
    ftsa_fault_spec_t spec = {.kind = kind};
    ftsa_status_t st = tensor_walk_init(&w, net, region, kind, err);
    return st ? st : draw_ber(&w.map, &spec, ber, seed, list, err);
}

ftsa_status_t ftsa_faults_gen_count(const ftsa_net_t *net, const ftsa_tensor_region_t *region,
                                    ftsa_fault_kind_t kind, uint64_t count, uint64_t seed,
                                    ftsa_fault_list_t *list, ftsa_err_t *err)
{
    tensor_walk_t w;
    ftsa_fault_spec_t spec = {.kind = kind};
    ftsa_status_t st = tensor_walk_init(&w, net, region, kind, err);
    return st ? st : draw_count(&w.map, &spec, count, seed, list, err);
}

/* ---- SRAM regions ---- */

static uint32_t sram_mask(const ftsa_sram_region_t *r)
{
    uint32_t all = r->elem_bits >= 32 ? UINT32_MAX : (1u << r->elem_bits) - 1u;
    return r->bit_mask ? r->bit_mask : all;
}

uint64_t ftsa_sram_region_bits(const ftsa_sram_region_t *r)
{
    if (!r->elem_bits || r->word_bits % r->elem_bits)
        return 0;
    return (uint64_t)r->count * (r->word_bits / r->elem_bits) * popcount32(sram_mask(r));
}

static ftsa_status_t check_sram_region(const ftsa_sram_region_t *r, ftsa_err_t *err)
{
    if ((unsigned)r->mem >= FTSA_MEM_COUNT)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown memory %d", (int)r->mem);
    const char *name = ftsa_mem_name(r->mem);
    if (r->word_bits == 0 || r->word_bits > FTSA_FAULT_MAX_WORD_BITS)
        return ftsa_fail(err, FTSA_E_INVALID, "%s: word width %u bits is not in 1..%u", name,
                         r->word_bits, FTSA_FAULT_MAX_WORD_BITS);
    if (r->elem_bits == 0 || r->elem_bits > 32 || r->word_bits % r->elem_bits)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "%s: element width %u bits does not divide the %u-bit word (1..32)", name,
                         r->elem_bits, r->word_bits);
    if (r->elem_bits < 32 && r->bit_mask >> r->elem_bits)
        return ftsa_fail(err, FTSA_E_INVALID, "%s: bit mask 0x%x reaches past %u-bit elements",
                         name, r->bit_mask, r->elem_bits);
    if (r->count == 0)
        return ftsa_fail(err, FTSA_E_INVALID, "%s: the word range is empty", name);
    if ((uint64_t)r->first + r->count > (uint64_t)UINT32_MAX + 1)
        return ftsa_fail(err, FTSA_E_INVALID, "%s: words %u..%llu exceed 32-bit addresses", name,
                         r->first, (unsigned long long)r->first + r->count - 1);
    return FTSA_OK;
}

/* Sites in order (word, element, allowed bit). */
typedef struct {
    site_map_t map;
    const ftsa_sram_region_t *r;
    uint32_t mask, per_elem;
    uint64_t per_word;
} sram_walk_t;

static void sram_site(site_map_t *m, uint64_t site, ftsa_fault_t *f)
{
    sram_walk_t *w = (sram_walk_t *)m;
    uint64_t in_word = site % w->per_word;
    uint32_t elem = (uint32_t)(in_word / w->per_elem);
    f->space = FTSA_SPACE_SRAM;
    f->target = w->r->mem;
    f->index = w->r->first + (uint32_t)(site / w->per_word);
    f->bit = elem * w->r->elem_bits + nth_set_bit(w->mask, (uint32_t)(in_word % w->per_elem));
}

static ftsa_status_t sram_walk_init(sram_walk_t *w, const ftsa_sram_region_t *r,
                                    const ftsa_fault_spec_t *spec, ftsa_err_t *err)
{
    ftsa_status_t st = check_sram_region(r, err);
    if (st || (st = check_spec(spec, err)))
        return st;
    w->map.n = ftsa_sram_region_bits(r);
    w->map.at = sram_site;
    w->r = r;
    w->mask = sram_mask(r);
    w->per_elem = popcount32(w->mask);
    w->per_word = (uint64_t)(r->word_bits / r->elem_bits) * w->per_elem;
    return FTSA_OK;
}

ftsa_status_t ftsa_faults_gen_sram_ber(const ftsa_sram_region_t *region,
                                       const ftsa_fault_spec_t *spec, double ber, uint64_t seed,
                                       ftsa_fault_list_t *list, ftsa_err_t *err)
{
    sram_walk_t w;
    ftsa_status_t st = sram_walk_init(&w, region, spec, err);
    return st ? st : draw_ber(&w.map, spec, ber, seed, list, err);
}

ftsa_status_t ftsa_faults_gen_sram_count(const ftsa_sram_region_t *region,
                                         const ftsa_fault_spec_t *spec, uint64_t count,
                                         uint64_t seed, ftsa_fault_list_t *list, ftsa_err_t *err)
{
    sram_walk_t w;
    ftsa_status_t st = sram_walk_init(&w, region, spec, err);
    return st ? st : draw_count(&w.map, spec, count, seed, list, err);
}

/* ---- applying tensor faults ---------------------------------------------------- */

static uint32_t apply_bit(uint32_t v, ftsa_fault_kind_t kind, uint32_t bit)
{
    uint32_t m = 1u << bit;
    switch (kind) {
    case FTSA_FAULT_SA0: return v & ~m;
    case FTSA_FAULT_SA1: return v | m;
    case FTSA_FAULT_FLIP: return v ^ m;
    default: return v;
    }
}

void ftsa_faults_apply_params(const ftsa_fault_list_t *list, ftsa_net_t *net)
{
    /* The RTL's order: stuck-at-0, then stuck-at-1, then flips. */
    static const ftsa_fault_kind_t order[] = {FTSA_FAULT_SA0, FTSA_FAULT_SA1, FTSA_FAULT_FLIP};
    for (size_t k = 0; k < sizeof order / sizeof *order; k++)
        for (uint32_t i = 0; i < list->n; i++) {
            const ftsa_fault_t *f = &list->v[i];
            if (f->kind != order[k] || f->space != FTSA_SPACE_TENSOR || f->layer >= net->n_layers)
                continue;
            ftsa_layer_t *l = &net->layers[f->layer];
            if (f->index >= ftsa_tensor_elems(l, f->target))
                continue;
            if (f->target == FTSA_TENSOR_WEIGHTS)
                l->weights[f->index] =
                    (int8_t)(uint8_t)apply_bit((uint8_t)l->weights[f->index], f->kind, f->bit);
            else if (f->target == FTSA_TENSOR_BIAS)
                l->bias[f->index] = (int32_t)apply_bit((uint32_t)l->bias[f->index], f->kind, f->bit);
        }
}

static int mask_cmp(const void *a, const void *b)
{
    uint32_t x = ((const ftsa_act_mask_t *)a)->index, y = ((const ftsa_act_mask_t *)b)->index;
    return x < y ? -1 : x > y;
}

ftsa_status_t ftsa_faults_act_masks(const ftsa_fault_list_t *list, uint32_t layer,
                                    ftsa_act_mask_t **masks, uint32_t *n, ftsa_err_t *err)
{
    *masks = NULL;
    *n = 0;
    uint32_t count = 0;
    for (uint32_t i = 0; i < list->n; i++)
        count += list->v[i].space == FTSA_SPACE_TENSOR && list->v[i].target == FTSA_TENSOR_ACT &&
                 list->v[i].layer == layer;
    if (!count)
        return FTSA_OK;
    ftsa_act_mask_t *m = malloc(count * sizeof *m);
    if (!m)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for activation fault masks");
    /* One mask per fault, then merged per element: the masks compose in the
     * RTL's fixed order, ((v & ~sa0) | sa1) ^ flip, whatever the list order. */
    uint32_t k = 0;
    for (uint32_t i = 0; i < list->n; i++) {
        const ftsa_fault_t *f = &list->v[i];
        if (f->space != FTSA_SPACE_TENSOR || f->target != FTSA_TENSOR_ACT || f->layer != layer)
            continue;
        uint8_t bit = (uint8_t)(1u << f->bit);
        m[k++] = (ftsa_act_mask_t){.index = f->index,
                                   .and_mask = f->kind == FTSA_FAULT_SA0 ? (uint8_t)~bit : 0xff,
                                   .or_mask = f->kind == FTSA_FAULT_SA1 ? bit : 0,
                                   .xor_mask = f->kind == FTSA_FAULT_FLIP ? bit : 0};
    }
    qsort(m, count, sizeof *m, mask_cmp);
    uint32_t out = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (out && m[out - 1].index == m[i].index) {
            m[out - 1].and_mask &= m[i].and_mask;
            m[out - 1].or_mask |= m[i].or_mask;
            m[out - 1].xor_mask ^= m[i].xor_mask;
        } else {
            m[out++] = m[i];
        }
    }
    *masks = m;
    *n = out;
    return FTSA_OK;
}

int ftsa_fault_rd_draw(uint64_t seed, uint32_t mem, uint32_t addr, uint32_t bit, uint64_t cycle,
                       double p)
{
    ftsa_rng_t cell, draw;
    ftsa_rng_seed_stream(&cell, seed, (uint64_t)mem << 48 | (uint64_t)addr << 16 | bit);
    ftsa_rng_seed_stream(&draw, ftsa_rng_u64(&cell), cycle);
    return ftsa_rng_uniform(&draw) < p;
}
