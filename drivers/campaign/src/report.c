/* Plots (gnuplot, SVG and PNG) and report.html for a finished campaign. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftsa/campaign.h"
#include "ftsa/fileio.h"
#include "report_util.h"

static ftsa_status_t open_out(const ftsa_camp_t *camp, const char *name, FILE **f, ftsa_err_t *err)
{
    return ftsa_camp_create_file(camp->cfg.out, name, f, err);
}

static ftsa_status_t close_out(const ftsa_camp_t *camp, const char *name, FILE *f, ftsa_err_t *err)
{
    return ftsa_camp_close_file(camp->cfg.out, name, f, err);
}

static double finite_or(double v, double alt)
{
    return isfinite(v) ? v : alt;
}

/* curves.dat: one gnuplot data block per curve (rate mean ci_lo ci_hi min max). */
static ftsa_status_t write_curve_data(const ftsa_camp_t *camp, const ftsa_camp_summary_t *s,
                                      ftsa_err_t *err)
{
    FILE *f;
    ftsa_status_t st = open_out(camp, "curves.dat", &f, err);
    if (st)
        return st;
    for (uint32_t c = 0; c < camp->plan.n_curves; c++) {
        const ftsa_camp_curve_t *cv = &camp->plan.curves[c];
        fprintf(f, "# curve %u: %s\n", c, cv->name);
        for (uint32_t i = 0; i < camp->cfg.n_rates; i++) {
            const ftsa_stats_t *a = &s->points[cv->first_point + i].acc;
            fprintf(f, "%.9g %.6f %.6f %.6f %.6f %.6f\n", camp->cfg.rates[i], a->mean,
                    finite_or(a->ci_lo, a->mean), finite_or(a->ci_hi, a->mean), a->min, a->max);
        }
        fprintf(f, "\n\n");
    }
    return close_out(camp, "curves.dat", f, err);
}

/* tolerance.dat: per-layer and per-memory curves, the highest rate within 1, 5, 10 points. */
static ftsa_status_t write_tolerance_data(const ftsa_camp_t *camp, const ftsa_camp_summary_t *s,
                                          uint32_t *rows, ftsa_err_t *err)
{
    FILE *f;
    ftsa_status_t st = open_out(camp, "tolerance.dat", &f, err);
    if (st)
        return st;
    *rows = 0;
    fprintf(f, "# curve loss0 loss1 loss5 loss10 (highest rate; NaN: none)\n");
    for (uint32_t c = 0; c < camp->plan.n_curves; c++) {
        const ftsa_camp_curve_t *cv = &camp->plan.curves[c];
        if (cv->scope == FTSA_CAMP_SCOPE_TARGET && cv->region.layer == FTSA_ALL_LAYERS &&
            camp->cfg.per_layer)
            continue;
        fprintf(f, "\"%s\"", cv->name);
        for (int l = 0; l < FTSA_CAMP_N_LOSSES; l++) {
            double v = s->curves[c].tolerance[l];
            if (isfinite(v))
                fprintf(f, " %.9g", v);
            else
                fprintf(f, " NaN");
        }
        fprintf(f, "\n");
        (*rows)++;
    }
    return close_out(camp, "tolerance.dat", f, err);
}

