/* Host-bus testbench: X hygiene and memory stalls, on LeNet-5 (packed conv1)
 * and small random networks.  Each network runs its setup stream and one
 * inference; the run leaves host memory (every layer's output and its cycle
 * stamps) and the two run lengths.
 *
 *   xinit: the build Verilated with --x-initial unique --x-assign unique
 *          (ftsa_sim_create_xrand, N = 16), once per X seed 1..SEEDS, against
 *          the normal build: host memory and run lengths identical, so no
 *          register or SRAM word without a reset is read before it is written.
 *   stall: the normal build with seeded random stalls (ready low, late read
 *          data; seed s: ready low with probability 0.05 s, data late with
 *          probability 0.1 s by 1..s+1 cycles) against the zero-wait bus: host
 *          memory identical but for the cycle stamps, STALL_CYCLES > 0, and
 *          RUN_CYCLES - STALL_CYCLES at most the zero-wait run length, equal
 *          to it for seeds 1..3 (a PASS prefetch late enough to delay the
 *          hand-off, which heavier stalls bring at N = 8, is counted but may
 *          be partly hidden: docs/host-interface.md).
 *
 * usage: tb_hostbus xinit SEEDS MODELS_DIR
 *        tb_hostbus stall ARRAY_N SEEDS MODELS_DIR */
#include <stdlib.h>
#include <string.h>

#include "ftsa/hw_regs.h"
#include "ftsa/netgen.h"
#include "tb_common.h"

typedef struct {
    uint8_t *host;
    size_t bytes;
    uint64_t cycles[2], stalls[2]; /* setup, inference */
} tb_run_t;

static ftsa_status_t open_sim(uint32_t n, size_t bytes, uint64_t xseed, ftsa_sim_t **sim,
                              ftsa_err_t *err)
{
    return xseed ? ftsa_sim_create_xrand(n, bytes, xseed, sim, err)
                 : ftsa_sim_create(n, bytes, NULL, sim, err);
}

/* Setup stream, then one inference on input in; xseed 0: the normal build. */
static void run_net(const ftsa_net_t *net, const int8_t *in, uint32_t n, uint64_t xseed,
                    const ftsa_sim_bus_t *bus, tb_run_t *r, ftsa_program_t *prog)
{
    ftsa_err_t err;
    ftsa_sim_t *sim;
    ftsa_hw_cfg_t hw;
    TB_CHECK(!open_sim(n, 0, xseed, &sim, &err), "%s", err.msg);
    tb_hw_cfg(sim, &hw);
    ftsa_sim_destroy(sim);
    TB_CHECK(!ftsa_compile(net, &hw, prog, &err), "%s: %s", net->name, err.msg);
    TB_CHECK(!open_sim(n, prog->image_bytes, xseed, &sim, &err), "%s", err.msg);
    TB_CHECK(!ftsa_sim_set_bus(sim, bus, &err), "%s", err.msg);
    uint8_t *host = ftsa_sim_host(sim, NULL);
    memcpy(host, prog->image, prog->image_bytes);
    for (int i = 0; i < 2; i++) {
        if (i)
            ftsa_program_pack_input(prog, in, host);
        TB_CHECK(!ftsa_sim_run(sim, i ? prog->infer_addr : prog->setup_addr, 1ull << 32, &err),
                 "%s: %s", net->name, err.msg);
        r->cycles[i] = ftsa_sim_run_cycles(sim);
        r->stalls[i] = ftsa_sim_csr_read(sim, FTSA_HW_CSR_STALL_CYCLES);
    }
    r->bytes = prog->image_bytes;
    r->host = malloc(r->bytes);
    TB_CHECK(r->host != NULL, "out of memory");
    memcpy(r->host, host, r->bytes);
    ftsa_sim_destroy(sim);
}

static int is_stamp(const ftsa_program_t *prog, size_t off)
{
    for (uint32_t i = 0; i < prog->n_layers; i++)
        if (off >= prog->layers[i].stamp && off < prog->layers[i].stamp + 8)
            return 1;
    return 0;
}

/* First differing byte of host memory (stamps skipped unless with_stamps). */
static int same_host(const char *what, const ftsa_program_t *prog, const tb_run_t *want,
                     const tb_run_t *got, int with_stamps)
{
    for (size_t i = 0; i < want->bytes; i++)
        if (want->host[i] != got->host[i] && (with_stamps || !is_stamp(prog, i))) {
            fprintf(stderr, "%s: host byte 0x%zx differs: reference 0x%02x, here 0x%02x\n", what, i,
                    want->host[i], got->host[i]);
            return 0;
        }
    return 1;
}

