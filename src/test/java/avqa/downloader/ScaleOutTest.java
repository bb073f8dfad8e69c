package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many hosts where it matters: three worker hosts, each in a network namespace of its own with its
 * own address, fetch from nginx on a host of its own that limits each client address to 30 requests a
 * minute, no burst, and answers 429 past it (limit_req, no Retry-After, as nginx does by default).
 * Every worker is set 20 % above that limit. The planner, the broker and the database are the lab's own. Every
 * video ends complete once, none is recorded failed, and each host's cool-downs follow the 429s sent
 * to its own address only. The speed is measured by bench/scale-out.sh, not asserted here.
 */
@Alone // a lab of network namespaces, per-address rate limits timed
class ScaleOutTest {

    @Test
    void threeHostsEachLimitedOnItsOwnAddressCompleteEveryVideoOnce(@TempDir Path tmp) throws Exception {
        NetLab.requireOrSkip("ScaleOutTest", ManyHosts.unavailable());
        Path clip = Fixture.clip("tone-3s", 3, true);
        // no burst: a request sooner than 2 s after the last one from the same address is answered 429
        try (ManyHosts lab = new ManyHosts(tmp.resolve("lab"), 30, 0, "200k", 0)) {
            List<NetLab.Host> hosts = List.of(lab.net.host(), lab.net.host(), lab.net.host());
            ScaleOut.Result r = ScaleOut.run(lab, hosts, clip, 36, tmp.resolve("run"),
                    List.of("--workers", "3", "--max-requests", "36", "--period", "60", "--cooldown", "2",
                            "--retry-attempts", "10", "--backoff", "0.5"));
            System.out.printf("ScaleOutTest: %d videos, 3 hosts, %.1f s, %.1f videos/min; 429s per host %s%n", r.videos(),
                    r.seconds(), r.perMinute(), r.shares().stream().map(ScaleOut.HostShare::limited).toList());

            Map<String, Integer> rows = lab.recorded(r.queue());
            Map<String, Integer> whole = lab.nginx.wholeBodies();
            StringBuilder logs = new StringBuilder();
            for (ScaleOut.HostShare s : r.shares()) {
                logs.append(ClusterTest.read(s.log()));
            }
            for (String id : r.ids()) {
                double[] seconds = Fixture.probe(r.data().resolve("videos/" + id + ".mp4"));
                assertTrue(seconds[0] > 2.5 && seconds[1] > 2.5, id + " is a valid video with sound");
                assertTrue(Files.size(r.data().resolve("audio/" + id + ".wav")) > 0, id + " has its audio");
                assertEquals(1, rows.get(id), id + " has one row in the cluster record");
                assertEquals(1, whole.getOrDefault(id, 0), id + " was sent whole exactly once");
                assertEquals(1, ClusterTest.count(logs.toString(), "Complete: " + id + "\n"), id + " was completed once");
            }
            try (Stream<Path> failed = Files.list(r.data().resolve("failed"))) {
                assertEquals(List.of(), failed.toList(), "no video recorded failed, permanent or otherwise");
            }
            assertTrue(lab.waiting(r.queue() + ".DLQ") <= 0, "nothing in the dead-letter queue");

            long limited = 0;
            for (ScaleOut.HostShare s : r.shares()) {
                assertTrue(s.ok() > 0, s.address() + " fetched videos from its own address");
                assertTrue(s.limited() > 0, s.address() + " was limited (20 % above nginx's limit, no burst): some 429s");
                assertTrue(s.coolDownsAt().size() > 0, s.address() + " cooled down after its 429s");
                assertTrue(ClusterTest.read(s.log()).contains("This host's download starts are spaced"),
                        s.address() + " spaced its starts wider after its 429s");
                limited += s.limited();
                assertTrue(s.coolDownsAt().size() <= s.limited(), s.address() + ": no more cool-downs than 429s to "
                        + "its own address: " + s.coolDownsAt() + " vs " + s.limitedAt());
                for (double at : s.coolDownsAt()) {
                    // log times have milliseconds; nginx logs when the 429 was sent
                    assertTrue(s.limitedAt().stream().anyMatch(t -> at >= t - 0.05 && at <= t + 1.5),
                            s.address() + " cooled down at " + at + " without a 429 of its own just before: " + s.limitedAt());
                }
            }
            assertTrue(limited > 0, "the hosts were limited (20 % above nginx's limit): some 429s");
            List<String> clients = lab.nginx.requests().stream().map(LabNginx.Request::client).distinct().toList();
            assertEquals(hosts.stream().map(NetLab.Host::address).sorted().toList(), clients.stream().sorted().toList(),
                    "every request came from a worker host's own address");
        }
    }
}
