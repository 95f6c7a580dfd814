import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Table, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { api, query } from "../../api/client";
import type { InboxItem } from "../../api/types";
import { useUser } from "../../auth/session";
import { formatDate } from "../../lib/dates";
import { describeError } from "../../lib/errors";
import { Failure, Loading } from "../../layout/states";
import { useCampaign, useCampaignTasks, useCandidates } from "./api";
import { PublicityPrint, type PostedList } from "./PublicityPrint";

const POSTING_FORM = "common/publicity_posting.json";
const LEVELS = ["推荐对象所在单位", "区县", "推荐单位范围", "全区", "全市", "全省", "全国", "门户网站"];

interface Values {
  level: string;
  scope: string;
  channel?: string;
  posted_by: string;
  start_date: Dayjs;
  working_days: number;
  department: string;
  phone: string;
  address?: string;
}

export default function PublicityPage() {
  const { campaignId = "" } = useParams();
  const user = useUser();
  const campaign = useCampaign(campaignId);
  const tasks = useCampaignTasks(campaignId);
  const candidates = useCandidates(campaignId);
  const client = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [selected, setSelected] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [posted, setPosted] = useState<PostedList | null>(null);
  const start = Form.useWatch("start_date", form);
  const days = Form.useWatch("working_days", form);
  const postings = useMemo(() => (tasks.data?.items ?? []).filter((t) => t.form === POSTING_FORM), [tasks.data]);
  const facts = new Map((candidates.data?.items ?? []).map((c) => [c.id, c]));
  const convention = campaign.data?.publicity.convention ?? "posting-day";
  const lastDay = useQuery({
    enabled: !!start && !!days,
    queryKey: ["period-end", start?.format("YYYY-MM-DD"), days, convention],
    queryFn: async () =>
      (await api.get<{ last_day: string }>(`/api/calendar/period-end${query({ start: start!.format("YYYY-MM-DD"), days, convention })}`)).last_day,
  });

  if (campaign.error || tasks.error) return <Failure error={campaign.error ?? tasks.error} />;
  if (!campaign.data || !tasks.data) return <Loading />;
  const c = campaign.data;
  const kind = (id: string) => { const f = facts.get(id); return f ? c.award_types[f.award_type] ?? f.award_type : ""; };

  async function post(values: Values) {
    setError(null);
    const chosen = postings.filter((t) => selected.includes(t.task_id));
    if (!chosen.length) {
      setError("请至少选择一个公示对象");
      return;
    }
    const list = chosen.map((t: InboxItem) => ({ candidate_id: t.instance_id, name: t.business_key ?? "", kind: kind(t.instance_id), unit: facts.get(t.instance_id)?.unit ?? t.unit ?? "" }));
    const objection_contact = { department: values.department, phone: values.phone, ...(values.address ? { address: values.address } : {}) };
    const body = {
      level: values.level, scope: values.scope, posted_by: values.posted_by, start_date: values.start_date.format("YYYY-MM-DD"),
      working_days: values.working_days, candidates: list, objection_contact, ...(values.channel ? { channel: values.channel } : {}),
      ...(lastDay.data ? { end_date: lastDay.data } : {}),
    };
    try {
      await api.post(`/api/campaigns/${campaignId}/publicity`, { task_ids: chosen.map((t) => t.task_id), form: body });
      message.success(`已张贴公示（${list.length} 个推荐对象）`);
      setPosted({ ...body, last_day: lastDay.data ?? null, objection_contact });
      setSelected([]);
      client.invalidateQueries();
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Card className="no-print">
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          张贴公示 · <Link to={`/campaigns/${campaignId}`}>{c.name}</Link>
        </Typography.Title>
        {postings.length === 0 && !posted && <Alert type="info" showIcon title="您在本活动中暂无待张贴公示的推荐对象" />}
        {postings.length > 0 && (
          <>
            <Table<InboxItem>
              rowKey="task_id"
              size="small"
              pagination={false}
              dataSource={postings}
              rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }}
              columns={[
                { title: "推荐对象", dataIndex: "business_key" },
                { title: "类别", key: "kind", render: (_, t) => kind(t.instance_id) || "—" },
                { title: "推荐单位", key: "unit", render: (_, t) => facts.get(t.instance_id)?.unit ?? "—" },
                { title: "环节", dataIndex: "title" },
              ]}
            />
            {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginTop: 12 }} />}
            <Form<Values>
              form={form}
              layout="vertical"
              style={{ marginTop: 16, maxWidth: 720 }}
              onFinish={post}
              initialValues={{ level: LEVELS[0], scope: user.unit ?? "", posted_by: user.unit ?? "", start_date: dayjs(), working_days: c.publicity.days }}
            >
              <Space wrap align="start">
                <Form.Item label="公示范围层级" name="level" rules={[{ required: true, message: "请选择" }]}>
                  <Select style={{ width: 200 }} options={LEVELS.map((l) => ({ value: l, label: l }))} />
                </Form.Item>
                <Form.Item label="公示范围" name="scope" rules={[{ required: true, whitespace: true, message: "请填写公示范围" }]}>
                  <Input style={{ width: 220 }} maxLength={100} />
                </Form.Item>
                <Form.Item label="公示单位" name="posted_by" rules={[{ required: true, whitespace: true, message: "请填写公示单位" }]}>
                  <Input style={{ width: 220 }} maxLength={100} />
                </Form.Item>
              </Space>
              <Form.Item label="公示方式和地点" name="channel">
                <Input maxLength={200} placeholder="如单位公告栏及内网" />
              </Form.Item>
              <Space wrap align="start">
                <Form.Item label="公示开始日期" name="start_date" rules={[{ required: true, message: "请选择开始日期" }]}>
                  <DatePicker format="YYYY年M月D日" disabledDate={(d) => d.isBefore(dayjs().startOf("day"))} />
                </Form.Item>
                <Form.Item label="公示期（工作日）" name="working_days" rules={[{ required: true, type: "number", min: c.publicity.days, message: `公示时间不少于 ${c.publicity.days} 个工作日` }]}>
                  <InputNumber min={1} max={30} />
                </Form.Item>
                <Form.Item label="公示最后一天（按工作日、节假日和调休计算）">
                  <Typography.Text strong data-testid="publicity-last-day">
                    {lastDay.isFetching ? "计算中…" : lastDay.data ? formatDate(lastDay.data) : "—"}
                  </Typography.Text>
                  {lastDay.error && <Alert type="warning" showIcon title={describeError(lastDay.error)} style={{ marginTop: 4 }} />}
                </Form.Item>
              </Space>
              <Space wrap align="start">
                <Form.Item label="异议受理部门" name="department" rules={[{ required: true, whitespace: true, message: "请填写受理部门" }]}>
                  <Input style={{ width: 220 }} maxLength={100} />
                </Form.Item>
                <Form.Item label="受理电话" name="phone" rules={[{ required: true, whitespace: true, message: "请填写受理电话" }]}>
                  <Input style={{ width: 180 }} maxLength={30} />
                </Form.Item>
                <Form.Item label="通信地址" name="address">
                  <Input style={{ width: 260 }} maxLength={200} />
                </Form.Item>
              </Space>
              <Button type="primary" htmlType="submit">张贴公示（已选 {selected.length} 个）</Button>
            </Form>
          </>
        )}
        {posted && (
          <Space style={{ marginTop: 16 }}>
            <Alert type="success" showIcon title={`公示已张贴，公示期至${formatDate(posted.last_day)}`} />
            <Button onClick={() => window.print()}>打印公示（A4）</Button>
          </Space>
        )}
      </Card>
      {posted && <PublicityPrint list={posted} title={c.title} />}
    </Space>
  );
}
