/* One report comparing campaigns that differ only in the model (e.g. the
 * mitigations of docs/mitigations.md), under the same fault lists. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ftsa/campaign.h"
#include "report_util.h"

/* Every variant ran the same plan with the same trial seeds and drew the same
 * number of faults in every trial (same fault lists: same region, kind and
 * seed over networks of the same shape). */
static ftsa_status_t check_same_faults(const ftsa_camp_variant_t *v, uint32_t n, ftsa_err_t *err)
{
    const ftsa_camp_t *a = v[0].camp;
    for (uint32_t k = 1; k < n; k++) {
        const ftsa_camp_t *b = v[k].camp;
        int same = a->plan.n_points == b->plan.n_points && a->cfg.seed == b->cfg.seed &&
                   a->cfg.first == b->cfg.first && a->cfg.images == b->cfg.images &&
                   v[0].j->n == v[k].j->n;
        for (uint32_t p = 0; same && p < a->plan.n_points; p++)
            same = a->plan.points[p].rate == b->plan.points[p].rate &&
                   a->plan.points[p].trials == b->plan.points[p].trials;
        for (uint32_t i = 0; same && i < v[0].j->n; i++) {
            const ftsa_camp_row_t *x = &v[0].j->rows[i], *y = &v[k].j->rows[i];
            same = x->point == y->point && x->trial == y->trial && x->trial_seed == y->trial_seed &&
                   x->faults == y->faults;
        }
        if (!same)
            return ftsa_fail(err, FTSA_E_INVALID,
                             "variants '%s' and '%s' did not run the same fault lists", v[0].name,
                             v[k].name);
    }
    return FTSA_OK;
}

/* Statistics of variant k's point i of its first curve. */
static const ftsa_stats_t *point(const ftsa_camp_variant_t *v, uint32_t i)
{
    return &v->s->points[v->camp->plan.curves[0].first_point + i].acc;
}

static ftsa_status_t write_data(const char *out, const ftsa_camp_variant_t *v, uint32_t n,
                                ftsa_err_t *err)
{
    FILE *f;
    ftsa_status_t st = ftsa_camp_create_file(out, "compare.dat", &f, err);
    if (st)
        return st;
    const ftsa_camp_config_t *cfg = &v[0].camp->cfg;
    for (uint32_t k = 0; k < n; k++) {
        fprintf(f, "# %s: rate mean ci_lo ci_hi min max\n", v[k].name);
        for (uint32_t i = 0; i < cfg->n_rates; i++) {
            const ftsa_stats_t *a = point(&v[k], i);
            fprintf(f, "%.9g %.6f %.6f %.6f %.6f %.6f\n", cfg->rates[i], a->mean,
                    isfinite(a->ci_lo) ? a->ci_lo : a->mean, isfinite(a->ci_hi) ? a->ci_hi : a->mean,
                    a->min, a->max);
        }
        fprintf(f, "\n\n");
    }
    return ftsa_camp_close_file(out, "compare.dat", f, err);
}

