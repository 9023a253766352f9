/* Using libftsa from a program: load a model, classify test images on the
 * C-model back end, apply a fault list, classify them again.
 *
 *   cc $(pkg-config --cflags ftsa) eval_faults.c $(pkg-config --libs ftsa)
 *   ./a.out "$(pkg-config --variable=modelsdir ftsa)/lenet5.ftsa" faults.txt 200
 */
#include <stdio.h>
#include <stdlib.h>

#include <ftsa/api.h>
#include <ftsa/dataset.h>
#include <ftsa/driver.h>
#include <ftsa/faults.h>
#include <ftsa/model_file.h>

static int fail(const char *what, const ftsa_err_t *err)
{
    fprintf(stderr, "eval_faults: %s: %s\n", what, err->msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: eval_faults MODEL FAULTS IMAGES\n");
        return 2;
    }
    uint32_t images = (uint32_t)strtoul(argv[3], NULL, 10);
    ftsa_err_t err = {0};
    ftsa_net_t net;
    ftsa_dataset_t ds;
    ftsa_fault_list_t faults;
    ftsa_dev_t *dev;
    printf("libftsa %s\n", ftsa_version());
    if (ftsa_model_load(argv[1], &net, &err))
        return fail("model", &err);
    if (ftsa_dataset_load(NULL, FTSA_SPLIT_TEST, &ds, &err))
        return fail("data set", &err);
    if (ftsa_dev_open("cmodel", &net, NULL, &dev, &err))
        return fail("device", &err);
    uint8_t *golden = malloc(images), *faulty = malloc(images);
    uint32_t ok_golden, ok_faulty, changed = 0;
    if (!golden || !faulty)
        return 1;
    if (ftsa_dev_classify(dev, &ds, 0, images, golden, &ok_golden, &err))
        return fail("fault-free run", &err);
    ftsa_faults_init(&faults);
    if (ftsa_faults_read(argv[2], &faults, &err) || ftsa_dev_set_faults(dev, &faults, &err))
        return fail("faults", &err);
    if (ftsa_dev_classify(dev, &ds, 0, images, faulty, &ok_faulty, &err))
        return fail("faulty run", &err);
    for (uint32_t i = 0; i < images; i++)
        changed += golden[i] != faulty[i];
    printf("model %s: fault-free %u/%u correct\n", net.name, ok_golden, images);
    printf("%u faults: %u/%u correct, %u predictions changed\n", faults.n, ok_faulty, images,
           changed);
    /* An RTL back end is not in the shared library: the error says which are. */
    ftsa_dev_t *rtl;
    if (ftsa_dev_open("rtl", &net, NULL, &rtl, &err) == FTSA_OK)
        ftsa_dev_close(rtl);
    else
        printf("rtl: %s\n", err.msg);
    free(golden);
    free(faulty);
    ftsa_faults_free(&faults);
    ftsa_dev_close(dev);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return 0;
}
