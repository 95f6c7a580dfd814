import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Input, Modal, Radio, Select, Space, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { api, ApiError } from "../../api/client";
import type { InboxItem } from "../../api/types";
import { useUser } from "../../auth/session";
import { beijingDate } from "../../lib/dates";
import { describeError } from "../../lib/errors";
import { Failure, Loading } from "../../layout/states";
import { useCampaign, useCampaignTasks, useCandidates, type Dashboard } from "./api";
import { CapsTable } from "./CapsTable";
import { RulesTable, type RuleStatus } from "./RulesTable";
import { failingRow, missingReasons, reviewForm, stageOf, type Choice, type ReviewRow } from "./reviewForm";

const REVIEW_FORM = "common/review_decision.json";

interface Preview {
  checks_caps: boolean;
  approved: number;
  ok: boolean;
  caps: Dashboard["caps"];
  rules: RuleStatus[];
}

export default function BatchReview() {
  const { campaignId = "" } = useParams();
  const user = useUser();
  const campaign = useCampaign(campaignId);
  const tasks = useCampaignTasks(campaignId);
  const candidates = useCandidates(campaignId);
  const client = useQueryClient();
  const { message } = App.useApp();
  const reviewTasks = useMemo(() => (tasks.data?.items ?? []).filter((t) => t.form === REVIEW_FORM), [tasks.data]);
  const steps = [...new Set(reviewTasks.map((t) => t.spec))];
  const [step, setStep] = useState<string | undefined>();
  const current = step ?? steps[0];
  const listed: InboxItem[] = reviewTasks.filter((t) => t.spec === current);
  const facts = new Map((candidates.data?.items ?? []).map((c) => [c.id, c]));
  const rows: ReviewRow[] = listed.map((t) => ({ task_id: t.task_id, candidate_id: t.instance_id, candidate_name: t.business_key ?? "" }));
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [failing, setFailing] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);

  const decisions = rows.map((r) => ({ candidate_id: r.candidate_id, decision: choices[r.candidate_id]?.decision ?? "通过" }));
  const preview = useQuery({
    enabled: rows.length > 0,
    queryKey: ["review-preview", campaignId, decisions],
    queryFn: () => api.post<Preview>(`/api/campaigns/${campaignId}/reviews/preview`, { task_ids: rows.map((r) => r.task_id), decisions }),
    placeholderData: (previous) => previous,
  });

  function choose(id: string, patch: Partial<Choice>) {
    setChoices((all) => ({ ...all, [id]: { ...(all[id] ?? { decision: "通过" }), ...patch } }));
    setFailing(null);
  }

  async function submit(override?: string) {
    setProblem(null);
    setFailing(null);
    const missing = missingReasons(rows, choices);
    if (missing.length) {
      setFailing(rows.indexOf(missing[0]));
      setProblem(`“${missing[0].candidate_name}”审核不通过，须填写理由`);
      return;
    }
    const title = listed[0]?.title ?? "";
    const form = reviewForm(rows, choices, stageOf(title), user.unit ?? user.role_name, beijingDate(new Date()));
    setBusy(true);
    try {
      await api.post(`/api/campaigns/${campaignId}/reviews`, { task_ids: rows.map((r) => r.task_id), form, override_reason: override ?? null });
      message.success(`已提交审核名单（${rows.length} 个推荐对象）`);
      setAsking(false);
      setChoices({});
      client.invalidateQueries();
    } catch (e) {
      if (e instanceof ApiError && (e.problem.code === "rule_breached" || e.problem.code === "ratio_cap_breached")) {
        setAsking(true);
      } else {
        const row = e instanceof ApiError ? failingRow(e.problem) : null;
        setFailing(row);
        setAsking(false);
        setProblem(row !== null && rows[row] ? `第 ${row + 1} 项“${rows[row].candidate_name}”：${describeError(e)}` : describeError(e));
      }
    } finally {
      setBusy(false);
    }
  }

  if (campaign.error || tasks.error) return <Failure error={campaign.error ?? tasks.error} />;
  if (!campaign.data || !tasks.data) return <Loading />;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Card>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          审核名单 · <Link to={`/campaigns/${campaignId}`}>{campaign.data.name}</Link>
        </Typography.Title>
        {steps.length === 0 ? (
          <Alert type="info" showIcon title="您在本活动中暂无待审核的推荐对象" />
        ) : (
          <>
            {steps.length > 1 && (
              <Select value={current} onChange={setStep} style={{ width: 240, marginBottom: 12 }} aria-label="审核环节"
                options={steps.map((s) => ({ value: s, label: reviewTasks.find((t) => t.spec === s)?.title ?? s }))} />
            )}
            {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
            <Table<ReviewRow>
              rowKey="task_id"
              size="small"
              pagination={false}
              dataSource={rows}
              rowClassName={(_, i) => (i === failing ? "row-overdue" : "")}
              columns={[
                { title: "序号", key: "n", width: 60, render: (_, __, i) => i + 1 },
                { title: "推荐对象", dataIndex: "candidate_name" },
                { title: "推荐单位", key: "unit", render: (_, r) => facts.get(r.candidate_id)?.unit ?? "—" },
                { title: "类别", key: "award", render: (_, r) => { const f = facts.get(r.candidate_id); return f ? campaign.data!.award_types[f.award_type] ?? f.award_type : "—"; } },
                { title: "标签", key: "tags", render: (_, r) => (facts.get(r.candidate_id)?.tags ?? []).map((t) => <Tag key={t}>{t}</Tag>) },
                {
                  title: "结论", key: "decision", render: (_, r) => (
                    <Radio.Group
                      aria-label={`${r.candidate_name}的结论`}
                      value={choices[r.candidate_id]?.decision ?? "通过"}
                      onChange={(e) => choose(r.candidate_id, { decision: e.target.value })}
                      options={[{ value: "通过", label: "通过" }, { value: "不通过", label: "不通过" }]}
                    />
                  ),
                },
                {
                  title: "理由", key: "reason", render: (_, r) => choices[r.candidate_id]?.decision === "不通过" && (
                    <Input aria-label={`${r.candidate_name}不通过的理由`} maxLength={500} value={choices[r.candidate_id]?.reason ?? ""}
                      onChange={(e) => choose(r.candidate_id, { reason: e.target.value })} placeholder="不通过的须填写理由" />
                  ),
                },
              ]}
            />
            <Space style={{ marginTop: 12 }}>
              <Button type="primary" loading={busy} onClick={() => void submit()}>提交审核名单（{rows.length} 项）</Button>
              {preview.data && <Typography.Text>拟通过 {preview.data.approved} 人</Typography.Text>}
            </Space>
          </>
        )}
      </Card>
      {rows.length > 0 && (
        <Card title="名额与比例（按当前选择实时计算）" size="small">
          {preview.error ? <Failure error={preview.error} /> : <RulesTable rules={preview.data?.rules ?? []} loading={preview.isFetching && !preview.data} />}
          {(preview.data?.caps ?? []).length > 0 && <CapsTable caps={preview.data?.caps ?? []} />}
          {preview.data && !preview.data.ok && <Alert type="warning" showIcon title="按当前选择有约束性规定超出限制，提交时须填写理由" style={{ marginTop: 8 }} />}
        </Card>
      )}
      <Modal open={asking} title="超出比例限制" okText="填写理由并提交" cancelText="返回修改" confirmLoading={busy}
        okButtonProps={{ disabled: !reason.trim() }} onOk={() => void submit(reason.trim())} onCancel={() => setAsking(false)}>
        <p>按当前名单，以下规定超出限制。如确需通过，请填写理由（记入每个推荐对象的流程记录）：</p>
        <RulesTable rules={(preview.data?.rules ?? []).filter((r) => !r.ok && r.force === "binding")} />
        {(preview.data?.caps ?? []).some((c) => !c.ok) && <CapsTable caps={(preview.data?.caps ?? []).filter((c) => !c.ok)} />}
        <Input.TextArea aria-label="超出比例的理由" rows={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} style={{ marginTop: 8 }} />
      </Modal>
    </Space>
  );
}
