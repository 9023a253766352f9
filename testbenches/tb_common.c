#include "tb_common.h"

#include "backends.h" /* ftsa_hw_read_cfg, shared with the hardware back ends */

#include <stdlib.h>
#include <string.h>

#include "ftsa/hw_regs.h"
#include "ftsa/model_file.h"
#include "ftsa/netgen.h"

ftsa_status_t tb_lenet_load(const char *models_dir, ftsa_net_t *net, int *trained, ftsa_err_t *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/lenet5.ftsa", models_dir);
    FILE *f = fopen(path, "rb");
    *trained = f != NULL;
    if (!f)
        return ftsa_netgen_lenet(net, 5, err);
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
