import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, DatePicker, Form, Input, Space } from "antd";
import type { Dayjs } from "dayjs";
import dayjs from "dayjs";
import { useState } from "react";
import { useNavigate } from "react-router";
import { api, ApiError } from "../../api/client";
import { describeError } from "../../lib/errors";

interface Values {
  variant: string;
  name?: string;
  submit_by?: Dayjs;
}

/** Create a campaign from a variant (processes/<variant>); a deadline already past is refused, here
 * by the date picker and by the server. */
export function CreateCampaign() {
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigate();
  const client = useQueryClient();
  const { message } = App.useApp();

  async function create(values: Values) {
    setError(null);
    try {
      const body = {
        variant: values.variant.trim(),
        name: values.name?.trim() || null,
        deadlines: values.submit_by ? { submit_by: values.submit_by.format("YYYY-MM-DD") } : null,
      };
      const created = await api.post<{ id: string }>("/api/campaigns", body);
      message.success("评选活动已创建");
      client.invalidateQueries({ queryKey: ["campaigns"] });
      navigate(`/campaigns/${created.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors) {
        form.setFields(Object.entries(e.problem.errors).map(([name, msg]) => ({ name: (name.startsWith("deadlines") ? "submit_by" : name) as keyof Values, errors: [msg] })));
      }
      setError(describeError(e));
    }
  }

  return (
    <Form form={form} layout="inline" onFinish={create} style={{ marginBottom: 16 }}>
      <Space wrap>
        <Form.Item label="变体编号" name="variant" rules={[{ required: true, message: "请填写变体编号，如 001" }]}>
          <Input placeholder="如 001" style={{ width: 100 }} />
        </Form.Item>
        <Form.Item label="活动名称" name="name">
          <Input placeholder="不填则用通知标题" style={{ width: 220 }} />
        </Form.Item>
        <Form.Item label="报送截止日期" name="submit_by">
          <DatePicker disabledDate={(d) => d.isBefore(dayjs().startOf("day"))} format="YYYY年M月D日" />
        </Form.Item>
        <Button type="primary" htmlType="submit">创建评选活动</Button>
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ width: "100%", marginTop: 8 }} />}
    </Form>
  );
}
