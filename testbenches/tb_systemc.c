/* The SystemC platform (sim/systemc) against the C model and the plain
 * Verilated RTL (docs/systemc.md).
 *
 *   tb_systemc equiv IMAGES MODELS_DIR
 *     LeNet-5 on IMAGES Fashion-MNIST test images, fault-free and under a
 *     tensor-space weight and bias fault list: every layer of the systemc back
 *     end equals the cmodel back end; clearing the faults restores the
 *     fault-free outputs; activation and read-disturb faults are refused.
 *   tb_systemc sram IMAGES MODELS_DIR
 *     SRAM-space faults (stuck-at and flips on every memory, a timed upset)
 *     through the systemc back end's fault port: every layer equals the plain
 *     Verilated simulator with the same masks set by ftsa_sim_fault_set and the
 *     upset scheduled by ftsa_sim_fault_upset_at.  Then the cycle timing of
 *     upsets: the first run cycle at which an upset of a stored input pixel
 *     outlives the DMA write of that pixel is found on the plain RTL; on the
 *     platform the upset at that cycle changes conv1 exactly as there, and one
 *     cycle earlier it changes nothing. */
#include <stdlib.h>
#include <string.h>

#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/hw_regs.h"
#include "tb_common.h"

static const char tensor_faults[] = "flip L0.weights 12 7\n"
                                    "sa1  L0.weights 40 6\n"
                                    "sa0  L2.weights 100 6\n"
                                    "flip L2.bias 3 20\n"
                                    "sa1  L5.weights 1000 7\n"
                                    "flip L6.bias 5 30\n";

/* SRAM faults and, below, the same faults as port masks (N = 8). */
static const char sram_faults[] = "flip weight 5 3\n"
                                  "sa1  weight 40 63\n"
                                  "sa0  param 2 30\n"
                                  "sa1  act 100 7\n"
                                  "flip act 4196 12\n"
                                  "flip acc 3 40\n"
                                  "seu  act 400 7 @3000\n";
#define UPSET_RUN_CYCLE 3000u

typedef struct {
    uint32_t mem, kind, addr, bit;
} port_fault_t;

static const port_fault_t sram_ports[] = {
    {FTSA_HW_MEM_WGT, FTSA_SIM_FAULT_FLIP, 5, 3},    {FTSA_HW_MEM_WGT, FTSA_SIM_FAULT_SA1, 40, 63},
    {FTSA_HW_MEM_PAR, FTSA_SIM_FAULT_SA0, 2, 30},    {FTSA_HW_MEM_ACT0, FTSA_SIM_FAULT_SA1, 100, 7},
    {FTSA_HW_MEM_ACT1, FTSA_SIM_FAULT_FLIP, 100, 12}, {FTSA_HW_MEM_ACC, FTSA_SIM_FAULT_FLIP, 3, 40},
};
static const port_fault_t sram_upset = {FTSA_HW_MEM_ACT0, FTSA_SIM_FAULT_UPSET, 400, 7};

static void one_bit(uint32_t mask[8], uint32_t bit)
{
    memset(mask, 0, 8 * sizeof mask[0]);
    mask[bit / 32] = 1u << (bit % 32);
}

static void parse(const char *text, ftsa_fault_list_t *list)
{
    ftsa_err_t err;
    ftsa_faults_init(list);
    TB_CHECK(!ftsa_faults_parse(text, "tb_systemc", list, &err), "%s", err.msg);
}

/* Every layer of the last inference of a equals b's; 0 if not. */
static int same_dev(const ftsa_net_t *net, const ftsa_dev_t *a, const ftsa_dev_t *b)
{
    for (uint32_t l = 0; l < net->n_layers; l++)
        if (!tb_same("layer", l, ftsa_dev_layer_output(b, l), ftsa_dev_layer_output(a, l),
                     ftsa_shape_elems(net->layers[l].out)))
            return 0;
    return 1;
}

/* Run images on both devices; every layer equal.  Returns how many network
 * outputs differ from base (per image, net output bytes), and stores the
 * outputs there when store is set. */