static ftsa_status_t write_plot(const char *out, const ftsa_camp_variant_t *v, uint32_t n,
                                int *plotted, ftsa_err_t *err)
{
    FILE *g;
    ftsa_status_t st = ftsa_camp_create_file(out, "compare.gp", &g, err);
    if (st)
        return st;
    const ftsa_camp_config_t *cfg = &v[0].camp->cfg;
    int log_x = cfg->rates[0] > 0.0;
    static const char *const terms[][2] = {
        {"svg size 900,540 dynamic font 'sans,12'", "svg"},
        {"pngcairo size 900,540 font 'sans,10'", "png"},
    };
    fprintf(g, "# Comparison plot; run 'gnuplot compare.gp' in this directory.\n");
    for (int t = 0; t < 2; t++) {
        fprintf(g, "set terminal %s\nset output 'compare.%s'\n", terms[t][0], terms[t][1]);
        fprintf(g, "set title 'Accuracy under %s (mean, %g%% CI band)'\n",
                v[0].camp->plan.curves[0].name, 100 * cfg->confidence);
        fprintf(g, "set xlabel '%s'\nset ylabel 'top-1 accuracy (%%)'\nset yrange [0:100]\n"
                   "set key outside right\nset grid\n%s\nset format x '%s'\n",
                cfg->mode == FTSA_CAMP_MODE_BER ? "bit error rate" : "faults per trial",
                log_x ? "set logscale x" : "unset logscale x", log_x ? "10^{%L}" : "%g");
        double lo = cfg->rates[0], hi = cfg->rates[cfg->n_rates - 1];
        fprintf(g, "set xrange [%.9g:%.9g]\n", log_x ? lo / 1.5 : lo, log_x ? hi * 1.5 : hi);
        fprintf(g, "plot ");
        for (uint32_t k = 0; k < n; k++)
            fprintf(g,
                    "%s'compare.dat' index %u using 1:3:4 notitle with filledcurves "
                    "fs transparent solid 0.2 noborder lc %u, \\\n"
                    "  '' index %u using 1:2 title '%s' with linespoints pt 7 ps 0.5 lc %u",
                    k ? ", \\\n  " : "", k, k + 1, k, v[k].name, k + 1);
        fprintf(g, "\nunset output\n");
    }
    st = ftsa_camp_close_file(out, "compare.gp", g, err);
    if (st)
        return st;
    int rc = ftsa_camp_run_gnuplot(out, "compare.gp");
    if (rc < 0)
        return ftsa_fail(err, FTSA_E_IO, "gnuplot failed on %s/compare.gp (see %s/plots.log)", out,
                         out);
    *plotted = rc;
    return FTSA_OK;
}

