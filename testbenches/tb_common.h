/* Shared helpers of the C-driven RTL testbenches: a LeNet-5-shaped network,
 * running a compiled program on the simulator directly (so tests can shrink
 * the SRAM limits the compiler sees), and layer-by-layer comparison. */
#ifndef FTSA_TB_COMMON_H
#define FTSA_TB_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include "ftsa/compile.h"
#include "ftsa/net.h"
#include "ftsa/ref.h"
#include "ftsa/sim.h"

/* Abort the test with a message (testbenches are programs, not libraries). */
#define TB_CHECK(cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, "\n");                                                                 \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

/* models/lenet5.ftsa when it exists, else ftsa_netgen_lenet(seed 5).  Sets *trained. */
ftsa_status_t tb_lenet_load(const char *models_dir, ftsa_net_t *net, int *trained, ftsa_err_t *err);

/* A network compiled for one hardware configuration, on its own simulator. */
typedef struct {
    ftsa_program_t prog;
    ftsa_sim_t *sim;
} tb_rtl_t;

/* Compile net with hw (NULL: the RTL's own limits) and run the setup stream. */
ftsa_status_t tb_rtl_open(tb_rtl_t *t, const ftsa_net_t *net, uint32_t array_n,
                          const ftsa_hw_cfg_t *hw, ftsa_err_t *err);
ftsa_status_t tb_rtl_infer(tb_rtl_t *t, const int8_t *input, ftsa_err_t *err);
/* Layer i's output after tb_rtl_infer, unpacked into out. */
void tb_rtl_layer(const tb_rtl_t *t, uint32_t i, int8_t *out);
void tb_rtl_close(tb_rtl_t *t);
/* The RTL's SRAM limits as the CSRs report them. */
void tb_hw_cfg(ftsa_sim_t *sim, ftsa_hw_cfg_t *hw);

/* Compare n values; print the first difference with context and return 0 on mismatch. */
int tb_same(const char *what, uint32_t layer, const int8_t *want, const int8_t *got, uint32_t n);

#endif
