// pdfjs-dist ships no declarations for its worker entry; importing it only registers the worker on globalThis.
declare module "pdfjs-dist/legacy/build/pdf.worker.mjs" {
  export const WorkerMessageHandler: unknown;
}
