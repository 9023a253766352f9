/* Expanding a config into curves (region x fault kind) and points (rates). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/campaign.h"
#include "ftsa/hw_regs.h"
#include "ftsa/hwmodel.h"

static const char *const kind_names[] = {"sa0", "sa1", "flip"};

/* The bit mask of tensor t under cfg's bits key; 0 when none of its bits is selected. */
static uint32_t region_mask(const ftsa_camp_config_t *cfg, ftsa_tensor_t t, int *none)
{
    uint32_t bits = ftsa_tensor_bits(t);
    uint32_t all = bits >= 32 ? UINT32_MAX : (1u << bits) - 1;
    *none = 0;
    switch (cfg->bits) {
    case FTSA_CAMP_BITS_MSB: return 1u << (bits - 1);
    case FTSA_CAMP_BITS_MASK:
        *none = !(cfg->bit_mask & all);
        return cfg->bit_mask & all;
    default: return 0;
    }
}

typedef struct {
    ftsa_camp_plan_t *plan;
    uint32_t cap;
} builder_t;

static int same_curve(const ftsa_camp_curve_t *a, const ftsa_tensor_region_t *r, ftsa_fault_kind_t k)
{
    return a->kind == k && a->region.tensor == r->tensor && a->region.layer == r->layer &&
           a->region.bit_mask == r->bit_mask;
}

static ftsa_status_t add_curve(builder_t *b, const ftsa_camp_config_t *cfg, const ftsa_net_t *net,
                               ftsa_camp_scope_t scope, const ftsa_tensor_region_t *r,
                               ftsa_fault_kind_t kind, ftsa_err_t *err)
{
    ftsa_camp_plan_t *p = b->plan;
    for (uint32_t i = 0; i < p->n_curves; i++)
        if (same_curve(&p->curves[i], r, kind))
            return FTSA_OK; /* a per-layer or per-memory curve the targets already sweep */
    uint64_t sites = ftsa_region_bits(net, r);
    if (!sites)
        return FTSA_OK;
    if (p->n_curves == b->cap) {
        uint32_t cap = b->cap ? 2 * b->cap : 16;
        ftsa_camp_curve_t *c = realloc(p->curves, cap * sizeof *c);
        if (!c)
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the campaign plan");
        p->curves = c;
        b->cap = cap;
    }
    ftsa_camp_curve_t *c = &p->curves[p->n_curves++];
    memset(c, 0, sizeof *c);
    c->scope = scope;
    c->region = *r;
    c->kind = kind;
    c->sites = sites;
    char where[16];
    if (r->layer == FTSA_ALL_LAYERS)
        snprintf(where, sizeof where, "all");
    else
        snprintf(where, sizeof where, "L%u", r->layer);
    snprintf(c->name, sizeof c->name, "%s %s %s", kind_names[kind], ftsa_tensor_name(r->tensor),
             where);
    if (cfg->mode == FTSA_CAMP_MODE_COUNT && cfg->rates[cfg->n_rates - 1] > (double)sites)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "key 'count': %.0f faults do not fit in the %llu bits of %s", 
                         cfg->rates[cfg->n_rates - 1], (unsigned long long)sites, c->name);
    return FTSA_OK;
}

static uint32_t curve_trials(const ftsa_camp_config_t *cfg, uint64_t sites)
{
    if (cfg->trials)
        return cfg->trials;
    double t = ftsa_stats_z_quantile(0.5 + 0.5 * cfg->confidence);
    double n = ceil(ftsa_stats_leveugle((double)sites, cfg->margin, t, 0.5));
    return n < 1 ? 1 : n > FTSA_CAMP_MAX_TRIALS ? FTSA_CAMP_MAX_TRIALS : (uint32_t)n;
}

