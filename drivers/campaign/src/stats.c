#include "ftsa/camp_stats.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

ftsa_status_t ftsa_stats_compute(const double *x, uint32_t n, double confidence, ftsa_stats_t *s,
                                 ftsa_err_t *err)
{
    if (n == 0)
        return ftsa_fail(err, FTSA_E_INVALID, "statistics of an empty sample");
    if (!(confidence > 0.0 && confidence < 1.0))
        return ftsa_fail(err, FTSA_E_INVALID, "confidence %g is outside (0, 1)", confidence);
    double *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for %u samples", n);
    memcpy(sorted, x, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    /* Sum in sorted order so the result does not depend on the order trials finished in. */
    double sum = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(sorted[i])) {
            free(sorted);
            return ftsa_fail(err, FTSA_E_INVALID, "sample value %u is not finite", i);
        }
        sum += sorted[i];
    }
    memset(s, 0, sizeof *s);
    s->n = n;
    s->mean = sum / n;
    s->min = sorted[0];
    s->max = sorted[n - 1];
    s->median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    double ss = 0.0;
    for (uint32_t i = 0; i < n; i++)
        ss += (sorted[i] - s->mean) * (sorted[i] - s->mean);
    free(sorted);
    if (n < 2) {
        s->std = 0.0;
        s->ci_lo = s->ci_hi = NAN;
        return FTSA_OK;
    }
    s->std = sqrt(ss / (n - 1));
    double half = ftsa_stats_t_quantile(0.5 + 0.5 * confidence, n - 1) * s->std / sqrt((double)n);
    s->ci_lo = s->mean - half;
    s->ci_hi = s->mean + half;
    return FTSA_OK;
}

/* Continued fraction of the incomplete beta function, evaluated with the
 * modified Lentz method; converges quickly for x < (a + 1) / (a + b + 2). */
static double betacf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double f = d;
    for (int m = 1; m <= 1000; m++) {
        double m2 = 2.0 * m;
        /* even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)) */
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + num * d;
        c = 1.0 + num / c;
        if (fabs(d) < tiny)
            d = tiny;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        f *= d * c;
        /* odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) */
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + num * d;
        c = 1.0 + num / c;
        if (fabs(d) < tiny)
            d = tiny;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double delta = d * c;
        f *= delta;
        if (fabs(delta - 1.0) < 1e-15)
            break;
    }
    return f;
}

double ftsa_stats_betai(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    double lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return exp(lfront) * betacf(a, b, x) / a;
    return 1.0 - exp(lfront) * betacf(b, a, 1.0 - x) / b;
}

double ftsa_stats_t_cdf(double t, double df)
{
    /* P(|T| > |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2). */
    double tail = 0.5 * ftsa_stats_betai(0.5 * df, 0.5, df / (df + t * t));
    return t >= 0.0 ? 1.0 - tail : tail;
}

/* Bisection: monotone CDFs, 200 halvings reach the double resolution of any
 * bracket used here. */
static double bisect(double (*cdf)(double, double), double param, double p, double lo, double hi)
{
    for (int i = 0; i < 200 && hi - lo > 0.0; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid == lo || mid == hi)
            break;
        if (cdf(mid, param) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

double ftsa_stats_t_quantile(double p, double df)
{
    if (p == 0.5)
        return 0.0;
    if (p < 0.5)
        return -ftsa_stats_t_quantile(1.0 - p, df);
    double hi = 1.0;
    while (ftsa_stats_t_cdf(hi, df) < p && hi < 1e300)
        hi *= 2.0;
    return bisect(ftsa_stats_t_cdf, df, p, 0.0, hi);
}

static double z_cdf(double z, double unused)
{
    (void)unused;
    return 0.5 * erfc(-z / sqrt(2.0));
}

double ftsa_stats_z_quantile(double p)
{
    if (p == 0.5)
        return 0.0;
    if (p < 0.5)
        return -ftsa_stats_z_quantile(1.0 - p);
    return bisect(z_cdf, 0.0, p, 0.0, 40.0);
}

double ftsa_stats_leveugle(double N, double e, double t, double p)
{
    return N / (1.0 + e * e * (N - 1.0) / (t * t * p * (1.0 - p)));
}

double ftsa_stats_leveugle_margin(double N, double n, double t, double p)
{
    if (n >= N || N <= 1.0)
        return 0.0;
    /* n (1 + e^2 (N-1) / (t^2 p (1-p))) = N  =>  e^2 = (N/n - 1) t^2 p (1-p) / (N - 1) */
    return sqrt((N / n - 1.0) * t * t * p * (1.0 - p) / (N - 1.0));
}

double ftsa_stats_trapezoid(const double *x, const double *y, uint32_t n)
{
    double area = 0.0;
    for (uint32_t i = 1; i < n; i++)
        area += 0.5 * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
    return area;
}
