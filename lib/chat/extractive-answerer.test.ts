import { describe, expect, it } from "vitest";
import {
  DISTINGUISHING_WEIGHT,
  EXTRACTIVE_NOTE,
  MINIMUM_SENTENCE_SCORE,
  SPECIFICITY_WEIGHT,
  STATED_NUMBER_BONUS,
  asksForQuantity,
  renderExtractiveAnswer,
  selectAnswerSentences,
  streamAnswerSentences,
} from "@/lib/chat/extractive-answerer";
import { isQuotable, quotableUnits } from "@/lib/chat/quotable-units";
import type { ChatSourceData } from "@/lib/contracts/chat-message";

/** Normalised bag-of-words vectors over a vocabulary grown as texts arrive: cosine = word overlap. */
function bagOfWordsEmbedder() {
  const vocabulary = new Map<string, number>();
  const calls: string[][] = [];
  const words = (text: string) =>
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
  const embed = (texts: string[]): Promise<number[][]> => {
    calls.push(texts);
    for (const text of texts) for (const word of words(text)) if (!vocabulary.has(word)) vocabulary.set(word, vocabulary.size);
    return Promise.resolve(
      texts.map((text) => {
        const vector = new Array<number>(vocabulary.size).fill(0);
        for (const word of words(text)) {
          const position = vocabulary.get(word) ?? 0;
          vector[position] = (vector[position] ?? 0) + 1;
        }
        const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
        return vector.map((value) => value / norm);
      }),
    );
  };
  return { embed, calls };
}

function source(index: number, text: string): ChatSourceData {
  return { index, documentId: `doc-${index}`, documentName: `doc-${index}.pdf`, chunkId: `doc-${index}:0`, page: 1, pageStart: 1, pageEnd: 1, section: null, text };
}

const VACATION = "Every employee receives twenty-eight days of paid vacation per year.";

