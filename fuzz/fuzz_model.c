/* .ftsa model files (c-model/src/model_file.c).  Input: a whole file, or
 * 'P' and a payload that gets a valid container (so the layer decoder is
 * reached past zlib and the CRC).  A model that loads must encode and load
 * again. */
#include "fuzz_common.h"
#include "ftsa/model_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *buf = data;
    size_t len = size;
    uint8_t *wrapped = NULL;
    if (size && data[0] == 'P')
        buf = wrapped = fuzz_wrap_model(data + 1, size - 1, &len);
    ftsa_net_t net, back;
    ftsa_err_t err;
    if (ftsa_model_decode(buf, len, &net, &err) == FTSA_OK) {
        uint8_t *enc;
        size_t elen;
        FUZZ_ASSERT(ftsa_model_encode(&net, &enc, &elen, &err) == FTSA_OK);
        FUZZ_ASSERT(ftsa_model_decode(enc, elen, &back, &err) == FTSA_OK);
        FUZZ_ASSERT(back.n_layers == net.n_layers);
        ftsa_net_free(&back);
        free(enc);
        ftsa_net_free(&net);
    }
    free(wrapped);
    return 0;
}
