import { describe, expect, it } from "vitest";
import { createDeadline } from "./deadline";

describe("createDeadline", () => {
  it("aborts with a TimeoutError when the time is up", async () => {
    const deadline = createDeadline({ milliseconds: 20, message: "too slow" });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as DOMException).name).toBe("TimeoutError");
    expect((deadline.signal.reason as DOMException).message).toBe("too slow");
  });

  it("fires even when nothing else holds the signal and the garbage collector runs", async () => {
    let aborted = false;
    createDeadline({ milliseconds: 30, message: "too slow" }).signal.addEventListener("abort", () => {
      aborted = true;
    });
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(aborted).toBe(true);
  });

  it("follows the outer signal, with its reason", () => {
    const outer = new AbortController();
    const deadline = createDeadline({ signal: outer.signal, milliseconds: 10_000, message: "too slow" });
    outer.abort(new Error("client left"));
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as Error).message).toBe("client left");
    deadline.dispose();
  });

  it("is aborted at once when the outer signal already is", () => {
    const deadline = createDeadline({ signal: AbortSignal.abort(), milliseconds: 10_000, message: "too slow" });
    expect(deadline.signal.aborted).toBe(true);
    deadline.dispose();
  });

  it("never fires once disposed", async () => {
    const deadline = createDeadline({ milliseconds: 20, message: "too slow" });
    deadline.dispose();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(deadline.signal.aborted).toBe(false);
  });
});
