/* cairo-fill-bench: draws the fills of the busiest Monaco z14 tile with
 * cairo, to compare the map's rasterizer (app/nav/render,
 * BenchmarkTileFillOnly) with a mature C one on the same rings.
 *
 *   apt-get install -y libcairo2-dev
 *   FASCIA_DUMP_FILLS=/tmp/fills.bin go test ./app/nav/render -run TestDumpFillBatches
 *   gcc -O2 -o /tmp/cairo-fill-bench scripts/cairo-fill-bench.c $(pkg-config --cflags --libs cairo)
 *   /tmp/cairo-fill-bench /tmp/fills.bin [out.png]
 *
 * It prints the median wall and thread-CPU time of 60 draws of a 512-px
 * ARGB32 image (background, then every batch with the nonzero rule) for
 * cairo's default, "fast" and no anti-aliasing. Not part of the build or CI.
 */
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
	uint32_t rgba, nrings;
	uint32_t *lens;
	float **pts;
} batch;

static double ms(clockid_t id) {
	struct timespec t;
	clock_gettime(id, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* take returns the next n 32-bit words of the dump, or exits naming the offset. */
static uint32_t *take(uint32_t **w, uint32_t *end, size_t n, const char *what) {
	if ((size_t)(end - *w) < n) {
		fprintf(stderr, "fills dump: truncated in %s\n", what);
		exit(1);
	}
	uint32_t *p = *w;
	*w += n;
	return p;
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: cairo-fill-bench FILLS.bin [out.png]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	uint32_t *buf = malloc(n + 4);
	if (fread(buf, 1, n, f) != (size_t)n) {
		fprintf(stderr, "%s: short read\n", argv[1]);
		return 1;
	}
	fclose(f);
	uint32_t *w = buf, *end = buf + n / 4;
	uint32_t nb = *take(&w, end, 1, "header");
	batch *bs = calloc(nb, sizeof(batch));
	for (uint32_t i = 0; i < nb; i++) {
		uint32_t *h = take(&w, end, 2, "batch header");
		bs[i].rgba = h[0];
		bs[i].nrings = h[1];
		bs[i].lens = calloc(bs[i].nrings, 4);
		bs[i].pts = calloc(bs[i].nrings, sizeof(float *));
		for (uint32_t r = 0; r < bs[i].nrings; r++) {
			bs[i].lens[r] = *take(&w, end, 1, "ring header");
			bs[i].pts[r] = (float *)take(&w, end, 2 * (size_t)bs[i].lens[r], "ring");
		}
	}
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 512, 512);
	cairo_t *cr = cairo_create(s);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
	struct { cairo_antialias_t aa; const char *name; } modes[] = {
		{CAIRO_ANTIALIAS_DEFAULT, "default"}, {CAIRO_ANTIALIAS_FAST, "fast"}, {CAIRO_ANTIALIAS_NONE, "none"}};
	for (int m = 0; m < 3; m++) {
		cairo_set_antialias(cr, modes[m].aa);
		enum { N = 60 };
		double wall[N], cpu[N];
		for (int it = 0; it < N; it++) {
			double w0 = ms(CLOCK_MONOTONIC), c0 = ms(CLOCK_THREAD_CPUTIME_ID);
			cairo_set_source_rgb(cr, 0.95, 0.94, 0.91);
			cairo_paint(cr);
			for (uint32_t i = 0; i < nb; i++) {
				uint32_t c = bs[i].rgba; /* premultiplied bytes, as Go's color.RGBA */
				double a = (c >> 24) / 255.0;
				if (a == 0)
					continue;
				cairo_set_source_rgba(cr, (c & 255) / 255.0 / a, ((c >> 8) & 255) / 255.0 / a,
						      ((c >> 16) & 255) / 255.0 / a, a);
				cairo_new_path(cr);
				for (uint32_t r = 0; r < bs[i].nrings; r++) {
					float *p = bs[i].pts[r];
					cairo_move_to(cr, p[0], p[1]);
					for (uint32_t k = 1; k < bs[i].lens[r]; k++)
						cairo_line_to(cr, p[2 * k], p[2 * k + 1]);
					cairo_close_path(cr);
				}
				cairo_fill(cr);
			}
			cairo_surface_flush(s);
			wall[it] = ms(CLOCK_MONOTONIC) - w0;
			cpu[it] = ms(CLOCK_THREAD_CPUTIME_ID) - c0;
		}
		qsort(wall, N, sizeof(double), cmp);
		qsort(cpu, N, sizeof(double), cmp);
		printf("cairo %s, antialias %-7s: median wall %.2f ms, thread CPU %.2f ms\n", cairo_version_string(),
		       modes[m].name, wall[N / 2], cpu[N / 2]);
		if (m == 0 && argc > 2)
			cairo_surface_write_to_png(s, argv[2]);
	}
	return 0;
}
