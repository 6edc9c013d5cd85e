package org.sweep.worker;

import java.io.Serializable;

/**
 * What a task cost and which linear-algebra implementations ran.
 *
 * @param secondsTrain   wall seconds of the gradient-descent loop (including checkpoint statistics
 *                       other than spectra)
 * @param secondsSpectra wall seconds spent in eigenvalue computations
 * @param flops          floating-point operations: 4 n m d per step plus the spectra's cost (about 9 n^3
 *                       per full symmetric eigendecomposition, 4/3 n^3 per lambda_min, 2 n^2 m per H(k))
 * @param blas           what ran the products: the training kernel's engine and the BLAS class used for the
 *                       Gram matrices, e.g. {@code java-vector-512 (training), JNIBLAS (Gram matrices)}; the
 *                       OpenBLAS core type is appended when set, e.g. {@code JNIBLAS (OPENBLAS_CORETYPE=Haswell)}
 * @param lapack         LAPACK implementation class that ran, e.g. {@code JNILAPACK} or {@code F2jLAPACK}, with the
 *                       OpenBLAS core type appended when set
 */
public record Cost(double secondsTrain, double secondsSpectra, double flops, String blas, String lapack)
        implements Serializable {
}