static ftsa_status_t add_curves(builder_t *b, const ftsa_camp_config_t *cfg, const ftsa_net_t *net,
                                ftsa_err_t *err)
{
    ftsa_status_t st = FTSA_OK;
    for (uint32_t k = 0; k < 3; k++) {
        if (!(cfg->kinds >> k & 1))
            continue;
        for (uint32_t t = 0; t < FTSA_TENSOR_COUNT && !st; t++) {
            if (!(cfg->tensors >> t & 1))
                continue;
            int none;
            ftsa_tensor_region_t r = {(ftsa_tensor_t)t, FTSA_ALL_LAYERS, region_mask(cfg, t, &none)};
            if (!cfg->n_layers) {
                st = add_curve(b, cfg, net, FTSA_CAMP_SCOPE_TARGET, &r, k, err);
                continue;
            }
            for (uint32_t i = 0; i < cfg->n_layers && !st; i++) {
                r.layer = cfg->layers[i];
                if (r.layer >= net->n_layers)
                    return ftsa_fail(err, FTSA_E_INVALID, "key 'layers': the network has no layer %u (it has %u)",
                                     r.layer, net->n_layers);
                if (!ftsa_tensor_elems(&net->layers[r.layer], r.tensor))
                    return ftsa_fail(err, FTSA_E_INVALID, "key 'layers': layer %u (%s) has no %s",
                                     r.layer, ftsa_layer_kind_name(net->layers[r.layer].kind),
                                     ftsa_tensor_name(r.tensor));
                st = add_curve(b, cfg, net, FTSA_CAMP_SCOPE_TARGET, &r, k, err);
            }
        }
        for (uint32_t t = 0; t < FTSA_TENSOR_COUNT && cfg->per_layer && !st; t++) {
            int none;
            ftsa_tensor_region_t r = {(ftsa_tensor_t)t, 0, region_mask(cfg, t, &none)};
            if (!(cfg->tensors >> t & 1))
                continue;
            for (r.layer = 0; r.layer < net->n_layers && !st; r.layer++)
                if (ftsa_tensor_elems(&net->layers[r.layer], r.tensor))
                    st = add_curve(b, cfg, net, FTSA_CAMP_SCOPE_LAYER, &r, k, err);
        }
        for (uint32_t t = 0; t < FTSA_TENSOR_COUNT && cfg->per_memory && !st; t++) {
            int none;
            ftsa_tensor_region_t r = {(ftsa_tensor_t)t, FTSA_ALL_LAYERS, region_mask(cfg, t, &none)};
            if (!none)
                st = add_curve(b, cfg, net, FTSA_CAMP_SCOPE_MEMORY, &r, k, err);
        }
        if (st)
            return st;
    }
    return st;
}

/* The accelerator memory holding SRAM-space memory mem, and its element width. */
static uint32_t hw_memory(ftsa_mem_t mem, uint32_t *elem_bits)
{
    *elem_bits = mem == FTSA_MEM_ACC || mem == FTSA_MEM_PARAM ? 32 : 8;
    switch (mem) {
    case FTSA_MEM_WEIGHT: return FTSA_HW_MEM_WGT;
    case FTSA_MEM_ACT: return FTSA_HW_MEM_ACT0;
    case FTSA_MEM_ACC: return FTSA_HW_MEM_ACC;
    case FTSA_MEM_PARAM: return FTSA_HW_MEM_PAR;
    default: return FTSA_HW_MEM_THR;
    }
}

ftsa_status_t ftsa_camp_sram_region(const ftsa_camp_config_t *cfg, ftsa_sram_region_t *r,
                                    ftsa_err_t *err)
{
    ftsa_hw_cfg_t hw;
    ftsa_hwm_t *geom;
    uint32_t elem, mem = hw_memory(cfg->memory, &elem);
    ftsa_hwm_default_cfg(cfg->array_n, &hw);
    ftsa_status_t st = ftsa_hwm_create(&hw, &geom, err);
    if (st) {
        ftsa_err_prefix(err, "key 'array': ");
        return st;
    }
    /* Both activation buffers make one SRAM-space memory (docs/faults.md). */
    uint64_t words = (uint64_t)ftsa_hwm_mem_depth(geom, mem) * (cfg->memory == FTSA_MEM_ACT ? 2 : 1);
    memset(r, 0, sizeof *r);
    r->mem = cfg->memory;
    r->word_bits = ftsa_hwm_mem_width(geom, mem);
    r->elem_bits = elem;
    ftsa_hwm_destroy(geom);
    r->first = cfg->words_count ? cfg->words_first : 0;
    r->count = cfg->words_count ? cfg->words_count : (uint32_t)words;
    if ((uint64_t)r->first + r->count > words)
        return ftsa_fail(err, FTSA_E_INVALID, "key 'words': %u-%llu outside the %s SRAM's words "
                         "0..%llu (array %u)", r->first, (unsigned long long)r->first + r->count - 1,
                         ftsa_mem_name(cfg->memory), (unsigned long long)words - 1, cfg->array_n);
    uint32_t all = elem >= 32 ? UINT32_MAX : (1u << elem) - 1;
    r->bit_mask = cfg->bits == FTSA_CAMP_BITS_MSB    ? 1u << (elem - 1)
                  : cfg->bits == FTSA_CAMP_BITS_MASK ? cfg->bit_mask & all
                                                     : 0;
    if (cfg->bits == FTSA_CAMP_BITS_MASK && !r->bit_mask)
        return ftsa_fail(err, FTSA_E_INVALID, "key 'bits': no such bit in the %u-bit elements of "
                         "the %s SRAM", elem, ftsa_mem_name(cfg->memory));
    return FTSA_OK;
}

