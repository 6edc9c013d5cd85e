package org.sweep.driver.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reader of IDX files (LeCun, Cortes and Burges, "The MNIST database"): a 4-byte magic number
 * {@code 0x0000TTNN} (TT the element type, NN the number of dimensions), NN big-endian 32-bit
 * dimension sizes, then the elements in row-major order, big-endian. Item i is the slice along
 * the first dimension; its remaining dimensions are flattened.
 *
 * <p>Element types: 0x08 unsigned byte, 0x09 signed byte, 0x0B short, 0x0C int, 0x0D float,
 * 0x0E double.
 */
final class IdxReader implements AutoCloseable {
    private final String file;
    private final DataInputStream in;
    private final int type;
    private final int[] dims;
    private final byte[] buf;
    private int itemsRead;

    private IdxReader(String file, DataInputStream in, int type, int[] dims) {
        this.file = file;
        this.in = in;
        this.type = type;
        this.dims = dims;
        this.buf = new byte[Math.toIntExact((long) itemSize() * elementBytes(type))];
    }

    /** Opens the file and reads its header. */
    static IdxReader open(String file, String role) {
        Path p = FileInput.requireFile(file, role);
        DataInputStream in = null;
        try {
            in = new DataInputStream(FileInput.open(p));
            byte[] magic = new byte[4];
            int got = in.readNBytes(magic, 0, 4);
            if (got == 0) {
                throw new DataException(file + ": " + role + " is empty (no IDX header)");
            }
            if (got < 4) {
                throw new DataException(file + ": truncated IDX header (" + got + " of 4 magic-number bytes)");
            }
            int m = ((magic[0] & 0xff) << 24) | ((magic[1] & 0xff) << 16) | ((magic[2] & 0xff) << 8) | (magic[3] & 0xff);
            int type = magic[2] & 0xff;
            int ndims = magic[3] & 0xff;
            if (magic[0] != 0 || magic[1] != 0 || elementBytes(type) < 0 || ndims < 1) {
                throw new DataException(String.format(Locale.ROOT,
                        "%s: bad IDX magic number 0x%08X (expected 0x0000TTNN with element type TT in "
                                + "{08, 09, 0B, 0C, 0D, 0E} and NN >= 1 dimensions; e.g. 0x00000803 for images, "
                                + "0x00000801 for labels)", file, m));
            }
            int[] dims = new int[ndims];
            for (int k = 0; k < ndims; k++) {
                try {
                    dims[k] = in.readInt();
                } catch (EOFException e) {
                    throw new DataException(file + ": truncated IDX header (dimension " + (k + 1) + " of " + ndims + " missing)");
                }
                if (dims[k] < 0 || (k > 0 && dims[k] == 0)) {
                    throw new DataException(file + ": IDX dimension " + (k + 1) + " is " + dims[k]);
                }
            }
            long item = 1;
            for (int k = 1; k < ndims; k++) {
                item *= dims[k];
            }
            if (item * Math.max(1, elementBytes(type)) > Integer.MAX_VALUE) {
                throw new DataException(file + ": IDX items of " + item + " elements are too large");
            }
            IdxReader r = new IdxReader(file, in, type, dims);
            in = null;
            // An uncompressed file's size tells at once whether every declared item is there, so a
            // truncated file is refused while planning rather than when a task loads it.
            if (!gzipped(p)) {
                long itemBytes = r.buf.length;
                long complete = itemBytes == 0 ? dims[0] : (Files.size(p) - 4L - 4L * ndims) / itemBytes;
                if (complete < dims[0]) {
                    r.close();
                    throw r.truncated((int) complete);
                }
            }
            return r;
        } catch (IOException e) {
            throw new DataException(file + ": cannot read " + role + ": " + e.getMessage(), e);
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    private static boolean gzipped(Path p) throws IOException {
        try (InputStream raw = Files.newInputStream(p)) {
            return raw.read() == 0x1f && raw.read() == 0x8b;
        }
    }

    /** Bytes per element of an IDX type code, or -1 for an unknown code. */
    static int elementBytes(int type) {
        return switch (type) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            case 0x0E -> 8;
            default -> -1;
        };
    }

    /** Number of items (the first dimension). */
    int count() {
        return dims[0];
    }

    /** Elements per item (product of the remaining dimensions; 1 for a labels file). */
    int itemSize() {
        int s = 1;
        for (int k = 1; k < dims.length; k++) {
            s *= dims[k];
        }
        return s;
    }

    int dimensions() {
        return dims.length;
    }

    /** Shape as text, e.g. {@code 60000x28x28}. */
    String shape() {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < dims.length; k++) {
            sb.append(k == 0 ? "" : "x").append(dims[k]);
        }
        return sb.toString();
    }

    /**
     * Reads the next item into {@code out} (length {@link #itemSize()}), or only skips it when
     * {@code out} is null.
     */
    void next(double[] out) {
        int item = itemsRead;
        try {
            in.readFully(buf);
        } catch (EOFException e) {
            throw truncated(item);
        } catch (IOException e) {
            // a gzip stream that ends early reports "Unexpected end of ZLIB input stream"
            if (String.valueOf(e.getMessage()).contains("Unexpected end")) {
                throw truncated(item);
            }
            throw new DataException(file + ": cannot read item " + item + ": " + e.getMessage(), e);
        }
        itemsRead++;
        if (out == null) {
            return;
        }
        int s = out.length;
        switch (type) {
            case 0x08 -> {
                for (int k = 0; k < s; k++) {
                    out[k] = buf[k] & 0xff;
                }
            }
            case 0x09 -> {
                for (int k = 0; k < s; k++) {
                    out[k] = buf[k];
                }
            }
            case 0x0B -> {
                for (int k = 0; k < s; k++) {
                    out[k] = (short) (((buf[2 * k] & 0xff) << 8) | (buf[2 * k + 1] & 0xff));
                }
            }
            case 0x0C -> {
                for (int k = 0; k < s; k++) {
                    out[k] = readInt(4 * k);
                }
            }
            case 0x0D -> {
                for (int k = 0; k < s; k++) {
                    out[k] = Float.intBitsToFloat(readInt(4 * k));
                }
            }
            case 0x0E -> {
                for (int k = 0; k < s; k++) {
                    long hi = readInt(8 * k) & 0xffffffffL;
                    long lo = readInt(8 * k + 4) & 0xffffffffL;
                    out[k] = Double.longBitsToDouble((hi << 32) | lo);
                }
            }
            default -> throw new IllegalStateException("type checked in open");
        }
    }

    private int readInt(int at) {
        return ((buf[at] & 0xff) << 24) | ((buf[at + 1] & 0xff) << 16) | ((buf[at + 2] & 0xff) << 8) | (buf[at + 3] & 0xff);
    }

    private DataException truncated(int item) {
        return new DataException(file + ": truncated IDX file: header declares " + dims[0] + " items (shape "
                + shape() + ") but the data ends after " + item + " complete items");
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new DataException(file + ": cannot close: " + e.getMessage(), e);
        }
    }
}
