package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import avqa.downloader.settings.Setting;
import avqa.downloader.settings.SettingsTable;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The option table is the one truth: application.properties and the README's table say what it says. */
class SettingsTableTest {

    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    @Test
    void applicationPropertiesStatesEveryDefaultAndNothingElse() throws Exception {
        Properties file = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("application.properties"))) {
            file.load(r);
        }
        SettingsTable.DEFAULTS.forEach((key, value) -> assertEquals(value, file.getProperty(key), key));
        for (String key : file.stringPropertyNames()) {
            assertTrue(!key.startsWith("avqa.") || SettingsTable.DEFAULTS.containsKey(key),
                    key + " is in application.properties but not in the option table");
        }
    }

    @Test
    void theReadmesOptionTableIsTheOptionTable() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Options"));
        section = section.substring(0, section.indexOf("\n## ", 5));
        Map<String, String[]> byName = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (String line : section.lines().toList()) {
            if (!line.startsWith("| ") || line.startsWith("| option") || line.startsWith("| ---")) {
                continue;
            }
            String[] cells = line.substring(2).split(" \\| ", 4);
            String flag = first(cells[0]);
            String key = first(cells[1]);
            String name = key.isEmpty() ? flag.split(" ")[0] : key;
            assertTrue(byName.put(name, cells) == null, name + " has one row");
            order.add(name);
        }
        List<String> expected = new ArrayList<>();
        for (Setting row : SettingsTable.ROWS) {
            String name = row.key() == null ? row.flag() : row.key();
            expected.add(name);
            String[] cells = byName.get(name);
            assertTrue(cells != null, "the README's option table has no row for " + name);
            String flag = row.flag() == null ? "" : row.flag() + (row.label() == null ? "" : " " + row.label());
            assertEquals(flag, first(cells[0]), name + ": the option");
            if (row.key() != null) {
                assertEquals(row.value().isEmpty() ? "" : row.value(), first(cells[2]), name + ": the default");
            }
        }
        assertEquals(expected, order, "the README lists the settings in the table's order, and no others");
    }

    private static String first(String cell) {
        Matcher m = CODE.matcher(cell);
        return m.find() ? m.group(1).replace("\\|", "|") : "";
    }
}
