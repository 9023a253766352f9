/* Fault lists: text format, per-kind semantics on single words, seeded draws. */
#include <check.h>

#include "check_main.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/faults.h"
#include "ftsa/netgen.h"
#include "ftsa/ref.h"
#include "tiny_net.h"

static const char *good_text =
    "# a comment line\n"
    "seed 42\n"
    "sa0  weight 12 3\n"
    "sa1  L0.weights 5 7   # trailing comment\n"
    "\n"
    "flip L3.bias 1 31\n"
    "seu  act 0x10 2 @1234\n"
    "rd   acc 7 30 p=0.25\n"
    "flip L1.act 0 0\n";

START_TEST(parse_and_write_roundtrip)
{
    ftsa_fault_list_t a, b;
    ftsa_err_t err;
    ck_assert_msg(ftsa_faults_parse(good_text, "good", &a, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_uint_eq(a.n, 6);
    ck_assert_uint_eq(a.seed, 42);
    ck_assert_int_eq(a.v[0].kind, FTSA_FAULT_SA0);
    ck_assert_int_eq(a.v[0].space, FTSA_SPACE_SRAM);
    ck_assert_uint_eq(a.v[0].target, FTSA_MEM_WEIGHT);
    ck_assert_uint_eq(a.v[0].index, 12);
    ck_assert_uint_eq(a.v[1].space, FTSA_SPACE_TENSOR);
    ck_assert_uint_eq(a.v[1].layer, 0);
    ck_assert_uint_eq(a.v[1].line, 4);
    ck_assert_uint_eq(a.v[3].index, 16);
    ck_assert_uint_eq(a.v[3].cycle, 1234);
    ck_assert(a.v[4].prob == 0.25);

    char *buf;
    size_t len;
    FILE *mem = open_memstream(&buf, &len);
    ck_assert_int_eq(ftsa_faults_write(&a, mem, &err), FTSA_OK);
    fclose(mem);
    ck_assert_msg(ftsa_faults_parse(buf, "written", &b, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_uint_eq(a.n, b.n);
    ck_assert_uint_eq(a.seed, b.seed);
    for (uint32_t i = 0; i < a.n; i++) {
        b.v[i].line = a.v[i].line; /* only the line numbers may differ */
        ck_assert_mem_eq(&a.v[i], &b.v[i], sizeof a.v[i]);
    }
    free(buf);
    ftsa_faults_free(&a);
    ftsa_faults_free(&b);
}
END_TEST

static void expect_bad(const char *text, const char *needle)
{
    ftsa_fault_list_t l;
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_faults_parse(text, "f.txt", &l, &err), FTSA_E_FORMAT);
    ck_assert_msg(strstr(err.msg, needle), "message '%s' lacks '%s'", err.msg, needle);
    ck_assert_uint_eq(l.n, 0);
}

START_TEST(bad_lines_name_file_line_and_reason)
{
    expect_bad("sa0 weight 1 1\nbogus weight 1 1\n", "f.txt:2: unknown fault kind 'bogus'");
    expect_bad("sa0 sram 1 1\n", "f.txt:1: unknown memory 'sram'");
    expect_bad("sa0 L1.gamma 1 1\n", "unknown memory 'L1.gamma'");
    expect_bad("sa0 weight -1 1\n", "index '-1'");
    expect_bad("sa0 L0.weights 1 32\n", "bit '32' is not an integer in 0..31");
    expect_bad("sa0 acc 1 1024\n", "bit '1024' is not an integer in 0..1023");
    expect_bad("sa0 weight 1\n", "expected KIND WHERE INDEX BIT, got 3 fields");
    expect_bad("seu weight 1 1\n", "seu needs the cycle");
    expect_bad("sa1 weight 1 1 @5\n", "only seu takes a cycle");
    expect_bad("rd weight 1 1\n", "rd needs a flip probability");
    expect_bad("rd weight 1 1 p=1.5\n", "probability '1.5' is not in (0, 1]");
    expect_bad("flip weight 1 1 extra\n", "unexpected field 'extra'");
    expect_bad("seed x\n", "'seed' takes one non-negative integer");
}
END_TEST

START_TEST(tensor_check_against_net)
{
    ftsa_net_t net;
    ftsa_fault_list_t l;
    ftsa_err_t err;
    tiny_net_build(&net, FTSA_ACT_NONE, 0);
    const struct {
        const char *text, *needle;
    } cases[] = {
        {"sa0 L9.weights 0 0\n", "line 1: L9.weights: the network has 4 layers"},
        {"sa0 L1.weights 0 0\n", "layer 1 (maxpool) has no weights"},
        {"sa0 L0.weights 8 0\n", "index 8 out of range (8 elements)"},
        {"sa0 L0.weights 0 8\n", "bit 8 out of range (8-bit elements)"},
        {"seu L0.act 0 0 @3\n", "tensor space takes permanent faults only"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ck_assert_int_eq(ftsa_faults_parse(cases[i].text, "t", &l, &err), FTSA_OK);
        ck_assert_int_eq(ftsa_faults_check_tensor(&l, &net, &err), FTSA_E_INVALID);
        ck_assert_msg(strstr(err.msg, cases[i].needle), "'%s' lacks '%s'", err.msg, cases[i].needle);
        ftsa_faults_free(&l);
    }
    ck_assert_int_eq(ftsa_faults_parse("sa1 L3.bias 1 31\nflip L0.act 7 7\n", "t", &l, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_faults_check_tensor(&l, &net, &err), FTSA_OK);
    ftsa_faults_free(&l);
    ftsa_net_free(&net);
}
END_TEST

/* Semantics on one word: the weight w[0][0][0] of the tiny conv is 1 (0b00000001). */
static int8_t weight_after(const char *text)
{
    ftsa_net_t net;
    ftsa_fault_list_t l;
    ftsa_err_t err;
    tiny_net_build(&net, FTSA_ACT_NONE, 0);
    ck_assert_int_eq(ftsa_faults_parse(text, "t", &l, &err), FTSA_OK);
    ftsa_faults_apply_params(&l, &net);
    int8_t w = net.layers[0].weights[0];
    ftsa_faults_free(&l);
    ftsa_net_free(&net);
    return w;
}

START_TEST(single_word_semantics)
{
    ck_assert_int_eq(weight_after("sa1 L0.weights 0 0\n"), 1);  /* already 1: no change */
    ck_assert_int_eq(weight_after("sa0 L0.weights 0 1\n"), 1);  /* already 0: no change */
    ck_assert_int_eq(weight_after("sa0 L0.weights 0 0\n"), 0);
    ck_assert_int_eq(weight_after("sa1 L0.weights 0 7\n"), -127); /* 0b10000001 */
    ck_assert_int_eq(weight_after("flip L0.weights 0 0\n"), 0);
    ck_assert_int_eq(weight_after("flip L0.weights 0 0\nflip L0.weights 0 0\n"), 1);
    /* Whatever the list order: ((w & ~sa0) | sa1) ^ flip, as the RTL's fault ports. */
    ck_assert_int_eq(weight_after("sa1 L0.weights 0 1\nflip L0.weights 0 1\n"), 1);
    ck_assert_int_eq(weight_after("flip L0.weights 0 1\nsa1 L0.weights 0 1\n"), 1);
    ck_assert_int_eq(weight_after("flip L0.weights 0 1\nsa0 L0.weights 0 1\n"), 3);
    ck_assert_int_eq(weight_after("sa1 L0.weights 0 0\nsa0 L0.weights 0 0\n"), 1);
}
END_TEST

/* Install the tensor-space activation faults of text on layer 0 of ref. */
static void set_act_faults(ftsa_ref_t *ref, const char *text)
{
    ftsa_fault_list_t l;
    ftsa_err_t err;
    ftsa_act_mask_t *m;
    uint32_t n;
    ck_assert_int_eq(ftsa_faults_parse(text, "t", &l, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_faults_act_masks(&l, 0, &m, &n, &err), FTSA_OK);
    ck_assert_uint_eq(n, 1); /* every case here hits one element */
    ck_assert_int_eq(ftsa_ref_set_act_masks(ref, 0, m, n, &err), FTSA_OK);
    free(m);
    ftsa_faults_free(&l);
}

START_TEST(activation_faults_reach_downstream)
{
    ftsa_net_t net;
    ftsa_ref_t ref;
    ftsa_err_t err;
    tiny_net_build(&net, FTSA_ACT_NONE, 0);
    ck_assert_int_eq(ftsa_ref_init(&ref, &net, &err), FTSA_OK);
    /* Layer 0 output element 6 is 6 (0b110): sa1 on bit 1 changes nothing. */
    set_act_faults(&ref, "sa1 L0.act 6 1\n");
    ftsa_ref_run(&ref, tiny_input);
    ck_assert_mem_eq(ftsa_ref_output(&ref, 3), ((const int8_t[]){9, -3}), 2);
    /* Flip bit 4 of element 6 (6 -> 22): the pool picks it, and the fc sees it:
     * x - zp = [24, 2]: acc [38, -70] -> x0.25 -> [10, -18] (9.5, -17.5 away) + 3. */
    set_act_faults(&ref, "flip L0.act 6 4\n");
    ftsa_ref_run(&ref, tiny_input);
    ck_assert_int_eq(ftsa_ref_output(&ref, 0)[6], 22);
    ck_assert_int_eq(ftsa_ref_output(&ref, 1)[0], 22);
    ck_assert_mem_eq(ftsa_ref_output(&ref, 3), ((const int8_t[]){13, -15}), 2);
    /* Masks of one element merge order-free: flip and sa0 on bit 1 of 6 read 6. */
    set_act_faults(&ref, "flip L0.act 6 1\nsa0 L0.act 6 1\n");
    ftsa_ref_run(&ref, tiny_input);
    ck_assert_int_eq(ftsa_ref_output(&ref, 0)[6], 6);
    set_act_faults(&ref, "sa0 L0.act 6 1\nflip L0.act 6 1\n");
    ftsa_ref_run(&ref, tiny_input);
    ck_assert_int_eq(ftsa_ref_output(&ref, 0)[6], 6);
    ck_assert_int_eq(ftsa_ref_set_act_masks(&ref, 0, NULL, 0, &err), FTSA_OK);
    ftsa_ref_run(&ref, tiny_input);
    ck_assert_mem_eq(ftsa_ref_output(&ref, 3), ((const int8_t[]){9, -3}), 2);
    ftsa_ref_free(&ref);
    ftsa_net_free(&net);
}
END_TEST

START_TEST(ber_draws_match_the_rate)
{
    ftsa_net_t net;
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_netgen_lenet(&net, 1, &err), FTSA_OK);
    const double bers[] = {1e-5, 1e-4, 1e-3, 1e-2, 0.2};
    const ftsa_tensor_region_t regions[] = {
        {FTSA_TENSOR_WEIGHTS, FTSA_ALL_LAYERS, 0},
        {FTSA_TENSOR_WEIGHTS, 2, 0x80},
        {FTSA_TENSOR_BIAS, FTSA_ALL_LAYERS, 0},
        {FTSA_TENSOR_ACT, 0, 0x0f},
    };
    for (size_t r = 0; r < sizeof regions / sizeof *regions; r++) {
        uint64_t n = ftsa_region_bits(&net, &regions[r]);
        for (size_t b = 0; b < sizeof bers / sizeof *bers; b++)
            for (uint64_t seed = 1; seed <= 3; seed++) {
                ftsa_fault_list_t l;
                ftsa_faults_init(&l);
                ck_assert_int_eq(ftsa_faults_gen_ber(&net, &regions[r], FTSA_FAULT_FLIP, bers[b],
                                                     seed, &l, &err), FTSA_OK);
                ck_assert_int_eq(ftsa_faults_check_tensor(&l, &net, &err), FTSA_OK);
                /* Binomial(n, p): the count must sit within 5 standard deviations
                 * (plus one for tiny means) of n p. */
                double mean = (double)n * bers[b];
                double sd = sqrt(mean * (1.0 - bers[b]));
                ck_assert_msg(fabs(l.n - mean) <= 5.0 * sd + 1.0,
                              "region %zu ber %g: %u faults, expected %.1f +- %.1f", r, bers[b],
                              l.n, mean, sd);
                for (uint32_t i = 0; i < l.n; i++) {
                    ck_assert(regions[r].bit_mask == 0 || (regions[r].bit_mask >> l.v[i].bit) & 1);
                    ck_assert(regions[r].layer == FTSA_ALL_LAYERS || l.v[i].layer == regions[r].layer);
                    if (i) /* site order, no repeats */
                        ck_assert(l.v[i].layer > l.v[i - 1].layer ||
                                  (l.v[i].layer == l.v[i - 1].layer &&
                                   (l.v[i].index > l.v[i - 1].index ||
                                    (l.v[i].index == l.v[i - 1].index && l.v[i].bit > l.v[i - 1].bit))));
                }
                ftsa_faults_free(&l);
            }
    }
    /* Pooled over many seeds, the mean count is tight around n p. */
    ftsa_tensor_region_t all = {FTSA_TENSOR_WEIGHTS, FTSA_ALL_LAYERS, 0};
    uint64_t n = ftsa_region_bits(&net, &all), total = 0;
    for (uint64_t seed = 100; seed < 300; seed++) {
        ftsa_fault_list_t l;
        ftsa_faults_init(&l);
        ck_assert_int_eq(ftsa_faults_gen_ber(&net, &all, FTSA_FAULT_SA1, 1e-3, seed, &l, &err), FTSA_OK);
        total += l.n;
        ftsa_faults_free(&l);
    }
    double mean = (double)n * 1e-3 * 200, sd = sqrt(mean);
    ck_assert_msg(fabs((double)total - mean) <= 4.0 * sd, "%llu vs %.0f", (unsigned long long)total, mean);
    ftsa_net_free(&net);
}
END_TEST

START_TEST(draws_are_deterministic)
{
    ftsa_net_t net;
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_netgen_lenet(&net, 2, &err), FTSA_OK);
    ftsa_tensor_region_t all = {FTSA_TENSOR_WEIGHTS, FTSA_ALL_LAYERS, 0};
    ftsa_fault_list_t a, b, c;
    ftsa_faults_init(&a);
    ftsa_faults_init(&b);
    ftsa_faults_init(&c);
    ck_assert_int_eq(ftsa_faults_gen_ber(&net, &all, FTSA_FAULT_FLIP, 1e-3, 9, &a, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_faults_gen_ber(&net, &all, FTSA_FAULT_FLIP, 1e-3, 9, &b, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_faults_gen_ber(&net, &all, FTSA_FAULT_FLIP, 1e-3, 10, &c, &err), FTSA_OK);
    ck_assert_uint_eq(a.n, b.n);
    ck_assert_mem_eq(a.v, b.v, a.n * sizeof *a.v);
    ck_assert(a.n != c.n || memcmp(a.v, c.v, a.n * sizeof *a.v) != 0);
    ftsa_faults_free(&a);
    ftsa_faults_free(&b);
    ftsa_faults_free(&c);
    /* Exact counts: distinct sites, exactly as many as asked. */
    for (uint64_t k = 0; k <= 300; k += 100) {
        ck_assert_int_eq(ftsa_faults_gen_count(&net, &all, FTSA_FAULT_SA0, k, 5, &a, &err), FTSA_OK);
        ck_assert_uint_eq(a.n, k);
        for (uint32_t i = 1; i < a.n; i++)
            ck_assert(memcmp(&a.v[i], &a.v[i - 1], sizeof a.v[i]) != 0);
        ftsa_faults_free(&a);
    }
    ck_assert_int_eq(ftsa_faults_gen_count(&net, &all, FTSA_FAULT_SA0, 1u << 30, 5, &a, &err),
                     FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "faults requested, the region has"));
    ck_assert_int_eq(ftsa_faults_gen_ber(&net, &all, FTSA_FAULT_SEU, 1e-3, 5, &a, &err), FTSA_E_INVALID);
    ftsa_tensor_region_t none = {FTSA_TENSOR_WEIGHTS, 1, 0};
    ck_assert_int_eq(ftsa_faults_gen_ber(&net, &none, FTSA_FAULT_FLIP, 1e-3, 5, &a, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "holds no weights"));
    ftsa_faults_free(&a);
    ftsa_net_free(&net);
}
END_TEST

/* The RTL build's geometry at N = 8 (docs/hardware.md), as a caller passes it. */
static const ftsa_sram_region_t sram_regions[] = {
    {FTSA_MEM_WEIGHT, 0, 16384, 64, 8, 0},
    {FTSA_MEM_WEIGHT, 100, 900, 64, 8, 0x80},   /* msb of each byte lane */
    {FTSA_MEM_ACT, 4090, 12, 64, 8, 0x0f},      /* across the two buffers */
    {FTSA_MEM_ACC, 0, 1024, 256, 32, 0x80000000u},
    {FTSA_MEM_PARAM, 7, 2041, 96, 32, 0},
    {FTSA_MEM_THR, 4095, 1, 64, 8, 0x81},
};
#define N_SRAM_REGIONS (sizeof sram_regions / sizeof *sram_regions)

/* Every fault of l lies in region r (words, allowed bits), in site order, and
 * carries what spec asks. */
static void check_in_sram_region(const ftsa_fault_list_t *l, const ftsa_sram_region_t *r,
                                 const ftsa_fault_spec_t *spec)
{
    uint32_t mask = r->bit_mask ? r->bit_mask : (uint32_t)((1ull << r->elem_bits) - 1);
    for (uint32_t i = 0; i < l->n; i++) {
        const ftsa_fault_t *f = &l->v[i];
        ck_assert_int_eq(f->space, FTSA_SPACE_SRAM);
        ck_assert_uint_eq(f->target, r->mem);
        ck_assert_uint_ge(f->index, r->first);
        ck_assert_uint_lt((uint64_t)f->index - r->first, r->count);
        ck_assert_uint_lt(f->bit, r->word_bits);
        ck_assert_msg((mask >> (f->bit % r->elem_bits)) & 1, "bit %u outside mask 0x%x", f->bit,
                      mask);
        ck_assert_int_eq(f->kind, spec->kind);
        if (spec->kind == FTSA_FAULT_SEU) {
            ck_assert_uint_ge(f->cycle, spec->cycle_first);
            ck_assert_uint_lt(f->cycle, spec->cycle_end);
        }
        if (spec->kind == FTSA_FAULT_READ_DISTURB)
            ck_assert(f->prob == spec->prob);
        if (i)
            ck_assert(f->index > l->v[i - 1].index ||
                      (f->index == l->v[i - 1].index && f->bit > l->v[i - 1].bit));
    }
}

START_TEST(sram_ber_draws_match_the_rate)
{
    const double bers[] = {1e-5, 1e-4, 1e-3, 1e-2, 0.2};
    const ftsa_fault_spec_t specs[] = {
        {FTSA_FAULT_FLIP, 0, 0, 0.0},
        {FTSA_FAULT_SEU, 1000, 30000, 0.0},
        {FTSA_FAULT_READ_DISTURB, 0, 0, 0.01},
    };
    ftsa_err_t err;
    for (size_t r = 0; r < N_SRAM_REGIONS; r++) {
        uint64_t n = ftsa_sram_region_bits(&sram_regions[r]);
        ck_assert_uint_gt(n, 0);
        for (size_t b = 0; b < sizeof bers / sizeof *bers; b++)
            for (uint64_t seed = 1; seed <= 3; seed++) {
                const ftsa_fault_spec_t *spec = &specs[seed % 3];
                ftsa_fault_list_t l;
                ftsa_faults_init(&l);
                ck_assert_int_eq(ftsa_faults_gen_sram_ber(&sram_regions[r], spec, bers[b], seed,
                                                          &l, &err), FTSA_OK);
                double mean = (double)n * bers[b], sd = sqrt(mean * (1.0 - bers[b]));
                ck_assert_msg(fabs(l.n - mean) <= 5.0 * sd + 1.0,
                              "region %zu ber %g: %u faults, expected %.1f +- %.1f", r, bers[b],
                              l.n, mean, sd);
                check_in_sram_region(&l, &sram_regions[r], spec);
                ftsa_faults_free(&l);
            }
    }
    /* Pooled over many seeds, the count is tight around n p, and the upset
     * cycles cover their range evenly (mean within 4 standard errors). */
    const ftsa_sram_region_t *w = &sram_regions[0];
    const ftsa_fault_spec_t seu = {FTSA_FAULT_SEU, 1000, 30000, 0.0};
    uint64_t n = ftsa_sram_region_bits(w), total = 0;
    double cycle_sum = 0.0;
    for (uint64_t seed = 100; seed < 200; seed++) {
        ftsa_fault_list_t l;
        ftsa_faults_init(&l);
        ck_assert_int_eq(ftsa_faults_gen_sram_ber(w, &seu, 1e-4, seed, &l, &err), FTSA_OK);
        total += l.n;
        for (uint32_t i = 0; i < l.n; i++)
            cycle_sum += (double)l.v[i].cycle;
        ftsa_faults_free(&l);
    }
    double mean = (double)n * 1e-4 * 100, sd = sqrt(mean);
    ck_assert_msg(fabs((double)total - mean) <= 4.0 * sd, "%llu vs %.0f",
                  (unsigned long long)total, mean);
    double c_mean = cycle_sum / (double)total, c_sd = 29000.0 / sqrt(12.0 * (double)total);
    ck_assert_msg(fabs(c_mean - 15500.0) <= 4.0 * c_sd, "mean upset cycle %.1f", c_mean);
}
END_TEST

START_TEST(sram_draws_are_deterministic_and_exact)
{
    ftsa_err_t err;
    const ftsa_fault_spec_t seu = {FTSA_FAULT_SEU, 0, 29072, 0.0};
    const ftsa_fault_spec_t sa1 = {FTSA_FAULT_SA1, 0, 0, 0.0};
    ftsa_fault_list_t a, b, c;
    ftsa_faults_init(&a);
    ftsa_faults_init(&b);
    ftsa_faults_init(&c);
    const ftsa_sram_region_t *r = &sram_regions[3];
    ck_assert_int_eq(ftsa_faults_gen_sram_ber(r, &seu, 1e-3, 9, &a, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_faults_gen_sram_ber(r, &seu, 1e-3, 9, &b, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_faults_gen_sram_ber(r, &seu, 1e-3, 10, &c, &err), FTSA_OK);
    ck_assert_uint_eq(a.n, b.n);
    ck_assert_mem_eq(a.v, b.v, a.n * sizeof *a.v);
    ck_assert(a.n != c.n || memcmp(a.v, c.v, a.n * sizeof *a.v) != 0);
    ftsa_faults_free(&c);
    /* The sites of a seed do not depend on the kind. */
    ck_assert_int_eq(ftsa_faults_gen_sram_ber(r, &sa1, 1e-3, 9, &c, &err), FTSA_OK);
    ck_assert_uint_eq(a.n, c.n);
    for (uint32_t i = 0; i < a.n; i++)
        ck_assert(a.v[i].index == c.v[i].index && a.v[i].bit == c.v[i].bit);
    ftsa_faults_free(&a);
    ftsa_faults_free(&b);
    ftsa_faults_free(&c);
    /* Exact counts: distinct sites in the region, as many as asked, up to every site. */
    const ftsa_sram_region_t small = {FTSA_MEM_PARAM, 5, 3, 96, 32, 0x80000001u};
    for (size_t i = 0; i < N_SRAM_REGIONS + 1; i++) {
        const ftsa_sram_region_t *reg = i < N_SRAM_REGIONS ? &sram_regions[i] : &small;
        uint64_t n = ftsa_sram_region_bits(reg);
        const uint64_t ks[] = {0, 1, n < 300 ? n : 300};
        for (size_t k = 0; k < 3; k++) {
            ck_assert_int_eq(ftsa_faults_gen_sram_count(reg, &seu, ks[k], 5, &a, &err), FTSA_OK);
            ck_assert_uint_eq(a.n, ks[k]);
            check_in_sram_region(&a, reg, &seu);
            ftsa_faults_free(&a);
        }
    }
    ck_assert_uint_eq(ftsa_sram_region_bits(&small), 3 * 3 * 2);
    /* Every site of the small region: bits 0 and 31 of each of three fields. */
    ck_assert_int_eq(ftsa_faults_gen_sram_count(&small, &sa1, 18, 5, &a, &err), FTSA_OK);
    const uint32_t bits[] = {0, 31, 32, 63, 64, 95};
    for (uint32_t i = 0; i < 18; i++) {
        ck_assert_uint_eq(a.v[i].index, 5 + i / 6);
        ck_assert_uint_eq(a.v[i].bit, bits[i % 6]);
    }
    ftsa_faults_free(&a);
    /* A written and re-read list is the same list. */
    ck_assert_int_eq(ftsa_faults_gen_sram_count(&sram_regions[2], &seu, 40, 3, &a, &err), FTSA_OK);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    ck_assert_int_eq(ftsa_faults_write(&a, mem, &err), FTSA_OK);
    fclose(mem);
    ck_assert_int_eq(ftsa_faults_parse(text, "drawn", &b, &err), FTSA_OK);
    ck_assert_uint_eq(a.n, b.n);
    ck_assert_uint_eq(a.seed, b.seed);
    for (uint32_t i = 0; i < a.n; i++) {
        ck_assert(a.v[i].index == b.v[i].index && a.v[i].bit == b.v[i].bit);
        ck_assert_uint_eq(a.v[i].cycle, b.v[i].cycle);
    }
    free(text);
    ftsa_faults_free(&a);
    ftsa_faults_free(&b);
}
END_TEST

START_TEST(bad_sram_regions_are_refused)
{
    ftsa_err_t err;
    ftsa_fault_list_t l;
    ftsa_faults_init(&l);
    const ftsa_fault_spec_t flip = {FTSA_FAULT_FLIP, 0, 0, 0.0};
    const struct {
        ftsa_sram_region_t r;
        const char *why;
    } bad[] = {
        {{FTSA_MEM_COUNT, 0, 1, 64, 8, 0}, "unknown memory"},
        {{FTSA_MEM_WEIGHT, 0, 0, 64, 8, 0}, "word range is empty"},
        {{FTSA_MEM_WEIGHT, UINT32_MAX, 2, 64, 8, 0}, "exceed 32-bit"},
        {{FTSA_MEM_WEIGHT, 0, 1, 0, 8, 0}, "word width"},
        {{FTSA_MEM_WEIGHT, 0, 1, 2048, 8, 0}, "word width"},
        {{FTSA_MEM_PARAM, 0, 1, 96, 64, 0}, "element width"},
        {{FTSA_MEM_PARAM, 0, 1, 96, 40, 0}, "element width"},
        {{FTSA_MEM_WEIGHT, 0, 1, 64, 8, 0x100}, "bit mask"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_int_eq(ftsa_faults_gen_sram_ber(&bad[i].r, &flip, 0.1, 1, &l, &err),
                         FTSA_E_INVALID);
        ck_assert_msg(strstr(err.msg, bad[i].why), "case %zu: %s", i, err.msg);
        ck_assert_int_eq(ftsa_faults_gen_sram_count(&bad[i].r, &flip, 1, 1, &l, &err),
                         FTSA_E_INVALID);
    }
    const ftsa_sram_region_t ok = {FTSA_MEM_ACC, 0, 4, 256, 32, 0};
    const ftsa_fault_spec_t no_cycles = {FTSA_FAULT_SEU, 10, 10, 0.0};
    const ftsa_fault_spec_t no_prob = {FTSA_FAULT_READ_DISTURB, 0, 0, 0.0};
    ck_assert_int_eq(ftsa_faults_gen_sram_ber(&ok, &no_cycles, 0.1, 1, &l, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "cycle range"));
    ck_assert_int_eq(ftsa_faults_gen_sram_count(&ok, &no_prob, 1, 1, &l, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "probability"));
    ck_assert_int_eq(ftsa_faults_gen_sram_ber(&ok, &flip, 1.5, 1, &l, &err), FTSA_E_INVALID);
    ck_assert_int_eq(ftsa_faults_gen_sram_count(&ok, &flip, 4 * 256 + 1, 1, &l, &err),
                     FTSA_E_INVALID);
    ck_assert_uint_eq(l.n, 0);
    ftsa_faults_free(&l);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, parse_and_write_roundtrip);
    tcase_add_test(tc, bad_lines_name_file_line_and_reason);
    tcase_add_test(tc, tensor_check_against_net);
    tcase_add_test(tc, single_word_semantics);
    tcase_add_test(tc, activation_faults_reach_downstream);
    tcase_add_test(tc, ber_draws_match_the_rate);
    tcase_add_test(tc, draws_are_deterministic);
    tcase_add_test(tc, sram_ber_draws_match_the_rate);
    tcase_add_test(tc, sram_draws_are_deterministic_and_exact);
    tcase_add_test(tc, bad_sram_regions_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ftsa_check_run(suite());
}
