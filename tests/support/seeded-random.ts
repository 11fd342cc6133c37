export { createSeededRandom } from "@/lib/evaluation/seeded-random";
