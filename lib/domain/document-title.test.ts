import { describe, expect, it } from "vitest";
import { chooseDocumentTitle, isIdentifierLikeTitle, titleFromFileName } from "@/lib/domain/document-title";

describe("document titles", () => {
  it("reads a title from a file name", () => {
    expect(titleFromFileName("Northwind_Standard_Benefits_Details.pdf")).toBe("Northwind Standard Benefits Details");
  });

  it("recognises identifier-like metadata titles", () => {
    expect(isIdentifierLikeTitle("0000320193-23-000077")).toBe(true);
    expect(isIdentifierLikeTitle("aapl-20230701")).toBe(true);
    expect(isIdentifierLikeTitle("10-Q - 10/28/2022 - Intel Corporation")).toBe(false);
  });

  it("uses the file name when the metadata title is missing or an identifier", () => {
    expect(chooseDocumentTitle({ metadataTitle: undefined, fileName: "2023 Q3 AAPL.pdf" })).toBe("2023 Q3 AAPL");
    expect(chooseDocumentTitle({ metadataTitle: "  ", fileName: "2023 Q3 AAPL.pdf" })).toBe("2023 Q3 AAPL");
    expect(chooseDocumentTitle({ metadataTitle: "0000320193-23-000077", fileName: "2023 Q3 AAPL.pdf" })).toBe("2023 Q3 AAPL");
  });

  it("keeps a wordy metadata title and adds the file name's missing words", () => {
    expect(chooseDocumentTitle({ metadataTitle: "10-Q - 10/28/2022 - Intel Corporation", fileName: "2022 Q3 INTC.pdf" })).toBe(
      "10-Q - 10/28/2022 - Intel Corporation (2022 Q3 INTC)",
    );
    expect(chooseDocumentTitle({ metadataTitle: "Employee Handbook", fileName: "employee_handbook.pdf" })).toBe("Employee Handbook");
  });
});