describe("selectAnswerSentences", () => {
  it("picks the sentences that answer the question and leaves out unrelated ones", async () => {
    const { embed } = bagOfWordsEmbedder();
    const sentences = await selectAnswerSentences({
      question: "How many days of paid vacation does every employee receive?",
      sources: [source(1, `The cafeteria opens at eight in the morning. ${VACATION} Parking permits are issued by the facilities team.`)],
      embed,
    });
    expect(sentences.map((sentence) => sentence.text)).toEqual([VACATION]);
    expect(sentences[0]).toMatchObject({ sourceIndex: 1, start: "The cafeteria opens at eight in the morning. ".length });
    expect(sentences[0]?.score).toBeGreaterThan(0);
  });

  it("skips questions, headings, fragments and near-duplicates", async () => {
    const { embed } = bagOfWordsEmbedder();
    const sentences = await selectAnswerSentences({
      question: "How many days of paid vacation does every employee receive?",
      sources: [
        source(1, `Paid vacation days\n\nHow many days of paid vacation does every employee receive?\n\n${VACATION}\n\nVacation days\n\n`),
        source(2, `${VACATION}  Unused paid vacation days of every employee expire in March.`),
      ],
      embed,
    });
    const texts = sentences.map((sentence) => sentence.text);
    expect(texts.filter((text) => text === VACATION)).toHaveLength(1);
    // The copy in the better-ranked source is the one quoted.
    expect(sentences.find((sentence) => sentence.text === VACATION)?.sourceIndex).toBe(1);
    expect(texts.some((text) => text.endsWith("?"))).toBe(false);
    expect(texts).not.toContain("Paid vacation days");
    expect(texts).not.toContain("Vacation days");
  });

  it("prefers a sentence stating a number when the question asks for an amount, and only then", async () => {
    const restatement = "You may have to pay a copay for some services of the Plus plan.";
    const amounts = "The copay for primary care visits is $20, and specialist visits cost $50.";
    const pick = async (question: string) => {
      const { embed } = bagOfWordsEmbedder();
      const sentences = await selectAnswerSentences({ question, sources: [source(1, `${restatement} ${amounts}`)], embed, maximumSentences: 1 });
      return sentences.map((sentence) => sentence.text);
    };
    // The restatement shares more words with both questions; the amount question wants the amounts.
    expect(await pick("What is the copay amount for the Plus plan?")).toEqual([amounts]);
    expect(await pick("Who pays a copay for the Plus plan services?")).toEqual([restatement]);
    expect(STATED_NUMBER_BONUS).toBeGreaterThan(0);
  });

  it("prefers the specific sentence to filler made of the library's common words, when it knows them", async () => {
    const filler = "If you have questions about what hearing care services are covered by the plan, please contact us.";
    const specific = "Hearing care services covered by the plan include hearing tests and cochlear implants.";
    const common = new Set(["questions", "please", "contact", "about", "have"]);
    const pick = async (wordRarity?: (word: string) => number) => {
      const { embed } = bagOfWordsEmbedder();
      const sentences = await selectAnswerSentences({
        question: "What hearing care services are covered by the plan?",
        sources: [source(1, `${filler} ${specific}`)],
        embed,
        maximumSentences: 1,
        ...(wordRarity ? { wordRarity } : {}),
      });
      return sentences.map((sentence) => sentence.text);
    };
    expect(await pick()).toEqual([filler]);
    expect(await pick((word) => (common.has(word) ? 0 : 1))).toEqual([specific]);
    expect(SPECIFICITY_WEIGHT).toBeGreaterThan(0);
  });

  it("prefers the sentence holding the question's rare words to one holding its common ones", async () => {
    // Both sentences share four question words; only one holds the rare ones.
    const general = "The Northwind Standard plan covers many services for employees.";
    const specific = "Specialty drugs are covered by the Northwind Standard plan.";
    const rarity = (word: string) => (["specialty", "drugs"].includes(word) ? 1 : 0.05);
    const pick = async (wordRarity: (word: string) => number) => {
      const { embed } = bagOfWordsEmbedder();
      const sentences = await selectAnswerSentences({
        question: "Which Northwind plan covers specialty drugs for employees?",
        sources: [source(1, `${general} ${specific}`)],
        embed,
        maximumSentences: 1,
        wordRarity,
      });
      return sentences.map((sentence) => sentence.text);
    };
    expect(await pick(rarity)).toEqual([specific]);
    expect(DISTINGUISHING_WEIGHT).toBeGreaterThan(0);
  });

  it("never quotes a sentence for its rare words or numbers alone", async () => {
    const { embed } = bagOfWordsEmbedder();
    const sentences = await selectAnswerSentences({
      question: "How much does the gym membership reimbursement pay?",
      sources: [source(1, "Zebrafish, quasars and 42 nebulae were catalogued in 1998.")],
      embed,
      wordRarity: () => 1,
    });
    expect(sentences).toEqual([]);
  });

  it("tells questions asking for a quantity, a time or a date from others", () => {
    for (const question of [
      "How much is the deductible?",
      "what is copay for Northwind Health Plus?",
      "How many vacation days do I get?",
      "What was Apple's revenue in Q3?",
      "When is the enrollment deadline?",
      "What percentage is covered?",
    ]) {
      expect(asksForQuantity(question), question).toBe(true);
    }
    for (const question of [
      "Who approves expense reports?",
      "What does a product manager do?",
      "Is acupuncture covered?",
      "How are benefits coordinated when using an in-network provider?",
    ]) {
      expect(asksForQuantity(question), question).toBe(false);
    }
  });

  it("returns the sentences in reading order: by source, then by position", async () => {
    const { embed } = bagOfWordsEmbedder();
    const question = "dental coverage for employees and families";
    const sentences = await selectAnswerSentences({
      question,
      sources: [
        source(1, "Dental coverage starts for employees after three months. The dental coverage for employees and families is identical in every country."),
        source(2, "Dental coverage for employees and families includes two cleanings."),
      ],
      embed,
      maximumSentences: 5,
    });
    expect(sentences.length).toBeGreaterThanOrEqual(3);
    const order = sentences.map((sentence) => [sentence.sourceIndex, sentence.start]);
    const sorted = [...order].sort((left, right) => (left[0] ?? 0) - (right[0] ?? 0) || (left[1] ?? 0) - (right[1] ?? 0));
    expect(order).toEqual(sorted);
    // Not simply the score order: the best sentence is not the first one quoted.
    const byScore = [...sentences].sort((left, right) => right.score - left.score);
    expect(byScore[0]).not.toBe(sentences[0]);
  });

  it("quotes the best sentence of every source before a second sentence of any", async () => {
    const { embed } = bagOfWordsEmbedder();
    const sentences = await selectAnswerSentences({
      question: "How many days of paid vacation does every employee receive per year?",
      sources: [
        source(1, `${VACATION} Every employee also receives paid vacation days per year in proportion to their hours.`),
        source(2, "Paid vacation days are booked by every employee in the portal."),
      ],
      embed,
      maximumSentences: 2,
    });
    // Without the per-source pass, the second sentence of source 1 outranks source 2's only one.
    expect(sentences.map((sentence) => sentence.sourceIndex)).toEqual([1, 2]);
    expect(sentences[0]?.text).toBe(VACATION);
  });

  it("quotes at most maximumSentences", async () => {
    const { embed } = bagOfWordsEmbedder();
    const text = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh"].map((word) => `The ${word} dental benefit covers employees fully.`).join(" ");
    const question = "Which dental benefit covers employees?";
    expect(await selectAnswerSentences({ question, sources: [source(1, text)], embed, maximumSentences: 2 })).toHaveLength(2);
    const byDefault = await selectAnswerSentences({ question, sources: [source(1, text)], embed });
    expect(byDefault.length).toBeGreaterThan(2);
    expect(byDefault.length).toBeLessThanOrEqual(5);
  });

  it("embeds the question first, with all candidates in one call", async () => {
    const { embed, calls } = bagOfWordsEmbedder();
    await selectAnswerSentences({ question: "paid vacation", sources: [source(1, `${VACATION} Unused paid vacation days expire in March.`)], embed });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[0]).toBe("paid vacation");
    expect(calls[0]).toHaveLength(3);
  });

  it("returns nothing, without embedding, when no sentence is quotable", async () => {
    const { embed, calls } = bagOfWordsEmbedder();
    expect(await selectAnswerSentences({ question: "vacation", sources: [source(1, "Vacation\n\nHow many days?\n\n")], embed })).toEqual([]);
    expect(calls).toHaveLength(0);
  });
});

