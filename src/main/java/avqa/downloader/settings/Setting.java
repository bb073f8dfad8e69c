package avqa.downloader.settings;

/**
 * One row of the option table: a setting's property key, its command-line flag (if it has one), its
 * built-in default, the check its value must pass and the help text. {@link SettingsTable} lists
 * every row once; the command line, the defaults, the checks, {@code application.properties} and the
 * README's option table all follow from it (tests hold the last two to it).
 *
 * @param key     the property ({@code avqa.workers}); null for an action such as {@code --verify}
 * @param flag    the command-line option ({@code --workers}); null when the setting is a property only
 * @param label   the value's name in the help ({@code N}); null for a switch
 * @param kind    how the flag sets the property
 * @param value   the built-in default
 * @param check   what a value must be; null when any text will do
 * @param help    one line for {@code --help}
 */
public record Setting(String key, String flag, String label, Kind kind, String value, Check check, String help) {

    /** How a command-line flag becomes the property's value. */
    public enum Kind {
        /** {@code --flag VALUE}. */
        VALUE,
        /** {@code --flag VALUE}, repeatable; the values are joined with commas. */
        LIST,
        /** {@code --flag} sets the property to {@code true}. */
        ON,
        /** {@code --flag} sets the property to {@code false} ({@code --no-…}). */
        OFF,
        /** No property: the flag chooses what the run does ({@code --verify}, {@code --dry-run}). */
        ACTION,
        /** {@code --flag VALUE} with no property: a parameter of an action ({@code --against FILE}). */
        ACTION_VALUE,
        /** A property without a flag. */
        PROPERTY
    }

    /** What a value must be. */
    @FunctionalInterface
    public interface Check {
        /** Null when {@code value} is fine, else what was expected ("a whole number from 1 to 64"). */
        String expected(String value);
    }

    /** The name a message uses: the flag when there is one, else the property. */
    public String name() {
        return flag != null ? flag : key;
    }

    static Setting option(String key, String flag, String label, String value, Check check, String help) {
        return new Setting(key, flag, label, Kind.VALUE, value, check, help);
    }

    static Setting list(String key, String flag, String label, String help) {
        return new Setting(key, flag, label, Kind.LIST, "", null, help);
    }

    static Setting on(String key, String flag, String help) {
        return new Setting(key, flag, null, Kind.ON, "false", Checks.BOOLEAN, help);
    }

    static Setting off(String key, String flag, String help) {
        return new Setting(key, flag, null, Kind.OFF, "true", Checks.BOOLEAN, help);
    }

    static Setting property(String key, String value, Check check, String help) {
        return new Setting(key, null, null, Kind.PROPERTY, value, check, help);
    }

    static Setting action(String flag, String help) {
        return new Setting(null, flag, null, Kind.ACTION, null, null, help);
    }

    static Setting actionValue(String flag, String label, String help) {
        return new Setting(null, flag, label, Kind.ACTION_VALUE, null, null, help);
    }
}
