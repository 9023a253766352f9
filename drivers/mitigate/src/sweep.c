/* Fault sweeps on a validation slice: the AUC the FT-ClipAct search maximizes. */
#include <math.h>
#include <string.h>

#include "ftsa/campaign.h"
#include "ftsa/driver.h"
#include "ftsa/mitigate.h"
#include "ftsa/profile.h"

void ftsa_mit_sweep_defaults(ftsa_mit_sweep_t *sw)
{
    memset(sw, 0, sizeof *sw);
    sw->backend = "cmodel";
    sw->array_n = 8;
    sw->curve.region = (ftsa_tensor_region_t){FTSA_TENSOR_WEIGHTS, FTSA_ALL_LAYERS, 0};
    sw->curve.kind = FTSA_FAULT_FLIP;
    sw->n_rates = 4;
    for (uint32_t i = 0; i < 4; i++)
        sw->rates[i] = pow(10.0, -4.0 + i);
    sw->trials = 3;
    sw->seed = 1;
    sw->first = FTSA_PROFILE_FIRST;
    sw->images = 1000;
}

static ftsa_status_t check_sweep(const ftsa_mit_sweep_t *sw, ftsa_err_t *err)
{
    if (!sw->ds || !sw->images || (uint64_t)sw->first + sw->images > sw->ds->count)
        return ftsa_fail(err, FTSA_E_INVALID, "sweep images %u..%llu are not in the data set",
                         sw->first, (unsigned long long)sw->first + sw->images - 1);
    if (sw->n_rates < 2 || sw->n_rates > FTSA_MIT_MAX_RATES || !sw->trials)
        return ftsa_fail(err, FTSA_E_INVALID, "a sweep needs 2..%d rates and at least one trial",
                         FTSA_MIT_MAX_RATES);
    for (uint32_t i = 0; i < sw->n_rates; i++)
        if (!(sw->rates[i] > 0.0 && sw->rates[i] <= 1.0) || (i && sw->rates[i] <= sw->rates[i - 1]))
            return ftsa_fail(err, FTSA_E_INVALID, "sweep rates must increase strictly within (0, 1]");
    return FTSA_OK;
}

/* Mean accuracy over the trials of rate index r. */
static ftsa_status_t run_rate(const ftsa_mit_sweep_t *sw, const ftsa_net_t *net, ftsa_dev_t *dev,
                              uint32_t r, ftsa_fault_list_t *list, double *acc, ftsa_err_t *err)
{
    uint64_t sum = 0;
    for (uint32_t t = 0; t < sw->trials; t++) {
        uint32_t correct;
        list->n = 0;
        ftsa_status_t st = ftsa_camp_draw(net, &sw->curve, FTSA_CAMP_MODE_BER, sw->rates[r],
                                          ftsa_camp_trial_seed(sw->seed, r, t), list, err);
        if (!st)
            st = ftsa_dev_set_faults(dev, list, err);
        if (!st)
            st = ftsa_dev_classify(dev, sw->ds, sw->first, sw->images, NULL, &correct, err);
        if (st) {
            ftsa_err_prefix(err, "BER %g trial %u: ", sw->rates[r], t);
            return st;
        }
        sum += correct;
    }
    *acc = 100.0 * (double)sum / ((double)sw->trials * sw->images);
    return FTSA_OK;
}

ftsa_status_t ftsa_mit_sweep_base(const ftsa_mit_sweep_t *sw, const ftsa_net_t *net, double *acc,
                                  ftsa_err_t *err)
{
    ftsa_status_t st = check_sweep(sw, err);
    ftsa_dev_t *dev;
    ftsa_dev_opts_t opts = {.array_n = sw->array_n, .threads = sw->threads};
    if (!st)
        st = ftsa_dev_open(sw->backend ? sw->backend : "cmodel", net, &opts, &dev, err);
    if (st)
        return st;
    uint32_t correct = 0;
    st = ftsa_dev_classify(dev, sw->ds, sw->first, sw->images, NULL, &correct, err);
    ftsa_dev_close(dev);
    *acc = 100.0 * correct / sw->images;
    return st;
}

