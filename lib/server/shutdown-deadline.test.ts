import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { armShutdownDeadline, type SignalSource } from "@/lib/server/shutdown-deadline";

function fakeProcess(): SignalSource & { send: (signal: "SIGINT" | "SIGTERM") => void } {
  const emitter = new EventEmitter();
  return {
    once: (signal, listener) => emitter.once(signal, listener),
    send: (signal) => emitter.emit(signal),
  };
}

describe("armShutdownDeadline", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("exits with 130 once the grace period after SIGINT has passed, and not before", () => {
    const signals = fakeProcess();
    const exit = vi.fn();
    const onExpired = vi.fn();
    armShutdownDeadline({ graceMs: 5_000, signals, exit, onExpired });
    vi.advanceTimersByTime(60_000);
    expect(exit).not.toHaveBeenCalled();
    signals.send("SIGINT");
    vi.advanceTimersByTime(4_999);
    expect(exit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(exit).toHaveBeenCalledExactlyOnceWith(130);
    expect(onExpired).toHaveBeenCalledWith({ signal: "SIGINT", graceMs: 5_000 });
  });

  it("counts from the first signal: a second one neither restarts nor doubles the deadline", () => {
    const signals = fakeProcess();
    const exit = vi.fn();
    armShutdownDeadline({ graceMs: 5_000, signals, exit });
    signals.send("SIGTERM");
    vi.advanceTimersByTime(3_000);
    signals.send("SIGINT");
    vi.advanceTimersByTime(2_000);
    expect(exit).toHaveBeenCalledExactlyOnceWith(143);
    vi.advanceTimersByTime(10_000);
    expect(exit).toHaveBeenCalledTimes(1);
  });
});
