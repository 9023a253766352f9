/* Statistics of a finished campaign and summary.json. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/campaign.h"
#include "ftsa/fileio.h"
#include "report_util.h"

const double ftsa_camp_losses[FTSA_CAMP_N_LOSSES] = {0.0, 1.0, 5.0, 10.0};

double ftsa_camp_auc(const double *rate, const double *acc, uint32_t n, double base_acc, int log_x)
{
    if (n == 0 || !(base_acc > 0.0))
        return NAN;
    double *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return NAN;
    }
    uint32_t m = 0;
    double auc = NAN;
    double lo = rate[0], hi = rate[n - 1];
    if (log_x) {
        /* x = (log r - log r_min) / (log r_max - log r_min): needs two positive rates. */
        if (n >= 2 && lo > 0.0 && hi > lo) {
            for (uint32_t i = 0; i < n; i++, m++) {
                x[m] = (log(rate[i]) - log(lo)) / (log(hi) - log(lo));
                y[m] = acc[i] / base_acc;
            }
            auc = ftsa_stats_trapezoid(x, y, m);
        }
    } else if (hi > 0.0) {
        /* x = r / r_max from the fault-free network at x = 0 (y = 1). */
        if (lo > 0.0) {
            x[m] = 0.0;
            y[m++] = 1.0;
        }
        for (uint32_t i = 0; i < n; i++, m++) {
            x[m] = rate[i] / hi;
            y[m] = acc[i] / base_acc;
        }
        auc = ftsa_stats_trapezoid(x, y, m);
    }
    free(x);
    free(y);
    return auc;
}

double ftsa_camp_tolerance(const double *rate, const double *acc, uint32_t n, double base_acc,
                           double loss)
{
    double best = NAN;
    for (uint32_t i = 0; i < n; i++) {
        if (base_acc - acc[i] > loss + 1e-9)
            break;
        best = rate[i];
    }
    return best;
}

ftsa_status_t ftsa_camp_summarize(const ftsa_camp_t *camp, const ftsa_camp_journal_t *j,
                                  ftsa_camp_summary_t *s, ftsa_err_t *err)
{
    const ftsa_camp_plan_t *plan = &camp->plan;
    memset(s, 0, sizeof *s);
    if (j->n != plan->n_trials)
        return ftsa_fail(err, FTSA_E_INVALID, "the campaign is incomplete: %u of %" PRIu64 " trials",
                         j->n, plan->n_trials);
    s->base_acc = 100.0 * camp->base_correct / camp->cfg.images;
    s->points = calloc(plan->n_points, sizeof *s->points);
    s->curves = calloc(plan->n_curves, sizeof *s->curves);
    uint32_t max_trials = 1;
    for (uint32_t p = 0; p < plan->n_points; p++)
        if (plan->points[p].trials > max_trials)
            max_trials = plan->points[p].trials;
    double *acc = malloc(max_trials * sizeof *acc);
    uint32_t n_rates = camp->cfg.n_rates;
    double *means = malloc(n_rates * sizeof *means);
    if (!s->points || !s->curves || !acc || !means) {
        free(acc);
        free(means);
        ftsa_camp_summary_free(s);
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the summary");
    }
    double z = ftsa_stats_z_quantile(0.5 + 0.5 * camp->cfg.confidence);
    ftsa_status_t st = FTSA_OK;
    /* j->rows is sorted by (point, trial) and complete, so each point's trials are contiguous. */
    uint32_t r = 0;
    for (uint32_t p = 0; p < plan->n_points && !st; p++) {
        const ftsa_camp_point_t *pt = &plan->points[p];
        ftsa_camp_point_stats_t *ps = &s->points[p];
        double faults = 0.0;
        for (uint32_t t = 0; t < pt->trials; t++, r++) {
            acc[t] = 100.0 * j->rows[r].correct / j->rows[r].images;
            faults += j->rows[r].faults;
        }
        st = ftsa_stats_compute(acc, pt->trials, camp->cfg.confidence, &ps->acc, err);
        ps->mean_faults = faults / pt->trials;
        double sites = (double)plan->curves[pt->curve].sites;
        ps->leveugle_n = ceil(ftsa_stats_leveugle(sites, camp->cfg.margin, z, 0.5));
        ps->margin = ftsa_stats_leveugle_margin(sites, pt->trials, z, 0.5);
    }
    for (uint32_t c = 0; c < plan->n_curves && !st; c++) {
        const ftsa_camp_curve_t *cv = &plan->curves[c];
        for (uint32_t i = 0; i < n_rates; i++)
            means[i] = s->points[cv->first_point + i].acc.mean;
        const double *rates = camp->cfg.rates;
        s->curves[c].auc_linear = ftsa_camp_auc(rates, means, n_rates, s->base_acc, 0);
        s->curves[c].auc_log = ftsa_camp_auc(rates, means, n_rates, s->base_acc, 1);
        for (int l = 0; l < FTSA_CAMP_N_LOSSES; l++)
            s->curves[c].tolerance[l] =
                ftsa_camp_tolerance(rates, means, n_rates, s->base_acc, ftsa_camp_losses[l]);
    }
    free(acc);
    free(means);
    if (st)
        ftsa_camp_summary_free(s);
    return st;
}

void ftsa_camp_summary_free(ftsa_camp_summary_t *s)
{
    free(s->points);
    free(s->curves);
    memset(s, 0, sizeof *s);
}

/* JSON number; NaN (undefined) is null. */
void ftsa_camp_json_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs("null", f);
}

void ftsa_camp_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static const char *const scope_names[] = {"target", "layer", "memory"};