ftsa_status_t ftsa_mit_sweep_run(const ftsa_mit_sweep_t *sw, const ftsa_net_t *net, double ref_acc,
                                 ftsa_mit_sweep_result_t *res, ftsa_err_t *err)
{
    memset(res, 0, sizeof *res);
    ftsa_status_t st = check_sweep(sw, err);
    if (st)
        return st;
    ftsa_dev_t *dev;
    ftsa_dev_opts_t opts = {.array_n = sw->array_n, .threads = sw->threads};
    st = ftsa_dev_open(sw->backend ? sw->backend : "cmodel", net, &opts, &dev, err);
    if (st)
        return st;
    /* every trial classifies the same images: keep their fault-free run */
    if ((st = ftsa_dev_set_reuse(dev, FTSA_CAMP_GOLDEN_BYTES, err))) {
        ftsa_dev_close(dev);
        return st;
    }
    ftsa_fault_list_t list;
    ftsa_faults_init(&list);
    uint32_t correct;
    st = ftsa_dev_classify(dev, sw->ds, sw->first, sw->images, NULL, &correct, err);
    res->base_acc = 100.0 * correct / sw->images;
    for (uint32_t r = 0; !st && r < sw->n_rates; r++)
        st = run_rate(sw, net, dev, r, &list, &res->mean_acc[r], err);
    ftsa_faults_free(&list);
    ftsa_dev_close(dev);
    if (st)
        return st;
    res->auc = ftsa_camp_auc(sw->rates, res->mean_acc, sw->n_rates,
                             ref_acc > 0.0 ? ref_acc : res->base_acc, 1);
    return FTSA_OK;
}

static uint32_t lowest_bit(uint32_t v)
{
    uint32_t i = 0;
    while (v && !(v & 1u))
        v >>= 1, i++;
    return i;
}

ftsa_status_t ftsa_mit_sweep_from_camp(const ftsa_camp_config_t *cfg, ftsa_mit_sweep_t *sw,
                                       ftsa_err_t *err)
{
    if (cfg->mode != FTSA_CAMP_MODE_BER)
        return ftsa_fail(err, FTSA_E_INVALID, "a validation sweep takes BERs, not fault counts");
    if (cfg->n_rates < 2 || cfg->n_rates > FTSA_MIT_MAX_RATES)
        return ftsa_fail(err, FTSA_E_INVALID, "a validation sweep takes 2..%d BERs, not %u",
                         FTSA_MIT_MAX_RATES, cfg->n_rates);
    if ((cfg->kinds & (cfg->kinds - 1)) ||
        (!cfg->sram && ((cfg->tensors & (cfg->tensors - 1)) || cfg->n_layers)))
        return ftsa_fail(err, FTSA_E_INVALID, "a validation sweep takes one fault kind and one "
                                              "tensor of all layers (or one SRAM memory)");
    if (!cfg->trials)
        return ftsa_fail(err, FTSA_E_INVALID, "a validation sweep needs a number of trials");
    memset(&sw->curve, 0, sizeof sw->curve);
    sw->curve.kind = (ftsa_fault_kind_t)lowest_bit(cfg->kinds);
    sw->curve.sram = cfg->sram;
    if (cfg->sram) {
        ftsa_status_t st = ftsa_camp_sram_region(cfg, &sw->curve.sram_region, err);
        if (st)
            return st;
    } else {
        ftsa_tensor_t t = (ftsa_tensor_t)lowest_bit(cfg->tensors);
        uint32_t bits = ftsa_tensor_bits(t);
        sw->curve.region = (ftsa_tensor_region_t){t, FTSA_ALL_LAYERS, 0};
        if (cfg->bits == FTSA_CAMP_BITS_MSB)
            sw->curve.region.bit_mask = 1u << (bits - 1);
        else if (cfg->bits == FTSA_CAMP_BITS_MASK)
            sw->curve.region.bit_mask = cfg->bit_mask;
    }
    sw->array_n = cfg->array_n;
    sw->n_rates = cfg->n_rates;
    memcpy(sw->rates, cfg->rates, cfg->n_rates * sizeof cfg->rates[0]);
    sw->trials = cfg->trials;
    sw->threads = cfg->threads;
    sw->seed = cfg->seed;
    sw->first = cfg->first;
    sw->images = cfg->images;
    sw->backend = cfg->backend;
    return FTSA_OK;
}
