/* Opening a campaign and running one trial. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/campaign.h"
#include "ftsa/fileio.h"
#include "ftsa/model_file.h"
#include "ftsa/rng.h"

uint64_t ftsa_camp_fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static ftsa_status_t hash_file(const char *path, uint64_t *h, ftsa_err_t *err)
{
    uint8_t *buf;
    size_t len;
    ftsa_status_t st = ftsa_read_file(path, (size_t)1 << 32, &buf, &len, err);
    if (st)
        return st;
    *h = ftsa_camp_fnv(*h, buf, len);
    free(buf);
    return FTSA_OK;
}

#define HASH_VAL(h, v) ((h) = ftsa_camp_fnv((h), &(v), sizeof(v)))

/* Everything that decides a trial's result: model bytes, back end, images,
 * seed and the plan (regions, kinds, rates, trials).  Not the output
 * directory, not the statistics settings. */
static ftsa_status_t campaign_hash(ftsa_camp_t *camp, ftsa_err_t *err)
{
    const ftsa_camp_config_t *cfg = &camp->cfg;
    uint64_t h = FTSA_FNV_INIT;
    ftsa_status_t st = hash_file(cfg->model, &h, err);
    if (st)
        return st;
    h = ftsa_camp_fnv(h, cfg->backend, strlen(cfg->backend) + 1);
    HASH_VAL(h, cfg->array_n);
    HASH_VAL(h, cfg->images);
    HASH_VAL(h, cfg->first);
    HASH_VAL(h, cfg->seed);
    uint32_t mode = cfg->mode;
    HASH_VAL(h, mode);
    for (uint32_t c = 0; c < camp->plan.n_curves; c++) {
        const ftsa_camp_curve_t *cv = &camp->plan.curves[c];
        uint32_t v[5] = {cv->scope, cv->region.tensor, cv->region.layer, cv->region.bit_mask,
                         cv->kind};
        HASH_VAL(h, v);
        if (cv->sram) { /* tensor-space campaigns keep the hash they always had */
            const ftsa_sram_region_t *r = &cv->sram_region;
            uint32_t w[6] = {r->mem, r->first, r->count, r->word_bits, r->elem_bits, r->bit_mask};
            HASH_VAL(h, w);
        }
    }
    for (uint32_t p = 0; p < camp->plan.n_points; p++) {
        HASH_VAL(h, camp->plan.points[p].rate);
        HASH_VAL(h, camp->plan.points[p].trials);
    }
    camp->hash = h;
    return FTSA_OK;
}

ftsa_status_t ftsa_camp_open(const ftsa_camp_config_t *cfg, ftsa_camp_t *camp, ftsa_err_t *err)
{
    memset(camp, 0, sizeof *camp);
    camp->cfg = *cfg;
    ftsa_net_init(&camp->net);
    ftsa_faults_init(&camp->list);
    ftsa_status_t st = ftsa_camp_config_check(cfg, err);
    if (st)
        return st;
    st = ftsa_model_load(cfg->model, &camp->net, err);
    if (st)
        return st;
    st = ftsa_dataset_load(cfg->data[0] ? cfg->data : NULL, FTSA_SPLIT_TEST, &camp->ds, err);
    if (st)
        goto fail;
    if (camp->ds.rows * camp->ds.cols != ftsa_shape_elems(camp->net.input)) {
        st = ftsa_fail(err, FTSA_E_INVALID, "%s expects %ux%ux%u inputs, the data set has %ux%u images",
                       cfg->model, camp->net.input.h, camp->net.input.w, camp->net.input.c,
                       camp->ds.rows, camp->ds.cols);
        goto fail;
    }
    if ((uint64_t)cfg->first + cfg->images > camp->ds.count) {
        st = ftsa_fail(err, FTSA_E_INVALID,
                       "keys 'first' and 'images': images %u..%llu do not exist (the test set has %u)",
                       cfg->first, (unsigned long long)cfg->first + cfg->images - 1, camp->ds.count);
        goto fail;
    }
    st = ftsa_camp_plan_build(cfg, &camp->net, &camp->plan, err);
    if (st)
        goto fail;
    st = campaign_hash(camp, err);
    if (st)
        goto fail;
    ftsa_dev_opts_t opts = {.array_n = cfg->array_n, .threads = cfg->threads};
    st = ftsa_dev_open(cfg->backend, &camp->net, &opts, &camp->dev, err);
    if (st)
        goto fail;
    /* Every trial classifies the same images: keep their fault-free run. */
    if (!cfg->no_reuse &&
        (st = ftsa_dev_set_reuse(camp->dev, cfg->golden_bytes ? cfg->golden_bytes : FTSA_CAMP_GOLDEN_BYTES,
                                 err)))
        goto fail;
    st = ftsa_dev_classify(camp->dev, &camp->ds, cfg->first, cfg->images, NULL, &camp->base_correct,
                           err);
    if (st)
        goto fail;
    return FTSA_OK;
fail:
    ftsa_camp_close(camp);
    return st;
}