static void plot_curves(FILE *g, const ftsa_camp_t *camp, const ftsa_camp_summary_t *s,
                        ftsa_camp_scope_t scope, const char *title)
{
    int log_x = camp->cfg.rates[0] > 0.0;
    fprintf(g, "set title '%s'\nset xlabel '%s'\nset ylabel 'top-1 accuracy (%%)'\n", title,
            camp->cfg.mode == FTSA_CAMP_MODE_BER ? "bit error rate" : "faults per trial");
    fprintf(g, "%s\nset format x '%s'\nset yrange [0:100]\nset key outside right\nset grid\n",
            log_x ? "set logscale x" : "unset logscale x", log_x ? "10^{%L}" : "%g");
    double lo = camp->cfg.rates[0], hi = camp->cfg.rates[camp->cfg.n_rates - 1];
    if (log_x)
        fprintf(g, "set xrange [%.9g:%.9g]\n", lo / 1.5, hi * 1.5);
    else
        fprintf(g, "set xrange [%.9g:%.9g]\n", lo, hi > lo ? hi : lo + 1);
    uint32_t classes = ftsa_shape_elems(ftsa_net_output_shape(&camp->net));
    fprintf(g, "plot %.6f title 'fault-free' with lines dt 2 lc rgb '#555555'", s->base_acc);
    if (classes > 1)
        fprintf(g, ", \\\n  %.6f title 'chance' with lines dt 3 lc rgb '#999999'", 100.0 / classes);
    int color = 1;
    for (uint32_t c = 0; c < camp->plan.n_curves; c++) {
        const ftsa_camp_curve_t *cv = &camp->plan.curves[c];
        int show = cv->scope == scope ||
                   (scope == FTSA_CAMP_SCOPE_TARGET && cv->scope == FTSA_CAMP_SCOPE_MEMORY);
        if (!show)
            continue;
        fprintf(g,
                ", \\\n  'curves.dat' index %u using 1:3:4 notitle with filledcurves "
                "fs transparent solid 0.2 noborder lc %d"
                ", \\\n  '' index %u using 1:2 title '%s' with linespoints pt 7 ps 0.5 lc %d",
                c, color, c, cv->name, color);
        color++;
    }
    fprintf(g, "\n");
}

static void plot_tolerance(FILE *g, const ftsa_camp_t *camp, uint32_t rows)
{
    fprintf(g, "set title 'Highest %s with accuracy loss within a bound (Ares)'\n",
            camp->cfg.mode == FTSA_CAMP_MODE_BER ? "bit error rate" : "fault count");
    fprintf(g, "unset logscale x\nset xrange [*:*]\nset format x '%%g'\nset logscale y\nset format y '10^{%%L}'\n"
               "set xlabel ''\nset ylabel '%s'\nset yrange [%.9g:%.9g]\nset autoscale x\n"
               "set style data histograms\nset style histogram clustered gap 1\n"
               "set style fill solid 0.8 border -1\nset xtics rotate by -30\n"
               "set datafile missing 'NaN'\nset key outside right\n",
            camp->cfg.mode == FTSA_CAMP_MODE_BER ? "bit error rate" : "faults",
            camp->cfg.rates[0] > 0 ? camp->cfg.rates[0] / 10 : 0.5,
            camp->cfg.rates[camp->cfg.n_rates - 1] * 3);
    (void)rows;
    fprintf(g, "plot 'tolerance.dat' using 3:xtic(1) title '<= 1 point', '' using 4 title '<= 5 points',"
               " '' using 5 title '<= 10 points'\n"
               "unset logscale y\nset format y '%%g'\nset xtics norotate\nunset style data\n");
}

