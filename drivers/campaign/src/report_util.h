/* Pieces of the campaign report shared by report.c and compare.c and summary.c
 * (private). */
#ifndef FTSA_CAMP_REPORT_UTIL_H
#define FTSA_CAMP_REPORT_UTIL_H

#include <stdio.h>

#include "ftsa/error.h"

/* Create dir/name for writing; close it checking for write errors. */
ftsa_status_t ftsa_camp_create_file(const char *dir, const char *name, FILE **f, ftsa_err_t *err);
ftsa_status_t ftsa_camp_close_file(const char *dir, const char *name, FILE *f, ftsa_err_t *err);

/* Run gnuplot on script in dir (its stderr into dir/plots.log); returns 1 if
 * it ran and succeeded, 0 if gnuplot is missing, -1 if it failed. */
int ftsa_camp_run_gnuplot(const char *dir, const char *script);
void ftsa_camp_html_escape(FILE *f, const char *s);
/* Copy dir/name (an SVG file) into the page from its <svg element on. */
void ftsa_camp_embed_svg(FILE *f, const char *dir, const char *name);
/* v with fmt, or a dash when v is not finite. */
void ftsa_camp_html_num(FILE *f, double v, const char *fmt);
/* JSON number (null when not finite) and string. */
void ftsa_camp_json_num(FILE *f, double v);
void ftsa_camp_json_str(FILE *f, const char *s);

#endif
