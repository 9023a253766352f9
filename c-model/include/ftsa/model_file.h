/* The .ftsa model file: a versioned, CRC-checked, zlib-compressed container
 * for an ftsa_net_t.  Format specified in docs/formats.md. */
#ifndef FTSA_MODEL_FILE_H
#define FTSA_MODEL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "ftsa/error.h"
#include "ftsa/net.h"

#define FTSA_MODEL_MAGIC "FTSA"
/* Version 2 added the activation profile; version 1 files still load. */
#define FTSA_MODEL_VERSION 2u

/* Serialize net (validated first) into a malloc'd buffer owned by the caller. */
ftsa_status_t ftsa_model_encode(const ftsa_net_t *net, uint8_t **buf, size_t *len, ftsa_err_t *err);
/* Parse a buffer into net (initialised by this call; free with ftsa_net_free).
 * Never reads outside [buf, buf + len). */
ftsa_status_t ftsa_model_decode(const uint8_t *buf, size_t len, ftsa_net_t *net, ftsa_err_t *err);

ftsa_status_t ftsa_model_save(const ftsa_net_t *net, const char *path, ftsa_err_t *err);
ftsa_status_t ftsa_model_load(const char *path, ftsa_net_t *net, ftsa_err_t *err);

#endif