static ftsa_status_t write_json(const char *out, const ftsa_camp_variant_t *v, uint32_t n,
                                ftsa_err_t *err)
{
    FILE *f;
    ftsa_status_t st = ftsa_camp_create_file(out, "compare.json", &f, err);
    if (st)
        return st;
    const ftsa_camp_config_t *cfg = &v[0].camp->cfg;
    fprintf(f, "{\n  \"curve\": ");
    ftsa_camp_json_str(f, v[0].camp->plan.curves[0].name);
    fprintf(f, ",\n  \"seed\": %" PRIu64 ",\n  \"test_images\": {\"first\": %u, \"count\": %u},\n"
               "  \"rates\": [", cfg->seed, cfg->first, cfg->images);
    for (uint32_t i = 0; i < cfg->n_rates; i++) {
        fprintf(f, "%s", i ? ", " : "");
        ftsa_camp_json_num(f, cfg->rates[i]);
    }
    fprintf(f, "],\n  \"variants\": [\n");
    for (uint32_t k = 0; k < n; k++) {
        const ftsa_camp_curve_stats_t *cs = &v[k].s->curves[0];
        fprintf(f, "    {\"name\": ");
        ftsa_camp_json_str(f, v[k].name);
        fprintf(f, ", \"model\": ");
        ftsa_camp_json_str(f, v[k].camp->cfg.model);
        fprintf(f, ", \"fault_free_accuracy\": ");
        ftsa_camp_json_num(f, v[k].s->base_acc);
        fprintf(f, ", \"auc_log\": ");
        ftsa_camp_json_num(f, cs->auc_log);
        fprintf(f, ", \"auc_linear\": ");
        ftsa_camp_json_num(f, cs->auc_linear);
        fprintf(f, ", \"threshold_bytes\": %" PRIu64 ",\n     \"mean\": [", v[k].thr_bytes);
        for (uint32_t i = 0; i < cfg->n_rates; i++) {
            fprintf(f, "%s", i ? ", " : "");
            ftsa_camp_json_num(f, point(&v[k], i)->mean);
        }
        fprintf(f, "]}%s\n", k + 1 < n ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    return ftsa_camp_close_file(out, "compare.json", f, err);
}

static void html_row(FILE *f, const ftsa_camp_variant_t *v)
{
    const ftsa_camp_curve_stats_t *cs = &v->s->curves[0];
    fprintf(f, "<tr><td><a href=\"%s/report.html\">", v->dir);
    ftsa_camp_html_escape(f, v->name);
    fprintf(f, "</a></td><td>");
    ftsa_camp_html_escape(f, v->camp->cfg.model);
    fprintf(f, "</td><td>%.2f</td><td>", v->s->base_acc);
    ftsa_camp_html_num(f, cs->auc_log, "%.4f");
    fprintf(f, "</td><td>");
    ftsa_camp_html_num(f, cs->auc_linear, "%.4f");
    fprintf(f, "</td><td>");
    ftsa_camp_html_num(f, cs->tolerance[1], "%.3g");
    fprintf(f, "</td><td>%" PRIu64 "</td></tr>\n", v->thr_bytes);
}

static ftsa_status_t write_html(const char *out, const ftsa_camp_variant_t *v, uint32_t n,
                                int plotted, ftsa_err_t *err)
{
    FILE *f;
    ftsa_status_t st = ftsa_camp_create_file(out, "report.html", &f, err);
    if (st)
        return st;
    const ftsa_camp_t *c0 = v[0].camp;
    const ftsa_camp_config_t *cfg = &c0->cfg;
    fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ftsa: mitigations "
               "compared</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:auto}"
               "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
               "padding:2px 6px;text-align:right}</style></head><body>\n");
    fprintf(f, "<h1>Mitigations compared: %s</h1>\n<p>Back end <b>%s</b>; every variant ran the "
               "same %" PRIu64 " trials (same fault lists: same seeds, checked) on test images "
               "%u..%u; seed %" PRIu64 ". AUC as in docs/campaigns.md (normalized by each "
               "variant's own fault-free accuracy).</p>\n",
            c0->plan.curves[0].name, cfg->backend, c0->plan.n_trials, cfg->first,
            cfg->first + cfg->images - 1, cfg->seed);
    if (plotted)
        ftsa_camp_embed_svg(f, out, "compare.svg");
    else
        fprintf(f, "<p><b>No plot:</b> gnuplot was not found (<code>gnuplot compare.gp</code> "
                   "draws it).</p>\n");
    fprintf(f, "<table><tr><th>variant</th><th>model</th><th>fault-free %%</th><th>AUC (log)</th>"
               "<th>AUC (linear)</th><th>BER within 1 point</th><th>threshold bytes</th></tr>\n");
    for (uint32_t k = 0; k < n; k++)
        html_row(f, &v[k]);
    fprintf(f, "</table>\n<h2>Mean accuracy (%%) per rate</h2>\n<table><tr><th>rate</th>");
    for (uint32_t k = 0; k < n; k++) {
        fprintf(f, "<th>");
        ftsa_camp_html_escape(f, v[k].name);
        fprintf(f, "</th>");
    }
    fprintf(f, "</tr>\n");
    for (uint32_t i = 0; i < cfg->n_rates; i++) {
        fprintf(f, "<tr><td>%.3g</td>", cfg->rates[i]);
        for (uint32_t k = 0; k < n; k++) {
            const ftsa_stats_t *a = point(&v[k], i);
            fprintf(f, "<td>%.2f [", a->mean);
            ftsa_camp_html_num(f, a->ci_lo, "%.1f");
            fprintf(f, ", ");
            ftsa_camp_html_num(f, a->ci_hi, "%.1f");
            fprintf(f, "]</td>");
        }
        fprintf(f, "</tr>\n");
    }
    fprintf(f, "</table>\n<p>Files: <a href=\"compare.json\">compare.json</a>, "
               "<a href=\"compare.dat\">compare.dat</a>, <a href=\"compare.gp\">compare.gp</a>; "
               "each variant's campaign in its directory.</p>\n</body></html>\n");
    return ftsa_camp_close_file(out, "report.html", f, err);
}

ftsa_status_t ftsa_camp_write_comparison(const char *out, const ftsa_camp_variant_t *v, uint32_t n,
                                         int *plotted, ftsa_err_t *err)
{
    *plotted = 0;
    if (!n)
        return ftsa_fail(err, FTSA_E_INVALID, "nothing to compare");
    ftsa_status_t st = check_same_faults(v, n, err);
    if (!st)
        st = write_data(out, v, n, err);
    if (!st)
        st = write_json(out, v, n, err);
    if (!st)
        st = write_plot(out, v, n, plotted, err);
    if (!st)
        st = write_html(out, v, n, *plotted, err);
    return st;
}