static int check_net(const char *mode, const ftsa_net_t *net, uint32_t n, uint32_t seeds,
                     uint64_t in_seed)
{
    int8_t *in = malloc(ftsa_shape_elems(net->input));
    TB_CHECK(in != NULL, "out of memory");
    ftsa_netgen_input(net, in_seed, in);
    ftsa_program_t prog;
    tb_run_t ref;
    run_net(net, in, n, 0, NULL, &ref, &prog);
    TB_CHECK(ref.stalls[0] == 0 && ref.stalls[1] == 0, "%s: zero-wait bus counted %llu stalls",
             net->name, (unsigned long long)(ref.stalls[0] + ref.stalls[1]));
    int xinit = !strcmp(mode, "xinit"), ok = 1;
    for (uint32_t s = 1; s <= seeds; s++) {
        char what[160];
        snprintf(what, sizeof what, "%s %s seed %u", net->name, mode, s);
        ftsa_sim_bus_t bus = {.seed = s, .p_busy = 0.05 * s, .p_late = 0.1 * s, .max_late = 1 + s};
        ftsa_program_t p2;
        tb_run_t got;
        run_net(net, in, n, xinit ? s : 0, xinit ? NULL : &bus, &got, &p2);
        ftsa_program_free(&p2);
        ok &= same_host(what, &prog, &ref, &got, xinit);
        for (int i = 0; i < 2; i++) {
            uint64_t net_cycles = got.cycles[i] - got.stalls[i];
            if (xinit || s <= 3 ? net_cycles != ref.cycles[i] : net_cycles > ref.cycles[i]) {
                fprintf(stderr, "%s: %s stream: %llu cycles, %llu of them stalls, zero-wait %llu\n",
                        what, i ? "inference" : "setup", (unsigned long long)got.cycles[i],
                        (unsigned long long)got.stalls[i], (unsigned long long)ref.cycles[i]);
                ok = 0;
            }
        }
        if (!xinit && got.stalls[0] + got.stalls[1] == 0) {
            fprintf(stderr, "%s: no stall was injected\n", what);
            ok = 0;
        }
        printf("%s: %llu + %llu cycles (%llu + %llu stalls), zero-wait %llu + %llu\n", what,
               (unsigned long long)got.cycles[0], (unsigned long long)got.cycles[1],
               (unsigned long long)got.stalls[0], (unsigned long long)got.stalls[1],
               (unsigned long long)ref.cycles[0], (unsigned long long)ref.cycles[1]);
        free(got.host);
    }
    free(ref.host);
    ftsa_program_free(&prog);
    free(in);
    return ok;
}

/* The X seed reaches the model: a never-written ACC word stored to the host
 * differs between two seeds (and reads 0 on the normal build). */
static void check_xrand_active(void)
{
    ftsa_err_t err;
    ftsa_cmdbuf_t cb;
    ftsa_cmd_init(&cb);
    ftsa_cmd_dma(&cb, 1, FTSA_HW_MEM_ACC, 0, 2, 0x1000);
    ftsa_cmd_emit(&cb, FTSA_HW_OP_END, 0, 0);
    TB_CHECK(!cb.oom, "out of memory");
    uint8_t got[3][128];
    for (uint64_t s = 0; s < 3; s++) {
        ftsa_sim_t *sim;
        TB_CHECK(!open_sim(16, 0x1000 + sizeof got[0], s, &sim, &err), "%s", err.msg);
        memcpy(ftsa_sim_host(sim, NULL), cb.words, cb.n * 4);
        TB_CHECK(!ftsa_sim_run(sim, 0, 10000, &err), "%s", err.msg);
        memcpy(got[s], ftsa_sim_host(sim, NULL) + 0x1000, sizeof got[s]);
        ftsa_sim_destroy(sim);
    }
    static const uint8_t zero[128];
    TB_CHECK(!memcmp(got[0], zero, sizeof zero), "normal build: unwritten ACC words not 0");
    TB_CHECK(memcmp(got[1], got[2], sizeof got[1]),
             "X seeds 1 and 2 leave the same unwritten ACC words: randomization is off");
    ftsa_cmd_free(&cb);
}

int main(int argc, char **argv)
{
    int xinit = argc == 4 && !strcmp(argv[1], "xinit");
    if (!xinit && !(argc == 5 && !strcmp(argv[1], "stall"))) {
        fprintf(stderr, "usage: tb_hostbus xinit SEEDS MODELS_DIR\n"
                        "       tb_hostbus stall ARRAY_N SEEDS MODELS_DIR\n");
        return 2;
    }
    uint32_t n = xinit ? 16 : (uint32_t)atoi(argv[2]);
    uint32_t seeds = (uint32_t)atoi(argv[xinit ? 2 : 3]);
    const char *models = argv[xinit ? 3 : 4];
    TB_CHECK(ftsa_sim_has_array(n), "no Verilated RTL for N = %u", n);
    TB_CHECK(seeds >= 1 && seeds <= 8, "SEEDS %u: give 1 to 8", seeds);
    if (xinit)
        check_xrand_active();
    ftsa_err_t err;
    ftsa_net_t net;
    int trained, ok = 1;
    TB_CHECK(!tb_lenet_load(models, &net, &trained, &err), "%s", err.msg);
    ok &= check_net(argv[1], &net, n, seeds, 1);
    ftsa_net_free(&net);
    ftsa_netgen_opts_t small = {.max_side = 8, .max_channels = 10, .max_fc = 20};
    for (uint64_t k = 1; k <= 2; k++) {
        TB_CHECK(!ftsa_netgen_random(&net, 100 + k, &small, &err), "%s", err.msg);
        ok &= check_net(argv[1], &net, n, seeds, k);
        ftsa_net_free(&net);
    }
    if (!ok)
        return 1;
    printf("tb_hostbus %s: all runs match\n", argv[1]);
    return 0;
}