ftsa_status_t ftsa_camp_write_summary(const ftsa_camp_t *camp, const ftsa_camp_summary_t *s,
                                      const char *path, ftsa_err_t *err)
{
    ftsa_atomic_t a;
    ftsa_status_t st = ftsa_atomic_begin(&a, path, err);
    if (st)
        return st;
    FILE *f = a.f;
    const ftsa_camp_config_t *cfg = &camp->cfg;
    const ftsa_camp_plan_t *plan = &camp->plan;
    fprintf(f, "{\n  \"config_hash\": \"%016" PRIx64 "\",\n  \"model\": ", camp->hash);
    ftsa_camp_json_str(f, cfg->model);
    fprintf(f, ",\n  \"network\": ");
    ftsa_camp_json_str(f, camp->net.name);
    fprintf(f, ",\n  \"backend\": ");
    ftsa_camp_json_str(f, cfg->backend);
    fprintf(f,
            ",\n  \"seed\": %" PRIu64 ",\n  \"mode\": \"%s\",\n  \"test_images\": {\"first\": %u, "
            "\"count\": %u},\n  \"confidence\": ",
            cfg->seed, cfg->mode == FTSA_CAMP_MODE_BER ? "ber" : "count", cfg->first, cfg->images);
    ftsa_camp_json_num(f, cfg->confidence);
    fprintf(f, ",\n  \"margin\": ");
    ftsa_camp_json_num(f, cfg->margin);
    fprintf(f, ",\n  \"trials\": %" PRIu64 ",\n  \"baseline_accuracy\": ", plan->n_trials);
    ftsa_camp_json_num(f, s->base_acc);
    fprintf(f, ",\n  \"losses\": [");
    for (int l = 0; l < FTSA_CAMP_N_LOSSES; l++) {
        fprintf(f, "%s", l ? ", " : "");
        ftsa_camp_json_num(f, ftsa_camp_losses[l]);
    }
    fprintf(f, "],\n  \"curves\": [\n");
    for (uint32_t c = 0; c < plan->n_curves; c++) {
        const ftsa_camp_curve_t *cv = &plan->curves[c];
        const ftsa_camp_curve_stats_t *cs = &s->curves[c];
        fprintf(f, "    {\"name\": ");
        ftsa_camp_json_str(f, cv->name);
        fprintf(f, ", \"scope\": \"%s\", \"kind\": \"%s\", ", scope_names[cv->scope],
                ftsa_fault_kind_name(cv->kind));
        if (cv->sram)
            fprintf(f, "\"memory\": \"%s\", \"words\": [%u, %u], \"word_bits\": %u",
                    ftsa_mem_name(cv->sram_region.mem), cv->sram_region.first,
                    cv->sram_region.count, cv->sram_region.word_bits);
        else if (cv->region.layer == FTSA_ALL_LAYERS)
            fprintf(f, "\"tensor\": \"%s\", \"layer\": \"all\"", ftsa_tensor_name(cv->region.tensor));
        else
            fprintf(f, "\"tensor\": \"%s\", \"layer\": %u", ftsa_tensor_name(cv->region.tensor),
                    cv->region.layer);
        fprintf(f, ", \"bit_mask\": %u, \"sites\": %" PRIu64 ",\n     \"auc_linear\": ",
                cv->sram ? cv->sram_region.bit_mask : cv->region.bit_mask, cv->sites);
        ftsa_camp_json_num(f, cs->auc_linear);
        fprintf(f, ", \"auc_log\": ");
        ftsa_camp_json_num(f, cs->auc_log);
        fprintf(f, ", \"tolerance\": [");
        for (int l = 0; l < FTSA_CAMP_N_LOSSES; l++) {
            fprintf(f, "%s", l ? ", " : "");
            ftsa_camp_json_num(f, cs->tolerance[l]);
        }
        fprintf(f, "],\n     \"points\": [\n");
        for (uint32_t i = 0; i < cfg->n_rates; i++) {
            uint32_t p = cv->first_point + i;
            const ftsa_camp_point_stats_t *ps = &s->points[p];
            fprintf(f, "       {\"point\": %u, \"rate\": ", p);
            ftsa_camp_json_num(f, plan->points[p].rate);
            fprintf(f, ", \"trials\": %u, \"mean\": ", ps->acc.n);
            ftsa_camp_json_num(f, ps->acc.mean);
            fprintf(f, ", \"median\": ");
            ftsa_camp_json_num(f, ps->acc.median);
            fprintf(f, ", \"std\": ");
            ftsa_camp_json_num(f, ps->acc.std);
            fprintf(f, ", \"min\": ");
            ftsa_camp_json_num(f, ps->acc.min);
            fprintf(f, ", \"max\": ");
            ftsa_camp_json_num(f, ps->acc.max);
            fprintf(f, ", \"ci\": [");
            ftsa_camp_json_num(f, ps->acc.ci_lo);
            fprintf(f, ", ");
            ftsa_camp_json_num(f, ps->acc.ci_hi);
            fprintf(f, "], \"mean_faults\": ");
            ftsa_camp_json_num(f, ps->mean_faults);
            fprintf(f, ", \"leveugle_trials\": ");
            ftsa_camp_json_num(f, ps->leveugle_n);
            fprintf(f, ", \"leveugle_margin\": ");
            ftsa_camp_json_num(f, ps->margin);
            fprintf(f, "}%s\n", i + 1 < cfg->n_rates ? "," : "");
        }
        fprintf(f, "     ]}%s\n", c + 1 < plan->n_curves ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    return ftsa_atomic_commit(&a, !ferror(f), err);
}
