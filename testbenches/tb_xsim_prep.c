/* Cross-simulator check, C side: compile a random network, write the host
 * memory image (with a packed input) for the Icarus testbench tb_xsim.v, run
 * the same image on the Verilated RTL, and write the host memory it leaves.
 *
 * usage: tb_xsim_prep ARRAY_N SEED OUT_DIR
 * writes OUT_DIR/image.hex, OUT_DIR/expect.hex (one 32-bit word per line),
 * OUT_DIR/stamps (word index of every cycle stamp, one per line) and
 * OUT_DIR/args (plusargs for vvp: +words= +setup= +infer= and the Verilator run
 * lengths +setup_cycles= +infer_cycles=). */
#include <stdlib.h>
#include <string.h>

#include "ftsa/netgen.h"
#include "tb_common.h"

static void write_hex(const char *dir, const char *name, const uint8_t *m, size_t bytes)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    TB_CHECK(f != NULL, "cannot write %s", path);
    for (size_t i = 0; i + 4 <= bytes; i += 4)
        fprintf(f, "%08x\n", (unsigned)(m[i] | m[i + 1] << 8 | m[i + 2] << 16 | (uint32_t)m[i + 3] << 24));
    TB_CHECK(fclose(f) == 0, "cannot write %s", path);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: tb_xsim_prep ARRAY_N SEED OUT_DIR\n");
        return 2;
    }
    uint32_t n = (uint32_t)atoi(argv[1]);
    uint64_t seed = strtoull(argv[2], NULL, 0);
    const char *dir = argv[3];
    ftsa_err_t err;
    ftsa_netgen_opts_t small = {.max_side = 8, .max_channels = 10, .max_fc = 20};
    ftsa_net_t net;
    TB_CHECK(!ftsa_netgen_random(&net, seed, &small, &err), "%s", err.msg);
    tb_rtl_t rtl;
    TB_CHECK(!tb_rtl_open(&rtl, &net, n, NULL, &err), "%s", err.msg);
    uint64_t setup_cycles = ftsa_sim_run_cycles(rtl.sim);
    int8_t *in = malloc(ftsa_shape_elems(net.input));
    ftsa_netgen_input(&net, seed, in);
    uint8_t *image = malloc(rtl.prog.image_bytes);
    memcpy(image, rtl.prog.image, rtl.prog.image_bytes);
    ftsa_program_pack_input(&rtl.prog, in, image);
    write_hex(dir, "image.hex", image, rtl.prog.image_bytes);
    uint64_t c0 = ftsa_sim_cycle(rtl.sim);
    TB_CHECK(!tb_rtl_infer(&rtl, in, &err), "%s", err.msg);
    write_hex(dir, "expect.hex", ftsa_sim_host(rtl.sim, NULL), rtl.prog.image_bytes);
    char path[1024];
    snprintf(path, sizeof path, "%s/args", dir);
    FILE *f = fopen(path, "w");
    TB_CHECK(f != NULL, "cannot write %s", path);
    fprintf(f, "+words=%zu +setup=%u +infer=%u +setup_cycles=%llu +infer_cycles=%llu\n",
            rtl.prog.image_bytes / 4, rtl.prog.setup_addr, rtl.prog.infer_addr,
            (unsigned long long)setup_cycles, (unsigned long long)ftsa_sim_run_cycles(rtl.sim));
    TB_CHECK(fclose(f) == 0, "cannot write %s", path);
    snprintf(path, sizeof path, "%s/stamps", dir);
    f = fopen(path, "w");
    TB_CHECK(f != NULL, "cannot write %s", path);
    for (uint32_t i = 0; i < rtl.prog.n_layers; i++)
        fprintf(f, "%u\n%u\n", rtl.prog.layers[i].stamp / 4, rtl.prog.layers[i].stamp / 4 + 1);
    TB_CHECK(fclose(f) == 0, "cannot write %s", path);
    for (uint32_t i = 0; i < net.n_layers; i++)
        printf("%s%s", i ? " -> " : "layers: ", ftsa_layer_kind_name(net.layers[i].kind));
    printf("\narray %ux%u", n, n);
    printf("\n%s: %u layers, %zu bytes of host memory, inference %llu cycles on Verilator\n", net.name,
           net.n_layers, rtl.prog.image_bytes, (unsigned long long)(ftsa_sim_cycle(rtl.sim) - c0));
    free(in);
    free(image);
    tb_rtl_close(&rtl);
    ftsa_net_free(&net);
    return 0;
}