describe("streamAnswerSentences", () => {
  const sources = [1, 2, 3, 4, 5].map((index) =>
    source(index, `Source ${index} says employees receive twenty-eight days of paid vacation. Source ${index} also covers paid vacation requests.`),
  );
  const question = "How many days of paid vacation do employees receive?";

  it("sends the first source's quote before the sources after the next one are embedded", async () => {
    const { embed, calls } = bagOfWordsEmbedder();
    const stream = streamAnswerSentences({ question, sources, embed });
    const first = await stream.next();
    expect(first.value).toMatchObject({ sourceIndex: 1 });
    // The question and the first source, then at most the next source, prepared while quoting.
    expect(calls[0]?.[0]).toBe(question);
    expect(calls.flat().some((text) => text.startsWith("Source 3"))).toBe(false);
    const rest: number[] = [];
    for await (const sentence of stream) rest.push(sentence.sourceIndex);
    expect(rest).toEqual([2, 3, 4, 5]);
  });

  it("gives a source's unused share to the sources after it", async () => {
    const { embed } = bagOfWordsEmbedder();
    const sentences = await selectAnswerSentences({
      question,
      sources: [source(1, "The cafeteria menu changes every week for all staff members."), source(2, `${VACATION} Employees receive paid vacation days for each year of service.`)],
      embed,
      maximumSentences: 2,
    });
    expect(sentences.map((sentence) => sentence.sourceIndex)).toEqual([2, 2]);
  });

  it("stops embedding once the reader stops reading", async () => {
    const { embed, calls } = bagOfWordsEmbedder();
    for await (const sentence of streamAnswerSentences({ question, sources, embed })) {
      expect(sentence.sourceIndex).toBe(1);
      break;
    }
    expect(calls.length).toBeLessThanOrEqual(2);
  });
});

describe("minimum sentence score", () => {
  it("answers nothing when the sources passed the search but no sentence is about the question", async () => {
    const { embed } = bagOfWordsEmbedder();
    const sentences = await selectAnswerSentences({
      question: "What was the revenue of the company last quarter?",
      sources: [source(1, "The company sales strategy is set by this individual every year.")],
      embed,
    });
    expect(sentences).toEqual([]);
  });

  it("still quotes a sentence that shares the question's words", async () => {
    const { embed } = bagOfWordsEmbedder();
    const sentences = await selectAnswerSentences({
      question: "What was the revenue of the company last quarter?",
      sources: [source(1, "The revenue of the company last quarter was twelve million dollars.")],
      embed,
    });
    expect(sentences).toHaveLength(1);
    expect(sentences[0]?.score).toBeGreaterThanOrEqual(MINIMUM_SENTENCE_SCORE);
  });
});