static uint32_t run_both(const ftsa_net_t *net, const ftsa_dataset_t *ds, uint32_t images,
                         ftsa_dev_t *sc, ftsa_dev_t *ref, int8_t *base, int store)
{
    ftsa_err_t err;
    uint32_t in_n = ftsa_shape_elems(net->input), out_n = ftsa_shape_elems(ftsa_net_output_shape(net));
    int8_t *in = malloc(in_n);
    uint32_t changed = 0;
    TB_CHECK(in, "out of memory");
    for (uint32_t i = 0; i < images; i++) {
        ftsa_net_quantize_pixels(net, ftsa_dataset_image(ds, i), in);
        TB_CHECK(!ftsa_dev_infer(sc, in, &err), "image %u: %s", i, err.msg);
        TB_CHECK(!ftsa_dev_infer(ref, in, &err), "image %u: %s", i, err.msg);
        TB_CHECK(same_dev(net, sc, ref), "image %u: systemc differs from %s", i,
                 ftsa_dev_backend_name(ref));
        if (store)
            memcpy(base + (size_t)i * out_n, ftsa_dev_output(sc), out_n);
        else
            changed += memcmp(base + (size_t)i * out_n, ftsa_dev_output(sc), out_n) != 0;
    }
    free(in);
    return changed;
}

static void expect_refused(ftsa_dev_t *sc, const char *text)
{
    ftsa_fault_list_t list;
    ftsa_err_t err;
    parse(text, &list);
    TB_CHECK(ftsa_dev_set_faults(sc, &list, &err) == FTSA_E_UNSUPPORTED, "'%s' accepted", text);
    ftsa_faults_free(&list);
}

static void test_equiv(const ftsa_net_t *net, const ftsa_dataset_t *ds, uint32_t images)
{
    ftsa_err_t err;
    ftsa_dev_t *sc, *ref;
    ftsa_fault_list_t list;
    int8_t *base = malloc((size_t)images * ftsa_shape_elems(ftsa_net_output_shape(net)));
    TB_CHECK(base, "out of memory");
    TB_CHECK(!ftsa_dev_open("systemc", net, NULL, &sc, &err), "%s", err.msg);
    TB_CHECK(!ftsa_dev_open("cmodel", net, NULL, &ref, &err), "%s", err.msg);
    run_both(net, ds, images, sc, ref, base, 1);
    parse(tensor_faults, &list);
    TB_CHECK(!ftsa_dev_set_faults(sc, &list, &err), "%s", err.msg);
    TB_CHECK(!ftsa_dev_set_faults(ref, &list, &err), "%s", err.msg);
    uint32_t changed = run_both(net, ds, images, sc, ref, base, 0);
    TB_CHECK(changed > 0, "the tensor faults changed no output of %u images", images);
    printf("equiv: %u images identical to the C model fault-free and under %u tensor faults "
           "(%u outputs changed)\n", images, list.n, changed);
    ftsa_faults_free(&list);
    TB_CHECK(!ftsa_dev_set_faults(sc, NULL, &err), "%s", err.msg);
    TB_CHECK(!ftsa_dev_set_faults(ref, NULL, &err), "%s", err.msg);
    TB_CHECK(run_both(net, ds, images < 5 ? images : 5, sc, ref, base, 0) == 0,
             "clearing the faults did not restore the outputs");
    expect_refused(sc, "flip L1.act 3 2\n");
    expect_refused(sc, "rd weight 3 2 p=0.5\n");
    ftsa_dev_close(ref);
    ftsa_dev_close(sc);
    free(base);
}

/* The plain Verilated RTL with the masks of sram_ports set. */
static void open_plain(tb_rtl_t *t, const ftsa_net_t *net)
{
    ftsa_err_t err;
    uint32_t mask[8];
    TB_CHECK(!tb_rtl_open(t, net, 8, NULL, &err), "%s", err.msg);
    for (size_t i = 0; i < sizeof sram_ports / sizeof sram_ports[0]; i++) {
        const port_fault_t *f = &sram_ports[i];
        one_bit(mask, f->bit);
        TB_CHECK(!ftsa_sim_fault_set(t->sim, f->mem, (ftsa_sim_fault_kind_t)f->kind, f->addr, mask,
                                     &err), "%s", err.msg);
    }
}

