import { describe, expect, it } from "vitest";
import { Semaphore } from "@/lib/async/semaphore";

describe("Semaphore (issue 16: uploads received at once)", () => {
  it("lets `limit` holders in, queues the next ones in order, and refuses beyond the queue", async () => {
    const slots = new Semaphore(2, 1);
    const first = await slots.acquire();
    const second = await slots.acquire();
    const order: string[] = [];
    const third = slots.acquire().then((release) => {
      order.push("third");
      return release;
    });
    await expect(slots.acquire()).rejects.toMatchObject({ code: "upload.busy", status: 503 });
    expect(slots.state).toEqual({ active: 2, waiting: 1 });
    first();
    first();
    const releaseThird = await third;
    expect(order).toEqual(["third"]);
    expect(slots.state).toEqual({ active: 2, waiting: 0 });
    second();
    releaseThird();
    expect(slots.state).toEqual({ active: 0, waiting: 0 });
  });

  it("has no limit at 0", async () => {
    const slots = new Semaphore(0, 0);
    await Promise.all(Array.from({ length: 100 }, () => slots.acquire()));
  });
});
