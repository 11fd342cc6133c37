import { describe, expect, it } from "vitest";
import { sweepLostVectors } from "@/lib/maintenance/lost-vectors";
import type { VectorStore } from "@/lib/vector-store/types";

/** A store whose probe finds `lost` and whose rewrite cannot bring back `stuck`. */
function storeWith(options: { lost: string[]; stuck: string[] }) {
  const rewritten: string[][] = [];
  const store = {
    listUnsearchableVectorIds: () => Promise.resolve(options.lost),
    rewriteVectors: (ids: string[]) => {
      rewritten.push(ids);
      return Promise.resolve(ids.filter((id) => options.stuck.includes(id)));
    },
  } as unknown as VectorStore;
  return { store, rewritten };
}

describe("sweepLostVectors", () => {
  it("rewrites the vectors the probe misses and reports what stayed lost", async () => {
    const { store, rewritten } = storeWith({ lost: ["d:0:0", "d:1:0", "e:4:1"], stuck: ["e:4:1"] });
    const sweep = await sweepLostVectors(store);
    expect(rewritten).toEqual([["d:0:0", "d:1:0", "e:4:1"]]);
    expect(sweep).toMatchObject({ lost: 3, rewritten: 2, stillLost: ["e:4:1"] });
  });

  it("writes nothing when every vector is found", async () => {
    const { store, rewritten } = storeWith({ lost: [], stuck: [] });
    expect(await sweepLostVectors(store)).toMatchObject({ lost: 0, rewritten: 0, stillLost: [] });
    expect(rewritten).toEqual([]);
  });
});