describe("quotableUnits", () => {
  it("quotes a lead-in with the list items after it, and keeps the items as units of their own", () => {
    const text =
      "Call first.\n\nThe Northwind Standard plan covers services such as:\n\n- Preventive care services, including physicals and screenings\n\n- Diagnostic tests and treatments\n\n- Mental health services\n\nNorthwind Standard does not cover cosmetic services.";
    const units = quotableUnits(text);
    const lead = units.find((unit) => unit.text.startsWith("The Northwind Standard plan"));
    expect(lead?.text).toBe(
      "The Northwind Standard plan covers services such as: Preventive care services, including physicals and screenings; Diagnostic tests and treatments; Mental health services.",
    );
    expect(lead?.start).toBe(text.indexOf("The Northwind Standard plan"));
    expect(isQuotable(lead?.text ?? "")).toBe(true);
    expect(units.map((unit) => unit.text)).toContain("- Diagnostic tests and treatments");
    expect(units.at(-1)?.text).toBe("Northwind Standard does not cover cosmetic services.");
  });

  it("leaves a lead-in whose list is cut off unquotable, and never cuts an item to fit", () => {
    expect(quotableUnits("Covered services include:").map((unit) => isQuotable(unit.text))).toEqual([false]);
    const long = `Covered:\n- ${"a".repeat(300)}\n- ${"b".repeat(400)}`;
    expect(quotableUnits(long)[0]?.text).toBe(`Covered: ${"a".repeat(300)}.`);
  });

  it("prefers a lead-in with its list when the question asks what the list answers", async () => {
    const text = "Plans differ.\n\nThe Standard plan covers services such as:\n\n- Specialty drugs\n\n- Mental health services\n\nThe Plus plan has a lower deductible.";
    const { embed } = bagOfWordsEmbedder();
    const sentences = await selectAnswerSentences({ question: "Which plan covers specialty drugs?", sources: [source(1, text)], embed });
    expect(sentences[0]?.text).toBe("The Standard plan covers services such as: Specialty drugs; Mental health services.");
  });
});

describe("isQuotable", () => {
  it.each([
    ["Employees get twenty days.", true],
    // A lead-in without its list promises what it does not say (quotableUnits joins the list to it).
    ["The plan covers services such as:", false],
    ["A long line of prose without any final punctuation that still reads like a sentence", true],
    // The tail of a sentence cut at a page or chunk boundary.
    ["objectives for Contoso Electronics.", false],
    ["provider must submit a claim for the services rendered to Northwind Health Plus.", false],
    // Names that start in lower case are not fragments.
    ["iPhone net sales rose in the third quarter.", true],
    ["Vacation policy", false],
    ["Table cell value 42", false],
    ["How many days do I get?", false],
    ["Too short.", false],
    [`${"word ".repeat(130)}end.`, false],
  ])("%j → %s", (text, expected) => expect(isQuotable(text)).toBe(expected));
});

describe("the sentences embedded for an answer", () => {
  it("are a shortlist of those sharing the question's words, every source keeping some", async () => {
    const { embed, calls } = bagOfWordsEmbedder();
    const filler = (sourceIndex: number, count: number) =>
      Array.from({ length: count }, (_, index) => `Clause ${sourceIndex}-${index} describes the cafeteria menu for that week.`).join(" ");
    const sources = [1, 2, 3, 4, 5].map((index) =>
      source(index, `${filler(index, 40)} Source ${index} says employees receive twenty-eight days of paid vacation. ${filler(index + 10, 5)}`),
    );
    const sentences = await selectAnswerSentences({ question: "How many days of paid vacation do employees receive?", sources, embed });
    const embedded = calls.flat();
    // 5 × 46 quotable sentences; the question plus at most the shortlist is embedded.
    expect(embedded.length).toBeLessThanOrEqual(61);
    expect(new Set(sentences.map((sentence) => sentence.sourceIndex))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(sentences.every((sentence) => sentence.text.includes("paid vacation"))).toBe(true);
  });
});

describe("renderExtractiveAnswer", () => {
  it("renders one line per sentence with its citation", () => {
    expect(renderExtractiveAnswer([{ text: VACATION, sourceIndex: 2, start: 0, score: 1, relevance: 1 }])).toEqual([`${VACATION} [2]`]);
    expect(EXTRACTIVE_NOTE).toMatch(/no language model is configured/);
  });

  it("drops the document's own reference markers, which would read as citations of other sources", () => {
    const quoted = "Deductibles reset every January [2] and apply per person [3, 4]; see the table [1–3].";
    expect(renderExtractiveAnswer([{ text: quoted, sourceIndex: 1, start: 0, score: 1, relevance: 1 }])).toEqual([
      "Deductibles reset every January and apply per person; see the table. [1]",
    ]);
    // Brackets that are not numeric references stay.
    expect(renderExtractiveAnswer([{ text: "Use form [B] for claims.", sourceIndex: 2, start: 0, score: 1, relevance: 1 }])).toEqual(["Use form [B] for claims. [2]"]);
  });
});