void ftsa_camp_close(ftsa_camp_t *camp)
{
    ftsa_dev_close(camp->dev);
    camp->dev = NULL;
    ftsa_camp_plan_free(&camp->plan);
    if (camp->ds.images || camp->ds.labels)
        ftsa_dataset_free(&camp->ds);
    memset(&camp->ds, 0, sizeof camp->ds);
    ftsa_faults_free(&camp->list);
    ftsa_net_free(&camp->net);
}

uint64_t ftsa_camp_trial_seed(uint64_t seed, uint32_t point, uint32_t trial)
{
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, seed, (uint64_t)point << 32 | trial);
    return ftsa_rng_u64(&rng);
}

ftsa_status_t ftsa_camp_draw(const ftsa_net_t *net, const ftsa_camp_curve_t *cv,
                             ftsa_camp_mode_t mode, double rate, uint64_t seed,
                             ftsa_fault_list_t *list, ftsa_err_t *err)
{
    int ber = mode == FTSA_CAMP_MODE_BER;
    if (cv->sram) {
        ftsa_fault_spec_t spec = {.kind = cv->kind};
        return ber ? ftsa_faults_gen_sram_ber(&cv->sram_region, &spec, rate, seed, list, err)
                   : ftsa_faults_gen_sram_count(&cv->sram_region, &spec, (uint64_t)rate, seed, list,
                                                err);
    }
    return ber ? ftsa_faults_gen_ber(net, &cv->region, cv->kind, rate, seed, list, err)
               : ftsa_faults_gen_count(net, &cv->region, cv->kind, (uint64_t)rate, seed, list, err);
}

ftsa_status_t ftsa_camp_run_trial(ftsa_camp_t *camp, uint32_t point, uint32_t trial,
                                  ftsa_camp_row_t *row, ftsa_err_t *err)
{
    if (point >= camp->plan.n_points || trial >= camp->plan.points[point].trials)
        return ftsa_fail(err, FTSA_E_INVALID, "trial %u of point %u is not in the plan", trial, point);
    const ftsa_camp_point_t *pt = &camp->plan.points[point];
    const ftsa_camp_curve_t *cv = &camp->plan.curves[pt->curve];
    memset(row, 0, sizeof *row);
    row->point = point;
    row->trial = trial;
    row->trial_seed = ftsa_camp_trial_seed(camp->cfg.seed, point, trial);
    row->images = camp->cfg.images;
    camp->list.n = 0;
    ftsa_status_t st = ftsa_camp_draw(&camp->net, cv, camp->cfg.mode, pt->rate, row->trial_seed,
                                      &camp->list, err);
    if (!st)
        st = ftsa_dev_set_faults(camp->dev, &camp->list, err);
    if (!st)
        st = ftsa_dev_classify(camp->dev, &camp->ds, camp->cfg.first, camp->cfg.images, NULL,
                               &row->correct, err);
    if (st) {
        ftsa_err_prefix(err, "point %u (%s, rate %g) trial %u: ", point, cv->name, pt->rate, trial);
        return st;
    }
    row->faults = camp->list.n;
    return FTSA_OK;
}
