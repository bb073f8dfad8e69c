package avqa.downloader;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that runs alone, after the others (pom.xml: surefire's {@code alone} execution), not
 * beside another class in a second JVM: it measures time (spacing, speed floors, timeouts of a few
 * seconds) or uses what is one per machine (the broker and database on 127.0.0.1, a lab of network
 * namespaces, the management port 9876).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("alone")
@interface Alone {
}