static void test_sram(const ftsa_net_t *net, const ftsa_dataset_t *ds, uint32_t images)
{
    ftsa_err_t err;
    ftsa_dev_t *sc, *ref;
    tb_rtl_t plain;
    ftsa_fault_list_t list;
    uint32_t in_n = ftsa_shape_elems(net->input), changed = 0, mask[8];
    uint32_t out_n = ftsa_shape_elems(ftsa_net_output_shape(net));
    uint32_t most = 0;
    for (uint32_t l = 0; l < net->n_layers; l++)
        if (ftsa_shape_elems(net->layers[l].out) > most)
            most = ftsa_shape_elems(net->layers[l].out);
    int8_t *in = malloc(in_n), *got = malloc(most);
    TB_CHECK(in && got, "out of memory");
    /* A plain simulator made and gone before the platform is built: the
     * platform's model must not take its (deleted) Verilator context. */
    open_plain(&plain, net);
    tb_rtl_close(&plain);
    TB_CHECK(!ftsa_dev_open("systemc", net, NULL, &sc, &err), "%s", err.msg);
    TB_CHECK(!ftsa_dev_open("cmodel", net, NULL, &ref, &err), "%s", err.msg);
    parse(sram_faults, &list);
    TB_CHECK(!ftsa_dev_set_faults(sc, &list, &err), "%s", err.msg);
    open_plain(&plain, net);
    one_bit(mask, sram_upset.bit);
    for (uint32_t i = 0; i < images; i++) {
        ftsa_net_quantize_pixels(net, ftsa_dataset_image(ds, i), in);
        /* ftsa_sim_run writes CMDQ_ADDR, then START: run cycle 0 is two cycles on. */
        TB_CHECK(!ftsa_sim_fault_upset_at(plain.sim, sram_upset.mem,
                                          ftsa_sim_cycle(plain.sim) + 2 + UPSET_RUN_CYCLE,
                                          sram_upset.addr, mask, &err), "%s", err.msg);
        TB_CHECK(!tb_rtl_infer(&plain, in, &err), "image %u: %s", i, err.msg);
        TB_CHECK(!ftsa_dev_infer(sc, in, &err), "image %u: %s", i, err.msg);
        TB_CHECK(!ftsa_dev_infer(ref, in, &err), "image %u: %s", i, err.msg);
        for (uint32_t l = 0; l < net->n_layers; l++) {
            tb_rtl_layer(&plain, l, got);
            TB_CHECK(tb_same("layer", l, got, ftsa_dev_layer_output(sc, l),
                             ftsa_shape_elems(net->layers[l].out)),
                     "image %u: systemc differs from the plain Verilated RTL", i);
        }
        changed += memcmp(ftsa_dev_output(sc), ftsa_dev_output(ref), out_n) != 0;
    }
    TB_CHECK(changed > 0, "the SRAM faults changed no output of %u images", images);
    printf("sram: %u images identical to the plain Verilated RTL under %u SRAM faults "
           "(%u outputs differ from fault-free)\n", images, list.n, changed);
    ftsa_faults_free(&list);
    tb_rtl_close(&plain);
    ftsa_dev_close(ref);
    ftsa_dev_close(sc);
    free(got);
    free(in);
}

/* Layer 0 of image `in` on the plain RTL with the upset of sram_upset at run cycle c. */
static void plain_upset(tb_rtl_t *t, const int8_t *in, uint64_t c, int8_t *out)
{
    ftsa_err_t err;
    uint32_t mask[8];
    one_bit(mask, sram_upset.bit);
    TB_CHECK(!ftsa_sim_fault_upset_at(t->sim, sram_upset.mem, ftsa_sim_cycle(t->sim) + 2 + c,
                                      sram_upset.addr, mask, &err), "%s", err.msg);
    TB_CHECK(!tb_rtl_infer(t, in, &err), "%s", err.msg);
    tb_rtl_layer(t, 0, out);
}

