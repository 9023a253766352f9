#include "tb_common.h"

#include "backends.h" /* ftsa_hw_read_cfg, shared with the hardware back ends */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/hw_regs.h"
#include "ftsa/model_file.h"
#include "ftsa/rng.h"

static ftsa_status_t add_layer(ftsa_net_t *net, ftsa_layer_t *l, ftsa_rng_t *rng, ftsa_err_t *err)
{
    const ftsa_layer_t *prev = net->n_layers ? &net->layers[net->n_layers - 1] : NULL;
    l->in = ftsa_net_output_shape(net);
    l->in_scale = prev ? prev->out_scale : net->in_scale;
    l->in_zp = prev ? prev->out_zp : net->in_zp;
    l->out_scale = l->in_scale;
    l->out_zp = l->in_zp;
    if (ftsa_layer_has_weights(l)) {
        l->out_scale = 0.05f;
        l->out_zp = (int32_t)ftsa_rng_range(rng, -128, -60);
    }
    ftsa_status_t st = ftsa_layer_out_shape(l, l->in, &l->out, err);
    if (!st)
        st = ftsa_layer_alloc(l, err);
    if (!st && ftsa_layer_has_weights(l)) {
        uint32_t fan_in = ftsa_layer_fan_in(l);
        for (uint32_t i = 0; i < ftsa_layer_weight_count(l); i++)
            l->weights[i] = (int8_t)ftsa_rng_range(rng, -127, 127);
        double spread = 5300.0 * sqrt((double)fan_in);
        for (uint32_t c = 0; c < l->out.c; c++) {
            l->bias[c] = (int32_t)ftsa_rng_range(rng, -(int64_t)spread, (int64_t)spread);
            int shift;
            ftsa_quantize_multiplier(60.0 / spread * (0.5 + ftsa_rng_uniform(rng)),
                                     &l->multiplier[c], &shift);
            l->shift[c] = (int8_t)shift;
            l->w_scale[c] = 0.01f;
        }
    }
    if (!st)
        st = ftsa_net_append(net, l, err);
    if (st)
        ftsa_layer_free(l);
    return st;
}

ftsa_status_t tb_lenet_random(ftsa_net_t *net, uint64_t seed, ftsa_err_t *err)
{
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, seed, 0x6c656e6574ull);
    ftsa_net_init(net);
    snprintf(net->name, sizeof net->name, "lenet5-random-%llu", (unsigned long long)seed);
    net->input = (ftsa_shape_t){28, 28, 1};
    net->in_scale = 1.0f / 255.0f;
    net->in_zp = -128;
    ftsa_layer_t ls[] = {
        {.kind = FTSA_LAYER_CONV2D, .kh = 5, .kw = 5, .stride = 1, .pad = 2, .out = {.c = 6},
         .act = FTSA_ACT_RELU},
        {.kind = FTSA_LAYER_MAXPOOL, .kh = 2, .kw = 2, .stride = 2},
        {.kind = FTSA_LAYER_CONV2D, .kh = 5, .kw = 5, .stride = 1, .pad = 0, .out = {.c = 16},
         .act = FTSA_ACT_RELU},
        {.kind = FTSA_LAYER_MAXPOOL, .kh = 2, .kw = 2, .stride = 2},
        {.kind = FTSA_LAYER_FLATTEN},
        {.kind = FTSA_LAYER_FC, .out = {.c = 120}, .act = FTSA_ACT_RELU},
        {.kind = FTSA_LAYER_FC, .out = {.c = 84}, .act = FTSA_ACT_RELU},
        {.kind = FTSA_LAYER_FC, .out = {.c = 10}},
    };
    ftsa_status_t st = FTSA_OK;
    for (size_t i = 0; !st && i < sizeof ls / sizeof ls[0]; i++)
        st = add_layer(net, &ls[i], &rng, err);
    if (!st)
        st = ftsa_net_validate(net, err);
    if (st)
        ftsa_net_free(net);
    return st;
}

ftsa_status_t tb_lenet_load(const char *models_dir, ftsa_net_t *net, int *trained, ftsa_err_t *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/lenet5.ftsa", models_dir);
    FILE *f = fopen(path, "rb");
    *trained = f != NULL;
    if (!f)
        return tb_lenet_random(net, 5, err);
    fclose(f);
    return ftsa_model_load(path, net, err);
}

static uint32_t csr_read(void *sim, uint32_t addr)
{
    return ftsa_sim_csr_read(sim, addr);
}

void tb_hw_cfg(ftsa_sim_t *sim, ftsa_hw_cfg_t *hw)
{
    ftsa_hw_read_cfg(csr_read, sim, hw);
}

ftsa_status_t tb_rtl_open(tb_rtl_t *t, const ftsa_net_t *net, uint32_t array_n,
                          const ftsa_hw_cfg_t *hw, ftsa_err_t *err)
{
    memset(t, 0, sizeof *t);
    ftsa_hw_cfg_t own;
    ftsa_status_t st = ftsa_sim_create(array_n, 0, NULL, &t->sim, err);
    if (st)
        return st;
    tb_hw_cfg(t->sim, &own);
    ftsa_sim_destroy(t->sim);
    t->sim = NULL;
    if ((st = ftsa_compile(net, hw ? hw : &own, &t->prog, err)))
        return st;
    if ((st = ftsa_sim_create(array_n, t->prog.image_bytes, NULL, &t->sim, err)))
        return st;
    memcpy(ftsa_sim_host(t->sim, NULL), t->prog.image, t->prog.image_bytes);
    return ftsa_sim_run(t->sim, t->prog.setup_addr, 1ull << 32, err);
}

ftsa_status_t tb_rtl_infer(tb_rtl_t *t, const int8_t *input, ftsa_err_t *err)
{
    ftsa_program_pack_input(&t->prog, input, ftsa_sim_host(t->sim, NULL));
    return ftsa_sim_run(t->sim, t->prog.infer_addr, 1ull << 32, err);
}

void tb_rtl_layer(const tb_rtl_t *t, uint32_t i, int8_t *out)
{
    ftsa_program_unpack(&t->prog, &t->prog.layers[i], ftsa_sim_host(t->sim, NULL), out);
}

void tb_rtl_close(tb_rtl_t *t)
{
    ftsa_program_free(&t->prog);
    ftsa_sim_destroy(t->sim);
    memset(t, 0, sizeof *t);
}

int tb_same(const char *what, uint32_t layer, const int8_t *want, const int8_t *got, uint32_t n)
{
    uint32_t bad = 0, first = 0;
    for (uint32_t i = 0; i < n; i++)
        if (want[i] != got[i] && bad++ == 0)
            first = i;
    if (!bad)
        return 1;
    fprintf(stderr, "%s: layer %u: %u of %u values differ, first at %u: C model %d, RTL %d\n", what,
            layer, bad, n, first, want[first], got[first]);
    return 0;
}
