/**
 * A least-recently-used map from a text to its vector, bounded in entries. Vectors are kept as
 * float32, which is what the local model computes, so a cached vector is exactly the one embedded
 * and takes half the memory of a number array.
 */
export class VectorCache {
  private readonly entries = new Map<string, Float32Array>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The vector of `text`, if cached (a fresh copy the caller may keep). */
  get(text: string): number[] | undefined {
    const vector = this.entries.get(text);
    if (!vector) return undefined;
    // Refresh its place in the least-recently-used order.
    this.entries.delete(text);
    this.entries.set(text, vector);
    return Array.from(vector);
  }

  set(text: string, vector: number[]): void {
    this.entries.delete(text);
    this.entries.set(text, Float32Array.from(vector));
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