ftsa_status_t ftsa_camp_create_file(const char *dir, const char *name, FILE **f, ftsa_err_t *err)
{
    char path[FTSA_CAMP_PATH_LEN + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    *f = NULL;
    ftsa_status_t st = ftsa_check_output(path, err);
    if (st)
        return st;
    *f = fopen(path, "w");
    if (!*f)
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot create: %s", path, strerror(errno));
    return FTSA_OK;
}

ftsa_status_t ftsa_camp_close_file(const char *dir, const char *name, FILE *f, ftsa_err_t *err)
{
    int bad = ferror(f);
    if (fclose(f) || bad)
        return ftsa_fail(err, FTSA_E_IO, "%s/%s: write failed", dir, name);
    return FTSA_OK;
}

int ftsa_camp_run_gnuplot(const char *dir, const char *script)
{
    /* The child must not inherit unwritten stdio buffers (freopen would write them again). */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (chdir(dir) || !freopen("plots.log", "w", stderr) || !freopen("/dev/null", "w", stdout))
            _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 1 : -1;
}

static ftsa_status_t write_plots(const ftsa_camp_t *camp, const ftsa_camp_summary_t *s, int *plotted,
                                 ftsa_err_t *err)
{
    uint32_t tol_rows;
    ftsa_status_t st = write_curve_data(camp, s, err);
    if (!st)
        st = write_tolerance_data(camp, s, &tol_rows, err);
    FILE *g;
    if (!st)
        st = open_out(camp, "plots.gp", &g, err);
    if (st)
        return st;
    static const char *const terms[][2] = {
        {"svg size 900,540 dynamic font 'sans,12'", "svg"},
        {"pngcairo size 900,540 font 'sans,10'", "png"},
    };
    int has_layers = 0;
    for (uint32_t c = 0; c < camp->plan.n_curves; c++)
        has_layers |= camp->plan.curves[c].scope == FTSA_CAMP_SCOPE_LAYER;
    fprintf(g, "# Plots of a campaign; run 'gnuplot plots.gp' in this directory.\n");
    for (int t = 0; t < 2; t++) {
        fprintf(g, "set terminal %s\nset output 'accuracy.%s'\n", terms[t][0], terms[t][1]);
        plot_curves(g, camp, s, FTSA_CAMP_SCOPE_TARGET, "Accuracy under faults (mean, 95% CI band)");
        if (has_layers) {
            fprintf(g, "set output 'layers.%s'\n", terms[t][1]);
            plot_curves(g, camp, s, FTSA_CAMP_SCOPE_LAYER, "Accuracy with faults in one layer");
        }
        if (tol_rows) {
            fprintf(g, "set output 'tolerance.%s'\n", terms[t][1]);
            plot_tolerance(g, camp, tol_rows);
        }
        fprintf(g, "unset output\n");
    }
    st = close_out(camp, "plots.gp", g, err);
    if (st)
        return st;
    int rc = ftsa_camp_run_gnuplot(camp->cfg.out, "plots.gp");
    if (rc < 0)
        return ftsa_fail(err, FTSA_E_IO, "gnuplot failed on %s/plots.gp (see %s/plots.log)",
                         camp->cfg.out, camp->cfg.out);
    *plotted = rc;
    return FTSA_OK;
}

void ftsa_camp_html_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        default: fputc(*s, f);
        }
    }
}

