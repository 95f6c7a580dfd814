// The photo rule as the server enforces it (engine/uploads.py): shown before the upload, checked in the
// browser first so a wrong file is refused at once; the server's check stays the one that counts.
export const PHOTO_RULE = "JPG 格式，大小 50—500 KB";
export const PHOTO_MIN_KB = 50;
export const PHOTO_MAX_KB = 500;

export function photoProblem(file: { name: string; size: number; type: string }): string | null {
  const jpeg = file.type === "image/jpeg" || /\.jpe?g$/i.test(file.name);
  if (!jpeg) return `照片应为 JPG 格式，所选文件“${file.name}”不是`;
  const kb = file.size / 1024;
  if (kb < PHOTO_MIN_KB) return `照片不能小于 ${PHOTO_MIN_KB} KB（所选文件约 ${Math.round(kb)} KB）`;
  if (kb > PHOTO_MAX_KB) return `照片不能大于 ${PHOTO_MAX_KB} KB（所选文件约 ${Math.round(kb)} KB）`;
  return null;
}

/** An object field shaped like the 审批表's photo block gets the upload field. */
export function isPhotoSchema(schema: unknown): boolean {
  const props = (schema as { properties?: Record<string, unknown> } | null)?.properties;
  return !!props && "file_name" in props && "size_kb" in props;
}
