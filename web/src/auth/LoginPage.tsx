import { useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { api } from "../api/client";
import type { User } from "../api/types";
import { describeError } from "../lib/errors";

interface Credentials {
  name: string;
  password: string;
}

export default function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = params.get("next") || "/";

  async function login(values: Credentials) {
    setBusy(true);
    setError(null);
    try {
      const session = await api.post<{ user: User }>("/api/auth/login", values);
      client.clear();
      client.setQueryData(["me"], session.user);
      navigate(next.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login-page">
      <Card className="login-card">
        <Typography.Title level={3} style={{ textAlign: "center" }}>
          评选表彰流程系统
        </Typography.Title>
        {params.get("expired") && (
          <Alert type="warning" showIcon title="登录已过期，请重新登录。正在填写的表单已暂存，登录后会自动恢复。" />
        )}
        {error && <Alert type="error" showIcon title={error} role="alert" />}
        <Form<Credentials> layout="vertical" onFinish={login} requiredMark={false} style={{ marginTop: 16 }}>
          <Form.Item label="用户名" name="name" rules={[{ required: true, message: "请输入用户名" }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: "请输入密码" }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </main>
  );
}