void ftsa_camp_embed_svg(FILE *f, const char *dir, const char *name)
{
    char path[FTSA_CAMP_PATH_LEN + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *in = fopen(path, "r");
    if (!in)
        return;
    char line[8192];
    int on = 0;
    fprintf(f, "<figure>");
    while (fgets(line, sizeof line, in)) {
        if (!on && strstr(line, "<svg"))
            on = 1;
        if (on)
            fputs(line, f);
    }
    fclose(in);
    fprintf(f, "<figcaption><a href=\"%s\">%s</a></figcaption></figure>\n", name, name);
}

void ftsa_camp_html_num(FILE *f, double v, const char *fmt)
{
    if (isfinite(v))
        fprintf(f, fmt, v);
    else
        fputs("&ndash;", f);
}

static void html_tolerance_table(FILE *f, const ftsa_camp_t *camp, const ftsa_camp_summary_t *s,
                                 ftsa_camp_scope_t scope, const char *title)
{
    int any = 0;
    for (uint32_t c = 0; c < camp->plan.n_curves; c++)
        any |= camp->plan.curves[c].scope == scope;
    if (!any)
        return;
    fprintf(f, "<h3>%s</h3>\n<table><tr><th>curve</th><th>sites (bits)</th>", title);
    for (int l = 0; l < FTSA_CAMP_N_LOSSES; l++)
        fprintf(f, "<th>&le; %g%% loss</th>", ftsa_camp_losses[l]);
    fprintf(f, "<th>AUC (log)</th><th>AUC (linear)</th></tr>\n");
    for (uint32_t c = 0; c < camp->plan.n_curves; c++) {
        const ftsa_camp_curve_t *cv = &camp->plan.curves[c];
        if (cv->scope != scope)
            continue;
        fprintf(f, "<tr><td>%s</td><td>%" PRIu64 "</td>", cv->name, cv->sites);
        for (int l = 0; l < FTSA_CAMP_N_LOSSES; l++) {
            fprintf(f, "<td>");
            ftsa_camp_html_num(f, s->curves[c].tolerance[l], "%.3g");
            fprintf(f, "</td>");
        }
        fprintf(f, "<td>");
        ftsa_camp_html_num(f, s->curves[c].auc_log, "%.4f");
        fprintf(f, "</td><td>");
        ftsa_camp_html_num(f, s->curves[c].auc_linear, "%.4f");
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n");
}

static ftsa_status_t write_html(const ftsa_camp_t *camp, const ftsa_camp_summary_t *s, int plotted,
                                ftsa_err_t *err)
{
    FILE *f;
    ftsa_status_t st = open_out(camp, "report.html", &f, err);
    if (st)
        return st;
    const ftsa_camp_config_t *cfg = &camp->cfg;
    fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ftsa campaign: ");
    ftsa_camp_html_escape(f, camp->net.name);
    fprintf(f, "</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:auto}"
               "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
               "padding:2px 6px;text-align:right}figure{margin:1em 0}"
               "pre{background:#f4f4f4;padding:.5em}</style></head><body>\n");
    fprintf(f, "<h1>Fault campaign: ");
    ftsa_camp_html_escape(f, camp->net.name);
    fprintf(f, "</h1>\n<p>Back end <b>%s</b>, %u test images from #%u per trial, %" PRIu64
               " trials, seed %" PRIu64 ", config hash %016" PRIx64 ". Fault-free accuracy "
               "<b>%.2f%%</b>. Intervals are two-sided %g%% Student-t intervals of the mean; "
               "definitions in docs/campaigns.md.</p>\n",
            cfg->backend, cfg->images, cfg->first, camp->plan.n_trials, cfg->seed, camp->hash,
            s->base_acc, 100 * cfg->confidence);
    if (plotted) {
        ftsa_camp_embed_svg(f, camp->cfg.out, "accuracy.svg");
        ftsa_camp_embed_svg(f, camp->cfg.out, "layers.svg");
        ftsa_camp_embed_svg(f, camp->cfg.out, "tolerance.svg");
    } else {
        fprintf(f, "<p><b>No plots:</b> gnuplot was not found; run <code>gnuplot plots.gp</code> "
                   "in this directory to draw them.</p>\n");
    }
    fprintf(f, "<h2>Tolerance (Ares) and AUC (FT-ClipAct)</h2>\n");
    html_tolerance_table(f, camp, s, FTSA_CAMP_SCOPE_TARGET, "Targets");
    html_tolerance_table(f, camp, s, FTSA_CAMP_SCOPE_LAYER, "Per layer");
    html_tolerance_table(f, camp, s, FTSA_CAMP_SCOPE_MEMORY, "Per memory");
    fprintf(f, "<h2>Points</h2>\n<table><tr><th>curve</th><th>%s</th><th>trials</th>"
               "<th>mean %%</th><th>median</th><th>std</th><th>CI low</th><th>CI high</th>"
               "<th>min</th><th>max</th><th>faults (mean)</th></tr>\n",
            cfg->mode == FTSA_CAMP_MODE_BER ? "BER" : "faults");
    for (uint32_t p = 0; p < camp->plan.n_points; p++) {
        const ftsa_camp_point_stats_t *ps = &s->points[p];
        fprintf(f, "<tr><td>%s</td><td>%.3g</td><td>%u</td>",
                camp->plan.curves[camp->plan.points[p].curve].name, camp->plan.points[p].rate,
                ps->acc.n);
        const double v[] = {ps->acc.mean, ps->acc.median, ps->acc.std, ps->acc.ci_lo,
                            ps->acc.ci_hi, ps->acc.min, ps->acc.max, ps->mean_faults};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            fprintf(f, "<td>");
            ftsa_camp_html_num(f, v[i], "%.2f");
            fprintf(f, "</td>");
        }
        fprintf(f, "</tr>\n");
    }
    fprintf(f, "</table>\n<h2>Configuration</h2>\n<pre>");
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem) {
        ftsa_camp_config_write(cfg, mem);
        fclose(mem);
        ftsa_camp_html_escape(f, text);
        free(text);
    }
    fprintf(f, "</pre>\n<p>Files: <a href=\"trials.csv\">trials.csv</a>, "
               "<a href=\"summary.json\">summary.json</a>, <a href=\"plots.gp\">plots.gp</a>.</p>\n"
               "</body></html>\n");
    return close_out(camp, "report.html", f, err);
}

ftsa_status_t ftsa_camp_write_report(const ftsa_camp_t *camp, const ftsa_camp_summary_t *s,
                                     int *plotted, ftsa_err_t *err)
{
    *plotted = 0;
    ftsa_status_t st = write_plots(camp, s, plotted, err);
    if (!st)
        st = write_html(camp, s, *plotted, err);
    return st;
}
