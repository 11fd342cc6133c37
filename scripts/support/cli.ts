/** What the command-line tools (bench, loadtest, eval and the others) share to read flags, wait and exit. */

/** The value after `--name` on the command line, or undefined. */
export function argument(name: string, argv: readonly string[] = process.argv): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** A thrown value's message (or the value itself as text). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a command's `main` and exits with the code it returns (0 when it returns none); a thrown
 * error is printed as `describe` says (by default its message) and exits with 1.
 */
export function runMain(main: () => Promise<number | void>, describe: (error: unknown) => unknown = (error) => (error instanceof Error ? error.message : error)): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      console.error(describe(error));
      process.exit(1);
    },
  );
}
