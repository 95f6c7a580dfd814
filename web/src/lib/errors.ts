// Server field errors ("opinion.comment" → "不能为空", or "items[2].name") placed where rjsf shows
// them, each prefixed with the field's label from the schema.
import type { ErrorSchema, RJSFSchema } from "@rjsf/utils";
import { ApiError } from "../api/client";

export function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(/[./]/)
    .filter((part) => part !== "" && part !== "$" && part !== "data");
}

export function labelOf(schema: RJSFSchema | undefined, parts: string[]): string | undefined {
  let node: RJSFSchema | undefined = schema;
  let label: string | undefined;
  for (const part of parts) {
    if (!node || typeof node !== "object") return label;
    if (node.type === "array" || node.items) {
      node = (Array.isArray(node.items) ? node.items[0] : node.items) as RJSFSchema | undefined;
      if (/^\d+$/.test(part)) {
        label = `${label ?? ""}第 ${Number(part) + 1} 项`;
        continue;
      }
    }
    node = node?.properties?.[part] as RJSFSchema | undefined;
    if (node && typeof node === "object" && node.title) label = node.title;
  }
  return label;
}

export function toErrorSchema(errors: Record<string, string>, schema?: RJSFSchema): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const [path, message] of Object.entries(errors)) {
    const parts = splitPath(path);
    const label = labelOf(schema, parts);
    const text = label && !message.includes(label) ? `${label}：${message}` : message;
    let node = root;
    for (const part of parts) {
      node[part] = (node[part] as Record<string, unknown>) ?? {};
      node = node[part] as Record<string, unknown>;
    }
    const list = (node.__errors as string[]) ?? [];
    node.__errors = [...list, text];
  }
  return root as ErrorSchema;
}

/** One sentence for a person, whatever went wrong. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const p = error.problem;
    if (p.status === 409) return `${p.detail ?? "数据已被他人修改"}。请重新加载后再提交，您填写的内容会保留。`;
    if (p.status === 403) return p.detail ?? "您无权执行此操作";
    if (p.status === 0) return p.detail ?? "无法连接服务器";
    if (p.status >= 500) return "服务器出错，请稍后重试";
    return p.detail ?? p.title ?? `请求失败（${p.status}）`;
  }
  return error instanceof Error ? error.message : "发生未知错误";
}
