package avqa.downloader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IP-wide cool-down. A 429, a "try again later" or a bot check means the source limits the
 * whole IP, so every worker waits (in {@link #await()}, before a download start takes its turn in the
 * throttle) instead of each retrying on its own. The pause grows with each new signal (initial ×
 * multiplier^n, capped) and falls back to the initial one after {@code resetAfter} successes in a row;
 * a source that says how long to wait (a 429's Retry-After) is waited for that long. A 429 also slows
 * this host's own throttle ({@link HostThrottle}). Signals that arrive
 * while a cool-down is on come from downloads that started before it and do not make it longer.
 * A bot check that is still there after {@code botCheckLimit} cool-downs in a row stops the run:
 * only cookies help then. Likewise a source host that still cannot be resolved after
 * {@code networkLimit} cool-downs in a row: without network or DNS no video can be fetched (a service resumes the
 * run once the name resolves again: {@link NetworkBack}).
 */
public final class CoolDown {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.cooldown");

    private final long initialMillis;
    private final double multiplier;
    private final long maxMillis;
    private final int resetAfter;
    private final int botCheckLimit;
    private final int networkLimit;
    private final RunControl run;

    private long until;

    /** The end of the pause as the last cool-down line said it. */

    private long saidUntil;
    private int level;
    private int successes;
    private int botChecksInARow;
    private int unresolvedInARow;
    private boolean announcedEnd = true;
    private HostThrottle throttle;
    private String reason = "";
    private long started;
    /** When the first of the cool-downs in a row began (they end with avqa.cooldown.reset-after successes in a row). */
    private long inARowSince;

    public CoolDown(long initialMillis, double multiplier, long maxMillis, int resetAfter, int botCheckLimit,
                    int networkLimit, RunControl run) {
        this.initialMillis = initialMillis;
        this.multiplier = multiplier;
        this.maxMillis = maxMillis;
        this.resetAfter = resetAfter;
        this.botCheckLimit = botCheckLimit;
        this.networkLimit = networkLimit;
        this.run = run;
        run.onNewRun(this::newRun);
    }

    /**
     * A new run: its bot checks and unresolved host names in a row count from none. A cool-down still on (the time a
     * source asked for) and the pause's level stay: the source's limit is not the run's.
     */
    synchronized void newRun() {
        botChecksInARow = 0;
        unresolvedInARow = 0;
    }

    /** This host's throttle, which slows down with each 429 that starts a cool-down. */
    public void slowsDown(HostThrottle throttle) {
        this.throttle = throttle;
    }

    /** An IP-wide signal seen by one worker. */
    public void signal(String reason, VideoFailure.Signal kind) {
        signal(reason, kind, -1);
    }

    /**
     * An IP-wide signal seen by one worker; {@code askedMillis}: how long the source asked us to wait
     * (its Retry-After), or -1. A source that says how long is waited for that long (at most
     * avqa.cooldown.max), not the growing pause, so that no host sits idle longer than the source asks.
     */
    public void signal(String reason, VideoFailure.Signal kind, long askedMillis) {
        signal(reason, kind, askedMillis, null);
    }

    /**
     * The same; {@code unresolved}: the host name that could not be resolved, if that is the signal: a run it stops
     * is one a service resumes once the name resolves again ({@link StopRecheck}).
     */
    synchronized void signal(String reason, VideoFailure.Signal kind, long askedMillis, NetworkBack unresolved) {
        long now = System.currentTimeMillis();
        successes = 0;
        if (now < until) {
            // one event seen by several workers: the cool-down on counts for it, unless the source now asks for longer
            // (a second 429's Retry-After), which is waited (a shorter pause begun first took it before)
            long asked = askedMillis < 0 ? -1 : Math.min(maxMillis, askedMillis);
            if (asked >= 0 && now + asked > until) {
                // said only when it lengthens the pause by a second or more: the other workers' 429s of one wave, each
                // asking for the same time a few milliseconds later, each printed the line again
                // (against the end last said, so that small lengthenings that add up are said once they do)
                boolean worthSaying = now + asked - saidUntil >= 1000;
                until = now + asked;
                announcedEnd = false;
                if (worthSaying) {
                    saidUntil = until;
                    LOG.warn("Cool-down: every worker pauses for {} s from now, as long as the source asks (Retry-After{})",
                            String.format("%.1f", asked / 1000.0), askedMillis > maxMillis ? ", "
                                    + StatusLine.asked(askedMillis) + "; avqa.cooldown.max is the longest" : "");
                }
            }
            return;
        }
        if (kind == VideoFailure.Signal.NETWORK && ++unresolvedInARow > networkLimit) {
            // a run a service resumes (StopRecheck) has its cool-downs again before it stops once more
            unresolvedInARow = 0;
            // the reason names the host: "cannot resolve www.youtube.com: no network or DNS"
            run.stop(reason + (reason.startsWith("the proxy") ? "; progress kept, run again once the proxy lets the "
                    + "requests through" : "; progress kept, run again when the network is back"),
                    unresolved == null ? null : unresolved::resolvesAgain);
            return;
        }
        if (kind == VideoFailure.Signal.BOT_CHECK && ++botChecksInARow > botCheckLimit) {
            // the next run (a service's next night, once cookies are given) has its cool-downs again before it stops
            botChecksInARow = 0;
            run.stop("the source still asks to confirm this is not a bot after " + botCheckLimit
                    + " cool-downs. Export cookies.txt from a browser signed in to it and run again with "
                    + "--cookies FILE; progress is kept");
            return;
        }
        long pause = askedMillis >= 0 ? Math.min(maxMillis, askedMillis)
                : (long) Math.min(maxMillis, initialMillis * Math.pow(multiplier, level));
        if (level == 0) {
            inARowSince = now;
        }
        level++;
        until = now + pause;
        saidUntil = until;
        announcedEnd = false;
        this.reason = reason;
        started++;
        // a Retry-After beyond the cap (days, a year) is said with the pause taken, not as if it were waited
        String asked = askedMillis < 0 ? "" : askedMillis <= maxMillis ? ", as long as the source asks (Retry-After)"
                : ", the source asks for " + StatusLine.asked(askedMillis)
                        + " (Retry-After); avqa.cooldown.max is the longest";
        LOG.warn("Cool-down: every worker pauses for {} s ({}{}; cool-down {} in a row)", String.format("%.1f", pause / 1000.0),
                reason, asked, level);
        if (kind == VideoFailure.Signal.RATE_LIMIT && throttle != null) {
            throttle.rateLimited();
        }
    }

    /** A download that went through. */
    public synchronized void success() {
        botChecksInARow = 0;
        unresolvedInARow = 0;
        if (level > 0 && ++successes >= resetAfter) {
            level = 0;
            successes = 0;
        }
    }

    /** Waits while a cool-down is on; throws {@link RunStoppedException} if the run stops meanwhile. */
    public void await() throws InterruptedException {
        while (true) {
            run.checkRunning();
            long wait;
            synchronized (this) {
                wait = until - System.currentTimeMillis();
                if (wait <= 0) {
                    if (!announcedEnd) {
                        announcedEnd = true;
                        LOG.info("Cool-down over: downloads resume");
                    }
                    return;
                }
            }
            Thread.sleep(Math.min(wait, 500));
        }
    }

    /** Whether no cool-down is on now (a start that got its turn during one takes a new turn after it). */
    public synchronized boolean over() {
        return System.currentTimeMillis() >= until;
    }

    /** Milliseconds left of the current cool-down (0 when none), for status lines. */
    public synchronized long remainingMillis() {
        return Math.max(0, until - System.currentTimeMillis());
    }

    /**
     * Milliseconds since the first of the cool-downs in a row began, while one of them is on (0 when none is): how
     * long the source has held the downloads back.
     */
    public synchronized long heldBackMillis() {
        long now = System.currentTimeMillis();
        return now < until && level > 0 ? now - inARowSince : 0;
    }

    /** Why the current (or last) cool-down started, in the words of its log line. */
    public synchronized String reason() {
        return reason;
    }

    /** How many cool-downs this process started. */
    public synchronized long startedCount() {
        return started;
    }
}
