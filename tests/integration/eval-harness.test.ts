import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvaluationSummary } from "@/lib/evaluation/metrics";
import { buildPdf, paragraphsPage } from "@/tests/support/fixtures/pdf-fixtures";

/**
 * `npm run eval` end to end on a small generated corpus whose answers are known: two PDFs of
 * three pages, one topic per page. Four questions have correct gold pages, one deliberately names
 * a wrong page, two are unanswerable. The harness must report exactly those numbers and exit 1
 * because hit@5 (0.8) is under --min-hit5 0.9.
 */

const projectRoot = path.resolve(import.meta.dirname, "..", "..");

const GARDEN = [
  ["Tomato plants need deep watering twice a week in summer.", "Water the soil, not the leaves, early in the morning."],
  ["Prune roses in late winter just before new growth starts.", "Cut each cane above an outward-facing bud at an angle."],
  ["A compost heap needs a mix of green and brown material.", "Turn the compost every two weeks to keep it aerobic."],
];
const KITCHEN = [
  ["Sourdough bread rises slowly with a wild yeast starter.", "Feed the starter with flour and water every day."],
  ["Sharpen kitchen knives on a whetstone at a fifteen degree angle.", "Hone the edge with a steel before each use."],
  ["Clean the refrigerator coils every six months to save energy.", "Unplug the fridge before vacuuming the coils."],
];

let directory: string;
let exitCode: number | null;
let output = "";
let report: { summary: EvaluationSummary; outcomes: { question: { id: string }; ranked: { documentName: string; page: number | null }[] }[] };

describe("the evaluation harness (npm run eval)", () => {
  beforeAll(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), "cited-eval-test-"));
    const documents = path.join(directory, "docs");
    await fs.mkdir(documents);
    await fs.writeFile(path.join(documents, "garden.pdf"), await buildPdf(GARDEN.map((page) => paragraphsPage([page]))));
    await fs.writeFile(path.join(documents, "kitchen.pdf"), await buildPdf(KITCHEN.map((page) => paragraphsPage([page]))));
    const questions = [
      { id: "roses", question: "When should I prune roses?", gold: [{ file: "garden.pdf", page: 2 }] },
      { id: "tomatoes", question: "How often do tomato plants need watering?", gold: [{ file: "garden.pdf", page: 1 }] },
      { id: "knives", question: "At what angle do I sharpen kitchen knives on a whetstone?", gold: [{ file: "kitchen.pdf", page: 2 }] },
      { id: "coils", question: "How often should the refrigerator coils be cleaned?", gold: [{ file: "kitchen.pdf", page: 3 }] },
      // Deliberately wrong gold: the compost page answers this, not the bread page.
      { id: "wrong-gold", question: "How often should I turn the compost heap?", gold: [{ file: "kitchen.pdf", page: 1 }] },
      { id: "football", question: "Who won the 2018 FIFA World Cup?", gold: [] },
      { id: "capital", question: "What is the capital city of Australia?", gold: [] },
    ];
    const questionsFile = path.join(directory, "questions.jsonl");
    await fs.writeFile(questionsFile, questions.map((question) => JSON.stringify(question)).join("\n") + "\n");
    const jsonFile = path.join(directory, "report.json");
    const child = spawn(
      process.execPath,
      [
        path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs"),
        "--conditions=react-server",
        "--tsconfig",
        "tsconfig.json",
        "scripts/eval.ts",
        "--docs",
        documents,
        "--questions",
        questionsFile,
        "--json",
        jsonFile,
        "--min-hit5",
        "0.9",
      ],
      { cwd: projectRoot, env: { ...process.env, DATA_DIR: path.join(directory, "must-not-be-used") }, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout.on("data", (data: Buffer) => (output += data.toString()));
    child.stderr.on("data", (data: Buffer) => (output += data.toString()));
    exitCode = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    report = JSON.parse(await fs.readFile(jsonFile, "utf8")) as typeof report;
  });

  afterAll(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  it("prints the table and fails the --min-hit5 gate with exit code 1", () => {
    expect(output).toMatch(/\| hit@5 \(page\)\s+\| 0\.80 \|/);
    expect(output).toMatch(/unanswerable → no relevant sources\s+\| 100\.0 % of 2/);
    expect(output).toContain("FAIL: hit@5 0.800 is below --min-hit5 0.9");
    expect(exitCode).toBe(1);
  });

  it("computes the known metrics", () => {
    const { summary } = report;
    expect(summary).toMatchObject({ level: "page", topK: 5, answerable: 5, unanswerable: 2, answersOverCitationLimit: 0 });
    expect(summary.hitAt1).toBeCloseTo(0.8, 10);
    expect(summary.hitAtK).toBeCloseTo(0.8, 10);
    expect(summary.mrrAt10).toBeCloseTo(0.8, 10);
    expect(summary.unanswerableRejected).toBe(1);
    expect(summary.pagesPerResult).toBe(1);
    expect(summary.citationMatch).toBeCloseTo(0.8, 10);
    expect(summary.latencyP95).toBeGreaterThan(0);
  });

  it("attributes each answer to its exact page and never touches the caller's DATA_DIR", async () => {
    const byId = new Map(report.outcomes.map((outcome) => [outcome.question.id, outcome]));
    expect(byId.get("roses")?.ranked[0]).toMatchObject({ documentName: "garden.pdf", page: 2 });
    expect(byId.get("wrong-gold")?.ranked[0]).toMatchObject({ documentName: "garden.pdf", page: 3 });
    await expect(fs.access(path.join(directory, "must-not-be-used"))).rejects.toThrow();
  });
});
