package avqa.downloader;

import java.io.File;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecDefaultExecutor;
import org.apache.camel.component.exec.impl.DefaultExecCommandExecutor;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;

/**
 * camel-exec's executor for yt-dlp, which starts it with this process's environment and one change: FTP
 * only through a proxy that is not there. yt-dlp (through Python's urllib) follows a page's redirect to
 * ftp:// and logs in there anonymously; our promise is that redirects lead only to http(s). Python sends
 * every ftp:// request to {@code ftp_proxy}, so a redirect to ftp:// ends in a refused connection on this
 * machine, and no FTP server is ever contacted. {@code no_proxy} would let a listed host through: it is
 * dropped when no other proxy is set (it then means nothing else), and kept when one is.
 */
public final class YtDlpEnvironment extends DefaultExecCommandExecutor {

    /** Port 0: a connection to it is refused at once. */
    static final String NO_FTP = "http://127.0.0.1:0";

    private final Map<String, String> environment;

    public YtDlpEnvironment() {
        this(System.getenv());
    }

    YtDlpEnvironment(Map<String, String> inherited) {
        this.environment = environment(inherited);
    }

    /** The environment yt-dlp gets, from the one it would inherit. */
    static Map<String, String> environment(Map<String, String> inherited) {
        Map<String, String> env = new HashMap<>(inherited);
        env.keySet().removeIf(k -> k.equalsIgnoreCase("ftp_proxy"));
        boolean otherProxy = env.entrySet().stream().anyMatch(e -> !e.getValue().isEmpty()
                && e.getKey().toLowerCase(java.util.Locale.ROOT).endsWith("_proxy")
                && !e.getKey().equalsIgnoreCase("no_proxy"));
        if (!otherProxy) {
            env.keySet().removeIf(k -> k.equalsIgnoreCase("no_proxy"));
        }
        env.put("ftp_proxy", NO_FTP);
        return Map.copyOf(env);
    }

    @Override
    protected DefaultExecutor prepareDefaultExecutor(ExecCommand command) {
        DefaultExecutor prepared = super.prepareDefaultExecutor(command);
        ExecDefaultExecutor executor = new ExecDefaultExecutor() {
            // commons-exec starts it through one or the other, by its version
            @Override
            protected Process launch(CommandLine line, Map<String, String> env, File dir) throws IOException {
                return super.launch(line, environment, dir);
            }

            @Override
            protected Process launch(CommandLine line, Map<String, String> env, java.nio.file.Path dir) throws IOException {
                return super.launch(line, environment, dir);
            }
        };
        executor.setExitValues(null);
        if (!command.getExitValues().isEmpty()) {
            executor.setExitValues(command.getExitValues().stream().mapToInt(Integer::intValue).toArray());
        }
        executor.setWorkingDirectory(prepared.getWorkingDirectory());
        executor.setWatchdog(prepared.getWatchdog());
        executor.setProcessDestroyer(prepared.getProcessDestroyer());
        return executor;
    }
}