/* SRAM space: one curve per fault kind over the configured memory. */
static ftsa_status_t add_sram_curves(builder_t *b, const ftsa_camp_config_t *cfg, ftsa_err_t *err)
{
    ftsa_sram_region_t r;
    ftsa_status_t st = ftsa_camp_sram_region(cfg, &r, err);
    for (uint32_t k = 0; k < 3 && !st; k++) {
        if (!(cfg->kinds >> k & 1))
            continue;
        ftsa_camp_plan_t *p = b->plan;
        ftsa_camp_curve_t *c = realloc(p->curves, (p->n_curves + 1) * sizeof *c);
        if (!c)
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the campaign plan");
        p->curves = c;
        b->cap = p->n_curves + 1;
        c = &p->curves[p->n_curves++];
        memset(c, 0, sizeof *c);
        c->scope = FTSA_CAMP_SCOPE_TARGET;
        c->sram = 1;
        c->sram_region = r;
        c->kind = k;
        c->sites = ftsa_sram_region_bits(&r);
        snprintf(c->name, sizeof c->name, "%s %s SRAM", kind_names[k], ftsa_mem_name(r.mem));
        if (cfg->mode == FTSA_CAMP_MODE_COUNT && cfg->rates[cfg->n_rates - 1] > (double)c->sites)
            return ftsa_fail(err, FTSA_E_INVALID,
                             "key 'count': %.0f faults do not fit in the %llu bits of %s",
                             cfg->rates[cfg->n_rates - 1], (unsigned long long)c->sites, c->name);
    }
    return st;
}

ftsa_status_t ftsa_camp_plan_build(const ftsa_camp_config_t *cfg, const ftsa_net_t *net,
                                   ftsa_camp_plan_t *plan, ftsa_err_t *err)
{
    memset(plan, 0, sizeof *plan);
    builder_t b = {plan, 0};
    ftsa_status_t st = cfg->sram ? add_sram_curves(&b, cfg, err) : add_curves(&b, cfg, net, err);
    if (!st && !plan->n_curves)
        st = ftsa_fail(err, FTSA_E_INVALID, "the targets select no fault site in this network");
    if (!st) {
        plan->n_points = plan->n_curves * cfg->n_rates;
        plan->points = calloc(plan->n_points, sizeof *plan->points);
        if (!plan->points)
            st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the campaign plan");
    }
    if (st) {
        ftsa_camp_plan_free(plan);
        return st;
    }
    for (uint32_t c = 0; c < plan->n_curves; c++) {
        ftsa_camp_curve_t *cv = &plan->curves[c];
        cv->first_point = c * cfg->n_rates;
        uint32_t trials = curve_trials(cfg, cv->sites);
        for (uint32_t i = 0; i < cfg->n_rates; i++) {
            ftsa_camp_point_t *pt = &plan->points[cv->first_point + i];
            pt->curve = c;
            pt->rate = cfg->rates[i];
            pt->trials = trials;
            pt->first_trial = plan->n_trials;
            plan->n_trials += trials;
        }
    }
    return FTSA_OK;
}

void ftsa_camp_plan_free(ftsa_camp_plan_t *plan)
{
    free(plan->curves);
    free(plan->points);
    memset(plan, 0, sizeof *plan);
}

uint64_t ftsa_camp_trial_index(const ftsa_camp_plan_t *plan, uint32_t point, uint32_t trial)
{
    return plan->points[point].first_trial + trial;
}
