import { describe, expect, it } from "vitest";
import { failingRow, missingReasons, reviewForm, stageOf } from "./reviewForm";

const rows = [
  { task_id: "t1", candidate_id: "c1", candidate_name: "甲" },
  { task_id: "t2", candidate_id: "c2", candidate_name: "乙" },
];

describe("review list form", () => {
  it("names the stage from the task title", () => {
    expect(stageOf("区县初审")).toBe("初审");
    expect(stageOf("市级复审")).toBe("复审");
    expect(stageOf("核对材料")).toBe("审核");
  });
  it("defaults to 通过 and keeps reasons of 不通过", () => {
    const form = reviewForm(rows, { c2: { decision: "不通过", reason: " 材料不全 " } }, "初审", "渝中区", "2026-07-01");
    expect(form.decisions).toEqual([
      { candidate_id: "c1", candidate_name: "甲", decision: "通过" },
      { candidate_id: "c2", candidate_name: "乙", decision: "不通过", reason: "材料不全" },
    ]);
  });
  it("finds rows 不通过 without a reason", () => {
    expect(missingReasons(rows, { c1: { decision: "不通过", reason: "  " } }).map((r) => r.candidate_name)).toEqual(["甲"]);
  });
  it("finds the failing row from field paths or the detail", () => {
    expect(failingRow({ errors: { "decisions[1].reason": "必填" } })).toBe(1);
    expect(failingRow({ errors: { "decisions.0.decision": "x" } })).toBe(0);
    expect(failingRow({ detail: "第 3 项：无权审核" })).toBe(2);
    expect(failingRow({ detail: "其他" })).toBeNull();
  });
});
