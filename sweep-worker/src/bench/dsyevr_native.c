/*
 * Native reference for the worker benchmark's lambda_min timing: times LAPACK dsyevr (jobz='N',
 * range='I', il=iu=1) called directly from C on the same symmetric matrix the Java benchmark
 * passes through dev.ludovic.netlib.
 *
 * Usage: dsyevr_native MATRIX_FILE N REPEATS   (or: dsyevr_native --corename)
 *   MATRIX_FILE holds N*N little-endian doubles (column-major; the matrix is symmetric).
 * Prints: status=ok seconds=<best wall> median=<median wall> cpu=<best process CPU seconds>
 *         lambda_min=<value> corename=<OpenBLAS core>
 * Built by org.sweep.worker.bench.Bench with: gcc -O2 dsyevr_native.c -llapack -lopenblas
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
                    const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
                    const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz,
                    double *work, const int *lwork, int *iwork, const int *liwork, int *info);
extern char *openblas_get_corename(void);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double cpu_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--corename") == 0) {
        printf("status=ok corename=%s\n", openblas_get_corename());
        return 0;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: %s MATRIX_FILE N REPEATS\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[2]), reps = atoi(argv[3]);
    size_t nn = (size_t)n * n;
    double *a0 = malloc(nn * sizeof(double)), *a = malloc(nn * sizeof(double));
    FILE *f = fopen(argv[1], "rb");
    if (!f || fread(a0, sizeof(double), nn, f) != nn) {
        printf("status=error message=cannot-read-%s\n", argv[1]);
        return 1;
    }
    fclose(f);
    const char jobz = 'N', range = 'I', uplo = 'L';
    int il = 1, iu = 1, m = 0, info = 0, ldz = 1, lwork = -1, liwork = -1, iwq = 0;
    double vl = 0, vu = 0, abstol = 0, wq = 0, zdummy = 0;
    double *w = malloc((size_t)n * sizeof(double));
    int *isuppz = malloc(2 * (size_t)n * sizeof(int));
    dsyevr_(&jobz, &range, &uplo, &n, a, &n, &vl, &vu, &il, &iu, &abstol, &m, w, &zdummy, &ldz, isuppz,
            &wq, &lwork, &iwq, &liwork, &info);
    lwork = (int)wq;
    liwork = iwq;
    double *work = malloc((size_t)lwork * sizeof(double));
    int *iwork = malloc((size_t)liwork * sizeof(int));
    double *t = malloc((size_t)reps * sizeof(double));
    double *ct = malloc((size_t)reps * sizeof(double));
    for (int k = 0; k < reps; k++) {
        memcpy(a, a0, nn * sizeof(double));
        double c0 = cpu_now();
        double t0 = now();
        dsyevr_(&jobz, &range, &uplo, &n, a, &n, &vl, &vu, &il, &iu, &abstol, &m, w, &zdummy, &ldz, isuppz,
                work, &lwork, iwork, &liwork, &info);
        t[k] = now() - t0;
        ct[k] = cpu_now() - c0;
        if (info != 0) {
            printf("status=error message=dsyevr-info-%d\n", info);
            return 1;
        }
    }
    qsort(t, reps, sizeof(double), cmp);
    qsort(ct, reps, sizeof(double), cmp);
    printf("status=ok seconds=%.6e median=%.6e cpu=%.6e lambda_min=%.17g corename=%s\n", t[0], t[reps / 2], ct[0], w[0],
           openblas_get_corename());
    return 0;
}
