package dev.lanyard.account;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling under password sign-in: how many password checks per second {@link PasswordHasher}
 * (with its one-hash-per-core limit) does on THREADS threads, with the native Argon2 and with
 * Bouncy Castle's, at Lanyard's parameters. Used by bench/signin.sh; prints one line per encoder:
 * {@code hash-only <name> <checks/s> <ms per check>}.
 *
 * <p>Arguments: threads, warm-up seconds, measured seconds, and {@code native} to skip Bouncy Castle.
 */
public final class HashRate {
    private static final String PASSWORD = "a long benchmark passphrase 42";

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int warmup = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        var nativeArgon2 = NativeArgon2Encoder.load(PasswordHasher.SALT_LENGTH, PasswordHasher.HASH_LENGTH,
                PasswordHasher.PARALLELISM, PasswordHasher.MEMORY_KIB, PasswordHasher.ITERATIONS);
        if (nativeArgon2.isPresent()) report("native", new PasswordHasher(nativeArgon2.get()), threads, warmup, seconds);
        else System.out.println("hash-only native unavailable");
        if (args.length < 4 || !args[3].equals("native"))
            report("bouncycastle", new PasswordHasher(PasswordHasher.pureJava()), threads, warmup, seconds);
    }

    private static void report(String name, PasswordHasher hasher, int threads, int warmup, int seconds) throws Exception {
        String hash = hasher.hash(PASSWORD);
        run(hasher, hash, threads, warmup);
        long nanos = seconds * 1_000_000_000L;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long checks = run(hasher, hash, threads, seconds);
        double cpuMillis = (os.getProcessCpuTime() - cpuBefore) / 1e6;
        double rate = checks / (nanos / 1e9);
        // name, checks/s, wall ms per check per thread, CPU ms per check (the whole process: steadier on a busy machine)
        System.out.printf("hash-only %s %.2f %.2f %.2f%n", name, rate, threads * 1000.0 / rate, cpuMillis / checks);
    }

    /** Checks the password on every thread for {@code seconds}; returns how many checks finished. */
    private static long run(PasswordHasher hasher, String hash, int threads, int seconds) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        CountDownLatch finished = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(() -> {
                while (!stop.get()) {
                    if (!hasher.matches(PASSWORD, "{argon2}" + hash.substring(hash.indexOf('}') + 1))) throw new AssertionError("mismatch");
                    if (!stop.get()) done.increment();
                }
                finished.countDown();
            });
            worker.setDaemon(true);
            worker.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        finished.await();
        return done.sum();
    }
}
