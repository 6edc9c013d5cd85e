package org.sweep.driver.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The application jar that executors of a standalone cluster need (spark.jars): the compiled
 * classes of the project's modules, which during {@code mvn test} are class folders, not jars yet.
 */
final class AppJar {
    private AppJar() {
    }

    /** Writes a jar holding the class folders (or copies of the jars) that contain the given classes. */
    static Path build(Path jar, Class<?>... anchors) throws IOException {
        Set<Path> roots = new LinkedHashSet<>();
        for (Class<?> c : anchors) {
            try {
                roots.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
        Files.createDirectories(jar.getParent());
        Set<String> seen = new LinkedHashSet<>();
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o)) {
            for (Path root : roots) {
                if (Files.isDirectory(root)) {
                    List<Path> files;
                    try (Stream<Path> s = Files.walk(root)) {
                        files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
                    }
                    for (Path f : files) {
                        add(j, seen, root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                    }
                } else {
                    try (var in = new java.util.jar.JarFile(root.toFile())) {
                        for (var e : java.util.Collections.list(in.entries())) {
                            if (!e.isDirectory() && !e.getName().startsWith("META-INF/")) {
                                add(j, seen, e.getName(), in.getInputStream(e).readAllBytes());
                            }
                        }
                    }
                }
            }
        }
        return jar;
    }

    private static void add(JarOutputStream j, Set<String> seen, String name, byte[] bytes) throws IOException {
        if (!seen.add(name)) {
            return;
        }
        j.putNextEntry(new JarEntry(name));
        j.write(bytes);
        j.closeEntry();
    }
}
