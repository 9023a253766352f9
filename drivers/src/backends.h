/* Back ends known to the driver (private to drivers/). */
#ifndef FTSA_BACKENDS_H
#define FTSA_BACKENDS_H

#include "ftsa/driver.h"

extern const ftsa_backend_ops_t ftsa_backend_cmodel;
#ifdef FTSA_HAVE_RTL
extern const ftsa_backend_ops_t ftsa_backend_rtl;
#endif
#ifdef FTSA_HAVE_SYSTEMC
extern const ftsa_backend_ops_t ftsa_backend_systemc;
#endif

#endif
