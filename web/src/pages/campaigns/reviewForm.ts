// The review list's form (common/review_decision.json) built from the table's choices.
export type Decision = "通过" | "不通过";

export interface Choice {
  decision: Decision;
  reason?: string;
}

export interface ReviewRow {
  task_id: string;
  candidate_id: string;
  candidate_name: string;
}

const STAGES = ["资格审查", "初审", "复审", "审核", "联合评审", "审定"];

/** The review stage a task title names (e.g. 区县初审 → 初审), else 审核. */
export function stageOf(title: string): string {
  return STAGES.find((s) => title.includes(s)) ?? "审核";
}

export function reviewForm(rows: ReviewRow[], choices: Record<string, Choice>, stage: string, unit: string, date: string) {
  return {
    stage,
    reviewing_unit: unit,
    date,
    decisions: rows.map((r) => {
      const c = choices[r.candidate_id] ?? { decision: "通过" };
      const d: Record<string, string> = { candidate_id: r.candidate_id, candidate_name: r.candidate_name, decision: c.decision };
      if (c.reason?.trim()) d.reason = c.reason.trim();
      return d;
    }),
  };
}

/** "decisions[2].reason" / "decisions.2.reason" / "第 3 项" → the row it names (0-based), if any. */
export function failingRow(problem: { errors?: Record<string, string>; detail?: string }): number | null {
  for (const path of Object.keys(problem.errors ?? {})) {
    const m = /decisions[.[/](\d+)/.exec(path);
    if (m) return Number(m[1]);
  }
  const m = /第\s*(\d+)\s*项/.exec(problem.detail ?? "");
  return m ? Number(m[1]) - 1 : null;
}

/** Rows marked 不通过 without a reason: the form requires one. */
export function missingReasons(rows: ReviewRow[], choices: Record<string, Choice>): ReviewRow[] {
  return rows.filter((r) => choices[r.candidate_id]?.decision === "不通过" && !choices[r.candidate_id]?.reason?.trim());
}
