/* Handle-based entry points for bindings: thin wrappers that allocate what
 * the full API leaves to the caller's stack. */
#include "ftsa/api.h"

#include <stdlib.h>
#include <string.h>

#include "ftsa/model_file.h"
#include "ftsa_version.h"

const char *ftsa_version(void)
{
    return FTSA_VERSION;
}

const char *ftsa_version_rtl(void)
{
    return FTSA_RTL_REV;
}

const char *ftsa_build_options(void)
{
    return FTSA_BUILD_OPTIONS;
}

ftsa_status_t ftsa_api_net_load(const char *path, ftsa_net_t **net, ftsa_err_t *err)
{
    ftsa_net_t *n = malloc(sizeof *n);
    if (!n)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for a network");
    ftsa_status_t st = ftsa_model_load(path, n, err);
    if (st) {
        free(n);
        return st;
    }
    *net = n;
    return FTSA_OK;
}

void ftsa_api_net_free(ftsa_net_t *net)
{
    if (!net)
        return;
    ftsa_net_free(net);
    free(net);
}

const char *ftsa_api_net_name(const ftsa_net_t *net)
{
    return net->name;
}

void ftsa_api_net_shape(const ftsa_net_t *net, uint32_t in_hwc[3], uint32_t *n_out,
                        uint32_t *n_layers)
{
    in_hwc[0] = net->input.h;
    in_hwc[1] = net->input.w;
    in_hwc[2] = net->input.c;
    *n_out = ftsa_shape_elems(ftsa_net_output_shape(net));
    *n_layers = net->n_layers;
}

ftsa_status_t ftsa_api_faults_load(const char *path, const char *text, ftsa_fault_list_t **list,
                                   ftsa_err_t *err)
{
    ftsa_fault_list_t *l = malloc(sizeof *l);
    if (!l)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for a fault list");
    ftsa_faults_init(l);
    ftsa_status_t st = text ? ftsa_faults_parse(text, path ? path : "<text>", l, err)
                            : ftsa_faults_read(path, l, err);
    if (st) {
        ftsa_api_faults_free(l);
        return st;
    }
    *list = l;
    return FTSA_OK;
}

uint32_t ftsa_api_faults_count(const ftsa_fault_list_t *list)
{
    return list->n;
}

void ftsa_api_faults_free(ftsa_fault_list_t *list)
{
    if (!list)
        return;
    ftsa_faults_free(list);
    free(list);
}

ftsa_status_t ftsa_api_dataset_load(const char *dir, int test_split, ftsa_dataset_t **ds,
                                    ftsa_err_t *err)
{
    ftsa_dataset_t *d = malloc(sizeof *d);
    if (!d)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for a data set");
    ftsa_status_t st =
        ftsa_dataset_load(dir, test_split ? FTSA_SPLIT_TEST : FTSA_SPLIT_TRAIN, d, err);
    if (st) {
        free(d);
        return st;
    }
    *ds = d;
    return FTSA_OK;
}

void ftsa_api_dataset_shape(const ftsa_dataset_t *ds, uint32_t *count, uint32_t *rows,
                            uint32_t *cols)
{
    *count = ds->count;
    *rows = ds->rows;
    *cols = ds->cols;
}

ftsa_status_t ftsa_api_dataset_copy(const ftsa_dataset_t *ds, uint32_t first, uint32_t count,
                                    uint8_t *pixels, uint8_t *labels, ftsa_err_t *err)
{
    if (first > ds->count || count > ds->count - first)
        return ftsa_fail(err, FTSA_E_INVALID, "images %u..%llu requested, the data set has %u",
                         first, (unsigned long long)first + count, ds->count);
    size_t px = (size_t)ds->rows * ds->cols;
    memcpy(pixels, ftsa_dataset_image(ds, first), px * count);
    memcpy(labels, ds->labels + first, count);
    return FTSA_OK;
}

void ftsa_api_dataset_free(ftsa_dataset_t *ds)
{
    if (!ds)
        return;
    ftsa_dataset_free(ds);
    free(ds);
}

