import { describe, expect, it } from "vitest";
import { AppError, ERROR_STATUS, type ErrorCode, isAppError, isErrorCode, toErrorBody } from "@/lib/errors";

const INTERNAL_MESSAGE = "Something went wrong on the server. The details are in the server log.";

describe("toErrorBody", () => {
  it("returns an AppError's status, code and message", () => {
    const error = new AppError("document.not_found", "No document has this id.");
    expect(toErrorBody(error)).toEqual({
      status: 404,
      body: { error: { code: "document.not_found", message: "No document has this id." } },
    });
  });

  it("includes an AppError's details when it has some", () => {
    const error = new AppError("upload.too_large", "The file is larger than 50 MB.", { details: { maxBytes: 52_428_800 } });
    expect(toErrorBody(error)).toEqual({
      status: 413,
      body: { error: { code: "upload.too_large", message: "The file is larger than 50 MB.", details: { maxBytes: 52_428_800 } } },
    });
  });

  it("never exposes an AppError's cause", () => {
    const error = new AppError("embedding.failed", "The embedding service failed.", { cause: new Error("401 sk-secret-key rejected") });
    expect(error.cause).toBeInstanceOf(Error);
    expect(JSON.stringify(toErrorBody(error))).not.toContain("sk-secret-key");
  });

  it.each(Object.entries(ERROR_STATUS))("maps %s to HTTP %i", (code, status) => {
    const error = new AppError(code as ErrorCode, "message");
    expect(error.status).toBe(status);
    expect(toErrorBody(error).status).toBe(status);
    expect(toErrorBody(error).body.error.code).toBe(code);
  });

  it("turns a plain Error into a 500 internal.error without leaking its message", () => {
    const error = new Error("SQLITE_BUSY: database is locked at /srv/cited/data/registry.sqlite");
    const result = toErrorBody(error);
    expect(result).toEqual({ status: 500, body: { error: { code: "internal.error", message: INTERNAL_MESSAGE } } });
    const serialised = JSON.stringify(result);
    expect(serialised).not.toContain("SQLITE_BUSY");
    expect(serialised).not.toContain("/srv/cited");
  });

  it.each([
    ["a string", "secret string"],
    ["undefined", undefined],
    ["null", null],
    ["an object", { code: "document.not_found", status: 404, message: "looks like an AppError" }],
    ["a TypeError", new TypeError("Cannot read properties of undefined (reading 'x')")],
  ])("turns %s into a 500 internal.error", (_name, thrown) => {
    expect(toErrorBody(thrown)).toEqual({ status: 500, body: { error: { code: "internal.error", message: INTERNAL_MESSAGE } } });
  });

  it("recognises an AppError from another module copy by its shape", () => {
    const foreign = Object.assign(new Error("Not ready yet."), { name: "AppError", code: "document.not_ready", status: 409 });
    expect(isAppError(foreign)).toBe(true);
    expect(toErrorBody(foreign)).toEqual({ status: 409, body: { error: { code: "document.not_ready", message: "Not ready yet." } } });
  });

  it("does not mistake an Error with a code property for an AppError", () => {
    const nodeError = Object.assign(new Error("ENOENT: no such file, open '/etc/secret'"), { code: "ENOENT" });
    expect(isAppError(nodeError)).toBe(false);
    expect(toErrorBody(nodeError).status).toBe(500);
    expect(JSON.stringify(toErrorBody(nodeError))).not.toContain("/etc/secret");
  });
});

describe("isErrorCode", () => {
  it("knows the table's codes and nothing else, inherited names included", () => {
    expect(isErrorCode("pdf.encrypted")).toBe(true);
    expect(isErrorCode("pdf.unknown")).toBe(false);
    expect(isErrorCode("toString")).toBe(false);
  });
});
