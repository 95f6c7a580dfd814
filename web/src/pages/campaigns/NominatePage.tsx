import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, Radio, Select, Typography } from "antd";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, ApiError } from "../../api/client";
import { useUser } from "../../auth/session";
import { describeError } from "../../lib/errors";
import { Failure, Loading } from "../../layout/states";
import { useCampaign, useDashboard } from "./api";

interface Values {
  award_type: string;
  candidate_type: string;
  name: string;
  tags: string[];
}

/** A unit's staff nominate a candidate; the quota left for the chosen award type is shown first. */
export default function NominatePage() {
  const { campaignId = "" } = useParams();
  const user = useUser();
  const campaign = useCampaign(campaignId);
  const dashboard = useDashboard(campaignId);
  const [form] = Form.useForm<Values>();
  const awardType = Form.useWatch("award_type", form);
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigate();
  const client = useQueryClient();
  const { message } = App.useApp();
  if (campaign.error) return <Failure error={campaign.error} />;
  if (!campaign.data) return <Loading />;
  const c = campaign.data;
  const quota = (dashboard.data?.quotas ?? []).find((q) => q.unit === user.unit && q.award_type === awardType);
  const left = quota ? quota.limit - quota.used : null;

  async function nominate(values: Values) {
    setError(null);
    try {
      const view = await api.post<{ ready_tasks: { task_id: string }[] }>(`/api/campaigns/${campaignId}/candidates`, { ...values, tags: values.tags ?? [] });
      message.success(`已推荐“${values.name}”，请填写推荐审批表`);
      client.invalidateQueries();
      const next = view.ready_tasks[0];
      navigate(next ? `/tasks/${next.task_id}` : "/");
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors) {
        form.setFields(Object.entries(e.problem.errors).filter(([k]) => k !== "unit").map(([name, msg]) => ({ name: name as keyof Values, errors: [msg] })));
      }
      setError(describeError(e));
    }
  }

  return (
    <Card style={{ maxWidth: 720 }}>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        推荐 · <Link to={`/campaigns/${campaignId}`}>{c.name}</Link>
      </Typography.Title>
      <Typography.Paragraph>推荐单位：{user.unit ?? "（系统管理员须在接口中指定单位）"}</Typography.Paragraph>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={nominate} initialValues={{ tags: [] }}>
        <Form.Item label="推荐类别" name="award_type" rules={[{ required: true, message: "请选择推荐类别" }]}>
          <Radio.Group options={Object.entries(c.award_types).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        {awardType && (
          <Alert
            type={left !== null && left <= 0 ? "error" : "info"}
            showIcon
            style={{ marginBottom: 16 }}
            title={quota ? `本单位${c.award_types[awardType]}名额 ${quota.limit} 个，已用 ${quota.used} 个，还可推荐 ${Math.max(0, left!)} 个` : "本单位该类别没有单列名额，提交时按总名额核对"}
          />
        )}
        <Form.Item label="推荐对象名称或姓名" name="name" rules={[{ required: true, whitespace: true, message: "请填写推荐对象名称或姓名" }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label="对象类型" name="candidate_type" rules={[{ required: true, message: "请选择对象类型" }]}>
          <Select options={c.candidate_types.map((t) => ({ value: t, label: t }))} placeholder="决定征求哪些部门的意见" />
        </Form.Item>
        <Form.Item label="标签（计入比例限制）" name="tags">
          <Select mode="multiple" allowClear options={c.tags.map((t) => ({ value: t, label: t }))} placeholder="如处级干部、企业负责人" />
        </Form.Item>
        <Button type="primary" htmlType="submit" disabled={left !== null && left <= 0}>推荐</Button>
      </Form>
    </Card>
  );
}
