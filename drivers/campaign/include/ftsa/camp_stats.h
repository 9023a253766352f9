/* Statistics of fault campaigns (definitions and citations in docs/campaigns.md).
 *
 * Pure functions over arrays of doubles; nothing here knows about networks. */
#ifndef FTSA_CAMP_STATS_H
#define FTSA_CAMP_STATS_H

#include <stdint.h>

#include "ftsa/error.h"

/* Summary of one sample (e.g. the accuracies of a point's trials). */
typedef struct {
    uint32_t n;
    double mean, median;
    double std;          /* sample standard deviation (n - 1 in the denominator); 0 when n = 1 */
    double min, max;
    double ci_lo, ci_hi; /* two-sided Student-t confidence interval of the mean; NaN when n < 2 */
} ftsa_stats_t;

/* Summarize x[0..n) (n >= 1, values finite) at the given confidence level in
 * (0, 1).  x is not modified. */
ftsa_status_t ftsa_stats_compute(const double *x, uint32_t n, double confidence, ftsa_stats_t *s,
                                 ftsa_err_t *err);

/* Regularized incomplete beta function I_x(a, b), a, b > 0, 0 <= x <= 1. */
double ftsa_stats_betai(double a, double b, double x);
/* Cumulative distribution of Student's t with df > 0 degrees of freedom. */
double ftsa_stats_t_cdf(double t, double df);
/* Quantile of Student's t: the t with P(T <= t) = p, 0 < p < 1. */
double ftsa_stats_t_quantile(double p, double df);
/* Quantile of the standard normal distribution, 0 < p < 1. */
double ftsa_stats_z_quantile(double p);

/* Leveugle et al. (DATE 2009) sample size for a population of N possible
 * faults, error margin e, cut-off t (e.g. 1.96 for 95%) and estimated
 * proportion p:  n = N / (1 + e^2 (N - 1) / (t^2 p (1 - p))).  Real-valued;
 * callers round up. */
double ftsa_stats_leveugle(double N, double e, double t, double p);
/* The margin e that n samples out of N achieve (the formula solved for e);
 * 0 when n >= N. */
double ftsa_stats_leveugle_margin(double N, double n, double t, double p);

/* Trapezoidal area under (x[i], y[i]), i < n, with x ascending; 0 if n < 2. */
double ftsa_stats_trapezoid(const double *x, const double *y, uint32_t n);

#endif
