export { ALLOWED_EXTENSIONS, ALLOWED_EXTENSIONS_TEXT, EXTENSION_KINDS, kindFromExtension } from "./detect-kind";
export { MAX_FILE_NAME_LENGTH, fileExtension, sanitizeFileName } from "./file-name";
export {
  validateUploadedFile,
  type UploadLimits,
  type ValidateUploadedFileOptions,
  type ValidatedFile,
} from "./validate-file";
