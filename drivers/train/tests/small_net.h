/* A small conv net on 28x28 images for the trainer tests: every exportable
 * layer kind, fast enough under sanitizers. */
#ifndef FTSA_TRAIN_TEST_SMALL_NET_H
#define FTSA_TRAIN_TEST_SMALL_NET_H

#include <check.h>

#include "ftsa/dataset.h"
#include "ftsa/train.h"

static inline void small_net(ftsa_tnet_t *net, uint32_t max_batch)
{
    ftsa_tnet_init(net, (ftsa_shape_t){28, 28, 1});
    ck_assert_int_eq(ftsa_tnet_add_conv(net, 6, 5, 2, 2, NULL), FTSA_OK); /* 14x14x6 */
    ck_assert_int_eq(ftsa_tnet_add_relu(net, NULL), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_maxpool(net, 2, 2, NULL), FTSA_OK); /* 7x7x6 */
    ck_assert_int_eq(ftsa_tnet_add_flatten(net, NULL), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_fc(net, 32, NULL), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_relu(net, NULL), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_fc(net, 10, NULL), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_finalize(net, max_batch, NULL), FTSA_OK);
}

static inline void load_split(ftsa_split_t split, ftsa_dataset_t *ds)
{
    ftsa_err_t err = {0};
    ck_assert_msg(ftsa_dataset_load(NULL, split, ds, &err) == FTSA_OK, "%s", err.msg);
}

#endif
