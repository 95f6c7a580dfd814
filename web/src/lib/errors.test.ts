import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { describeError, labelOf, splitPath, toErrorSchema } from "./errors";

const schema = {
  type: "object",
  properties: {
    candidate_name: { type: "string", title: "推荐对象名称" },
    opinion: { type: "object", title: "部门意见", properties: { comment: { type: "string", title: "意见" } } },
    members: { type: "array", items: { type: "object", properties: { name: { type: "string", title: "姓名" } } } },
  },
} as const;

describe("server field errors", () => {
  it("splits dotted, slashed and indexed paths", () => {
    expect(splitPath("opinion.comment")).toEqual(["opinion", "comment"]);
    expect(splitPath("/members/0/name")).toEqual(["members", "0", "name"]);
    expect(splitPath("members[2].name")).toEqual(["members", "2", "name"]);
  });
  it("finds the field's label", () => {
    expect(labelOf(schema as never, ["opinion", "comment"])).toBe("意见");
    expect(labelOf(schema as never, ["unknown"])).toBeUndefined();
  });
  it("places each message at its field with the label", () => {
    const result = toErrorSchema({ candidate_name: "不能为空", "opinion.comment": "必填" }, schema as never) as never as {
      candidate_name: { __errors: string[] };
      opinion: { comment: { __errors: string[] } };
    };
    expect(result.candidate_name.__errors).toEqual(["推荐对象名称：不能为空"]);
    expect(result.opinion.comment.__errors).toEqual(["意见：必填"]);
  });
  it("does not repeat a label the message already names", () => {
    const result = toErrorSchema({ candidate_name: "推荐对象名称不能为空" }, schema as never) as never as {
      candidate_name: { __errors: string[] };
    };
    expect(result.candidate_name.__errors).toEqual(["推荐对象名称不能为空"]);
  });
});

describe("describeError", () => {
  it("explains a conflict and promises the input is kept", () => {
    const text = describeError(new ApiError({ status: 409, detail: "实例版本已变化" }));
    expect(text).toContain("实例版本已变化");
    expect(text).toContain("内容会保留");
  });
  it("hides server internals behind a plain sentence", () => {
    expect(describeError(new ApiError({ status: 500, detail: "Traceback" }))).toBe("服务器出错，请稍后重试");
  });
});
