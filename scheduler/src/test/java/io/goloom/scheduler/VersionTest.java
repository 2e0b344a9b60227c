package io.goloom.scheduler;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GoScheduler#VERSION} comes from the build: it is the version in the POM, not a hand-written string. */
class VersionTest {

    @Test
    void versionIsTheProjectVersionFromThePom() throws Exception {
        // surefire runs in the module directory; the scheduler's version is its parent's (<parent><version>)
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>.*?</parent>", Pattern.DOTALL).matcher(pom);
        assertTrue(m.find(), "scheduler/pom.xml has a <parent> with a <version>");
        assertEquals(m.group(1).strip(), GoScheduler.VERSION);
    }
}
