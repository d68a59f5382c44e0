/**
 * Time, injected. Everything outside sim/ and net/ takes a `Clock` instead of reading the wall clock or
 * setting timers, so that the same code runs in real time and in the simulator's virtual time.
 */
export interface Clock {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

/** The machine's monotonic clock. */
export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms).unref();
    }),
};