/* Layer 0 on the systemc device with only "seu act 400 7 @c". */
static void sc_upset(ftsa_dev_t *sc, const int8_t *in, uint64_t c)
{
    char text[64];
    ftsa_fault_list_t list;
    ftsa_err_t err;
    snprintf(text, sizeof text, "seu act %u %u @%llu\n", sram_upset.addr, sram_upset.bit,
             (unsigned long long)c);
    parse(text, &list);
    TB_CHECK(!ftsa_dev_set_faults(sc, &list, &err), "%s", err.msg);
    TB_CHECK(!ftsa_dev_infer(sc, in, &err), "%s", err.msg);
    ftsa_faults_free(&list);
}

static void test_upset_timing(const ftsa_net_t *net, const ftsa_dataset_t *ds)
{
    ftsa_err_t err;
    tb_rtl_t plain;
    ftsa_dev_t *sc;
    uint32_t n0 = ftsa_shape_elems(net->layers[0].out);
    int8_t *in = malloc(ftsa_shape_elems(net->input)), *base = malloc(n0), *got = malloc(n0);
    TB_CHECK(in && base && got, "out of memory");
    ftsa_net_quantize_pixels(net, ftsa_dataset_image(ds, 0), in);
    TB_CHECK(!tb_rtl_open(&plain, net, 8, NULL, &err), "%s", err.msg);
    TB_CHECK(!tb_rtl_infer(&plain, in, &err), "%s", err.msg);
    tb_rtl_layer(&plain, 0, base);
    /* First cycle (step 64, then bisection) whose upset survives the pixel's write. */
    uint64_t lo = 0, hi = 0;
    for (uint64_t c = 0; c < 20000 && !hi; c += 64) {
        plain_upset(&plain, in, c, got);
        if (memcmp(got, base, n0))
            hi = c;
        else
            lo = c;
    }
    TB_CHECK(hi > 0, "no upset of ACT0 word %u changed conv1", sram_upset.addr);
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        plain_upset(&plain, in, mid, got);
        *(memcmp(got, base, n0) ? &hi : &lo) = mid;
    }
    plain_upset(&plain, in, hi, got);
    TB_CHECK(!ftsa_dev_open("systemc", net, NULL, &sc, &err), "%s", err.msg);
    sc_upset(sc, in, hi);
    TB_CHECK(tb_same("upset layer", 0, got, ftsa_dev_layer_output(sc, 0), n0),
             "upset at run cycle %llu", (unsigned long long)hi);
    sc_upset(sc, in, hi - 1);
    TB_CHECK(tb_same("upset layer", 0, base, ftsa_dev_layer_output(sc, 0), n0),
             "upset at run cycle %llu", (unsigned long long)hi - 1);
    printf("upset timing: ACT0 word %u flipped at run cycle %llu changes conv1, at %llu not, "
           "on both simulators\n", sram_upset.addr, (unsigned long long)hi,
           (unsigned long long)hi - 1);
    ftsa_dev_close(sc);
    tb_rtl_close(&plain);
    free(got);
    free(base);
    free(in);
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "equiv") && strcmp(argv[1], "sram"))) {
        fprintf(stderr, "usage: tb_systemc equiv|sram IMAGES MODELS_DIR\n");
        return 2;
    }
    uint32_t images = (uint32_t)strtoul(argv[2], NULL, 10);
    const char *data = getenv("FTSA_DATA_DIR");
    ftsa_err_t err;
    ftsa_net_t net;
    ftsa_dataset_t ds;
    int trained;
    TB_CHECK(!tb_lenet_load(argv[3], &net, &trained, &err), "%s", err.msg);
    TB_CHECK(!ftsa_dataset_load(data ? data : "/usr/share/datasets/fashion-mnist",
                                FTSA_SPLIT_TEST, &ds, &err), "%s", err.msg);
    TB_CHECK(images <= ds.count, "%u images requested, the data set has %u", images, ds.count);
    if (!strcmp(argv[1], "equiv"))
        test_equiv(&net, &ds, images);
    else {
        test_sram(&net, &ds, images);
        test_upset_timing(&net, &ds);
    }
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return 0;
}
