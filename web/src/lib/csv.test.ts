import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("starts with a BOM and quotes cells that need it", () => {
    const text = toCsv(["名称", "说明"], [["张三", '说"好",行'], ["李四", null]]);
    expect(text.startsWith("\uFEFF名称,说明\r\n")).toBe(true);
    expect(text).toContain('张三,"说""好"",行"\r\n');
    expect(text).toContain("李四,\r\n");
  });
});
