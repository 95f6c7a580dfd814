import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { isPhotoSchema } from "./photo";

/** The server's UI schema plus the photo field wherever the schema has a photo-shaped block. */
export function withPhotoFields(schema: RJSFSchema, ui: UiSchema = {}): UiSchema {
  const out: UiSchema = { ...ui };
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (typeof child !== "object" || child === null) continue;
    const childUi = (ui[key] as UiSchema | undefined) ?? {};
    if (isPhotoSchema(child)) out[key] = { ...childUi, "ui:field": "photo" };
    else if ((child as RJSFSchema).type === "object") out[key] = withPhotoFields(child as RJSFSchema, childUi);
  }
  return out;
}

/** rjsf cannot resolve a $ref to a file that is not inside the schema; say so instead of failing. */
export function hasExternalRef(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(hasExternalRef);
  if (schema && typeof schema === "object") {
    for (const [key, value] of Object.entries(schema)) {
      if (key === "$ref" && typeof value === "string" && !value.startsWith("#")) return true;
      if (hasExternalRef(value)) return true;
    }
  }
  return false;
}

/** A copy with every external $ref replaced by an unconstrained schema (its title kept), so the form
 * still renders; the server, which resolves the references, stays the judge at submit. */
export function stripExternalRefs<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(stripExternalRefs) as T;
  if (schema && typeof schema === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === "$ref" && typeof value === "string" && !value.startsWith("#")) continue;
      out[key] = stripExternalRefs(value);
    }
    return out as T;
  }
  return schema;
}
