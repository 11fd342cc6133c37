import { describe, expect, it } from "vitest";
import { probeFound } from "@/lib/vector-store/chroma-vector-store";

describe("probeFound", () => {
  it("is found when its id is among the neighbours, wherever it ranks", () => {
    expect(probeFound({ id: "d:0:0", neighbours: ["d:0:0", "d:1:0"], distances: [0, 0.4], asked: 10 })).toBe(true);
    expect(probeFound({ id: "d:1:0", neighbours: ["e:3:0", "d:1:0"], distances: [0, 0], asked: 10 })).toBe(true);
  });

  it("is lost when search returns other vectors and not it", () => {
    expect(probeFound({ id: "d:0:0", neighbours: ["d:1:0", "d:2:0"], distances: [0.3, 0.5], asked: 10 })).toBe(false);
    expect(probeFound({ id: "d:0:0", neighbours: [], distances: [], asked: 10 })).toBe(false);
    // A full answer of near (not identical) neighbours without it is still a loss.
    expect(probeFound({ id: "d:0:0", neighbours: Array.from({ length: 10 }, (_, index) => `e:${index}:0`), distances: Array.from({ length: 10 }, () => 0.01), asked: 10 })).toBe(
      false,
    );
  });

  it("gives the benefit of the doubt when every neighbour asked for is an identical copy", () => {
    const copies = Array.from({ length: 10 }, (_, index) => `copy:${index}:0`);
    expect(probeFound({ id: "copy:11:0", neighbours: copies, distances: copies.map(() => 0), asked: 10 })).toBe(true);
  });
});