ftsa_status_t ftsa_api_dev_open(const char *backend, const ftsa_net_t *net, uint32_t array_n,
                                ftsa_dev_t **dev, ftsa_err_t *err)
{
    ftsa_dev_opts_t opts = {.array_n = array_n};
    return ftsa_dev_open(backend, net, &opts, dev, err);
}

ftsa_status_t ftsa_api_dev_classify(ftsa_dev_t *dev, const uint8_t *pixels, uint32_t count,
                                    uint8_t *pred, int8_t *logits, ftsa_err_t *err)
{
    const ftsa_net_t *net = ftsa_dev_net(dev);
    size_t n_in = ftsa_shape_elems(net->input);
    size_t n_out = ftsa_shape_elems(ftsa_net_output_shape(net));
    int8_t *input = malloc(n_in);
    if (!input)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for an input");
    ftsa_status_t st = FTSA_OK;
    for (uint32_t i = 0; i < count && !st; i++) {
        ftsa_net_quantize_pixels(net, pixels + i * n_in, input);
        if ((st = ftsa_dev_infer(dev, input, err))) {
            ftsa_err_prefix(err, "image %u: ", i);
            break;
        }
        pred[i] = (uint8_t)ftsa_dev_argmax(dev);
        if (logits)
            memcpy(logits + i * n_out, ftsa_dev_output(dev), n_out);
    }
    free(input);
    return st;
}

ftsa_status_t ftsa_api_camp_open(const char *const *keys, const char *const *values, uint32_t n,
                                 ftsa_camp_t **camp, ftsa_err_t *err)
{
    ftsa_camp_config_t *cfg = malloc(sizeof *cfg);
    ftsa_camp_t *c = malloc(sizeof *c);
    ftsa_status_t st = FTSA_OK;
    if (!cfg || !c) {
        st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory for a campaign");
        goto out;
    }
    ftsa_camp_config_defaults(cfg);
    for (uint32_t i = 0; i < n && !st; i++)
        st = ftsa_camp_config_set(cfg, keys[i], values[i], "campaign setting", err);
    if (!st)
        st = ftsa_camp_open(cfg, c, err);
    if (!st) {
        *camp = c;
        c = NULL;
    }
out:
    free(cfg);
    free(c);
    return st;
}

uint32_t ftsa_api_camp_points(const ftsa_camp_t *camp)
{
    return camp->plan.n_points;
}

void ftsa_api_camp_baseline(const ftsa_camp_t *camp, uint32_t *correct, uint32_t *images)
{
    *correct = camp->base_correct;
    *images = camp->cfg.images;
}

ftsa_status_t ftsa_api_camp_point(const ftsa_camp_t *camp, uint32_t p, const char **curve,
                                  double *rate, uint32_t *trials, ftsa_err_t *err)
{
    if (p >= camp->plan.n_points)
        return ftsa_fail(err, FTSA_E_INVALID, "point %u: the plan has %u points", p,
                         camp->plan.n_points);
    const ftsa_camp_point_t *pt = &camp->plan.points[p];
    *curve = camp->plan.curves[pt->curve].name;
    *rate = pt->rate;
    *trials = pt->trials;
    return FTSA_OK;
}

ftsa_status_t ftsa_api_camp_run_point(ftsa_camp_t *camp, uint32_t p, uint32_t *correct,
                                      uint32_t *faults, ftsa_err_t *err)
{
    if (p >= camp->plan.n_points)
        return ftsa_fail(err, FTSA_E_INVALID, "point %u: the plan has %u points", p,
                         camp->plan.n_points);
    for (uint32_t t = 0; t < camp->plan.points[p].trials; t++) {
        ftsa_camp_row_t row;
        ftsa_status_t st = ftsa_camp_run_trial(camp, p, t, &row, err);
        if (st)
            return st;
        correct[t] = row.correct;
        faults[t] = row.faults;
    }
    return FTSA_OK;
}

void ftsa_api_camp_free(ftsa_camp_t *camp)
{
    if (!camp)
        return;
    ftsa_camp_close(camp);
    free(camp);
}
