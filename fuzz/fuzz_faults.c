/* Fault lists (c-model/src/faults.c).  A list that parses must write and
 * parse back to the same faults, and be checked against a small network. */
#include <stdio.h>

#include "fuzz_common.h"
#include "ftsa/faults.h"
#include "ftsa/netgen.h"

static int same(const ftsa_fault_t *a, const ftsa_fault_t *b)
{
    return a->kind == b->kind && a->space == b->space && a->target == b->target &&
           a->layer == b->layer && a->index == b->index && a->bit == b->bit &&
           a->cycle == b->cycle && a->prob == b->prob;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ftsa_net_t net;
    static int have_net;
    ftsa_err_t err;
    if (!have_net) {
        ftsa_netgen_opts_t o = {4, 2, 4};
        FUZZ_ASSERT(!ftsa_netgen_random(&net, 1, &o, &err));
        have_net = 1;
    }
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    ftsa_fault_list_t list, back;
    if (ftsa_faults_parse(text, "fuzz", &list, &err) == FTSA_OK) {
        ftsa_faults_check_tensor(&list, &net, &err);
        char *out = NULL;
        size_t out_len = 0;
        FILE *f = open_memstream(&out, &out_len);
        FUZZ_ASSERT(f && ftsa_faults_write(&list, f, &err) == FTSA_OK);
        fclose(f);
        FUZZ_ASSERT(ftsa_faults_parse(out, "written", &back, &err) == FTSA_OK);
        FUZZ_ASSERT(back.n == list.n && back.seed == list.seed);
        for (uint32_t i = 0; i < list.n; i++)
            FUZZ_ASSERT(same(&list.v[i], &back.v[i]));
        ftsa_faults_free(&back);
        free(out);
        ftsa_faults_free(&list);
    }
    free(text);
    return 0;
}
