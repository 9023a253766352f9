/* Handle-based entry points of libftsa for language bindings (python/ftsa
 * calls them through ctypes).  Every object is created and freed here, so a
 * binding needs no struct layout but ftsa_err_t's; C programs may use these
 * or the full API the other headers describe.  Arrays are caller-owned. */
#ifndef FTSA_API_H
#define FTSA_API_H

#include <stdint.h>

#include "ftsa/campaign.h"
#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/error.h"
#include "ftsa/faults.h"
#include "ftsa/net.h"

/* Project version ("0.1"), RTL revision and build options, as `ftsa --version`. */
const char *ftsa_version(void);
const char *ftsa_version_rtl(void);
const char *ftsa_build_options(void);

/* A model read from a .ftsa file; free with ftsa_api_net_free. */
ftsa_status_t ftsa_api_net_load(const char *path, ftsa_net_t **net, ftsa_err_t *err);
void ftsa_api_net_free(ftsa_net_t *net);
const char *ftsa_api_net_name(const ftsa_net_t *net);
/* Input shape (height, width, channels), output elements, layers. */
void ftsa_api_net_shape(const ftsa_net_t *net, uint32_t in_hwc[3], uint32_t *n_out,
                        uint32_t *n_layers);

/* A fault list read from path, or parsed from text when text is not NULL (path
 * then only names it in errors); free with ftsa_api_faults_free. */
ftsa_status_t ftsa_api_faults_load(const char *path, const char *text, ftsa_fault_list_t **list,
                                   ftsa_err_t *err);
uint32_t ftsa_api_faults_count(const ftsa_fault_list_t *list);
void ftsa_api_faults_free(ftsa_fault_list_t *list);

/* A split of the data set in dir (NULL: $FTSA_DATA_DIR or the default). */
ftsa_status_t ftsa_api_dataset_load(const char *dir, int test_split, ftsa_dataset_t **ds,
                                    ftsa_err_t *err);
void ftsa_api_dataset_shape(const ftsa_dataset_t *ds, uint32_t *count, uint32_t *rows,
                            uint32_t *cols);
/* Copy images [first, first + count): count * rows * cols pixels, count labels. */
ftsa_status_t ftsa_api_dataset_copy(const ftsa_dataset_t *ds, uint32_t first, uint32_t count,
                                    uint8_t *pixels, uint8_t *labels, ftsa_err_t *err);
void ftsa_api_dataset_free(ftsa_dataset_t *ds);

/* A device on back end `backend` (array_n 0: the default 8); free with
 * ftsa_dev_close.  Faults are installed with ftsa_dev_set_faults. */
ftsa_status_t ftsa_api_dev_open(const char *backend, const ftsa_net_t *net, uint32_t array_n,
                                ftsa_dev_t **dev, ftsa_err_t *err);
/* Classify count images of raw pixels (count * h * w * c bytes, HWC order,
 * quantized as the network's input): pred[i] is image i's class; logits, if
 * not NULL, receives count * n_out int8 outputs. */
ftsa_status_t ftsa_api_dev_classify(ftsa_dev_t *dev, const uint8_t *pixels, uint32_t count,
                                    uint8_t *pred, int8_t *logits, ftsa_err_t *err);

/* A fault campaign from n "key = value" settings over the defaults
 * (docs/campaigns.md), opened: model and data loaded, plan built, fault-free
 * baseline measured.  Free with ftsa_api_camp_free. */
ftsa_status_t ftsa_api_camp_open(const char *const *keys, const char *const *values, uint32_t n,
                                 ftsa_camp_t **camp, ftsa_err_t *err);
uint32_t ftsa_api_camp_points(const ftsa_camp_t *camp);
/* Fault-free correct images and the images each trial classifies. */
void ftsa_api_camp_baseline(const ftsa_camp_t *camp, uint32_t *correct, uint32_t *images);
/* Point p: its curve's name, the rate (BER or fault count) and its trials. */
ftsa_status_t ftsa_api_camp_point(const ftsa_camp_t *camp, uint32_t p, const char **curve,
                                  double *rate, uint32_t *trials, ftsa_err_t *err);
/* Run every trial of point p: correct[t] and faults[t] for t < trials. */
ftsa_status_t ftsa_api_camp_run_point(ftsa_camp_t *camp, uint32_t p, uint32_t *correct,
                                      uint32_t *faults, ftsa_err_t *err);
void ftsa_api_camp_free(ftsa_camp_t *camp);

#endif
