import { describe, expect, it } from "vitest";
import { hasExternalRef, stripExternalRefs, withPhotoFields } from "./uiSchema";

const photo = { type: "object", title: "照片", properties: { file_name: { type: "string" }, size_kb: { type: "number" } } };

describe("form schema helpers", () => {
  it("gives photo-shaped blocks the upload field, nested ones too", () => {
    const ui = withPhotoFields({ type: "object", properties: { photo, person: { type: "object", properties: { pic: photo } } } } as never, {
      photo: { "ui:order": ["file_name"] },
    });
    expect(ui.photo).toEqual({ "ui:order": ["file_name"], "ui:field": "photo" });
    expect((ui.person as Record<string, unknown>).pic).toEqual({ "ui:field": "photo" });
  });
  it("finds and drops references to other files, keeping local ones and titles", () => {
    const schema = { properties: { date: { $ref: "defs/common.json#/$defs/date", title: "日期" }, x: { $ref: "#/$defs/x" } } };
    expect(hasExternalRef(schema)).toBe(true);
    const stripped = stripExternalRefs(schema);
    expect(stripped).toEqual({ properties: { date: { title: "日期" }, x: { $ref: "#/$defs/x" } } });
    expect(hasExternalRef(stripped)).toBe(false);
  });
});
