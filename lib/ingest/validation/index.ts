export { ALLOWED_EXTENSIONS, ALLOWED_EXTENSIONS_TEXT, EXTENSION_KINDS, FILE_INPUT_ACCEPT } from "./accepted-files";
export { kindFromExtension } from "./detect-kind";
export { MAX_FILE_NAME_LENGTH, fileExtension, sanitizeFileName } from "./file-name";
export type { UploadLimits } from "./upload-limits";
export { validateUploadedFile, type ValidateUploadedFileOptions, type ValidatedFile } from "./validate-file";
